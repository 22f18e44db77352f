// IAM roles: the execution role (created with the AWS managed policy when missing, and allowed to read the
// task's secrets), the task role, service mode's infrastructure role (created the same way) and the ttl role
// EventBridge Scheduler deletes an expired service with (created with an inline policy). Creating a role and
// writing its policies is the one-time setup's (the deploy policy has no IAM write on a role it may pass): the
// action does it only when a role is missing, or lacks the secrets, and the identity may (the quick path);
// otherwise it stops with what to set up, before any task runs.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  type IAMClient
} from '@aws-sdk/client-iam'
import { isArn, lastSegment, parseArn } from '../shared/arn.js'
import {
  ECS_TASKS_TRUST_POLICY,
  EXECUTION_ROLE_DESCRIPTION,
  executionRolePolicyArn,
  secretsPolicy,
  secretsPolicyName,
  type TrustPolicy
} from '../shared/execution-role.js'
import {
  ECS_TRUST_POLICY,
  INFRASTRUCTURE_ROLE_DESCRIPTION,
  infrastructureRolePolicyArn
} from '../shared/infrastructure-role.js'
import { keyValueTags, type Tag } from '../shared/tags.js'
import {
  TTL_POLICY_NAME,
  TTL_ROLE_DESCRIPTION,
  ttlRolePolicy,
  ttlTrustPolicy,
  type ScopedTrustPolicy
} from '../shared/ttl-role.js'
import { ActionError } from '../explain/action-error.js'
import { isAccessDenied, resourceMatches } from '../explain/access-denied.js'
import type { Secret } from '../inputs/inputs.js'

// Written in shared/ for the one-time setup too; exported here where the callers and tests look.
export { secretsPolicy, secretsPolicyName }

export function isRoleArn(role: string): boolean {
  return isArn(role)
}

/** The role name in a role ARN (arn:aws:iam::123:role/path/NAME), or the name itself. */
export function roleName(role: string): string {
  return lastSegment(role)
}

export interface ExecutionRoleResult {
  roleArn: string
  /** This run created the role. */
  created: boolean
  /**
   * The role was created moments ago, by this run or by a concurrent one whose role this run adopted: IAM is
   * eventually consistent, so ECS may not be able to assume it yet (RunTask retries while it cannot).
   */
  isNew: boolean
}

/** What differs between the roles the action creates when they are missing. */
export interface ManagedRole {
  role: string
  create: boolean
  tags: Tag[]
  trustPolicy: TrustPolicy | ScopedTrustPolicy | object
  /** An AWS managed policy to attach, or an inline policy to put. */
  policy: { arn: string } | { name: string; document: object }
  description: string
  /** The error when the role is missing and may not be created. */
  missing: () => ActionError
  /** The error when the role is missing and this identity may not create it (the deploy policy's case). */
  notCreatable: (cause: unknown) => ActionError
}

/**
 * What to do when a role the one-time setup makes is missing and the deploy identity may not create it; `input`
 * names the input that takes the role's ARN instead, where there is one.
 */
export function setupRoleMissing(
  kind: string,
  role: string,
  input: string | undefined,
  cause: unknown
): ActionError {
  return new ActionError(
    `${kind} '${role}' does not exist, and this AWS identity may not create it (iam:CreateRole): ` +
      'creating and changing roles is the one-time setup, left out of the deploy policy on purpose',
    {
      cause,
      hint:
        'Have an administrator apply the one-time setup that `mode: permissions` prints for these inputs ' +
        `(it creates this role)${input ? `, or create the role yourself and give its ARN in ${input}` : ''}.`
    }
  )
}

/**
 * A role ARN as given needs no call; a name is looked up (and, when allowed, created). A role a concurrent
 * run created between the look-up and CreateRole is adopted: looked up again, and given the managed policy
 * (attaching it twice is no error in IAM, and the other run may not have attached it yet).
 */
export async function ensureRole(iam: IAMClient, options: ManagedRole): Promise<ExecutionRoleResult> {
  if (isRoleArn(options.role)) return { roleArn: options.role, created: false, isNew: false }
  const existing = await getRoleArn(iam, options.role)
  if (existing) return { roleArn: existing, created: false, isNew: false }
  if (!options.create) throw options.missing()
  let roleArn: string
  let created = true
  try {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: options.role,
        AssumeRolePolicyDocument: JSON.stringify(options.trustPolicy),
        Description: options.description,
        Tags: keyValueTags(options.tags)
      })
    )
    roleArn = Role!.Arn!
  } catch (error) {
    if (isAccessDenied(error)) throw options.notCreatable(error)
    // The SDK's name for IAM's EntityAlreadyExists.
    if ((error as Error).name !== 'EntityAlreadyExistsException') throw error
    const adopted = await getRoleArn(iam, options.role)
    if (!adopted) throw error
    roleArn = adopted
    created = false
  }
  const { policy } = options
  if ('arn' in policy) {
    await iam.send(new AttachRolePolicyCommand({ RoleName: options.role, PolicyArn: policy.arn }))
  } else {
    const document = JSON.stringify(policy.document)
    await iam.send(
      new PutRolePolicyCommand({ RoleName: options.role, PolicyName: policy.name, PolicyDocument: document })
    )
  }
  return { roleArn, created, isNew: true }
}

/** The task execution role: trusted by ECS tasks, with AmazonECSTaskExecutionRolePolicy. */
export async function ensureExecutionRole(
  iam: IAMClient,
  options: { role: string; create: boolean; tags: Tag[]; partition?: string }
): Promise<ExecutionRoleResult> {
  return ensureRole(iam, {
    ...options,
    trustPolicy: ECS_TASKS_TRUST_POLICY,
    policy: { arn: executionRolePolicyArn(options.partition) },
    description: EXECUTION_ROLE_DESCRIPTION,
    notCreatable: (cause) => setupRoleMissing('Execution role', options.role, 'execution-role', cause),
    missing: () =>
      new ActionError(`Execution role '${options.role}' does not exist and create-execution-role is false`, {
        hint: 'Give the ARN of an existing role with AmazonECSTaskExecutionRolePolicy in execution-role, or set create-execution-role: true.'
      })
  })
}

/**
 * The Express Mode infrastructure role (service mode): trusted by ECS itself, with
 * AmazonECSInfrastructureRoleforExpressGatewayServices, with which ECS manages the service's load balancer,
 * certificate, security groups and scaling.
 */
export async function ensureInfrastructureRole(
  iam: IAMClient,
  options: { role: string; create: boolean; tags: Tag[]; partition?: string }
): Promise<ExecutionRoleResult> {
  return ensureRole(iam, {
    ...options,
    trustPolicy: ECS_TRUST_POLICY,
    policy: { arn: infrastructureRolePolicyArn(options.partition) },
    description: INFRASTRUCTURE_ROLE_DESCRIPTION,
    notCreatable: (cause) =>
      setupRoleMissing('Infrastructure role', options.role, 'infrastructure-role', cause),
    missing: () =>
      new ActionError(
        `Infrastructure role '${options.role}' does not exist and create-infrastructure-role is false`,
        {
          hint: 'Give the ARN of an existing role trusted by ecs.amazonaws.com with AmazonECSInfrastructureRoleforExpressGatewayServices in infrastructure-role, or set create-infrastructure-role: true.'
        }
      )
  })
}

/**
 * The ttl role (service and ttl): trusted by EventBridge Scheduler for schedules of this account, allowed only to
 * delete Express Mode services tagged with their expiry. The account comes from the cluster's ARN.
 */
export async function ensureTtlRole(
  iam: IAMClient,
  options: { role: string; create: boolean; tags: Tag[]; partition: string; account: string }
): Promise<ExecutionRoleResult> {
  return ensureRole(iam, {
    ...options,
    trustPolicy: ttlTrustPolicy(options.account),
    policy: { name: TTL_POLICY_NAME, document: ttlRolePolicy(options.partition, options.account) },
    description: TTL_ROLE_DESCRIPTION,
    notCreatable: (cause) => setupRoleMissing('ttl role', options.role, 'ttl-role', cause),
    missing: () =>
      new ActionError(`ttl role '${options.role}' does not exist and create-ttl-role is false`, {
        hint: 'Give the ARN of an existing role trusted by scheduler.amazonaws.com that may call ecs:DeleteExpressGatewayService in ttl-role, or set create-ttl-role: true.'
      })
  })
}

export async function resolveTaskRole(iam: IAMClient, role: string | undefined): Promise<string | undefined> {
  if (!role || isRoleArn(role)) return role
  const arn = await getRoleArn(iam, role)
  if (!arn) {
    throw new ActionError(`Task role '${role}' does not exist`, {
      hint: 'Create the role (trusted by ecs-tasks.amazonaws.com) or give its ARN in task-role.'
    })
  }
  return arn
}

async function getRoleArn(iam: IAMClient, name: string): Promise<string | undefined> {
  try {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }))
    return Role?.Arn
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return undefined
    throw error
  }
}

type SecretsPolicy = ReturnType<typeof secretsPolicy>

/**
 * Whether a role's inline policy (as IAM returns it: URL-encoded JSON) already allows everything `wanted`
 * does: each action on each resource by some Allow statement (exact or wildcard Action and Resource). A
 * statement with a Condition, NotAction or NotResource does not count, nor does a Deny anywhere in it: the rule is
 * kept simple and errs towards writing the policy again.
 */
export function secretsPolicyCovers(document: string, wanted: SecretsPolicy): boolean {
  let parsed: { Statement?: unknown }
  try {
    parsed = JSON.parse(decodeURIComponent(document)) as { Statement?: unknown }
  } catch {
    return false
  }
  const list = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : []
  const statements = (Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]).filter(
    (statement): statement is Record<string, unknown> => statement !== null && typeof statement === 'object'
  )
  if (statements.some((statement) => statement.Effect === 'Deny')) return false
  const allows = statements.filter(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Condition === undefined &&
      statement.NotAction === undefined &&
      statement.NotResource === undefined
  )
  return wanted.Statement.every(({ Action: action, Resource: resources }) =>
    resources.every((resource) =>
      allows.some(
        (statement) =>
          list(statement.Action).some((pattern) =>
            resourceMatches(pattern.toLowerCase(), action.toLowerCase())
          ) && list(statement.Resource).some((pattern) => resourceMatches(pattern, resource))
      )
    )
  )
}

/** The family's inline secrets policy on the role, as IAM returns it; undefined when there is none. */
async function readSecretsPolicy(iam: IAMClient, role: string, name: string): Promise<string | undefined> {
  try {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }))
    return PolicyDocument
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return undefined
    throw error
  }
}

/**
 * What became of the secrets: 'covered' (the role's inline policy for the family already allows them: nothing
 * written), 'granted' (this identity wrote it: the quick path).
 */
export type SecretsGrant = 'covered' | 'granted'

/**
 * Lets an execution role the action manages read the family's secrets: the AWS managed policy does not, and a
 * task whose secrets cannot be read fails to start. The role's account comes from its ARN.
 *
 * The rule: read the role's inline policy `ecs-fargate-deploy-secrets-FAMILY` (iam:GetRolePolicy, in the deploy
 * policy); when it allows GetSecretValue / GetParameters on every secret the inputs name, write nothing. Else
 * (or when it cannot be read: an older policy without GetRolePolicy) put the policy for exactly these secrets
 * (iam:PutRolePolicy: the one-time setup's, or the quick-path identity's). Refused: an ActionError naming the
 * role, the secrets it lacks and what to do, thrown before any task definition is registered or task run.
 */
export async function grantSecrets(
  iam: IAMClient,
  options: { roleArn: string; family: string; secrets: Secret[]; region: string }
): Promise<SecretsGrant> {
  const { partition = 'aws', account = '' } = parseArn(options.roleArn) ?? {}
  const policy = secretsPolicy(options.secrets, { partition, region: options.region, account })
  const role = roleName(options.roleArn)
  const name = secretsPolicyName(options.family)
  let current: string | undefined
  try {
    current = await readSecretsPolicy(iam, role, name)
  } catch (error) {
    // An identity without iam:GetRolePolicy (a policy printed by an older version) writes, as before.
    if (!isAccessDenied(error)) throw error
  }
  if (current !== undefined && secretsPolicyCovers(current, policy)) return 'covered'
  try {
    await iam.send(
      new PutRolePolicyCommand({ RoleName: role, PolicyName: name, PolicyDocument: JSON.stringify(policy) })
    )
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    const lacking = policy.Statement.flatMap(({ Resource }) => Resource).filter(
      (arn) => current === undefined || !secretsPolicyCovers(current, onlyResource(policy, arn))
    )
    throw new ActionError(
      `The execution role '${role}' may not read the secrets ${lacking.join(', ')}, and this AWS identity may ` +
        `not grant them (iam:PutRolePolicy on the role: left out of the deploy policy, as a role the deploy ` +
        'identity passes to ECS must not be writable by it). Stopped before registering or running anything.',
      {
        cause: error,
        hint:
          'Re-apply the one-time setup that `mode: permissions` prints for these inputs (it puts the secrets ' +
          `policy on the role), or have an administrator put this inline policy named '${name}' on role '${role}'.`,
        details: JSON.stringify(policy, null, 2)
      }
    )
  }
  return 'granted'
}

/** The part of a secrets policy about one resource (to say which secrets a role lacks). */
function onlyResource(policy: SecretsPolicy, arn: string): SecretsPolicy {
  return {
    ...policy,
    Statement: policy.Statement.filter(({ Resource }) => Resource.includes(arn)).map((statement) => ({
      ...statement,
      Resource: [arn]
    }))
  }
}
