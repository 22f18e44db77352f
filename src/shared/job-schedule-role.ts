// The scheduler role of a scheduled job, written once for the code that makes it (aws/job-scheduler-role), the
// one-time setup that an administrator runs instead (policy/setup) and the policy that passes it (policy/):
// one role per job (its name is the job's, shared/job-schedule.ts), assumable only by EventBridge Scheduler for
// schedules of this account's schedule group, allowed only to run the family's revisions in the job's cluster
// and to pass the task's roles to ECS tasks.
//
// One role per job rather than one for all jobs: a role shared by every job would have to run any family (its
// RunTask resource a wildcard) and pass any job's task role, so whoever may point a schedule at it could run
// another family's task definition with that family's task role; scoped to one family, the role gives a
// schedule no more than the deploy identity itself may do with RunTask.
import { ECS_TASKS_SERVICE } from './execution-role.js'
import { scheduleGroupArn } from './job-schedule.js'
import { SCHEDULER_SERVICE } from './ttl-role.js'

/** The role's description, the same on the quick path and in the one-time setup. */
export function jobSchedulerRoleDescription(scope: Pick<JobRoleScope, 'family' | 'cluster'>): string {
  return `Runs the scheduled job ${scope.family} in cluster ${scope.cluster} (EventBridge Scheduler); created by ecs-fargate-deploy`
}

/** The role's inline policy. */
export const JOB_SCHEDULER_POLICY_NAME = 'ecs-fargate-deploy-run-scheduled-job'

export interface JobRoleScope {
  partition: string
  region: string
  account: string
  /** The cluster's name (not its ARN). */
  cluster: string
  family: string
  /** The schedule group the job's schedule is in. */
  group: string
}

/** An inline policy of the role: Allow statements, each with its condition. */
export interface RolePolicy {
  Version: '2012-10-17'
  Statement: Array<{
    Sid: string
    Effect: 'Allow'
    Action: string
    Resource: string | string[]
    Condition?: Record<string, Record<string, string>>
  }>
}

/**
 * Trusted by EventBridge Scheduler only for schedules of this account and this schedule group: Scheduler's
 * confused-deputy guidance (docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-
 * prevention.html) recommends aws:SourceAccount and aws:SourceArn, the latter a schedule group's ARN ("do not
 * scope the aws:SourceArn statement to a specific schedule or a schedule name prefix").
 */
export function jobSchedulerTrustPolicy(
  scope: Pick<JobRoleScope, 'partition' | 'region' | 'account' | 'group'>
) {
  return {
    Version: '2012-10-17' as const,
    Statement: [
      {
        Effect: 'Allow' as const,
        Principal: { Service: SCHEDULER_SERVICE },
        Action: 'sts:AssumeRole' as const,
        Condition: {
          StringEquals: { 'aws:SourceAccount': scope.account },
          ArnEquals: { 'aws:SourceArn': scheduleGroupArn(scope, scope.group) }
        }
      }
    ]
  }
}

/**
 * Runs the family's revisions in the job's cluster and nothing else, as AmazonEC2ContainerServiceEventsRole
 * does for EventBridge rules but scoped: ecs:RunTask on task-definition/FAMILY:* where ecs:cluster is the
 * cluster; iam:PassRole of the task's execution role and task role (their ARNs) only to ECS tasks; and
 * ecs:TagResource on the cluster's tasks only while RunTask creates them (RunTask with tags is authorized as
 * ecs:TagResource too, as the deploy identity's own RunTask row says; AWS CDK's EcsRunTask target adds the same
 * grant when its schedule has tags). With a dead-letter queue, sqs:SendMessage to it: EventBridge Scheduler sends
 * the events it gave up on with the schedule's role.
 */
export function jobSchedulerRolePolicy(
  scope: JobRoleScope,
  passRoles: readonly string[],
  deadLetterQueueArn?: string
): RolePolicy {
  const { partition: p, region: r, account: a } = scope
  const clusterArn = `arn:${p}:ecs:${r}:${a}:cluster/${scope.cluster}`
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RunTheJob',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: `arn:${p}:ecs:${r}:${a}:task-definition/${scope.family}:*`,
        Condition: { ArnEquals: { 'ecs:cluster': clusterArn } }
      },
      {
        Sid: 'TagTheJobsTasks',
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: `arn:${p}:ecs:${r}:${a}:task/${scope.cluster}/*`,
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } }
      },
      {
        Sid: 'PassTheTasksRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [...new Set(passRoles)].sort(),
        Condition: { StringEquals: { 'iam:PassedToService': ECS_TASKS_SERVICE } }
      },
      ...(deadLetterQueueArn
        ? [
            {
              Sid: 'SendWhatItGaveUpOn',
              Effect: 'Allow' as const,
              Action: 'sqs:SendMessage',
              Resource: deadLetterQueueArn
            }
          ]
        : [])
    ]
  }
}
