export const id = 837;
export const ids = [837];
export const modules = {

/***/ 3871:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Jg: () => (/* binding */ Docker),
/* harmony export */   MA: () => (/* binding */ removeDockerConfigDir),
/* harmony export */   ZK: () => (/* binding */ registryHostFromEndpoint),
/* harmony export */   u1: () => (/* binding */ createDockerConfigDir)
/* harmony export */ });
/* unused harmony exports defaultUserConfigDir, digestFromPushOutput */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
// Docker login, build, tag and push, in a Docker config folder of the action's own so that concurrent jobs
// on one runner never see, or log out, each other's registries.



/**
 * Creates RUNNER_TEMP/ecs-fargate-deploy-XXXX/ seeded with the user's config.json (so other logins and
 * credential helpers still serve a build) and links to their cli-plugins and buildx state.
 */
function createDockerConfigDir(tempRoot, userConfigDir = defaultUserConfigDir()) {
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(tempRoot, { recursive: true });
    const dir = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(tempRoot, 'ecs-fargate-deploy-docker-'));
    const userConfig = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(userConfigDir, 'config.json');
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, 'config.json'), (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(userConfig) ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(userConfig) : '{}\n', {
        mode: 0o600
    });
    for (const shared of ['cli-plugins', 'buildx', 'contexts']) {
        const source = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(userConfigDir, shared);
        if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(source))
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.symlinkSync)(source, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, shared));
    }
    return dir;
}
function defaultUserConfigDir(env = process.env) {
    return env['DOCKER_CONFIG'] || (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.homedir)(), '.docker');
}
function removeDockerConfigDir(dir) {
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(dir, { recursive: true, force: true });
}
/** The registry host docker logs in to, from ECR's proxyEndpoint (https://123.dkr.ecr.us-east-1.amazonaws.com). */
function registryHostFromEndpoint(proxyEndpoint) {
    return proxyEndpoint.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
}
/** Reads the digest docker push prints: "latest: digest: sha256:… size: 528". */
function digestFromPushOutput(output) {
    return /digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1];
}
class Docker {
    runner;
    configDir;
    env;
    constructor(runner, configDir) {
        this.runner = runner;
        this.configDir = configDir;
        this.env = { DOCKER_CONFIG: configDir };
    }
    async login({ registryHost, username, password }) {
        await this.runner.run('docker', ['login', '--username', username, '--password-stdin', registryHost], {
            input: password,
            env: this.env,
            silent: true
        });
    }
    async logout(registryHost) {
        await this.runner.run('docker', ['logout', registryHost], { env: this.env, silent: true });
    }
    async build(context, dockerfile, imageRef) {
        const fileArgs = dockerfile ? ['--file', dockerfile] : [];
        await this.runner.run('docker', ['build', ...fileArgs, '--tag', imageRef, context], { env: this.env });
    }
    async tag(source, target) {
        await this.runner.run('docker', ['tag', source, target], { env: this.env });
    }
    /** Pushes and returns the digest the registry answered with. */
    async push(imageRef) {
        const { stdout } = await this.runner.run('docker', ['push', imageRef], { env: this.env });
        return digestFromPushOutput(stdout);
    }
}


/***/ }),

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MA: () => (/* binding */ formatActionError),
/* harmony export */   UW: () => (/* binding */ explainError),
/* harmony export */   VE: () => (/* binding */ hintForStoppedTask),
/* harmony export */   aN: () => (/* reexport safe */ _permissions_js__WEBPACK_IMPORTED_MODULE_0__.aN),
/* harmony export */   f: () => (/* binding */ describeRunTaskFailures),
/* harmony export */   lZ: () => (/* binding */ ActionError),
/* harmony export */   us: () => (/* binding */ describeStoppedTask),
/* harmony export */   x: () => (/* binding */ annotateAwsErrors)
/* harmony export */ });
/* unused harmony exports serviceOfClient, awsCallOf, attachAwsCall, parseDeniedMessage, resourceMatches */
/* harmony import */ var _permissions_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(331);


/**
 * An error that says what failed and what to do, shown to the user as is. `message` is what was given;
 * `hint` (what to do) and `details` (e.g. the task's stop reasons) are separate and may be set later.
 * Print all three with formatActionError.
 */
class ActionError extends Error {
    hint;
    details;
    constructor(message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'ActionError';
        this.hint = options.hint;
        this.details = options.details;
    }
    /** The first line of the message. */
    get summary() {
        return this.message.split('\n')[0] ?? '';
    }
}
/** The whole text to show for anything thrown: an ActionError's message, details and hint; else the message. */
function formatActionError(error) {
    if (error instanceof ActionError)
        return [error.message, error.details, error.hint].filter(Boolean).join('\n');
    if (error instanceof Error)
        return error.message;
    return String(error);
}
const AWS_CALL = Symbol.for('ecs-fargate-deploy.aws-call');
const SERVICE_OF_CLIENT = {
    ECRClient: 'ecr',
    ECSClient: 'ecs',
    EC2Client: 'ec2',
    IAMClient: 'iam',
    CloudWatchLogsClient: 'logs',
    STSClient: 'sts'
};
const SERVICE_TITLE = {
    ecr: 'ECR',
    ecs: 'ECS',
    ec2: 'EC2',
    iam: 'IAM',
    logs: 'CloudWatch Logs',
    sts: 'STS'
};
function serviceOfClient(clientName) {
    if (!clientName)
        return 'aws';
    return SERVICE_OF_CLIENT[clientName] ?? clientName.replace(/Client$/, '').toLowerCase();
}
/** The call an error came from, if annotateAwsErrors saw it. */
function awsCallOf(error) {
    if (error === null || typeof error !== 'object')
        return undefined;
    return error[AWS_CALL];
}
/** Attaches the call (service, operation, input) to an error, without making it enumerable or printable. */
function attachAwsCall(error, call) {
    if (error === null || typeof error !== 'object' || awsCallOf(error))
        return;
    Object.defineProperty(error, AWS_CALL, { value: call, enumerable: false, configurable: true });
}
const ANNOTATE_MIDDLEWARE = 'ecsFargateDeployAnnotateErrors';
/**
 * Makes every command of this client that fails carry `{ service, operation, input }` on its error, so
 * explainError can say which step needed which permission. Safe to call twice on one client.
 */
function annotateAwsErrors(client) {
    const middleware = (next, context) => async (args) => {
        try {
            return await next(args);
        }
        catch (error) {
            attachAwsCall(error, {
                service: serviceOfClient(context.clientName),
                operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
                input: args.input
            });
            throw error;
        }
    };
    client.middlewareStack.add(middleware, {
        step: 'initialize',
        name: ANNOTATE_MIDDLEWARE,
        override: true
    });
    return client;
}
function parseDeniedMessage(message) {
    const action = /is not authorized to perform: ([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1];
    if (!action)
        return undefined;
    const principal = /User: (arn:\S+) is not authorized/.exec(message)?.[1];
    const account = principal?.split(':')[4];
    const resource = /on resource: (\S+)/.exec(message)?.[1]?.replace(/[.,;]+$/, '');
    const reason = /with an explicit deny in an? [^.]*?policy/.exec(message)?.[0] ?? /because ([^.]+)/.exec(message)?.[1];
    return {
        principal,
        account: account && /^\d{12}$/.test(account) ? account : undefined,
        action,
        resource,
        reason
    };
}
/** Whether an IAM resource pattern (with * and ?) matches an ARN. */
function resourceMatches(pattern, arn) {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${regex}$`).test(arn);
}
const ACCESS_DENIED_NAMES = new Set([
    'AccessDenied',
    'AccessDeniedException',
    'UnauthorizedOperation',
    'UnauthorizedException',
    'AuthorizationError',
    'AuthorizationErrorException',
    'Forbidden',
    'ForbiddenException'
]);
const CREDENTIAL_NAMES = new Set([
    'CredentialsProviderError',
    'ExpiredToken',
    'ExpiredTokenException',
    'InvalidClientTokenId',
    'UnrecognizedClientException',
    'AuthFailure',
    'SignatureDoesNotMatch',
    'InvalidSignatureException',
    'IncompleteSignature',
    'MissingAuthenticationToken',
    'InvalidAccessKeyId',
    'TokenRefreshRequired'
]);
const THROTTLING_NAMES = new Set([
    'ThrottlingException',
    'Throttling',
    'ThrottledException',
    'RequestLimitExceeded',
    'TooManyRequestsException',
    'RequestThrottled',
    'RequestThrottledException',
    'SlowDown'
]);
function factsOf(error) {
    if (error === null || typeof error !== 'object')
        return { name: 'Error', message: String(error) };
    const record = error;
    const codeLike = [record['Code'], record['code'], record['__type']].find((value) => typeof value === 'string');
    const name = typeof record['name'] === 'string' && record['name'] !== 'Error' ? record['name'] : codeLike;
    const message = typeof record['message'] === 'string' && record['message'] !== '' ? record['message'] : undefined;
    const metadata = record['$metadata'];
    return {
        name: name ?? 'Error',
        message: message ?? (typeof record['Message'] === 'string' ? record['Message'] : String(error)),
        attempts: metadata?.attempts
    };
}
function isAwsError(error) {
    return (error !== null &&
        typeof error === 'object' &&
        ('$metadata' in error || '$fault' in error || awsCallOf(error) !== undefined));
}
function callTitle(call) {
    if (!call)
        return undefined;
    return `${SERVICE_TITLE[call.service] ?? call.service.toUpperCase()} ${call.operation}`;
}
/** The row that explains this failure: the call's row for the denied action (and resource), else any row for it. */
function rowFor(call, scope, denied = {}) {
    const callRows = call ? (0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .rowsForOperation */ .Ef)(call.service, call.operation) : [];
    if (denied.action) {
        const candidates = [
            ...callRows.filter((row) => row.actions.includes(denied.action)),
            ..._permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .PERMISSIONS */ .Jj.filter((row) => row.actions.includes(denied.action) && !row.noPermissionNeeded)
        ];
        const resource = denied.resource;
        const matching = resource
            ? candidates.find((row) => (0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .statementFor */ .JM)(row, scope).Resource.some((pattern) => resourceMatches(pattern, resource)))
            : undefined;
        if (matching ?? candidates[0])
            return matching ?? candidates[0];
    }
    if (call) {
        return callRows.find((row) => row.actions.includes(`${call.service}:${call.operation}`)) ?? callRows[0];
    }
    return undefined;
}
/** The table's statement for the row; AWS's action and resource when the table's do not cover them. */
function deniedStatement(row, scope, denied) {
    if (!row || (denied.action && !row.actions.includes(denied.action))) {
        return {
            Sid: 'AllowDeniedAction',
            Effect: 'Allow',
            Action: [denied.action ?? '*'],
            Resource: [denied.resource ?? '*']
        };
    }
    const statement = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .statementFor */ .JM)(row, scope);
    const resource = denied.resource;
    if (resource && !statement.Resource.some((pattern) => resourceMatches(pattern, resource))) {
        statement.Resource = [resource];
    }
    return statement;
}
function explainAccessDenied(error, facts, scope, call) {
    const denied = parseDeniedMessage(facts.message) ?? {};
    // The account in AWS's message fills in a placeholder account.
    const scoped = denied.account && !/^\d{12}$/.test(scope.account) ? scopeWithAccount(scope, denied.account) : scope;
    const row = rowFor(call, scoped, denied);
    const statement = deniedStatement(row, scoped, denied);
    const action = denied.action ?? row?.actions.join(', ') ?? 'an IAM action';
    const resource = denied.resource ?? statement.Resource.join(', ');
    const step = row?.step ?? 'call AWS';
    const title = callTitle(call ?? (row ? { service: row.service, operation: row.operation } : undefined));
    const who = denied.principal ? ` (${denied.principal})` : '';
    const summary = `Not authorized to ${step}: the AWS identity${who} may not perform ${action} on ${resource}` +
        (title ? ` (${title}).` : '.');
    const encoded = /Encoded authorization failure message:/.test(facts.message);
    const awsSaid = facts.message.replace(/\s*Encoded authorization failure message:.*$/s, '');
    const details = [
        `AWS said (${facts.name}): ${awsSaid}`,
        'Policy statement to add to the identity the workflow uses:',
        JSON.stringify(statement, null, 2)
    ].join('\n');
    const explicitDeny = /explicit deny/i.test(facts.message);
    const hints = [
        explicitDeny
            ? `An explicit Deny (${denied.reason ?? 'in a policy'}) blocks ${action}: adding an Allow will not help; ask whoever manages that policy.`
            : `Add the statement above to the IAM policy of the role your workflow assumes${denied.principal ? ` (${roleOf(denied.principal)})` : ''}.`,
        row?.optional
            ? `Or skip this step: ${row.optional.bringYourOwn} (input ${row.optional.input}).`
            : undefined,
        encoded
            ? 'AWS sent an encoded reason; decode it with `aws sts decode-authorization-message`.'
            : undefined,
        'Run the action with mode: permissions to print the whole policy these inputs need.'
    ];
    return new ActionError([summary, details, ...hints.filter(Boolean)].join('\n'), { cause: error });
}
function scopeWithAccount(scope, account) {
    const fill = (arn) => arn?.replace(`::${scope.account}:`, `::${account}:`);
    return { ...scope, account, executionRole: fill(scope.executionRole), taskRole: fill(scope.taskRole) };
}
/** arn:aws:sts::1:assumed-role/NAME/session → "role NAME"; anything else as is. */
function roleOf(principal) {
    const assumed = /:assumed-role\/([^/]+)\//.exec(principal);
    return assumed ? `role ${assumed[1]}` : principal;
}
const CREDENTIALS_HINT = 'Configure AWS credentials before this step with aws-actions/configure-aws-credentials and GitHub OIDC: ' +
    'give the job `permissions: id-token: write` and add a step `uses: aws-actions/configure-aws-credentials@v4` ' +
    'with `role-to-assume: arn:aws:iam::ACCOUNT_ID:role/ROLE` and `aws-region`. ' +
    'The role must trust token.actions.githubusercontent.com for this repository.';
function explainCredentials(error, facts, what) {
    const expired = /Expired/i.test(facts.name) || /expired/i.test(facts.message);
    const missing = facts.name === 'CredentialsProviderError' || /could not load credentials/i.test(facts.message);
    const summary = missing
        ? `No AWS credentials were found to ${what}.`
        : expired
            ? `The AWS credentials expired before the action could ${what}.`
            : `AWS rejected the credentials used to ${what} (${facts.name}).`;
    const hint = expired
        ? `${CREDENTIALS_HINT} For long jobs raise role-duration-seconds, or configure credentials right before this step.`
        : CREDENTIALS_HINT;
    return new ActionError([summary, `AWS said (${facts.name}): ${facts.message}`, hint].join('\n'), {
        cause: error
    });
}
function explainThrottling(error, facts, what, title) {
    const attempts = facts.attempts ? ` after ${facts.attempts} attempts` : '';
    const text = [
        `AWS throttled the requests to ${what}${title ? ` (${title})` : ''}${attempts}: the SDK already retried with backoff.`,
        `AWS said (${facts.name}): ${facts.message}`,
        'Other jobs or tools are calling the same API in this account and region. Re-run the job, or run fewer deploys at once.'
    ];
    return new ActionError(text.join('\n'), { cause: error });
}
/**
 * Turns anything thrown into an ActionError that says what failed and what to do. ActionErrors pass
 * through. For AWS errors the message is self-contained (no hint or details): what was denied and why,
 * the statement to add, and the input that skips the step. `fallbackCall` names the call when the
 * client was not annotated (e.g. a mocked `send`).
 */
function explainError(error, scope, fallbackCall) {
    if (error instanceof ActionError)
        return error;
    const facts = factsOf(error);
    const call = awsCallOf(error) ?? (fallbackCall ? { ...fallbackCall, input: undefined } : undefined);
    const row = rowFor(call, scope);
    const what = row?.step ?? 'call AWS';
    const title = callTitle(call);
    if (ACCESS_DENIED_NAMES.has(facts.name) || /is not authorized to perform:/.test(facts.message)) {
        return explainAccessDenied(error, facts, scope, call);
    }
    if (CREDENTIAL_NAMES.has(facts.name) || /could not load credentials/i.test(facts.message)) {
        return explainCredentials(error, facts, what);
    }
    if (THROTTLING_NAMES.has(facts.name))
        return explainThrottling(error, facts, what, title);
    if (/service linked role/i.test(facts.message)) {
        const slr = _permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .PERMISSIONS */ .Jj.find((r) => r.actions.includes('iam:CreateServiceLinkedRole'));
        const text = [
            `ECS could not use its service-linked role to ${what}${title ? ` (${title})` : ''}.`,
            `AWS said (${facts.name}): ${facts.message}`,
            'Policy statement to add:',
            JSON.stringify((0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .statementFor */ .JM)(slr, scope), null, 2),
            'Allow the statement above, or create the role once: aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com'
        ];
        return new ActionError(text.join('\n'), { cause: error });
    }
    if (!isAwsError(error)) {
        if (error instanceof Error)
            return new ActionError(error.message, { cause: error });
        return new ActionError(`Failed: ${facts.message}`, { cause: error });
    }
    const prefix = title ? `Failed to ${what} (${title})` : 'An AWS call failed';
    return new ActionError(`${prefix}: ${facts.name}: ${facts.message}`, { cause: error });
}
function taskLabel(task) {
    const id = task.taskArn ? task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1) : 'unknown';
    const definition = task.taskDefinitionArn?.slice(task.taskDefinitionArn.lastIndexOf('/') + 1);
    return definition ? `Task ${id} (${definition})` : `Task ${id}`;
}
/** Text for a task that stopped: its stop code and reason, then each container's reason and exit code. */
function describeStoppedTask(task) {
    const why = [task.stopCode, task.stoppedReason].filter(Boolean).join(': ') || 'no reason given';
    const lines = [`${taskLabel(task)} stopped: ${why}`];
    for (const container of task.containers ?? []) {
        const parts = [
            container.exitCode !== undefined ? `exit code ${container.exitCode}` : undefined,
            container.reason ? `reason: ${container.reason}` : undefined,
            container.exitCode === undefined && !container.reason
                ? `last status ${container.lastStatus ?? 'unknown'}`
                : undefined
        ].filter(Boolean);
        lines.push(`  container ${container.name ?? '?'}: ${parts.join('; ')}`);
    }
    return lines.join('\n');
}
const NETWORK_TIMEOUT = /i\/o timeout|timed? ?out|timeout|context deadline exceeded|dial tcp|no route to host/i;
const PULL_OR_INIT = /CannotPullContainerError|ResourceInitializationError/;
const NOT_AUTHORIZED = /AccessDenied|not authorized|no basic auth credentials|403 Forbidden|status code 403/i;
const ECR_AUTH = /ecr registry auth|ecr:[A-Za-z]+|no basic auth credentials|403 Forbidden/i;
const SECRETS = /retrieve secret|secretsmanager|ssm:|GetSecretValue|GetParameters|parameter store/i;
const IMAGE_MISSING = /not found|manifest unknown|does not exist|404/i;
const LOG_GROUP_MISSING = /log group does not exist/i;
/** Hints for the known causes of a stopped task, one per line, or undefined when none is known. */
function hintForStoppedTask(task, context) {
    const texts = [
        task.stoppedReason ?? '',
        ...(task.containers ?? []).map((container) => container.reason ?? '')
    ];
    const all = texts.join('\n');
    const hints = [];
    const pullOrInit = PULL_OR_INIT.test(all);
    const timedOut = pullOrInit && NETWORK_TIMEOUT.test(all);
    const denied = NOT_AUTHORIZED.test(all);
    if (timedOut) {
        hints.push(context.assignPublicIp
            ? 'The task could not reach ECR or CloudWatch Logs (network timeout) although it has a public IP: check that the subnets route 0.0.0.0/0 to an internet gateway and that the security group and network ACLs allow outbound HTTPS.'
            : 'The task cannot reach ECR (network timeout) and has no public IP: set assign-public-ip: true, or use subnets with a NAT gateway or VPC endpoints (ecr.api, ecr.dkr, s3 gateway, logs).');
    }
    else if (LOG_GROUP_MISSING.test(all)) {
        hints.push(`The awslogs log group${context.logGroup ? ` ${context.logGroup}` : ''} does not exist: create it, or let the action create it (leave log-group empty or name a group that exists).`);
    }
    else if (pullOrInit && denied && SECRETS.test(all) && !ECR_AUTH.test(all)) {
        hints.push('The execution role could not read the secrets: allow it secretsmanager:GetSecretValue or ssm:GetParameters on them (and kms:Decrypt for a customer managed key).');
    }
    else if (pullOrInit && (denied || !context.hasExecutionRole)) {
        hints.push(context.hasExecutionRole
            ? 'The execution role could not pull the image: check that execution-role exists, trusts ecs-tasks.amazonaws.com and has AmazonECSTaskExecutionRolePolicy attached.'
            : 'The task has no execution role, so Fargate cannot pull from ECR or write logs: set execution-role (with create-execution-role: true the action creates it).');
    }
    else if (/CannotPullContainerError/.test(all) && IMAGE_MISSING.test(all)) {
        hints.push('The image was not found: check that the pushed tag or digest is the one in the task definition, in this region.');
    }
    if (/OutOfMemory/i.test(all)) {
        hints.push('The container ran out of memory: raise memory (and cpu, if the Fargate table requires it).');
    }
    if (/CannotStartContainerError/.test(all) && /executable file not found|no such file/i.test(all)) {
        hints.push("The container's command was not found in the image: check command (or the image's ENTRYPOINT/CMD).");
    }
    if (/exec format error/i.test(all)) {
        hints.push('The image was built for another CPU architecture: build it for linux/amd64 (docker build --platform linux/amd64).');
    }
    if (hints.length === 0 && task.stopCode === 'EssentialContainerExited') {
        const exitCodes = (task.containers ?? [])
            .filter((container) => container.exitCode !== undefined)
            .map((container) => `${container.name}: ${container.exitCode}`);
        hints.push(`The essential container exited${exitCodes.length > 0 ? ` (exit code ${exitCodes.join(', ')})` : ''}: look at its log lines${context.logGroup ? ` in ${context.logGroup}` : ''} for the cause.`);
    }
    return hints.length > 0 ? hints.join('\n') : undefined;
}
const FAILURE_HINTS = [
    [
        /^RESOURCE:ENI/,
        'No network interface could be created: the subnets are out of free IP addresses or the account reached its ENI quota. Use subnets with free addresses or raise the quota.'
    ],
    [
        /^RESOURCE:(CPU|MEMORY|PORTS|GPU)/,
        'No container instance had enough capacity; Fargate tasks should not report this: check that the task runs with launch type FARGATE.'
    ],
    [/^AGENT/, "The container instance's ECS agent is disconnected; retry, or check the cluster's instances."],
    [
        /^MISSING/,
        'ECS could not find a resource the task needs: check the cluster (cluster input and region) and that the task definition is ACTIVE.'
    ],
    [
        /^ATTRIBUTE/,
        "No capacity matched the task's required attributes (platform version, network mode, CPU architecture)."
    ],
    [
        /Capacity is unavailable|CAPACITY/i,
        "Fargate has no capacity in the subnets' Availability Zones right now: retry, or add subnets in other Availability Zones."
    ],
    [
        /INACTIVE/,
        'The cluster or task definition is INACTIVE: use an ACTIVE cluster, or let the action create one.'
    ],
    [/^LOCATION/, 'The subnets are in a different Availability Zone than the capacity: check the subnets.']
];
/** RunTask's or DescribeTasks' failures[]: one line per failure (arn, reason, detail) with hints for known reasons. */
function describeRunTaskFailures(failures) {
    const lines = [];
    for (const failure of failures) {
        const text = [failure.reason ?? 'unknown reason', failure.detail].filter(Boolean).join(': ');
        lines.push(`- ${failure.arn ? `${failure.arn}: ` : ''}${text}`);
        const hint = FAILURE_HINTS.find(([pattern]) => pattern.test(failure.reason ?? ''))?.[1];
        if (hint)
            lines.push(`  ${hint}`);
    }
    return lines.join('\n');
}


/***/ }),

/***/ 3190:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ createCommandRunner)
/* harmony export */ });
/* unused harmony export CommandError */
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1260);
// The one place that runs commands. Every docker call goes through here so that failures carry stderr,
// and secrets travel on stdin only.

class CommandError extends Error {
    command;
    exitCode;
    stderr;
    constructor(command, exitCode, stderr) {
        super(`'${command}' failed with exit code ${exitCode}${stderr ? `: ${stderr}` : ''}`);
        this.command = command;
        this.exitCode = exitCode;
        this.stderr = stderr;
        this.name = 'CommandError';
    }
}
function createCommandRunner() {
    return {
        async run(command, args, options = {}) {
            const env = options.env ? { ...process.env, ...options.env } : undefined;
            const output = await (0,_actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .getExecOutput */ .H)(command, args, {
                ignoreReturnCode: true,
                silent: options.silent ?? false,
                input: options.input === undefined ? undefined : Buffer.from(options.input),
                env,
                cwd: options.cwd
            });
            if (output.exitCode !== 0) {
                throw new CommandError([command, ...args.slice(0, 2)].join(' '), output.exitCode, output.stderr.trim());
            }
            return { stdout: output.stdout, stderr: output.stderr };
        }
    };
}


/***/ }),

/***/ 3837:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(7264);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/docker.ts
var docker = __webpack_require__(3871);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/exec.ts
var exec = __webpack_require__(3190);
;// CONCATENATED MODULE: ./src/report.ts
// What the workflow sees: outputs, log groups, annotations and the job summary.

function coreReporter() {
    return {
        info: (message) => core/* info */.pq(message),
        warning: (message) => core/* warning */.$e(message),
        notice: (message) => core/* notice */.lm(message),
        setOutput: (name, value) => core/* setOutput */.uH(name, value),
        setSecret: (secret) => core/* setSecret */.Pq(secret),
        group: (name, fn) => core/* group */.Os(name, fn)
    };
}
const consoleBase = (region) => `https://${region}.console.aws.amazon.com`;
function taskConsoleUrl(region, clusterArn, taskArn) {
    const cluster = clusterArn.slice(clusterArn.lastIndexOf('/') + 1);
    const id = taskArn.slice(taskArn.lastIndexOf('/') + 1);
    return `${consoleBase(region)}/ecs/v2/clusters/${cluster}/tasks/${id}/configuration?region=${region}`;
}
function formatSeconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}
function report_link(text, url) {
    return `<a href="${url}">${text}</a>`;
}
async function writeDeploySummary(region, result) {
    const summary = core/* summary */.z.addHeading('ECS Fargate deploy', 2);
    summary.addTable([
        [
            { data: 'What', header: true },
            { data: 'Value', header: true }
        ],
        ['Image', `${result.repositoryUri}:${result.tag}<br><code>${result.digest}</code>`],
        [
            'Task definition',
            `<code>${result.taskDefinitionArn.slice(result.taskDefinitionArn.lastIndexOf('/') + 1)}</code> (${result.reused ? 'reused: unchanged' : 'new revision'})`
        ],
        ['Cluster', `<code>${result.clusterArn}</code>`]
    ]);
    summary.addHeading('Tasks', 3);
    summary.addTable([
        ['Task', 'State', 'Public IP', 'URL', 'Exit code', 'Console', 'Logs'].map((data) => ({
            data,
            header: true
        })),
        ...result.tasks.map((task) => [
            `<code>${task.taskArn}</code>`,
            task.lastStatus ?? '',
            task.publicIp ?? '',
            task.url ? report_link(task.url, task.url) : '',
            task.exitCode === undefined ? '' : String(task.exitCode),
            report_link('task', taskConsoleUrl(region, result.clusterArn, task.taskArn)),
            report_link('logs', task.logUrl)
        ])
    ]);
    summary.addHeading('Timings', 3);
    summary.addTable([
        [
            { data: 'Phase', header: true },
            { data: 'Time', header: true }
        ],
        ...result.phases.map((phase) => [phase.name, formatSeconds(phase.ms)])
    ]);
    if (result.created.length > 0)
        summary.addRaw('Created: ' + result.created.join(', '), true);
    await summary.write();
}
async function writeStopSummary(cluster, result) {
    const rows = [
        ...result.stopped.map((arn) => [
            `<code>${arn}</code>`,
            result.alreadyStopped.includes(arn) ? 'was already stopped' : 'stopped'
        ]),
        ...result.missing.map((arn) => [`<code>${arn}</code>`, 'not found (already gone)'])
    ];
    const summary = core/* summary */.z
        .addHeading('ECS Fargate stop', 2)
        .addRaw(`Cluster <code>${cluster}</code>`, true);
    if (rows.length === 0)
        summary.addRaw('No task to stop.', true);
    else
        summary.addTable([
            [
                { data: 'Task', header: true },
                { data: 'Result', header: true }
            ],
            ...rows
        ]);
    await summary.write();
}
async function writeFailureSummary(error) {
    const summary = core/* summary */.z.addHeading('ECS Fargate deploy failed', 2).addCodeBlock(error.message);
    if (error.details)
        summary.addCodeBlock(error.details);
    if (error.hint)
        summary.addRaw(`<strong>What to do:</strong> ${error.hint}`, true);
    await summary.write();
}

;// CONCATENATED MODULE: ./src/main.ts
// Runs the mode the inputs ask for, and turns every failure into one clear message.






async function run(inputs) {
    const reporter = coreReporter();
    try {
        if (inputs.mode === 'deploy') {
            const [{ createDeployClients }, { deploy }] = await Promise.all([
                __webpack_require__.e(/* import() */ 71).then(__webpack_require__.bind(__webpack_require__, 9071)),
                Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(212), __webpack_require__.e(193), __webpack_require__.e(764), __webpack_require__.e(303), __webpack_require__.e(249), __webpack_require__.e(259)]).then(__webpack_require__.bind(__webpack_require__, 3259))
            ]);
            const dockerConfigDir = (0,docker/* createDockerConfigDir */.u1)(process.env['RUNNER_TEMP'] || (0,external_node_os_.tmpdir)());
            core/* saveState */.LZ('dockerConfigDir', dockerConfigDir);
            const result = await deploy(inputs, {
                clients: await createDeployClients(inputs.region),
                runner: (0,exec/* createCommandRunner */._)(),
                reporter,
                dockerConfigDir,
                onLogin: (registryHost) => core/* saveState */.LZ('registryHost', registryHost)
            });
            await writeDeploySummary(inputs.region, result);
            const url = result.tasks[0]?.url;
            if (url)
                core/* notice */.lm(`Serving at ${url}`, { title: 'ecs-fargate-deploy' });
        }
        else if (inputs.mode === 'stop') {
            const [{ createStopClients }, { stopTasks }] = await Promise.all([
                __webpack_require__.e(/* import() */ 71).then(__webpack_require__.bind(__webpack_require__, 9071)),
                Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(212), __webpack_require__.e(123)]).then(__webpack_require__.bind(__webpack_require__, 1123))
            ]);
            const { ecs } = await createStopClients(inputs.region);
            const result = await stopTasks(ecs, {
                cluster: inputs.cluster,
                taskArns: inputs.taskArns,
                family: inputs.family,
                startedBy: inputs.startedBy,
                deadline: Date.now() + inputs.timeoutSeconds * 1000,
                log: (message) => core/* info */.pq(message)
            });
            core/* setOutput */.uH('stopped-task-arns', JSON.stringify(result.stopped));
            await writeStopSummary(inputs.cluster, result);
        }
        else {
            const [{ createStsClient }, { runPermissionsMode }] = await Promise.all([
                __webpack_require__.e(/* import() */ 71).then(__webpack_require__.bind(__webpack_require__, 9071)),
                __webpack_require__.e(/* import() */ 779).then(__webpack_require__.bind(__webpack_require__, 5779))
            ]);
            await runPermissionsMode(inputs, {
                getAccountId: async () => {
                    const { GetCallerIdentityCommand } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(695)]).then(__webpack_require__.t.bind(__webpack_require__, 1695, 19));
                    const sts = await createStsClient(inputs.region);
                    return (await sts.send(new GetCallerIdentityCommand({}))).Account;
                },
                setOutput: (name, value) => core/* setOutput */.uH(name, value),
                writeSummary: async (markdown) => {
                    await core/* summary */.z.addRaw(markdown, true).write();
                },
                info: (message) => core/* info */.pq(message)
            });
        }
    }
    catch (error) {
        const explained = (0,errors/* explainError */.UW)(error, (0,errors/* scopeFor */.aN)(inputs));
        core/* setFailed */.C1((0,errors/* formatActionError */.MA)(explained));
        try {
            await writeFailureSummary(explained);
        }
        catch {
            // A summary that cannot be written must not hide the failure itself.
        }
    }
}


/***/ }),

/***/ 331:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ef: () => (/* binding */ rowsForOperation),
/* harmony export */   Fc: () => (/* binding */ executionRoleDocuments),
/* harmony export */   JM: () => (/* binding */ statementFor),
/* harmony export */   Jj: () => (/* binding */ PERMISSIONS),
/* harmony export */   KV: () => (/* binding */ policyFor),
/* harmony export */   a7: () => (/* binding */ ACCOUNT_PLACEHOLDER),
/* harmony export */   aN: () => (/* binding */ scopeFor),
/* harmony export */   cb: () => (/* binding */ permissionRequestText)
/* harmony export */ });
/* unused harmony exports REGION_PLACEHOLDER, ECS_TASKS_SERVICE, arnsFor, partitionOf, modesFor, rowsFor, statementsFor, describeCondition, permissionsTableMarkdown */
const ACCOUNT_PLACEHOLDER = 'ACCOUNT_ID';
const REGION_PLACEHOLDER = 'REGION';
const ECS_TASKS_SERVICE = 'ecs-tasks.amazonaws.com';
const ALWAYS = ['deploy', 'stop'];
const DEPLOY = ['deploy'];
const STOP = ['stop'];
/** ARNs of everything the action touches, built from a scope. */
function arnsFor(scope) {
    const { partition: p, region: r, account: a } = scope;
    return {
        repository: `arn:${p}:ecr:${r}:${a}:repository/${scope.repository}`,
        cluster: `arn:${p}:ecs:${r}:${a}:cluster/${scope.cluster}`,
        taskDefinitions: `arn:${p}:ecs:${r}:${a}:task-definition/${scope.family}:*`,
        tasks: `arn:${p}:ecs:${r}:${a}:task/${scope.cluster}/*`,
        securityGroups: `arn:${p}:ec2:${r}:${a}:security-group/*`,
        vpcs: `arn:${p}:ec2:${r}:${a}:vpc/*`,
        logGroup: `arn:${p}:logs:${r}:${a}:log-group:${scope.logGroup}`,
        logGroupChildren: `arn:${p}:logs:${r}:${a}:log-group:${scope.logGroup}:*`,
        logStreams: `arn:${p}:logs:${r}:${a}:log-group:${scope.logGroup}:log-stream:*`,
        ecsServiceLinkedRole: `arn:${p}:iam::${a}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
        executionRolePolicy: `arn:${p}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`
    };
}
const passRoleCondition = () => ({ StringEquals: { 'iam:PassedToService': ECS_TASKS_SERVICE } });
const ecsCreateAction = (action) => () => ({
    StringEquals: { 'ecs:CreateAction': action }
});
const inCluster = (scope) => ({ ArnEquals: { 'ecs:cluster': arnsFor(scope).cluster } });
const noSecurityGroups = (inputs) => inputs.securityGroups.length === 0;
const isArn = (value) => value?.startsWith('arn:') ?? false;
/** A role given as an ARN is used as is; a name is looked up in IAM. */
const executionRoleByName = (inputs) => !isArn(inputs.executionRole);
const createsExecutionRole = (inputs) => executionRoleByName(inputs) && inputs.createExecutionRole;
const waits = (inputs) => inputs.waitFor !== 'none';
const CREATE_REPOSITORY = {
    input: 'create-repository',
    bringYourOwn: 'set create-repository: false and create the repository ahead of time'
};
const CREATE_CLUSTER = {
    input: 'create-cluster',
    bringYourOwn: 'set create-cluster: false and create the cluster ahead of time'
};
const CREATE_EXECUTION_ROLE = {
    input: 'create-execution-role',
    bringYourOwn: 'set create-execution-role: false and set execution-role to the ARN of an existing role with AmazonECSTaskExecutionRolePolicy (an ARN needs no IAM call)'
};
const CREATE_SECURITY_GROUP = {
    input: 'security-groups',
    bringYourOwn: 'set security-groups to groups you manage (they must allow the port)'
};
const CREATE_LOG_GROUP = {
    input: 'log-group',
    bringYourOwn: 'set log-group to an existing log group; the action then does not create one'
};
/** Every AWS call the action makes, in the order a deploy makes them, then stop's. */
const PERMISSIONS = [
    {
        service: 'sts',
        operation: 'GetCallerIdentity',
        actions: ['sts:GetCallerIdentity'],
        resource: () => '*',
        step: 'read the AWS account id',
        modes: ALWAYS,
        sid: 'Identity',
        noPermissionNeeded: true
    },
    {
        service: 'ecr',
        operation: 'GetAuthorizationToken',
        actions: ['ecr:GetAuthorizationToken'],
        resource: () => '*',
        step: 'log in to the ECR registry',
        modes: DEPLOY,
        sid: 'EcrLogin'
    },
    {
        service: 'ecr',
        operation: 'DescribeRepositories',
        actions: ['ecr:DescribeRepositories'],
        resource: (s) => arnsFor(s).repository,
        step: 'look up the ECR repository',
        modes: DEPLOY,
        sid: 'EcrRepository'
    },
    {
        service: 'ecr',
        operation: 'CreateRepository',
        // Tags given on create are authorized as ecr:TagResource too.
        actions: ['ecr:CreateRepository', 'ecr:TagResource'],
        resource: (s) => arnsFor(s).repository,
        step: 'create the ECR repository',
        modes: DEPLOY,
        when: (inputs) => inputs.createRepository,
        optional: CREATE_REPOSITORY,
        sid: 'EcrRepository'
    },
    {
        service: 'ecr',
        operation: 'push',
        actions: [
            'ecr:BatchCheckLayerAvailability',
            'ecr:InitiateLayerUpload',
            'ecr:UploadLayerPart',
            'ecr:CompleteLayerUpload',
            'ecr:PutImage',
            'ecr:BatchGetImage'
        ],
        resource: (s) => arnsFor(s).repository,
        step: 'push the image to the ECR repository (docker push)',
        modes: DEPLOY,
        sid: 'EcrRepository'
    },
    {
        service: 'ecr',
        operation: 'DescribeImages',
        actions: ['ecr:DescribeImages'],
        resource: (s) => arnsFor(s).repository,
        step: "read the pushed image's digest",
        modes: DEPLOY,
        sid: 'EcrRepository'
    },
    {
        service: 'ecs',
        operation: 'DescribeClusters',
        actions: ['ecs:DescribeClusters'],
        resource: (s) => arnsFor(s).cluster,
        step: 'look up the ECS cluster',
        modes: DEPLOY,
        sid: 'EcsCluster'
    },
    {
        service: 'ecs',
        operation: 'CreateCluster',
        actions: ['ecs:CreateCluster'],
        resource: (s) => arnsFor(s).cluster,
        step: 'create the ECS cluster',
        modes: DEPLOY,
        when: (inputs) => inputs.createCluster,
        optional: CREATE_CLUSTER,
        sid: 'EcsCluster'
    },
    {
        service: 'ecs',
        operation: 'CreateCluster',
        // The first cluster in an account makes ECS create its service-linked role, as the caller.
        actions: ['iam:CreateServiceLinkedRole'],
        resource: (s) => arnsFor(s).ecsServiceLinkedRole,
        condition: () => ({ StringLike: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } }),
        step: "let ECS create its service-linked role (the account's first cluster)",
        modes: DEPLOY,
        when: (inputs) => inputs.createCluster,
        optional: CREATE_CLUSTER,
        sid: 'EcsServiceLinkedRole'
    },
    {
        service: 'ecs',
        operation: 'CreateCluster',
        actions: ['ecs:TagResource'],
        resource: (s) => arnsFor(s).cluster,
        condition: ecsCreateAction('CreateCluster'),
        step: 'tag the ECS cluster it creates',
        modes: DEPLOY,
        when: (inputs) => inputs.createCluster,
        optional: CREATE_CLUSTER,
        sid: 'EcsTagOnCreate'
    },
    {
        service: 'iam',
        operation: 'GetRole',
        actions: ['iam:GetRole'],
        resource: (s) => s.executionRole,
        step: 'look up the task execution role',
        modes: DEPLOY,
        when: executionRoleByName,
        optional: CREATE_EXECUTION_ROLE,
        sid: 'IamExecutionRole'
    },
    {
        service: 'iam',
        operation: 'CreateRole',
        actions: ['iam:CreateRole', 'iam:TagRole'],
        resource: (s) => s.executionRole,
        step: 'create the task execution role',
        modes: DEPLOY,
        when: createsExecutionRole,
        optional: CREATE_EXECUTION_ROLE,
        sid: 'IamExecutionRole'
    },
    {
        service: 'iam',
        operation: 'AttachRolePolicy',
        actions: ['iam:AttachRolePolicy'],
        resource: (s) => s.executionRole,
        condition: (s) => ({ ArnEquals: { 'iam:PolicyARN': arnsFor(s).executionRolePolicy } }),
        step: 'attach AmazonECSTaskExecutionRolePolicy to the execution role',
        modes: DEPLOY,
        when: createsExecutionRole,
        optional: CREATE_EXECUTION_ROLE,
        sid: 'IamExecutionRolePolicy'
    },
    {
        service: 'iam',
        operation: 'GetRole',
        actions: ['iam:GetRole'],
        resource: (s) => s.taskRole ?? [],
        step: "look up the task role's ARN",
        modes: DEPLOY,
        when: (inputs) => inputs.taskRole !== undefined && !isArn(inputs.taskRole),
        optional: { input: 'task-role', bringYourOwn: 'set task-role to the role ARN instead of its name' },
        sid: 'IamExecutionRole'
    },
    {
        service: 'logs',
        operation: 'DescribeLogGroups',
        actions: ['logs:DescribeLogGroups'],
        resource: () => '*',
        step: 'look up the log group',
        modes: DEPLOY,
        sid: 'LogsDescribe'
    },
    {
        service: 'logs',
        operation: 'CreateLogGroup',
        // Tags given on create are authorized as logs:TagResource and the older logs:TagLogGroup.
        actions: ['logs:CreateLogGroup', 'logs:TagLogGroup', 'logs:TagResource'],
        resource: (s) => [arnsFor(s).logGroup, arnsFor(s).logGroupChildren],
        step: 'create the log group',
        modes: DEPLOY,
        optional: CREATE_LOG_GROUP,
        sid: 'LogsLogGroup'
    },
    {
        service: 'ec2',
        operation: 'DescribeVpcs',
        actions: ['ec2:DescribeVpcs'],
        resource: () => '*',
        step: 'find the default VPC',
        modes: DEPLOY,
        when: (inputs) => inputs.subnets.length === 0,
        sid: 'Ec2Describe'
    },
    {
        service: 'ec2',
        operation: 'DescribeSubnets',
        actions: ['ec2:DescribeSubnets'],
        resource: () => '*',
        step: "find the default subnets, or the given subnets' VPC",
        modes: DEPLOY,
        when: (inputs) => inputs.subnets.length === 0 || noSecurityGroups(inputs),
        sid: 'Ec2Describe'
    },
    {
        service: 'ec2',
        operation: 'DescribeSecurityGroups',
        actions: ['ec2:DescribeSecurityGroups'],
        resource: () => '*',
        step: "find the family's security group",
        modes: DEPLOY,
        when: noSecurityGroups,
        optional: CREATE_SECURITY_GROUP,
        sid: 'Ec2Describe'
    },
    {
        service: 'ec2',
        operation: 'CreateSecurityGroup',
        actions: ['ec2:CreateSecurityGroup'],
        resource: (s) => [arnsFor(s).securityGroups, arnsFor(s).vpcs],
        step: 'create the security group',
        modes: DEPLOY,
        when: noSecurityGroups,
        optional: CREATE_SECURITY_GROUP,
        sid: 'Ec2SecurityGroup'
    },
    {
        service: 'ec2',
        operation: 'CreateSecurityGroup',
        actions: ['ec2:CreateTags'],
        resource: (s) => arnsFor(s).securityGroups,
        condition: () => ({ StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' } }),
        step: 'tag the security group it creates',
        modes: DEPLOY,
        when: noSecurityGroups,
        optional: CREATE_SECURITY_GROUP,
        sid: 'Ec2TagOnCreate'
    },
    {
        service: 'ec2',
        operation: 'AuthorizeSecurityGroupIngress',
        actions: ['ec2:AuthorizeSecurityGroupIngress'],
        resource: (s) => arnsFor(s).securityGroups,
        step: 'open the port in the security group',
        modes: DEPLOY,
        when: (inputs) => noSecurityGroups(inputs) && inputs.port !== undefined,
        optional: CREATE_SECURITY_GROUP,
        sid: 'Ec2OpenPort'
    },
    {
        service: 'ecs',
        operation: 'DescribeTaskDefinition',
        actions: ['ecs:DescribeTaskDefinition'],
        resource: () => '*',
        step: 'read the current task definition',
        modes: DEPLOY,
        sid: 'EcsTaskDefinitions'
    },
    {
        service: 'ecs',
        operation: 'RegisterTaskDefinition',
        // Registering is not reliably scoped to a family (aws/containers-roadmap#929), so '*'.
        actions: ['ecs:RegisterTaskDefinition'],
        resource: () => '*',
        step: 'register the task definition',
        modes: DEPLOY,
        sid: 'EcsTaskDefinitions'
    },
    {
        service: 'ecs',
        operation: 'RegisterTaskDefinition',
        actions: ['iam:PassRole'],
        resource: (s) => s.executionRole,
        condition: passRoleCondition,
        step: 'pass the execution role to ECS in the task definition',
        modes: DEPLOY,
        sid: 'IamPassRoles'
    },
    {
        service: 'ecs',
        operation: 'RegisterTaskDefinition',
        actions: ['iam:PassRole'],
        resource: (s) => s.taskRole ?? [],
        condition: passRoleCondition,
        step: 'pass the task role to ECS in the task definition',
        modes: DEPLOY,
        when: (inputs) => inputs.taskRole !== undefined,
        sid: 'IamPassRoles'
    },
    {
        service: 'ecs',
        operation: 'RegisterTaskDefinition',
        actions: ['ecs:TagResource'],
        resource: (s) => arnsFor(s).taskDefinitions,
        condition: ecsCreateAction('RegisterTaskDefinition'),
        step: 'tag the task definition it registers',
        modes: DEPLOY,
        sid: 'EcsTagOnCreate'
    },
    {
        service: 'ecs',
        operation: 'RunTask',
        actions: ['ecs:RunTask'],
        resource: (s) => arnsFor(s).taskDefinitions,
        condition: inCluster,
        step: 'run the task',
        modes: DEPLOY,
        sid: 'EcsRunTask'
    },
    {
        service: 'ecs',
        operation: 'RunTask',
        actions: ['iam:PassRole'],
        resource: (s) => [s.executionRole, ...(s.taskRole ? [s.taskRole] : [])],
        condition: passRoleCondition,
        step: "pass the task definition's roles to ECS when running the task",
        modes: DEPLOY,
        sid: 'IamPassRoles'
    },
    {
        service: 'ecs',
        operation: 'RunTask',
        actions: ['ecs:TagResource'],
        resource: (s) => arnsFor(s).tasks,
        condition: ecsCreateAction('RunTask'),
        step: 'tag the tasks it runs',
        modes: DEPLOY,
        sid: 'EcsTagOnCreate'
    },
    {
        service: 'ecs',
        operation: 'DescribeTasks',
        actions: ['ecs:DescribeTasks'],
        resource: (s) => arnsFor(s).tasks,
        step: 'watch the tasks',
        modes: DEPLOY,
        when: waits,
        sid: 'EcsTasks'
    },
    {
        service: 'ec2',
        operation: 'DescribeNetworkInterfaces',
        actions: ['ec2:DescribeNetworkInterfaces'],
        resource: () => '*',
        step: "read the task's public IP from its network interface",
        modes: DEPLOY,
        when: (inputs) => inputs.waitFor === 'running' || inputs.waitFor === 'healthy',
        sid: 'Ec2Describe'
    },
    {
        service: 'logs',
        operation: 'GetLogEvents',
        actions: ['logs:GetLogEvents'],
        resource: (s) => arnsFor(s).logStreams,
        // wait-for stopped streams the log; the other waits read its last lines when the task fails.
        step: "read the task's log lines",
        modes: DEPLOY,
        when: waits,
        sid: 'LogsRead'
    },
    {
        service: 'ecs',
        operation: 'StopTask',
        actions: ['ecs:StopTask'],
        resource: (s) => arnsFor(s).tasks,
        step: 'stop the tasks when wait-for stopped runs out of time (stop-on-timeout)',
        modes: DEPLOY,
        when: (inputs) => inputs.waitFor === 'stopped' && inputs.stopOnTimeout,
        sid: 'EcsTasks'
    },
    {
        service: 'ecs',
        operation: 'ListTasks',
        // ListTasks is authorized on container instances; for Fargate the cluster condition is what scopes it.
        actions: ['ecs:ListTasks'],
        resource: () => '*',
        condition: inCluster,
        step: 'find the running tasks of the family started by started-by',
        modes: STOP,
        when: (inputs) => inputs.taskArns.length === 0,
        sid: 'EcsListTasks'
    },
    {
        service: 'ecs',
        operation: 'StopTask',
        actions: ['ecs:StopTask'],
        resource: (s) => arnsFor(s).tasks,
        step: 'stop the tasks',
        modes: STOP,
        sid: 'EcsTasks'
    },
    {
        service: 'ecs',
        operation: 'DescribeTasks',
        actions: ['ecs:DescribeTasks'],
        resource: (s) => arnsFor(s).tasks,
        step: 'check which tasks run and wait until they have stopped',
        modes: STOP,
        sid: 'EcsTasks'
    }
];
/** Partition of a region: aws, aws-cn, aws-us-gov, … */
function partitionOf(region) {
    if (region.startsWith('cn-'))
        return 'aws-cn';
    if (region.startsWith('us-gov-'))
        return 'aws-us-gov';
    if (region.startsWith('us-isob-'))
        return 'aws-iso-b';
    if (region.startsWith('us-iso-'))
        return 'aws-iso';
    return 'aws';
}
function parseArn(value) {
    const parts = value.split(':');
    if (parts.length < 6 || parts[0] !== 'arn')
        return undefined;
    return {
        partition: parts[1] ?? '',
        region: parts[3] ?? '',
        account: parts[4] ?? '',
        resource: parts.slice(5).join(':')
    };
}
/**
 * The scope of a policy for these inputs. The account is, in order: the one given, the one in a role or
 * cluster ARN input, else the placeholder ACCOUNT_ID. Role inputs may be names or ARNs.
 */
function scopeFor(inputs, account) {
    const clusterArn = parseArn(inputs.cluster);
    const roleArns = [inputs.executionRole, inputs.taskRole ?? ''].map(parseArn);
    const arnAccount = [...roleArns, clusterArn].find((arn) => arn?.account)?.account;
    const resolvedAccount = account || arnAccount || ACCOUNT_PLACEHOLDER;
    const region = inputs.region || clusterArn?.region || REGION_PLACEHOLDER;
    const arnPartition = [clusterArn, ...roleArns].find((arn) => arn?.partition)?.partition;
    const partition = inputs.region ? partitionOf(region) : (arnPartition ?? partitionOf(region));
    const roleArn = (role) => parseArn(role) ? role : `arn:${partition}:iam::${resolvedAccount}:role/${role}`;
    const family = inputs.family || 'FAMILY';
    return {
        partition,
        region,
        account: resolvedAccount,
        repository: inputs.repository || 'REPOSITORY',
        cluster: clusterArn ? clusterArn.resource.replace(/^cluster\//, '') : inputs.cluster,
        family,
        executionRole: roleArn(inputs.executionRole),
        taskRole: inputs.taskRole ? roleArn(inputs.taskRole) : undefined,
        logGroup: inputs.logGroup && inputs.logGroup !== '/ecs/' ? inputs.logGroup : `/ecs/${family}`
    };
}
/** The modes whose calls a policy for these inputs must allow: permissions mode prints deploy plus stop. */
function modesFor(inputs) {
    return inputs.mode === 'permissions' ? ['deploy', 'stop'] : [inputs.mode];
}
/** The rows these inputs need, in table order. */
function rowsFor(inputs, modes = modesFor(inputs)) {
    return PERMISSIONS.filter((row) => row.modes.some((mode) => modes.includes(mode)) && (row.when ? row.when(inputs) : true));
}
/** The rows of one AWS call (several when a call also needs iam:PassRole or tag-on-create permissions). */
function rowsForOperation(service, operation) {
    return PERMISSIONS.filter((row) => row.service === service && row.operation === operation);
}
function asList(value) {
    return typeof value === 'string' ? [value] : [...value];
}
function unique(values) {
    return [...new Set(values)];
}
function mergeConditions(into, from) {
    for (const [operator, keys] of Object.entries(from)) {
        const target = (into[operator] ??= {});
        for (const [key, value] of Object.entries(keys)) {
            const merged = unique([...asList(target[key] ?? []), ...asList(value)]);
            target[key] = merged.length === 1 ? merged[0] : merged;
        }
    }
    return into;
}
/** A ready-to-paste statement for one row. */
function statementFor(row, scope) {
    const statement = {
        Sid: row.sid,
        Effect: 'Allow',
        Action: unique(row.actions).sort(),
        Resource: unique(asList(row.resource(scope)))
    };
    if (row.condition)
        statement.Condition = mergeConditions({}, row.condition(scope));
    return statement;
}
/** Groups rows into statements by Sid, merging actions (sorted), resources and condition values. */
function statementsFor(rows, scope) {
    const bySid = new Map();
    for (const row of rows) {
        if (row.noPermissionNeeded)
            continue;
        const statement = statementFor(row, scope);
        if (statement.Resource.length === 0)
            continue;
        const existing = bySid.get(row.sid);
        if (!existing) {
            bySid.set(row.sid, statement);
            continue;
        }
        existing.Action = unique([...existing.Action, ...statement.Action]).sort();
        existing.Resource = unique([...existing.Resource, ...statement.Resource]);
        if (statement.Condition)
            existing.Condition = mergeConditions(existing.Condition ?? {}, statement.Condition);
    }
    const statements = [...bySid.values()];
    for (const statement of statements) {
        // '*' already covers every ARN in the same statement.
        if (statement.Resource.includes('*'))
            statement.Resource = ['*'];
    }
    return statements;
}
/**
 * The least-privilege identity policy for these inputs: for mode deploy what a deploy calls, for stop
 * what stop calls, for permissions a deploy with these inputs plus stop, so one identity can also tear down.
 */
function policyFor(inputs, account) {
    return { Version: '2012-10-17', Statement: statementsFor(rowsFor(inputs), scopeFor(inputs, account)) };
}
/** The execution role the action creates: trusted by ECS tasks, with AWS's managed execution policy. */
function executionRoleDocuments(partition = 'aws') {
    return {
        trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: ECS_TASKS_SERVICE }, Action: 'sts:AssumeRole' }]
        },
        managedPolicyArn: `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`
    };
}
/** Condition in words, for people reading the table or a request. */
function describeCondition(condition) {
    return Object.values(condition)
        .flatMap((keys) => Object.entries(keys).map(([key, value]) => `${key} = ${asList(value).join(' or ')}`))
        .join(', ');
}
function describeStatement(statement, rows) {
    const steps = unique(rows.filter((row) => row.sid === statement.Sid).map((row) => row.step));
    const resources = statement.Resource.join(', ');
    const where = statement.Resource.includes('*')
        ? '* (AWS does not scope these actions to a resource)'
        : resources;
    const when = statement.Condition ? `; only when ${describeCondition(statement.Condition)}` : '';
    return `- ${statement.Sid}: ${statement.Action.join(', ')} on ${where}${when}. Needed to ${steps.join('; ')}.`;
}
/** A short plain-text request for a security team: what is deployed, then why each statement is needed. */
function permissionRequestText(inputs, account) {
    const scope = scopeFor(inputs, account);
    const rows = rowsFor(inputs);
    const statements = statementsFor(rows, scope);
    const tasks = inputs.count === 1 ? '1 task' : `${inputs.count} tasks`;
    const network = [
        inputs.assignPublicIp ? 'with a public IP' : 'without a public IP',
        inputs.port === undefined
            ? undefined
            : inputs.securityGroups.length === 0
                ? `port ${inputs.port} open to ${inputs.ingressCidr}`
                : `port ${inputs.port} (security groups ${inputs.securityGroups.join(', ')})`
    ]
        .filter((part) => part !== undefined)
        .join(' and ');
    const lines = [
        'Request for AWS IAM permissions: GitHub Action ecs-fargate-deploy',
        '',
        `What it deploys: the Docker image of ECR repository ${scope.repository}, run as ${tasks} of task ` +
            `definition family ${scope.family} on ECS Fargate in cluster ${scope.cluster}, region ${scope.region}, ` +
            `account ${scope.account}, ${network}. Logs go to the log group ${scope.logGroup}.` +
            (modesFor(inputs).includes('stop')
                ? ' The same identity stops those tasks afterwards (mode: stop).'
                : ''),
        '',
        'Why each statement of the policy is needed:',
        ...statements.map((statement) => describeStatement(statement, rows)),
        '',
        `Roles can be passed only to ECS tasks (iam:PassedToService = ${ECS_TASKS_SERVICE}), and tags can be ` +
            'written only while creating a resource (ecs:CreateAction / ec2:CreateAction).'
    ];
    return lines.join('\n');
}
/** Markdown table of every row: step | IAM actions | resource | optional (input to bring your own). */
function permissionsTableMarkdown(scope) {
    const cell = (text) => text.replace(/\|/g, '\\|');
    const lines = ['| Step | IAM actions | Resource | Optional: bring your own |', '| --- | --- | --- | --- |'];
    for (const row of PERMISSIONS) {
        // Deploy is the default; say when a row is (also) for mode stop.
        const modes = row.modes.includes('stop')
            ? row.modes.includes('deploy')
                ? ' (deploy and stop)'
                : ' (mode stop)'
            : '';
        const actions = row.actions.map((action) => `\`${action}\``).join(', ');
        const resources = asList(row.resource(scope))
            .map((resource) => `\`${resource}\``)
            .join(', ');
        const condition = row.condition ? ` when ${describeCondition(row.condition(scope))}` : '';
        const resource = row.noPermissionNeeded ? 'no permission needed' : `${resources}${condition}`;
        const optional = row.optional ? `\`${row.optional.input}\`: ${row.optional.bringYourOwn}` : '';
        lines.push(`| ${cell(row.step + modes)} | ${cell(actions)} | ${cell(resource)} | ${cell(optional)} |`);
    }
    return lines.join('\n');
}


/***/ })

};
