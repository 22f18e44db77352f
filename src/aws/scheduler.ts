// A service's time to live in EventBridge Scheduler: one one-time schedule per service (efd-ttl-…), made or
// moved on every deploy with a ttl, that deletes the service at its time and then deletes itself; and the
// delete of that schedule when the service goes first or the ttl is removed. Names, the target and the role's
// documents are in shared/ttl-role.ts.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient
} from '@aws-sdk/client-scheduler'
import { parseArn } from '../shared/arn.js'
import { systemClock } from '../shared/clock.js'
import { retryWhileRoleIsNew, type RoleRetries } from '../shared/role-retries.js'
import {
  SCHEDULE_GROUP,
  atExpression,
  deleteServiceTarget,
  expiryScheduleName,
  expiryTime
} from '../shared/ttl-role.js'

export interface ExpirySpec {
  serviceArn: string
  /** The ttl role's ARN. */
  roleArn: string
  expiresAt: Date
  /** Said in the schedule's description: the ttl as given and the workflow run. */
  ttl: string
  runUrl?: string
}

export type ExpiryOptions = Partial<RoleRetries>

export interface Expiry {
  scheduleName: string
  expiresAt: Date
  /** True when this deploy made the schedule, false when it moved an existing one. */
  created: boolean
}

/** What EventBridge Scheduler answers while a role created moments ago cannot be assumed yet. */
const ROLE_NOT_ASSUMABLE = /must allow AWS EventBridge Scheduler to assume the role|assume the role/i

/** CreateSchedule's and UpdateSchedule's request: a one-time, exact, self-deleting delete of the service. */
export function buildScheduleInput(spec: ExpirySpec): CreateScheduleCommandInput {
  const partition = parseArn(spec.serviceArn)?.partition ?? 'aws'
  return {
    Name: expiryScheduleName(spec.serviceArn),
    GroupName: SCHEDULE_GROUP,
    ScheduleExpression: atExpression(spec.expiresAt),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    Description:
      `ecs-fargate-deploy: deletes ECS Express Mode service ${spec.serviceArn} at ${expiryTime(spec.expiresAt)} (ttl ${spec.ttl})` +
      (spec.runUrl ? `; set by ${spec.runUrl}` : ''),
    Target: {
      Arn: deleteServiceTarget(partition),
      RoleArn: spec.roleArn,
      Input: JSON.stringify({ ServiceArn: spec.serviceArn })
    }
  }
}

/**
 * Moves the service's schedule to the new expiry, or makes it: UpdateSchedule first (a repeat deploy is the
 * common case), CreateSchedule when there is none, and an update again when a concurrent run made it first.
 */
export async function scheduleServiceExpiry(
  scheduler: SchedulerClient,
  spec: ExpirySpec,
  options: ExpiryOptions = {}
): Promise<Expiry> {
  const input = buildScheduleInput(spec)
  const result = (created: boolean): Expiry => ({
    scheduleName: input.Name!,
    expiresAt: spec.expiresAt,
    created
  })
  return retryWhileRoleIsNew(
    async () => {
      try {
        await scheduler.send(new UpdateScheduleCommand(input))
        return result(false)
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error
      }
      try {
        await scheduler.send(new CreateScheduleCommand(input))
        return result(true)
      } catch (error) {
        if ((error as Error).name !== 'ConflictException') throw error
        await scheduler.send(new UpdateScheduleCommand(input))
        return result(false)
      }
    },
    (error) => error.name === 'ValidationException' && ROLE_NOT_ASSUMABLE.test(error.message),
    { ...options, clock: options.clock ?? systemClock }
  )
}

/** Deletes the service's schedule; false when there was none (it fired already, or never existed). */
export async function deleteServiceExpiry(
  scheduler: SchedulerClient,
  serviceArn: string,
  options: { abortSignal?: AbortSignal } = {}
): Promise<boolean> {
  try {
    await scheduler.send(
      new DeleteScheduleCommand({ Name: expiryScheduleName(serviceArn), GroupName: SCHEDULE_GROUP }),
      options
    )
    return true
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false
    throw error
  }
}
