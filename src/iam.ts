// IAM roles: the execution role (created with the AWS managed policy when missing) and the task role.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  type IAMClient
} from '@aws-sdk/client-iam'
import { ActionError } from './errors.js'
import type { Tag } from './inputs.js'

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
  return role.startsWith('arn:')
}

/** The role name in a role ARN (arn:aws:iam::123:role/path/NAME), or the name itself. */
export function roleName(role: string): string {
  return isRoleArn(role) ? role.slice(role.lastIndexOf('/') + 1) : role
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
