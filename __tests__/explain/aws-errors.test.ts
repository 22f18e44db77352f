import { EC2ServiceException } from '@aws-sdk/client-ec2'
import { ECRServiceException } from '@aws-sdk/client-ecr'
import {
  AccessDeniedException,
  ClientException,
  ClusterNotFoundException,
  DescribeClustersCommand,
  ECSClient,
  RunTaskCommand,
  type Task
} from '@aws-sdk/client-ecs'
import { ThrottlingException } from '@aws-sdk/client-cloudwatch-logs'
import { ExpiredTokenException } from '@aws-sdk/client-sts'
import { CredentialsProviderError } from '@smithy/core/config'
import { HttpResponse } from '@smithy/core/transport'
import { mockClient } from 'aws-sdk-client-mock'
import { ActionError, formatActionError } from '../../src/explain/action-error.js'
import {
  annotateAwsErrors,
  awsCallOf,
  explainError,
  parseDeniedMessage
} from '../../src/explain/aws-errors.js'
import {
  describeRunTaskFailures,
  describeStoppedTask,
  hintForStoppedTask
} from '../../src/explain/task-failures.js'
import { parseInputs } from '../../src/inputs/inputs.js'
import { scopeFor, type PolicyStatement } from '../../src/policy/permissions.js'

const inputs = parseInputs(
  (name) => ({ region: 'us-east-1', repository: 'myapp', port: '5000', 'task-role': 'app' })[name] ?? '',
  { env: {}, readFile: () => '' }
)
/** As main.ts builds it before any account id is known. */
const scope = scopeFor(inputs)
const metadata = { httpStatusCode: 400, attempts: 1 }

/** The ready-to-paste statement in an explained error's message. */
function statementIn(message: string): PolicyStatement {
  const json = /^\{$[\s\S]*?^\}$/m.exec(message)
  if (!json) throw new Error(`no statement in:\n${message}`)
  return JSON.parse(json[0]) as PolicyStatement
}

describe('ActionError', () => {
  test('keeps its message; hint and details are separate, and formatActionError shows all three', () => {
    const error = new ActionError('RunTask started no task', { hint: 'Retry later.' })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ActionError')
    expect(error.message).toBe('RunTask started no task')
    expect(formatActionError(error)).toBe('RunTask started no task\nRetry later.')
    error.details = 'RESOURCE:ENI'
    expect(formatActionError(error)).toBe('RunTask started no task\nRESOURCE:ENI\nRetry later.')
    expect(formatActionError(new Error('plain'))).toBe('plain')
    expect(formatActionError(42)).toBe('42')
    expect(new ActionError('First line\nsecond').summary).toBe('First line')
  })

  test('subclasses keep their name', () => {
    class WaitError extends ActionError {
      constructor() {
        super('Timed out')
        this.name = 'WaitError'
      }
    }
    expect(new WaitError().name).toBe('WaitError')
    expect(new WaitError()).toBeInstanceOf(ActionError)
  })
})

describe('parseDeniedMessage', () => {
  test.each([
    [
      'User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:111122223333:repository/myapp because no identity-based policy allows the ecr:CreateRepository action',
      {
        principal: 'arn:aws:sts::111122223333:assumed-role/gh/x',
        account: '111122223333',
        action: 'ecr:CreateRepository',
        resource: 'arn:aws:ecr:us-east-1:111122223333:repository/myapp',
        reason: 'no identity-based policy allows the ecr:CreateRepository action'
      }
    ],
    [
      'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:111122223333:log-group:/ecs/myapp:log-stream: with an explicit deny in a service control policy',
      {
        principal: 'arn:aws:iam::111122223333:user/ci',
        account: '111122223333',
        action: 'logs:CreateLogGroup',
        resource: 'arn:aws:logs:us-east-1:111122223333:log-group:/ecs/myapp:log-stream:',
        reason: 'with an explicit deny in a service control policy'
      }
    ],
    [
      'User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: ecr:GetAuthorizationToken because no identity-based policy allows the ecr:GetAuthorizationToken action',
      {
        principal: 'arn:aws:sts::111122223333:assumed-role/gh/x',
        account: '111122223333',
        action: 'ecr:GetAuthorizationToken',
        resource: undefined,
        reason: 'no identity-based policy allows the ecr:GetAuthorizationToken action'
      }
    ]
  ])('%s', (message, expected) => {
    expect(parseDeniedMessage(message)).toEqual(expected)
  })

  test('is undefined for other messages', () => {
    expect(parseDeniedMessage('Cluster not found.')).toBeUndefined()
  })
})

describe('explainError on access denied', () => {
  test('ECR CreateRepository: names the action, resource, step, input, with a statement for the real account', () => {
    const error = new ECRServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: metadata,
      message:
        'User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:111122223333:repository/myapp because no identity-based policy allows the ecr:CreateRepository action'
    })
    const explained = explainError(error, scope)
    expect(explained).toBeInstanceOf(ActionError)
    expect(explained.cause).toBe(error)
    expect(explained.summary).toBe(
      'Not authorized to create the ECR repository: the AWS identity (arn:aws:sts::111122223333:assumed-role/gh/x) may not perform ecr:CreateRepository on arn:aws:ecr:us-east-1:111122223333:repository/myapp (ECR CreateRepository).'
    )
    expect(explained.message).toContain(
      'set create-repository: false and create the repository ahead of time'
    )
    expect(explained.message).toContain('input create-repository')
    expect(explained.message).toContain('role gh')
    expect(explained.message).toContain('mode: permissions')
    expect(statementIn(explained.message)).toEqual({
      Sid: 'EcrRepository',
      Effect: 'Allow',
      Action: ['ecr:CreateRepository', 'ecr:TagResource'],
      Resource: ['arn:aws:ecr:us-east-1:111122223333:repository/myapp']
    })
  })

  test('EC2 UnauthorizedOperation: the statement covers the VPC AWS names; the encoded message is not printed', () => {
    const error = new EC2ServiceException({
      name: 'UnauthorizedOperation',
      $fault: 'client',
      $metadata: metadata,
      message:
        'You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: ec2:CreateSecurityGroup on resource: arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0abc because no identity-based policy allows the ec2:CreateSecurityGroup action. Encoded authorization failure message: AbCdEf0123'
    })
    const explained = explainError(error, scope, { service: 'ec2', operation: 'CreateSecurityGroup' })
    expect(explained.summary).toContain('Not authorized to create the security group')
    expect(explained.summary).toContain(
      'ec2:CreateSecurityGroup on arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0abc'
    )
    expect(explained.message).toContain('set security-groups to groups you manage')
    expect(explained.message).toContain('aws sts decode-authorization-message')
    expect(explained.message).not.toContain('AbCdEf0123')
    // The VPC's row (the group's own row requires the family tag, which does not apply to a VPC).
    expect(statementIn(explained.message)).toEqual({
      Sid: 'Ec2SecurityGroupVpc',
      Effect: 'Allow',
      Action: ['ec2:CreateSecurityGroup'],
      Resource: ['arn:aws:ec2:us-east-1:111122223333:vpc/*']
    })
  })

  test('ECS ClientException for iam:PassRole on the task role: the statement is for that role, with the condition', () => {
    const error = new ClientException({
      $metadata: metadata,
      message:
        'User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/app because no identity-based policy allows the iam:PassRole action'
    })
    const explained = explainError(error, scope, { service: 'ecs', operation: 'RegisterTaskDefinition' })
    expect(explained.summary).toContain('Not authorized to pass the task role to ECS in the task definition')
    expect(explained.summary).toContain('(ECS RegisterTaskDefinition)')
    expect(statementIn(explained.message)).toEqual({
      Sid: 'IamPassRoles',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: ['arn:aws:iam::111122223333:role/app'],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
    })
  })

  test("IAM AccessDenied on a role write: the one-time setup's, not a statement for the deploy identity", () => {
    const error = Object.assign(
      new Error(
        'User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: iam:AttachRolePolicy on resource: role ecsTaskExecutionRole because no identity-based policy allows the iam:AttachRolePolicy action'
      ),
      { name: 'AccessDenied', $metadata: metadata }
    )
    const explained = explainError(error, scope, { service: 'iam', operation: 'AttachRolePolicy' })
    expect(explained.message).toContain(
      'This is a role write of the one-time setup, left out of the deploy policy on purpose'
    )
    expect(explained.message).not.toContain('Add the statement above')
  })

  test('an explicit deny says an Allow will not help', () => {
    const error = new AccessDeniedException({
      $metadata: metadata,
      message:
        'User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:111122223333:task-definition/myapp:3 with an explicit deny in a service control policy'
    })
    const explained = explainError(error, scope, { service: 'ecs', operation: 'RunTask' })
    expect(explained.summary).toContain('Not authorized to run the task')
    expect(explained.message).toContain('explicit Deny (with an explicit deny in a service control policy)')
    expect(explained.message).toContain('adding an Allow will not help')
    expect(statementIn(explained.message).Condition).toEqual({
      ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:111122223333:cluster/default' }
    })
  })

  test('docker push denied (a plain error from the CLI) is explained from the action AWS names', () => {
    const error = new Error(
      'docker push failed: denied: User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:111122223333:repository/myapp because no identity-based policy allows the ecr:InitiateLayerUpload action'
    )
    const explained = explainError(error, scope)
    expect(explained.summary).toContain(
      'Not authorized to push the image to the ECR repository (docker push)'
    )
    expect(statementIn(explained.message).Action).toEqual([
      'ecr:BatchCheckLayerAvailability',
      'ecr:BatchGetImage',
      'ecr:CompleteLayerUpload',
      'ecr:InitiateLayerUpload',
      'ecr:PutImage',
      'ecr:UploadLayerPart'
    ])
  })

  test('without AWS naming the action, the table names it from the call', () => {
    const error = new ECRServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: metadata,
      message: 'Access denied'
    })
    const explained = explainError(error, scopeFor(inputs, '444455556666'), {
      service: 'ecr',
      operation: 'DescribeRepositories'
    })
    expect(explained.summary).toBe(
      'Not authorized to look up the ECR repository: the AWS identity may not perform ecr:DescribeRepositories on arn:aws:ecr:us-east-1:444455556666:repository/myapp (ECR DescribeRepositories).'
    )
  })
})

describe('explainError on other errors', () => {
  test('throttling after the SDK retries says so', () => {
    const error = new ThrottlingException({
      $metadata: { ...metadata, attempts: 8 },
      message: 'Rate exceeded'
    })
    const explained = explainError(error, scope, { service: 'logs', operation: 'GetLogEvents' })
    expect(explained.summary).toBe(
      "AWS throttled the requests to read the task's log lines (CloudWatch Logs GetLogEvents) after 8 attempts: the SDK already retried with backoff."
    )
    expect(explained.message).toContain('Rate exceeded')
  })

  test('expired credentials point to configure-aws-credentials with OIDC and a longer session', () => {
    const error = new ExpiredTokenException({
      $metadata: metadata,
      message: 'The security token included in the request is expired'
    })
    const explained = explainError(error, scope, { service: 'ecs', operation: 'DescribeTasks' })
    expect(explained.summary).toBe('The AWS credentials expired before the action could watch the tasks.')
    expect(explained.message).toContain('aws-actions/configure-aws-credentials')
    expect(explained.message).toContain('id-token: write')
    expect(explained.message).toContain('role-duration-seconds')
  })

  test('missing credentials (CredentialsProviderError) say how to configure them', () => {
    const error = new CredentialsProviderError('Could not load credentials from any providers', {
      tryNextLink: false
    })
    const explained = explainError(error, scope)
    expect(explained.summary).toBe('No AWS credentials were found to call AWS.')
    expect(explained.message).toContain('role-to-assume')
  })

  test('an invalid token is a credentials problem too', () => {
    const error = new ECRServiceException({
      name: 'UnrecognizedClientException',
      $fault: 'client',
      $metadata: metadata,
      message: 'The security token included in the request is invalid.'
    })
    expect(explainError(error, scope).summary).toBe(
      'AWS rejected the credentials used to call AWS (UnrecognizedClientException).'
    )
  })

  test("other AWS errors keep AWS's message, prefixed with the step and operation", () => {
    const error = new ClusterNotFoundException({ $metadata: metadata, message: 'Cluster not found.' })
    expect(explainError(error, scope, { service: 'ecs', operation: 'DescribeClusters' }).message).toBe(
      'Failed to look up the ECS cluster (ECS DescribeClusters): ClusterNotFoundException: Cluster not found.'
    )
  })

  test('the missing ECS service-linked role gets the statement to create it', () => {
    const error = new ECRServiceException({
      name: 'InvalidParameterException',
      $fault: 'client',
      $metadata: metadata,
      message:
        'Unable to assume the service linked role. Please verify that the ECS service linked role exists.'
    })
    const explained = explainError(error, scopeFor(inputs, '111122223333'), {
      service: 'ecs',
      operation: 'CreateCluster'
    })
    expect(explained.message).toContain(
      'aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com'
    )
    expect(statementIn(explained.message).Resource).toEqual([
      'arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'
    ])
  })

  test('ActionErrors pass through; other errors keep their message', () => {
    const actionError = new ActionError('Already explained')
    expect(explainError(actionError, scope)).toBe(actionError)
    expect(explainError(new Error('docker: not found'), scope).message).toBe('docker: not found')
    expect(explainError('a string', scope).message).toBe('Failed: a string')
  })
})

describe('annotateAwsErrors', () => {
  const deniedBody = JSON.stringify({
    __type: 'AccessDeniedException',
    message:
      'User: arn:aws:sts::111122223333:assumed-role/gh/x is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:111122223333:task-definition/myapp:7 because no identity-based policy allows the ecs:RunTask action'
  })

  /** A real client whose HTTP layer answers like ECS does to a denied call, so the real middleware stack runs. */
  function deniedClient(): ECSClient {
    return new ECSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestHandler: {
        handle: async () => ({
          response: new HttpResponse({
            statusCode: 400,
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amzn-errortype': 'AccessDeniedException'
            },
            body: Buffer.from(deniedBody)
          })
        })
      }
    })
  }

  test('a failed command carries its service, operation and input, not enumerable', async () => {
    const ecs = annotateAwsErrors(deniedClient())
    const input = { cluster: 'default', taskDefinition: 'myapp:7' }
    const error = await ecs.send(new RunTaskCommand(input)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AccessDeniedException)
    expect(awsCallOf(error)).toEqual({ service: 'ecs', operation: 'RunTask', input })
    expect(Object.keys(error as object)).not.toContain('input')
    expect(JSON.stringify(error)).not.toContain('myapp:7"}')
    const explained = explainError(error, scope)
    expect(explained.summary).toContain('Not authorized to run the task')
    expect(explained.summary).toContain('(ECS RunTask)')
  })

  test('annotating twice adds one middleware; without it nothing is attached', async () => {
    const ecs = deniedClient()
    annotateAwsErrors(ecs)
    annotateAwsErrors(ecs)
    expect(
      ecs.middlewareStack.identify().filter((name) => name.startsWith('ecsFargateDeployAnnotateErrors'))
    ).toHaveLength(1)
    const plain = await deniedClient()
      .send(new DescribeClustersCommand({}))
      .catch((caught: unknown) => caught)
    expect(awsCallOf(plain)).toBeUndefined()
  })

  test('with aws-sdk-client-mock, send is replaced and no middleware runs: pass the call to explainError', async () => {
    const ecs = annotateAwsErrors(new ECSClient({ region: 'us-east-1' }))
    const mock = mockClient(ecs)
    mock
      .on(RunTaskCommand)
      .rejects(new AccessDeniedException({ $metadata: metadata, message: JSON.parse(deniedBody).message }))
    const error = await ecs
      .send(new RunTaskCommand({ taskDefinition: 'myapp' }))
      .catch((caught: unknown) => caught)
    expect(awsCallOf(error)).toBeUndefined()
    expect(explainError(error, scope, { service: 'ecs', operation: 'RunTask' }).summary).toContain(
      '(ECS RunTask)'
    )
    mock.restore()
  })
})

const task = (over: Partial<Task>): Task => ({
  taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/default/0123456789abcdef0123456789abcdef',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/myapp:3',
  lastStatus: 'STOPPED',
  ...over
})

describe('describeStoppedTask', () => {
  test('stop code, reason, and each container', () => {
    expect(
      describeStoppedTask(
        task({
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          containers: [
            { name: 'web', exitCode: 1 },
            { name: 'sidecar', reason: 'CannotPullContainerError: not found' },
            { name: 'init', lastStatus: 'PENDING' }
          ]
        })
      )
    ).toBe(
      [
        'Task 0123456789abcdef0123456789abcdef (myapp:3) stopped: EssentialContainerExited: Essential container in task exited',
        '  container web: exit code 1',
        '  container sidecar: reason: CannotPullContainerError: not found',
        '  container init: last status PENDING'
      ].join('\n')
    )
  })
})

describe('hintForStoppedTask', () => {
  const timeout =
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-east-1.amazonaws.com/": dial tcp 52.46.0.1:443: i/o timeout'
  const execRoleDenied =
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/0123 is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action'
  const secretDenied =
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:111122223333:secret:db from secrets manager: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/0123 is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:111122223333:secret:db'
  const notFound =
    'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 111122223333.dkr.ecr.us-east-1.amazonaws.com/myapp:v2: 111122223333.dkr.ecr.us-east-1.amazonaws.com/myapp:v2: not found'
  const noLogGroup =
    'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1'
  const base = { assignPublicIp: true, hasExecutionRole: true, logGroup: '/ecs/myapp' }

  test.each<[string, Partial<Task>, Partial<typeof base>, RegExp | undefined]>([
    [
      'network timeout without a public IP',
      { stopCode: 'TaskFailedToStart', stoppedReason: timeout },
      { assignPublicIp: false },
      /set assign-public-ip: true, or use subnets with a NAT gateway or VPC endpoints/
    ],
    [
      'network timeout with a public IP',
      { stopCode: 'TaskFailedToStart', stoppedReason: timeout },
      {},
      /route 0\.0\.0\.0\/0 to an internet gateway/
    ],
    [
      'execution role not allowed to pull',
      { stopCode: 'TaskFailedToStart', stoppedReason: execRoleDenied },
      {},
      /execution-role exists, trusts ecs-tasks\.amazonaws\.com and has AmazonECSTaskExecutionRolePolicy/
    ],
    [
      'no execution role',
      { containers: [{ name: 'web', reason: 'CannotPullContainerError: pull access denied' }] },
      { hasExecutionRole: false },
      /no execution role/
    ],
    [
      'secrets not readable',
      { stopCode: 'TaskFailedToStart', stoppedReason: secretDenied },
      {},
      /secretsmanager:GetSecretValue/
    ],
    ['image not found', { containers: [{ name: 'web', reason: notFound }] }, {}, /pushed tag or digest/],
    [
      'log group missing',
      { stopCode: 'TaskFailedToStart', stoppedReason: noLogGroup },
      {},
      /log group \/ecs\/myapp does not exist/
    ],
    [
      'out of memory',
      {
        stopCode: 'EssentialContainerExited',
        containers: [
          { name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }
        ]
      },
      {},
      /raise memory/
    ],
    [
      'essential container exited',
      {
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'web', exitCode: 3 }]
      },
      {},
      /exited \(exit code web: 3\): look at its log lines in \/ecs\/myapp/
    ],
    [
      'stopped by a user: no known cause',
      { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' },
      {},
      undefined
    ]
  ])('%s', (_name, over, context, expected) => {
    const hint = hintForStoppedTask(task(over), { ...base, ...context })
    if (expected) expect(hint).toMatch(expected)
    else expect(hint).toBeUndefined()
  })

  test('a network timeout is not blamed on the execution role', () => {
    const hint = hintForStoppedTask(task({ stoppedReason: timeout }), base)
    expect(hint).not.toMatch(/AmazonECSTaskExecutionRolePolicy|secrets/)
  })
})

describe('describeRunTaskFailures', () => {
  test('one line per failure, with hints for known reasons', () => {
    expect(
      describeRunTaskFailures([
        {
          arn: 'arn:aws:ecs:us-east-1:111122223333:cluster/default',
          reason: 'RESOURCE:ENI',
          detail: 'subnet full'
        },
        { reason: 'MISSING' },
        { arn: 'arn:aws:ecs:us-east-1:111122223333:task/default/abc', reason: 'AGENT' },
        {
          reason:
            'Capacity is unavailable at this time. Please try again later or in a different availability zone'
        },
        { reason: 'SOMETHING-NEW', detail: 'detail' }
      ])
    ).toBe(
      [
        '- arn:aws:ecs:us-east-1:111122223333:cluster/default: RESOURCE:ENI: subnet full',
        '  No network interface could be created: the subnets are out of free IP addresses or the account reached its ENI quota. Use subnets with free addresses or raise the quota.',
        '- MISSING',
        '  ECS could not find a resource the task needs: check the cluster (cluster input and region) and that the task definition is ACTIVE.',
        '- arn:aws:ecs:us-east-1:111122223333:task/default/abc: AGENT',
        "  The container instance's ECS agent is disconnected; retry, or check the cluster's instances.",
        '- Capacity is unavailable at this time. Please try again later or in a different availability zone',
        "  Fargate has no capacity in the subnets' Availability Zones right now: retry, or add subnets in other Availability Zones.",
        '- SOMETHING-NEW: detail'
      ].join('\n')
    )
  })
})
