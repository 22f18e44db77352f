// Policy enforcement: a call made with an access key that has a policy (setPolicy) must be allowed by it, and
// RunTask must also be allowed iam:PassRole for the roles its task definition hands to ECS.
import type { Context } from './context.js'
import { accessDenied, evaluate, resourcesFor, type PolicyDocument } from './policy.js'
import type { Protocol } from './protocol.js'
import { findTaskDefinition } from './services/ecs.js'
import { callerArn } from './services/iam.js'

export interface Call {
  protocol: Protocol
  service: string
  operation: string
  params: Record<string, unknown>
  region: string
  accessKeyId: string
}

/** Throws the service's access-denied error unless `policy` (the key's; undefined: unrestricted) allows the call. */
export function authorize(ctx: Context, policy: PolicyDocument | undefined, call: Call): void {
  const { protocol, service, operation, params, region, accessKeyId } = call
  // GetCallerIdentity cannot be denied in AWS.
  if (!policy || (service === 'sts' && operation === 'GetCallerIdentity')) return
  const principal = callerArn(ctx, accessKeyId)
  const check = (action: string, resource: string, p: Protocol): void => {
    const decision = evaluate(policy, action, resource)
    if (decision !== 'allow') throw accessDenied(p, decision, principal, action, resource)
  }
  for (const resource of resourcesFor(service, operation, params, region, ctx.accountId))
    check(`${service}:${operation}`, resource, protocol)
  if (service === 'ecs' && operation === 'RunTask') {
    const td = findTaskDefinition(ctx, String(params.taskDefinition ?? ''))
    for (const role of [td?.taskRoleArn, td?.executionRoleArn])
      if (role) check('iam:PassRole', role, protocol)
  }
}
