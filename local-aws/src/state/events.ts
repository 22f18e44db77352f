// EventBridge (events) state (EVENTS.md): the rules of the default event bus with their targets and tags, every
// event the local AWS put on the bus, and the SNS stand-in's deliveries (per topic ARN; no SNS API). The pure
// parts the handlers and the publisher share: checking and matching event patterns, the ECS task state change
// event, and what a target's Input, InputPath or InputTransformer makes of an event.
import { randomUUID } from 'node:crypto'

export interface EventTarget {
  Id: string
  Arn: string
  RoleArn?: string
  Input?: string
  InputPath?: string
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string }
  RetryPolicy?: unknown
  DeadLetterConfig?: unknown
}

export interface Rule {
  Name: string
  Arn: string
  EventBusName: string
  EventPattern?: string
  ScheduleExpression?: string
  State: 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'
  Description?: string
  RoleArn?: string
  CreatedBy: string
  /** Target id → target, in the order PutTargets added them. */
  targets: Map<string, EventTarget>
  tags: Array<{ Key: string; Value: string }>
}

/** An event on the default bus, as EventBridge shapes it. */
export interface BusEvent {
  version: '0'
  id: string
  'detail-type': string
  source: string
  account: string
  time: string
  region: string
  resources: string[]
  detail: Record<string, unknown>
}

/** A message the SNS stand-in received from a rule's target. */
export interface SnsMessage {
  topicArn: string
  /** When it was delivered (epoch ms). */
  time: number
  ruleArn: string
  targetId: string
  /** What SNS would publish: the event as JSON, or what the target's Input, InputPath or InputTransformer made. */
  message: string
  /** The id of the event it came from. */
  eventId: string
}

export interface EventsState {
  /** Rule name → rule (the default bus only). */
  rules: Map<string, Rule>
  events: BusEvent[]
  snsMessages: SnsMessage[]
}

export const newEventsState = (): EventsState => ({ rules: new Map(), events: [], snsMessages: [] })

export const DEFAULT_BUS = 'default'

export const ruleArnOf = (region: string, accountId: string, name: string): string =>
  `arn:aws:events:${region}:${accountId}:rule/${name}`

/** arn:aws:sns:REGION:ACCOUNT:TOPIC: the only targets the local AWS delivers to (its SNS stand-in). */
export const SNS_TOPIC_ARN = /^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/

// ---------------------------------------------------------------- event patterns

/**
 * Why an event pattern is not one the local AWS can match (undefined: it is). Known (EventBridge's content
 * filtering): exact strings, numbers, booleans and null; prefix, suffix, equals-ignore-case, anything-but (a
 * value, a list, or a prefix/suffix), numeric (=, <, <=, >, >= with one or two comparisons), exists; nested
 * objects; $or.
 */
export function patternProblem(pattern: unknown, path = ''): string | undefined {
  if (!isObject(pattern)) return `${path || 'The pattern'} must be a JSON object.`
  if (Object.keys(pattern).length === 0 && !path) return 'The pattern must not be empty.'
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        return `"$or" at ${at} must be a list of at least two patterns.`
      for (const branch of value) {
        const problem = patternProblem(branch, at)
        if (problem) return problem
      }
      continue
    }
    if (isObject(value)) {
      const problem = patternProblem(value, at)
      if (problem) return problem
      continue
    }
    if (!Array.isArray(value)) return `Match value for ${at} must be an array or an object.`
    if (value.length === 0) return `Empty arrays are not allowed (${at}).`
    for (const matcher of value) {
      const problem = matcherProblem(matcher, at)
      if (problem) return problem
    }
  }
  return undefined
}

const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>=']

function matcherProblem(matcher: unknown, at: string): string | undefined {
  if (!isObject(matcher)) return undefined
  const keys = Object.keys(matcher)
  if (keys.length !== 1) return `A matcher at ${at} must have exactly one operator.`
  const [operator = ''] = keys
  const operand = matcher[operator]
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      return typeof operand === 'string' ? undefined : `"${operator}" at ${at} takes a string.`
    case 'exists':
      return typeof operand === 'boolean' ? undefined : `"exists" at ${at} takes true or false.`
    case 'anything-but':
      if (isObject(operand)) return matcherProblem(operand, at)
      if (Array.isArray(operand))
        return operand.every((v) => typeof v === 'string' || typeof v === 'number')
          ? undefined
          : `"anything-but" at ${at} takes strings or numbers.`
      return typeof operand === 'string' || typeof operand === 'number'
        ? undefined
        : `"anything-but" at ${at} takes a value, a list or a prefix.`
    case 'numeric': {
      const ok =
        Array.isArray(operand) &&
        (operand.length === 2 || operand.length === 4) &&
        operand.every((v, i) => (i % 2 === 0 ? NUMERIC_OPERATORS.includes(String(v)) : typeof v === 'number'))
      return ok ? undefined : `"numeric" at ${at} takes [">", 0] or [">", 0, "<=", 5].`
    }
    default:
      return `Unrecognized match type ${operator} at ${at}.`
  }
}

/** Whether an event (or any part of it) matches a pattern; an array in the event matches when any item does. */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (Array.isArray(event)) return event.some((item) => matchesPattern(pattern, item))
  const object = isObject(event) ? event : {}
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or')
      return (expected as Array<Record<string, unknown>>).some((branch) => matchesPattern(branch, object))
    const has = Object.prototype.hasOwnProperty.call(object, key)
    const actual = object[key]
    if (isObject(expected)) return has && matchesPattern(expected, actual)
    const matchers = expected as unknown[]
    // Only {"exists": false} matches a field the event lacks.
    if (!has) return matchers.some((m) => isObject(m) && m.exists === false)
    const values = Array.isArray(actual) ? actual : [actual]
    return matchers.some((m) => matchOne(m, values))
  })
}

function matchOne(matcher: unknown, values: unknown[]): boolean {
  if (!isObject(matcher)) return values.some((v) => v === matcher)
  const [[operator, operand] = ['', undefined]] = Object.entries(matcher)
  switch (operator) {
    case 'exists':
      return operand === true
    case 'prefix':
      return values.some((v) => typeof v === 'string' && v.startsWith(String(operand)))
    case 'suffix':
      return values.some((v) => typeof v === 'string' && v.endsWith(String(operand)))
    case 'equals-ignore-case':
      return values.some((v) => typeof v === 'string' && v.toLowerCase() === String(operand).toLowerCase())
    case 'anything-but':
      if (isObject(operand)) return values.every((v) => !matchOne(operand, [v]))
      return values.every(
        (v) => !(Array.isArray(operand) ? operand : [operand]).includes(v as string | number)
      )
    case 'numeric':
      return values.some((v) => typeof v === 'number' && numericMatches(operand as Array<string | number>, v))
    default:
      return false
  }
}

function numericMatches(comparisons: Array<string | number>, value: number): boolean {
  for (let i = 0; i < comparisons.length; i += 2) {
    const bound = Number(comparisons[i + 1])
    const ok = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound
    }[String(comparisons[i]) as '=' | '<' | '<=' | '>' | '>=']
    if (!ok) return false
  }
  return true
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v)

// ---------------------------------------------------------------- events and their delivery

/**
 * ECS's "ECS Task State Change" event for a task, its detail the task as DescribeTasks shows it (times as ISO
 * strings) with updatedAt, as the ECS developer guide's example has it.
 */
export function ecsTaskStateChange(
  accountId: string,
  region: string,
  task: Record<string, unknown>,
  now: Date
): BusEvent {
  const detail = JSON.parse(JSON.stringify({ ...task, updatedAt: now })) as Record<string, unknown>
  delete detail.tags
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: accountId,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [String(task.taskArn)],
    detail
  }
}

/** The value at a JSONPath of the simple form EventBridge takes ($, $.a.b, $.a[0].b). */
export function valueAtPath(event: unknown, path: string): unknown {
  if (path === '$') return event
  const steps = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? []
  let value: unknown = event
  for (const step of steps) {
    if (value === undefined || value === null) return undefined
    const index = /^\[(\d+)\]$/.exec(step)
    value = index ? (value as unknown[])[Number(index[1])] : (value as Record<string, unknown>)[step]
  }
  return value
}

/**
 * What a target receives: Input as is; the value at InputPath; InputTransformer's template with each <name>
 * replaced by its path's value (a string inside quotes as its text, elsewhere as JSON: the rule EventBridge
 * documents for JSON templates; in a template that is not JSON, strings as their text); else the event as JSON.
 */
export function targetMessage(target: EventTarget, event: BusEvent): string {
  if (target.Input !== undefined) return target.Input
  if (target.InputPath !== undefined) return JSON.stringify(valueAtPath(event, target.InputPath) ?? null)
  const transformer = target.InputTransformer
  if (!transformer) return JSON.stringify(event)
  const values = Object.fromEntries(
    Object.entries(transformer.InputPathsMap ?? {}).map(([name, path]) => [name, valueAtPath(event, path)])
  )
  const template = transformer.InputTemplate
  const json = /^\s*[[{]/.test(template)
  let out = ''
  let inString = false
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!
    const placeholder = c === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null
    const name = placeholder?.[1]
    if (placeholder && name !== undefined && Object.prototype.hasOwnProperty.call(values, name)) {
      const value = values[name]
      const text = typeof value === 'string' ? value : JSON.stringify(value ?? null)
      if (!json) out += text
      else if (inString) out += JSON.stringify(text).slice(1, -1)
      else out += JSON.stringify(value ?? null)
      i += placeholder[0].length - 1
      continue
    }
    if (c === '"' && template[i - 1] !== '\\') inString = !inString
    out += c
  }
  return out
}

/**
 * Puts an event on the default bus: each ENABLED rule whose pattern matches it sends it to its targets; an SNS
 * topic target's message is recorded for the stand-in. Returns the deliveries made.
 */
export function putEvent(state: EventsState, event: BusEvent, log: (line: string) => void): SnsMessage[] {
  state.events.push(event)
  const delivered: SnsMessage[] = []
  for (const rule of state.rules.values()) {
    if (rule.State === 'DISABLED' || !rule.EventPattern) continue
    if (!matchesPattern(JSON.parse(rule.EventPattern) as Record<string, unknown>, event)) continue
    for (const target of rule.targets.values()) {
      const message: SnsMessage = {
        topicArn: target.Arn,
        time: Date.now(),
        ruleArn: rule.Arn,
        targetId: target.Id,
        message: targetMessage(target, event),
        eventId: event.id
      }
      state.snsMessages.push(message)
      delivered.push(message)
      log(`events: ${event['detail-type']} ${event.resources[0] ?? ''} -> rule ${rule.Name} -> ${target.Arn}`)
    }
  }
  return delivered
}
