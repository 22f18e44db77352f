// EventBridge Scheduler's universal targets: a schedule's Target.Arn (arn:aws:scheduler:::aws-sdk:ecs:
// deleteExpressGatewayService) names a local service and operation, its Input (PascalCase members) becomes
// the operation's wire parameters, and the call is made as Target.RoleArn: the role's inline policies (and
// AdministratorAccess, the one managed policy whose content the local AWS knows) must allow it, Conditions
// and aws:ResourceTag included. An injected fault for the operation applies, as to any caller. Every call goes
// to the call log with invokedBy 'scheduler', the role, the schedule and the attempt.
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
      const universal = parseUniversalTarget(schedule.Target.Arn)
      const service = universal?.service ?? 'unknown'
      const operation = universal ? operationOfAction(universal.action) : 'unknown'
      const svc = serviceDef(service)
      const input = JSON.parse(schedule.Target.Input ?? '{}') as unknown
      // JSON services name members in camelCase on the wire; the query and rest-json ones in PascalCase.
      const params = (svc?.protocol === 'json' ? camelCaseMembers(input) : input) as Record<string, unknown>
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
        await handler(ctx, params, { region: schedule.region, accessKeyId: sessionKey })
        return { service, operation, params }
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
