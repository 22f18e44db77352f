// A scheduled job's scheduler role, on the quick path: looked up by name, and created with its trust and
// inline policy (shared/job-schedule-role.ts) when missing and the run may create roles. Otherwise the role
// comes from the one-time setup (or is given as an ARN) and is used as is. aws/iam.ts does the same for the
// execution, infrastructure and ttl roles; its private ensureRole is not shared, so the few calls are here.
import { CreateRoleCommand, GetRoleCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam'
import { isArn } from '../shared/arn.js'
import {
  JOB_SCHEDULER_POLICY_NAME,
  jobSchedulerRoleDescription,
  jobSchedulerRolePolicy,
  jobSchedulerTrustPolicy,
  type JobRoleScope
} from '../shared/job-schedule-role.js'
import { keyValueTags, type Tag } from '../shared/tags.js'
import { ActionError } from '../explain/action-error.js'
import type { ExecutionRoleResult } from './iam.js'

export interface JobSchedulerRoleOptions {
  /** A role name (looked up, created when allowed) or ARN (used as is, no IAM call). */
  role: string
  create: boolean
  /**
   * Put the inline policy on a role that exists too, so it follows the task's roles when they change (quick
   * path only: that is IAM write on a role the identity may pass, which the printed policy otherwise has none of).
   */
  updatePolicy?: boolean
  tags: readonly Tag[]
  scope: JobRoleScope
  /** The task's execution role and task role ARNs, which the schedule passes to ECS. */
  passRoles: readonly string[]
  /** The schedule's dead-letter queue, which the role sends to. */
  deadLetterQueueArn?: string
}

export async function ensureJobSchedulerRole(
  iam: IAMClient,
  options: JobSchedulerRoleOptions
): Promise<ExecutionRoleResult> {
  if (isArn(options.role)) return { roleArn: options.role, created: false, isNew: false }
  const putPolicy = () =>
    iam.send(
      new PutRolePolicyCommand({
        RoleName: options.role,
        PolicyName: JOB_SCHEDULER_POLICY_NAME,
        PolicyDocument: JSON.stringify(
          jobSchedulerRolePolicy(options.scope, options.passRoles, options.deadLetterQueueArn)
        )
      })
    )
  const existing = await getRoleArn(iam, options.role)
  if (existing) {
    if (options.updatePolicy) await putPolicy()
    return { roleArn: existing, created: false, isNew: false }
  }
  if (!options.create) {
    throw new ActionError(`Scheduler role '${options.role}' does not exist and may not be created`, {
      hint: "Create it with the one-time setup, or give the ARN of a role trusted by scheduler.amazonaws.com that may call ecs:RunTask on the family's task definitions and pass the task's roles to ecs-tasks.amazonaws.com."
    })
  }
  let roleArn: string
  let created = true
  try {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: options.role,
        AssumeRolePolicyDocument: JSON.stringify(jobSchedulerTrustPolicy(options.scope)),
        Description: jobSchedulerRoleDescription(options.scope),
        Tags: keyValueTags(options.tags)
      })
    )
    roleArn = Role!.Arn!
  } catch (error) {
    // A concurrent run made it between the look-up and CreateRole: adopt it, and put the policy (again).
    if ((error as Error).name !== 'EntityAlreadyExistsException') throw error
    const adopted = await getRoleArn(iam, options.role)
    if (!adopted) throw error
    roleArn = adopted
    created = false
  }
  await putPolicy()
  return { roleArn, created, isNew: true }
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
