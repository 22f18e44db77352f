// Amazon EventBridge (events; JSON 1.1, target prefix AWSEvents; EVENTS.md): rules on the default event bus with
// an event pattern, SNS topic targets, and tags. The handlers validate as botocore's `events` model says
// (required members, lengths, patterns, enums) and as the service does (the pattern's syntax, one input kind per
// target, the five-target limit, no delete of a rule with targets). The local AWS puts events on the bus itself
// (ECS task state changes) and a matching rule's SNS targets record them for the SNS stand-in.
import type { Context, Handler, RequestInfo } from '../context.js'
import { AwsError } from '../protocol.js'
import {
  DEFAULT_BUS,
  SNS_TOPIC_ARN,
  patternProblem,
  ruleArnOf,
  type EventTarget,
  type Rule
} from '../state/events.js'

type Params = Record<string, unknown>

const validation = (message: string): AwsError => new AwsError('ValidationException', message)

const failed = (value: unknown, member: string, constraint: string): AwsError =>
  validation(
    `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${String(value)}'`} at '${member}' failed to satisfy constraint: ${constraint}`
  )

const NAME_PATTERN = '^[\\.\\-_A-Za-z0-9]+$'
const isObject = (v: unknown): v is Params => !!v && typeof v === 'object' && !Array.isArray(v)

function stringMember(
  p: Params,
  key: string,
  member: string,
  rule: { required?: boolean; min?: number; max?: number; pattern?: string; enum?: readonly string[] }
): string | undefined {
  const v = p[key]
  if (v === undefined || v === null) {
    if (rule.required) throw failed(undefined, member, 'Member must not be null')
    return undefined
  }
  if (typeof v !== 'string')
    throw new AwsError('SerializationException', `Value for '${member}' must be a string.`)
  if (v.length < (rule.min ?? 0))
    throw failed(v, member, `Member must have length greater than or equal to ${rule.min ?? 0}`)
  if (rule.max !== undefined && v.length > rule.max)
    throw failed(v, member, `Member must have length less than or equal to ${rule.max}`)
  if (rule.pattern && !new RegExp(rule.pattern).test(v))
    throw failed(v, member, `Member must satisfy regular expression pattern: ${rule.pattern.slice(1, -1)}`)
  if (rule.enum && !rule.enum.includes(v))
    throw failed(v, member, `Member must satisfy enum value set: [${rule.enum.join(', ')}]`)
  return v
}

/** The bus a request names: only the default bus exists locally (by name or ARN). */
function checkBus(p: Params): void {
  const bus = stringMember(p, 'EventBusName', 'eventBusName', { min: 1, max: 1600 }) ?? DEFAULT_BUS
  const name = bus.startsWith('arn:') ? bus.slice(bus.lastIndexOf('/') + 1) : bus
  if (name !== DEFAULT_BUS)
    throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`)
}

const ruleName = (p: Params, key = 'Name'): string =>
  stringMember(p, key, key.charAt(0).toLowerCase() + key.slice(1), {
    required: true,
    min: 1,
    max: 64,
    pattern: NAME_PATTERN
  })!

function existing(ctx: Context, name: string): Rule {
  const rule = ctx.events.rules.get(name)
  if (!rule)
    throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus default.`)
  return rule
}

function readTags(p: Params, member = 'tags'): Array<{ Key: string; Value: string }> | undefined {
  const v = p.Tags
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v)) throw new AwsError('SerializationException', `Value for '${member}' must be a list.`)
  return v.map((tag: unknown, i) => {
    if (!isObject(tag))
      throw new AwsError('SerializationException', `Value for '${member}' must be a list of tags.`)
    const at = `${member}.${i + 1}.member`
    return {
      Key: stringMember(tag, 'Key', `${at}.key`, { required: true, min: 1, max: 128 })!,
      Value: stringMember(tag, 'Value', `${at}.value`, { required: true, max: 256 })!
    }
  })
}

const PutRule: Handler = (ctx, p, req: RequestInfo) => {
  const name = ruleName(p)
  checkBus(p)
  const schedule = stringMember(p, 'ScheduleExpression', 'scheduleExpression', { max: 256 })
  const pattern = stringMember(p, 'EventPattern', 'eventPattern', { max: 4096 })
  const state = (stringMember(p, 'State', 'state', {
    enum: ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']
  }) ?? 'ENABLED') as Rule['State']
  const description = stringMember(p, 'Description', 'description', { max: 512 })
  const roleArn = stringMember(p, 'RoleArn', 'roleArn', { min: 1, max: 1600 })
  const tags = readTags(p)
  if (!schedule && !pattern)
    throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.')
  if (pattern !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(pattern)
    } catch {
      throw new AwsError(
        'InvalidEventPatternException',
        'Event pattern is not valid. Reason: it is not JSON.'
      )
    }
    const problem = patternProblem(parsed)
    if (problem)
      throw new AwsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${problem}`)
  }
  const before = ctx.events.rules.get(name)
  const rule: Rule = {
    Name: name,
    Arn: ruleArnOf(req.region, ctx.accountId, name),
    EventBusName: DEFAULT_BUS,
    EventPattern: pattern,
    ScheduleExpression: schedule,
    State: state,
    Description: description,
    RoleArn: roleArn,
    CreatedBy: ctx.accountId,
    // An update keeps the rule's targets and tags (Tags apply when the rule is created).
    targets: before?.targets ?? new Map(),
    tags: before?.tags ?? tags ?? []
  }
  ctx.events.rules.set(name, rule)
  return { RuleArn: rule.Arn }
}

const ruleView = (rule: Rule): Params => ({
  Name: rule.Name,
  Arn: rule.Arn,
  EventPattern: rule.EventPattern,
  ScheduleExpression: rule.ScheduleExpression,
  State: rule.State,
  Description: rule.Description,
  RoleArn: rule.RoleArn,
  EventBusName: rule.EventBusName
})

const DescribeRule: Handler = (ctx, p) => {
  const name = ruleName(p)
  checkBus(p)
  return { ...ruleView(existing(ctx, name)), CreatedBy: ctx.accountId }
}

const DeleteRule: Handler = (ctx, p) => {
  const name = ruleName(p)
  checkBus(p)
  const rule = ctx.events.rules.get(name)
  // Deleting a rule that is gone succeeds (a guess: AWS's model lists ResourceNotFoundException, but its
  // DeleteRule is documented as idempotent in practice).
  if (!rule) return {}
  if (rule.targets.size > 0) throw validation("Rule can't be deleted since it has targets.")
  ctx.events.rules.delete(name)
  return {}
}

const ListRules: Handler = (ctx, p) => {
  checkBus(p)
  const prefix = stringMember(p, 'NamePrefix', 'namePrefix', { min: 1, max: 64, pattern: NAME_PATTERN })
  const limit = typeof p.Limit === 'number' ? p.Limit : 100
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw failed(p.Limit, 'limit', 'Member must have value less than or equal to 100')
  const start = p.NextToken === undefined ? 0 : Number(p.NextToken)
  if (!Number.isInteger(start) || start < 0) throw validation('The NextToken is not valid.')
  const all = [...ctx.events.rules.values()]
    .filter((r) => !prefix || r.Name.startsWith(prefix))
    .sort((a, b) => a.Name.localeCompare(b.Name))
  return {
    Rules: all.slice(start, start + limit).map(ruleView),
    NextToken: start + limit < all.length ? String(start + limit) : undefined
  }
}

const MAX_TARGETS = 5

function readTarget(t: unknown, i: number): EventTarget {
  const at = `targets.${i + 1}.member`
  if (!isObject(t)) throw new AwsError('SerializationException', `Value for '${at}' must be a structure.`)
  const target: EventTarget = {
    Id: stringMember(t, 'Id', `${at}.id`, { required: true, min: 1, max: 64, pattern: NAME_PATTERN })!,
    Arn: stringMember(t, 'Arn', `${at}.arn`, { required: true, min: 1, max: 1600 })!
  }
  const roleArn = stringMember(t, 'RoleArn', `${at}.roleArn`, { min: 1, max: 1600 })
  const input = stringMember(t, 'Input', `${at}.input`, { max: 8192 })
  const inputPath = stringMember(t, 'InputPath', `${at}.inputPath`, { max: 256 })
  const transformer = t.InputTransformer
  if ([input, inputPath, transformer].filter((v) => v !== undefined && v !== null).length > 1)
    throw validation('Only one of Input, InputPath, or InputTransformer must be provided.')
  if (input !== undefined) {
    try {
      JSON.parse(input)
    } catch {
      throw validation(`Target ${target.Id}: Input is not valid JSON text.`)
    }
  }
  if (inputPath !== undefined && !/^\$(\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(inputPath))
    throw validation(`Target ${target.Id}: InputPath ${inputPath} is not a valid JSONPath.`)
  if (transformer !== undefined && transformer !== null) {
    if (!isObject(transformer))
      throw new AwsError('SerializationException', `Value for '${at}.inputTransformer' must be a structure.`)
    const template = stringMember(transformer, 'InputTemplate', `${at}.inputTransformer.inputTemplate`, {
      required: true,
      min: 1,
      max: 8192
    })!
    const paths = transformer.InputPathsMap
    if (paths !== undefined && (!isObject(paths) || Object.values(paths).some((v) => typeof v !== 'string')))
      throw new AwsError(
        'SerializationException',
        `Value for '${at}.inputTransformer.inputPathsMap' must be a map of strings.`
      )
    if (paths && Object.keys(paths).length > 100)
      throw failed(
        `{${Object.keys(paths).length} entries}`,
        `${at}.inputTransformer.inputPathsMap`,
        'Member must have length less than or equal to 100'
      )
    target.InputTransformer = {
      InputTemplate: template,
      ...(paths ? { InputPathsMap: paths as Record<string, string> } : {})
    }
  }
  // Local: the SNS stand-in is the only target that receives anything.
  if (!SNS_TOPIC_ARN.test(target.Arn))
    throw validation(
      `The local AWS delivers rule targets only to SNS topics (arn:aws:sns:REGION:ACCOUNT:TOPIC); ${target.Arn} is not one.`
    )
  if (roleArn) target.RoleArn = roleArn
  if (input !== undefined) target.Input = input
  if (inputPath !== undefined) target.InputPath = inputPath
  if (t.RetryPolicy !== undefined) target.RetryPolicy = t.RetryPolicy
  if (t.DeadLetterConfig !== undefined) target.DeadLetterConfig = t.DeadLetterConfig
  return target
}

const PutTargets: Handler = (ctx, p) => {
  const name = ruleName(p, 'Rule')
  checkBus(p)
  const list = p.Targets
  if (list === undefined || list === null) throw failed(undefined, 'targets', 'Member must not be null')
  if (!Array.isArray(list))
    throw new AwsError('SerializationException', "Value for 'targets' must be a list.")
  if (list.length < 1 || list.length > 100)
    throw failed(`[${list.length} items]`, 'targets', 'Member must have length between 1 and 100')
  const rule = existing(ctx, name)
  const targets = list.map(readTarget)
  const ids = new Set([...rule.targets.keys(), ...targets.map((t) => t.Id)])
  if (ids.size > MAX_TARGETS)
    throw new AwsError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.')
  for (const target of targets) rule.targets.set(target.Id, target)
  return { FailedEntryCount: 0, FailedEntries: [] }
}

const RemoveTargets: Handler = (ctx, p) => {
  const name = ruleName(p, 'Rule')
  checkBus(p)
  const ids = p.Ids
  if (ids === undefined || ids === null) throw failed(undefined, 'ids', 'Member must not be null')
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100)
    throw failed(
      Array.isArray(ids) ? `[${ids.length} items]` : ids,
      'ids',
      'Member must have length between 1 and 100'
    )
  const rule = existing(ctx, name)
  for (const id of ids) rule.targets.delete(String(id))
  return { FailedEntryCount: 0, FailedEntries: [] }
}

const ListTargetsByRule: Handler = (ctx, p) => {
  const name = ruleName(p, 'Rule')
  checkBus(p)
  return { Targets: [...existing(ctx, name).targets.values()] }
}

/** The rule a tagging call names by ARN. */
function taggedRule(ctx: Context, p: Params): Rule {
  const arn = stringMember(p, 'ResourceARN', 'resourceARN', { required: true, min: 1, max: 1600 })!
  const rule = [...ctx.events.rules.values()].find((r) => r.Arn === arn)
  if (!rule)
    throw new AwsError(
      'ResourceNotFoundException',
      `Rule ${arn.slice(arn.lastIndexOf('/') + 1)} does not exist on EventBus default.`
    )
  return rule
}

const TagResource: Handler = (ctx, p) => {
  const rule = taggedRule(ctx, p)
  const tags = readTags(p)
  if (!tags) throw failed(undefined, 'tags', 'Member must not be null')
  for (const tag of tags) rule.tags = [...rule.tags.filter((t) => t.Key !== tag.Key), tag]
  return {}
}

const UntagResource: Handler = (ctx, p) => {
  const rule = taggedRule(ctx, p)
  const keys = p.TagKeys
  if (!Array.isArray(keys)) throw failed(undefined, 'tagKeys', 'Member must not be null')
  rule.tags = rule.tags.filter((t) => !keys.includes(t.Key))
  return {}
}

const ListTagsForResource: Handler = (ctx, p) => ({ Tags: taggedRule(ctx, p).tags })

export const eventsHandlers: Record<string, Handler> = {
  PutRule,
  DescribeRule,
  DeleteRule,
  ListRules,
  PutTargets,
  RemoveTargets,
  ListTargetsByRule,
  TagResource,
  UntagResource,
  ListTagsForResource
}

export const eventsSnapshot = (ctx: Context): unknown =>
  [...ctx.events.rules.values()].map((r) => ({
    ...ruleView(r),
    Targets: [...r.targets.values()],
    Tags: r.tags
  }))
