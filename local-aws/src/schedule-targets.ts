// EventBridge Scheduler's universal targets: a schedule's Target.Arn (arn:aws:scheduler:::aws-sdk:ecs:
// deleteExpressGatewayService) names a local service and operation, its Input (PascalCase members) becomes
// the operation's wire parameters, and the call is made as Target.RoleArn: the role's inline policies (and
// AdministratorAccess, the one managed policy whose content the local AWS knows) must allow it, Conditions
// and aws:ResourceTag included. An injected fault for the operation applies, as to any caller. Every call goes
// to the call log with invokedBy 'scheduler', the role, the schedule and the attempt. An ECS RunTask target
// (Target.Arn a cluster's ARN, EcsParameters) is RunTask made the same way: ecs:RunTask on the task definition
// with ecs:cluster, and iam:PassRole of its roles to ecs-tasks.amazonaws.com, as the role.
import { authorize } from './authorize.js'
import { hex, type Context } from './context.js'
import { faultError, type CallRecord, type Controls } from './controls.js'
import { serviceDef } from './dispatch.js'
import type { PolicyDocument, PolicyStatement } from './policy.js'
import { AwsError } from './protocol.js'
import type { ScheduleTargets, TargetCall } from './schedule-runner.js'
import { findRoleByArn, type Role } from './state/iam.js'
import {
  camelCaseMembers,
  operationOfAction,
  parseUniversalTarget,
  type Schedule
} from './state/scheduler.js'

/** Managed policies whose statements the local AWS knows; any other attached one grants nothing here. */
const KNOWN_MANAGED: Record<string, PolicyStatement[]> = {
  'arn:aws:iam::aws:policy/AdministratorAccess': [{ Effect: 'Allow', Action: '*', Resource: '*' }]
}

/** The role's identity-based policy: its inline policies' statements and those of the managed ones it knows. */
export function rolePolicy(role: Role): PolicyDocument {
  const statements: PolicyStatement[] = []
  for (const document of role.InlinePolicies.values()) {
    const parsed = JSON.parse(document) as Partial<PolicyDocument>
    const s = parsed.Statement
    if (s) statements.push(...(Array.isArray(s) ? s : [s]))
  }
  for (const arn of role.AttachedPolicies) statements.push(...(KNOWN_MANAGED[arn] ?? []))
  return { Version: '2012-10-17', Statement: statements }
}

/**
 * What a schedule's target calls: a universal target's operation with its Input (JSON services name members in
 * camelCase on the wire; the query and rest-json ones in PascalCase), or, for an ECS RunTask target, RunTask on
 * the cluster with its EcsParameters and Input (the task overrides). Its startedBy is `chronos-schedule/NAME`
 * (cut to RunTask's 36 characters): what AWS's Scheduler was seen to set; the group ECS's default.
 */
export function targetRequest(schedule: Schedule): {
  service: string
  operation: string
  params: Record<string, unknown>
} {
  const ecs = schedule.Target.EcsParameters
  if (ecs) {
    const vpc = ecs.NetworkConfiguration?.awsvpcConfiguration
    const params: Record<string, unknown> = {
      cluster: schedule.Target.Arn,
      taskDefinition: ecs.TaskDefinitionArn,
      count: ecs.TaskCount ?? 1,
      launchType: ecs.LaunchType,
      capacityProviderStrategy: ecs.CapacityProviderStrategy,
      networkConfiguration: vpc
        ? {
            awsvpcConfiguration: {
              subnets: vpc.Subnets,
              securityGroups: vpc.SecurityGroups,
              assignPublicIp: vpc.AssignPublicIp
            }
          }
        : undefined,
      platformVersion: ecs.PlatformVersion,
      group: ecs.Group,
      // Each TagMap is {key, value} (as the CDK writes them) or {KEY: VALUE}: both become ECS tags.
      tags: ecs.Tags?.map((tag) =>
        'key' in tag && 'value' in tag
          ? { key: tag.key, value: tag.value }
          : Object.entries(tag).map(([key, value]) => ({ key, value }))[0]
      ),
      propagateTags: ecs.PropagateTags,
      enableECSManagedTags: ecs.EnableECSManagedTags,
      enableExecuteCommand: ecs.EnableExecuteCommand,
      referenceId: ecs.ReferenceId,
      placementConstraints: ecs.PlacementConstraints,
      placementStrategy: ecs.PlacementStrategy,
      startedBy: `chronos-schedule/${schedule.Name}`.slice(0, 36),
      overrides: schedule.Target.Input ? (JSON.parse(schedule.Target.Input) as unknown) : undefined
    }
    for (const key of Object.keys(params)) if (params[key] === undefined) delete params[key]
    return { service: 'ecs', operation: 'RunTask', params }
  }
  const universal = parseUniversalTarget(schedule.Target.Arn)
  const service = universal?.service ?? 'unknown'
  const input = JSON.parse(schedule.Target.Input ?? '{}') as unknown
  const params = serviceDef(service)?.protocol === 'json' ? camelCaseMembers(input) : input
  return {
    service,
    operation: universal ? operationOfAction(universal.action) : 'unknown',
    params: params as Record<string, unknown>
  }
}

export function createScheduleTargets(
  ctx: Context,
  controls: Controls,
  log: (line: string) => void
): ScheduleTargets {
  return {
    canInvoke(service, operation) {
      const svc = serviceDef(service)
      return !!svc && Object.prototype.hasOwnProperty.call(svc.handlers, operation)
    },
    async invoke(schedule: Schedule, attempt: number): Promise<TargetCall> {
      const started = Date.now()
      const { service, operation, params } = targetRequest(schedule)
      const svc = serviceDef(service)
      const record: CallRecord = {
        time: started,
        service,
        operation,
        params,
        durationMs: 0,
        invokedBy: 'scheduler',
        role: schedule.Target.RoleArn,
        schedule: schedule.Arn,
        attempt
      }
      try {
        const handler = svc?.handlers[operation]
        if (!svc || !handler)
          throw new AwsError('UnknownOperationException', `No local operation ${service}:${operation}.`)
        const fault = controls.takeFault(service, operation)
        if (fault) throw faultError(fault, svc.protocol)
        const role = findRoleByArn(ctx, schedule.Target.RoleArn)
        if (!role)
          throw new AwsError(
            'AccessDeniedException',
            `EventBridge Scheduler could not assume the role ${schedule.Target.RoleArn}.`,
            403
          )
        const sessionKey = `ASIA${hex(8).toUpperCase()}`
        authorize(ctx, rolePolicy(role), {
          protocol: svc.protocol,
          service,
          operation,
          params,
          region: schedule.region,
          accessKeyId: sessionKey,
          principalArn: `arn:aws:sts::${ctx.accountId}:assumed-role/${role.RoleName}/${hex(16)}`
        })
        const output = await handler(ctx, params, { region: schedule.region, accessKeyId: sessionKey })
        if (!schedule.Target.EcsParameters) return { service, operation, params }
        // RunTask answers 200 with failures when it starts no task: the invocation failed (a guess: AWS's
        // Scheduler documents no code for it).
        const run = output as { tasks?: Array<{ taskArn?: string }>; failures?: Array<{ reason?: string }> }
        const taskArns = (run.tasks ?? []).map((task) => String(task.taskArn))
        if (taskArns.length === 0)
          throw new AwsError(
            'RunTaskFailure',
            `RunTask started no task: ${(run.failures ?? []).map((f) => f.reason).join(', ') || 'no reason given'}`
          )
        record.taskArns = taskArns
        return { service, operation, params, taskArns }
      } catch (err) {
        const awsErr = err instanceof AwsError ? err : new AwsError('InternalFailure', String(err), 500)
        if (!(err instanceof AwsError)) log(`internal error: ${(err as Error).stack ?? String(err)}`)
        record.error = awsErr.code
        record.errorMessage = awsErr.message
        return { service, operation, params, error: awsErr.code, errorMessage: awsErr.message }
      } finally {
        record.durationMs = Date.now() - started
        controls.record(record)
        log(
          `scheduler ${schedule.Name} (attempt ${attempt}) -> ${service}:${operation}${record.error ? ` -> ${record.error}` : ''}`
        )
      }
    }
  }
}
