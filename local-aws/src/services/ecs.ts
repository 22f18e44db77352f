// ECS (awsJson1_1, target prefix AmazonEC2ContainerServiceV20141113): clusters, task definitions and Fargate
// tasks. Tasks are run for real by the task runner; this module owns validation and the API shapes.
import type { Context, Handler, RequestInfo } from '../context.js'
import { arr, hex, num, obj, requireStr, str } from '../context.js'
import { validateTaskDefinition, type TaskDefinitionInput } from '../fargate.js'
import { AwsError } from '../protocol.js'
import type { Cluster, Tag, Task, TaskDefinition } from '../state/ecs.js'
import { findRoleByArn, trustsEcsTasks } from '../state/iam.js'

// ---------------------------------------------------------------- clusters

function clusterName(ref: string | undefined): string {
  if (!ref) return 'default'
  const m = /^arn:aws[^:]*:ecs:[^:]+:\d+:cluster\/(.+)$/.exec(ref)
  return m ? m[1]! : ref
}

export function activeCluster(ctx: Context, ref: string | undefined): Cluster {
  const c = ctx.ecs.clusters.get(clusterName(ref))
  if (!c || c.status !== 'ACTIVE') throw new AwsError('ClusterNotFoundException', 'Cluster not found.')
  return c
}

function clusterView(ctx: Context, c: Cluster, include: string[]): Record<string, unknown> {
  const tasks = [...ctx.ecs.tasks.values()].filter((t) => t.clusterArn === c.clusterArn)
  return {
    clusterArn: c.clusterArn,
    clusterName: c.clusterName,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING')
      .length,
    activeServicesCount: 0,
    statistics: [],
    tags: include.includes('TAGS') ? c.tags : [],
    settings: c.settings,
    capacityProviders: c.capacityProviders,
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy
  }
}

const CreateCluster: Handler = (ctx, p, req) => {
  const name = str(p, 'clusterName') ?? 'default'
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      'Cluster name can only contain alphanumeric characters, hyphens, and underscores.'
    )
  }
  const existing = ctx.ecs.clusters.get(name)
  // CreateCluster is idempotent for an ACTIVE cluster of the same name; it re-activates an INACTIVE one.
  const cluster: Cluster =
    existing?.status === 'ACTIVE'
      ? existing
      : {
          clusterName: name,
          clusterArn: `arn:aws:ecs:${req.region}:${ctx.accountId}:cluster/${name}`,
          status: 'ACTIVE',
          tags: arr<Tag>(p, 'tags'),
          capacityProviders: arr<string>(p, 'capacityProviders'),
          defaultCapacityProviderStrategy: arr(p, 'defaultCapacityProviderStrategy'),
          settings: arr(p, 'settings').length
            ? arr(p, 'settings')
            : [{ name: 'containerInsights', value: 'disabled' }]
        }
  ctx.ecs.clusters.set(name, cluster)
  return { cluster: clusterView(ctx, cluster, ['TAGS']) }
}

const DescribeClusters: Handler = (ctx, p, req) => {
  const refs = arr<string>(p, 'clusters')
  const include = arr<string>(p, 'include')
  const clusters: unknown[] = []
  const failures: unknown[] = []
  for (const ref of refs.length ? refs : ['default']) {
    const c = ctx.ecs.clusters.get(clusterName(ref))
    if (c) clusters.push(clusterView(ctx, c, include))
    else
      failures.push({
        arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${req.region}:${ctx.accountId}:cluster/${ref}`,
        reason: 'MISSING'
      })
  }
  return { clusters, failures }
}

const DeleteCluster: Handler = (ctx, p) => {
  const c = activeCluster(ctx, requireStr(p, 'cluster'))
  const live = [...ctx.ecs.tasks.values()].some(
    (t) => t.clusterArn === c.clusterArn && t.lastStatus !== 'STOPPED'
  )
  if (live)
    throw new AwsError(
      'ClusterContainsTasksException',
      'The Cluster cannot be deleted while Tasks are active.'
    )
  c.status = 'INACTIVE'
  return { cluster: clusterView(ctx, c, ['TAGS']) }
}

const ListClusters: Handler = (ctx) => ({
  clusterArns: [...ctx.ecs.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.clusterArn)
})

// ---------------------------------------------------------------- task definitions

/** Resolves "family", "family:revision" or a task definition ARN. `latestActive`: a bare family means its newest ACTIVE revision. */
export function findTaskDefinition(ctx: Context, ref: string): TaskDefinition | undefined {
  const m = /^(?:arn:aws[^:]*:ecs:[^:]+:\d+:task-definition\/)?([a-zA-Z0-9_-]+)(?::(\d+))?$/.exec(ref)
  if (!m) return undefined
  const revisions = ctx.ecs.taskDefinitions.get(m[1]!) ?? []
  if (m[2]) return revisions[Number(m[2]) - 1]
  return [...revisions].reverse().find((td) => td.status === 'ACTIVE')
}

function tdView({ tags: _tags, ...td }: TaskDefinition): Omit<TaskDefinition, 'tags'> {
  return td
}

const RegisterTaskDefinition: Handler = (ctx, p, req: RequestInfo) => {
  const input = p as TaskDefinitionInput & Record<string, unknown>
  const rejection = validateTaskDefinition(input)
  if (rejection) throw new AwsError(rejection.code, rejection.message)
  const family = input.family!
  const revisions = ctx.ecs.taskDefinitions.get(family) ?? []
  const revision = revisions.length + 1
  const fargateOk = input.networkMode === 'awsvpc' && !!input.cpu && !!input.memory
  const td: TaskDefinition = {
    taskDefinitionArn: `arn:aws:ecs:${req.region}:${ctx.accountId}:task-definition/${family}:${revision}`,
    family,
    revision,
    status: 'ACTIVE',
    // ECS fills in defaults the SDK user did not send.
    containerDefinitions: (input.containerDefinitions ?? []).map((c) => ({
      cpu: 0,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      essential: true,
      ...c,
      portMappings: (c.portMappings ?? []).map((pm) => ({
        ...pm,
        hostPort: input.networkMode === 'awsvpc' ? pm.containerPort : pm.hostPort,
        protocol: pm.protocol ?? 'tcp'
      }))
    })),
    taskRoleArn: input.taskRoleArn as string | undefined,
    executionRoleArn: input.executionRoleArn,
    networkMode: input.networkMode ?? 'bridge',
    requiresCompatibilities: input.requiresCompatibilities,
    compatibilities: fargateOk ? ['EC2', 'FARGATE'] : ['EC2'],
    cpu: input.cpu,
    memory: input.memory,
    volumes: arr(p, 'volumes'),
    placementConstraints: arr(p, 'placementConstraints'),
    requiresAttributes: [],
    registeredAt: new Date(),
    registeredBy: `arn:aws:iam::${ctx.accountId}:user/${req.accessKeyId}`,
    runtimePlatform: obj(p, 'runtimePlatform'),
    ephemeralStorage: obj(p, 'ephemeralStorage'),
    // The other members of the model, kept as given so that a copied revision keeps them.
    pidMode: str(p, 'pidMode'),
    ipcMode: str(p, 'ipcMode'),
    proxyConfiguration: obj(p, 'proxyConfiguration'),
    inferenceAccelerators:
      p.inferenceAccelerators === undefined ? undefined : arr(p, 'inferenceAccelerators'),
    enableFaultInjection: typeof p.enableFaultInjection === 'boolean' ? p.enableFaultInjection : undefined,
    tags: arr<Tag>(p, 'tags')
  }
  revisions.push(td)
  ctx.ecs.taskDefinitions.set(family, revisions)
  return { taskDefinition: tdView(td), tags: td.tags }
}

const DescribeTaskDefinition: Handler = (ctx, p) => {
  const td = findTaskDefinition(ctx, requireStr(p, 'taskDefinition', 'ClientException'))
  if (!td) throw new AwsError('ClientException', 'Unable to describe task definition.')
  return {
    taskDefinition: tdView(td),
    tags: arr<string>(p, 'include').includes('TAGS') ? td.tags : undefined
  }
}

const ListTaskDefinitions: Handler = (ctx, p) => {
  // familyPrefix is, despite its name, the full family name (as in ECS).
  const family = str(p, 'familyPrefix')
  const status = str(p, 'status') ?? 'ACTIVE'
  if (!['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'].includes(status))
    throw new AwsError('InvalidParameterException', `Invalid status: ${status}`)
  const maxResults = num(p, 'maxResults')
  if (maxResults !== undefined && !(Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= 100))
    throw new AwsError('InvalidParameterException', 'maxResults must be between 1 and 100.')
  let all = [...ctx.ecs.taskDefinitions.entries()]
    .filter(([f]) => !family || f === family)
    .flatMap(([, revs]) => revs)
    .filter((td) => td.status === status)
    .map((td) => td.taskDefinitionArn)
    .sort((a, b) => {
      const [fa, ra] = a.split('/')[1]!.split(':')
      const [fb, rb] = b.split('/')[1]!.split(':')
      return fa!.localeCompare(fb!) || Number(ra) - Number(rb)
    })
  if (str(p, 'sort') === 'DESC') all = all.reverse()
  const start = Number(str(p, 'nextToken') ?? 0)
  const max = maxResults ?? 100
  return {
    taskDefinitionArns: all.slice(start, start + max),
    nextToken: start + max < all.length ? String(start + max) : undefined
  }
}

const DeregisterTaskDefinition: Handler = (ctx, p) => {
  const ref = requireStr(p, 'taskDefinition', 'ClientException')
  if (!/:\d+$/.test(ref))
    throw new AwsError('ClientException', `Invalid revision number. Number: ${ref.split(':').pop() ?? ''}`)
  const td = findTaskDefinition(ctx, ref)
  if (!td) throw new AwsError('ClientException', 'The specified task definition does not exist.')
  td.status = 'INACTIVE'
  td.deregisteredAt ??= new Date()
  return { taskDefinition: tdView(td) }
}

// ---------------------------------------------------------------- tasks

export function taskView(ctx: Context, t: Task, includeTags: boolean): Record<string, unknown> {
  const subnet = ctx.ec2.subnets.find((s) => s.SubnetId === t.subnetId)
  return {
    taskArn: t.taskArn,
    clusterArn: t.clusterArn,
    taskDefinitionArn: t.taskDefinition.taskDefinitionArn,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    launchType: t.launchType,
    capacityProviderName: t.capacityProviderName,
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    cpu: t.cpu,
    memory: t.memory,
    availabilityZone: subnet?.AvailabilityZone,
    connectivity: t.connectivityAt ? 'CONNECTED' : undefined,
    connectivityAt: t.connectivityAt,
    createdAt: t.createdAt,
    pullStartedAt: t.pullStartedAt,
    pullStoppedAt: t.pullStoppedAt,
    startedAt: t.startedAt,
    stoppingAt: t.stoppingAt,
    executionStoppedAt: t.executionStoppedAt,
    stoppedAt: t.stoppedAt,
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    startedBy: t.startedBy,
    group: t.group,
    version: t.version,
    healthStatus: 'UNKNOWN',
    enableExecuteCommand: false,
    ephemeralStorage: { sizeInGiB: 20 },
    overrides: { containerOverrides: t.overrides.containerOverrides, inferenceAcceleratorOverrides: [] },
    tags: includeTags ? t.tags : [],
    attributes: [{ name: 'ecs.cpu-architecture', value: cpuArchitecture(t.taskDefinition) }],
    attachments: [
      {
        id: t.attachmentId,
        type: 'ElasticNetworkInterface',
        status: t.attachmentStatus,
        details: [
          { name: 'subnetId', value: t.subnetId },
          { name: 'networkInterfaceId', value: t.eniId },
          { name: 'macAddress', value: '0a:00:00:00:00:01' },
          { name: 'privateDnsName', value: `ip-${t.privateIp.replace(/\./g, '-')}.ec2.internal` },
          { name: 'privateIPv4Address', value: t.privateIp }
        ]
      }
    ],
    containers: t.containers.map((c) => ({
      containerArn: c.containerArn,
      taskArn: t.taskArn,
      name: c.name,
      image: c.image,
      imageDigest: c.imageDigest,
      runtimeId: c.runtimeId,
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      reason: c.reason,
      networkBindings: [],
      networkInterfaces: [{ attachmentId: t.attachmentId, privateIpv4Address: t.privateIp }],
      healthStatus: 'UNKNOWN',
      cpu: '0'
    }))
  }
}

/** The task's architecture as ECS reports it in its attributes: the task definition's runtimePlatform. */
function cpuArchitecture(td: TaskDefinition): string {
  const runtime = td.runtimePlatform as { cpuArchitecture?: string } | undefined
  return runtime?.cpuArchitecture === 'ARM64' ? 'arm64' : 'x86_64'
}

function findTask(ctx: Context, cluster: Cluster, ref: string): Task | undefined {
  const id = ref.split('/').pop() ?? ref
  const t = ctx.ecs.tasks.get(id)
  return t && t.clusterArn === cluster.clusterArn ? t : undefined
}

/** Lowest free N ≥ 2 among live tasks: public IP 127.0.0.N, private IP 127.0.1.N. */
function allocateSlot(ctx: Context): number {
  const used = new Set(
    [...ctx.ecs.tasks.values()].filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.slot)
  )
  for (let n = 2; n < 255; n++) if (!used.has(n)) return n
  throw new AwsError(
    'InvalidParameterException',
    'No free local addresses for another task (at most 253 live tasks).'
  )
}

interface AwsVpcConfig {
  subnets?: string[]
  securityGroups?: string[]
  assignPublicIp?: string
}

export function validateNetwork(ctx: Context, td: TaskDefinition, p: Record<string, unknown>): AwsVpcConfig {
  const cfg = obj(obj(p, 'networkConfiguration'), 'awsvpcConfiguration') as AwsVpcConfig | undefined
  if (td.networkMode !== 'awsvpc') return cfg ?? {}
  if (!cfg)
    throw new AwsError(
      'InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    )
  const subnets = cfg.subnets ?? []
  if (subnets.length === 0) throw new AwsError('InvalidParameterException', 'subnets can not be empty.')
  for (const s of subnets) {
    if (!ctx.ec2.subnets.some((x) => x.SubnetId === s)) {
      throw new AwsError(
        'InvalidParameterException',
        `Error retrieving subnet information for [${s}]: The subnet ID '${s}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`
      )
    }
  }
  for (const g of cfg.securityGroups ?? []) {
    if (!ctx.ec2.securityGroups.has(g)) {
      throw new AwsError(
        'InvalidParameterException',
        `Error retrieving security group information for [${g}]: The security group '${g}' does not exist (ErrorCode: InvalidGroup.NotFound)`
      )
    }
  }
  if (cfg.assignPublicIp && !['ENABLED', 'DISABLED'].includes(cfg.assignPublicIp)) {
    throw new AwsError('InvalidParameterException', `Invalid value for assignPublicIp: ${cfg.assignPublicIp}`)
  }
  return cfg
}

export function validateLaunch(
  ctx: Context,
  cluster: Cluster,
  td: TaskDefinition,
  p: Record<string, unknown>
): { launchType: string; capacityProviderName?: string } {
  const launchType = str(p, 'launchType')
  const strategy = arr<{ capacityProvider?: string }>(p, 'capacityProviderStrategy')
  if (launchType && strategy.length) {
    throw new AwsError(
      'InvalidParameterException',
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.'
    )
  }
  const provider =
    strategy[0]?.capacityProvider ??
    (launchType
      ? undefined
      : (cluster.defaultCapacityProviderStrategy[0] as { capacityProvider?: string } | undefined)
          ?.capacityProvider)
  if (provider) {
    if (!['FARGATE', 'FARGATE_SPOT'].includes(provider)) {
      throw new AwsError(
        'InvalidParameterException',
        `The specified capacity provider '${provider}' was not found.`
      )
    }
    if (!cluster.capacityProviders.includes(provider)) {
      throw new AwsError(
        'InvalidParameterException',
        `The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.`
      )
    }
  } else if (launchType !== 'FARGATE') {
    // EC2/EXTERNAL (or no launch type and no default strategy) needs container instances, which never exist here.
    throw new AwsError('InvalidParameterException', 'No Container Instances were found in your cluster.')
  }
  if (!td.compatibilities.includes('FARGATE')) {
    throw new AwsError('InvalidParameterException', 'Task definition does not support launch_type FARGATE.')
  }
  ctx.log(`ecs: launching ${td.family}:${td.revision} on ${provider ?? 'FARGATE'}`)
  return provider ? { launchType: 'FARGATE', capacityProviderName: provider } : { launchType: 'FARGATE' }
}

/** ECS assumes the task and execution roles at launch; a missing role or one not trusting ecs-tasks fails RunTask. */
export function checkRoles(ctx: Context, td: TaskDefinition): void {
  for (const arn of [td.executionRoleArn, td.taskRoleArn]) {
    if (!arn) continue
    const role = findRoleByArn(ctx, arn)
    if (!role || !trustsEcsTasks(role)) {
      throw new AwsError(
        'ClientException',
        `ECS was unable to assume the role '${arn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`
      )
    }
  }
}

const RunTask: Handler = (ctx, p, req) => {
  const cluster = activeCluster(ctx, str(p, 'cluster'))
  const tdRef = requireStr(p, 'taskDefinition')
  const td = findTaskDefinition(ctx, tdRef)
  if (!td) throw new AwsError('InvalidParameterException', 'TaskDefinition not found.')
  if (td.status !== 'ACTIVE') throw new AwsError('InvalidParameterException', 'TaskDefinition is inactive')
  const count = num(p, 'count') ?? 1
  if (!Number.isInteger(count) || count < 1 || count > 10) {
    throw new AwsError('InvalidParameterException', 'Count must be between 1 and 10.')
  }
  const launch = validateLaunch(ctx, cluster, td, p)
  const net = validateNetwork(ctx, td, p)
  checkRoles(ctx, td)
  const overrides = obj(p, 'overrides')
  const containerOverrides = arr<Record<string, unknown>>(overrides, 'containerOverrides')
  for (const o of containerOverrides) {
    if (!td.containerDefinitions.some((c) => c.name === o.name)) {
      throw new AwsError(
        'InvalidParameterException',
        `Override for container named ${String(o.name)} is not a container in the TaskDefinition.`
      )
    }
  }
  const b = ctx.behaviour
  if (b.runTaskFailures.length > 0) {
    return {
      tasks: [],
      failures: b.runTaskFailures.map((f) => ({ arn: f.arn, reason: f.reason, detail: f.detail }))
    }
  }
  const tasks: Task[] = []
  for (let i = 0; i < count; i++) {
    const taskId = hex(16)
    const slot = allocateSlot(ctx)
    const subnetId = net.subnets![i % net.subnets!.length]!
    const taskArn = `arn:aws:ecs:${req.region}:${ctx.accountId}:task/${cluster.clusterName}/${taskId}`
    const task: Task = {
      taskArn,
      taskId,
      clusterArn: cluster.clusterArn,
      clusterName: cluster.clusterName,
      taskDefinition: td,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      ...launch,
      cpu: td.cpu,
      memory: td.memory,
      createdAt: new Date(),
      startedBy: str(p, 'startedBy'),
      group: str(p, 'group') ?? `family:${td.family}`,
      // propagateTags TASK_DEFINITION copies the task definition's tags onto the task, as ECS does.
      tags: [...(p.propagateTags === 'TASK_DEFINITION' ? td.tags : []), ...arr<Tag>(p, 'tags')],
      overrides: { containerOverrides },
      containers: td.containerDefinitions.map((c) => ({
        containerArn: `arn:aws:ecs:${req.region}:${ctx.accountId}:container/${cluster.clusterName}/${taskId}/${hex(16)}`,
        name: c.name!,
        image: c.image!,
        essential: c.essential !== false,
        lastStatus: 'PENDING'
      })),
      attachmentId: hex(16),
      eniId: `eni-${hex(9).slice(0, 17)}`,
      subnetId,
      privateIp: `127.0.1.${slot}`,
      publicIp: net.assignPublicIp === 'ENABLED' ? `127.0.0.${slot}` : undefined,
      slot,
      attachmentStatus: 'PRECREATED',
      version: 1,
      missingDescribes: b.describeTasksMissingTimes
    }
    ctx.ec2.enis.set(task.eniId, {
      NetworkInterfaceId: task.eniId,
      SubnetId: subnetId,
      VpcId: ctx.ec2.vpc.VpcId,
      PrivateIpAddress: task.privateIp,
      PublicIp: task.publicIp,
      GroupIds: net.securityGroups?.length
        ? net.securityGroups
        : [...ctx.ec2.securityGroups.values()].filter((g) => g.GroupName === 'default').map((g) => g.GroupId),
      Description: `arn:aws:ecs:${req.region}:${ctx.accountId}:attachment/${task.attachmentId}`,
      Status: 'in-use',
      describes: 0
    })
    ctx.ecs.tasks.set(taskId, task)
    tasks.push(task)
    ctx.runner.start(task)
  }
  return { tasks: tasks.map((t) => taskView(ctx, t, true)), failures: [] }
}

const DescribeTasks: Handler = (ctx, p, req) => {
  const cluster = activeCluster(ctx, str(p, 'cluster'))
  const refs = arr<string>(p, 'tasks')
  if (refs.length === 0) throw new AwsError('InvalidParameterException', 'Tasks cannot be empty.')
  if (refs.length > 100)
    throw new AwsError('InvalidParameterException', 'Tasks cannot contain more than 100 elements.')
  const includeTags = arr<string>(p, 'include').includes('TAGS')
  const tasks: unknown[] = []
  const failures: unknown[] = []
  for (const ref of refs) {
    const t = findTask(ctx, cluster, ref)
    // describeTasksMissingTimes: a just-started task is not yet visible to DescribeTasks (eventual consistency).
    if (t && t.missingDescribes > 0) t.missingDescribes--
    else if (t) {
      tasks.push(taskView(ctx, t, includeTags))
      continue
    }
    failures.push({
      arn: ref.startsWith('arn:')
        ? ref
        : `arn:aws:ecs:${req.region}:${ctx.accountId}:task/${cluster.clusterName}/${ref}`,
      reason: 'MISSING'
    })
  }
  return { tasks, failures }
}

const ListTasks: Handler = (ctx, p) => {
  const cluster = activeCluster(ctx, str(p, 'cluster'))
  const family = str(p, 'family')
  const startedBy = str(p, 'startedBy')
  // An Express (or any) service's tasks are in the group service:NAME.
  const serviceName = str(p, 'serviceName')
  const desired = str(p, 'desiredStatus') ?? 'RUNNING'
  const arns = [...ctx.ecs.tasks.values()]
    .filter((t) => t.clusterArn === cluster.clusterArn)
    .filter((t) => !family || t.taskDefinition.family === family)
    .filter((t) => !startedBy || t.startedBy === startedBy)
    .filter((t) => !serviceName || t.group === `service:${serviceName}`)
    .filter((t) => (desired === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING'))
    .map((t) => t.taskArn)
  const start = Number(str(p, 'nextToken') ?? 0)
  const max = num(p, 'maxResults') ?? 100
  return {
    taskArns: arns.slice(start, start + max),
    nextToken: start + max < arns.length ? String(start + max) : undefined
  }
}

const StopTask: Handler = (ctx, p) => {
  const cluster = activeCluster(ctx, str(p, 'cluster'))
  const t = findTask(ctx, cluster, requireStr(p, 'task'))
  if (!t) throw new AwsError('InvalidParameterException', 'The referenced task was not found.')
  ctx.runner.stop(t, str(p, 'reason'))
  // Like ECS, the answer shows the stop requested (desiredStatus STOPPED) while lastStatus has not moved yet.
  return { task: taskView(ctx, t, false) }
}

function findTaggable(ctx: Context, arn: string): { tags: Tag[] } {
  const c = [...ctx.ecs.clusters.values()].find((x) => x.clusterArn === arn)
  if (c) return c
  const t = [...ctx.ecs.tasks.values()].find((x) => x.taskArn === arn)
  if (t) return t
  const td = [...ctx.ecs.taskDefinitions.values()].flat().find((x) => x.taskDefinitionArn === arn)
  if (td) return td
  const service = ctx.express.services.get(arn) ?? ctx.standard.services.get(arn)
  if (service && service.status !== 'INACTIVE') return service
  throw new AwsError('InvalidParameterException', 'The specified resource could not be found.')
}

const TagResource: Handler = (ctx, p) => {
  const target = findTaggable(ctx, requireStr(p, 'resourceArn'))
  for (const tag of arr<Tag>(p, 'tags')) {
    target.tags = [...target.tags.filter((x) => x.key !== tag.key), tag]
  }
  return {}
}

const UntagResource: Handler = (ctx, p) => {
  const target = findTaggable(ctx, requireStr(p, 'resourceArn'))
  const keys = arr<string>(p, 'tagKeys')
  if (keys.length === 0) throw new AwsError('InvalidParameterException', 'tagKeys cannot be empty.')
  target.tags = target.tags.filter((tag) => !keys.includes(tag.key))
  return {}
}

const ListTagsForResource: Handler = (ctx, p) => ({
  tags: findTaggable(ctx, requireStr(p, 'resourceArn')).tags
})

export const ecsHandlers: Record<string, Handler> = {
  CreateCluster,
  DescribeClusters,
  DeleteCluster,
  ListClusters,
  RegisterTaskDefinition,
  DescribeTaskDefinition,
  ListTaskDefinitions,
  DeregisterTaskDefinition,
  RunTask,
  DescribeTasks,
  ListTasks,
  StopTask,
  TagResource,
  UntagResource,
  ListTagsForResource
}

export const ecsSnapshot = (ctx: Context): unknown => ({
  clusters: [...ctx.ecs.clusters.values()],
  taskDefinitions: [...ctx.ecs.taskDefinitions.values()]
    .flat()
    .map((td) => ({ arn: td.taskDefinitionArn, status: td.status })),
  tasks: [...ctx.ecs.tasks.values()].map((t) => ({
    taskArn: t.taskArn,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    publicIp: t.publicIp,
    containers: t.containers.map((c) => ({
      name: c.name,
      dockerId: c.dockerId,
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      reason: c.reason
    }))
  }))
})
