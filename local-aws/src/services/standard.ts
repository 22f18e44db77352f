// Standard ECS services (the ecs scope, beside the ECS and Express handlers): CreateService, UpdateService,
// DeleteService, StopServiceDeployment, DescribeServiceRevisions and ListServices, and the standard services'
// part of DescribeServices, ListServiceDeployments and DescribeServiceDeployments (which the Express handlers
// answer for Express services). The handlers validate and answer in the API's shapes and errors (botocore's ECS
// model); they record intent (a revision, a PENDING deployment, ROLLBACK_REQUESTED, DRAINING) and leave every
// later status change to the standard service controller (SERVICES.md). Messages AWS does not document are
// marked "guess" where they are made.
import type { Context, Handler, RequestInfo } from '../context.js'
import { arr, hex, num, obj, requireStr, str } from '../context.js'
import { AwsError } from '../protocol.js'
import { randomDigits } from '../service-controller.js'
import type { Cluster, Tag, Task, TaskDefinition } from '../state/ecs.js'
import { isFinal, serviceArnOf } from '../state/express.js'
import {
  HOOK_STAGES,
  STRATEGIES,
  type CapacityProviderItem,
  type LifecycleHook,
  type DeploymentSettings,
  type LoadBalancer,
  type NetworkConfiguration,
  type StandardDeployment,
  type StandardRevision,
  type StandardService,
  type Strategy
} from '../state/standard.js'
import { taskRules } from '../standard-controller.js'
import { circuitBreakerThreshold } from '../state/express.js'

const { activeCluster, checkRoles, findTaskDefinition, validateLaunch, validateNetwork } = taskRules
const invalid = (message: string) => new AwsError('InvalidParameterException', message)
const nullAt = (member: string) =>
  invalid(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`
  )
const notInEnum = (value: string, member: string, values: readonly string[]) =>
  invalid(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`
  )
const TARGET_GROUP_ARN =
  /^arn:aws[^:]*:elasticloadbalancing:[^:]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/
const PROPAGATE = ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const

// ---------------------------------------------------------------- reading a request

function taskDefinitionOf(ctx: Context, ref: string): TaskDefinition {
  const td = findTaskDefinition(ctx, ref)
  // As RunTask answers it here.
  if (!td) throw invalid('TaskDefinition not found.')
  if (td.status !== 'ACTIVE') throw invalid('TaskDefinition is inactive')
  return td
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

/** A percentage in tenths (the API's "multiples of 0.1") within [min, max]. */
const isTenths = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && v >= min && v <= max && Math.abs(v * 10 - Math.round(v * 10)) < 1e-9

/** DeploymentConfiguration: the request's members over the previous settings (or ECS's defaults). */
export function readDeploymentConfiguration(
  raw: Record<string, unknown> | undefined,
  previous: DeploymentSettings | undefined
): DeploymentSettings {
  const p = raw ?? {}
  const breakerIn = obj(p, 'deploymentCircuitBreaker')
  if (breakerIn) {
    if (typeof breakerIn.enable !== 'boolean')
      throw nullAt('deploymentConfiguration.deploymentCircuitBreaker.enable')
    if (typeof breakerIn.rollback !== 'boolean')
      throw nullAt('deploymentConfiguration.deploymentCircuitBreaker.rollback')
  }
  const alarmsIn = obj(p, 'alarms')
  if (alarmsIn) {
    for (const k of ['alarmNames', 'rollback', 'enable'])
      if (alarmsIn[k] === undefined || alarmsIn[k] === null)
        throw nullAt(`deploymentConfiguration.alarms.${k}`)
  }
  const strategy = (str(p, 'strategy') ?? previous?.strategy ?? 'ROLLING') as Strategy
  if (!STRATEGIES.includes(strategy))
    throw notInEnum(strategy, 'deploymentConfiguration.strategy', STRATEGIES)
  const maximumPercent = num(p, 'maximumPercent') ?? previous?.maximumPercent ?? 200
  const minimumHealthyPercent = num(p, 'minimumHealthyPercent') ?? previous?.minimumHealthyPercent ?? 100
  // Guess (AWS's wording is not documented): the percent limits.
  if (!isInt(minimumHealthyPercent, 0, 100))
    throw invalid('minimumHealthyPercent must be an integer between 0 and 100.')
  if (
    !isInt(maximumPercent, 100, 200) &&
    !(isInt(maximumPercent, 1, 100) && minimumHealthyPercent < maximumPercent)
  )
    throw invalid('maximumPercent must be an integer between 100 and 200, or above minimumHealthyPercent.')
  const bakeGiven = num(p, 'bakeTimeInMinutes')
  const bakeTimeInMinutes = bakeGiven ?? previous?.bakeTimeInMinutes
  if (strategy === 'BLUE_GREEN' && bakeTimeInMinutes === undefined)
    // The model: "You must provide this parameter when you use the BLUE_GREEN deployment strategy." (text: guess)
    throw invalid('bakeTimeInMinutes must be specified for the BLUE_GREEN deployment strategy.')
  if (bakeTimeInMinutes !== undefined && !isInt(bakeTimeInMinutes, 0, 1440))
    throw invalid('bakeTimeInMinutes must be an integer between 0 and 1440.')
  const linearIn = obj(p, 'linearConfiguration')
  const linear = linearIn
    ? {
        stepPercent: num(linearIn, 'stepPercent') ?? 10,
        stepBakeTimeInMinutes: num(linearIn, 'stepBakeTimeInMinutes') ?? 6
      }
    : (previous?.linearConfiguration ??
      (strategy === 'LINEAR' ? { stepPercent: 10, stepBakeTimeInMinutes: 6 } : undefined))
  if (linear) {
    if (!isTenths(linear.stepPercent, 3, 100))
      throw invalid('linearConfiguration.stepPercent must be a multiple of 0.1 from 3.0 to 100.0.')
    if (!isInt(linear.stepBakeTimeInMinutes, 0, 1440))
      throw invalid('linearConfiguration.stepBakeTimeInMinutes must be an integer between 0 and 1440.')
  }
  const canaryIn = obj(p, 'canaryConfiguration')
  const canary = canaryIn
    ? {
        canaryPercent: num(canaryIn, 'canaryPercent') ?? 5,
        canaryBakeTimeInMinutes: num(canaryIn, 'canaryBakeTimeInMinutes') ?? 10
      }
    : (previous?.canaryConfiguration ??
      (strategy === 'CANARY' ? { canaryPercent: 5, canaryBakeTimeInMinutes: 10 } : undefined))
  if (canary) {
    if (!isTenths(canary.canaryPercent, 0.1, 100))
      throw invalid('canaryConfiguration.canaryPercent must be a multiple of 0.1 from 0.1 to 100.0.')
    if (!isInt(canary.canaryBakeTimeInMinutes, 0, 1440))
      throw invalid('canaryConfiguration.canaryBakeTimeInMinutes must be an integer between 0 and 1440.')
  }
  const hooks =
    p.lifecycleHooks === undefined
      ? previous?.lifecycleHooks
      : arr<Record<string, unknown>>(p, 'lifecycleHooks')
  for (const [i, h] of (hooks ?? []).entries()) {
    const at = `deploymentConfiguration.lifecycleHooks.${i + 1}.member`
    const hook = h as LifecycleHook
    const targetType = hook.targetType ?? 'AWS_LAMBDA'
    if (!['AWS_LAMBDA', 'PAUSE'].includes(targetType))
      throw notInEnum(targetType, `${at}.targetType`, ['AWS_LAMBDA', 'PAUSE'])
    // "You must provide this parameter" (the model) for the stages, and for a Lambda hook its ARN and role.
    if (!hook.lifecycleStages?.length) throw nullAt(`${at}.lifecycleStages`)
    for (const stage of hook.lifecycleStages)
      if (!(HOOK_STAGES as readonly string[]).includes(stage))
        throw notInEnum(stage, `${at}.lifecycleStages`, HOOK_STAGES)
    if (targetType === 'AWS_LAMBDA' && !hook.hookTargetArn) throw nullAt(`${at}.hookTargetArn`)
    if (targetType === 'AWS_LAMBDA' && !hook.roleArn) throw nullAt(`${at}.roleArn`)
    const timeout = hook.timeoutConfiguration
    if (timeout?.timeoutInMinutes !== undefined && !isInt(timeout.timeoutInMinutes, 1, 20160))
      throw invalid(
        `1 validation error detected: Value '${timeout.timeoutInMinutes}' at '${at}.timeoutConfiguration.timeoutInMinutes' failed to satisfy constraint: Member must have value between 1 and 20160`
      )
    if (timeout?.action !== undefined && !['ROLLBACK', 'CONTINUE'].includes(timeout.action))
      throw notInEnum(timeout.action, `${at}.timeoutConfiguration.action`, ['ROLLBACK', 'CONTINUE'])
  }
  if (hooks?.length && strategy === 'ROLLING')
    throw invalid(
      'Lifecycle hooks are only supported for the BLUE_GREEN, LINEAR and CANARY deployment strategies.'
    )
  return {
    deploymentCircuitBreaker: breakerIn
      ? { enable: breakerIn.enable as boolean, rollback: breakerIn.rollback as boolean }
      : (previous?.deploymentCircuitBreaker ?? { enable: false, rollback: false }),
    maximumPercent,
    minimumHealthyPercent,
    alarms: alarmsIn
      ? {
          alarmNames: arr<string>(alarmsIn, 'alarmNames').map(String),
          rollback: Boolean(alarmsIn.rollback),
          enable: Boolean(alarmsIn.enable)
        }
      : (previous?.alarms ?? { alarmNames: [], rollback: false, enable: false }),
    strategy,
    bakeTimeInMinutes: bakeTimeInMinutes ?? 0,
    lifecycleHooks: hooks as DeploymentSettings['lifecycleHooks'],
    linearConfiguration: linear,
    canaryConfiguration: canary
  }
}

function readLoadBalancers(raw: unknown[], td: TaskDefinition): LoadBalancer[] {
  if (raw.length > 5) throw invalid('loadBalancers can have at most 5 elements.')
  return raw.map((entry, i) => {
    const lb = (entry ?? {}) as Record<string, unknown>
    const targetGroupArn = str(lb, 'targetGroupArn')
    if (str(lb, 'loadBalancerName'))
      // Classic Load Balancers cannot front awsvpc tasks (text: guess).
      throw invalid('Classic Load Balancers are not supported for tasks that use the awsvpc network mode.')
    if (!targetGroupArn) throw nullAt(`loadBalancers.${i + 1}.member.targetGroupArn`)
    if (!TARGET_GROUP_ARN.test(targetGroupArn)) throw invalid(`Invalid target group ARN: ${targetGroupArn}.`)
    const containerName = str(lb, 'containerName')
    const containerPort = num(lb, 'containerPort')
    if (!containerName) throw nullAt(`loadBalancers.${i + 1}.member.containerName`)
    if (containerPort === undefined) throw nullAt(`loadBalancers.${i + 1}.member.containerPort`)
    const container = td.containerDefinitions.find((c) => c.name === containerName)
    if (!container) throw invalid(`The container ${containerName} does not exist in the task definition.`)
    const ports = (container.portMappings ?? []) as Array<{ containerPort?: number }>
    if (!ports.some((m) => m.containerPort === containerPort))
      throw invalid(`The container ${containerName} did not have a container port ${containerPort} defined.`)
    const advanced = obj(lb, 'advancedConfiguration')
    return {
      targetGroupArn,
      containerName,
      containerPort,
      advancedConfiguration: advanced as LoadBalancer['advancedConfiguration']
    }
  })
}

/** The launch members as the request gives them, else as the previous revision had them. */
function launchOf(
  p: Record<string, unknown>,
  previous: Pick<StandardRevision, 'launchType' | 'capacityProviderStrategy'> | undefined
): { launchType?: string; capacityProviderStrategy?: CapacityProviderItem[] } {
  const launchType = str(p, 'launchType')
  const strategy =
    p.capacityProviderStrategy === undefined
      ? undefined
      : arr<CapacityProviderItem>(p, 'capacityProviderStrategy')
  if (launchType && !['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'].includes(launchType))
    throw notInEnum(launchType, 'launchType', ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'])
  if (launchType !== undefined || strategy !== undefined)
    return { launchType, capacityProviderStrategy: strategy?.length ? strategy : undefined }
  return { launchType: previous?.launchType, capacityProviderStrategy: previous?.capacityProviderStrategy }
}

function readNetwork(
  ctx: Context,
  td: TaskDefinition,
  p: Record<string, unknown>
): NetworkConfiguration | undefined {
  const cfg = validateNetwork(ctx, td, p)
  if (td.networkMode !== 'awsvpc') return undefined
  return {
    awsvpcConfiguration: {
      subnets: cfg.subnets ?? [],
      securityGroups: cfg.securityGroups ?? [],
      assignPublicIp: cfg.assignPublicIp ?? 'DISABLED'
    }
  }
}

function findByRef(ctx: Context, cluster: Cluster, ref: string, region: string): StandardService | undefined {
  const arn = ref.startsWith('arn:') ? ref : serviceArnOf(region, ctx.accountId, cluster.clusterName, ref)
  const svc = ctx.standard.services.get(arn)
  return svc && svc.clusterArn === cluster.clusterArn ? svc : undefined
}

function serviceOf(ctx: Context, p: Record<string, unknown>, region: string): StandardService {
  const cluster = activeCluster(ctx, str(p, 'cluster'))
  const svc = findByRef(ctx, cluster, requireStr(p, 'service'), region)
  if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.')
  return svc
}

function newRevisionArn(
  ctx: Context,
  svc: Pick<StandardService, 'region' | 'clusterName' | 'serviceName'>
): string {
  return `arn:aws:ecs:${svc.region}:${ctx.accountId}:service-revision/${svc.clusterName}/${svc.serviceName}/${randomDigits(19)}`
}

function newDeployment(ctx: Context, svc: StandardService, revision: StandardRevision): StandardDeployment {
  const now = new Date()
  const settings = svc.deploymentConfiguration
  return {
    arn: `arn:aws:ecs:${svc.region}:${ctx.accountId}:service-deployment/${svc.clusterName}/${svc.serviceName}/${hex(11)}`,
    ecsDeploymentId: `ecs-svc/${randomDigits(19)}`,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    targetRevisionArn: revision.arn,
    desiredCount: svc.desiredCount,
    configuration: settings,
    status: 'PENDING',
    trafficPercent: 0,
    history: [],
    createdAt: now,
    updatedAt: now,
    circuitBreaker: {
      status: settings.deploymentCircuitBreaker.enable ? 'MONITORING' : 'DISABLED',
      failureCount: 0,
      threshold: circuitBreakerThreshold(svc.desiredCount)
    },
    alarms: {
      status: settings.alarms.enable ? 'MONITORING' : 'DISABLED',
      alarmNames: settings.alarms.alarmNames,
      triggeredAlarmNames: []
    },
    waited: false,
    hooks: []
  }
}

function containerImages(td: TaskDefinition): StandardRevision['containerImages'] {
  return td.containerDefinitions.map((c) => ({ containerName: String(c.name), image: String(c.image) }))
}

// ---------------------------------------------------------------- views

export function standardTasks(ctx: Context, svc: StandardService): Task[] {
  return [...ctx.ecs.tasks.values()].filter(
    (t) =>
      t.clusterArn === svc.clusterArn &&
      t.group === `service:${svc.serviceName}` &&
      t.createdAt >= svc.createdAt
  )
}

function revisionCounts(ctx: Context, svc: StandardService, arn: string) {
  const rev = svc.revisions.find((r) => r.arn === arn)
  const tasks = standardTasks(ctx, svc).filter(
    (t) => t.taskDefinition.taskDefinitionArn === rev?.taskDefinitionArn && t.desiredStatus === 'RUNNING'
  )
  return {
    runningTaskCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTaskCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length
  }
}

const TEST_TRAFFIC_STAGES = [
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP'
]

function deploymentView(ctx: Context, svc: StandardService, d: StandardDeployment): Record<string, unknown> {
  const target = d.trafficPercent
  const rollingBack = d.status.startsWith('ROLLBACK')
  const test =
    d.configuration.strategy !== 'ROLLING' &&
    !rollingBack &&
    TEST_TRAFFIC_STAGES.includes(d.lifecycleStage ?? '')
  const requested = (isTarget: boolean) =>
    isTarget
      ? rollingBack
        ? 0
        : d.desiredCount
      : rollingBack || target < 100 || d.status === 'IN_PROGRESS'
        ? d.desiredCount
        : 0
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
      ? [
          {
            arn: d.sourceRevisionArn,
            requestedTaskCount: requested(false),
            ...revisionCounts(ctx, svc, d.sourceRevisionArn),
            requestedTestTrafficWeight: test ? 0 : 100,
            requestedProductionTrafficWeight: 100 - target
          }
        ]
      : [],
    targetServiceRevision: {
      arn: d.targetRevisionArn,
      requestedTaskCount: requested(true),
      ...revisionCounts(ctx, svc, d.targetRevisionArn),
      requestedTestTrafficWeight: test ? 100 : 0,
      requestedProductionTrafficWeight: target
    },
    status: d.status,
    statusReason: d.statusReason,
    lifecycleStage: d.lifecycleStage,
    deploymentConfiguration: settingsView(d.configuration),
    // The hooks of the current stage (PRE_PRODUCTION_TRAFFIC_SHIFT's in POST_TEST_TRAFFIC_SHIFT).
    lifecycleHookDetails: d.hooks
      .filter((h) => h.stage === d.lifecycleStage)
      .map((h) => ({
        hookId: h.hookId,
        targetType: h.targetType,
        targetArn: h.targetArn,
        status: h.status,
        expiresAt: h.expiresAt,
        timeoutAction: h.timeoutAction
      })),
    rollback: d.rollback,
    deploymentCircuitBreaker: d.circuitBreaker,
    alarms: d.alarms
  }
}

function settingsView(s: DeploymentSettings): Record<string, unknown> {
  const blueGreenLike = s.strategy !== 'ROLLING'
  return {
    deploymentCircuitBreaker: s.deploymentCircuitBreaker,
    maximumPercent: s.maximumPercent,
    minimumHealthyPercent: s.minimumHealthyPercent,
    alarms: s.alarms,
    strategy: s.strategy,
    bakeTimeInMinutes: blueGreenLike ? s.bakeTimeInMinutes : undefined,
    lifecycleHooks: s.lifecycleHooks,
    linearConfiguration: s.strategy === 'LINEAR' ? s.linearConfiguration : undefined,
    canaryConfiguration: s.strategy === 'CANARY' ? s.canaryConfiguration : undefined
  }
}

const briefView = (d: StandardDeployment): Record<string, unknown> => ({
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

function revisionView(svc: StandardService, r: StandardRevision): Record<string, unknown> {
  return {
    serviceRevisionArn: r.arn,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    taskDefinition: r.taskDefinitionArn,
    capacityProviderStrategy: r.capacityProviderStrategy,
    launchType: r.launchType,
    platformVersion: r.platformVersion,
    platformFamily: 'Linux',
    loadBalancers: r.loadBalancers,
    serviceRegistries: [],
    networkConfiguration: r.networkConfiguration,
    containerImages: r.containerImages,
    guardDutyEnabled: false,
    createdAt: r.createdAt
  }
}

/** The revisions with live tasks or being deployed (the one that serves when none). */
function currentRevisions(ctx: Context, svc: StandardService): StandardRevision[] {
  const latest = svc.deployments.at(-1)
  const live = standardTasks(ctx, svc).filter((t) => t.desiredStatus === 'RUNNING')
  return svc.revisions.filter(
    (r) =>
      r.arn === svc.servingRevisionArn ||
      (latest && !isFinal(latest.status) && r.arn === latest.targetRevisionArn) ||
      live.some((t) => t.taskDefinition.taskDefinitionArn === r.taskDefinitionArn)
  )
}

export function standardServiceView(
  ctx: Context,
  svc: StandardService,
  includeTags: boolean
): Record<string, unknown> {
  const latest = svc.deployments.at(-1)
  const live = standardTasks(ctx, svc).filter((t) => t.desiredStatus === 'RUNNING')
  const current = currentRevisions(ctx, svc)
  const primaryArn =
    latest &&
    (latest.status === 'IN_PROGRESS' || latest.status === 'PENDING' || latest.status === 'SUCCESSFUL')
      ? latest.targetRevisionArn
      : (svc.servingRevisionArn ?? latest?.targetRevisionArn)
  const rollout = (d: StandardDeployment | undefined): string =>
    !d || d.status === 'SUCCESSFUL' ? 'COMPLETED' : isFinal(d.status) ? 'FAILED' : 'IN_PROGRESS'
  const deployments = current
    .sort((a, b) => (a.arn === primaryArn ? -1 : b.arn === primaryArn ? 1 : 0))
    .map((r) => {
      const d = [...svc.deployments].reverse().find((x) => x.targetRevisionArn === r.arn)
      const tasks = live.filter((t) => t.taskDefinition.taskDefinitionArn === r.taskDefinitionArn)
      const primary = r.arn === primaryArn
      return {
        id: d?.ecsDeploymentId,
        status: primary ? 'PRIMARY' : 'ACTIVE',
        taskDefinition: r.taskDefinitionArn,
        desiredCount: primary && svc.status === 'ACTIVE' ? svc.desiredCount : 0,
        pendingCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length,
        runningCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
        failedTasks: d?.circuitBreaker.failureCount ?? 0,
        createdAt: d?.createdAt ?? r.createdAt,
        updatedAt: d?.updatedAt ?? r.createdAt,
        launchType: r.launchType,
        capacityProviderStrategy: r.capacityProviderStrategy,
        platformVersion: '1.4.0',
        platformFamily: 'Linux',
        networkConfiguration: r.networkConfiguration,
        rolloutState: primary ? rollout(d) : 'COMPLETED',
        rolloutStateReason: primary ? d?.statusReason : undefined
      }
    })
  return {
    serviceArn: svc.serviceArn,
    serviceName: svc.serviceName,
    clusterArn: svc.clusterArn,
    loadBalancers: svc.loadBalancers,
    serviceRegistries: [],
    status: svc.status,
    desiredCount: svc.status === 'ACTIVE' ? svc.desiredCount : 0,
    runningCount: live.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingCount: live.filter((t) => t.lastStatus !== 'RUNNING').length,
    launchType: svc.launchType,
    capacityProviderStrategy: svc.capacityProviderStrategy,
    platformVersion: svc.platformVersion,
    platformFamily: 'Linux',
    taskDefinition: svc.taskDefinitionArn,
    deploymentConfiguration: settingsView(svc.deploymentConfiguration),
    deployments,
    events: svc.events,
    createdAt: svc.createdAt,
    currentServiceDeployment: latest?.arn,
    currentServiceRevisions: current.map((r) => ({
      arn: r.arn,
      requestedTaskCount: r.arn === primaryArn && svc.status === 'ACTIVE' ? svc.desiredCount : 0,
      ...revisionCounts(ctx, svc, r.arn)
    })),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: svc.networkConfiguration,
    healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
    schedulingStrategy: svc.schedulingStrategy,
    deploymentController: { type: 'ECS' },
    tags: includeTags ? svc.tags : undefined,
    createdBy: svc.createdBy,
    enableECSManagedTags: svc.enableECSManagedTags,
    propagateTags: svc.propagateTags,
    enableExecuteCommand: svc.enableExecuteCommand,
    availabilityZoneRebalancing: svc.availabilityZoneRebalancing,
    resourceManagementType: 'CUSTOMER'
  }
}

// ---------------------------------------------------------------- handlers

const CreateService: Handler = async (ctx, p, req: RequestInfo) => {
  const serviceName = requireStr(p, 'serviceName')
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(serviceName))
    throw invalid(
      'Invalid service name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.'
    )
  const cluster = activeCluster(ctx, str(p, 'cluster'))
  const controller = str(obj(p, 'deploymentController') ?? {}, 'type') ?? 'ECS'
  if (!['ECS', 'CODE_DEPLOY', 'EXTERNAL'].includes(controller))
    throw notInEnum(controller, 'deploymentController.type', ['ECS', 'CODE_DEPLOY', 'EXTERNAL'])
  if (controller !== 'ECS')
    // Local limit: only the ECS deployment controller is emulated.
    throw new AwsError(
      'UnsupportedFeatureException',
      `The local AWS emulates the ECS deployment controller only, not ${controller}.`
    )
  const scheduling = str(p, 'schedulingStrategy') ?? 'REPLICA'
  if (!['REPLICA', 'DAEMON'].includes(scheduling))
    throw notInEnum(scheduling, 'schedulingStrategy', ['REPLICA', 'DAEMON'])
  // Fargate has no DAEMON services (AWS's wording).
  if (scheduling === 'DAEMON')
    throw invalid('The daemon scheduling strategy is not supported for the FARGATE launch type.')
  const tdRef = str(p, 'taskDefinition')
  // "A task definition must be specified if the service uses either the ECS or CODE_DEPLOY deployment controllers." (text: guess)
  if (!tdRef)
    throw invalid(
      'A task definition must be specified for a service that uses the ECS deployment controller.'
    )
  const desiredCount = num(p, 'desiredCount')
  // "This is required if schedulingStrategy is REPLICA or isn't specified." (text: guess)
  if (desiredCount === undefined)
    throw invalid('desiredCount is required for a service that uses the REPLICA scheduling strategy.')
  if (!isInt(desiredCount, 0, 100000)) throw invalid('desiredCount must be an integer of at least 0.')
  const td = taskDefinitionOf(ctx, tdRef)
  const launch = launchOf(p, undefined)
  validateLaunch(ctx, cluster, td, { ...launch })
  const networkConfiguration = readNetwork(ctx, td, p)
  checkRoles(ctx, td)
  const loadBalancers = readLoadBalancers(arr(p, 'loadBalancers'), td)
  const grace = num(p, 'healthCheckGracePeriodSeconds')
  if (grace !== undefined) {
    if (!isInt(grace, 0, 2147483647))
      throw invalid('healthCheckGracePeriodSeconds must be between 0 and 2147483647.')
    if (loadBalancers.length === 0)
      // AWS's wording for a service without a load balancer (guess).
      throw invalid('Health check grace period is only valid for services configured to use load balancers')
  }
  const deploymentConfiguration = readDeploymentConfiguration(obj(p, 'deploymentConfiguration'), undefined)
  const tags = arr<Tag>(p, 'tags')
  if (tags.length > 50) throw invalid('The number of tags cannot exceed 50.')
  const propagateTags = (str(p, 'propagateTags') ?? 'NONE') as StandardService['propagateTags']
  if (!PROPAGATE.includes(propagateTags)) throw notInEnum(propagateTags, 'propagateTags', PROPAGATE)
  const rebalancing = (str(p, 'availabilityZoneRebalancing') ??
    'ENABLED') as StandardService['availabilityZoneRebalancing']
  if (!['ENABLED', 'DISABLED'].includes(rebalancing))
    throw notInEnum(rebalancing, 'availabilityZoneRebalancing', ['ENABLED', 'DISABLED'])

  const serviceArn = serviceArnOf(req.region, ctx.accountId, cluster.clusterName, serviceName)
  const existing = ctx.standard.services.get(serviceArn) ?? ctx.express.services.get(serviceArn)
  if (existing?.status === 'ACTIVE') throw invalid('Creation of service was not idempotent.')
  if (existing?.status === 'DRAINING') throw invalid('Unable to Start a service that is still Draining.')
  const now = new Date()
  const base = { serviceName, clusterName: cluster.clusterName, region: req.region }
  const revision: StandardRevision = {
    arn: newRevisionArn(ctx, base),
    taskDefinitionArn: td.taskDefinitionArn,
    ...launch,
    platformVersion: str(p, 'platformVersion') ?? 'LATEST',
    loadBalancers,
    networkConfiguration,
    containerImages: containerImages(td),
    createdAt: now
  }
  const svc: StandardService = {
    kind: 'standard',
    ...base,
    serviceArn,
    clusterArn: cluster.clusterArn,
    status: 'ACTIVE',
    desiredCount,
    taskDefinitionArn: td.taskDefinitionArn,
    ...launch,
    platformVersion: revision.platformVersion,
    loadBalancers,
    networkConfiguration,
    healthCheckGracePeriodSeconds: loadBalancers.length ? (grace ?? 0) : undefined,
    deploymentConfiguration,
    schedulingStrategy: 'REPLICA',
    tags,
    propagateTags,
    enableECSManagedTags: p.enableECSManagedTags === true,
    enableExecuteCommand: p.enableExecuteCommand === true,
    availabilityZoneRebalancing: rebalancing,
    createdAt: now,
    updatedAt: now,
    createdBy: `arn:aws:iam::${ctx.accountId}:user/${req.accessKeyId}`,
    revisions: [revision],
    deployments: [],
    events: [],
    fronts: {}
  }
  svc.deployments.push(newDeployment(ctx, svc, revision))
  ctx.standard.services.set(serviceArn, svc)
  // An INACTIVE Express service of the same name gives way to the new one.
  ctx.express.services.delete(serviceArn)
  await ctx.standardServices.open(svc)
  ctx.standardServices.reconcile(svc)
  return { service: standardServiceView(ctx, svc, false) }
}

/** UpdateService members that make a new service revision and deployment (AWS: "service definition changes"). */
const REVISION_MEMBERS = [
  'taskDefinition',
  'capacityProviderStrategy',
  'networkConfiguration',
  'platformVersion',
  'loadBalancers',
  'serviceRegistries',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'vpcLatticeConfigurations'
]

const UpdateService: Handler = (ctx, p, req) => {
  const svc = serviceOf(ctx, p, req.region)
  if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.')
  const previous = svc.revisions.at(-1)!
  const td = taskDefinitionOf(ctx, str(p, 'taskDefinition') ?? svc.taskDefinitionArn)
  const cluster = activeCluster(ctx, svc.clusterArn)
  const launch = launchOf(p, previous)
  if (str(p, 'launchType') !== undefined)
    // UpdateService has no launchType member; a stray one is not in the model (the SDK would not send it).
    throw invalid('launchType cannot be updated.')
  validateLaunch(ctx, cluster, td, { ...launch })
  const networkConfiguration =
    p.networkConfiguration !== undefined ? readNetwork(ctx, td, p) : previous.networkConfiguration
  if (td.networkMode === 'awsvpc' && !networkConfiguration)
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
  checkRoles(ctx, td)
  const loadBalancers = readLoadBalancers(
    p.loadBalancers !== undefined ? arr(p, 'loadBalancers') : previous.loadBalancers,
    td
  )
  const desiredCount = num(p, 'desiredCount')
  if (desiredCount !== undefined && !isInt(desiredCount, 0, 100000))
    throw invalid('desiredCount must be an integer of at least 0.')
  const grace = num(p, 'healthCheckGracePeriodSeconds')
  if (grace !== undefined && !isInt(grace, 0, 2147483647))
    throw invalid('healthCheckGracePeriodSeconds must be between 0 and 2147483647.')
  const deploymentConfiguration = obj(p, 'deploymentConfiguration')
    ? readDeploymentConfiguration(obj(p, 'deploymentConfiguration'), svc.deploymentConfiguration)
    : svc.deploymentConfiguration
  const controller = str(obj(p, 'deploymentController') ?? {}, 'type')
  if (controller !== undefined && controller !== 'ECS')
    throw new AwsError(
      'UnsupportedFeatureException',
      `The local AWS emulates the ECS deployment controller only, not ${controller}.`
    )
  for (const key of ['propagateTags', 'availabilityZoneRebalancing'] as const) {
    const v = str(p, key)
    const allowed = key === 'propagateTags' ? PROPAGATE : (['ENABLED', 'DISABLED'] as const)
    if (v !== undefined && !(allowed as readonly string[]).includes(v)) throw notInEnum(v, key, allowed)
  }
  if (loadBalancers.length > 5) throw invalid('loadBalancers can have at most 5 elements.')

  // Everything is valid: apply.
  const now = new Date()
  if (desiredCount !== undefined) svc.desiredCount = desiredCount
  if (grace !== undefined) svc.healthCheckGracePeriodSeconds = grace
  svc.deploymentConfiguration = deploymentConfiguration
  if (typeof p.enableECSManagedTags === 'boolean') svc.enableECSManagedTags = p.enableECSManagedTags
  if (typeof p.enableExecuteCommand === 'boolean') svc.enableExecuteCommand = p.enableExecuteCommand
  if (str(p, 'propagateTags')) svc.propagateTags = str(p, 'propagateTags') as StandardService['propagateTags']
  if (str(p, 'availabilityZoneRebalancing'))
    svc.availabilityZoneRebalancing = str(
      p,
      'availabilityZoneRebalancing'
    ) as StandardService['availabilityZoneRebalancing']
  svc.updatedAt = now
  const changes =
    p.forceNewDeployment === true || REVISION_MEMBERS.some((k) => p[k] !== undefined && p[k] !== null)
  if (changes) {
    const revision: StandardRevision = {
      arn: newRevisionArn(ctx, svc),
      taskDefinitionArn: td.taskDefinitionArn,
      ...launch,
      platformVersion: str(p, 'platformVersion') ?? previous.platformVersion,
      loadBalancers,
      networkConfiguration,
      containerImages: containerImages(td),
      createdAt: now
    }
    svc.revisions.push(revision)
    Object.assign(svc, {
      taskDefinitionArn: td.taskDefinitionArn,
      ...launch,
      platformVersion: revision.platformVersion,
      loadBalancers,
      networkConfiguration
    })
    svc.deployments.push(newDeployment(ctx, svc, revision))
  } else {
    // A change of the desired count alone starts no deployment; the one in progress deploys the new count.
    const latest = svc.deployments.at(-1)
    if (latest && !isFinal(latest.status)) latest.desiredCount = svc.desiredCount
  }
  ctx.standardServices.reconcile(svc)
  return { service: standardServiceView(ctx, svc, false) }
}

const DeleteService: Handler = (ctx, p, req) => {
  const svc = serviceOf(ctx, p, req.region)
  if (svc.status === 'INACTIVE') throw new AwsError('ServiceNotFoundException', 'Service not found.')
  if (svc.status === 'ACTIVE') {
    const running = standardTasks(ctx, svc).some((t) => t.desiredStatus === 'RUNNING')
    if (p.force !== true && (svc.desiredCount > 0 || running))
      throw invalid('The service cannot be stopped while it is scaled above 0.')
    svc.status = 'DRAINING'
    svc.desiredCount = 0
    svc.updatedAt = new Date()
    ctx.standardServices.delete(svc)
  }
  return { service: standardServiceView(ctx, svc, false) }
}

function findDeployment(
  ctx: Context,
  arn: string
): { svc: StandardService; d: StandardDeployment } | undefined {
  for (const svc of ctx.standard.services.values()) {
    const d = svc.deployments.find((x) => x.arn === arn)
    if (d) return { svc, d }
  }
  return undefined
}

const StopServiceDeployment: Handler = (ctx, p) => {
  const arn = requireStr(p, 'serviceDeploymentArn')
  const stopType = str(p, 'stopType') ?? 'ROLLBACK'
  if (!['ABORT', 'ROLLBACK'].includes(stopType)) throw notInEnum(stopType, 'stopType', ['ABORT', 'ROLLBACK'])
  const found = findDeployment(ctx, arn)
  // Messages of this operation are guesses: AWS documents the codes only.
  if (!found)
    throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment was not found.')
  const { svc, d } = found
  if (stopType === 'ABORT') throw invalid('The stopType ABORT is not supported. The valid value is ROLLBACK.')
  if (isFinal(d.status) || d.status.startsWith('ROLLBACK') || d.status === 'STOP_REQUESTED')
    throw new AwsError('ConflictException', `The service deployment is ${d.status} and cannot be stopped.`)
  if (!d.sourceRevisionArn && !(d.status === 'PENDING' && svc.servingRevisionArn))
    throw new AwsError(
      'ConflictException',
      'The service deployment has no previous service revision to roll back to.'
    )
  if (d.status === 'PENDING') {
    // Stopped before the controller took it: it rolls back to what serves now.
    d.startedAt = new Date()
    d.sourceRevisionArn = svc.servingRevisionArn
  }
  d.status = 'ROLLBACK_REQUESTED'
  d.statusReason = 'Service deployment rolled back because of a stop request.'
  d.updatedAt = new Date()
  ctx.standardServices.reconcile(svc)
  return { serviceDeploymentArn: d.arn }
}

const ContinueServiceDeployment: Handler = (ctx, p) => {
  const arn = requireStr(p, 'serviceDeploymentArn')
  const hookId = requireStr(p, 'hookId')
  const action = str(p, 'action') ?? 'CONTINUE'
  if (!['ROLLBACK', 'CONTINUE'].includes(action)) throw notInEnum(action, 'action', ['ROLLBACK', 'CONTINUE'])
  const found = findDeployment(ctx, arn)
  // Messages of this operation are guesses: AWS documents the codes only.
  if (!found)
    throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment was not found.')
  const { svc, d } = found
  const hook = d.hooks.find((h) => h.hookId === hookId)
  if (!hook || hook.status !== 'AWAITING_ACTION' || isFinal(d.status))
    throw invalid(`The lifecycle hook ${hookId} is not awaiting an action in this service deployment.`)
  if (action === 'CONTINUE') hook.status = 'SUCCEEDED'
  else {
    hook.status = 'FAILED'
    d.status = 'ROLLBACK_REQUESTED'
    d.statusReason = `Service deployment rolled back by ContinueServiceDeployment at the lifecycle hook ${hookId}.`
  }
  d.updatedAt = new Date()
  ctx.standardServices.reconcile(svc)
  return { serviceDeploymentArn: d.arn }
}

const DescribeServiceRevisions: Handler = (ctx, p) => {
  const arns = arr<string>(p, 'serviceRevisionArns')
  if (arns.length === 0) throw nullAt('serviceRevisionArns')
  if (arns.length > 20) throw invalid('serviceRevisionArns can have at most 20 elements.')
  const serviceRevisions: unknown[] = []
  const failures: unknown[] = []
  for (const arn of arns) {
    const svc = [...ctx.standard.services.values()].find((s) => s.revisions.some((r) => r.arn === arn))
    const r = svc?.revisions.find((x) => x.arn === arn)
    if (svc && r) serviceRevisions.push(revisionView(svc, r))
    else failures.push({ arn, reason: 'MISSING' })
  }
  return { serviceRevisions, failures }
}

const ListServices: Handler = (ctx, p) => {
  const cluster = activeCluster(ctx, str(p, 'cluster'))
  const max = num(p, 'maxResults') ?? 10
  if (!isInt(max, 1, 100)) throw invalid('maxResults must be between 1 and 100.')
  const launchType = str(p, 'launchType')
  const scheduling = str(p, 'schedulingStrategy')
  const standard = [...ctx.standard.services.values()]
    .filter((s) => s.clusterArn === cluster.clusterArn && s.status === 'ACTIVE')
    .filter((s) => !launchType || (s.launchType ?? 'FARGATE') === launchType)
    .filter(() => !scheduling || scheduling === 'REPLICA')
    .map((s) => s.serviceArn)
  const express = [...ctx.express.services.values()]
    .filter(
      (s) =>
        s.clusterArn === cluster.clusterArn &&
        s.status === 'ACTIVE' &&
        !launchType &&
        (!scheduling || scheduling === 'REPLICA')
    )
    .map((s) => s.serviceArn)
  const all = [...standard, ...express].sort()
  const start = Number(str(p, 'nextToken') ?? 0)
  return {
    serviceArns: all.slice(start, start + max),
    nextToken: start + max < all.length ? String(start + max) : undefined
  }
}

// ---------------------------------------------------------------- the operations Express services share

type Answer = { services?: unknown[]; failures?: Array<{ arn?: string; reason?: string }> }

const describeServices =
  (express: Handler): Handler =>
  async (ctx, p, req) => {
    const answer = (await express(ctx, p, req)) as Answer
    const includeTags = arr<string>(p, 'include').includes('TAGS')
    const failures: Answer['failures'] = []
    for (const f of answer.failures ?? []) {
      const svc = f.arn ? ctx.standard.services.get(f.arn) : undefined
      const cluster = activeCluster(ctx, str(p, 'cluster'))
      if (svc && svc.clusterArn === cluster.clusterArn)
        answer.services!.push(standardServiceView(ctx, svc, includeTags))
      else failures.push(f)
    }
    return { services: answer.services, failures }
  }

const listServiceDeployments =
  (express: Handler): Handler =>
  (ctx, p, req) => {
    const ref = requireStr(p, 'service')
    // A service named by ARN needs no cluster (an Express one may be in a cluster other than default).
    const svc = ref.startsWith('arn:')
      ? ctx.standard.services.get(ref)
      : findByRef(ctx, activeCluster(ctx, str(p, 'cluster')), ref, req.region)
    if (!svc) return express(ctx, p, req)
    const statuses = arr<string>(p, 'status')
    const created = obj(p, 'createdAt')
    const after = created?.after === undefined ? undefined : new Date(Number(created.after) * 1000)
    const before = created?.before === undefined ? undefined : new Date(Number(created.before) * 1000)
    const max = num(p, 'maxResults') ?? 20
    if (!isInt(max, 1, 100)) throw invalid('maxResults must be between 1 and 100.')
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

const describeServiceDeployments =
  (express: Handler): Handler =>
  async (ctx, p, req) => {
    const answer = (await express(ctx, p, req)) as {
      serviceDeployments: unknown[]
      failures: Array<{ arn: string; reason: string }>
    }
    const byArn = new Map<string, unknown>()
    const failures: unknown[] = []
    for (const f of answer.failures) {
      const found = findDeployment(ctx, f.arn)
      if (found) byArn.set(f.arn, deploymentView(ctx, found.svc, found.d))
      else failures.push(f)
    }
    // In the order asked for.
    const fromExpress = [...answer.serviceDeployments]
    const serviceDeployments = arr<string>(p, 'serviceDeploymentArns').flatMap((arn) =>
      byArn.has(arn)
        ? [byArn.get(arn)]
        : failures.some((f) => (f as { arn: string }).arn === arn)
          ? []
          : fromExpress.splice(0, 1)
    )
    return { serviceDeployments, failures }
  }

/**
 * The standard service handlers; DescribeServices, ListServiceDeployments and DescribeServiceDeployments answer
 * for standard services and hand the rest to the Express handlers given (services import no other service).
 */
export const standardHandlers = (express: Record<string, Handler>): Record<string, Handler> => ({
  CreateService,
  UpdateService,
  DeleteService,
  StopServiceDeployment,
  ContinueServiceDeployment,
  DescribeServiceRevisions,
  ListServices,
  DescribeServices: describeServices(express.DescribeServices!),
  ListServiceDeployments: listServiceDeployments(express.ListServiceDeployments!),
  DescribeServiceDeployments: describeServiceDeployments(express.DescribeServiceDeployments!)
})

export const standardSnapshot = (ctx: Context): unknown =>
  [...ctx.standard.services.values()].map((s) => ({
    serviceArn: s.serviceArn,
    status: s.status,
    desiredCount: s.desiredCount,
    /** targetGroupArn → the local front (http://127.0.2.N:PORT) that plays its load balancer. */
    fronts: s.fronts,
    servingRevisionArn: s.servingRevisionArn,
    deployments: s.deployments.map((d) => ({
      arn: d.arn,
      strategy: d.configuration.strategy,
      status: d.status,
      lifecycleStage: d.lifecycleStage,
      trafficPercent: d.trafficPercent,
      history: d.history,
      statusReason: d.statusReason,
      failures: d.circuitBreaker.failureCount
    })),
    events: s.events.map((e) => e.message)
  }))
