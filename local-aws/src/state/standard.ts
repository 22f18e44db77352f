// Standard ECS services (SERVICES.md): services made with CreateService, their service revisions and service
// deployments, and the pure rule that moves a deployment through its statuses and lifecycle stages for each
// strategy (ROLLING, BLUE_GREEN, LINEAR, CANARY), given what the standard service controller has observed. The
// handlers (services/standard.ts) record intent here; the controller (standard-controller.ts) moves everything.
import type { Tag } from './ecs.js'
import { isFinal, type DeploymentStatus, type ServiceEvent, type ServiceStatus } from './express.js'

export type Strategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY'
export const STRATEGIES: readonly Strategy[] = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY']

/** ServiceDeploymentLifecycleStage, as botocore's ECS model lists it. */
export type StandardStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP'

export interface LoadBalancer {
  targetGroupArn: string
  containerName: string
  containerPort: number
  advancedConfiguration?: {
    alternateTargetGroupArn?: string
    productionListenerRule?: string
    testListenerRule?: string
    roleArn?: string
  }
}

export interface LifecycleHook {
  targetType?: 'AWS_LAMBDA' | 'PAUSE'
  hookTargetArn?: string
  roleArn?: string
  lifecycleStages?: string[]
  hookDetails?: unknown
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: 'ROLLBACK' | 'CONTINUE' }
}

/** DeploymentLifecycleHookStage, as botocore's ECS model lists it (where a hook may run). */
export const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT'
] as const

/**
 * The hook stages that run in a deployment lifecycle stage: its own, and PRE_PRODUCTION_TRAFFIC_SHIFT (not a
 * lifecycle stage of its own) at the end of POST_TEST_TRAFFIC_SHIFT, before production traffic moves.
 */
export const hookStagesOf = (stage: StandardStage | undefined): string[] =>
  stage === 'POST_TEST_TRAFFIC_SHIFT' ? [stage, 'PRE_PRODUCTION_TRAFFIC_SHIFT'] : stage ? [stage] : []

/** One hook's run in one stage of a deployment (DeploymentLifecycleHookDetail). */
export interface HookRun {
  hookId: string
  targetType: 'AWS_LAMBDA' | 'PAUSE'
  targetArn?: string
  stage: StandardStage
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT'
  expiresAt?: Date
  timeoutAction?: 'ROLLBACK' | 'CONTINUE'
}

/** DeploymentConfiguration with ECS's defaults filled in. */
export interface DeploymentSettings {
  deploymentCircuitBreaker: { enable: boolean; rollback: boolean }
  maximumPercent: number
  minimumHealthyPercent: number
  alarms: { alarmNames: string[]; rollback: boolean; enable: boolean }
  strategy: Strategy
  bakeTimeInMinutes: number
  lifecycleHooks?: LifecycleHook[]
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number }
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number }
}

export interface NetworkConfiguration {
  awsvpcConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: string }
}

export interface CapacityProviderItem {
  capacityProvider: string
  weight?: number
  base?: number
}

/** A service revision: what a deployment deploys (ECS's ServiceRevision, less the service's ARNs). */
export interface StandardRevision {
  arn: string
  taskDefinitionArn: string
  launchType?: string
  capacityProviderStrategy?: CapacityProviderItem[]
  platformVersion: string
  loadBalancers: LoadBalancer[]
  networkConfiguration?: NetworkConfiguration
  containerImages: Array<{ containerName: string; image: string }>
  createdAt: Date
}

export interface StandardDeployment {
  arn: string
  /** ecs-svc/N: the tasks' startedBy and DescribeServices' deployments[].id. */
  ecsDeploymentId: string
  serviceArn: string
  clusterArn: string
  sourceRevisionArn?: string
  targetRevisionArn: string
  /** The service's desired count when the deployment started (and as UpdateService changes it since). */
  desiredCount: number
  /** The deployment configuration the deployment runs with (the service's, at its start). */
  configuration: DeploymentSettings
  status: DeploymentStatus
  statusReason?: string
  lifecycleStage?: StandardStage
  /** The production traffic weight (percent) on the target revision. */
  trafficPercent: number
  /** Every stage and traffic step it went through, oldest first (the local state() shows them). */
  history: string[]
  createdAt: Date
  startedAt?: Date
  finishedAt?: Date
  stoppedAt?: Date
  updatedAt: Date
  rollback?: { reason: string; startedAt: Date; serviceRevisionArn: string }
  circuitBreaker: {
    status: 'MONITORING' | 'TRIGGERED' | 'MONITORING_COMPLETE' | 'DISABLED'
    failureCount: number
    threshold: number
  }
  alarms: {
    status: 'MONITORING' | 'TRIGGERED' | 'MONITORING_COMPLETE' | 'DISABLED'
    alarmNames: string[]
    triggeredAlarmNames: string[]
  }
  /** The wait armed on entering the current stage or traffic step (bake time, step bake time) has passed. */
  waited: boolean
  /** The lifecycle hooks run so far, oldest first. */
  hooks: HookRun[]
}

export interface StandardService {
  kind: 'standard'
  serviceName: string
  serviceArn: string
  clusterArn: string
  clusterName: string
  region: string
  status: ServiceStatus
  desiredCount: number
  /** The task definition of the newest revision (what DescribeServices shows). */
  taskDefinitionArn: string
  launchType?: string
  capacityProviderStrategy?: CapacityProviderItem[]
  platformVersion: string
  loadBalancers: LoadBalancer[]
  networkConfiguration?: NetworkConfiguration
  healthCheckGracePeriodSeconds?: number
  deploymentConfiguration: DeploymentSettings
  schedulingStrategy: 'REPLICA'
  tags: Tag[]
  propagateTags: 'TASK_DEFINITION' | 'SERVICE' | 'NONE'
  enableECSManagedTags: boolean
  enableExecuteCommand: boolean
  availabilityZoneRebalancing: 'ENABLED' | 'DISABLED'
  createdAt: Date
  updatedAt: Date
  createdBy: string
  revisions: StandardRevision[]
  deployments: StandardDeployment[]
  /** Newest first (at most 100 kept). */
  events: ServiceEvent[]
  /** The revision kept at the desired count once no deployment is in progress. */
  servingRevisionArn?: string
  /** targetGroupArn → the local front's endpoint (http://127.0.2.N:PORT), once it listens. */
  fronts: Record<string, string>
}

export interface StandardState {
  /** serviceArn → service; a re-created name replaces its INACTIVE predecessor. */
  services: Map<string, StandardService>
}

export const newStandardState = (): StandardState => ({ services: new Map() })

/** One step's outcome: the status, stage and traffic the deployment moves to, and a wait to arm on entering it. */
export interface StandardProgress {
  status: DeploymentStatus
  lifecycleStage?: StandardStage
  statusReason?: string
  trafficPercent: number
  /** Minutes to wait (bake time, step bake time) before the next step; armed by the controller. */
  waitMinutes?: number
}

/** What the controller has seen of one deployment since its last step. */
export interface StandardObservation {
  desired: number
  /** Target-revision tasks that are healthy (on every target group's front, or RUNNING without one). */
  targetHealthy: number
  /** Source-revision tasks that are healthy. */
  sourceHealthy: number
  /** Target-revision tasks that stopped or turned unhealthy during the deployment. */
  failed: number
  threshold: number
  hasSource: boolean
  /** No task of another revision than the target is still running. */
  sourceStopped: boolean
  /** No task of the target revision is still running or being started. */
  targetStopped: boolean
  /** The wait armed on entering the current stage or step has passed. */
  waited: boolean
  /** A newer deployment of the same service has started. */
  superseded: boolean
  /** A monitored CloudWatch alarm in ALARM (its name), when the deployment's alarms are enabled. */
  alarm?: string
  /** A PAUSE hook of the current stage awaits ContinueServiceDeployment. */
  paused?: boolean
}

/** LINEAR's next production traffic weight: one more step, rounded to the 0.1 the API allows. */
const stepUp = (current: number, step: number): number =>
  Math.min(100, Math.round((current + step) * 10) / 10)

/**
 * One step of a deployment. ROLLING: PENDING → IN_PROGRESS (no lifecycle stage; the controller replaces the
 * tasks batch by batch) → SUCCESSFUL once the new tasks are healthy and the old ones stopped. BLUE_GREEN, LINEAR,
 * CANARY: IN_PROGRESS through PRE_SCALE_UP, SCALE_UP (green tasks up and healthy), POST_SCALE_UP,
 * TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT (100 % at once; LINEAR by stepPercent
 * with stepBakeTimeInMinutes between steps; CANARY canaryPercent, canaryBakeTimeInMinutes, then the rest),
 * POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME (bakeTimeInMinutes, blue still up), CLEAN_UP (blue drained and
 * stopped) → SUCCESSFUL. Before CLEAN_UP, the circuit breaker (failed tasks at its threshold) or a monitored
 * alarm rolls back (when their rollback is on and there is a revision to return to) or stops the deployment;
 * a rollback ends ROLLBACK_SUCCESSFUL once the source revision is healthy at its count and the target's tasks
 * stopped. A newer deployment stops this one.
 */
export function nextStandardDeployment(
  current: StandardProgress,
  o: StandardObservation,
  settings: DeploymentSettings
): StandardProgress {
  const { status, lifecycleStage: stage, trafficPercent } = current
  if (isFinal(status)) return current
  if (status === 'ROLLBACK_REQUESTED' || status === 'ROLLBACK_IN_PROGRESS') {
    const rolling: StandardProgress = {
      status: 'ROLLBACK_IN_PROGRESS',
      statusReason: current.statusReason,
      lifecycleStage: stage,
      trafficPercent: 0
    }
    return o.targetStopped && o.sourceHealthy >= o.desired
      ? { ...rolling, status: 'ROLLBACK_SUCCESSFUL' }
      : rolling
  }
  if (o.superseded)
    return {
      status: 'STOPPED',
      statusReason: 'A newer service deployment started.',
      lifecycleStage: stage,
      trafficPercent
    }
  const rolling = settings.strategy === 'ROLLING'
  if (status === 'PENDING')
    return rolling
      ? { status: 'IN_PROGRESS', trafficPercent: o.hasSource ? 0 : 100 }
      : { status: 'IN_PROGRESS', lifecycleStage: 'PRE_SCALE_UP', trafficPercent: 0 }
  if (stage !== 'CLEAN_UP') {
    const breaker = settings.deploymentCircuitBreaker
    const failure =
      breaker.enable && o.failed >= o.threshold
        ? {
            reason: `ECS deployment circuit breaker: ${o.failed} tasks failed to become healthy.`,
            rollback: breaker.rollback
          }
        : o.alarm !== undefined
          ? {
              reason: `ECS deployment alarm: the CloudWatch alarm ${o.alarm} is in ALARM.`,
              rollback: settings.alarms.rollback
            }
          : undefined
    if (failure)
      return failure.rollback && o.hasSource
        ? {
            status: 'ROLLBACK_IN_PROGRESS',
            statusReason: failure.reason,
            lifecycleStage: stage,
            trafficPercent: 0
          }
        : { status: 'STOPPED', statusReason: failure.reason, lifecycleStage: stage, trafficPercent }
  }
  if (o.paused) return { status, lifecycleStage: stage, trafficPercent }
  if (rolling)
    return o.targetHealthy >= o.desired && o.sourceStopped
      ? { status: 'SUCCESSFUL', trafficPercent: 100 }
      : { status: 'IN_PROGRESS', trafficPercent }
  const at = (
    lifecycleStage: StandardStage,
    traffic = trafficPercent,
    waitMinutes?: number
  ): StandardProgress => ({
    status: 'IN_PROGRESS',
    lifecycleStage,
    trafficPercent: traffic,
    waitMinutes
  })
  switch (stage ?? 'PRE_SCALE_UP') {
    case 'RECONCILE_SERVICE':
    case 'PRE_SCALE_UP':
      return at('SCALE_UP')
    case 'SCALE_UP':
      return o.targetHealthy >= o.desired ? at('POST_SCALE_UP') : at('SCALE_UP')
    case 'POST_SCALE_UP':
      return at('TEST_TRAFFIC_SHIFT')
    case 'TEST_TRAFFIC_SHIFT':
      return at('POST_TEST_TRAFFIC_SHIFT')
    case 'POST_TEST_TRAFFIC_SHIFT': {
      if (settings.strategy === 'LINEAR') {
        const c = settings.linearConfiguration!
        const first = stepUp(0, c.stepPercent)
        return at('PRODUCTION_TRAFFIC_SHIFT', first, first < 100 ? c.stepBakeTimeInMinutes : undefined)
      }
      if (settings.strategy === 'CANARY') {
        const c = settings.canaryConfiguration!
        const first = Math.min(100, c.canaryPercent)
        return at('PRODUCTION_TRAFFIC_SHIFT', first, first < 100 ? c.canaryBakeTimeInMinutes : undefined)
      }
      return at('PRODUCTION_TRAFFIC_SHIFT', 100)
    }
    case 'PRODUCTION_TRAFFIC_SHIFT': {
      if (trafficPercent >= 100) return at('POST_PRODUCTION_TRAFFIC_SHIFT', 100)
      if (!o.waited) return at('PRODUCTION_TRAFFIC_SHIFT')
      if (settings.strategy === 'LINEAR') {
        const c = settings.linearConfiguration!
        const next = stepUp(trafficPercent, c.stepPercent)
        return at('PRODUCTION_TRAFFIC_SHIFT', next, next < 100 ? c.stepBakeTimeInMinutes : undefined)
      }
      return at('PRODUCTION_TRAFFIC_SHIFT', 100)
    }
    case 'POST_PRODUCTION_TRAFFIC_SHIFT':
      return at('BAKE_TIME', 100, settings.bakeTimeInMinutes)
    case 'BAKE_TIME':
      return o.waited ? at('CLEAN_UP', 100) : at('BAKE_TIME', 100)
    default:
      return o.sourceStopped
        ? { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP', trafficPercent: 100 }
        : at('CLEAN_UP', 100)
  }
}
