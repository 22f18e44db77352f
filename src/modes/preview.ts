// Pull request previews, the AWS side: a new preview replaces the one of the previous commit, and a closed
// pull request stops everything of its preview, then removes its security group and task definitions. Both
// find the tasks as mode stop does (started-by, family).
import type { EC2Client } from '@aws-sdk/client-ec2'
import type { ECSClient } from '@aws-sdk/client-ecs'
import {
  deleteSecurityGroup,
  findFamilySecurityGroup,
  notCreatedByAction,
  securityGroupName
} from '../aws/network.js'
import { deregisterFamily } from '../aws/task-definition.js'
import { formatActionError } from '../explain/action-error.js'
import { explainError } from '../explain/aws-errors.js'
import type { Inputs } from '../inputs/inputs.js'
import { scopeFor } from '../policy/permissions.js'
import { systemClock, type Clock } from '../shared/clock.js'
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

/** How long a closed preview's security group is retried while a stopped task's network interface holds it. */
export const SECURITY_GROUP_RETRY_MS = 60_000

export interface PreviewCleanupOptions {
  /** The step's deadline: the security group's retries end by then (and within SECURITY_GROUP_RETRY_MS). */
  deadline: number
  clock?: Clock
  log: (message: string) => void
  warn: (message: string) => void
}

export interface PreviewCleanup {
  /**
   * The group the action created for the preview (only when security-groups is empty): deleted, absent (none,
   * or gone already), or left (warned: in use still, not the action's, or a failed call).
   */
  securityGroup?: { outcome: 'deleted' | 'absent' | 'left'; groupId?: string }
  /** The family's ACTIVE revisions deregistered, and those left (warned). */
  taskDefinitions: { deregistered: number; left: number }
  /** What was removed, in words for the comment and the summary ("" when nothing was). */
  removed: string
}

/**
 * After a closed preview's tasks are STOPPED: the security group the action created for it deleted, and every
 * ACTIVE revision of its family (FAMILY-pr-N) deregistered, so that neither piles up pull request after pull
 * request. Never throws: what cannot be removed is warned about, since the tasks are stopped already.
 */
export async function cleanUpPreview(
  inputs: Inputs,
  clients: { ecs: ECSClient; ec2?: () => Promise<EC2Client> },
  options: PreviewCleanupOptions
): Promise<PreviewCleanup> {
  const explain = (error: unknown) => formatActionError(explainError(error, scopeFor(inputs)))
  const [securityGroup, taskDefinitions] = await Promise.all([
    inputs.securityGroups.length === 0 && clients.ec2
      ? removeSecurityGroup(inputs, clients.ec2, options, explain)
      : Promise.resolve(undefined),
    removeFamily(inputs.family, clients.ecs, options, explain)
  ])
  const removed = [
    securityGroup?.outcome === 'deleted' ? `security group ${securityGroup.groupId!}` : undefined,
    taskDefinitions.deregistered > 0 && taskDefinitions.left === 0
      ? `task definition family ${inputs.family}`
      : undefined
  ].filter((part) => part !== undefined)
  const partly =
    taskDefinitions.deregistered > 0 && taskDefinitions.left > 0
      ? `${taskDefinitions.deregistered} of ${taskDefinitions.deregistered + taskDefinitions.left} revisions of task definition family ${inputs.family} deregistered`
      : undefined
  return {
    securityGroup,
    taskDefinitions,
    removed: [removed.length > 0 ? `${removed.join(' and ')} removed` : undefined, partly]
      .filter((part) => part !== undefined)
      .join(', ')
  }
}

async function removeSecurityGroup(
  inputs: Inputs,
  ec2Client: () => Promise<EC2Client>,
  options: PreviewCleanupOptions,
  explain: (error: unknown) => string
): Promise<NonNullable<PreviewCleanup['securityGroup']>> {
  const clock = options.clock ?? systemClock
  const name = securityGroupName(inputs.family)
  let groupId: string | undefined
  const started = clock.now()
  try {
    const ec2 = await ec2Client()
    const group = await findFamilySecurityGroup(ec2, inputs)
    if (!group) {
      options.log(`No security group ${name} to delete`)
      return { outcome: 'absent' }
    }
    groupId = group.GroupId!
    const foreign = notCreatedByAction(group, inputs.family, inputs.tags)
    if (foreign) {
      options.warn(
        `Left the security group ${name} (${groupId}): ${foreign}, so the action did not create it`
      )
      return { outcome: 'left', groupId }
    }
    const deadline = Math.min(options.deadline, clock.now() + SECURITY_GROUP_RETRY_MS)
    const outcome = await deleteSecurityGroup(ec2, groupId, { deadline, clock, log: options.log })
    options.log(
      outcome === 'deleted'
        ? `Deleted the security group ${name} (${groupId})`
        : `The security group ${name} (${groupId}) was deleted already`
    )
    return { outcome, groupId }
  } catch (error) {
    const inUse = (error as Error).name === 'DependencyViolation'
    const why = inUse
      ? `a network interface still uses it after ${Math.round((clock.now() - started) / 1000)} s (${explain(error)}); ` +
        `delete it once the interface is gone: aws ec2 delete-security-group --group-id ${groupId!}`
      : explain(error)
    options.warn(`Could not delete the security group ${name}${groupId ? ` (${groupId})` : ''}: ${why}`)
    return { outcome: 'left', groupId }
  }
}

async function removeFamily(
  family: string,
  ecs: ECSClient,
  options: PreviewCleanupOptions,
  explain: (error: unknown) => string
): Promise<PreviewCleanup['taskDefinitions']> {
  try {
    const { deregistered, failed } = await deregisterFamily(ecs, family)
    if (deregistered.length > 0)
      options.log(`Deregistered ${deregistered.length} revision(s) of the task definition family ${family}`)
    for (const { taskDefinitionArn, error } of failed)
      options.warn(`Could not deregister the task definition ${taskDefinitionArn}: ${explain(error)}`)
    return { deregistered: deregistered.length, left: failed.length }
  } catch (error) {
    options.warn(`Could not list the task definitions of ${family} to deregister them: ${explain(error)}`)
    return { deregistered: 0, left: 0 }
  }
}
