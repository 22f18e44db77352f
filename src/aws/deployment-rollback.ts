// Rolling back the deployment this run started: StopServiceDeployment with stopType ROLLBACK, for a wait that
// ran out of time (rollback-on-timeout) and a cancelled run (stop-on-cancel); then, when there is time, the
// rollback followed to its end.
import {
  DescribeServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type ECSClient,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import { systemClock, type Clock } from '../shared/clock.js'
import { isThrottling } from '../shared/throttling.js'
import { nextPollDelay } from './task-wait.js'

export type StopOutcome =
  /** ECS took the request: the deployment is rolling back to the revision that served before it. */
  | { stopped: true }
  /**
   * Nothing stopped: ECS refused (conflict: the deployment has ended, is already stopping or rolling back, or
   * has no previous revision to roll back to; the message says which), or does not know the deployment.
   */
  | { stopped: false; reason: 'conflict' | 'not-found'; message: string }

/**
 * Asks ECS to stop the deployment and roll it back. The API's model lists ConflictException and
 * ServiceDeploymentNotFoundException for it; that Conflict is its answer for a deployment that has already
 * ended, is already stopping, or has nothing to roll back to (a service's first deployment) is our reading
 * (AWS documents the codes only), so it is reported, not thrown: the caller says it and goes on failing.
 */
export async function stopDeploymentWithRollback(
  ecs: ECSClient,
  deploymentArn: string
): Promise<StopOutcome> {
  try {
    await ecs.send(
      new StopServiceDeploymentCommand({ serviceDeploymentArn: deploymentArn, stopType: 'ROLLBACK' })
    )
    return { stopped: true }
  } catch (error) {
    if (!(error instanceof Error)) throw error
    if (error.name === 'ConflictException')
      return { stopped: false, reason: 'conflict', message: error.message }
    if (error.name === 'ServiceDeploymentNotFoundException') {
      return { stopped: false, reason: 'not-found', message: error.message }
    }
    throw error
  }
}

/** The statuses in which a deployment is still changing what serves. */
const UNSETTLED: ReadonlySet<string> = new Set([
  'PENDING',
  'IN_PROGRESS',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS'
])

export function isSettled(deployment: ServiceDeployment): boolean {
  return deployment.status !== undefined && !UNSETTLED.has(deployment.status)
}

export interface SettleOptions {
  deadline: number
  clock?: Clock
  /** Every answer, for progress lines. */
  onPoll?: (deployment: ServiceDeployment) => Promise<void> | void
}

/**
 * Polls the deployment until it has settled (ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED, STOPPED, SUCCESSFUL) and
 * returns its last answer; at the deadline, the last answer as it is (check isSettled), or undefined when ECS
 * never described it.
 */
export async function waitUntilSettled(
  ecs: ECSClient,
  deploymentArn: string,
  options: SettleOptions
): Promise<ServiceDeployment | undefined> {
  const clock = options.clock ?? systemClock
  let last: ServiceDeployment | undefined
  let delay: number | undefined
  for (;;) {
    try {
      const { serviceDeployments = [] } = await ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [deploymentArn] })
      )
      if (serviceDeployments[0]) {
        last = serviceDeployments[0]
        await options.onPoll?.(last)
        if (isSettled(last)) return last
      }
      delay = nextPollDelay(delay)
    } catch (error) {
      if (!isThrottling(error)) throw error
      delay = Math.min((delay ?? 1000) * 2, 10_000)
    }
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) return last
    await clock.sleep(Math.min(delay, remaining))
  }
}
