// A service's time to live, written once for the code that makes it (aws/iam, aws/scheduler, modes/service)
// and the policy that allows making it (policy/permissions): a one-time EventBridge Scheduler schedule whose
// universal target deletes the Express Mode service, run as a role that only EventBridge Scheduler of this
// account can assume and that may delete only services tagged with their expiry.
import { createHash } from 'node:crypto'

export const SCHEDULER_SERVICE = 'scheduler.amazonaws.com'

/** The tag the action puts on a service with a ttl; its value is the expiry (2026-12-01T13:00:00Z). */
export const EXPIRES_AT_TAG = 'ecs-fargate-deploy:expires-at'

/** The ttl role's inline policy. */
export const TTL_POLICY_NAME = 'ecs-fargate-deploy-delete-expired-services'

export const TTL_ROLE_DESCRIPTION =
  'Deletes ECS Express Mode services whose ttl ran out (EventBridge Scheduler); created by ecs-fargate-deploy'

/** Every schedule the action makes starts so: the permissions are scoped to these names. */
export const SCHEDULE_PREFIX = 'efd-ttl-'

/** The schedule group the action uses: the one every account has. */
export const SCHEDULE_GROUP = 'default'

export interface ScopedTrustPolicy {
  Version: '2012-10-17'
  Statement: Array<{
    Effect: 'Allow'
    Principal: { Service: string }
    Action: 'sts:AssumeRole'
    Condition: { StringEquals: { 'aws:SourceAccount': string } }
  }>
}

/** Lets EventBridge Scheduler, for schedules of this account only, assume the role (no confused deputy). */
export function ttlTrustPolicy(account: string): ScopedTrustPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: SCHEDULER_SERVICE },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } }
      }
    ]
  }
}

/** Deletes Express Mode services of the account, and only those carrying the expiry tag. */
export function ttlRolePolicy(partition: string, account: string) {
  return {
    Version: '2012-10-17' as const,
    Statement: [
      {
        Sid: 'DeleteExpiredServices',
        Effect: 'Allow' as const,
        Action: 'ecs:DeleteExpressGatewayService',
        Resource: `arn:${partition}:ecs:*:${account}:service/*/*`,
        Condition: { Null: { [`aws:ResourceTag/${EXPIRES_AT_TAG}`]: 'false' } }
      }
    ]
  }
}

/** The universal target that calls ECS DeleteExpressGatewayService; its Input is {"ServiceArn": …}. */
export function deleteServiceTarget(partition = 'aws'): string {
  return `arn:${partition}:scheduler:::aws-sdk:ecs:deleteExpressGatewayService`
}

/**
 * The schedule of a service, from its ARN (arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME): efd-ttl-NAME-HASH,
 * at most 64 characters ([0-9a-zA-Z-_.]), the same on every deploy of that service; HASH tells services of the
 * same name in other clusters and regions apart (schedules are per region, but a long NAME is cut).
 */
export function expiryScheduleName(serviceArn: string): string {
  const name = serviceArn.slice(serviceArn.lastIndexOf('/') + 1)
  const hash = createHash('sha256').update(serviceArn).digest('hex').slice(0, 8)
  return `${SCHEDULE_PREFIX}${name.slice(0, 64 - SCHEDULE_PREFIX.length - 9)}-${hash}`
}

/** 2026-12-01T13:00:00.400Z → 2026-12-01T13:00:01Z: whole seconds, rounded up, as the tag and at() take it. */
export function expiryTime(date: Date): string {
  return new Date(Math.ceil(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** The one-time schedule expression of a time (UTC): at(2026-12-01T13:00:01). */
export function atExpression(date: Date): string {
  return `at(${expiryTime(date).replace(/Z$/, '')})`
}
