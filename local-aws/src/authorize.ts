// Policy enforcement: a call made with an access key that has a policy (setPolicy) must be allowed by it, with
// each statement's Condition evaluated against the request's context keys; a create with tags must also be
// allowed its tag-on-create action; and RegisterTaskDefinition, RunTask and the Express create and update must be
// allowed iam:PassRole for the roles they hand to ECS (task roles to ecs-tasks.amazonaws.com, an Express
// service's infrastructure role to ecs.amazonaws.com), and a schedule's create and update iam:PassRole for its
// target's role (scheduler.amazonaws.com). The context has aws:ResourceTag/KEY for a call on an Express
// service, from that service's tags, and for a security group's delete or ingress change, from the group's.
import type { Context } from './context.js'
import {
  PASSED_TO_ECS,
  PASSED_TO_ECS_TASKS,
  PASSED_TO_EVENTS,
  PASSED_TO_SCHEDULER,
  accessDenied,
  evaluate,
  requestContextFor,
  resourceTagContext,
  resourcesFor,
  tagOnCreateFor,
  type PolicyDocument,
  type RequestContext
} from './policy.js'
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
  /** The principal the denial names; default: the IAM user of the access key (a role session's ARN for the scheduler). */
  principalArn?: string
}

/** Throws the service's access-denied error unless `policy` (the key's; undefined: unrestricted) allows the call. */
export function authorize(ctx: Context, policy: PolicyDocument | undefined, call: Call): void {
  const { protocol, service, operation, params, region, accessKeyId } = call
  // GetCallerIdentity cannot be denied in AWS.
  if (!policy || (service === 'sts' && operation === 'GetCallerIdentity')) return
  const principal = call.principalArn ?? callerArn(ctx, accessKeyId)
  const check = (action: string, resource: string, context: RequestContext): void => {
    const decision = evaluate(policy, action, resource, context)
    if (decision !== 'allow') throw accessDenied(protocol, decision, principal, action, resource)
  }
  const context = {
    ...requestContextFor(service, operation, params, region, ctx.accountId),
    ...resourceTagContext(resourceTags(ctx, service, operation, params, region))
  }
  for (const resource of resourcesFor(service, operation, params, region, ctx.accountId))
    check(`${service}:${operation}`, resource, context)
  for (const implied of tagOnCreateFor(service, operation, params, region, ctx.accountId))
    check(implied.action, implied.resource, implied.context)
  for (const role of rolesPassedToEcs(ctx, service, operation, params, region))
    check('iam:PassRole', role, PASSED_TO_ECS_TASKS)
  for (const role of rolesPassedToEcsService(service, operation, params))
    check('iam:PassRole', role, PASSED_TO_ECS)
  const infrastructureRole = params.infrastructureRoleArn
  if (
    service === 'ecs' &&
    operation === 'CreateExpressGatewayService' &&
    typeof infrastructureRole === 'string'
  )
    check('iam:PassRole', infrastructureRole, PASSED_TO_ECS)
  const scheduleTarget = params.Target as { RoleArn?: unknown } | undefined
  // A rule's target role is passed to EventBridge.
  if (service === 'events' && operation === 'PutTargets' && Array.isArray(params.Targets))
    for (const target of params.Targets as Array<{ RoleArn?: unknown }>)
      if (typeof target?.RoleArn === 'string') check('iam:PassRole', target.RoleArn, PASSED_TO_EVENTS)
  if (
    service === 'scheduler' &&
    (operation === 'CreateSchedule' || operation === 'UpdateSchedule') &&
    typeof scheduleTarget?.RoleArn === 'string'
  )
    check('iam:PassRole', scheduleTarget.RoleArn, PASSED_TO_SCHEDULER)
}

/** The EC2 calls on an existing security group, authorized with its tags (aws:ResourceTag, as AWS does). */
const GROUP_TAGGED_EC2 = [
  'DeleteSecurityGroup',
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress'
]

/** The tags of the existing resource a call acts on, as far as the local AWS keeps them: an Express service's. */
function resourceTags(
  ctx: Context,
  service: string,
  operation: string,
  params: Record<string, unknown>,
  region: string
): Array<{ key: string; value: string }> {
  if (service === 'ec2' && GROUP_TAGGED_EC2.includes(operation)) {
    const id = params.GroupId
    const group =
      typeof id === 'string'
        ? ctx.ec2.securityGroups.get(id)
        : [...ctx.ec2.securityGroups.values()].find((g) => g.GroupName === params.GroupName)
    return (group?.Tags ?? []).map((tag) => ({ key: tag.Key, value: tag.Value }))
  }
  if (service === 'events') {
    // A rule's tags, for the calls on an existing rule (by name or by ARN).
    const name = params.Name ?? params.Rule
    const rule =
      typeof name === 'string'
        ? ctx.events.rules.get(name)
        : [...ctx.events.rules.values()].find((r) => r.Arn === params.ResourceARN)
    return operation === 'PutRule' && !ctx.events.rules.has(String(name))
      ? []
      : (rule?.tags ?? []).map((tag) => ({ key: tag.Key, value: tag.Value }))
  }
  if (service !== 'ecs' || operation === 'CreateExpressGatewayService' || operation === 'CreateService')
    return []
  const arn = params.serviceArn ?? params.resourceArn
  if (typeof arn === 'string')
    return ctx.express.services.get(arn)?.tags ?? ctx.standard.services.get(arn)?.tags ?? []
  if ((operation === 'UpdateService' || operation === 'DeleteService') && typeof params.service === 'string')
    return standardServiceOf(ctx, params, region)?.tags ?? []
  return []
}

/** The standard service an UpdateService or DeleteService names (by ARN, or by name in its cluster). */
function standardServiceOf(ctx: Context, params: Record<string, unknown>, region: string) {
  const ref = String(params.service ?? '')
  if (ref.startsWith('arn:')) return ctx.standard.services.get(ref)
  const cluster = String(params.cluster || 'default').replace(/^arn:[^/]*:cluster\//, '')
  return ctx.standard.services.get(`arn:aws:ecs:${region}:${ctx.accountId}:service/${cluster}/${ref}`)
}

/**
 * The roles a standard service hands to ECS itself (ecs.amazonaws.com): a blue/green load balancer's role and
 * the lifecycle hooks' roles.
 */
function rolesPassedToEcsService(
  service: string,
  operation: string,
  params: Record<string, unknown>
): string[] {
  if (service !== 'ecs' || (operation !== 'CreateService' && operation !== 'UpdateService')) return []
  const lbs = Array.isArray(params.loadBalancers)
    ? (params.loadBalancers as Array<Record<string, unknown>>)
    : []
  const config = (params.deploymentConfiguration ?? {}) as Record<string, unknown>
  const hooks = Array.isArray(config.lifecycleHooks)
    ? (config.lifecycleHooks as Array<Record<string, unknown>>)
    : []
  return [
    ...lbs.map((lb) => (lb?.advancedConfiguration as Record<string, unknown> | undefined)?.roleArn),
    ...hooks.map((h) => h?.roleArn)
  ].filter((role): role is string => typeof role === 'string' && role !== '')
}

/** The roles a call hands to ECS tasks: a task definition's, as registered or as RunTask starts it. */
function rolesPassedToEcs(
  ctx: Context,
  service: string,
  operation: string,
  params: Record<string, unknown>,
  region: string
): string[] {
  if (service !== 'ecs') return []
  let roles: unknown[] = []
  if (operation === 'RegisterTaskDefinition') roles = [params.taskRoleArn, params.executionRoleArn]
  if (operation === 'CreateExpressGatewayService' || operation === 'UpdateExpressGatewayService') {
    const td = params.taskDefinitionArn
      ? findTaskDefinition(ctx, String(params.taskDefinitionArn))
      : undefined
    roles = td ? [td.taskRoleArn, td.executionRoleArn] : [params.taskRoleArn, params.executionRoleArn]
  }
  // CreateService and UpdateService (any update, a desired count alone included) pass the task definition's roles.
  if (operation === 'CreateService' || operation === 'UpdateService') {
    const ref =
      params.taskDefinition ??
      (operation === 'UpdateService' ? standardServiceOf(ctx, params, region)?.taskDefinitionArn : undefined)
    const td = ref ? findTaskDefinition(ctx, String(ref)) : undefined
    roles = [td?.taskRoleArn, td?.executionRoleArn]
  }
  if (operation === 'RunTask') {
    const td = findTaskDefinition(ctx, String(params.taskDefinition ?? ''))
    roles = [td?.taskRoleArn, td?.executionRoleArn]
  }
  return roles.filter((role): role is string => typeof role === 'string' && role !== '')
}
