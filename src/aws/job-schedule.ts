// A scheduled job in EventBridge Scheduler: one recurring schedule per job (efd-job-…, shared/job-schedule.ts)
// whose ECS RunTask target runs the deployed revision on Fargate as the action's own tasks run (network,
// capacity, platform version, tags, count), made or moved on every deploy with a schedule and deleted by stop
// or by a deploy without one. The ttl's one-time schedules are in aws/scheduler.ts.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type GetScheduleCommandOutput,
  type SchedulerClient
} from '@aws-sdk/client-scheduler'
import { lastSegment } from '../shared/arn.js'
import { systemClock } from '../shared/clock.js'
import { JOB_RETRY_DEFAULTS, JOB_SCHEDULE_GROUP, jobName, jobTaskGroup } from '../shared/job-schedule.js'
import { retryWhileRoleIsNew, type RoleRetries } from '../shared/role-retries.js'
import type { Tag } from '../shared/tags.js'
import { SPOT_STRATEGY } from './tasks.js'

export interface JobScheduleSpec {
  /** The cluster's ARN: the target's Arn (EventBridge Scheduler's ECS target is the cluster). */
  clusterArn: string
  family: string
  /** The revision the schedule runs: family:revision's full ARN. */
  taskDefinitionArn: string
  /** The scheduler role's ARN. */
  roleArn: string
  /** cron(…), rate(…) or at(…), as validated by the inputs. */
  expression: string
  /** An IANA time zone (schedule-timezone), UTC unless given. */
  timezone: string
  count: number
  capacity: 'fargate' | 'spot'
  subnets: readonly string[]
  securityGroups: readonly string[]
  assignPublicIp: boolean
  tags: readonly Tag[]
  /** The schedule group; JOB_SCHEDULE_GROUP unless given. */
  group?: string
  maximumRetryAttempts?: number
  maximumEventAgeSeconds?: number
  /** An SQS queue's ARN for invocations EventBridge Scheduler gave up on. */
  deadLetterQueueArn?: string
  /** Said in the schedule's description. */
  runUrl?: string
}

export type JobScheduleOptions = Partial<RoleRetries>

export interface JobSchedule {
  scheduleName: string
  group: string
  scheduleArn: string
  /** True when this deploy made the schedule, false when it moved an existing one. */
  created: boolean
  /** The revision the schedule ran before this deploy moved it (undefined when it made it). */
  previousTaskDefinitionArn?: string
}

/** What EventBridge Scheduler answers while a role created moments ago cannot be assumed yet. */
const ROLE_NOT_ASSUMABLE = /must allow AWS EventBridge Scheduler to assume the role|assume the role/i

/** Description's limit in the Scheduler model. */
const MAX_DESCRIPTION = 512

/**
 * CreateSchedule's and UpdateSchedule's request (UpdateSchedule replaces every field, so both send all of it):
 * a recurring schedule, exact (FlexibleTimeWindow OFF), that runs the revision on Fargate or Fargate Spot with
 * the action's network, platform version and tags. The tasks run in the job's task group, which is how the
 * step finds the job's runs again. Tags go as ECS's {key, value} pairs: the API reference says only "array of
 * string to string maps"; AWS CDK's EcsRunTask target sends them so.
 */
export function buildJobScheduleInput(spec: JobScheduleSpec): CreateScheduleCommandInput {
  const name = jobName(spec.clusterArn, spec.family)
  const revision = lastSegment(spec.taskDefinitionArn)
  const description =
    `ecs-fargate-deploy: runs ${revision} in cluster ${lastSegment(spec.clusterArn)} on ${spec.expression} (${spec.timezone})` +
    (spec.runUrl ? `; set by ${spec.runUrl}` : '')
  return {
    Name: name,
    GroupName: spec.group ?? JOB_SCHEDULE_GROUP,
    ScheduleExpression: spec.expression,
    ScheduleExpressionTimezone: spec.timezone,
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: 'ENABLED',
    Description: description.slice(0, MAX_DESCRIPTION),
    Target: {
      Arn: spec.clusterArn,
      RoleArn: spec.roleArn,
      EcsParameters: {
        TaskDefinitionArn: spec.taskDefinitionArn,
        TaskCount: spec.count,
        ...(spec.capacity === 'spot'
          ? { CapacityProviderStrategy: SPOT_STRATEGY }
          : { LaunchType: 'FARGATE' as const }),
        PlatformVersion: 'LATEST',
        NetworkConfiguration: {
          awsvpcConfiguration: {
            Subnets: [...spec.subnets],
            SecurityGroups: spec.securityGroups.length > 0 ? [...spec.securityGroups] : undefined,
            AssignPublicIp: spec.assignPublicIp ? 'ENABLED' : 'DISABLED'
          }
        },
        Group: jobTaskGroup(name),
        Tags: spec.tags.length > 0 ? spec.tags.map(({ key, value }) => ({ key, value })) : undefined
      },
      RetryPolicy: {
        MaximumRetryAttempts: spec.maximumRetryAttempts ?? JOB_RETRY_DEFAULTS.maximumRetryAttempts,
        MaximumEventAgeInSeconds: spec.maximumEventAgeSeconds ?? JOB_RETRY_DEFAULTS.maximumEventAgeSeconds
      },
      DeadLetterConfig: spec.deadLetterQueueArn ? { Arn: spec.deadLetterQueueArn } : undefined
    }
  }
}

/** The job's schedule as EventBridge Scheduler has it, or undefined when there is none. */
export async function getJobSchedule(
  scheduler: SchedulerClient,
  name: string,
  group: string = JOB_SCHEDULE_GROUP
): Promise<GetScheduleCommandOutput | undefined> {
  try {
    return await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group }))
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined
    throw error
  }
}

/**
 * Makes the job's schedule or moves it to this deploy's revision: GetSchedule first (a repeat deploy is the
 * common case, and the revision it ran is worth reporting), then UpdateSchedule, or CreateSchedule when there
 * is none, and an update when a concurrent run made it between the two calls. While a scheduler role made by
 * this run cannot be assumed yet, the write is retried (aws/scheduler.ts's ttl does the same).
 */
export async function ensureJobSchedule(
  scheduler: SchedulerClient,
  spec: JobScheduleSpec,
  options: JobScheduleOptions = {}
): Promise<JobSchedule> {
  const input = buildJobScheduleInput(spec)
  const name = input.Name!
  const group = input.GroupName!
  const existing = await getJobSchedule(scheduler, name, group)
  const result = (created: boolean, scheduleArn: string | undefined): JobSchedule => ({
    scheduleName: name,
    group,
    scheduleArn: scheduleArn ?? existing?.Arn ?? '',
    created,
    previousTaskDefinitionArn: created ? undefined : existing?.Target?.EcsParameters?.TaskDefinitionArn
  })
  return retryWhileRoleIsNew(
    async () => {
      if (existing) {
        const { ScheduleArn } = await scheduler.send(new UpdateScheduleCommand(input))
        return result(false, ScheduleArn)
      }
      try {
        const { ScheduleArn } = await scheduler.send(new CreateScheduleCommand(input))
        return result(true, ScheduleArn)
      } catch (error) {
        if ((error as Error).name !== 'ConflictException') throw error
        const { ScheduleArn } = await scheduler.send(new UpdateScheduleCommand(input))
        return result(false, ScheduleArn)
      }
    },
    (error) => error.name === 'ValidationException' && ROLE_NOT_ASSUMABLE.test(error.message),
    { ...options, clock: options.clock ?? systemClock }
  )
}

/** Deletes the job's schedule; false when there was none (already deleted, or never made). */
export async function deleteJobSchedule(
  scheduler: SchedulerClient,
  job: { cluster: string; family: string; group?: string },
  options: { abortSignal?: AbortSignal } = {}
): Promise<boolean> {
  try {
    await scheduler.send(
      new DeleteScheduleCommand({
        Name: jobName(job.cluster, job.family),
        GroupName: job.group ?? JOB_SCHEDULE_GROUP
      }),
      options
    )
    return true
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false
    throw error
  }
}
