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

/** The resource ARN an operation acts on, as far as its parameters tell; "*" where AWS checks no resource. */
export function resourceFor(
  service: string,
  operation: string,
  params: Record<string, unknown>,
  region: string,
  accountId: string
): string {
  const s = (k: string): string | undefined =>
    typeof params[k] === 'string' ? (params[k] as string) : undefined
  switch (service) {
    case 'ecr': {
      const repo = s('repositoryName')
      if (repo) return `arn:aws:ecr:${region}:${accountId}:repository/${repo}`
      const names = params.repositoryNames
      if (Array.isArray(names) && names.length === 1)
        return `arn:aws:ecr:${region}:${accountId}:repository/${String(names[0])}`
      return '*'
    }
    case 'ecs': {
      if (operation === 'RunTask') {
        const td = s('taskDefinition') ?? ''
        return td.startsWith('arn:') ? td : `arn:aws:ecs:${region}:${accountId}:task-definition/${td}`
      }
      if (operation === 'CreateCluster')
        return `arn:aws:ecs:${region}:${accountId}:cluster/${s('clusterName') ?? 'default'}`
      const cluster = s('cluster')
      if (cluster)
        return cluster.startsWith('arn:') ? cluster : `arn:aws:ecs:${region}:${accountId}:cluster/${cluster}`
      return '*'
    }
    case 'iam': {
      const role = s('RoleName')
      return role ? `arn:aws:iam::${accountId}:role/${role}` : '*'
    }
    case 'logs': {
      const group = s('logGroupName')
      return group ? `arn:aws:logs:${region}:${accountId}:log-group:${group}` : '*'
    }
    default:
      return '*'
  }
}
