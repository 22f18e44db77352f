// EventBridge Scheduler (rest-json; SCHEDULER.md): CreateSchedule, UpdateSchedule, GetSchedule, DeleteSchedule
// and ListSchedules in the default group. The handlers validate a request as the API model does (required
// members, patterns, lengths, enums) and as the service does (the expression, the time zone, the execution
// role's trust), record the schedule and hand it to the schedule runner, which fires it.
import type { Context, Handler, RequestInfo } from '../context.js'
import { AwsError, type RestRoute } from '../protocol.js'
import { findRoleByArn, trustsService } from '../state/iam.js'
import {
  DEFAULT_GROUP,
  isTimeZone,
  operationOfAction,
  parseScheduleExpression,
  parseUniversalTarget,
  scheduleArnOf,
  scheduleKey,
  type EcsParameters,
  type Schedule
} from '../state/scheduler.js'

/** The HTTP routes of the operations (botocore's scheduler model). */
export const schedulerRoutes: readonly RestRoute[] = [
  { method: 'POST', path: '/schedules/{Name}', operation: 'CreateSchedule' },
  { method: 'PUT', path: '/schedules/{Name}', operation: 'UpdateSchedule' },
  { method: 'GET', path: '/schedules/{Name}', operation: 'GetSchedule', query: { groupName: 'GroupName' } },
  {
    method: 'DELETE',
    path: '/schedules/{Name}',
    operation: 'DeleteSchedule',
    query: { groupName: 'GroupName', clientToken: 'ClientToken' }
  },
  {
    method: 'GET',
    path: '/schedules',
    operation: 'ListSchedules',
    query: {
      ScheduleGroup: 'GroupName',
      NamePrefix: 'NamePrefix',
      State: 'State',
      MaxResults: 'MaxResults',
      NextToken: 'NextToken'
    }
  }
]

export const validation = (message: string): AwsError => new AwsError('ValidationException', message)

const failed = (value: unknown, member: string, constraint: string): AwsError =>
  validation(
    `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${String(value)}'`} at '${member}' failed to satisfy constraint: ${constraint}`
  )

const NAME_PATTERN = '^[0-9a-zA-Z-_.]+$'
const ROLE_ARN_PATTERN = '^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$'
const KMS_PATTERN = '^arn:aws(-[a-z]+)?:kms:[a-z0-9\\-]+:\\d{12}:(key|alias)\\/[0-9a-zA-Z-_]*$'
const SQS_PATTERN = '^arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+$'
const CLIENT_TOKEN_PATTERN = '^[a-zA-Z0-9-_]+$'
/** Target members of templated targets (ECS RunTask, EventBridge, Kinesis, SageMaker, SQS). */
const TEMPLATED_PARAMETERS = [
  'EcsParameters',
  'EventBridgeParameters',
  'KinesisParameters',
  'SageMakerPipelineParameters',
  'SqsParameters'
]

type Params = Record<string, unknown>

const isObject = (v: unknown): v is Params => !!v && typeof v === 'object' && !Array.isArray(v)

/** A string member: required or not, its length and pattern (the model's constraints). */
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
  if (typeof v !== 'string') throw validation(`Value for '${member}' must be a string.`)
  const min = rule.min ?? 0
  if (v.length < min || (rule.max !== undefined && v.length > rule.max))
    throw failed(
      v,
      member,
      rule.max === undefined
        ? `Member must have length greater than or equal to ${min}`
        : `Member must have length less than or equal to ${rule.max}`
    )
  if (rule.pattern && !new RegExp(rule.pattern).test(v))
    throw failed(v, member, `Member must satisfy regular expression pattern: ${rule.pattern}`)
  if (rule.enum && !rule.enum.includes(v))
    throw failed(v, member, `Member must satisfy enum value set: [${rule.enum.join(', ')}]`)
  return v
}

function integerMember(p: Params, key: string, member: string, min: number, max: number): number | undefined {
  const v = p[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw validation(`Value for '${member}' must be an integer.`)
  if (v < min) throw failed(v, member, `Member must have value greater than or equal to ${min}`)
  if (v > max) throw failed(v, member, `Member must have value less than or equal to ${max}`)
  return v
}

/** rest-json timestamps are epoch seconds. */
function dateMember(p: Params, key: string, member: string): Date | undefined {
  const v = p[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw validation(`Value for '${member}' must be a timestamp.`)
  return new Date(v * 1000)
}

/** The group a request names: only the default group exists locally. */
function groupOf(p: Params): string {
  const group =
    stringMember(p, 'GroupName', 'GroupName', { min: 1, max: 64, pattern: NAME_PATTERN }) ?? DEFAULT_GROUP
  if (group !== DEFAULT_GROUP)
    throw new AwsError('ResourceNotFoundException', `Schedule group ${group} does not exist.`, 404)
  return group
}

const nameOf = (p: Params): string =>
  stringMember(p, 'Name', 'Name', { required: true, min: 1, max: 64, pattern: NAME_PATTERN })!

function readTarget(ctx: Context, p: Params): Schedule['Target'] {
  const t = p.Target
  if (t === undefined || t === null) throw failed(undefined, 'Target', 'Member must not be null')
  if (!isObject(t)) throw validation("Value for 'Target' must be a structure.")
  const arn = stringMember(t, 'Arn', 'Target.Arn', { required: true, min: 1, max: 1600 })!
  const roleArn = stringMember(t, 'RoleArn', 'Target.RoleArn', {
    required: true,
    min: 1,
    max: 1600,
    pattern: ROLE_ARN_PATTERN
  })!
  const input = stringMember(t, 'Input', 'Target.Input', { min: 1 })
  const retry = t.RetryPolicy
  if (retry !== undefined && !isObject(retry))
    throw validation("Value for 'Target.RetryPolicy' must be a structure.")
  const retryPolicy = retry
    ? {
        MaximumEventAgeInSeconds: integerMember(
          retry,
          'MaximumEventAgeInSeconds',
          'Target.RetryPolicy.MaximumEventAgeInSeconds',
          60,
          86400
        ),
        MaximumRetryAttempts: integerMember(
          retry,
          'MaximumRetryAttempts',
          'Target.RetryPolicy.MaximumRetryAttempts',
          0,
          185
        )
      }
    : undefined
  const dlq = t.DeadLetterConfig
  if (dlq !== undefined && !isObject(dlq))
    throw validation("Value for 'Target.DeadLetterConfig' must be a structure.")
  const deadLetter = dlq
    ? {
        Arn: stringMember(dlq, 'Arn', 'Target.DeadLetterConfig.Arn', {
          min: 1,
          max: 1600,
          pattern: SQS_PATTERN
        })
      }
    : undefined
  const ecs = readEcsTarget(t, arn, input)
  if (!ecs) checkUniversalTarget(ctx, t, arn, input)
  const role = findRoleByArn(ctx, roleArn)
  if (!role || !trustsService(role, 'scheduler.amazonaws.com'))
    throw validation(
      'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.'
    )
  return {
    Arn: arn,
    RoleArn: roleArn,
    Input: input,
    RetryPolicy: retryPolicy,
    DeadLetterConfig: deadLetter,
    ...(ecs ? { EcsParameters: ecs } : {})
  }
}

/** Local: a universal target of an operation the local AWS has, with an Input that is its request. */
function checkUniversalTarget(ctx: Context, t: Params, arn: string, input: string | undefined): void {
  // Local: only universal targets of operations the local AWS has can fire; anything else would never run.
  const universal = parseUniversalTarget(arn)
  const templated = TEMPLATED_PARAMETERS.filter((k) => t[k] !== undefined && t[k] !== null)
  if (!universal || templated.length > 0)
    throw validation(
      `The local AWS fires only universal targets (arn:aws:scheduler:::aws-sdk:SERVICE:apiAction, without ${TEMPLATED_PARAMETERS.join(', ')}) and ECS RunTask targets (a cluster ARN with EcsParameters); ${arn} is neither.`
    )
  const operation = operationOfAction(universal.action)
  if (!ctx.schedules.canInvoke(universal.service, operation))
    throw validation(
      `The local AWS does not emulate ${universal.service}:${operation}, the operation of the target ${arn}.`
    )
  if (input !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(input)
    } catch {
      parsed = undefined
    }
    if (!isObject(parsed))
      throw validation('The Input of a universal target must be a JSON object (the API request).')
  }
}

const CLUSTER_ARN_PATTERN = /^arn:aws(-[a-z]+)?:ecs:[a-z0-9-]+:\d{12}:cluster\/[a-zA-Z0-9_-]{1,255}$/

/**
 * A templated ECS RunTask target: Target.Arn a cluster's ARN and EcsParameters checked as the model says (the
 * members' types, lengths, ranges and enums); Input, when given, is the RunTask `overrides` (a JSON object).
 * Undefined when the target is not one (neither an ECS cluster ARN nor EcsParameters).
 */
function readEcsTarget(t: Params, arn: string, input: string | undefined): EcsParameters | undefined {
  const p = t.EcsParameters
  if ((p === undefined || p === null) && !/^arn:aws(-[a-z]+)?:ecs:/.test(arn)) return undefined
  if (p === undefined || p === null)
    throw validation(`EcsParameters is required when the target is an Amazon ECS cluster (${arn}).`)
  if (!isObject(p)) throw validation("Value for 'Target.EcsParameters' must be a structure.")
  if (!CLUSTER_ARN_PATTERN.test(arn))
    throw validation(`The target of EcsParameters must be an Amazon ECS cluster ARN, not ${arn}.`)
  const others = TEMPLATED_PARAMETERS.filter(
    (k) => k !== 'EcsParameters' && t[k] !== undefined && t[k] !== null
  )
  if (others.length > 0)
    throw validation(`A target takes one kind of parameters: EcsParameters, not also ${others.join(', ')}.`)
  const m = 'Target.EcsParameters'
  const out: EcsParameters = {
    TaskDefinitionArn: stringMember(p, 'TaskDefinitionArn', `${m}.TaskDefinitionArn`, {
      required: true,
      min: 1,
      max: 1600
    })!
  }
  const count = integerMember(p, 'TaskCount', `${m}.TaskCount`, 1, 10)
  if (count !== undefined) out.TaskCount = count
  const launchType = stringMember(p, 'LaunchType', `${m}.LaunchType`, {
    enum: ['EC2', 'FARGATE', 'EXTERNAL']
  })
  if (launchType) out.LaunchType = launchType as EcsParameters['LaunchType']
  const strategy = listMember(p, 'CapacityProviderStrategy', `${m}.CapacityProviderStrategy`, 0, 6)
  if (strategy) {
    out.CapacityProviderStrategy = strategy.map((item, i) => {
      const member = `${m}.CapacityProviderStrategy.${i + 1}.member`
      if (!isObject(item)) throw validation(`Value for '${member}' must be a structure.`)
      const entry: { capacityProvider: string; weight?: number; base?: number } = {
        capacityProvider: stringMember(item, 'capacityProvider', `${member}.capacityProvider`, {
          required: true,
          min: 1,
          max: 255
        })!
      }
      const weight = integerMember(item, 'weight', `${member}.weight`, 0, 1000)
      const base = integerMember(item, 'base', `${member}.base`, 0, 100000)
      if (weight !== undefined) entry.weight = weight
      if (base !== undefined) entry.base = base
      return entry
    })
  }
  if (launchType && strategy?.length)
    throw validation('LaunchType and CapacityProviderStrategy cannot both be specified.')
  const network = p.NetworkConfiguration
  if (network !== undefined && network !== null) {
    if (!isObject(network)) throw validation(`Value for '${m}.NetworkConfiguration' must be a structure.`)
    const vpc = network.awsvpcConfiguration
    if (vpc !== undefined && vpc !== null) {
      const member = `${m}.NetworkConfiguration.awsvpcConfiguration`
      if (!isObject(vpc)) throw validation(`Value for '${member}' must be a structure.`)
      const subnets = listMember(vpc, 'Subnets', `${member}.Subnets`, 1, 16, true)!
      const groups = listMember(vpc, 'SecurityGroups', `${member}.SecurityGroups`, 1, 5)
      for (const v of [...subnets, ...(groups ?? [])])
        if (typeof v !== 'string' || v.length < 1 || v.length > 1000)
          throw validation(`Value for '${member}' must be a list of strings of 1 to 1000 characters.`)
      const assign = stringMember(vpc, 'AssignPublicIp', `${member}.AssignPublicIp`, {
        enum: ['ENABLED', 'DISABLED']
      })
      out.NetworkConfiguration = {
        awsvpcConfiguration: {
          Subnets: subnets as string[],
          ...(groups ? { SecurityGroups: groups as string[] } : {}),
          ...(assign ? { AssignPublicIp: assign as 'ENABLED' | 'DISABLED' } : {})
        }
      }
    } else out.NetworkConfiguration = {}
  }
  const platform = stringMember(p, 'PlatformVersion', `${m}.PlatformVersion`, { min: 1, max: 64 })
  if (platform) out.PlatformVersion = platform
  const group = stringMember(p, 'Group', `${m}.Group`, { min: 1, max: 255 })
  if (group) out.Group = group
  const propagate = stringMember(p, 'PropagateTags', `${m}.PropagateTags`, { enum: ['TASK_DEFINITION'] })
  if (propagate) out.PropagateTags = 'TASK_DEFINITION'
  const reference = stringMember(p, 'ReferenceId', `${m}.ReferenceId`, { max: 1024 })
  if (reference !== undefined) out.ReferenceId = reference
  for (const flag of ['EnableECSManagedTags', 'EnableExecuteCommand'] as const) {
    const v = p[flag]
    if (v === undefined || v === null) continue
    if (typeof v !== 'boolean') throw validation(`Value for '${m}.${flag}' must be a boolean.`)
    out[flag] = v
  }
  const tags = listMember(p, 'Tags', `${m}.Tags`, 0, 50)
  if (tags) {
    out.Tags = tags.map((tag, i) => {
      const member = `${m}.Tags.${i + 1}.member`
      if (!isObject(tag)) throw validation(`Value for '${member}' must be a map.`)
      for (const [k, v] of Object.entries(tag)) {
        if (k.length < 1 || k.length > 128)
          throw failed(k, `${member}.key`, 'Member must have length less than or equal to 128')
        if (typeof v !== 'string' || v.length < 1 || v.length > 256)
          throw failed(v, `${member}.value`, 'Member must have length less than or equal to 256')
      }
      return tag as Record<string, string>
    })
  }
  for (const key of ['PlacementConstraints', 'PlacementStrategy'] as const) {
    const list = listMember(p, key, `${m}.${key}`, 0, key === 'PlacementConstraints' ? 10 : 5)
    if (list) out[key] = list
  }
  if (input !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(input)
    } catch {
      parsed = undefined
    }
    if (!isObject(parsed))
      throw validation('The Input of an ECS RunTask target must be a JSON object (the task overrides).')
  }
  return out
}

function listMember(
  p: Params,
  key: string,
  member: string,
  min: number,
  max: number,
  required = false
): unknown[] | undefined {
  const v = p[key]
  if (v === undefined || v === null) {
    if (required) throw failed(undefined, member, 'Member must not be null')
    return undefined
  }
  if (!Array.isArray(v)) throw validation(`Value for '${member}' must be a list.`)
  if (v.length < min)
    throw failed(`[${v.length} items]`, member, `Member must have length greater than or equal to ${min}`)
  if (v.length > max)
    throw failed(`[${v.length} items]`, member, `Member must have length less than or equal to ${max}`)
  return v as unknown[]
}

/**
 * The schedule a Create or Update request describes (every member: an update replaces the whole schedule, as
 * in AWS), validated; its ARN, dates and generation are the caller's to set.
 */
export function readSchedule(
  ctx: Context,
  p: Params,
  region: string
): Omit<Schedule, 'CreationDate' | 'LastModificationDate' | 'generation'> {
  const name = nameOf(p)
  stringMember(p, 'ClientToken', 'ClientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN_PATTERN })
  const group = groupOf(p)
  const expression = stringMember(p, 'ScheduleExpression', 'ScheduleExpression', {
    required: true,
    min: 1,
    max: 256
  })!
  const timezone =
    stringMember(p, 'ScheduleExpressionTimezone', 'ScheduleExpressionTimezone', { min: 1, max: 50 }) ?? 'UTC'
  const window = p.FlexibleTimeWindow
  if (window === undefined || window === null)
    throw failed(undefined, 'FlexibleTimeWindow', 'Member must not be null')
  if (!isObject(window)) throw validation("Value for 'FlexibleTimeWindow' must be a structure.")
  const mode = stringMember(window, 'Mode', 'FlexibleTimeWindow.Mode', {
    required: true,
    enum: ['OFF', 'FLEXIBLE']
  }) as 'OFF' | 'FLEXIBLE'
  const maxWindow = integerMember(
    window,
    'MaximumWindowInMinutes',
    'FlexibleTimeWindow.MaximumWindowInMinutes',
    1,
    1440
  )
  const actionAfter = (stringMember(p, 'ActionAfterCompletion', 'ActionAfterCompletion', {
    enum: ['NONE', 'DELETE']
  }) ?? 'NONE') as Schedule['ActionAfterCompletion']
  const state = (stringMember(p, 'State', 'State', { enum: ['ENABLED', 'DISABLED'] }) ??
    'ENABLED') as Schedule['State']
  const description = stringMember(p, 'Description', 'Description', { max: 512 })
  const kms = stringMember(p, 'KmsKeyArn', 'KmsKeyArn', { min: 1, max: 2048, pattern: KMS_PATTERN })
  const startDate = dateMember(p, 'StartDate', 'StartDate')
  const endDate = dateMember(p, 'EndDate', 'EndDate')
  // Beyond the model: the service's own checks.
  if (!parseScheduleExpression(expression)) throw validation(`Invalid Schedule Expression ${expression}.`)
  if (!isTimeZone(timezone)) throw validation(`Invalid Schedule Expression Timezone ${timezone}.`)
  if (mode === 'FLEXIBLE' && maxWindow === undefined)
    throw validation('MaximumWindowInMinutes must be provided when Mode is FLEXIBLE.')
  if (mode === 'OFF' && maxWindow !== undefined)
    throw validation('MaximumWindowInMinutes must not be provided when Mode is OFF.')
  if (startDate && endDate && endDate <= startDate)
    throw validation('The EndDate must be later than the StartDate.')
  const target = readTarget(ctx, p)
  return {
    Name: name,
    GroupName: group,
    Arn: scheduleArnOf(region, ctx.accountId, group, name),
    region,
    ScheduleExpression: expression,
    ScheduleExpressionTimezone: timezone,
    FlexibleTimeWindow: { Mode: mode, MaximumWindowInMinutes: maxWindow },
    ActionAfterCompletion: actionAfter,
    State: state,
    Description: description,
    StartDate: startDate,
    EndDate: endDate,
    KmsKeyArn: kms,
    Target: target
  }
}

function existing(ctx: Context, group: string, name: string): Schedule {
  const schedule = ctx.scheduler.schedules.get(scheduleKey(group, name))
  if (!schedule) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404)
  return schedule
}

const CreateSchedule: Handler = (ctx, p, req: RequestInfo) => {
  const read = readSchedule(ctx, p, req.region)
  const key = scheduleKey(read.GroupName, read.Name)
  if (ctx.scheduler.schedules.has(key))
    throw new AwsError('ConflictException', `Schedule ${read.Name} already exists.`, 409)
  const now = new Date()
  const schedule: Schedule = { ...read, CreationDate: now, LastModificationDate: now, generation: 1 }
  ctx.scheduler.schedules.set(key, schedule)
  ctx.schedules.arm(schedule)
  return { ScheduleArn: schedule.Arn }
}

const UpdateSchedule: Handler = (ctx, p, req) => {
  const before = existing(ctx, groupOf(p), nameOf(p))
  const read = readSchedule(ctx, p, req.region)
  const schedule: Schedule = {
    ...read,
    CreationDate: before.CreationDate,
    LastModificationDate: new Date(),
    generation: before.generation + 1
  }
  ctx.scheduler.schedules.set(scheduleKey(schedule.GroupName, schedule.Name), schedule)
  ctx.schedules.arm(schedule)
  return { ScheduleArn: schedule.Arn }
}

export function scheduleView(s: Schedule): Record<string, unknown> {
  return {
    ActionAfterCompletion: s.ActionAfterCompletion,
    Arn: s.Arn,
    CreationDate: s.CreationDate,
    Description: s.Description,
    EndDate: s.EndDate,
    FlexibleTimeWindow: s.FlexibleTimeWindow,
    GroupName: s.GroupName,
    KmsKeyArn: s.KmsKeyArn,
    LastModificationDate: s.LastModificationDate,
    Name: s.Name,
    ScheduleExpression: s.ScheduleExpression,
    ScheduleExpressionTimezone: s.ScheduleExpressionTimezone,
    StartDate: s.StartDate,
    State: s.State,
    Target: s.Target
  }
}

const GetSchedule: Handler = (ctx, p) => {
  const name = nameOf(p)
  return scheduleView(existing(ctx, groupOf(p), name))
}

const DeleteSchedule: Handler = (ctx, p) => {
  const name = nameOf(p)
  stringMember(p, 'ClientToken', 'ClientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN_PATTERN })
  const schedule = existing(ctx, groupOf(p), name)
  ctx.scheduler.schedules.delete(scheduleKey(schedule.GroupName, schedule.Name))
  ctx.schedules.cancel(schedule)
  return {}
}

const ListSchedules: Handler = (ctx, p) => {
  const group = p.GroupName === undefined ? undefined : groupOf(p)
  const prefix = stringMember(p, 'NamePrefix', 'NamePrefix', { min: 1, max: 64, pattern: NAME_PATTERN })
  const state = stringMember(p, 'State', 'State', { enum: ['ENABLED', 'DISABLED'] })
  const max = p.MaxResults === undefined ? 100 : Number(p.MaxResults)
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw failed(p.MaxResults, 'MaxResults', 'Member must have value less than or equal to 100')
  const all = [...ctx.scheduler.schedules.values()]
    .filter((s) => (!group || s.GroupName === group) && (!prefix || s.Name.startsWith(prefix)))
    .filter((s) => !state || s.State === state)
    .sort((a, b) => a.Name.localeCompare(b.Name))
  const start = p.NextToken === undefined ? 0 : Number(p.NextToken)
  if (!Number.isInteger(start) || start < 0) throw validation('Invalid NextToken.')
  return {
    Schedules: all.slice(start, start + max).map((s) => ({
      Arn: s.Arn,
      CreationDate: s.CreationDate,
      GroupName: s.GroupName,
      LastModificationDate: s.LastModificationDate,
      Name: s.Name,
      State: s.State,
      Target: { Arn: s.Target.Arn }
    })),
    NextToken: start + max < all.length ? String(start + max) : undefined
  }
}

export const schedulerHandlers: Record<string, Handler> = {
  CreateSchedule,
  UpdateSchedule,
  GetSchedule,
  DeleteSchedule,
  ListSchedules
}

export const schedulerSnapshot = (ctx: Context): unknown =>
  [...ctx.scheduler.schedules.values()].map((s) => ({
    ...scheduleView(s),
    completedAt: s.completedAt
  }))
