export const id = 259;
export const ids = [259,123];
export const modules = {

/***/ 3259:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var dist_cjs = __webpack_require__(212);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/cluster.ts
// The ECS cluster: found, or created with the Fargate capacity providers.


async function ensureCluster(ecs, options) {
    const { clusters } = await ecs.send(new dist_cjs.DescribeClustersCommand({ clusters: [options.cluster] }));
    const active = clusters?.find((cluster) => cluster.status === 'ACTIVE');
    if (active)
        return { clusterArn: active.clusterArn, clusterName: active.clusterName, created: false };
    const name = clusterName(options.cluster);
    if (!options.create) {
        throw new errors/* ActionError */.lZ(`ECS cluster '${options.cluster}' does not exist (or is INACTIVE) and create-cluster is false`, {
            hint: `Create it (aws ecs create-cluster --cluster-name ${name}) or set create-cluster: true.`
        });
    }
    // CreateCluster is idempotent for a name: a concurrent job creating the same cluster gets the same one.
    const { cluster } = await ecs.send(new dist_cjs.CreateClusterCommand({
        clusterName: name,
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        tags: options.tags.map(({ key, value }) => ({ key, value }))
    }));
    return { clusterArn: cluster.clusterArn, clusterName: cluster.clusterName, created: true };
}
/** The name in a cluster ARN (arn:aws:ecs:region:account:cluster/NAME), or the name itself. */
function clusterName(cluster) {
    return cluster.startsWith('arn:') ? cluster.slice(cluster.lastIndexOf('/') + 1) : cluster;
}

// EXTERNAL MODULE: ./src/docker.ts
var src_docker = __webpack_require__(3871);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var client_ecr_dist_cjs = __webpack_require__(8249);
;// CONCATENATED MODULE: ./src/ecr.ts
// The ECR side of a push: the registry login and the repository.



async function getRegistryLogin(ecr) {
    const { authorizationData } = await ecr.send(new client_ecr_dist_cjs.GetAuthorizationTokenCommand({}));
    const data = authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) {
        throw new errors/* ActionError */.lZ('ECR GetAuthorizationToken returned no authorization data');
    }
    const [username, ...rest] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':');
    return { registryHost: (0,src_docker/* registryHostFromEndpoint */.ZK)(data.proxyEndpoint), username, password: rest.join(':') };
}
async function ensureRepository(ecr, options) {
    const existing = await describeRepository(ecr, options.name);
    if (existing)
        return toResult(existing, false);
    if (!options.create) {
        throw new errors/* ActionError */.lZ(`ECR repository '${options.name}' does not exist and create-repository is false`, {
            hint: `Create it (aws ecr create-repository --repository-name ${options.name}) or set create-repository: true.`
        });
    }
    try {
        const { repository } = await ecr.send(new client_ecr_dist_cjs.CreateRepositoryCommand({
            repositoryName: options.name,
            imageScanningConfiguration: { scanOnPush: true },
            tags: options.tags.map(({ key, value }) => ({ Key: key, Value: value }))
        }));
        return toResult(repository, true);
    }
    catch (error) {
        // Another job may have created it between our describe and create.
        if (error.name !== 'RepositoryAlreadyExistsException')
            throw error;
        return toResult((await describeRepository(ecr, options.name)), false);
    }
}
async function describeRepository(ecr, name) {
    try {
        const { repositories } = await ecr.send(new client_ecr_dist_cjs.DescribeRepositoriesCommand({ repositoryNames: [name] }));
        return repositories?.[0];
    }
    catch (error) {
        if (error.name === 'RepositoryNotFoundException')
            return undefined;
        throw error;
    }
}
function toResult(repository, created) {
    return { repositoryUri: repository.repositoryUri, repositoryArn: repository.repositoryArn, created };
}
/** The digest of a pushed tag, for when docker push's output did not show it. */
async function findImageDigest(ecr, repository, tag) {
    const { imageDetails } = await ecr.send(new client_ecr_dist_cjs.DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    const digest = imageDetails?.[0]?.imageDigest;
    if (!digest)
        throw new errors/* ActionError */.lZ(`ECR has no image ${repository}:${tag} after the push`);
    return digest;
}

// EXTERNAL MODULE: ./src/run-task.ts
var run_task = __webpack_require__(8094);
;// CONCATENATED MODULE: ./src/health.ts
// wait-for healthy: RUNNING is not the same as serving, so request the URL until it answers 2xx or 3xx.


class UnhealthyError extends errors/* ActionError */.lZ {
    url;
    lastResult;
    attempts;
    constructor(url, lastResult, attempts) {
        super(`${url} did not answer 2xx or 3xx before the timeout (${attempts} requests; last: ${lastResult})`);
        this.url = url;
        this.lastResult = lastResult;
        this.attempts = attempts;
        this.name = 'UnhealthyError';
    }
}
function nextHealthDelay(previous) {
    return previous === undefined ? 500 : Math.min(Math.round(previous * 1.5), 5000);
}
async function waitHealthy(url, options) {
    const clock = options.clock ?? run_task/* systemClock */.ml;
    const fetchUrl = options.fetch ?? fetch;
    const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    let lastResult = 'no request made';
    let attempts = 0;
    let delay;
    for (;;) {
        attempts++;
        try {
            const response = await fetchUrl(url, {
                redirect: 'manual',
                // Bounded by the time left, but never so short that the last request cannot be answered.
                signal: AbortSignal.timeout(Math.min(requestTimeoutMs, Math.max(1000, options.deadline - clock.now())))
            });
            await response.body?.cancel();
            if (response.status >= 200 && response.status < 400)
                return { status: response.status, attempts };
            lastResult = `HTTP ${response.status}`;
        }
        catch (error) {
            const cause = error.cause?.code;
            lastResult = cause ?? error.message;
        }
        options.log?.(`${url}: ${lastResult}`);
        delay = nextHealthDelay(delay);
        const remaining = options.deadline - clock.now();
        if (remaining <= 0)
            throw new UnhealthyError(url, lastResult, attempts);
        await clock.sleep(Math.min(delay, remaining));
    }
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-iam/dist-cjs/index.js
var client_iam_dist_cjs = __webpack_require__(6764);
;// CONCATENATED MODULE: ./src/iam.ts
// IAM roles: the execution role (created with the AWS managed policy when missing) and the task role.


const ECS_TASKS_TRUST_POLICY = {
    Version: '2012-10-17',
    Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
    ]
};
function executionRolePolicyArn(partition = 'aws') {
    return `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;
}
function isRoleArn(role) {
    return role.startsWith('arn:');
}
/** The role name in a role ARN (arn:aws:iam::123:role/path/NAME), or the name itself. */
function roleName(role) {
    return isRoleArn(role) ? role.slice(role.lastIndexOf('/') + 1) : role;
}
/** A role ARN as given needs no call; a name is looked up (and, when allowed, created). */
async function ensureExecutionRole(iam, options) {
    if (isRoleArn(options.role))
        return { roleArn: options.role, created: false };
    const existing = await getRoleArn(iam, options.role);
    if (existing)
        return { roleArn: existing, created: false };
    if (!options.create) {
        throw new errors/* ActionError */.lZ(`Execution role '${options.role}' does not exist and create-execution-role is false`, {
            hint: 'Give the ARN of an existing role with AmazonECSTaskExecutionRolePolicy in execution-role, or set create-execution-role: true.'
        });
    }
    let roleArn;
    try {
        const { Role } = await iam.send(new client_iam_dist_cjs.CreateRoleCommand({
            RoleName: options.role,
            AssumeRolePolicyDocument: JSON.stringify(ECS_TASKS_TRUST_POLICY),
            Description: 'ECS task execution role created by ecs-fargate-deploy',
            Tags: options.tags.map(({ key, value }) => ({ Key: key, Value: value }))
        }));
        roleArn = Role.Arn;
    }
    catch (error) {
        if (error.name !== 'EntityAlreadyExistsException')
            throw error;
        roleArn = (await getRoleArn(iam, options.role));
    }
    await iam.send(new client_iam_dist_cjs.AttachRolePolicyCommand({
        RoleName: options.role,
        PolicyArn: executionRolePolicyArn(options.partition)
    }));
    return { roleArn, created: true };
}
async function resolveTaskRole(iam, role) {
    if (!role || isRoleArn(role))
        return role;
    const arn = await getRoleArn(iam, role);
    if (!arn) {
        throw new errors/* ActionError */.lZ(`Task role '${role}' does not exist`, {
            hint: 'Create the role (trusted by ecs-tasks.amazonaws.com) or give its ARN in task-role.'
        });
    }
    return arn;
}
async function getRoleArn(iam, name) {
    try {
        const { Role } = await iam.send(new client_iam_dist_cjs.GetRoleCommand({ RoleName: name }));
        return Role?.Arn;
    }
    catch (error) {
        if (error.name === 'NoSuchEntityException')
            return undefined;
        throw error;
    }
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var client_cloudwatch_logs_dist_cjs = __webpack_require__(303);
;// CONCATENATED MODULE: ./src/log-group.ts
// The awslogs log group the container logs to: a task whose log group is missing fails to start.

async function ensureLogGroup(logs, options) {
    const { logGroups } = await logs.send(new client_cloudwatch_logs_dist_cjs.DescribeLogGroupsCommand({ logGroupNamePrefix: options.name, limit: 50 }));
    if (logGroups?.some((group) => group.logGroupName === options.name))
        return { created: false };
    try {
        await logs.send(new client_cloudwatch_logs_dist_cjs.CreateLogGroupCommand({
            logGroupName: options.name,
            tags: options.tags.length > 0
                ? Object.fromEntries(options.tags.map(({ key, value }) => [key, value]))
                : undefined
        }));
        return { created: true };
    }
    catch (error) {
        // A concurrent job created it first.
        if (error.name === 'ResourceAlreadyExistsException')
            return { created: false };
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/logs.ts
// The container's CloudWatch log events: followed with a cursor while a job runs (each line once, in order),
// and the last lines of a task that failed.

/** awslogs names a task's stream PREFIX/CONTAINER/TASK_ID. */
function logStreamFor(options) {
    return {
        logGroup: options.logGroup,
        logStream: `${options.prefix}/${options.containerName}/${options.taskId}`
    };
}
/** The CloudWatch console page of a log stream (the console double-encodes names inside its fragment). */
function logStreamConsoleUrl(region, stream) {
    const encode = (value) => encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$');
    return (`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/` +
        `${encode(stream.logGroup)}/log-events/${encode(stream.logStream)}`);
}
/**
 * Follows one stream. GetLogEvents' forward token is the cursor: a poll reads pages until the token comes
 * back unchanged, which is how CloudWatch says there is nothing newer.
 */
class LogFollower {
    logs;
    stream;
    nextToken;
    started = false;
    count = 0;
    constructor(logs, stream) {
        this.logs = logs;
        this.stream = stream;
    }
    async poll(onEvent) {
        let read = 0;
        for (;;) {
            let answer;
            try {
                answer = await this.logs.send(new client_cloudwatch_logs_dist_cjs.GetLogEventsCommand({
                    logGroupName: this.stream.logGroup,
                    logStreamName: this.stream.logStream,
                    startFromHead: true,
                    nextToken: this.nextToken
                }));
            }
            catch (error) {
                // The stream appears with the container's first line.
                if (error.name === 'ResourceNotFoundException' && !this.started)
                    return read;
                throw error;
            }
            this.started = true;
            for (const event of answer.events ?? [])
                onEvent(event);
            read += answer.events?.length ?? 0;
            const token = answer.nextForwardToken;
            const exhausted = !token || token === this.nextToken || (answer.events ?? []).length === 0;
            this.nextToken = token ?? this.nextToken;
            if (exhausted)
                break;
        }
        this.count += read;
        return read;
    }
}
/** The last lines of a stream, oldest first, for explaining a failure; empty when there is no stream. */
async function lastLogLines(logs, stream, limit = 20) {
    try {
        const { events } = await logs.send(new client_cloudwatch_logs_dist_cjs.GetLogEventsCommand({
            logGroupName: stream.logGroup,
            logStreamName: stream.logStream,
            startFromHead: false,
            limit
        }));
        return (events ?? []).map((event) => event.message ?? '');
    }
    catch {
        // Best effort: the failure being explained matters more than its logs.
        return [];
    }
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ec2/dist-cjs/index.js
var client_ec2_dist_cjs = __webpack_require__(5193);
;// CONCATENATED MODULE: ./src/network.ts
// Where the task runs: subnets (the default VPC's by default), a security group that opens the port,
// and the public IP of each task's network interface.


function securityGroupName(family) {
    return `ecs-fargate-deploy-${family}`;
}
/**
 * Resolves subnets and security groups in as few sequential rounds as it can: the VPC look-up and the
 * security group look-up go together, then subnets and the group's creation, then its ingress rule.
 */
async function resolveNetwork(ec2, options) {
    if (options.subnets.length > 0 && options.securityGroups.length > 0) {
        // Nothing to look up: RunTask itself rejects subnets or groups that do not exist.
        return { subnets: options.subnets, securityGroups: options.securityGroups };
    }
    const groupName = securityGroupName(options.family);
    const needGroup = options.securityGroups.length === 0;
    const [vpcId, candidateGroups] = await Promise.all([
        options.subnets.length > 0 ? vpcOfSubnets(ec2, options.subnets) : defaultVpc(ec2),
        needGroup ? findGroupsByName(ec2, groupName) : Promise.resolve([])
    ]);
    const [subnets, group] = await Promise.all([
        options.subnets.length > 0 ? Promise.resolve(options.subnets) : defaultSubnets(ec2, vpcId),
        needGroup ? ensureSecurityGroup(ec2, vpcId, candidateGroups, options) : Promise.resolve(undefined)
    ]);
    if (!group)
        return { subnets, securityGroups: options.securityGroups };
    return { subnets, securityGroups: [group.groupId], securityGroupChange: group.change };
}
async function defaultVpc(ec2) {
    const { Vpcs } = await ec2.send(new client_ec2_dist_cjs.DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    const vpcId = Vpcs?.[0]?.VpcId;
    if (!vpcId) {
        throw new errors/* ActionError */.lZ('This region has no default VPC to run the task in', {
            hint: 'Give subnets (public subnets of your VPC, or private ones with a NAT gateway) in the subnets input.'
        });
    }
    return vpcId;
}
async function vpcOfSubnets(ec2, subnetIds) {
    const { Subnets } = await ec2.send(new client_ec2_dist_cjs.DescribeSubnetsCommand({ SubnetIds: subnetIds }));
    const vpcIds = [...new Set((Subnets ?? []).map((subnet) => subnet.VpcId))];
    if (vpcIds.length !== 1 || !vpcIds[0]) {
        throw new errors/* ActionError */.lZ(`The subnets ${subnetIds.join(', ')} are not all in one VPC (found ${vpcIds.join(', ')})`);
    }
    return vpcIds[0];
}
async function defaultSubnets(ec2, vpcId) {
    const { Subnets } = await ec2.send(new client_ec2_dist_cjs.DescribeSubnetsCommand({
        Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'default-for-az', Values: ['true'] }
        ]
    }));
    const subnets = (Subnets ?? []).map((subnet) => subnet.SubnetId).sort();
    if (subnets.length === 0) {
        throw new errors/* ActionError */.lZ(`The default VPC ${vpcId} has no default subnets`, {
            hint: 'Give subnets in the subnets input.'
        });
    }
    return subnets;
}
async function findGroupsByName(ec2, groupName) {
    const { SecurityGroups } = await ec2.send(new client_ec2_dist_cjs.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [groupName] }] }));
    return SecurityGroups ?? [];
}
function allowsIngress(group, port, cidr) {
    return (group.IpPermissions ?? []).some((permission) => (permission.IpProtocol === '-1' ||
        (permission.IpProtocol === 'tcp' &&
            (permission.FromPort ?? 0) <= port &&
            port <= (permission.ToPort ?? -1))) &&
        (permission.IpRanges ?? []).some((range) => range.CidrIp === cidr));
}
async function ensureSecurityGroup(ec2, vpcId, candidates, options) {
    const existing = candidates.find((group) => group.VpcId === vpcId);
    let groupId = existing?.GroupId;
    let change;
    if (!groupId) {
        const created = await ec2.send(new client_ec2_dist_cjs.CreateSecurityGroupCommand({
            GroupName: securityGroupName(options.family),
            Description: `ecs-fargate-deploy: tasks of ${options.family}`,
            VpcId: vpcId,
            TagSpecifications: options.tags.length > 0
                ? [
                    {
                        ResourceType: 'security-group',
                        Tags: options.tags.map(({ key, value }) => ({ Key: key, Value: value }))
                    }
                ]
                : undefined
        }));
        groupId = created.GroupId;
        change = 'created';
    }
    if (options.port !== undefined &&
        !(existing && allowsIngress(existing, options.port, options.ingressCidr))) {
        try {
            await ec2.send(new client_ec2_dist_cjs.AuthorizeSecurityGroupIngressCommand({
                GroupId: groupId,
                IpPermissions: [
                    {
                        IpProtocol: 'tcp',
                        FromPort: options.port,
                        ToPort: options.port,
                        IpRanges: [{ CidrIp: options.ingressCidr, Description: 'ecs-fargate-deploy' }]
                    }
                ]
            }));
            change = change ?? 'opened-port';
        }
        catch (error) {
            if (error.name !== 'InvalidPermission.Duplicate')
                throw error;
        }
    }
    return { groupId, change };
}
/** Reads the addresses of network interfaces in one call. */
async function readInterfaceAddresses(ec2, networkInterfaceIds) {
    const addresses = new Map();
    if (networkInterfaceIds.length === 0)
        return addresses;
    const { NetworkInterfaces } = await ec2.send(new client_ec2_dist_cjs.DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: networkInterfaceIds }));
    for (const eni of NetworkInterfaces ?? []) {
        addresses.set(eni.NetworkInterfaceId, {
            publicIp: eni.Association?.PublicIp,
            privateIp: eni.PrivateIpAddress
        });
    }
    return addresses;
}

// EXTERNAL MODULE: ./src/stop.ts
var stop = __webpack_require__(1123);
// EXTERNAL MODULE: ./src/task-definition.ts
var task_definition = __webpack_require__(8185);
;// CONCATENATED MODULE: ./src/deploy.ts
// Deploy mode, step by step: look-ups (together), push, task definition, RunTask, wait.













async function deploy(inputs, deps) {
    const { clients, reporter } = deps;
    const clock = deps.clock ?? run_task/* systemClock */.ml;
    const phases = [];
    const timed = async (name, fn) => {
        const start = clock.now();
        try {
            return await reporter.group(name, fn);
        }
        finally {
            phases.push({ name, ms: clock.now() - start });
        }
    };
    const docker = new src_docker/* Docker */.Jg(deps.runner, deps.dockerConfigDir);
    const localImage = inputs.context ? undefined : inputs.image;
    const created = [];
    const prepared = await timed('Look up and create AWS resources', async () => {
        const build = inputs.context
            ? docker.build(inputs.context, inputs.dockerfile, `${inputs.repository}:${inputs.tag}`)
            : Promise.resolve();
        const [login, repository, cluster, network, executionRole, taskRoleArn, logGroup, latest] = await Promise.all([
            getRegistryLogin(clients.ecr),
            ensureRepository(clients.ecr, {
                name: inputs.repository,
                create: inputs.createRepository,
                tags: inputs.tags
            }),
            ensureCluster(clients.ecs, {
                cluster: inputs.cluster,
                create: inputs.createCluster,
                tags: inputs.tags
            }),
            resolveNetwork(clients.ec2, inputs),
            ensureExecutionRole(clients.iam, {
                role: inputs.executionRole,
                create: inputs.createExecutionRole,
                tags: inputs.tags
            }),
            resolveTaskRole(clients.iam, inputs.taskRole),
            ensureLogGroup(clients.logs, { name: inputs.logGroup, tags: inputs.tags }),
            (0,task_definition/* describeLatestRevision */.yf)(clients.ecs, inputs.family),
            build
        ]);
        reporter.setSecret(login.password);
        if (repository.created)
            created.push(`ECR repository ${inputs.repository}`);
        if (cluster.created)
            created.push(`ECS cluster ${cluster.clusterName}`);
        if (network.securityGroupChange === 'created')
            created.push(`security group ${network.securityGroups[0]}`);
        if (executionRole.created)
            created.push(`IAM role ${inputs.executionRole}`);
        if (logGroup.created)
            created.push(`log group ${inputs.logGroup}`);
        for (const thing of created)
            reporter.info(`Created ${thing}`);
        if (inputs.port !== undefined &&
            inputs.securityGroups.length === 0 &&
            inputs.ingressCidr === '0.0.0.0/0') {
            reporter.warning(`Port ${inputs.port} is open to the whole internet (ingress-cidr 0.0.0.0/0); narrow it with ingress-cidr.`);
        }
        return { login, repository, cluster, network, executionRole, taskRoleArn, latest };
    });
    const { repositoryUri } = prepared.repository;
    const pushedRef = `${repositoryUri}:${inputs.tag}`;
    const digest = await timed('Push the image', async () => {
        await docker.login(prepared.login);
        deps.onLogin(prepared.login.registryHost);
        await docker.tag(localImage ?? `${inputs.repository}:${inputs.tag}`, pushedRef);
        const pushed = (await docker.push(pushedRef)) ?? (await findImageDigest(clients.ecr, inputs.repository, inputs.tag));
        reporter.info(`Pushed ${pushedRef} (${pushed})`);
        return pushed;
    });
    const image = `${repositoryUri}@${digest}`;
    reporter.setOutput('image', image);
    reporter.setOutput('cluster-arn', prepared.cluster.clusterArn);
    const rendered = (0,task_definition/* renderTaskDefinition */.P9)(inputs, {
        image,
        executionRoleArn: prepared.executionRole.roleArn,
        taskRoleArn: prepared.taskRoleArn
    });
    const revision = await timed('Register the task definition', async () => {
        const registered = await (0,task_definition/* registerOrReuse */.XW)(clients.ecs, rendered, prepared.latest);
        reporter.info(registered.reused
            ? `Reusing ${registered.taskDefinitionArn}: it already matches`
            : `Registered ${registered.taskDefinitionArn}`);
        return registered;
    });
    reporter.setOutput('task-definition-arn', revision.taskDefinitionArn);
    const container = rendered.containerDefinitions.find((c) => c.name === inputs.containerName);
    const prefix = (0,task_definition/* streamPrefix */.nv)(container);
    const started = await timed('Run the task', async () => {
        const input = (0,run_task/* buildRunTaskInput */.Lq)(inputs, {
            cluster: prepared.cluster.clusterArn,
            taskDefinitionArn: revision.taskDefinitionArn,
            subnets: prepared.network.subnets,
            securityGroups: prepared.network.securityGroups
        });
        const result = await (0,run_task/* runTasks */.eW)(clients.ecs, input);
        return result;
    });
    const taskArns = started.tasks.map((task) => task.taskArn);
    // Set before any waiting, so a teardown job can stop the tasks whatever happens next.
    reporter.setOutput('task-arn', taskArns[0]);
    reporter.setOutput('task-arns', JSON.stringify(taskArns));
    for (const arn of taskArns)
        reporter.info(`Started ${arn}`);
    const reports = new Map(started.tasks.map((task) => {
        const logStream = logStreamFor({
            logGroup: inputs.logGroup,
            prefix,
            containerName: inputs.containerName,
            taskId: (0,run_task/* taskId */.BS)(task.taskArn)
        });
        const report = {
            taskArn: task.taskArn,
            lastStatus: task.lastStatus,
            logStream,
            logUrl: logStreamConsoleUrl(inputs.region, logStream)
        };
        return [task.taskArn, report];
    }));
    reporter.setOutput('logs', JSON.stringify([...reports.values()].map((report) => report.logUrl)));
    if (started.failures.length > 0) {
        throw new errors/* ActionError */.lZ(`RunTask started ${taskArns.length} of ${inputs.count} tasks`, {
            details: started.failures
                .map((f) => `${f.arn ?? ''} ${f.reason ?? ''} ${f.detail ?? ''}`.trim())
                .join('\n')
        });
    }
    const deadline = clock.now() + inputs.timeoutSeconds * 1000;
    let exitCode;
    await timed(`Wait for ${inputs.waitFor}`, async () => {
        try {
            if (inputs.waitFor === 'none') {
                reporter.info('wait-for is none: the public IP is not known yet, so public-ip and url are empty');
                return;
            }
            if (inputs.waitFor === 'stopped') {
                exitCode = await waitForJob(inputs, deps, clock, prepared.cluster.clusterArn, taskArns, reports, deadline);
                return;
            }
            const tasks = await (0,run_task/* waitForTasks */.th)(clients.ecs, prepared.cluster.clusterArn, taskArns, {
                until: 'RUNNING',
                deadline,
                clock
            });
            await readAddresses(inputs, deps, clock, tasks, reports, deadline);
            if (inputs.waitFor === 'healthy') {
                const first = [...reports.values()][0];
                const url = `${first.url}${inputs.healthPath === '/' ? '' : inputs.healthPath}`;
                const health = await waitHealthy(url, { deadline, clock, log: (line) => reporter.info(line) });
                reporter.info(`${url} answered HTTP ${health.status} after ${health.attempts} request(s)`);
            }
        }
        catch (error) {
            throw await explainWaitFailure(error, inputs, deps, reports);
        }
        finally {
            setTaskOutputs(reporter, [...reports.values()], exitCode);
        }
    });
    return {
        image,
        tag: inputs.tag,
        digest,
        repositoryUri,
        clusterArn: prepared.cluster.clusterArn,
        taskDefinitionArn: revision.taskDefinitionArn,
        revision: revision.revision,
        reused: revision.reused,
        tasks: [...reports.values()],
        exitCode,
        created,
        phases
    };
}
function setTaskOutputs(reporter, reports, exitCode) {
    const publicIps = reports.map((report) => report.publicIp ?? '');
    reporter.setOutput('public-ip', publicIps[0] ?? '');
    reporter.setOutput('public-ips', JSON.stringify(publicIps.filter((ip) => ip !== '')));
    reporter.setOutput('private-ip', reports[0]?.privateIp ?? '');
    reporter.setOutput('url', reports[0]?.url ?? '');
    if (exitCode !== undefined)
        reporter.setOutput('exit-code', String(exitCode));
}
/** Reads each task's addresses; a public IP can appear a little after RUNNING, so it is polled for. */
async function readAddresses(inputs, deps, clock, tasks, reports, deadline) {
    for (let delay = 500;; delay = Math.min(delay * 2, 2000)) {
        const eniIds = tasks.map(run_task/* networkInterfaceId */.Lt).filter((id) => id !== undefined);
        const addresses = await readInterfaceAddresses(deps.clients.ec2, eniIds);
        for (const task of tasks) {
            const report = reports.get(task.taskArn);
            const eni = addresses.get((0,run_task/* networkInterfaceId */.Lt)(task) ?? '');
            report.lastStatus = task.lastStatus;
            report.privateIp = eni?.privateIp ?? (0,run_task/* privateIp */.t2)(task);
            report.publicIp = eni?.publicIp;
            const host = report.publicIp ?? (inputs.assignPublicIp ? undefined : report.privateIp);
            if (host && inputs.port !== undefined)
                report.url = `http://${host}:${inputs.port}`;
        }
        const waiting = inputs.assignPublicIp && [...reports.values()].some((report) => !report.publicIp);
        if (!waiting)
            return;
        if (clock.now() + delay > deadline) {
            throw new errors/* ActionError */.lZ('The task is RUNNING but its network interface has no public IP yet', {
                hint: 'Check that the subnets are public (a route to an internet gateway) and assign-public-ip is true.'
            });
        }
        await clock.sleep(delay);
    }
}
/** wait-for stopped: follow every task's log until all have stopped, then read the exit codes. */
async function waitForJob(inputs, deps, clock, cluster, taskArns, reports, deadline) {
    const { reporter, clients } = deps;
    const grouped = taskArns.length > 1;
    const followers = taskArns.map((arn) => new LogFollower(clients.logs, reports.get(arn).logStream));
    const follow = async () => {
        for (const [index, follower] of followers.entries()) {
            const label = grouped ? `[${(0,run_task/* taskId */.BS)(taskArns[index]).slice(0, 8)}] ` : '';
            await follower.poll((event) => reporter.info(`${label}${event.message ?? ''}`));
        }
    };
    let tasks;
    try {
        tasks = await (0,run_task/* waitForTasks */.th)(clients.ecs, cluster, taskArns, {
            until: 'STOPPED',
            deadline,
            clock,
            onPoll: async (seen) => {
                for (const task of seen)
                    reports.get(task.taskArn).lastStatus = task.lastStatus;
                await follow();
            }
        });
    }
    catch (error) {
        if (error instanceof run_task/* WaitTimeoutError */.Do && inputs.stopOnTimeout) {
            await Promise.all(taskArns.map((task) => clients.ecs.send(new dist_cjs.StopTaskCommand({ cluster, task, reason: `${stop.STOP_REASON}: timeout` }))));
            reporter.warning(`Stopped ${taskArns.join(', ')}: still running when timeout (${inputs.timeoutSeconds} s) ran out`);
        }
        throw error;
    }
    // The last lines can land after the task is reported STOPPED.
    await follow();
    let exitCode = 0;
    const problems = [];
    for (const task of tasks) {
        const container = task.containers?.find((c) => c.name === inputs.containerName) ?? task.containers?.[0];
        const report = reports.get(task.taskArn);
        report.lastStatus = task.lastStatus;
        report.exitCode = container?.exitCode;
        if (container?.exitCode === undefined) {
            problems.push((0,errors/* describeStoppedTask */.us)(task));
            if (exitCode === 0)
                exitCode = -1;
        }
        else if (container.exitCode !== 0) {
            problems.push(`${task.taskArn} exited with code ${container.exitCode} (${task.stoppedReason ?? 'no reason given'})`);
            if (exitCode === 0)
                exitCode = container.exitCode;
        }
    }
    if (problems.length > 0) {
        if (exitCode !== -1)
            reporter.setOutput('exit-code', String(exitCode));
        throw new errors/* ActionError */.lZ(exitCode === -1 ? 'The job stopped without an exit code' : `The job failed with exit code ${exitCode}`, { details: problems.join('\n') });
    }
    return exitCode;
}
/** Turns a wait that failed into an error that says why: the task's stop reason, hints and its last log lines. */
async function explainWaitFailure(error, inputs, deps, reports) {
    if (error instanceof run_task/* TaskStoppedError */.BO) {
        const report = reports.get(error.task.taskArn);
        const lines = report ? await lastLogLines(deps.clients.logs, report.logStream) : [];
        return new errors/* ActionError */.lZ(`Task ${error.task.taskArn} stopped before it was RUNNING`, {
            details: [(0,errors/* describeStoppedTask */.us)(error.task), ...logSection(lines)].join('\n'),
            hint: (0,errors/* hintForStoppedTask */.VE)(error.task, {
                assignPublicIp: inputs.assignPublicIp,
                hasExecutionRole: inputs.executionRole !== '',
                logGroup: inputs.logGroup
            })
        });
    }
    if (error instanceof run_task/* WaitTimeoutError */.Do || error instanceof errors/* ActionError */.lZ) {
        const first = [...reports.values()][0];
        const lines = first ? await lastLogLines(deps.clients.logs, first.logStream) : [];
        if (lines.length > 0)
            error.details = [error.details, ...logSection(lines)].filter(Boolean).join('\n');
    }
    return error;
}
function logSection(lines) {
    return lines.length > 0 ? ['Last log lines:', ...lines.map((line) => `  ${line}`)] : [];
}


/***/ }),

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
