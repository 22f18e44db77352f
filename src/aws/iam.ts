// IAM roles: the execution role (created with the AWS managed policy when missing, and allowed to read the
// task's secrets), the task role, service mode's infrastructure role (created the same way) and the ttl role
// EventBridge Scheduler deletes an expired service with (created with an inline policy).
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
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
interface ManagedRole {
  role: string
  create: boolean
  tags: Tag[]
  trustPolicy: TrustPolicy | ScopedTrustPolicy
  /** An AWS managed policy to attach, or an inline policy to put. */
  policy: { arn: string } | { name: string; document: object }
  description: string
  /** The error when the role is missing and may not be created. */
  missing: () => ActionError
}

/**
 * A role ARN as given needs no call; a name is looked up (and, when allowed, created). A role a concurrent
 * run created between the look-up and CreateRole is adopted: looked up again, and given the managed policy
 * (attaching it twice is no error in IAM, and the other run may not have attached it yet).
 */
async function ensureRole(iam: IAMClient, options: ManagedRole): Promise<ExecutionRoleResult> {
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

/**
 * Lets an execution role the action manages read the family's secrets: the AWS managed policy does not, and a
 * task whose secrets cannot be read fails to start. The role's account comes from its ARN.
 */
export async function grantSecrets(
  iam: IAMClient,
  options: { roleArn: string; family: string; secrets: Secret[]; region: string }
): Promise<void> {
  const { partition = 'aws', account = '' } = parseArn(options.roleArn) ?? {}
  const policy = secretsPolicy(options.secrets, { partition, region: options.region, account })
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName(options.roleArn),
      PolicyName: secretsPolicyName(options.family),
      PolicyDocument: JSON.stringify(policy)
    })
  )
}
