// ECS Express Mode state (EXPRESS.md): services, their revisions and deployments, and the pure rule that moves a
// deployment through its statuses and lifecycle stages, given what the service controller has observed. The
// handlers (services/express.ts) record intent here; the controller (service-controller.ts) moves everything.
import type { Tag } from './ecs.js'

export type DeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED'

export type LifecycleStage = 'SCALE_UP' | 'PRODUCTION_TRAFFIC_SHIFT' | 'BAKE_TIME' | 'CLEAN_UP'

const FINAL: ReadonlySet<DeploymentStatus> = new Set([
  'SUCCESSFUL',
  'STOPPED',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED'
])

export const isFinal = (status: DeploymentStatus): boolean => FINAL.has(status)

/** ECS's circuit breaker: half the desired count rounded up, at least 3 and at most 200 failed tasks. */
export const circuitBreakerThreshold = (desired: number): number =>
  Math.min(200, Math.max(3, Math.ceil(desired / 2)))

export type ServiceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE'

export interface ScalingTarget {
  minTaskCount: number
  maxTaskCount: number
  autoScalingMetric: 'AVERAGE_CPU' | 'AVERAGE_MEMORY' | 'REQUEST_COUNT_PER_TARGET'
  autoScalingTargetValue: number
}

export interface PrimaryContainer {
  image: string
  containerPort: number
  awsLogsConfiguration?: { logGroup: string; logStreamPrefix: string }
  repositoryCredentials?: { credentialsParameter?: string }
  command?: string[]
  environment?: Array<{ name?: string; value?: string }>
  secrets?: Array<{ name?: string; valueFrom?: string }>
}

/** One revision's settings, with ECS's defaults filled in (ExpressGatewayServiceConfiguration less its ARN). */
export interface ExpressConfiguration {
  executionRoleArn?: string
  taskRoleArn?: string
  /** The customer's task definition (taskDefinitionArn), else undefined: ECS registers one from primaryContainer. */
  customTaskDefinitionArn?: string
  cpu: string
  memory: string
  cpuArchitecture?: string
  networkConfiguration: { securityGroups: string[]; subnets: string[] }
  healthCheckPath: string
  primaryContainer?: PrimaryContainer
  scalingTarget: ScalingTarget
}

export interface ServiceRevision {
  arn: string
  configuration: ExpressConfiguration
  /** The task definition the revision's tasks run (registered in the family named after the service). */
  taskDefinitionArn: string
  /** The port the front targets when the task definition fixes PORT itself; else each task gets a free one. */
  fixedPort?: number
  createdAt: Date
}

export interface ServiceDeployment {
  arn: string
  /** ecs-svc/N: what the tasks' startedBy and DescribeServices' deployments show. */
  ecsDeploymentId: string
  serviceArn: string
  clusterArn: string
  sourceRevisionArn?: string
  targetRevisionArn: string
  status: DeploymentStatus
  statusReason?: string
  lifecycleStage?: LifecycleStage
  createdAt: Date
  startedAt?: Date
  finishedAt?: Date
  stoppedAt?: Date
  updatedAt: Date
  rollback?: { reason: string; startedAt: Date; serviceRevisionArn: string }
  circuitBreaker: {
    status: 'MONITORING' | 'TRIGGERED' | 'MONITORING_COMPLETE'
    failureCount: number
    threshold: number
  }
  /** The bake time has passed (set by the controller's timer). */
  baked: boolean
}

export interface ServiceEvent {
  id: string
  createdAt: Date
  message: string
}

export interface ExpressService {
  serviceName: string
  serviceArn: string
  clusterArn: string
  clusterName: string
  region: string
  status: ServiceStatus
  statusReason?: string
  infrastructureRoleArn: string
  tags: Tag[]
  createdAt: Date
  updatedAt: Date
  createdBy: string
  revisions: ServiceRevision[]
  deployments: ServiceDeployment[]
  /** Newest first, as DescribeServices shows them (at most 100 kept). */
  events: ServiceEvent[]
  /** The revision the service keeps at its desired count once no deployment is in progress. */
  servingRevisionArn?: string
  /** The front's endpoint (http://127.0.2.N:PORT), once it listens. */
  endpoint?: string
  targetGroupArn: string
}

export interface ExpressState {
  /** serviceArn → service; a re-created name replaces its INACTIVE predecessor. */
  services: Map<string, ExpressService>
}

export const newExpressState = (): ExpressState => ({ services: new Map() })

export const serviceArnOf = (region: string, accountId: string, cluster: string, name: string): string =>
  `arn:aws:ecs:${region}:${accountId}:service/${cluster}/${name}`

/** Service ARN (arn:aws:ecs:R:A:service/CLUSTER/NAME) → its parts; undefined when it is not one. */
export function parseServiceArn(
  arn: string
): { region: string; accountId: string; cluster: string; name: string } | undefined {
  const m = /^arn:aws[^:]*:ecs:([^:]+):(\d{12}):service\/([^/]+)\/([^/]+)$/.exec(arn)
  return m ? { region: m[1]!, accountId: m[2]!, cluster: m[3]!, name: m[4]! } : undefined
}

/** The deployment step everything before the final status goes through (the lifecycle stage the API shows). */
export interface Progress {
  status: DeploymentStatus
  lifecycleStage?: LifecycleStage
  statusReason?: string
}

/** What the controller has seen of one deployment since its last step. */
export interface Observation {
  /** Tasks the target revision should run (minTaskCount). */
  desired: number
  /** Target-revision tasks healthy on the front. */
  healthy: number
  /** Target-revision tasks that stopped or turned unhealthy before the deployment finished. */
  failed: number
  threshold: number
  /** A previous revision exists that still serves (not on a first deployment). */
  hasSource: boolean
  /** Every task of the previous revision has stopped (after CLEAN_UP). */
  sourceStopped: boolean
  /** Every task of the target revision has stopped (during a rollback). */
  targetStopped: boolean
  /** The bake time after the traffic shift has passed. */
  baked: boolean
  /** A newer deployment of the same service has started. */
  superseded: boolean
}

/**
 * One step of a deployment: PENDING → IN_PROGRESS through SCALE_UP (the new tasks start and turn healthy),
 * PRODUCTION_TRAFFIC_SHIFT (the front moves traffic to them), BAKE_TIME, CLEAN_UP (the old tasks drain and
 * stop) → SUCCESSFUL. Before CLEAN_UP, failed tasks at the circuit breaker's threshold roll back
 * (ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL once the new tasks stopped) or, with nothing to roll back to,
 * stop the deployment. A newer deployment stops this one.
 */
export function nextDeployment(current: Progress, o: Observation): Progress {
  const { status, lifecycleStage: stage } = current
  if (isFinal(status)) return current
  if (status === 'ROLLBACK_IN_PROGRESS' || status === 'ROLLBACK_REQUESTED') {
    const rolling = { status: 'ROLLBACK_IN_PROGRESS' as const, statusReason: current.statusReason }
    return o.targetStopped ? { ...rolling, status: 'ROLLBACK_SUCCESSFUL' } : rolling
  }
  if (o.superseded) return { status: 'STOPPED', statusReason: 'A newer service deployment started.' }
  if (status === 'PENDING') return { status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' }
  if (stage !== 'CLEAN_UP' && o.failed >= o.threshold) {
    const statusReason = `ECS deployment circuit breaker: ${o.failed} tasks failed to become healthy.`
    return o.hasSource
      ? { status: 'ROLLBACK_IN_PROGRESS', statusReason }
      : { status: 'STOPPED', statusReason }
  }
  const at = (lifecycleStage: LifecycleStage): Progress => ({ status: 'IN_PROGRESS', lifecycleStage })
  switch (stage ?? 'SCALE_UP') {
    case 'SCALE_UP':
      return o.healthy >= o.desired ? at('PRODUCTION_TRAFFIC_SHIFT') : at('SCALE_UP')
    case 'PRODUCTION_TRAFFIC_SHIFT':
      return at('BAKE_TIME')
    case 'BAKE_TIME':
      return o.baked ? at('CLEAN_UP') : at('BAKE_TIME')
    default:
      return !o.hasSource || o.sourceStopped
        ? { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }
        : at('CLEAN_UP')
  }
}
