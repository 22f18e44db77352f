// task-arn is checked by the ARN's structure (arn:PARTITION:ecs:REGION:ACCOUNT:task/[CLUSTER/]ID), not by the
// shape of the task ID, so the older UUID IDs and every aws-* partition pass.
import { InputError, parseInputs, taskReferenceProblem } from '../../src/inputs/inputs.js'
import { isAwsPartition, parseArn } from '../../src/shared/arn.js'

function stopProblems(taskArn: string): string[] {
  try {
    parseInputs((name) => ({ mode: 'stop', family: 'web', 'task-arn': taskArn })[name] ?? '', {
      env: { AWS_REGION: 'us-east-1' },
      readFile: () => ''
    })
    return []
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
}

describe('accepted task references', () => {
  test.each([
    'arn:aws:ecs:us-east-1:123456789012:task/0123456789abcdef0123456789abcdef',
    'arn:aws:ecs:us-east-1:123456789012:task/fargate-cluster/0123456789abcdef0123456789abcdef',
    'arn:aws:ecs:us-east-1:123456789012:task/1dc5c17a-422b-4dc4-b493-371970c6c4d6',
    'arn:aws:ecs:eu-west-1:123456789012:task/my_cluster/1dc5c17a-422b-4dc4-b493-371970c6c4d6',
    'arn:aws-cn:ecs:cn-north-1:123456789012:task/default/0123456789abcdef0123456789abcdef',
    'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task/default/0123456789abcdef0123456789abcdef',
    'arn:aws-iso-b:ecs:us-isob-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef',
    'arn:aws-eusc:ecs:eusc-de-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef',
    'arn:aws:ecs:us-east-1:123456789012:task/c/LocalTask_1',
    '0123456789abcdef0123456789abcdef',
    '1dc5c17a-422b-4dc4-b493-371970c6c4d6'
  ])('%s', (reference) => {
    expect(taskReferenceProblem(reference)).toBeUndefined()
    expect(stopProblems(reference)).toEqual([])
  })

  test('stop mode keeps them as given, in order', () => {
    const given = [
      'arn:aws:ecs:us-east-1:123456789012:task/1dc5c17a-422b-4dc4-b493-371970c6c4d6',
      '1dc5c17a-422b-4dc4-b493-371970c6c4d6'
    ]
    const inputs = parseInputs((name) => ({ mode: 'stop', 'task-arn': given.join('\n') })[name] ?? '', {
      env: { AWS_REGION: 'us-east-1' },
      readFile: () => ''
    })
    expect(inputs.taskArns).toEqual([
      'arn:aws:ecs:us-east-1:123456789012:task/1dc5c17a-422b-4dc4-b493-371970c6c4d6',
      '1dc5c17a-422b-4dc4-b493-371970c6c4d6'
    ])
  })
})

describe('rejected task references', () => {
  test.each([
    ['not-a-task', 'it is not an ARN, and not a task ID (32 hexadecimal characters, or 8-4-4-4-12 of them)'],
    [
      '0123456789abcdef',
      'it is not an ARN, and not a task ID (32 hexadecimal characters, or 8-4-4-4-12 of them)'
    ],
    [
      '0123456789ABCDEF0123456789ABCDEF',
      'it is not an ARN, and not a task ID (32 hexadecimal characters, or 8-4-4-4-12 of them)'
    ],
    ['arn:aws:ecs:us-east-1:123456789012', 'an ARN has six parts separated by :'],
    [
      'arn:amazon:ecs:us-east-1:123456789012:task/abc',
      "the partition 'amazon' is not aws, aws-cn, aws-us-gov or another aws-* partition"
    ],
    [
      'arn:awsx:ecs:us-east-1:123456789012:task/abc',
      "the partition 'awsx' is not aws, aws-cn, aws-us-gov or another aws-* partition"
    ],
    ['arn:aws:ec2:us-east-1:123456789012:task/abc', "the service 'ec2' is not ecs"],
    [
      'arn:aws:ecs:useast:123456789012:task/abc',
      "the region 'useast' is not a region name such as us-east-1"
    ],
    ['arn:aws:ecs::123456789012:task/abc', "the region '' is not a region name such as us-east-1"],
    ['arn:aws:ecs:us-east-1:12345:task/abc', "the account '12345' is not 12 digits"],
    ['arn:aws:ecs:us-east-1::task/abc', "the account '' is not 12 digits"],
    [
      'arn:aws:ecs:us-east-1:123456789012:service/c/web',
      "the resource 'service/c/web' is not task/ID or task/CLUSTER/ID"
    ],
    ['arn:aws:ecs:us-east-1:123456789012:task', "the resource 'task' is not task/ID or task/CLUSTER/ID"],
    [
      'arn:aws:ecs:us-east-1:123456789012:task/c/d/e',
      "the resource 'task/c/d/e' is not task/ID or task/CLUSTER/ID"
    ],
    ['arn:aws:ecs:us-east-1:123456789012:task/', "the task ID '' is empty or not letters, digits, - and _"],
    ['arn:aws:ecs:us-east-1:123456789012:task/c/', "the task ID '' is empty or not letters, digits, - and _"],
    [
      'arn:aws:ecs:us-east-1:123456789012:task/c/ab:c',
      "the task ID 'ab:c' is empty or not letters, digits, - and _"
    ],
    [
      'arn:aws:ecs:us-east-1:123456789012:task/bad.cluster/abc',
      "the cluster 'bad.cluster' is not a cluster name (letters, digits, - and _, at most 255)"
    ]
  ])('%s: %s', (reference, reason) => {
    expect(taskReferenceProblem(reference)).toBe(reason)
  })

  test('the problem names task-arn, the value, what is wrong and what is allowed', () => {
    expect(stopProblems('arn:aws:ecs:us-east-1:12345:task/abc')).toEqual([
      "task-arn: 'arn:aws:ecs:us-east-1:12345:task/abc' is not an ECS task ARN or task ID: the account " +
        "'12345' is not 12 digits; use arn:PARTITION:ecs:REGION:ACCOUNT:task/ID or " +
        'arn:PARTITION:ecs:REGION:ACCOUNT:task/CLUSTER/ID (PARTITION aws, aws-cn, aws-us-gov or another ' +
        'aws-*; ACCOUNT 12 digits), or the task ID alone'
    ])
  })

  test('every bad reference in a list is reported', () => {
    const problems = stopProblems('["not-a-task", "0123456789abcdef0123456789abcdef", "arn:aws:s3:::bucket"]')
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(' is not')))).toEqual([
      "task-arn: 'not-a-task'",
      "task-arn: 'arn:aws:s3:::bucket'"
    ])
  })
})

describe('parseArn', () => {
  test.each([
    [
      'arn:aws:ecs:us-east-1:123456789012:task/c/0123',
      {
        partition: 'aws',
        service: 'ecs',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'task/c/0123'
      }
    ],
    [
      'arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web:3',
      {
        partition: 'aws-cn',
        service: 'ecs',
        region: 'cn-north-1',
        account: '123456789012',
        resource: 'task-definition/web:3'
      }
    ],
    [
      'arn:aws-us-gov:iam::123456789012:role/path/name',
      {
        partition: 'aws-us-gov',
        service: 'iam',
        region: '',
        account: '123456789012',
        resource: 'role/path/name'
      }
    ],
    ['arn:aws:s3:::bucket', { partition: 'aws', service: 's3', region: '', account: '', resource: 'bucket' }]
  ])('%s', (arn, parts) => {
    expect(parseArn(arn)).toEqual(parts)
  })

  test.each(['', 'web', 'arn:aws:ecs:us-east-1:123456789012', 'urn:aws:ecs:us-east-1:123456789012:task/x'])(
    'not an ARN: %j',
    (value) => {
      expect(parseArn(value)).toBeUndefined()
    }
  )

  test.each([
    ['aws', true],
    ['aws-cn', true],
    ['aws-us-gov', true],
    ['aws-iso', true],
    ['aws-iso-b', true],
    ['aws-eusc', true],
    ['awsx', false],
    ['aws-', false],
    ['amazon', false],
    ['', false]
  ])('isAwsPartition(%j) is %s', (partition, expected) => {
    expect(isAwsPartition(partition)).toBe(expected)
  })
})
