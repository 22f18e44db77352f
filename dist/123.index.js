export const id = 123;
export const ids = [123];
export const modules = {

/***/ 8094:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BO: () => (/* binding */ TaskStoppedError),
/* harmony export */   BS: () => (/* binding */ taskId),
/* harmony export */   Do: () => (/* binding */ WaitTimeoutError),
/* harmony export */   Lq: () => (/* binding */ buildRunTaskInput),
/* harmony export */   Lt: () => (/* binding */ networkInterfaceId),
/* harmony export */   eW: () => (/* binding */ runTasks),
/* harmony export */   ml: () => (/* binding */ systemClock),
/* harmony export */   t2: () => (/* binding */ privateIp),
/* harmony export */   th: () => (/* binding */ waitForTasks)
/* harmony export */ });
/* unused harmony export nextPollDelay */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(212);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _task_definition_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8185);
// Starting the tasks and watching them: RunTask, then DescribeTasks polled until they reach the state
// the workflow waits for.




const systemClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};
function buildRunTaskInput(inputs, target, clientToken = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)()) {
    const tags = (0,_task_definition_js__WEBPACK_IMPORTED_MODULE_2__/* .ecsTags */ .pH)(inputs);
    return {
        cluster: target.cluster,
        taskDefinition: target.taskDefinitionArn,
        count: inputs.count,
        launchType: 'FARGATE',
        platformVersion: 'LATEST',
        networkConfiguration: {
            awsvpcConfiguration: {
                subnets: target.subnets,
                securityGroups: target.securityGroups,
                assignPublicIp: inputs.assignPublicIp ? 'ENABLED' : 'DISABLED'
            }
        },
        startedBy: inputs.startedBy,
        tags: tags.length > 0 ? tags : undefined,
        // The SDK retries RunTask on transient errors; the token keeps a retry from starting the tasks twice.
        clientToken
    };
}
/** Runs the tasks; fails only when none started (a partial start is reported by the caller after outputs). */
async function runTasks(ecs, input) {
    const { tasks = [], failures = [] } = await ecs.send(new _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_3__.RunTaskCommand(input));
    if (tasks.length === 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`RunTask started no task${failures.length > 0 ? '' : ' and reported no failure'}`, {
            details: failures.length > 0 ? (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeRunTaskFailures */ .f)(failures) : undefined
        });
    }
    return { tasks, failures };
}
function taskId(taskArn) {
    return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}
function networkInterfaceId(task) {
    const eni = task.attachments?.find((attachment) => attachment.type === 'ElasticNetworkInterface');
    return eni?.details?.find((detail) => detail.name === 'networkInterfaceId')?.value;
}
function privateIp(task) {
    const eni = task.attachments?.find((attachment) => attachment.type === 'ElasticNetworkInterface');
    return eni?.details?.find((detail) => detail.name === 'privateIPv4Address')?.value;
}
/** The next poll delay: about 1 s at first, backing off gently so a state change is still seen within 1.5 s. */
function nextPollDelay(previous) {
    if (previous === undefined)
        return 1000;
    return Math.min(Math.round(previous * 1.1), 1300);
}
class WaitTimeoutError extends _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ {
    lastSeen;
    constructor(what, lastSeen) {
        super(`Timed out waiting for ${what}`, {
            details: lastSeen
                .map((task) => `${task.taskArn}: last status ${task.lastStatus ?? 'unknown'}`)
                .join('\n')
        });
        this.lastSeen = lastSeen;
        this.name = 'WaitTimeoutError';
    }
}
class TaskStoppedError extends _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ {
    task;
    constructor(task) {
        super(`Task ${task.taskArn} stopped before it was RUNNING`);
        this.task = task;
        this.name = 'TaskStoppedError';
    }
}
/**
 * Polls DescribeTasks until every task reaches `until`. A task that stops while we wait for RUNNING fails the
 * wait with the task attached, so the caller can explain why it stopped.
 */
async function waitForTasks(ecs, cluster, taskArns, options) {
    const clock = options.clock ?? systemClock;
    const missingSince = clock.now();
    const missingGraceMs = options.missingGraceMs ?? 30_000;
    let lastSeen = [];
    let delay;
    for (;;) {
        let tasks;
        try {
            const answer = await ecs.send(new _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_3__.DescribeTasksCommand({ cluster, tasks: taskArns }));
            tasks = answer.tasks ?? [];
            const missing = (answer.failures ?? []).filter((failure) => failure.reason === 'MISSING');
            // ECS is eventually consistent: a task just started may not be visible yet.
            if (missing.length > 0 && clock.now() - missingSince > missingGraceMs) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`ECS does not know task(s) ${missing.map((f) => f.arn).join(', ')} (MISSING)`, {
                    hint: 'The task may have been started in another cluster or region; check the cluster and region inputs.'
                });
            }
            const otherFailures = (answer.failures ?? []).filter((failure) => failure.reason !== 'MISSING');
            if (otherFailures.length > 0) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ('DescribeTasks failed', { details: (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeRunTaskFailures */ .f)(otherFailures) });
            }
        }
        catch (error) {
            // Throttling that outlasted the SDK's retries: slow down instead of failing the deploy.
            if (error.name !== 'ThrottlingException')
                throw error;
            delay = Math.min((delay ?? 1000) * 2, 10_000);
        }
        if (tasks) {
            lastSeen = mergeSeen(lastSeen, tasks);
            await options.onPoll?.(tasks);
            if (options.until === 'RUNNING') {
                const stopped = tasks.find((task) => task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED');
                if (stopped)
                    throw new TaskStoppedError(stopped);
            }
            if (tasks.length === taskArns.length && tasks.every((task) => task.lastStatus === options.until))
                return tasks;
            delay = nextPollDelay(delay);
        }
        const remaining = options.deadline - clock.now();
        if (remaining <= 0)
            throw new WaitTimeoutError(`the task(s) to be ${options.until}`, lastSeen);
        await clock.sleep(Math.min(delay, remaining));
    }
}
function mergeSeen(previous, latest) {
    const byArn = new Map(previous.map((task) => [task.taskArn, task]));
    for (const task of latest)
        byArn.set(task.taskArn, task);
    return [...byArn.values()];
}


/***/ }),

/***/ 1123:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   STOP_REASON: () => (/* binding */ STOP_REASON),
/* harmony export */   familyOf: () => (/* binding */ familyOf),
/* harmony export */   stopTasks: () => (/* binding */ stopTasks)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(212);
/* harmony import */ var _run_task_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8094);
// Stop mode: stop the tasks named (or found by startedBy and family), wait until they are STOPPED.
// Safe to run twice: tasks already stopped or gone, and a cluster that no longer exists, are not errors.


const STOP_REASON = 'Stopped by ecs-fargate-deploy (mode: stop)';
async function stopTasks(ecs, options) {
    const log = options.log ?? (() => undefined);
    let taskArns = options.taskArns;
    try {
        if (taskArns.length === 0)
            taskArns = await findRunningTasks(ecs, options);
        if (taskArns.length === 0) {
            log(`No running task of ${options.family || 'any family'} started by '${options.startedBy}' in ${options.cluster}`);
            return { stopped: [], alreadyStopped: [], missing: [] };
        }
        const tasks = await describe(ecs, options.cluster, taskArns);
        const known = new Set(tasks.flatMap((task) => [task.taskArn, task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1)]));
        const missing = taskArns.filter((arn) => !known.has(arn));
        const alreadyStopped = tasks.filter((task) => task.lastStatus === 'STOPPED').map((task) => task.taskArn);
        const toStop = tasks.filter((task) => task.lastStatus !== 'STOPPED').map((task) => task.taskArn);
        await Promise.all(toStop.map((task) => ecs.send(new _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_1__.StopTaskCommand({ cluster: options.cluster, task, reason: STOP_REASON }))));
        for (const arn of toStop)
            log(`Stopping ${arn}`);
        for (const arn of alreadyStopped)
            log(`${arn} was already stopped`);
        for (const arn of missing)
            log(`${arn} is not known to ECS in ${options.cluster} (already gone)`);
        if (toStop.length > 0) {
            await (0,_run_task_js__WEBPACK_IMPORTED_MODULE_0__/* .waitForTasks */ .th)(ecs, options.cluster, toStop, {
                until: 'STOPPED',
                deadline: options.deadline,
                clock: options.clock
            });
        }
        return { stopped: [...toStop, ...alreadyStopped], alreadyStopped, missing };
    }
    catch (error) {
        if (error.name === 'ClusterNotFoundException') {
            log(`Cluster ${options.cluster} does not exist: nothing to stop`);
            return { stopped: [], alreadyStopped: [], missing: taskArns };
        }
        throw error;
    }
}
/** ListTasks filters by startedBy; the family is checked on the described tasks (ListTasks takes one or the other). */
async function findRunningTasks(ecs, options) {
    const arns = [];
    for await (const page of (0,_aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_1__.paginateListTasks)({ client: ecs }, { cluster: options.cluster, startedBy: options.startedBy, desiredStatus: 'RUNNING' })) {
        arns.push(...(page.taskArns ?? []));
    }
    if (!options.family || arns.length === 0)
        return arns;
    const tasks = await describe(ecs, options.cluster, arns);
    return tasks.filter((task) => familyOf(task) === options.family).map((task) => task.taskArn);
}
function familyOf(task) {
    // arn:aws:ecs:region:account:task-definition/FAMILY:REVISION
    return /task-definition\/([^:]+):\d+$/.exec(task.taskDefinitionArn ?? '')?.[1];
}
async function describe(ecs, cluster, taskArns) {
    const tasks = [];
    for (let i = 0; i < taskArns.length; i += 100) {
        const answer = await ecs.send(new _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_1__.DescribeTasksCommand({ cluster, tasks: taskArns.slice(i, i + 100) }));
        tasks.push(...(answer.tasks ?? []));
    }
    return tasks;
}


/***/ }),

/***/ 8185:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   P9: () => (/* binding */ renderTaskDefinition),
/* harmony export */   XW: () => (/* binding */ registerOrReuse),
/* harmony export */   nv: () => (/* binding */ streamPrefix),
/* harmony export */   pH: () => (/* binding */ ecsTags),
/* harmony export */   yf: () => (/* binding */ describeLatestRevision)
/* harmony export */ });
/* unused harmony exports DEFAULT_STREAM_PREFIX, canonicalTaskDefinition */
/* harmony import */ var _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(212);
// The task definition: rendered from the inputs (over an optional template), compared with the family's
// latest ACTIVE revision, and registered only when it differs.

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not take. */
const DESCRIBE_ONLY = [
    'taskDefinitionArn',
    'revision',
    'status',
    'requiresAttributes',
    'compatibilities',
    'registeredAt',
    'registeredBy',
    'deregisteredAt',
    'deleteRequestedAt'
];
const DEFAULT_STREAM_PREFIX = 'ecs';
function renderTaskDefinition(inputs, context) {
    const template = { ...(inputs.taskDefinitionTemplate ?? {}) };
    for (const key of [...DESCRIBE_ONLY, 'tags'])
        delete template[key];
    const templateContainers = (inputs.taskDefinitionTemplate?.containerDefinitions ??
        []);
    const base = templateContainers.find((c) => c.name === inputs.containerName) ?? {};
    const container = {
        ...base,
        name: inputs.containerName,
        image: context.image,
        essential: base.essential ?? true,
        environment: mergeByName(base.environment ?? [], inputs.environment),
        secrets: mergeByName(base.secrets ?? [], inputs.secrets),
        logConfiguration: {
            logDriver: 'awslogs',
            options: {
                ...(base.logConfiguration?.logDriver === 'awslogs' ? base.logConfiguration.options : {}),
                'awslogs-group': inputs.logGroup,
                'awslogs-region': inputs.region,
                'awslogs-stream-prefix': streamPrefix(base)
            }
        }
    };
    if (inputs.port !== undefined) {
        container.portMappings = [
            { containerPort: inputs.port, hostPort: inputs.port, protocol: 'tcp', name: `port-${inputs.port}` }
        ];
    }
    if (inputs.command)
        container.command = inputs.command;
    const containers = templateContainers.some((c) => c.name === inputs.containerName)
        ? templateContainers.map((c) => (c.name === inputs.containerName ? container : c))
        : [container, ...templateContainers];
    return {
        ...template,
        family: inputs.family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: String(inputs.cpu),
        memory: String(inputs.memory),
        executionRoleArn: context.executionRoleArn,
        taskRoleArn: context.taskRoleArn ?? template['taskRoleArn'],
        containerDefinitions: containers,
        tags: ecsTags(inputs)
    };
}
function streamPrefix(container) {
    return container.logConfiguration?.options?.['awslogs-stream-prefix'] ?? DEFAULT_STREAM_PREFIX;
}
/** The user's tags, in ECS's shape. */
function ecsTags(inputs) {
    return inputs.tags.map(({ key, value }) => ({ key, value }));
}
function mergeByName(base, overrides) {
    const merged = new Map();
    for (const item of [...base, ...overrides])
        merged.set(item.name, item);
    return [...merged.values()];
}
/**
 * A canonical form for comparing a rendered definition with a registered one: AWS fills in defaults
 * (hostPort, protocol, essential, empty lists) and may order lists differently.
 */
function canonicalTaskDefinition(definition) {
    const copy = { ...definition };
    for (const key of DESCRIBE_ONLY)
        delete copy[key];
    copy['containerDefinitions'] = (definition.containerDefinitions ?? []).map((container) => {
        const c = { essential: true, ...container };
        if (c['cpu'] === 0)
            delete c['cpu'];
        c['portMappings'] = (container.portMappings ?? []).map((mapping) => ({
            ...mapping,
            hostPort: mapping.hostPort ?? mapping.containerPort,
            protocol: mapping.protocol ?? 'tcp'
        }));
        for (const list of ['environment', 'secrets']) {
            c[list] = [...(container[list] ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
        }
        return c;
    });
    copy['tags'] = [...(definition.tags ?? [])].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
    return JSON.stringify(sortKeys(prune(copy)));
}
/** Drops undefined, null, empty lists and empty objects. */
function prune(value) {
    if (Array.isArray(value)) {
        const items = value.map(prune).filter((item) => item !== undefined);
        return items.length > 0 ? items : undefined;
    }
    if (value && typeof value === 'object' && !(value instanceof Date)) {
        const entries = Object.entries(value)
            .map(([key, item]) => [key, prune(item)])
            .filter(([, item]) => item !== undefined);
        return entries.length > 0 ? Object.fromEntries(entries) : undefined;
    }
    return value === null ? undefined : value;
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys(value[key])]));
    }
    return value;
}
/** The family's latest ACTIVE revision, or undefined when the family has none. */
async function describeLatestRevision(ecs, family) {
    try {
        const { taskDefinition, tags } = await ecs.send(new _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_0__.DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] }));
        return taskDefinition ? { ...taskDefinition, tags } : undefined;
    }
    catch (error) {
        // ECS answers ClientException "Unable to describe task definition." for a family with no revision.
        if (error.name === 'ClientException')
            return undefined;
        throw error;
    }
}
async function registerOrReuse(ecs, rendered, latest) {
    if (latest?.status === 'ACTIVE' && canonicalTaskDefinition(latest) === canonicalTaskDefinition(rendered)) {
        return { taskDefinitionArn: latest.taskDefinitionArn, revision: latest.revision, reused: true };
    }
    const input = { ...rendered, tags: rendered.tags && rendered.tags.length > 0 ? rendered.tags : undefined };
    const { taskDefinition } = await ecs.send(new _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_0__.RegisterTaskDefinitionCommand(input));
    return {
        taskDefinitionArn: taskDefinition.taskDefinitionArn,
        revision: taskDefinition.revision,
        reused: false
    };
}


/***/ })

};
