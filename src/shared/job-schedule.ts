// A scheduled job's names and defaults, written once for the code that makes its parts (aws/job-schedule,
// aws/job-scheduler-role, aws/events, aws/job-runs) and the policy that allows making them (policy/): one name
// per job (this family in this cluster), used for its EventBridge Scheduler schedule, its scheduler role and its
// failure-notification rule, so each permission can name its one resource.
import { createHash } from 'node:crypto'
import { lastSegment } from './arn.js'

/** Every job's schedule, role and rule start so (the ttl's are efd-ttl-). */
export const JOB_PREFIX = 'efd-job-'

/** The schedule group a job's schedule is in unless the plan says otherwise: the one every account has. */
export const JOB_SCHEDULE_GROUP = 'default'

/** Schedule names, rule names and role names: at most 64 characters each. */
const MAX_NAME = 64

/**
 * The job's name: efd-job-FAMILY-HASH, at most 64 characters, valid as a schedule name ([0-9a-zA-Z-_.]), an
 * EventBridge rule name ([.-_A-Za-z0-9]) and an IAM role name ([\w+=,.@-]), since ECS families are letters,
 * digits, '_' and '-'. HASH is of CLUSTER/FAMILY (the cluster's name, from a name or an ARN): the same family in
 * two clusters of a region gets two jobs, a long family cut to fit stays told apart, and no account or region
 * goes in, so the printed policy (whose account may be a placeholder) names the same job the deploy makes.
 */
export function jobName(cluster: string, family: string): string {
  const hash = createHash('sha256')
    .update(`${lastSegment(cluster)}/${family}`)
    .digest('hex')
    .slice(0, 8)
  return `${JOB_PREFIX}${family.slice(0, MAX_NAME - JOB_PREFIX.length - 9)}-${hash}`
}

/**
 * The ECS task group the job's tasks run in (RunTask's `group`, which DescribeTasks gives back): how the step
 * tells the job's scheduled runs from the family's other tasks (the action's own, run-now's, anyone's). What
 * startedBy EventBridge Scheduler puts on the tasks it starts is not documented; the group is ours to set.
 */
export function jobTaskGroup(name: string): string {
  return `schedule:${name}`
}

/**
 * The retry policy when the inputs give none. EventBridge Scheduler retries an invocation that failed (RunTask
 * throttled, no Fargate capacity, a role it cannot assume yet) with backoff until either limit is reached; its
 * own defaults (185 attempts within 24 hours) would start a nightly job most of a day late. An hour bounds how
 * late a run may start, and 5 attempts are enough for a transient error (a misconfigured target fails the same
 * way each time, so more attempts only delay the dead-letter queue).
 */
export const JOB_RETRY_DEFAULTS = {
  maximumRetryAttempts: 5,
  maximumEventAgeSeconds: 3600
} as const

/** RetryPolicy's limits in the Scheduler model (botocore scheduler RetryPolicy). */
export const JOB_RETRY_LIMITS = {
  maximumRetryAttempts: { min: 0, max: 185 },
  maximumEventAgeSeconds: { min: 60, max: 86400 }
} as const

/** EcsParameters.TaskCount's limits in the Scheduler model: as RunTask's count. */
export const JOB_TASK_COUNT_LIMITS = { min: 1, max: 10 } as const

/** The schedule-group ARN (the one EventBridge Scheduler gives as aws:SourceArn when it assumes the role). */
export function scheduleGroupArn(
  where: { partition: string; region: string; account: string },
  group: string
): string {
  return `arn:${where.partition}:scheduler:${where.region}:${where.account}:schedule-group/${group}`
}

/** The schedule's ARN: arn:aws:scheduler:REGION:ACCOUNT:schedule/GROUP/NAME. */
export function jobScheduleArn(
  where: { partition: string; region: string; account: string },
  group: string,
  name: string
): string {
  return `arn:${where.partition}:scheduler:${where.region}:${where.account}:schedule/${group}/${name}`
}

/** The failure rule's ARN on the default event bus: arn:aws:events:REGION:ACCOUNT:rule/NAME. */
export function jobRuleArn(
  where: { partition: string; region: string; account: string },
  name: string
): string {
  return `arn:${where.partition}:events:${where.region}:${where.account}:rule/${name}`
}

/**
 * The statement the notify topic's access policy needs (the topic is the user's, so the action says it, never
 * sets it): EventBridge may publish, for this rule only (aws:SourceArn, EventBridge's confused-deputy guidance
 * for SNS targets).
 */
export function topicPolicyStatement(topicArn: string, ruleArn: string) {
  return {
    Sid: 'AllowEcsFargateDeployJobFailures',
    Effect: 'Allow' as const,
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: topicArn,
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } }
  }
}

/**
 * The tag a scheduled job's revisions carry, its value the job's name: a later deploy of the family without
 * schedule reads it on the family's latest revision and deletes the schedule, since GitHub passes an empty
 * schedule input the same as none.
 */
export const JOB_SCHEDULE_TAG = 'ecs-fargate-deploy:schedule'

export function jobScheduleTag(name: string): { key: string; value: string } {
  return { key: JOB_SCHEDULE_TAG, value: name }
}
