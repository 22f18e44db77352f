// What every service handler is handed: the context (account, switches, the registry, the task runner and each
// service's state) and the request's region and key, plus the parameter readers. Imports no service.
import { randomBytes } from 'node:crypto'
import { AwsError } from './protocol.js'
import type { Registry } from './registry.js'
import type { Ec2State } from './state/ec2.js'
import type { EcrState } from './state/ecr.js'
import type { EcsState, Task } from './state/ecs.js'
import type { EventsState } from './state/events.js'
import type { ExpressService, ExpressState } from './state/express.js'
import type { IamState } from './state/iam.js'
import type { LogsState } from './state/logs.js'
import type { Schedule, SchedulerState } from './state/scheduler.js'
import type { StandardService, StandardState } from './state/standard.js'

/** Failure-test switches (setBehaviour / POST /_local/behaviour). */
export interface Behaviour {
  /** DescribeTasks answers failures[MISSING] for each task's first N describes after RunTask (eventual consistency). */
  describeTasksMissingTimes: number
  /** DescribeNetworkInterfaces shows no Association (public IP) for each ENI's first N describes. */
  publicIpDelayDescribes: number
  /** RunTask answers these failures and starts no task. Empty: normal. */
  runTaskFailures: Array<{ reason: string; detail?: string; arn?: string }>
  /** A task on FARGATE_SPOT is interrupted (stopCode SpotInterruption) this long after it is RUNNING. Null: never. */
  spotInterruptionAfterMs: number | null
  /**
   * A STOPPED task's network interface still holds its security groups for the next N DeleteSecurityGroup calls
   * on them (DependencyViolation), as AWS's interface teardown lags behind STOPPED. 0: released at STOPPED.
   */
  eniHoldsGroupDeletes: number
  /**
   * The values of container secrets (valueFrom → value), as Secrets Manager or SSM Parameter Store would give
   * them to ECS: a task whose secrets are all here starts with them in its environment. Empty: secrets fail.
   */
  secretValues: Record<string, string>
  /** CloudWatch alarms in ALARM: a standard service deployment that monitors one of them fails (SERVICES.md). */
  alarmsInAlarm: string[]
  /**
   * The health check path of a target group (targetGroupArn → path) a standard service's front checks its
   * targets on; ELBv2 is not emulated, so a target group not listed is checked on an ALB's default, `/`.
   */
  targetGroupHealthCheckPaths: Record<string, string>
}

export const defaultBehaviour = (): Behaviour => ({
  describeTasksMissingTimes: 0,
  publicIpDelayDescribes: 0,
  runTaskFailures: [],
  spotInterruptionAfterMs: null,
  eniHoldsGroupDeletes: 0,
  secretValues: {},
  alarmsInAlarm: [],
  targetGroupHealthCheckPaths: {}
})

export interface TaskTimings {
  provisioningMs: number
  pendingMs: number
  stopGraceSeconds: number
  /** Express services: milliseconds between the front's health checks of a target (an ALB's is 30 s). */
  healthCheckIntervalMs: number
  /** Express services: health check failures this soon after a task starts do not count (grace period). */
  healthCheckGraceMs: number
  /** Express services: how long a deployment bakes after the traffic shift before the old tasks stop. */
  bakeTimeMs: number
  /**
   * Standard services: how long one of ECS's "minutes" lasts here (bakeTimeInMinutes, the linear and canary step
   * bake times; healthCheckGracePeriodSeconds by the same scale). 60000: real time.
   */
  minuteMs: number
  /** EventBridge Scheduler: retries after a failed target invocation (AWS's RetryPolicy default: 185 over 24 h). */
  scheduleRetries: number
  /** EventBridge Scheduler: the wait before the first retry, doubled before each next one. */
  scheduleRetryBackoffMs: number
}

/** What the ECS handlers ask of the task runner (task-runner.ts implements it; tests may pass their own). */
export interface TaskLauncher {
  /** Starts running a task that RunTask has just recorded in PROVISIONING. */
  start(task: Task): void
  /** StopTask: records the stop and tears the containers down in the background (stopCode UserInitiated unless given). */
  stop(task: Task, reason: string | undefined, stopCode?: string): void
}

/** What the Express handlers ask of the service controllers (service-controller.ts implements it). */
export interface ServiceLauncher {
  /** A service was just created: start its front, which sets its endpoint. */
  open(service: ExpressService): Promise<void>
  /** A deployment was just recorded (PENDING) by a create or an update: start moving it. */
  deploy(service: ExpressService): void
  /** The service was just set DRAINING: stop taking requests, stop its tasks, then INACTIVE. */
  delete(service: ExpressService): void
}

/**
 * The scheduler's clock (SCHEDULER.md, "The scheduler clock"): `speed` scheduler milliseconds pass per real one;
 * `advanceMs` moves it forward at once; `now` (epoch ms or an ISO date) sets it.
 */
export interface SchedulerClockSetting {
  speed?: number
  advanceMs?: number
  now?: number | string
}

/** What the standard service handlers ask of their controllers (standard-controller.ts implements it). */
export interface StandardLauncher {
  /** A service was just created: start a front for each of its target groups (sets `fronts`). */
  open(service: StandardService): Promise<void>
  /** A deployment was recorded, a deployment stop asked for, or the desired count changed: act on it. */
  reconcile(service: StandardService): void
  /** The service was just set DRAINING: stop its tasks, close its fronts, then INACTIVE. */
  delete(service: StandardService): void
}

/** What the Scheduler handlers ask of the schedule runner (schedule-runner.ts implements it). */
export interface ScheduleLauncher {
  /** Reads the scheduler clock, after changing it when a setting is given (every schedule is re-armed). */
  clock(setting?: SchedulerClockSetting): { now: string; speed: number }
  /** A schedule was just created or updated: (re-)arm its timer, cancelling any earlier one and its retries. */
  arm(schedule: Schedule): void
  /** The schedule was just deleted: cancel its timer and retries. */
  cancel(schedule: Schedule): void
  /** Whether a universal target's operation (ecs, DeleteExpressGatewayService) is one the local AWS can call. */
  canInvoke(service: string, operation: string): boolean
}

export interface RequestInfo {
  region: string
  accessKeyId: string
}

export interface Context {
  accountId: string
  behaviour: Behaviour
  timings: TaskTimings
  registry: Registry
  runner: TaskLauncher
  services: ServiceLauncher
  standardServices: StandardLauncher
  schedules: ScheduleLauncher
  ecs: EcsState
  express: ExpressState
  standard: StandardState
  ec2: Ec2State
  iam: IamState
  logs: LogsState
  ecr: EcrState
  scheduler: SchedulerState
  /** EventBridge: the default bus's rules, its events and the SNS stand-in's messages. */
  events: EventsState
  log: (line: string) => void
}

export type Handler = (
  ctx: Context,
  params: Record<string, unknown>,
  req: RequestInfo
) => unknown | Promise<unknown>

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex')

// ---------------------------------------------------------------- parameter readers
// The SDK validates types client-side only loosely; AWS answers missing/invalid members with the service's
// validation error, so handlers read params through these.

export function str(p: Record<string, unknown>, key: string): string | undefined {
  const v = p[key]
  if (v === undefined || v === null) return undefined
  return String(v)
}

export function requireStr(
  p: Record<string, unknown>,
  key: string,
  code = 'InvalidParameterException'
): string {
  const v = str(p, key)
  if (v === undefined || v === '') {
    throw new AwsError(
      code,
      `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`
    )
  }
  return v
}

export function arr<T = unknown>(p: Record<string, unknown> | undefined, key: string): T[] {
  const v = p?.[key]
  return Array.isArray(v) ? (v as T[]) : []
}

export function obj(
  p: Record<string, unknown> | undefined,
  key: string
): Record<string, unknown> | undefined {
  const v = p?.[key]
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

export function num(p: Record<string, unknown>, key: string): number | undefined {
  const v = p[key]
  if (v === undefined || v === null || v === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) ? n : undefined
}
