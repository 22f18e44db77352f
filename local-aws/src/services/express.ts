// ECS Express Mode (the ecs scope, beside the ECS handlers): CreateExpressGatewayService, Update, Describe,
// Delete, ListServiceDeployments, DescribeServiceDeployments and DescribeServices. The handlers validate and
// answer in the API's shapes and errors; they record intent (a revision, a PENDING deployment, DRAINING) and
// leave every later status change to the service controller (EXPRESS.md).
import type { Context, Handler, RequestInfo } from '../context.js'
import { arr, hex, num, obj, requireStr, str } from '../context.js'
import { isValidFargatePair, parseCpu, parseMemory } from '../fargate.js'
import { AwsError } from '../protocol.js'
import { MAIN_CONTAINER, ensureCluster, newRevision, randomDigits } from '../service-controller.js'
import type { Cluster, Tag } from '../state/ecs.js'
import {
  isFinal,
  parseServiceArn,
  serviceArnOf,
  type DeploymentStatus,
  type ExpressConfiguration,
  type ExpressService,
  type PrimaryContainer,
  type ScalingTarget,
  type ServiceDeployment,
  type ServiceRevision
} from '../state/express.js'
import { findRoleByArn, trustsEcsTasks, trustsService } from '../state/iam.js'

const invalid = (message: string) => new AwsError('InvalidParameterException', message)
const nullAt = (member: string) =>
  invalid(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`
  )
const METRICS = ['AVERAGE_CPU', 'AVERAGE_MEMORY', 'REQUEST_COUNT_PER_TARGET'] as const
const ONLY_WITHOUT_TASK_DEFINITION = [
  'primaryContainer',
  'executionRoleArn',
  'taskRoleArn',
  'cpu',
  'memory',
  'cpuArchitecture'
]

// ---------------------------------------------------------------- reading a request

function clusterOf(ctx: Context, ref: string | undefined): Cluster {
  const name = (ref ?? 'default').replace(/^arn:aws[^:]*:ecs:[^:]+:\d+:cluster\//, '')
  const c = ctx.ecs.clusters.get(name)
  if (!c || c.status !== 'ACTIVE') throw new AwsError('ClusterNotFoundException', 'Cluster not found.')
  return c
}

function readContainer(p: Record<string, unknown>): PrimaryContainer | undefined {
  const c = obj(p, 'primaryContainer')
  if (!c) return undefined
  const image = str(c, 'image')
  if (!image) throw nullAt('primaryContainer.image')
  const containerPort = num(c, 'containerPort') ?? 80
  if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535)
    throw invalid(`Invalid containerPort: ${containerPort}. The port must be between 1 and 65535.`)
  const logs = obj(c, 'awsLogsConfiguration')
  if (logs && (!str(logs, 'logGroup') || !str(logs, 'logStreamPrefix')))
    throw nullAt(
      `primaryContainer.awsLogsConfiguration.${str(logs, 'logGroup') ? 'logStreamPrefix' : 'logGroup'}`
    )
  return {
    image,
    containerPort,
    awsLogsConfiguration: logs
      ? { logGroup: str(logs, 'logGroup')!, logStreamPrefix: str(logs, 'logStreamPrefix')! }
      : undefined,
    repositoryCredentials: obj(c, 'repositoryCredentials'),
    command: c.command === undefined ? undefined : arr<string>(c, 'command'),
    environment: arr(c, 'environment'),
    secrets: arr(c, 'secrets')
  }
}

function readScaling(p: Record<string, unknown>, previous: ScalingTarget | undefined): ScalingTarget {
  const s = obj(p, 'scalingTarget') ?? {}
  const minTaskCount = num(s, 'minTaskCount') ?? previous?.minTaskCount ?? 1
  const maxTaskCount = num(s, 'maxTaskCount') ?? previous?.maxTaskCount ?? Math.max(minTaskCount, 1)
  const metric = str(s, 'autoScalingMetric') ?? previous?.autoScalingMetric ?? 'AVERAGE_CPU'
  const target = num(s, 'autoScalingTargetValue') ?? previous?.autoScalingTargetValue ?? 60
  if (!Number.isInteger(minTaskCount) || minTaskCount < 1)
    throw invalid('scalingTarget.minTaskCount must be an integer of at least 1.')
  if (!Number.isInteger(maxTaskCount) || maxTaskCount < minTaskCount)
    throw invalid('scalingTarget.maxTaskCount must be greater than or equal to scalingTarget.minTaskCount.')
  if (!(METRICS as readonly string[]).includes(metric))
    throw invalid(
      `1 validation error detected: Value '${metric}' at 'scalingTarget.autoScalingMetric' failed to satisfy constraint: Member must satisfy enum value set: [${METRICS.join(', ')}]`
    )
  if (!Number.isFinite(target) || target <= 0)
    throw invalid('scalingTarget.autoScalingTargetValue must be greater than 0.')
  return {
    minTaskCount,
    maxTaskCount,
    autoScalingMetric: metric as ScalingTarget['autoScalingMetric'],
    autoScalingTargetValue: target
  }
}

function readNetwork(
  ctx: Context,
  p: Record<string, unknown>,
  previous: ExpressConfiguration['networkConfiguration'] | undefined
): ExpressConfiguration['networkConfiguration'] {
  const n = obj(p, 'networkConfiguration')
  if (!n && previous) return previous
  const defaults = ctx.ec2.subnets.map((s) => s.SubnetId)
  const subnets = n?.subnets === undefined ? defaults : arr<string>(n, 'subnets')
  const securityGroups = arr<string>(n, 'securityGroups')
  for (const s of subnets)
    if (!ctx.ec2.subnets.some((x) => x.SubnetId === s))
      throw invalid(`The subnet ID '${s}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`)
  for (const g of securityGroups)
    if (!ctx.ec2.securityGroups.has(g))
      throw invalid(`The security group '${g}' does not exist (ErrorCode: InvalidGroup.NotFound)`)
  if (subnets.length === 0) throw invalid('subnets can not be empty.')
  return { subnets, securityGroups }
}

/** The revision's configuration: the request's members over the previous revision's (or ECS's defaults). */
function readConfiguration(
  ctx: Context,
  p: Record<string, unknown>,
  previous: ExpressConfiguration | undefined
): ExpressConfiguration {
  const tdArn = str(p, 'taskDefinitionArn')
  if (tdArn) {
    const given = ONLY_WITHOUT_TASK_DEFINITION.filter((k) => p[k] !== undefined && p[k] !== null)
    if (given.length)
      throw invalid(`${given.join(', ')} cannot be specified together with taskDefinitionArn.`)
  }
  const custom = tdArn ?? (p.primaryContainer === undefined ? previous?.customTaskDefinitionArn : undefined)
  const primaryContainer = custom ? undefined : (readContainer(p) ?? previous?.primaryContainer)
  if (!custom && !primaryContainer) throw nullAt('primaryContainer')
  const executionRoleArn = custom ? undefined : (str(p, 'executionRoleArn') ?? previous?.executionRoleArn)
  if (!custom && !executionRoleArn) throw nullAt('executionRoleArn')
  const cpu = custom ? '' : (str(p, 'cpu') ?? previous?.cpu ?? '256')
  const memory = custom ? '' : (str(p, 'memory') ?? previous?.memory ?? '512')
  if (!custom) {
    const [c, m] = [parseCpu(cpu), parseMemory(memory)]
    if (c === undefined || m === undefined || !isValidFargatePair(c, m))
      throw invalid(`No Fargate configuration exists for the given values: cpu ${cpu}, memory ${memory}.`)
  }
  const healthCheckPath = str(p, 'healthCheckPath') ?? previous?.healthCheckPath ?? '/ping'
  if (!healthCheckPath.startsWith('/'))
    throw invalid('The health check path must start with a forward slash (/).')
  const cpuArchitecture = custom
    ? undefined
    : (str(p, 'cpuArchitecture') ?? previous?.cpuArchitecture ?? 'X86_64')
  if (cpuArchitecture && !['X86_64', 'ARM64'].includes(cpuArchitecture))
    throw invalid(
      `1 validation error detected: Value '${cpuArchitecture}' at 'cpuArchitecture' failed to satisfy constraint: Member must satisfy enum value set: [X86_64, ARM64]`
    )
  return {
    executionRoleArn,
    taskRoleArn: custom ? undefined : (str(p, 'taskRoleArn') ?? previous?.taskRoleArn),
    customTaskDefinitionArn: custom,
    cpu,
    memory,
    cpuArchitecture,
    networkConfiguration: readNetwork(ctx, p, previous?.networkConfiguration),
    healthCheckPath,
    primaryContainer,
    scalingTarget: readScaling(p, previous?.scalingTarget)
  }
}

/** The roles ECS assumes: the task roles must trust ecs-tasks (as RunTask checks), a custom task definition be usable. */
function checkTaskSide(ctx: Context, cfg: ExpressConfiguration): void {
  if (cfg.customTaskDefinitionArn) {
    const m = /^(?:arn:aws[^:]*:ecs:[^:]+:\d+:task-definition\/)?([a-zA-Z0-9_-]+):(\d+)$/.exec(
      cfg.customTaskDefinitionArn
    )
    const td = m ? ctx.ecs.taskDefinitions.get(m[1]!)?.[Number(m[2]) - 1] : undefined
    if (!td || td.status !== 'ACTIVE') throw invalid('TaskDefinition not found.')
    const main = td.containerDefinitions.find((c) => c.name === MAIN_CONTAINER)
    const ports = (main?.portMappings ?? []) as Array<{
      containerPort?: number
      name?: string
      protocol?: string
    }>
    if (
      !main ||
      ports.length !== 1 ||
      !ports[0]!.containerPort ||
      !ports[0]!.name ||
      ports[0]!.protocol === 'udp'
    )
      throw invalid(
        `The task definition must have a container named ${MAIN_CONTAINER} with a single TCP port mapping that includes a container port and port name.`
      )
    if (!td.compatibilities.includes('FARGATE'))
      throw invalid('The task definition must have FARGATE compatibility.')
    return
  }
  for (const arn of [cfg.executionRoleArn, cfg.taskRoleArn]) {
    if (!arn) continue
    const role = findRoleByArn(ctx, arn)
    if (!role || !trustsEcsTasks(role))
      throw new AwsError(
        'ClientException',
        `ECS was unable to assume the role '${arn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`
      )
  }
}

function findService(
  ctx: Context,
  arn: string,
  missing: 'ServiceNotFoundException' | 'ResourceNotFoundException'
) {
  const svc = ctx.express.services.get(arn)
  if (!svc)
    throw new AwsError(
      missing,
      missing === 'ServiceNotFoundException' ? 'Service not found.' : 'The specified service was not found.'
    )
  return svc
}

function activeService(ctx: Context, p: Record<string, unknown>): ExpressService {
  const arn = requireStr(p, 'serviceArn')
  if (!parseServiceArn(arn)) throw invalid(`Invalid service ARN: ${arn}`)
  const svc = findService(ctx, arn, 'ServiceNotFoundException')
  if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.')
  return svc
}

function newDeployment(ctx: Context, svc: ExpressService, revision: ServiceRevision): ServiceDeployment {
  const now = new Date()
  return {
    arn: `arn:aws:ecs:${svc.region}:${ctx.accountId}:service-deployment/${svc.clusterName}/${svc.serviceName}/${hex(11)}`,
    ecsDeploymentId: `ecs-svc/${randomDigits(19)}`,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    targetRevisionArn: revision.arn,
    status: 'PENDING',
    createdAt: now,
    updatedAt: now,
    circuitBreaker: { status: 'MONITORING', failureCount: 0, threshold: 3 },
    baked: false
  }
}

// ---------------------------------------------------------------- views

function configurationView(svc: ExpressService, rev: ServiceRevision): Record<string, unknown> {
  const c = rev.configuration
  return {
    serviceRevisionArn: rev.arn,
    executionRoleArn: c.executionRoleArn,
    taskRoleArn: c.taskRoleArn,
    taskDefinitionArn: rev.taskDefinitionArn,
    cpu: c.customTaskDefinitionArn ? undefined : c.cpu,
    memory: c.customTaskDefinitionArn ? undefined : c.memory,
    cpuArchitecture: c.cpuArchitecture,
    networkConfiguration: c.networkConfiguration,
    healthCheckPath: c.healthCheckPath,
    primaryContainer: c.primaryContainer,
    scalingTarget: c.scalingTarget,
    ingressPaths: svc.endpoint ? [{ accessType: 'PUBLIC', endpoint: svc.endpoint }] : [],
    createdAt: rev.createdAt
  }
}

/** The revisions that serve or are being deployed (the latest one when nothing serves). */
function activeRevisions(svc: ExpressService): ServiceRevision[] {
  const latest = svc.deployments.at(-1)
  const arns = new Set<string>()
  if (svc.servingRevisionArn) arns.add(svc.servingRevisionArn)
  if (latest && (!isFinal(latest.status) || arns.size === 0)) arns.add(latest.targetRevisionArn)
  return svc.revisions.filter((r) => arns.has(r.arn))
}

function serviceView(svc: ExpressService, includeTags: boolean): Record<string, unknown> {
  return {
    cluster: svc.clusterArn,
    serviceName: svc.serviceName,
    serviceArn: svc.serviceArn,
    infrastructureRoleArn: svc.infrastructureRoleArn,
    status: { statusCode: svc.status, statusReason: svc.statusReason },
    currentDeployment: svc.deployments.at(-1)?.arn,
    activeConfigurations: activeRevisions(svc).map((r) => configurationView(svc, r)),
    tags: includeTags ? svc.tags : undefined,
    createdAt: svc.createdAt,
    updatedAt: svc.updatedAt
  }
}

function serviceTasks(ctx: Context, svc: ExpressService) {
  return [...ctx.ecs.tasks.values()].filter(
    (t) =>
      t.clusterArn === svc.clusterArn &&
      t.group === `service:${svc.serviceName}` &&
      t.createdAt >= svc.createdAt
  )
}

function revisionSummary(ctx: Context, svc: ExpressService, arn: string | undefined, weight: number) {
  if (!arn) return undefined
  const rev = svc.revisions.find((r) => r.arn === arn)
  const tasks = serviceTasks(ctx, svc).filter(
    (t) => t.taskDefinition.taskDefinitionArn === rev?.taskDefinitionArn && t.desiredStatus === 'RUNNING'
  )
  return {
    arn,
    requestedTaskCount: rev?.configuration.scalingTarget.minTaskCount ?? 0,
    runningTaskCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTaskCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length,
    requestedTestTrafficWeight: 0,
    requestedProductionTrafficWeight: weight
  }
}

function deploymentView(ctx: Context, svc: ExpressService, d: ServiceDeployment): Record<string, unknown> {
  const shifted =
    d.status === 'SUCCESSFUL' ||
    (d.status === 'IN_PROGRESS' && d.lifecycleStage !== 'SCALE_UP') ||
    (d.status === 'STOPPED' && svc.servingRevisionArn === d.targetRevisionArn)
  return {
    serviceDeploymentArn: d.arn,
    serviceArn: d.serviceArn,
    clusterArn: d.clusterArn,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    stoppedAt: d.stoppedAt,
    updatedAt: d.updatedAt,
    sourceServiceRevisions: d.sourceRevisionArn
      ? [revisionSummary(ctx, svc, d.sourceRevisionArn, shifted ? 0 : 100)]
      : [],
    targetServiceRevision: revisionSummary(
      ctx,
      svc,
      d.targetRevisionArn,
      shifted || !d.sourceRevisionArn ? 100 : 0
    ),
    status: d.status,
    statusReason: d.statusReason,
    lifecycleStage: d.lifecycleStage,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      strategy: 'ROLLING',
      bakeTimeInMinutes: 0
    },
    rollback: d.rollback,
    deploymentCircuitBreaker: d.circuitBreaker,
    alarms: { status: 'DISABLED', alarmNames: [], triggeredAlarmNames: [] }
  }
}

const briefView = (d: ServiceDeployment): Record<string, unknown> => ({
  serviceDeploymentArn: d.arn,
  serviceArn: d.serviceArn,
  clusterArn: d.clusterArn,
  startedAt: d.startedAt,
  createdAt: d.createdAt,
  finishedAt: d.finishedAt,
  targetServiceRevisionArn: d.targetRevisionArn,
  status: d.status,
  statusReason: d.statusReason
})

/** DescribeServices' view: counts, the classic deployments list and the events, as for any ECS service. */
function ecsServiceView(ctx: Context, svc: ExpressService, includeTags: boolean): Record<string, unknown> {
  const latest = svc.deployments.at(-1)
  const primary = svc.revisions.find(
    (r) =>
      r.arn ===
      (latest?.status === 'IN_PROGRESS'
        ? latest.targetRevisionArn
        : (svc.servingRevisionArn ?? latest?.targetRevisionArn))
  )
  const live = serviceTasks(ctx, svc).filter((t) => t.desiredStatus === 'RUNNING')
  const byRevision = svc.revisions.filter(
    (r) => r === primary || live.some((t) => t.taskDefinition.taskDefinitionArn === r.taskDefinitionArn)
  )
  const rollout = (d: ServiceDeployment | undefined): string =>
    !d || d.status === 'SUCCESSFUL' || d.status === 'ROLLBACK_SUCCESSFUL'
      ? 'COMPLETED'
      : isFinal(d.status)
        ? 'FAILED'
        : 'IN_PROGRESS'
  const cfg = primary?.configuration
  return {
    serviceArn: svc.serviceArn,
    serviceName: svc.serviceName,
    clusterArn: svc.clusterArn,
    loadBalancers: [
      {
        targetGroupArn: svc.targetGroupArn,
        containerName: MAIN_CONTAINER,
        containerPort: cfg?.primaryContainer?.containerPort
      }
    ],
    serviceRegistries: [],
    status: svc.status,
    desiredCount: svc.status === 'ACTIVE' ? (cfg?.scalingTarget.minTaskCount ?? 0) : 0,
    runningCount: live.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingCount: live.filter((t) => t.lastStatus !== 'RUNNING').length,
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: primary?.taskDefinitionArn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100
    },
    deployments: byRevision.map((r) => {
      const d = [...svc.deployments].reverse().find((x) => x.targetRevisionArn === r.arn)
      const tasks = live.filter((t) => t.taskDefinition.taskDefinitionArn === r.taskDefinitionArn)
      return {
        id: d?.ecsDeploymentId,
        status: r === primary ? 'PRIMARY' : 'ACTIVE',
        taskDefinition: r.taskDefinitionArn,
        desiredCount:
          r === primary && svc.status === 'ACTIVE' ? r.configuration.scalingTarget.minTaskCount : 0,
        pendingCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length,
        runningCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
        failedTasks: d?.circuitBreaker.failureCount ?? 0,
        createdAt: d?.createdAt,
        updatedAt: d?.updatedAt,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
        platformVersion: '1.4.0',
        platformFamily: 'Linux',
        networkConfiguration: {
          awsvpcConfiguration: { ...r.configuration.networkConfiguration, assignPublicIp: 'DISABLED' }
        },
        rolloutState: rollout(d),
        rolloutStateReason: d?.statusReason
      }
    }),
    events: svc.events,
    createdAt: svc.createdAt,
    currentServiceDeployment: latest?.arn,
    currentServiceRevisions: activeRevisions(svc).map((r) => revisionSummary(ctx, svc, r.arn, 100)),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: cfg
      ? { awsvpcConfiguration: { ...cfg.networkConfiguration, assignPublicIp: 'DISABLED' } }
      : undefined,
    healthCheckGracePeriodSeconds: 0,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    tags: includeTags ? svc.tags : undefined,
    createdBy: svc.createdBy,
    enableECSManagedTags: true,
    propagateTags: 'SERVICE',
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'ENABLED',
    resourceManagementType: 'ECS'
  }
}

// ---------------------------------------------------------------- handlers

const CreateExpressGatewayService: Handler = async (ctx, p, req: RequestInfo) => {
  const infrastructureRoleArn = str(p, 'infrastructureRoleArn')
  if (!infrastructureRoleArn) throw nullAt('infrastructureRoleArn')
  const serviceName = str(p, 'serviceName') ?? `express-${hex(6)}`
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(serviceName))
    throw invalid(
      'Invalid service name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.'
    )
  // Express makes the default cluster when it is missing; a named one must exist.
  const cluster = str(p, 'cluster') ? clusterOf(ctx, str(p, 'cluster')) : ensureCluster(ctx, req)
  const configuration = readConfiguration(ctx, p, undefined)
  const role = findRoleByArn(ctx, infrastructureRoleArn)
  if (!role || !trustsService(role, 'ecs.amazonaws.com'))
    throw invalid(
      `Unable to assume the infrastructure role ${infrastructureRoleArn}. Make sure that the role exists and that its trust policy allows ecs.amazonaws.com to assume it.`
    )
  checkTaskSide(ctx, configuration)
  const serviceArn = serviceArnOf(req.region, ctx.accountId, cluster.clusterName, serviceName)
  const existing = ctx.express.services.get(serviceArn) ?? ctx.standard.services.get(serviceArn)
  if (existing?.status === 'ACTIVE') throw invalid('Creation of service was not idempotent.')
  if (existing?.status === 'DRAINING') throw invalid('Unable to Start a service that is still Draining.')
  const tags = arr<Tag>(p, 'tags')
  if (tags.length > 50) throw invalid('The number of tags cannot exceed 50.')
  const now = new Date()
  const base = { serviceName, clusterName: cluster.clusterName, region: req.region }
  const revision = newRevision(ctx, base, configuration, req)
  const svc: ExpressService = {
    ...base,
    serviceArn,
    clusterArn: cluster.clusterArn,
    status: 'ACTIVE',
    infrastructureRoleArn,
    tags,
    createdAt: now,
    updatedAt: now,
    createdBy: `arn:aws:iam::${ctx.accountId}:user/${req.accessKeyId}`,
    revisions: [revision],
    deployments: [],
    events: [],
    targetGroupArn: `arn:aws:elasticloadbalancing:${req.region}:${ctx.accountId}:targetgroup/ecs-gateway-tg-${hex(8)}/${hex(8)}`
  }
  svc.deployments.push(newDeployment(ctx, svc, revision))
  ctx.express.services.set(serviceArn, svc)
  await ctx.services.open(svc)
  ctx.services.deploy(svc)
  return { service: serviceView(svc, true) }
}

const UpdateExpressGatewayService: Handler = (ctx, p, req) => {
  const svc = activeService(ctx, p)
  const previous = svc.revisions.at(-1)!.configuration
  const configuration = readConfiguration(ctx, p, previous)
  checkTaskSide(ctx, configuration)
  const revision = newRevision(ctx, svc, configuration, req)
  svc.revisions.push(revision)
  svc.deployments.push(newDeployment(ctx, svc, revision))
  svc.updatedAt = new Date()
  ctx.services.deploy(svc)
  return {
    service: {
      serviceArn: svc.serviceArn,
      cluster: svc.clusterArn,
      serviceName: svc.serviceName,
      status: { statusCode: svc.status },
      targetConfiguration: configurationView(svc, revision),
      createdAt: svc.createdAt,
      updatedAt: svc.updatedAt
    }
  }
}

const DescribeExpressGatewayService: Handler = (ctx, p) => {
  const arn = requireStr(p, 'serviceArn')
  const svc = findService(ctx, arn, 'ResourceNotFoundException')
  return { service: serviceView(svc, arr<string>(p, 'include').includes('TAGS')) }
}

const DeleteExpressGatewayService: Handler = (ctx, p) => {
  const svc = activeService(ctx, p)
  svc.status = 'DRAINING'
  svc.updatedAt = new Date()
  const answer = { service: serviceView(svc, false) }
  ctx.services.delete(svc)
  return answer
}

/** A service named by ARN, or by name in the request's cluster. */
function serviceRef(ctx: Context, ref: string, clusterRef: string | undefined, region: string): string {
  if (ref.startsWith('arn:')) return ref
  const cluster = clusterOf(ctx, clusterRef)
  return serviceArnOf(region, ctx.accountId, cluster.clusterName, ref)
}

const ListServiceDeployments: Handler = (ctx, p, req) => {
  const arn = serviceRef(ctx, requireStr(p, 'service'), str(p, 'cluster'), req.region)
  const svc = findService(ctx, arn, 'ServiceNotFoundException')
  const statuses = arr<DeploymentStatus>(p, 'status')
  const created = obj(p, 'createdAt')
  const after = created?.after === undefined ? undefined : new Date(Number(created.after) * 1000)
  const before = created?.before === undefined ? undefined : new Date(Number(created.before) * 1000)
  const max = num(p, 'maxResults') ?? 20
  if (!Number.isInteger(max) || max < 1 || max > 100) throw invalid('maxResults must be between 1 and 100.')
  const all = [...svc.deployments]
    .reverse()
    .filter((d) => statuses.length === 0 || statuses.includes(d.status))
    .filter((d) => (!after || d.createdAt >= after) && (!before || d.createdAt <= before))
  const start = Number(str(p, 'nextToken') ?? 0)
  return {
    serviceDeployments: all.slice(start, start + max).map(briefView),
    nextToken: start + max < all.length ? String(start + max) : undefined
  }
}

const DescribeServiceDeployments: Handler = (ctx, p) => {
  const arns = arr<string>(p, 'serviceDeploymentArns')
  if (arns.length === 0) throw nullAt('serviceDeploymentArns')
  if (arns.length > 20) throw invalid('serviceDeploymentArns can have at most 20 elements.')
  const serviceDeployments: unknown[] = []
  const failures: unknown[] = []
  for (const arn of arns) {
    const svc = [...ctx.express.services.values()].find((s) => s.deployments.some((d) => d.arn === arn))
    const d = svc?.deployments.find((x) => x.arn === arn)
    if (svc && d) serviceDeployments.push(deploymentView(ctx, svc, d))
    else failures.push({ arn, reason: 'MISSING' })
  }
  return { serviceDeployments, failures }
}

const DescribeServices: Handler = (ctx, p, req) => {
  const refs = arr<string>(p, 'services')
  if (refs.length === 0) throw invalid('Services cannot be empty.')
  if (refs.length > 10) throw invalid('Services cannot contain more than 10 elements.')
  const cluster = clusterOf(ctx, str(p, 'cluster'))
  const includeTags = arr<string>(p, 'include').includes('TAGS')
  const services: unknown[] = []
  const failures: unknown[] = []
  for (const ref of refs) {
    const arn = ref.startsWith('arn:')
      ? ref
      : serviceArnOf(req.region, ctx.accountId, cluster.clusterName, ref)
    const svc = ctx.express.services.get(arn)
    if (svc && svc.clusterArn === cluster.clusterArn) services.push(ecsServiceView(ctx, svc, includeTags))
    else failures.push({ arn, reason: 'MISSING' })
  }
  return { services, failures }
}

export const expressHandlers: Record<string, Handler> = {
  CreateExpressGatewayService,
  UpdateExpressGatewayService,
  DescribeExpressGatewayService,
  DeleteExpressGatewayService,
  ListServiceDeployments,
  DescribeServiceDeployments,
  DescribeServices
}

export const expressSnapshot = (ctx: Context): unknown =>
  [...ctx.express.services.values()].map((s) => ({
    serviceArn: s.serviceArn,
    status: s.status,
    endpoint: s.endpoint,
    servingRevisionArn: s.servingRevisionArn,
    deployments: s.deployments.map((d) => ({
      arn: d.arn,
      status: d.status,
      lifecycleStage: d.lifecycleStage,
      statusReason: d.statusReason,
      failures: d.circuitBreaker.failureCount
    })),
    events: s.events.map((e) => e.message)
  }))
