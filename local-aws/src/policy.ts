// Optional identity-based policy enforcement per access key id (setPolicy). Keys without a policy may do
// everything, like an administrator. Evaluation follows IAM's core rule: an explicit Deny wins, otherwise
// some Allow must match, otherwise the request is implicitly denied. A statement's Condition is evaluated
// against the request context the caller passes (requestContextFor), as IAM does: a condition on a key the
// request does not have fails, except for negated operators, ...IfExists, ForAllValues and Null.
import { AwsError, type Protocol } from './protocol.js'

type ConditionValue = string | number | boolean
/** Condition block of a statement: operator → condition key → value(s). */
export type Condition = Record<string, Record<string, ConditionValue | ConditionValue[]>>

export interface PolicyStatement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: string | string[]
  Condition?: Condition
}
export interface PolicyDocument {
  Version?: string
  Statement: PolicyStatement | PolicyStatement[]
}

export type Decision = 'allow' | 'explicitDeny' | 'implicitDeny'

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]

/** IAM wildcards: `*` any run of characters, `?` one character; actions match case-insensitively. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    caseInsensitive ? 'i' : ''
  )
  return re.test(value)
}

/**
 * The request context keys IAM evaluates conditions against: key → value, or values for a multivalued key
 * (aws:TagKeys). Key names are case-insensitive; an absent key or an empty list is a key the request lacks.
 */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>

/** ARN components (partition, service, region, account, resource) are matched one by one, with wildcards. */
function arnMatch(pattern: string, value: string): boolean {
  const split = (arn: string) => {
    const parts = arn.split(':')
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')]
  }
  const [p, v] = [split(pattern), split(value)]
  // A pattern that is not an ARN matches only as a whole wildcard ("*"); it cannot skip components.
  if (!p) return !pattern.includes(':') && wildcardMatch(pattern, value)
  return v !== undefined && p.every((part, i) => wildcardMatch(part, v[i]!))
}

type Matcher = (pattern: string, value: string) => boolean
const equals: Matcher = (p, v) => p === v
const equalsIgnoringCase: Matcher = (p, v) => p.toLowerCase() === v.toLowerCase()
const like: Matcher = (p, v) => wildcardMatch(p, v)

/** Base operators: how one context value matches one policy value, and whether the operator is negated. */
const OPERATORS: Record<string, { match: Matcher; negated: boolean }> = {
  StringEquals: { match: equals, negated: false },
  StringNotEquals: { match: equals, negated: true },
  StringEqualsIgnoreCase: { match: equalsIgnoringCase, negated: false },
  StringNotEqualsIgnoreCase: { match: equalsIgnoringCase, negated: true },
  StringLike: { match: like, negated: false },
  StringNotLike: { match: like, negated: true },
  ArnEquals: { match: arnMatch, negated: false },
  ArnLike: { match: arnMatch, negated: false },
  ArnNotEquals: { match: arnMatch, negated: true },
  ArnNotLike: { match: arnMatch, negated: true },
  Bool: { match: equalsIgnoringCase, negated: false }
}

/** Whether one `operator: { key: values }` entry holds for this context. */
function conditionHolds(
  operator: string,
  key: string,
  policyValues: string[],
  context: ReadonlyMap<string, readonly string[]>
): boolean {
  const found = context.get(key.toLowerCase())
  const present = found !== undefined && found.length > 0 ? found : undefined
  if (operator === 'Null') {
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === 'true')
    return (present === undefined) === wantAbsent
  }
  const [, set, base = '', ifExists] =
    /^(?:(ForAllValues|ForAnyValue):)?(.*?)(IfExists)?$/.exec(operator) ?? []
  const op = OPERATORS[base]
  if (!op) throw new Error(`The local AWS does not evaluate the condition operator ${operator}.`)
  if (present === undefined) {
    if (ifExists || set === 'ForAllValues') return true
    if (set === 'ForAnyValue') return false
    // A negated operator holds when the key is absent: nothing in the request equals the values.
    return op.negated
  }
  const matchesAny = (value: string) => policyValues.some((p) => op.match(p, value))
  const satisfied = (value: string) => (op.negated ? !matchesAny(value) : matchesAny(value))
  if (set === 'ForAllValues') return present.every(satisfied)
  if (set === 'ForAnyValue') return present.some(satisfied)
  return op.negated ? present.every(satisfied) : present.some(satisfied)
}

/** Every operator and every key of a Condition must hold (values of one key are alternatives). */
export function conditionMatches(condition: Condition | undefined, context: RequestContext): boolean {
  if (!condition) return true
  const byKey = new Map<string, readonly string[]>()
  for (const [key, value] of Object.entries(context))
    if (value !== undefined) byKey.set(key.toLowerCase(), typeof value === 'string' ? [value] : value)
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) =>
      conditionHolds(operator, key, (Array.isArray(values) ? values : [values]).map(String), byKey)
    )
  )
}

function statementMatches(
  s: PolicyStatement,
  action: string,
  resource: string,
  context: RequestContext | undefined
): boolean {
  const actionOk = s.NotAction
    ? !list(s.NotAction).some((a) => wildcardMatch(a, action, true))
    : list(s.Action).some((a) => wildcardMatch(a, action, true))
  const resources = s.Resource === undefined ? ['*'] : list(s.Resource)
  if (!actionOk || !resources.some((r) => wildcardMatch(r, resource))) return false
  return context === undefined || conditionMatches(s.Condition, context)
}

/**
 * IAM's decision for one action on one resource. With a context, each statement's Condition must hold for
 * it to apply (a Deny too); without one (unit tests of the matching alone), Conditions are not evaluated.
 */
export function evaluate(
  policy: PolicyDocument,
  action: string,
  resource: string,
  context?: RequestContext
): Decision {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]
  const matching = statements.filter((s) => statementMatches(s, action, resource, context))
  if (matching.some((s) => s.Effect === 'Deny')) return 'explicitDeny'
  return matching.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicitDeny'
}

/** The access-denied error each service answers, with IAM's standard sentence. */
export function accessDenied(
  protocol: Protocol,
  decision: Exclude<Decision, 'allow'>,
  principalArn: string,
  action: string,
  resource: string
): AwsError {
  const because =
    decision === 'explicitDeny'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`
  const sentence = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${because}`
  if (protocol === 'ec2')
    return new AwsError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. ${sentence}`,
      403
    )
  if (protocol === 'query') return new AwsError('AccessDenied', sentence, 403)
  if (protocol === 'rest-json') return new AwsError('AccessDeniedException', sentence, 403)
  return new AwsError('AccessDeniedException', sentence, 400)
}

/**
 * The resource ARNs IAM authorizes an operation on (Service Authorization Reference), as far as its parameters
 * tell; each must be allowed. "*" where AWS checks no resource.
 */
export function resourcesFor(
  service: string,
  operation: string,
  params: Record<string, unknown>,
  region: string,
  accountId: string
): string[] {
  const s = (k: string): string | undefined =>
    typeof params[k] === 'string' ? (params[k] as string) : undefined
  const strings = (k: string): string[] =>
    Array.isArray(params[k]) ? (params[k] as unknown[]).map(String) : []
  const arn = (svc: string, rest: string) => `arn:aws:${svc}:${region}:${accountId}:${rest}`
  const orStar = (list: string[]) => (list.length > 0 ? list : ['*'])
  switch (service) {
    case 'ecr': {
      const repo = s('repositoryName')
      if (repo) return [arn('ecr', `repository/${repo}`)]
      return orStar(strings('repositoryNames').map((name) => arn('ecr', `repository/${name}`)))
    }
    case 'ecs': {
      const clusterName = (value: string) => value.replace(/^arn:[^/]*:cluster\//, '')
      const clusterArn = (value: string) =>
        value.startsWith('arn:') ? value : arn('ecs', `cluster/${value}`)
      const taskArn = (value: string) =>
        value.startsWith('arn:')
          ? value
          : arn('ecs', `task/${clusterName(s('cluster') ?? 'default')}/${value}`)
      const serviceArn = (value: string) =>
        value.startsWith('arn:')
          ? value
          : arn('ecs', `service/${clusterName(s('cluster') || 'default')}/${value}`)
      switch (operation) {
        // Express Mode: the service (service/CLUSTER/NAME) and its deployments.
        case 'CreateExpressGatewayService':
          return [serviceArn(s('serviceName') ?? '*')]
        case 'UpdateExpressGatewayService':
        case 'DescribeExpressGatewayService':
        case 'DeleteExpressGatewayService':
          return [s('serviceArn') ?? '*']
        case 'ListServiceDeployments':
          return [serviceArn(s('service') ?? '*')]
        case 'DescribeServiceDeployments':
          return orStar(strings('serviceDeploymentArns'))
        case 'DescribeServices':
          return orStar(strings('services').map(serviceArn))
        // Standard services: service/CLUSTER/NAME, their deployments and revisions.
        case 'CreateService':
          return [serviceArn(s('serviceName') ?? '*')]
        case 'UpdateService':
        case 'DeleteService':
          return [serviceArn(s('service') ?? '*')]
        case 'StopServiceDeployment':
        case 'ContinueServiceDeployment':
          return [s('serviceDeploymentArn') ?? '*']
        case 'DescribeServiceRevisions':
          return orStar(strings('serviceRevisionArns'))
        case 'TagResource':
        case 'UntagResource':
        case 'ListTagsForResource':
          return [s('resourceArn') ?? '*']
        case 'RunTask': {
          const td = s('taskDefinition') ?? ''
          return [td.startsWith('arn:') ? td : arn('ecs', `task-definition/${td}`)]
        }
        case 'CreateCluster':
          return [arn('ecs', `cluster/${s('clusterName') ?? 'default'}`)]
        case 'DescribeClusters':
          return orStar(strings('clusters').map(clusterArn))
        case 'DescribeTasks':
          return orStar(strings('tasks').map(taskArn))
        case 'StopTask':
          return [taskArn(s('task') ?? '')]
        // Authorized on container instances; for Fargate only the ecs:cluster condition scopes it.
        case 'ListTasks':
        case 'RegisterTaskDefinition':
        case 'DescribeTaskDefinition':
          return ['*']
        default: {
          const cluster = s('cluster')
          return [cluster ? clusterArn(cluster) : '*']
        }
      }
    }
    case 'ec2': {
      const groupId = s('GroupId')
      if (operation === 'CreateSecurityGroup') {
        // The new group's ID is not known before it exists; AWS checks the VPC and security-group/*.
        const vpc = s('VpcId')
        return [arn('ec2', 'security-group/*'), ...(vpc ? [arn('ec2', `vpc/${vpc}`)] : [])]
      }
      return [groupId && !operation.startsWith('Describe') ? arn('ec2', `security-group/${groupId}`) : '*']
    }
    case 'iam': {
      const role = s('RoleName')
      return [role ? `arn:aws:iam::${accountId}:role/${role}` : '*']
    }
    case 'events': {
      // Rules on the default bus; the tagging calls on their ResourceARN; ListRules on every rule.
      const rule = s('Name') ?? s('Rule')
      if (rule) return [arn('events', `rule/${rule}`)]
      return [s('ResourceARN') ?? '*']
    }
    case 'scheduler': {
      // Schedules are authorized on schedule/GROUP/NAME; ListSchedules on no resource.
      const name = s('Name')
      if (!name) return ['*']
      return [arn('scheduler', `schedule/${s('GroupName') || 'default'}/${name}`)]
    }
    case 'logs': {
      const group = s('logGroupName')
      const stream = s('logStreamName')
      if (group && stream) return [arn('logs', `log-group:${group}:log-stream:${stream}`)]
      return [group ? arn('logs', `log-group:${group}`) : '*']
    }
    default:
      return ['*']
  }
}

/** The first resource of resourcesFor. */
export function resourceFor(
  service: string,
  operation: string,
  params: Record<string, unknown>,
  region: string,
  accountId: string
): string {
  return resourcesFor(service, operation, params, region, accountId)[0]!
}

/** The tags a create or tag call carries, in any of the services' shapes. */
function requestTags(service: string, params: Record<string, unknown>): Array<[string, string]> {
  const pairs = (value: unknown): Array<[string, string]> => {
    if (Array.isArray(value))
      return value.flatMap((tag: Record<string, unknown>) => {
        const key = tag?.['key'] ?? tag?.['Key']
        return typeof key === 'string' ? [[key, String(tag['value'] ?? tag['Value'] ?? '')]] : []
      })
    if (value && typeof value === 'object')
      return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)])
    return []
  }
  if (service === 'ec2') {
    const specs = Array.isArray(params.TagSpecification) ? params.TagSpecification : []
    return specs.flatMap((spec: Record<string, unknown>) => pairs(spec?.['Tag']))
  }
  return pairs(params.tags ?? params.Tags)
}

/**
 * The request context keys the local AWS knows for a call (for evaluate): the request's tags as
 * aws:RequestTag/KEY and aws:TagKeys, the cluster of ECS task calls as ecs:cluster, the policy of
 * iam:AttachRolePolicy as iam:PolicyARN and the service of iam:CreateServiceLinkedRole as iam:AWSServiceName.
 */
export function requestContextFor(
  service: string,
  operation: string,
  params: Record<string, unknown>,
  region: string,
  accountId: string
): RequestContext {
  const context: Record<string, string | string[]> = {}
  const tags = requestTags(service, params)
  for (const [key, value] of tags) context[`aws:RequestTag/${key}`] = value
  if (tags.length > 0) context['aws:TagKeys'] = tags.map(([key]) => key)
  if (service === 'ecs' && ECS_CLUSTER_KEYED.includes(operation)) {
    // The Express calls that name the service by ARN are in the cluster that ARN names.
    const fromArn = /^arn:[^:]*:ecs:[^:]*:[^:]*:service(?:-deployment|-revision)?\/([^/]+)\//.exec(
      String(
        params.serviceArn ??
          (params.serviceDeploymentArns as unknown[] | undefined)?.[0] ??
          params.serviceDeploymentArn ??
          (params.serviceRevisionArns as unknown[] | undefined)?.[0] ??
          (typeof params.service === 'string' && params.service.startsWith('arn:') ? params.service : '')
      )
    )?.[1]
    const cluster =
      typeof params.cluster === 'string' && params.cluster ? params.cluster : (fromArn ?? 'default')
    context['ecs:cluster'] = cluster.startsWith('arn:')
      ? cluster
      : `arn:aws:ecs:${region}:${accountId}:cluster/${cluster}`
  }
  // PutTargets names its targets: events:TargetArn (ArrayOfARN in the Service Authorization Reference).
  if (service === 'events' && operation === 'PutTargets' && Array.isArray(params.Targets))
    context['events:TargetArn'] = (params.Targets as Array<{ Arn?: unknown }>).map((t) =>
      String(t?.Arn ?? '')
    )
  // An untag names the keys it takes off: aws:TagKeys, as AWS sets it for UntagResource.
  if (operation === 'UntagResource' && Array.isArray(params.tagKeys) && params.tagKeys.length > 0)
    context['aws:TagKeys'] = params.tagKeys.map(String)
  if (service === 'iam' && operation === 'AttachRolePolicy' && typeof params.PolicyArn === 'string')
    context['iam:PolicyARN'] = params.PolicyArn
  if (
    service === 'iam' &&
    operation === 'CreateServiceLinkedRole' &&
    typeof params.AWSServiceName === 'string'
  )
    context['iam:AWSServiceName'] = params.AWSServiceName
  return context
}

/** The ECS operations whose request context has ecs:cluster. */
const ECS_CLUSTER_KEYED = [
  'RunTask',
  'ListTasks',
  'DescribeTasks',
  'StopTask',
  'CreateExpressGatewayService',
  'UpdateExpressGatewayService',
  'DescribeExpressGatewayService',
  'DeleteExpressGatewayService',
  'ListServiceDeployments',
  'DescribeServiceDeployments',
  'DescribeServices',
  'CreateService',
  'UpdateService',
  'DeleteService',
  'StopServiceDeployment',
  'ContinueServiceDeployment',
  'DescribeServiceRevisions',
  'ListServices'
]

/** The context of iam:PassRole when ECS (RegisterTaskDefinition, RunTask) is handed a task's role. */
export const PASSED_TO_ECS_TASKS: RequestContext = { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }

/** The context of iam:PassRole when an Express service is handed its infrastructure role. */
export const PASSED_TO_ECS: RequestContext = { 'iam:PassedToService': 'ecs.amazonaws.com' }

/** The context of iam:PassRole when an EventBridge rule's target is handed its role. */
export const PASSED_TO_EVENTS: RequestContext = { 'iam:PassedToService': 'events.amazonaws.com' }

/** The context of iam:PassRole when an EventBridge Scheduler schedule is handed its target's role. */
export const PASSED_TO_SCHEDULER: RequestContext = { 'iam:PassedToService': 'scheduler.amazonaws.com' }

/** aws:ResourceTag/KEY for each tag the resource of a call carries (the caller looks the tags up). */
export function resourceTagContext(tags: ReadonlyArray<{ key: string; value: string }>): RequestContext {
  return Object.fromEntries(tags.map((t) => [`aws:ResourceTag/${t.key}`, t.value]))
}

export interface ImpliedCheck {
  action: string
  resource: string
  context: RequestContext
}

/**
 * The tagging a create call with tags is also authorized as (tag on create): ecs:TagResource with
 * ecs:CreateAction, ec2:CreateTags with ec2:CreateAction, ecr:TagResource, iam:TagRole. A resource whose id
 * the call has yet to make (task-definition revision, task id, security group id) is named with `*` there,
 * which the policy grants with a pattern ending in `*`.
 */
export function tagOnCreateFor(
  service: string,
  operation: string,
  params: Record<string, unknown>,
  region: string,
  accountId: string
): ImpliedCheck[] {
  if (requestTags(service, params).length === 0) return []
  const context = requestContextFor(service, operation, params, region, accountId)
  const arn = (svc: string, rest: string) => `arn:aws:${svc}:${region}:${accountId}:${rest}`
  const s = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : '')
  const ecs = (resource: string): ImpliedCheck[] => [
    { action: 'ecs:TagResource', resource, context: { ...context, 'ecs:CreateAction': operation } }
  ]
  const clusterName = (s('cluster') || 'default').replace(/^arn:[^/]*:cluster\//, '')
  switch (`${service}:${operation}`) {
    case 'ecs:CreateCluster':
      return ecs(arn('ecs', `cluster/${s('clusterName') || 'default'}`))
    case 'ecs:RegisterTaskDefinition':
      return ecs(arn('ecs', `task-definition/${s('family')}:*`))
    case 'ecs:RunTask':
      return ecs(arn('ecs', `task/${clusterName}/*`))
    case 'ecs:CreateExpressGatewayService':
    case 'ecs:CreateService':
      return ecs(arn('ecs', `service/${clusterName}/${s('serviceName') || '*'}`))
    case 'ec2:CreateSecurityGroup':
      return [
        {
          action: 'ec2:CreateTags',
          resource: arn('ec2', 'security-group/*'),
          context: { ...context, 'ec2:CreateAction': operation }
        }
      ]
    case 'ecr:CreateRepository':
      return [
        { action: 'ecr:TagResource', resource: arn('ecr', `repository/${s('repositoryName')}`), context }
      ]
    case 'iam:CreateRole':
      return [{ action: 'iam:TagRole', resource: `arn:aws:iam::${accountId}:role/${s('RoleName')}`, context }]
    default:
      return []
  }
}
