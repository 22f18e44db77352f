// A scheduled job's failure notifications: one EventBridge rule per job (named as the job, on the default
// event bus) matching the family's ECS "Task State Change" events in the job's cluster for tasks that stopped
// with a non-zero exit code or failed to start, with one target, the user's SNS topic, sent a readable line.
// The topic's access policy is the user's: it must let events.amazonaws.com call sns:Publish, best with
// aws:SourceArn equal to the rule's ARN (and, for a topic encrypted with a customer managed KMS key, the key's
// policy must let events.amazonaws.com use it: kms:Decrypt and kms:GenerateDataKey*).
// What it does not see: a run EventBridge Scheduler could not start at all (RunTask refused, e.g. denied or
// throttled until the retry policy gave up) makes no task and so no ECS event; those reach the schedule's
// dead-letter queue when it has one, and Scheduler's CloudWatch metrics (TargetErrorCount,
// InvocationDroppedCount). Likewise, we guess, a RunTask answered with `failures` and no task (undocumented
// whether Scheduler counts that as a failed invocation).
import {
  DeleteRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type EventBridgeClient,
  type PutRuleCommandInput,
  type PutTargetsCommandInput
} from '@aws-sdk/client-eventbridge'
import { parseArn, lastSegment } from '../shared/arn.js'
import { jobName, jobTaskGroup } from '../shared/job-schedule.js'
import { keyValueTags, type Tag } from '../shared/tags.js'
import { ActionError } from '../explain/action-error.js'

/** The rule's one target; PutTargets with the same Id replaces it, so a new topic moves the notifications. */
export const NOTIFY_TARGET_ID = 'ecs-fargate-deploy-notify'

export interface FailureRuleSpec {
  clusterArn: string
  family: string
  /** Match only the job's scheduled runs (its task group), not every task of the family. */
  scheduledRunsOnly?: boolean
}

/**
 * The events of the family's tasks in the cluster that stopped and either had a container exit with a code
 * other than 0 or never started. The ECS event's detail (docs.aws.amazon.com/AmazonECS/latest/developerguide/
 * ecs_task_events.html) carries clusterArn, taskDefinitionArn, group, lastStatus, stopCode, stoppedReason and
 * containers[] with name and exitCode; it does not say which containers are essential, so any container's
 * non-zero exit counts (the action's tasks have the app container, and with a ttl a timer that exits 0). A
 * field that is an array matches when any element does; a container that never ran has no exitCode, and is
 * covered by stopCode TaskFailedToStart. The "FAMILY:" prefix keeps family "etl" from matching "etl-2".
 */
export function failureEventPattern(spec: FailureRuleSpec): Record<string, unknown> {
  const arn = parseArn(spec.clusterArn)
  const partition = arn?.partition ?? 'aws'
  const taskDefinitionPrefix = `arn:${partition}:ecs:${arn?.region ?? ''}:${arn?.account ?? ''}:task-definition/${spec.family}:`
  return {
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: {
      clusterArn: [spec.clusterArn],
      taskDefinitionArn: [{ prefix: taskDefinitionPrefix }],
      ...(spec.scheduledRunsOnly ? { group: [jobTaskGroup(jobName(spec.clusterArn, spec.family))] } : {}),
      lastStatus: ['STOPPED'],
      $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }]
    }
  }
}

/** The ECS console's list of the cluster's tasks (the event's task ARN cannot be cut into a task page's URL). */
export function clusterTasksConsoleUrl(clusterArn: string): string {
  const region = parseArn(clusterArn)?.region ?? ''
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(lastSegment(clusterArn))}/tasks?region=${region}`
}

/**
 * The message SNS sends: one readable line. An InputTransformer's paths pick the event's fields (each placeholder
 * a JSONPath into the event; the first container's, as a path cannot select a container by name: the app
 * container is the first in the action's task definitions); a template in double quotes makes a plain string.
 * EventBridge escapes what it puts in so the result stays valid JSON (a stop reason with quotes included).
 * What a field the event lacks (no stopCode, no exitCode) comes out as is not documented: we expect empty.
 */
export function failureMessageTransformer(spec: FailureRuleSpec): {
  InputPathsMap: Record<string, string>
  InputTemplate: string
} {
  const cluster = lastSegment(spec.clusterArn)
  const text =
    `ecs-fargate-deploy: a task of ${spec.family} failed in cluster ${cluster} at <time>. ` +
    `Stop code: <stopCode>; reason: <reason>; container <container> exit code: <exitCode>. ` +
    `Task: <task>. Tasks: ${clusterTasksConsoleUrl(spec.clusterArn)}`
  return {
    InputPathsMap: {
      time: '$.time',
      task: '$.detail.taskArn',
      stopCode: '$.detail.stopCode',
      reason: '$.detail.stoppedReason',
      container: '$.detail.containers[0].name',
      exitCode: '$.detail.containers[0].exitCode'
    },
    // JSON.stringify quotes and escapes our own parts; the placeholders survive it unchanged.
    InputTemplate: JSON.stringify(text)
  }
}

export interface NotificationSpec extends FailureRuleSpec {
  /** The SNS topic's ARN (notify input). */
  topicArn: string
  tags: readonly Tag[]
  runUrl?: string
}

/** Description's limit in the EventBridge model (RuleDescription). */
const MAX_DESCRIPTION = 512

export function buildFailureRuleInput(spec: NotificationSpec): PutRuleCommandInput {
  const description =
    `ecs-fargate-deploy: failed tasks of ${spec.family} in cluster ${lastSegment(spec.clusterArn)} to ${spec.topicArn}` +
    (spec.runUrl ? `; set by ${spec.runUrl}` : '')
  return {
    Name: jobName(spec.clusterArn, spec.family),
    EventPattern: JSON.stringify(failureEventPattern(spec)),
    State: 'ENABLED',
    Description: description.slice(0, MAX_DESCRIPTION),
    Tags: keyValueTags(spec.tags)
  }
}

export function buildFailureTargetsInput(spec: NotificationSpec): PutTargetsCommandInput {
  return {
    Rule: jobName(spec.clusterArn, spec.family),
    Targets: [{ Id: NOTIFY_TARGET_ID, Arn: spec.topicArn, InputTransformer: failureMessageTransformer(spec) }]
  }
}

export interface FailureNotifications {
  ruleName: string
  ruleArn: string
}

/**
 * Makes or updates the rule (PutRule is an upsert) and points its one target at the topic (PutTargets with the
 * same Id replaces it). PutTargets reports a rejected target in its answer, not as an error: that is thrown.
 */
export async function ensureFailureNotifications(
  events: EventBridgeClient,
  spec: NotificationSpec
): Promise<FailureNotifications> {
  const rule = buildFailureRuleInput(spec)
  const { RuleArn } = await events.send(new PutRuleCommand(rule))
  const answer = await events.send(new PutTargetsCommand(buildFailureTargetsInput(spec)))
  const failed = answer.FailedEntries ?? []
  if ((answer.FailedEntryCount ?? failed.length) > 0) {
    const reasons = failed.map((entry) => `${entry.ErrorCode ?? 'Error'}: ${entry.ErrorMessage ?? ''}`.trim())
    throw new ActionError(
      `EventBridge did not accept the SNS topic ${spec.topicArn} as the target of rule ${rule.Name}`,
      {
        details: reasons.join('\n') || undefined,
        hint: 'Give the ARN of an SNS topic in this region (notify); its access policy must let events.amazonaws.com call sns:Publish.'
      }
    )
  }
  return { ruleName: rule.Name!, ruleArn: RuleArn ?? '' }
}

/**
 * Removes the rule's target, then the rule (EventBridge deletes no rule that has targets); false when there was
 * no rule (already deleted, or never made).
 */
export async function deleteFailureNotifications(
  events: EventBridgeClient,
  job: { cluster: string; family: string }
): Promise<boolean> {
  const name = jobName(job.cluster, job.family)
  try {
    await events.send(new RemoveTargetsCommand({ Rule: name, Ids: [NOTIFY_TARGET_ID] }))
    await events.send(new DeleteRuleCommand({ Name: name }))
    return true
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false
    throw error
  }
}
