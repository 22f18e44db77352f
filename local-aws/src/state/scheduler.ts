// EventBridge Scheduler state (SCHEDULER.md): the schedules of the default group, the record of every target
// invocation (which outlives a schedule deleted after completion), and the pure rules the handlers and the
// schedule runner share: reading a schedule expression, its time in its time zone, a universal target's ARN.

export type ScheduleState = 'ENABLED' | 'DISABLED'
export type ActionAfterCompletion = 'NONE' | 'DELETE'

export interface ScheduleTarget {
  Arn: string
  RoleArn: string
  Input?: string
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number }
  /** Accepted and shown back, never used locally (universal targets take no parameters of their own). */
  DeadLetterConfig?: { Arn?: string }
}

export interface Schedule {
  Name: string
  GroupName: string
  Arn: string
  region: string
  ScheduleExpression: string
  ScheduleExpressionTimezone: string
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number }
  ActionAfterCompletion: ActionAfterCompletion
  State: ScheduleState
  Description?: string
  StartDate?: Date
  EndDate?: Date
  KmsKeyArn?: string
  Target: ScheduleTarget
  CreationDate: Date
  LastModificationDate: Date
  /** Counts every create and update: a timer or retry armed for an older generation does nothing. */
  generation: number
  /** When the schedule's one at() invocation completed (succeeded or gave up); it never fires again. */
  completedAt?: Date
}

/** One attempt at invoking a schedule's target (also in the call log, with invokedBy 'scheduler'). */
export interface Invocation {
  time: number
  scheduleArn: string
  scheduleName: string
  groupName: string
  /** The role the call was made as (Target.RoleArn). */
  role: string
  target: string
  /** The local service and operation the universal target maps to (ecs, DeleteExpressGatewayService). */
  service: string
  operation: string
  /** The wire parameters the handler was given (Input with ECS's camelCase member names). */
  params: unknown
  /** 1 for the first attempt. */
  attempt: number
  error?: string
  errorMessage?: string
  /** The last attempt of this firing: it succeeded, or no retry is left. */
  final: boolean
}

export interface SchedulerState {
  /** `GROUP/NAME` → schedule. */
  schedules: Map<string, Schedule>
  invocations: Invocation[]
}

export const newSchedulerState = (): SchedulerState => ({ schedules: new Map(), invocations: [] })

export const DEFAULT_GROUP = 'default'

export const scheduleKey = (group: string, name: string): string => `${group}/${name}`

export const scheduleArnOf = (region: string, accountId: string, group: string, name: string): string =>
  `arn:aws:scheduler:${region}:${accountId}:schedule/${group}/${name}`

// ---------------------------------------------------------------- schedule expressions

export type ScheduleExpression =
  | {
      kind: 'at'
      year: number
      month: number
      day: number
      hour: number
      minute: number
      second: number
    }
  | { kind: 'rate'; value: number; unit: 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days' }
  | { kind: 'cron'; fields: string[] }

const AT_RE = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/
const RATE_RE = /^rate\((\d+) (minutes?|hours?|days?)\)$/

/**
 * A schedule expression as EventBridge Scheduler reads it: at(yyyy-mm-ddThh:mm:ss) with a real calendar date,
 * rate(N unit) with N ≥ 1 and the singular unit for 1 only, cron(six fields). Undefined when it is none of these.
 */
export function parseScheduleExpression(expression: string): ScheduleExpression | undefined {
  const at = AT_RE.exec(expression)
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number
    ]
    const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
    const real =
      probe.getUTCFullYear() === year &&
      probe.getUTCMonth() === month - 1 &&
      probe.getUTCDate() === day &&
      hour < 24 &&
      minute < 60 &&
      second < 60
    return real ? { kind: 'at', year, month, day, hour, minute, second } : undefined
  }
  const rate = RATE_RE.exec(expression)
  if (rate) {
    const value = Number(rate[1])
    const unit = rate[2] as 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days'
    if (value < 1 || (value === 1) !== !unit.endsWith('s')) return undefined
    return { kind: 'rate', value, unit }
  }
  const cron = /^cron\((.*)\)$/.exec(expression)
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/)
    return fields.length === 6 ? { kind: 'cron', fields } : undefined
  }
  return undefined
}

/** Whether the IANA time zone name is one Node's Intl knows (UTC, Europe/Paris, ...). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** The offset of the zone from UTC at the instant, in milliseconds (Europe/Paris in summer: +7 200 000). */
function zoneOffsetMs(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  }).formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(instant / 1000) * 1000
}

/** The instant (epoch ms) an at() expression names in its time zone. */
export function atInstant(at: Extract<ScheduleExpression, { kind: 'at' }>, zone: string): number {
  const wall = Date.UTC(at.year, at.month - 1, at.day, at.hour, at.minute, at.second)
  // Two passes settle the offset across a DST change (the offset at the guess, then at the result).
  const first = wall - zoneOffsetMs(wall, zone)
  return wall - zoneOffsetMs(first, zone)
}

// ---------------------------------------------------------------- universal targets

/** arn:aws:scheduler:::aws-sdk:<service>:<apiAction> → its service and API action (ecs, deleteExpressGatewayService). */
export function parseUniversalTarget(arn: string): { service: string; action: string } | undefined {
  const m = /^arn:aws(?:-[a-z]+)*:scheduler:::aws-sdk:([a-z0-9-]+):([a-zA-Z0-9]+)$/.exec(arn)
  return m ? { service: m[1]!, action: m[2]! } : undefined
}

/** The API operation of a universal target's action: deleteExpressGatewayService → DeleteExpressGatewayService. */
export const operationOfAction = (action: string): string => action.charAt(0).toUpperCase() + action.slice(1)

/**
 * A universal target's Input (PascalCase member names, as every universal target takes them) in the wire
 * member names of a JSON service whose model names members in camelCase (ECS, ECR, Logs): the first letter
 * of every member name, at every depth, in lower case.
 */
export function camelCaseMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseMembers)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k.charAt(0).toLowerCase() + k.slice(1),
        camelCaseMembers(v)
      ])
    )
  return value
}
