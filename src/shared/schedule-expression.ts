// EventBridge Scheduler's schedule expressions: cron(), rate() and at(), parsed and checked before any AWS call,
// and their next run times in an IANA time zone (Intl only). No imports: inputs/ and every layer above may use it.
//
// Checked against AWS's documentation (Scheduler user guide, "Schedule types", and EventBridge's cron reference):
// cron(minutes hours day-of-month month day-of-week year), six fields; one of day-of-month and day-of-week is `?`;
// day-of-week 1-7 is SUN-SAT; wildcards `, - * /` everywhere but day-of-week (no `/`), `?` `L` `W` in
// day-of-month, `?` `L` `#` in day-of-week; years 1970-2199. rate(N unit): N ≥ 1, the unit singular for 1 only.
// Guesses where the documentation is silent: a range must not wrap (FRI-MON is refused); `L`, `LW`, `NW`, `NL` and
// `N#K` stand alone in their field (no lists), as in Quartz, whose syntax AWS's is; a plain `L` in day-of-week is
// Saturday (Quartz); `NW` for a day the month lacks matches nothing that month; both day fields `?` is refused.

/** What the input validator prints after "is not a valid expression: WHY; write ". */
export const SCHEDULE_EXPRESSION_FORMS = 'cron(0 3 * * ? *) or rate(1 hour)'

export type DayOfMonth =
  | { kind: 'unspecified' } // ?
  | { kind: 'days'; days: number[] } // *, lists, ranges, steps
  | { kind: 'last' } // L
  | { kind: 'lastWeekday' } // LW
  | { kind: 'nearestWeekday'; day: number } // 15W

export type DayOfWeek =
  | { kind: 'unspecified' } // ?
  | { kind: 'days'; days: number[] } // 1-7 = SUN-SAT
  | { kind: 'lastOfMonth'; day: number } // 6L: the month's last Friday
  | { kind: 'nth'; day: number; nth: number } // 2#1: the month's first Monday

export interface CronExpression {
  kind: 'cron'
  text: string
  minutes: number[]
  hours: number[]
  daysOfMonth: DayOfMonth
  months: number[]
  daysOfWeek: DayOfWeek
  years: number[]
}

export interface RateExpression {
  kind: 'rate'
  text: string
  value: number
  unit: 'minute' | 'hour' | 'day'
  /** The interval: Scheduler counts a day as 24 hours, whatever the clock does (DST). */
  seconds: number
}

export interface AtExpression {
  kind: 'at'
  text: string
  /** The wall-clock time, read in the schedule's time zone. */
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

export type ScheduleExpression = CronExpression | RateExpression | AtExpression

export type ParsedScheduleExpression = { expression: ScheduleExpression } | { problem: string }

/** Parses an expression; the problem says why it is not one, and how to write it. */
export function parseScheduleExpression(text: string): ParsedScheduleExpression {
  const match = /^(cron|rate|at)\((.*)\)$/s.exec(text.trim())
  if (!match) return { problem: 'it is none of cron(...), rate(...) and at(...)' }
  const [, kind = '', body = ''] = match
  if (kind === 'rate') return parseRate(text, body)
  if (kind === 'at') return parseAt(text, body)
  return parseCron(text, body)
}

/** undefined when Intl knows the IANA time zone, else why not. */
export function timeZoneProblem(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return undefined
  } catch {
    return `${timeZone} is not an IANA time zone name (write one such as UTC, Europe/Berlin or America/New_York)`
  }
}

const RATE_UNITS = { minute: 60, hour: 3600, day: 86_400 } as const

function parseRate(text: string, body: string): ParsedScheduleExpression {
  const match = /^\s*(\d+)\s+(minute|hour|day)(s?)\s*$/.exec(body)
  if (!match)
    return { problem: 'rate() takes a whole number and a unit: rate(5 minutes), rate(1 hour), rate(2 days)' }
  const [, digits = '', unit = 'minute', plural = ''] = match
  const value = Number(digits)
  const name = unit as keyof typeof RATE_UNITS
  if (value < 1) return { problem: `the rate's value must be 1 or more, not ${digits}` }
  if (value === 1 && plural) return { problem: `write rate(1 ${unit}): the unit is singular for 1` }
  if (value > 1 && !plural) return { problem: `write rate(${value} ${unit}s): the unit is plural above 1` }
  return { expression: { kind: 'rate', text, value, unit: name, seconds: value * RATE_UNITS[name] } }
}

function parseAt(text: string, body: string): ParsedScheduleExpression {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body)
  if (!match) return { problem: 'at() takes a date and time as yyyy-mm-ddThh:mm:ss: at(2027-01-31T03:00:00)' }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { problem: `${body.slice(0, 10)} is not a date of the calendar` }
  }
  if (hour > 23 || minute > 59 || second > 59) return { problem: `${body.slice(11)} is not a time of day` }
  return { expression: { kind: 'at', text, year, month, day, hour, minute, second } }
}

interface FieldSpec {
  name: string
  min: number
  max: number
  names?: readonly string[] // names[i] is the value min + i
  step: boolean
}

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC'
] as const
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const

const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59, step: true }
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23, step: true }
const DAYS_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31, step: true }
const MONTHS: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES, step: true }
const DAYS_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, step: false }
const YEARS: FieldSpec = { name: 'year', min: 1970, max: 2199, step: true }

class FieldProblem extends Error {}

function parseCron(text: string, body: string): ParsedScheduleExpression {
  const fields = body.trim().split(/\s+/)
  if (fields.length !== 6) {
    const hint = fields.length === 5 ? ' (a Unix cron has 5: add the year, as in cron(0 3 * * ? *))' : ''
    return {
      problem: `cron() takes 6 fields (minutes hours day-of-month month day-of-week year), not ${fields.length}${hint}`
    }
  }
  const [minutes = '', hours = '', dom = '', month = '', dow = '', year = ''] = fields
  if ((dom === '?') === (dow === '?')) {
    return {
      problem:
        'one of day-of-month and day-of-week must be ? and the other not: cron(0 3 * * ? *) daily, cron(0 3 ? * MON *) on Mondays'
    }
  }
  try {
    return {
      expression: {
        kind: 'cron',
        text,
        minutes: parseList(minutes, MINUTES),
        hours: parseList(hours, HOURS),
        daysOfMonth: parseDayOfMonth(dom),
        months: parseList(month, MONTHS),
        daysOfWeek: parseDayOfWeek(dow),
        years: parseList(year, YEARS)
      }
    }
  } catch (error) {
    if (error instanceof FieldProblem) return { problem: error.message }
    throw error
  }
}

function parseDayOfMonth(field: string): DayOfMonth {
  if (field === '?') return { kind: 'unspecified' }
  if (field === 'L') return { kind: 'last' }
  if (field === 'LW') return { kind: 'lastWeekday' }
  const weekday = /^(\d+)W$/.exec(field)
  if (weekday) return { kind: 'nearestWeekday', day: parseValue(weekday[1] ?? '', DAYS_OF_MONTH) }
  if (/[LW]/.test(field)) {
    throw new FieldProblem(`day-of-month: ${field} is not valid (L, LW and 15W stand alone in the field)`)
  }
  return { kind: 'days', days: parseList(field, DAYS_OF_MONTH) }
}

function parseDayOfWeek(field: string): DayOfWeek {
  if (field === '?') return { kind: 'unspecified' }
  if (field === 'L') return { kind: 'days', days: [7] }
  const last = /^(\w+)L$/.exec(field)
  if (last) return { kind: 'lastOfMonth', day: parseValue(last[1] ?? '', DAYS_OF_WEEK) }
  const nth = /^(\w+)#(\d+)$/.exec(field)
  if (nth) {
    const count = Number(nth[2])
    if (count < 1 || count > 5) {
      throw new FieldProblem(
        `day-of-week: in ${field} the week of the month must be 1-5 (2#1: the first Monday)`
      )
    }
    return { kind: 'nth', day: parseValue(nth[1] ?? '', DAYS_OF_WEEK), nth: count }
  }
  if (/[L#]/.test(field)) {
    throw new FieldProblem(`day-of-week: ${field} is not valid (6L and 2#1 stand alone in the field)`)
  }
  return { kind: 'days', days: parseList(field, DAYS_OF_WEEK) }
}

/** A field of `*`, values, names, ranges and steps, separated by commas: the sorted values it stands for. */
function parseList(field: string, spec: FieldSpec): number[] {
  const values = new Set<number>()
  for (const item of field.split(',')) {
    const [range = '', step, extra] = item.split('/')
    if (extra !== undefined || (step !== undefined && !spec.step)) {
      throw new FieldProblem(
        `${spec.name}: ${item} is not valid${spec.step ? '' : ` (${spec.name} takes no /)`}`
      )
    }
    let from: number
    let to: number
    if (range === '*') {
      from = spec.min
      to = spec.max
    } else if (range.includes('-')) {
      const [low = '', high = '', more] = range.split('-')
      if (more !== undefined) throw new FieldProblem(`${spec.name}: ${item} is not a range`)
      from = parseValue(low, spec)
      to = parseValue(high, spec)
      if (from > to)
        throw new FieldProblem(`${spec.name}: the range ${range} runs backwards (write ${high}-${low})`)
    } else {
      from = parseValue(range, spec)
      to = step === undefined ? from : spec.max
    }
    let increment = 1
    if (step !== undefined) {
      if (!/^\d+$/.test(step) || Number(step) < 1) {
        throw new FieldProblem(`${spec.name}: the step in ${item} must be a whole number of 1 or more`)
      }
      increment = Number(step)
    }
    for (let value = from; value <= to; value += increment) values.add(value)
  }
  return [...values].sort((a, b) => a - b)
}

function parseValue(token: string, spec: FieldSpec): number {
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1
  if (index >= 0) return spec.min + index
  const range = `${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ''}`
  if (!/^\d+$/.test(token))
    throw new FieldProblem(`${spec.name}: ${token || 'an empty value'} is not ${range}`)
  const value = Number(token)
  if (value < spec.min || value > spec.max) {
    const hint = spec === DAYS_OF_WEEK && value === 0 ? ' (1 is SUN)' : ''
    throw new FieldProblem(`${spec.name}: ${token} is out of range ${range}${hint}`)
  }
  return value
}

// --- calendar -----------------------------------------------------------------------------------------------------

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** 1 = SUN ... 7 = SAT, as cron's day-of-week. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1
}

function dayMatches(expression: CronExpression, year: number, month: number, day: number): boolean {
  const length = daysInMonth(year, month)
  const dom = expression.daysOfMonth
  switch (dom.kind) {
    case 'days':
      return dom.days.includes(day)
    case 'last':
      return day === length
    case 'lastWeekday': {
      const last = weekday(year, month, length)
      return day === length - (last === 1 ? 2 : last === 7 ? 1 : 0)
    }
    case 'nearestWeekday': {
      if (dom.day > length) return false
      const target = weekday(year, month, dom.day)
      let nearest = dom.day
      if (target === 7) nearest = dom.day === 1 ? 3 : dom.day - 1
      if (target === 1) nearest = dom.day === length ? dom.day - 2 : dom.day + 1
      return day === nearest
    }
    case 'unspecified':
      break
  }
  const dow = expression.daysOfWeek
  const today = weekday(year, month, day)
  switch (dow.kind) {
    case 'days':
      return dow.days.includes(today)
    case 'lastOfMonth':
      return today === dow.day && day + 7 > length
    case 'nth':
      return today === dow.day && Math.ceil(day / 7) === dow.nth
    case 'unspecified':
      return false
  }
}

// --- time zones ---------------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock time at an instant in a time zone, as if it were UTC (milliseconds). */
function wallClock(instant: number, timeZone: string): number {
  let format = formatters.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    })
    formatters.set(timeZone, format)
  }
  const part: Record<string, number> = {}
  for (const { type, value } of format.formatToParts(instant)) part[type] = Number(value)
  return Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day, part.hour, part.minute, part.second)
}

/**
 * The instant a wall-clock time (given as if it were UTC) has in a time zone: undefined when the clock skips it
 * (spring forward), the earlier one when it passes twice (fall back), as Scheduler runs such a time once.
 */
function instantOf(wall: number, timeZone: string): number | undefined {
  const candidates = [wall - 86_400_000, wall, wall + 86_400_000]
    .map((probe) => wall - (wallClock(probe, timeZone) - probe))
    .filter((instant) => wallClock(instant, timeZone) === wall)
  return candidates.length ? Math.min(...candidates) : undefined
}

// --- run times ----------------------------------------------------------------------------------------------------

/**
 * The next `count` run times at or after `from`, the expression read in `timeZone`. A cron() time the clock skips
 * (spring forward) does not run; one it passes twice (fall back) runs once, at the first (AWS: "your schedule runs
 * only once"; which of the two is a guess). rate() runs every interval from `start` (Scheduler starts a rate
 * schedule at its StartDate, or at once without one: default `from`), whatever the time zone does. at() runs once.
 */
export function nextRuns(
  expression: ScheduleExpression,
  timeZone: string,
  from: Date,
  count: number,
  start: Date = from
): Date[] {
  const since = from.getTime()
  if (expression.kind === 'rate') {
    const interval = expression.seconds * 1000
    const first = Math.max(0, Math.ceil((since - start.getTime()) / interval))
    return Array.from({ length: count }, (_, i) => new Date(start.getTime() + (first + i) * interval))
  }
  if (expression.kind === 'at') {
    const { year, month, day, hour, minute, second } = expression
    const instant = instantOf(Date.UTC(year, month - 1, day, hour, minute, second), timeZone)
    return instant !== undefined && instant >= since && count > 0 ? [new Date(instant)] : []
  }
  const runs: Date[] = []
  if (count <= 0) return runs
  // From the wall-clock day before `from` (a fall-back hour may map an earlier day's time after it).
  const cursor = new Date(wallClock(since, timeZone) - 86_400_000)
  let year = cursor.getUTCFullYear()
  let month = cursor.getUTCMonth() + 1
  let day = cursor.getUTCDate()
  const lastYear = expression.years[expression.years.length - 1] ?? 0
  while (year <= lastYear) {
    if (!expression.years.includes(year)) {
      ;[year, month, day] = [year + 1, 1, 1]
      continue
    }
    if (!expression.months.includes(month)) {
      ;[year, month, day] = month === 12 ? [year + 1, 1, 1] : [year, month + 1, 1]
      continue
    }
    if (dayMatches(expression, year, month, day)) {
      for (const hour of expression.hours) {
        for (const minute of expression.minutes) {
          const instant = instantOf(Date.UTC(year, month - 1, day, hour, minute), timeZone)
          if (instant === undefined || instant < since) continue
          runs.push(new Date(instant))
          if (runs.length === count) return runs
        }
      }
    }
    if (day < daysInMonth(year, month)) day++
    else [year, month, day] = month === 12 ? [year + 1, 1, 1] : [year, month + 1, 1]
  }
  return runs
}

/** AWS's pricing month: 730 hours. */
export const HOURS_PER_MONTH = 730

/**
 * Runs in an average month, for the cost estimate: rate() exactly (730 hours / interval); cron() the runs of the
 * 365 days from `from` (wall-clock days in `timeZone`; a DST day's skipped or repeated time is not counted apart) / 12;
 * at() 0, since it runs once, not monthly.
 */
export function runsPerMonth(expression: ScheduleExpression, timeZone: string, from: Date): number {
  if (expression.kind === 'rate') return (HOURS_PER_MONTH * 3600) / expression.seconds
  if (expression.kind === 'at') return 0
  const perDay = expression.hours.length * expression.minutes.length
  const cursor = new Date(wallClock(from.getTime(), timeZone))
  let days = 0
  for (let i = 0; i < 365; i++) {
    const year = cursor.getUTCFullYear()
    const month = cursor.getUTCMonth() + 1
    const day = cursor.getUTCDate()
    if (
      expression.years.includes(year) &&
      expression.months.includes(month) &&
      dayMatches(expression, year, month, day)
    ) {
      days++
    }
    cursor.setUTCDate(day + 1)
  }
  return (days * perDay) / 12
}
