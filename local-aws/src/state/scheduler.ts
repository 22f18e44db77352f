// EventBridge Scheduler state (SCHEDULER.md): the schedules of the default group, the record of every target
// invocation (which outlives a schedule deleted after completion), and the pure rules the handlers and the
// schedule runner share: reading a schedule expression, its time in its time zone, a universal target's ARN.

export type ScheduleState = 'ENABLED' | 'DISABLED'
export type ActionAfterCompletion = 'NONE' | 'DELETE'

/** A templated ECS RunTask target's parameters (Target.Arn is the cluster's ARN), as the API names them. */
export interface EcsParameters {
  TaskDefinitionArn: string
  TaskCount?: number
  LaunchType?: 'EC2' | 'FARGATE' | 'EXTERNAL'
  CapacityProviderStrategy?: Array<{ capacityProvider: string; weight?: number; base?: number }>
  NetworkConfiguration?: {
    awsvpcConfiguration?: {
      Subnets: string[]
      SecurityGroups?: string[]
      AssignPublicIp?: 'ENABLED' | 'DISABLED'
    }
  }
  PlatformVersion?: string
  Group?: string
  Tags?: Array<Record<string, string>>
  PropagateTags?: 'TASK_DEFINITION'
  EnableECSManagedTags?: boolean
  EnableExecuteCommand?: boolean
  ReferenceId?: string
  PlacementConstraints?: unknown[]
  PlacementStrategy?: unknown[]
}

export interface ScheduleTarget {
  Arn: string
  RoleArn: string
  Input?: string
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number }
  /** Recorded: a firing whose last attempt failed names it in its invocation (no SQS here to send to). */
  DeadLetterConfig?: { Arn?: string }
  /** An ECS RunTask target (Arn: a cluster ARN). */
  EcsParameters?: EcsParameters
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
  /**
   * When the schedule completed: its one at() invocation succeeded or gave up, or a recurring schedule has no
   * run left (EndDate or its cron() years passed); it never fires again.
   */
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
  /** When the firing was due (scheduler clock, epoch ms; an overdue at() its past time). */
  scheduledTime?: number
  /** ECS RunTask targets: the tasks the attempt started. */
  taskArns?: string[]
  /** A failed firing's last attempt: the DeadLetterConfig queue the event would have gone to. */
  deadLetter?: string
  /** Why no retry was made although attempts were left (MaximumEventAgeInSeconds passed). */
  dropped?: string
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
    return fields.length === 6 && cronFieldsValid(fields) ? { kind: 'cron', fields } : undefined
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

// ---------------------------------------------------------------- recurring schedules (SCHEDULER.md, "Firing")

/**
 * A cron() field's values, or undefined for what the local evaluator does not know: `*`, `?`, numbers, names
 * (JAN-DEC, SUN-SAT), ranges, steps and lists are known; L, W and # are not (such a schedule never fires here).
 */
function cronValues(
  field: string,
  min: number,
  max: number,
  names: readonly string[] = []
): number[] | undefined {
  if (field === '*' || field === '?') return Array.from({ length: max - min + 1 }, (_, i) => min + i)
  const values: number[] = []
  const value = (token: string): number | undefined => {
    const named = names.indexOf(token.toUpperCase())
    const n = named >= 0 ? min + named : /^\d+$/.test(token) ? Number(token) : NaN
    return n >= min && n <= max ? n : undefined
  }
  for (const item of field.split(',')) {
    const m = /^(\*|\w+)(?:-(\w+))?(?:\/(\d+))?$/.exec(item)
    if (!m) return undefined
    const from = m[1] === '*' ? min : value(m[1]!)
    const to = m[2] !== undefined ? value(m[2]) : m[1] === '*' || m[3] !== undefined ? max : from
    const step = m[3] === undefined ? 1 : Number(m[3])
    if (from === undefined || to === undefined || step < 1) return undefined
    for (let v = from; v <= to; v += step) values.push(v)
  }
  return values
}

/**
 * Whether six cron() fields are in AWS's syntax: values in range, one of day-of-month and day-of-week `?` (not
 * both), and L, W and # only in the forms AWS documents (L, LW, 15W; L, 6L, FRIL, 2#1), alone in their field.
 */
export function cronFieldsValid(fields: string[]): boolean {
  const [mi = '', h = '', dom = '', mon = '', dow = '', yr = ''] = fields
  if ((dom === '?') === (dow === '?')) return false
  if ([mi, h, mon, yr].some((f) => f.includes('?'))) return false
  // A field with L, W (day-of-month) or L, # (day-of-week; no day name has those letters) takes one special form.
  const special = (field: string, marks: RegExp, forms: RegExp, values: (token: string) => boolean) => {
    if (!marks.test(field.toUpperCase())) return undefined
    const m = forms.exec(field.toUpperCase())
    if (!m) return false
    const token = m[1] ?? m[2]
    return token === undefined || values(token)
  }
  const day = (t: string) => Number(t) >= 1 && Number(t) <= 31
  const weekday = (t: string) => cronValues(t, 1, 7, WEEKDAYS) !== undefined
  const domSpecial = special(dom, /[LW]/, /^(?:L|LW|(\d{1,2})W)$/, day)
  const dowSpecial = special(dow, /[L#]/, /^(?:L|(\w{1,3})L|(\w{1,3})#[1-5])$/, weekday)
  return (
    cronValues(mi, 0, 59) !== undefined &&
    cronValues(h, 0, 23) !== undefined &&
    (domSpecial ?? (dom === '?' || cronValues(dom, 1, 31) !== undefined)) &&
    cronValues(mon, 1, 12, MONTHS) !== undefined &&
    (dowSpecial ?? (dow === '?' || (cronValues(dow, 1, 7, WEEKDAYS) !== undefined && !dow.includes('/')))) &&
    cronValues(yr, 1970, 2199) !== undefined
  )
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

/** The wall-clock time at an instant in a zone, as if it were UTC, to the second. */
const wallClock = (instant: number, zone: string): number =>
  Math.floor(instant / 1000) * 1000 + zoneOffsetMs(instant, zone)

/** The instant of a wall-clock time in a zone: undefined when DST skips it, the first when it passes twice. */
function instantOfWall(wall: number, zone: string): number | undefined {
  const found = [wall - 86_400_000, wall + 86_400_000]
    .map((probe) => wall - zoneOffsetMs(probe, zone))
    .filter((instant) => wallClock(instant, zone) === wall)
  return found.length ? Math.min(...found) : undefined
}

/**
 * The first time at or after `from` (epoch ms) that a cron() expression's six fields name in the zone, within
 * five years; undefined when there is none or the fields use what the local evaluator does not know.
 */
export function nextCronTime(fields: string[], zone: string, from: number): number | undefined {
  const [mi, h, dom, mon, dow, yr] = fields
  const minutes = cronValues(mi ?? '', 0, 59)
  const hours = cronValues(h ?? '', 0, 23)
  const days = cronValues(dom ?? '', 1, 31)
  const months = cronValues(mon ?? '', 1, 12, MONTHS)
  const weekdays = cronValues(dow ?? '', 1, 7, WEEKDAYS)
  const years = cronValues(yr ?? '', 1970, 2199)
  if (!minutes || !hours || !days || !months || !weekdays || !years) return undefined
  const day = new Date(wallClock(from, zone) - 86_400_000)
  day.setUTCHours(0, 0, 0, 0)
  for (let i = 0; i < 5 * 366; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    if (!years.includes(day.getUTCFullYear()) || !months.includes(day.getUTCMonth() + 1)) continue
    if (!days.includes(day.getUTCDate()) || !weekdays.includes(day.getUTCDay() + 1)) continue
    for (const hour of hours)
      for (const minute of minutes) {
        const instant = instantOfWall(day.getTime() + hour * 3_600_000 + minute * 60_000, zone)
        if (instant !== undefined && instant >= from) return instant
      }
  }
  return undefined
}

const RATE_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const

/**
 * When a schedule fires next, at or after `from` (scheduler-clock epoch ms): at() its instant (once); rate()
 * every interval from its StartDate, or from `armedAt` (its create or update) without one; cron() its next
 * matching minute in its time zone. StartDate and EndDate bound the recurring ones. Undefined: never again.
 */
export function nextFireTime(schedule: Schedule, from: number, armedAt: number): number | undefined {
  const expression = parseScheduleExpression(schedule.ScheduleExpression)
  if (!expression) return undefined
  if (expression.kind === 'at') return atInstant(expression, schedule.ScheduleExpressionTimezone)
  const start = schedule.StartDate?.getTime()
  const since = Math.max(from, start ?? from)
  let next: number | undefined
  if (expression.kind === 'rate') {
    const interval = expression.value * RATE_MS[expression.unit.replace(/s$/, '') as keyof typeof RATE_MS]
    const anchor = start ?? armedAt
    next = anchor + Math.max(0, Math.ceil((since - anchor) / interval)) * interval
  } else next = nextCronTime(expression.fields, schedule.ScheduleExpressionTimezone, since)
  const end = schedule.EndDate?.getTime()
  return next !== undefined && (end === undefined || next < end) ? next : undefined
}
