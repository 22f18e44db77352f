// The one-time setup an administrator applies before a least-privilege identity deploys: the roles the deploy
// policy may pass but not create or write (issue 18). Made here with the stack's administrator key, by the same
// code that creates them on the quick path (src/aws/iam.ts), so the roles equal the ones the action creates.
import { IAMClient } from '@aws-sdk/client-iam'
import {
  ensureExecutionRole,
  ensureInfrastructureRole,
  ensureTtlRole,
  grantSecrets
} from '../../src/aws/iam.js'
import { DEFAULTS, FALLBACKS } from '../../src/inputs/defaults.js'
import type { Secret } from '../../src/inputs/inputs.js'
import { REGION, type Stack } from './stack.js'

export interface SetupRoles {
  /** Default: the execution-role input's default. */
  executionRole?: string
  /** The family whose secrets the execution role may read, and those secrets. */
  secrets?: { family: string; secrets: Secret[] }
  /** Service mode: the infrastructure role (default: the input's default). */
  service?: boolean
  /** Service and ttl: the ttl role, true for the input's default or its name. */
  ttl?: boolean | string
}

/** Creates the roles (when missing) and the secrets policy with the stack's administrator key. */
export async function applyOneTimeSetup(stack: Stack, roles: SetupRoles = {}): Promise<void> {
  const iam = new IAMClient({
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: {
      accessKeyId: stack.env['AWS_ACCESS_KEY_ID']!,
      secretAccessKey: stack.env['AWS_SECRET_ACCESS_KEY']!
    }
  })
  const common = { create: true, tags: [] }
  const execution = await ensureExecutionRole(iam, {
    ...common,
    role: roles.executionRole ?? FALLBACKS['execution-role']
  })
  if (roles.secrets) await grantSecrets(iam, { roleArn: execution.roleArn, region: REGION, ...roles.secrets })
  if (roles.service) await ensureInfrastructureRole(iam, { ...common, role: DEFAULTS['infrastructure-role'] })
  if (roles.ttl)
    await ensureTtlRole(iam, {
      ...common,
      role: typeof roles.ttl === 'string' ? roles.ttl : DEFAULTS['ttl-role'],
      partition: 'aws',
      account: stack.aws.accountId
    })
}
