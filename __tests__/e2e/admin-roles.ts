// The one-time set-up an administrator does before the deploy identity's first run: the roles the deploy may
// pass but not write (the execution role, the infrastructure role, the ttl role), created by an admin key with
// the action's own code (src/aws/iam.ts), so they equal the roles the action's quick path creates.
import { IAMClient } from '@aws-sdk/client-iam'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureExecutionRole, ensureInfrastructureRole, ensureTtlRole } from '../../src/aws/iam.js'
import { ensureJobSchedulerRole } from '../../src/aws/job-scheduler-role.js'
import { isArn, lastSegment } from '../../src/shared/arn.js'
import { JOB_SCHEDULE_GROUP, jobName } from '../../src/shared/job-schedule.js'
import {
  managesExecutionRole,
  managesInfrastructureRole,
  managesTtlRole,
  parseInputs,
  type Inputs
} from '../../src/inputs/inputs.js'

/** The folder the harness runs the action in: paths in inputs (task-definition) are relative to it. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** An access key without a policy: the local AWS lets it do anything, as an administrator may. */
export const ADMIN_KEY = 'AKIDADMINSETUP'

/** What the set-up needs of a local AWS: a Stack (stack.ts) is one. */
export interface AdminTarget {
  aws: { endpoint: string; accountId: string }
  env: { AWS_REGION?: string }
}

/** Role names already set up, by endpoint: each local AWS gets each role once. */
const done = new Map<string, Set<string>>()

/**
 * The inputs as the action parses them (in permissions mode, which reads every input and checks no event), or
 * undefined when they do not parse (such a run fails before any AWS call and needs no role).
 */
export function parsedInputs(inputs: Record<string, string>, region: string): Inputs | undefined {
  const { 'task-arn': _taskArn, ...rest } = inputs
  try {
    // Inputs left out get the parser's defaults, which are action.yml's (a unit test checks).
    const given: Record<string, string> = { ...rest, mode: 'permissions' }
    return parseInputs((name) => given[name] ?? '', {
      env: { AWS_REGION: region },
      readFile: (path) => readFileSync(resolve(ROOT, path), 'utf8')
    })
  } catch {
    return undefined
  }
}

/** The roles these inputs make the action use by name and create when missing, as [kind, name]. */
export function adminRolesFor(
  inputs: Inputs
): Array<['execution' | 'infrastructure' | 'ttl' | 'job', string]> {
  const roles: Array<['execution' | 'infrastructure' | 'ttl' | 'job', string]> = []
  if (managesExecutionRole(inputs)) roles.push(['execution', inputs.executionRole])
  if (inputs.serviceName !== undefined) {
    if (managesInfrastructureRole(inputs)) roles.push(['infrastructure', inputs.infrastructureRole])
    if (inputs.ttlSeconds !== undefined && managesTtlRole(inputs)) roles.push(['ttl', inputs.ttlRole])
  } else if (inputs.schedule !== undefined) {
    // The scheduled job's scheduler role (one per job: the one-time setup's JobSchedulerRole).
    roles.push(['job', jobName(inputs.cluster, inputs.family)])
  }
  return roles
}

/** Creates (as an administrator, once per local AWS) the roles the given inputs' deploys pass. */
export async function setUpAsAdmin(target: AdminTarget, inputs: Record<string, string>): Promise<void> {
  const { endpoint, accountId } = target.aws
  const region = target.env.AWS_REGION ?? 'us-east-1'
  const parsed = parsedInputs(inputs, region)
  if (!parsed) return
  const seen = done.get(endpoint) ?? new Set<string>()
  done.set(endpoint, seen)
  const missing = adminRolesFor(parsed).filter(([, name]) => !seen.has(name))
  if (missing.length === 0) return
  const iam = new IAMClient({
    region,
    endpoint,
    credentials: { accessKeyId: ADMIN_KEY, secretAccessKey: 'x' }
  })
  try {
    for (const [kind, role] of missing) {
      const options = { role, create: true, tags: parsed.tags }
      if (kind === 'execution') await ensureExecutionRole(iam, options)
      else if (kind === 'infrastructure') await ensureInfrastructureRole(iam, options)
      else if (kind === 'ttl') await ensureTtlRole(iam, { ...options, partition: 'aws', account: accountId })
      else {
        const roleArn = (name: string) => (isArn(name) ? name : `arn:aws:iam::${accountId}:role/${name}`)
        await ensureJobSchedulerRole(iam, {
          ...options,
          scope: {
            partition: 'aws',
            region,
            account: accountId,
            cluster: lastSegment(parsed.cluster),
            family: parsed.family,
            group: JOB_SCHEDULE_GROUP
          },
          passRoles: [roleArn(parsed.executionRole), ...(parsed.taskRole ? [roleArn(parsed.taskRole)] : [])]
        })
      }
      seen.add(role)
    }
  } finally {
    iam.destroy()
  }
}
