// ECS Express Mode state (EXPRESS.md): the statuses a service deployment moves through, and the pure rule that
// moves it, given what the service controller has observed. The controller and the handlers are still to come.

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

export type LifecycleStage = 'SCALE_UP' | 'PRODUCTION_TRAFFIC_SHIFT' | 'CLEAN_UP'

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
  /** The previous revision's targets have drained and its tasks stopped. */
  sourceDrained: boolean
  /** Every task of the target revision has stopped (during a rollback). */
  targetStopped: boolean
  /** A newer deployment of the same service has started. */
  superseded: boolean
}

export interface Step {
  status: DeploymentStatus
  lifecycleStage?: LifecycleStage
  statusReason?: string
}

export function nextDeployment(current: DeploymentStatus, o: Observation): Step {
  if (isFinal(current)) return { status: current }
  if (o.superseded && current !== 'ROLLBACK_IN_PROGRESS')
    return { status: 'STOPPED', statusReason: 'A newer service deployment started.' }
  if (current === 'ROLLBACK_IN_PROGRESS' || current === 'ROLLBACK_REQUESTED') {
    return o.targetStopped ? { status: 'ROLLBACK_SUCCESSFUL' } : { status: 'ROLLBACK_IN_PROGRESS' }
  }
  if (current === 'PENDING') return { status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' }
  if (o.failed >= o.threshold) {
    const statusReason = `ECS deployment circuit breaker: ${o.failed} tasks failed to become healthy.`
    return o.hasSource
      ? { status: 'ROLLBACK_IN_PROGRESS', statusReason }
      : { status: 'STOPPED', statusReason }
  }
  if (o.healthy < o.desired) return { status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' }
  if (o.hasSource && !o.sourceDrained)
    return { status: 'IN_PROGRESS', lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' }
  return { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }
}
