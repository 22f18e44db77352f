// Pull request previews, the AWS side: a new preview replaces the one of the previous commit, and a closed
// pull request stops everything of its preview. Both find the tasks as mode stop does (started-by, family).
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { Clock } from '../shared/clock.js'
import { findRunningTasks, stopTasks } from './stop.js'
import type { StopResult } from './types.js'

export interface PreviewTasks {
  cluster: string
  /** The preview's family (FAMILY-pr-N): only its tasks are touched. */
  family: string
  startedBy: string
  log: (message: string) => void
  clock?: Clock
}

/** The StopTask reasons, which the ECS console shows beside each stopped task. */
export const replacedReason = (pullRequest: number, commit: string): string =>
  `Replaced by the preview of ${commit.slice(0, 7)} (pull request #${pullRequest}), ecs-fargate-deploy`
export const closedReason = (pullRequest: number): string =>
  `Pull request #${pullRequest} closed: preview stopped by ecs-fargate-deploy`

/**
 * Stops the preview's running tasks other than those just started (keep), without waiting: the new preview
 * answers already. Returns the tasks asked to stop.
 */
export async function stopEarlierTasks(
  ecs: ECSClient,
  options: PreviewTasks & { keep: string[]; reason: string; deadline: number }
): Promise<string[]> {
  const running = await findRunningTasks(ecs, { ...options, taskArns: [], deadline: options.deadline })
  const earlier = running.filter((arn) => !options.keep.includes(arn))
  if (earlier.length === 0) return []
  const result = await stopTasks(ecs, {
    ...options,
    taskArns: earlier,
    waitUntilStopped: false
  })
  return result.stopped.filter((arn) => !result.alreadyStopped.includes(arn))
}

/** Every running task of the preview stopped, waiting until they are STOPPED. */
export async function stopPreview(
  ecs: ECSClient,
  options: PreviewTasks & { pullRequest: number; deadline: number }
): Promise<StopResult> {
  return stopTasks(ecs, { ...options, taskArns: [], reason: closedReason(options.pullRequest) })
}
