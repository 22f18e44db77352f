// AWS errors explained from the permissions table: which IAM action, on which resource, for which step, and
// the statement to add; credentials and throttling said plainly.
import { parseArn } from '../shared/arn.js'
import { THROTTLING_NAMES } from '../shared/throttling.js'
import { ActionError } from './action-error.js'
import { isAccessDenied, resourceMatches } from './access-denied.js'
import { awsCallOf, type AwsCall } from './aws-call.js'
import {
  PERMISSIONS,
  rowsForOperation,
  statementFor,
  type PermissionRow,
  type PolicyStatement,
  type Scope
} from '../policy/permissions.js'

export { isAccessDenied, resourceMatches } from './access-denied.js'
export { annotateAwsErrors, attachAwsCall, awsCallOf, serviceOfClient, type AwsCall } from './aws-call.js'

const SERVICE_TITLE: Record<string, string> = {
  ecr: 'ECR',
  ecs: 'ECS',
  ec2: 'EC2',
  iam: 'IAM',
  logs: 'CloudWatch Logs',
  sts: 'STS'
}

/** What AWS said in "User: … is not authorized to perform: ACTION on resource: ARN because …". */
export interface DeniedMessage {
  principal?: string
  account?: string
  action?: string
  resource?: string
  /** e.g. "no identity-based policy allows the ecr:CreateRepository action", "with an explicit deny in …". */
  reason?: string
}

export function parseDeniedMessage(message: string): DeniedMessage | undefined {
  const action = /is not authorized to perform: ([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1]
  if (!action) return undefined
  const principal = /User: (arn:\S+) is not authorized/.exec(message)?.[1]
  const account = principal ? parseArn(principal)?.account : undefined
  const resource = /on resource: (\S+)/.exec(message)?.[1]?.replace(/[.,;]+$/, '')
  const reason =
    /with an explicit deny in an? [^.]*?policy/.exec(message)?.[0] ?? /because ([^.]+)/.exec(message)?.[1]
  return {
    principal,
    account: account && /^\d{12}$/.test(account) ? account : undefined,
    action,
    resource,
    reason
  }
}

const CREDENTIAL_NAMES = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidAccessKeyId',
  'TokenRefreshRequired'
])

interface AwsErrorFacts {
  name: string
  message: string
  attempts?: number
}

function factsOf(error: unknown): AwsErrorFacts {
  if (error === null || typeof error !== 'object') return { name: 'Error', message: String(error) }
  const record = error as Record<string, unknown>
  const codeLike = [record['Code'], record['code'], record['__type']].find(
    (value) => typeof value === 'string'
  )
  const name = typeof record['name'] === 'string' && record['name'] !== 'Error' ? record['name'] : codeLike
  const message =
    typeof record['message'] === 'string' && record['message'] !== '' ? record['message'] : undefined
  const metadata = record['$metadata'] as { attempts?: number } | undefined
  return {
    name: (name as string | undefined) ?? 'Error',
    message: message ?? (typeof record['Message'] === 'string' ? record['Message'] : String(error)),
    attempts: metadata?.attempts
  }
}

function isAwsError(error: unknown): boolean {
  return (
    error !== null &&
    typeof error === 'object' &&
    ('$metadata' in error || '$fault' in error || awsCallOf(error) !== undefined)
  )
}

function callTitle(call: { service: string; operation: string } | undefined): string | undefined {
  if (!call) return undefined
  return `${SERVICE_TITLE[call.service] ?? call.service.toUpperCase()} ${call.operation}`
}

/** The row that explains this failure: the call's row for the denied action (and resource), else any row for it. */
function rowFor(
  call: { service: string; operation: string } | undefined,
  scope: Scope,
  denied: DeniedMessage = {}
): PermissionRow | undefined {
  const callRows = call ? rowsForOperation(call.service, call.operation) : []
  if (denied.action) {
    const candidates = [
      ...callRows.filter((row) => row.actions.includes(denied.action!)),
      ...PERMISSIONS.filter((row) => row.actions.includes(denied.action!) && !row.noPermissionNeeded)
    ]
    const resource = denied.resource
    const matching = resource
      ? candidates.find((row) =>
          statementFor(row, scope).Resource.some((pattern) => resourceMatches(pattern, resource))
        )
      : undefined
    if (matching ?? candidates[0]) return matching ?? candidates[0]
  }
  if (call) {
    return callRows.find((row) => row.actions.includes(`${call.service}:${call.operation}`)) ?? callRows[0]
  }
  return undefined
}

/** The table's statement for the row; AWS's action and resource when the table's do not cover them. */
function deniedStatement(
  row: PermissionRow | undefined,
  scope: Scope,
  denied: DeniedMessage
): PolicyStatement {
  if (!row || (denied.action && !row.actions.includes(denied.action))) {
    return {
      Sid: 'AllowDeniedAction',
      Effect: 'Allow',
      Action: [denied.action ?? '*'],
      Resource: [denied.resource ?? '*']
    }
  }
  const statement = statementFor(row, scope)
  const resource = denied.resource
  if (resource && !statement.Resource.some((pattern) => resourceMatches(pattern, resource))) {
    statement.Resource = [resource]
  }
  return statement
}

function explainAccessDenied(
  error: unknown,
  facts: AwsErrorFacts,
  scope: Scope,
  call: AwsCall | undefined
): ActionError {
  const denied = parseDeniedMessage(facts.message) ?? {}
  // The account in AWS's message fills in a placeholder account.
  const scoped: Scope =
    denied.account && !/^\d{12}$/.test(scope.account) ? scopeWithAccount(scope, denied.account) : scope
  const row = rowFor(call, scoped, denied)
  const statement = deniedStatement(row, scoped, denied)
  const action = denied.action ?? row?.actions.join(', ') ?? 'an IAM action'
  const resource = denied.resource ?? statement.Resource.join(', ')
  const step = row?.step ?? 'call AWS'
  const title = callTitle(call ?? (row ? { service: row.service, operation: row.operation } : undefined))
  const who = denied.principal ? ` (${denied.principal})` : ''
  const summary =
    `Not authorized to ${step}: the AWS identity${who} may not perform ${action} on ${resource}` +
    (title ? ` (${title}).` : '.')
  const encoded = /Encoded authorization failure message:/.test(facts.message)
  const awsSaid = facts.message.replace(/\s*Encoded authorization failure message:.*$/s, '')
  const details = [
    `AWS said (${facts.name}): ${awsSaid}`,
    'Policy statement to add to the identity the workflow uses:',
    JSON.stringify(statement, null, 2)
  ].join('\n')
  const explicitDeny = /explicit deny/i.test(facts.message)
  const hints = [
    explicitDeny
      ? `An explicit Deny (${denied.reason ?? 'in a policy'}) blocks ${action}: adding an Allow will not help; ask whoever manages that policy.`
      : row?.audience === 'setup'
        ? 'This is a role write of the one-time setup, left out of the deploy policy on purpose (an identity that ' +
          'can write a role it passes can give itself any permission): have an administrator apply the setup ' +
          '`mode: permissions` prints, rather than adding the statement above to the deploy identity.'
        : `Add the statement above to the IAM policy of ${denied.principal ? identityOf(denied.principal) : 'the role your workflow assumes'}.`,
    row?.optional
      ? `Or skip this step: ${row.optional.bringYourOwn} (input ${row.optional.input}).`
      : undefined,
    encoded
      ? 'AWS sent an encoded reason; decode it with `aws sts decode-authorization-message`.'
      : undefined,
    'Run the action with mode: permissions to print the whole policy these inputs need.'
  ]
  return new ActionError([summary, details, ...hints.filter(Boolean)].join('\n'), { cause: error })
}

function scopeWithAccount(scope: Scope, account: string): Scope {
  const fill = (arn: string | undefined) => arn?.replace(`::${scope.account}:`, `::${account}:`)
  return { ...scope, account, executionRole: fill(scope.executionRole)!, taskRole: fill(scope.taskRole) }
}

/** arn:aws:sts::1:assumed-role/NAME/session → "role NAME, which your workflow assumes"; a user or other principal by ARN. */
function identityOf(principal: string): string {
  const assumed = /:assumed-role\/([^/]+)\//.exec(principal)
  return assumed
    ? `role ${assumed[1]}, which your workflow assumes`
    : `the identity your workflow uses (${principal})`
}

const CREDENTIALS_HINT =
  'Configure AWS credentials before this step with aws-actions/configure-aws-credentials and GitHub OIDC: ' +
  'give the job `permissions: id-token: write` and add a step `uses: aws-actions/configure-aws-credentials@v4` ' +
  'with `role-to-assume: arn:aws:iam::ACCOUNT_ID:role/ROLE` and `aws-region`. ' +
  'The role must trust token.actions.githubusercontent.com for this repository.'

function explainCredentials(error: unknown, facts: AwsErrorFacts, what: string): ActionError {
  const expired = /Expired/i.test(facts.name) || /expired/i.test(facts.message)
  const missing =
    facts.name === 'CredentialsProviderError' || /could not load credentials/i.test(facts.message)
  const summary = missing
    ? `No AWS credentials were found to ${what}.`
    : expired
      ? `The AWS credentials expired before the action could ${what}.`
      : `AWS rejected the credentials used to ${what} (${facts.name}).`
  const hint = expired
    ? `${CREDENTIALS_HINT} For long jobs raise role-duration-seconds, or configure credentials right before this step.`
    : CREDENTIALS_HINT
  return new ActionError([summary, `AWS said (${facts.name}): ${facts.message}`, hint].join('\n'), {
    cause: error
  })
}

function explainThrottling(error: unknown, facts: AwsErrorFacts, what: string, title?: string): ActionError {
  const attempts = facts.attempts ? ` after ${facts.attempts} attempts` : ''
  const text = [
    `AWS throttled the requests to ${what}${title ? ` (${title})` : ''}${attempts}: the SDK already retried with backoff.`,
    `AWS said (${facts.name}): ${facts.message}`,
    'Other jobs or tools are calling the same API in this account and region. Re-run the job, or run fewer deploys at once.'
  ]
  return new ActionError(text.join('\n'), { cause: error })
}

/**
 * Turns anything thrown into an ActionError that says what failed and what to do. ActionErrors pass
 * through. For AWS errors the message is self-contained (no hint or details): what was denied and why,
 * the statement to add, and the input that skips the step. `fallbackCall` names the call when the
 * client was not annotated (e.g. a mocked `send`).
 */
export function explainError(
  error: unknown,
  scope: Scope,
  fallbackCall?: { service: string; operation: string }
): ActionError {
  if (error instanceof ActionError) return error
  const facts = factsOf(error)
  const call: AwsCall | undefined =
    awsCallOf(error) ?? (fallbackCall ? { ...fallbackCall, input: undefined } : undefined)
  const row = rowFor(call, scope)
  const what = row?.step ?? 'call AWS'
  const title = callTitle(call)

  if (isAccessDenied({ name: facts.name, message: facts.message })) {
    return explainAccessDenied(error, facts, scope, call)
  }
  if (CREDENTIAL_NAMES.has(facts.name) || /could not load credentials/i.test(facts.message)) {
    return explainCredentials(error, facts, what)
  }
  if (THROTTLING_NAMES.has(facts.name)) return explainThrottling(error, facts, what, title)
  if (/service linked role/i.test(facts.message)) {
    const slr = PERMISSIONS.find((r) => r.actions.includes('iam:CreateServiceLinkedRole'))!
    const text = [
      `ECS could not use its service-linked role to ${what}${title ? ` (${title})` : ''}.`,
      `AWS said (${facts.name}): ${facts.message}`,
      'Policy statement to add:',
      JSON.stringify(statementFor(slr, scope), null, 2),
      'Allow the statement above, or create the role once: aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com'
    ]
    return new ActionError(text.join('\n'), { cause: error })
  }
  if (!isAwsError(error)) {
    if (error instanceof Error) return new ActionError(error.message, { cause: error })
    return new ActionError(`Failed: ${facts.message}`, { cause: error })
  }
  const prefix = title ? `Failed to ${what} (${title})` : 'An AWS call failed'
  return new ActionError(`${prefix}: ${facts.name}: ${facts.message}`, { cause: error })
}
