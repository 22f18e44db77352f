import { isArn, lastSegment, parseArn } from '../../src/shared/arn.js'

describe('parseArn', () => {
  test.each([
    [
      'arn:aws:ecs:eu-west-1:123456789012:cluster/web',
      {
        partition: 'aws',
        service: 'ecs',
        region: 'eu-west-1',
        account: '123456789012',
        resource: 'cluster/web'
      }
    ],
    [
      'arn:aws-cn:iam::210987654321:role/path/deployer',
      {
        partition: 'aws-cn',
        service: 'iam',
        region: '',
        account: '210987654321',
        resource: 'role/path/deployer'
      }
    ],
    [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::',
      {
        partition: 'aws',
        service: 'secretsmanager',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'secret:db-AbCdEf:password::'
      }
    ],
    ['arn:aws:sts::123456789012', undefined],
    ['ecsTaskExecutionRole', undefined],
    ['urn:aws:ecs:eu-west-1:123456789012:cluster/web', undefined]
  ])('%s', (value, expected) => {
    expect(parseArn(value)).toEqual(expected)
  })
})

test.each([
  ['arn:aws:ecs:us-east-1:123456789012:task/c/0123abcd', true, '0123abcd'],
  ['arn:aws:ecs:us-east-1:123456789012:task-definition/web:3', true, 'web:3'],
  ['web', false, 'web']
])('%s: isArn %s, lastSegment %s', (value, arn, segment) => {
  expect(isArn(value)).toBe(arn)
  expect(lastSegment(value)).toBe(segment)
})
