// A service's ttl, the shared part: the schedule's name, its time and the role's documents.
import {
  EXPIRES_AT_TAG,
  atExpression,
  deleteServiceTarget,
  expiryScheduleName,
  expiryTime,
  ttlRolePolicy,
  ttlTrustPolicy
} from '../../src/shared/ttl-role.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012:service/web/shop-pr-12'

describe('expiryScheduleName', () => {
  test('efd-ttl-NAME-HASH, the same for the same service', () => {
    expect(expiryScheduleName(ARN)).toMatch(/^efd-ttl-shop-pr-12-[0-9a-f]{8}$/)
    expect(expiryScheduleName(ARN)).toBe(expiryScheduleName(ARN))
  })

  test('services of the same name in other clusters or regions get other schedules', () => {
    const names = new Set([
      expiryScheduleName(ARN),
      expiryScheduleName(ARN.replace('/web/', '/api/')),
      expiryScheduleName(ARN.replace('us-east-1', 'eu-west-1'))
    ])
    expect(names.size).toBe(3)
  })

  test.each([1, 40, 47, 48, 255])(
    'a service name of %i characters gives a valid schedule name (1-64, [0-9a-zA-Z-_.])',
    (length) => {
      const name = expiryScheduleName(
        `arn:aws:ecs:us-east-1:123456789012:service/web/${'a_-'.repeat(90).slice(0, length)}`
      )
      expect(name.length).toBeLessThanOrEqual(64)
      expect(name).toMatch(/^[0-9a-zA-Z-_.]+$/)
    }
  )
})

test.each([
  ['2026-12-01T13:00:00.000Z', '2026-12-01T13:00:00Z', 'at(2026-12-01T13:00:00)'],
  ['2026-12-01T13:00:00.001Z', '2026-12-01T13:00:01Z', 'at(2026-12-01T13:00:01)'],
  ['2026-12-31T23:59:59.500Z', '2027-01-01T00:00:00Z', 'at(2027-01-01T00:00:00)']
])('%s: tag %s, expression %s (whole seconds, rounded up, UTC)', (iso, tag, expression) => {
  expect(expiryTime(new Date(iso))).toBe(tag)
  expect(atExpression(new Date(iso))).toBe(expression)
})

test('the role: assumable by EventBridge Scheduler of this account only', () => {
  expect(ttlTrustPolicy('123456789012')).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } }
      }
    ]
  })
})

test('the role may delete only services that carry the expiry tag, in its account and partition', () => {
  expect(ttlRolePolicy('aws-cn', '123456789012')).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DeleteExpiredServices',
        Effect: 'Allow',
        Action: 'ecs:DeleteExpressGatewayService',
        Resource: 'arn:aws-cn:ecs:*:123456789012:service/*/*',
        Condition: { Null: { [`aws:ResourceTag/${EXPIRES_AT_TAG}`]: 'false' } }
      }
    ]
  })
  expect(deleteServiceTarget('aws-cn')).toBe('arn:aws-cn:scheduler:::aws-sdk:ecs:deleteExpressGatewayService')
})
