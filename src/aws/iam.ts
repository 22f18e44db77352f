// IAM roles: the execution role (created with the AWS managed policy when missing, and allowed to read the
// task's secrets) and the task role.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
  type IAMClient
} from '@aws-sdk/client-iam'
import { isArn, lastSegment } from '../shared/arn.js'
import { ActionError } from '../explain/action-error.js'
import type { Secret, Tag } from '../inputs/inputs.js'

export const ECS_TASKS_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
  ]
}

export function executionRolePolicyArn(partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`
}

export function isRoleArn(role: string): boolean {
  return isArn(role)
}

/** The role name in a role ARN (arn:aws:iam::123:role/path/NAME), or the name itself. */
export function roleName(role: string): string {
  return lastSegment(role)
}

/** A role ARN as given needs no call; a name is looked up (and, when allowed, created). */
export async function ensureExecutionRole(
  iam: IAMClient,
  options: { role: string; create: boolean; tags: Tag[]; partition?: string }
): Promise<{ roleArn: string; created: boolean }> {
  if (isRoleArn(options.role)) return { roleArn: options.role, created: false }
  const existing = await getRoleArn(iam, options.role)
  if (existing) return { roleArn: existing, created: false }
  if (!options.create) {
    throw new ActionError(
      `Execution role '${options.role}' does not exist and create-execution-role is false`,
      {
        hint: 'Give the ARN of an existing role with AmazonECSTaskExecutionRolePolicy in execution-role, or set create-execution-role: true.'
      }
    )
  }
  let roleArn: string
  try {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: options.role,
        AssumeRolePolicyDocument: JSON.stringify(ECS_TASKS_TRUST_POLICY),
        Description: 'ECS task execution role created by ecs-fargate-deploy',
        Tags: options.tags.map(({ key, value }) => ({ Key: key, Value: value }))
      })
    )
    roleArn = Role!.Arn!
  } catch (error) {
    if ((error as Error).name !== 'EntityAlreadyExistsException') throw error
    roleArn = (await getRoleArn(iam, options.role))!
  }
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: options.role,
      PolicyArn: executionRolePolicyArn(options.partition)
    })
  )
  return { roleArn, created: true }
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

/** The inline policy, one per family, that lets the execution role read exactly that family's secrets. */
export function secretsPolicyName(family: string): string {
  return `ecs-fargate-deploy-secrets-${family}`.slice(0, 128)
}

/**
 * What ECS needs to inject `secrets`: secretsmanager:GetSecretValue on each secret (its ARN without the
 * json-key/version suffix ECS accepts) and ssm:GetParameters on each parameter (a name becomes its ARN).
 */
export function secretsPolicy(
  secrets: Secret[],
  where: { partition: string; region: string; account: string }
): { Version: string; Statement: Array<{ Effect: 'Allow'; Action: string; Resource: string[] }> } {
  const secretArns = new Set<string>()
  const parameterArns = new Set<string>()
  for (const { valueFrom } of secrets) {
    if (/^arn:[^:]+:secretsmanager:/.test(valueFrom)) {
      // arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf[:json-key:version-stage:version-id]
      secretArns.add(valueFrom.split(':').slice(0, 7).join(':'))
    } else if (isArn(valueFrom)) {
      parameterArns.add(valueFrom)
    } else {
      const name = valueFrom.replace(/^\//, '')
      parameterArns.add(`arn:${where.partition}:ssm:${where.region}:${where.account}:parameter/${name}`)
    }
  }
  const statements: Array<{ Effect: 'Allow'; Action: string; Resource: string[] }> = []
  if (secretArns.size > 0) {
    statements.push({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: [...secretArns].sort()
    })
  }
  if (parameterArns.size > 0) {
    statements.push({ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [...parameterArns].sort() })
  }
  return { Version: '2012-10-17', Statement: statements }
}

/**
 * Lets an execution role the action manages read the family's secrets: the AWS managed policy does not, and a
 * task whose secrets cannot be read fails to start. The role's account comes from its ARN.
 */
export async function grantSecrets(
  iam: IAMClient,
  options: { roleArn: string; family: string; secrets: Secret[]; region: string }
): Promise<void> {
  const [, partition = 'aws', , , account = ''] = options.roleArn.split(':')
  const policy = secretsPolicy(options.secrets, { partition, region: options.region, account })
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName(options.roleArn),
      PolicyName: secretsPolicyName(options.family),
      PolicyDocument: JSON.stringify(policy)
    })
  )
}
