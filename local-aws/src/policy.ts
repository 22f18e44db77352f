// Optional identity-based policy enforcement per access key id (setPolicy). Keys without a policy may do
// everything, like an administrator. Evaluation follows IAM's core rule: an explicit Deny wins, otherwise
// some Allow must match, otherwise the request is implicitly denied. Conditions are not evaluated.
import { AwsError, type Protocol } from './protocol.js'

export interface PolicyStatement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: string | string[]
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

function statementMatches(s: PolicyStatement, action: string, resource: string): boolean {
  const actionOk = s.NotAction
    ? !list(s.NotAction).some((a) => wildcardMatch(a, action, true))
    : list(s.Action).some((a) => wildcardMatch(a, action, true))
  const resources = s.Resource === undefined ? ['*'] : list(s.Resource)
  return actionOk && resources.some((r) => wildcardMatch(r, resource))
}

export function evaluate(policy: PolicyDocument, action: string, resource: string): Decision {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]
  const matching = statements.filter((s) => statementMatches(s, action, resource))
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
      switch (operation) {
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
