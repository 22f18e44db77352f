// A scheduled job's scheduler role, on the quick path: looked up by name, and created with its trust and
// inline policy (shared/job-schedule-role.ts) when missing and the run may create roles, by the same code as the
// execution, infrastructure and ttl roles (aws/iam.ts). Otherwise the role comes from the one-time setup (or is
// given as an ARN) and is used as is: a role that exists is never written to.
import type { IAMClient } from '@aws-sdk/client-iam'
import {
  JOB_SCHEDULER_POLICY_NAME,
  jobSchedulerRoleDescription,
  jobSchedulerRolePolicy,
  jobSchedulerTrustPolicy,
  type JobRoleScope
} from '../shared/job-schedule-role.js'
import type { Tag } from '../shared/tags.js'
import { ActionError } from '../explain/action-error.js'
import { ensureRole, setupRoleMissing, type ExecutionRoleResult } from './iam.js'

export interface JobSchedulerRoleOptions {
  /** A role name (looked up, created when allowed) or ARN (used as is, no IAM call). */
  role: string
  create: boolean
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
  return ensureRole(iam, {
    role: options.role,
    create: options.create,
    tags: [...options.tags],
    trustPolicy: jobSchedulerTrustPolicy(options.scope),
    policy: {
      name: JOB_SCHEDULER_POLICY_NAME,
      document: jobSchedulerRolePolicy(options.scope, options.passRoles, options.deadLetterQueueArn)
    },
    description: jobSchedulerRoleDescription(options.scope),
    missing: () =>
      new ActionError(`Scheduler role '${options.role}' does not exist and may not be created`, {
        hint: "Create it with the one-time setup, or give the ARN of a role trusted by scheduler.amazonaws.com that may call ecs:RunTask on the family's task definitions and pass the task's roles to ecs-tasks.amazonaws.com."
      }),
    notCreatable: (cause) => setupRoleMissing('Scheduler role', options.role, undefined, cause)
  })
}
