import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import { ActionError } from '../../src/explain/action-error.js'
import {
  ensureExecutionRole,
  ensureInfrastructureRole,
  grantSecrets,
  isRoleArn,
  resolveTaskRole,
  roleName,
  secretsPolicy,
  secretsPolicyName
} from '../../src/aws/iam.js'

const iam = mockClient(IAMClient)
const client = new IAMClient({ region: 'us-east-1' })
const ROLE_ARN = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole'
const role = (Arn: string) => ({
  Role: { Arn, RoleName: roleName(Arn), Path: '/', RoleId: 'AROA', CreateDate: new Date(0) }
})
const awsError = (name: string) => Object.assign(new Error(`${name} message`), { name })
const options = { role: 'ecsTaskExecutionRole', create: true, tags: [{ key: 'team', value: 'data' }] }

beforeEach(() => iam.reset())

describe('ensureExecutionRole', () => {
  test('a role ARN is used as given, without any IAM call', async () => {
    const arn = 'arn:aws:iam::123456789012:role/path/to/deployer'
    expect(await ensureExecutionRole(client, { ...options, role: arn })).toEqual({
      roleArn: arn,
      created: false,
      isNew: false
    })
    expect(iam.calls()).toHaveLength(0)
  })

  test('finds a role by name and changes nothing', async () => {
    iam.on(GetRoleCommand).resolves(role(ROLE_ARN))
    expect(await ensureExecutionRole(client, options)).toEqual({
      roleArn: ROLE_ARN,
      created: false,
      isNew: false
    })
    expect(iam.commandCalls(GetRoleCommand)[0]!.args[0].input).toEqual({ RoleName: 'ecsTaskExecutionRole' })
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0)
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0)
  })

  test('creates a missing role trusted by ECS tasks, tagged, with the managed execution policy', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    iam.on(CreateRoleCommand).resolves(role(ROLE_ARN))
    iam.on(AttachRolePolicyCommand).resolves({})
    expect(await ensureExecutionRole(client, options)).toEqual({
      roleArn: ROLE_ARN,
      created: true,
      isNew: true
    })
    const create = iam.commandCalls(CreateRoleCommand)[0]!.args[0].input
    expect(create).toEqual({
      RoleName: 'ecsTaskExecutionRole',
      AssumeRolePolicyDocument:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
      Description: 'ECS task execution role created by ecs-fargate-deploy',
      Tags: [{ Key: 'team', Value: 'data' }]
    })
    expect(JSON.parse(create.AssumeRolePolicyDocument!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
      ]
    })
    expect(iam.commandCalls(AttachRolePolicyCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleName: 'ecsTaskExecutionRole',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
      }
    ])
  })

  test('attaches the policy of the partition given', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    iam.on(CreateRoleCommand).resolves(role('arn:aws-cn:iam::123456789012:role/ecsTaskExecutionRole'))
    await ensureExecutionRole(client, { ...options, partition: 'aws-cn' })
    expect(iam.commandCalls(AttachRolePolicyCommand)[0]!.args[0].input.PolicyArn).toBe(
      'arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
    )
  })

  test('with create-execution-role false, a missing role fails naming the input to change', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    const error = (await ensureExecutionRole(client, { ...options, create: false }).catch(
      (e: unknown) => e
    )) as ActionError
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe(
      "Execution role 'ecsTaskExecutionRole' does not exist and create-execution-role is false"
    )
    expect(error.hint).toContain('set create-execution-role: true')
    expect(error.hint).toContain('execution-role')
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0)
  })

  test('a concurrent run creating the role first: adopts it, still attaches the policy, and calls it new', async () => {
    iam.on(GetRoleCommand).rejectsOnce(awsError('NoSuchEntityException')).resolves(role(ROLE_ARN))
    iam.on(CreateRoleCommand).rejects(awsError('EntityAlreadyExistsException'))
    iam.on(AttachRolePolicyCommand).resolves({})
    // Not created by this run, but new: ECS may not assume it yet, so RunTask retries as for its own.
    expect(await ensureExecutionRole(client, options)).toEqual({
      roleArn: ROLE_ARN,
      created: false,
      isNew: true
    })
    expect(iam.commandCalls(GetRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleName: 'ecsTaskExecutionRole' },
      { RoleName: 'ecsTaskExecutionRole' }
    ])
    // Attaching is idempotent in IAM; the other run may not have attached it yet.
    expect(iam.commandCalls(AttachRolePolicyCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleName: 'ecsTaskExecutionRole',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
      }
    ])
  })

  test('EntityAlreadyExists for a role IAM then does not show: the error passes through', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    iam.on(CreateRoleCommand).rejects(awsError('EntityAlreadyExistsException'))
    await expect(ensureExecutionRole(client, options)).rejects.toThrow('EntityAlreadyExistsException message')
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0)
  })

  test('other errors pass through unchanged', async () => {
    iam.on(GetRoleCommand).rejects(awsError('AccessDenied'))
    await expect(ensureExecutionRole(client, options)).rejects.toThrow('AccessDenied message')
    iam.reset()
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    iam.on(CreateRoleCommand).rejects(awsError('LimitExceededException'))
    await expect(ensureExecutionRole(client, options)).rejects.toThrow('LimitExceededException message')
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0)
  })
})

describe('resolveTaskRole', () => {
  test('no task role: undefined, without any call', async () => {
    expect(await resolveTaskRole(client, undefined)).toBeUndefined()
    expect(await resolveTaskRole(client, '')).toBe('')
    expect(iam.calls()).toHaveLength(0)
  })

  test('a role ARN is used as given', async () => {
    const arn = 'arn:aws:iam::123456789012:role/app'
    expect(await resolveTaskRole(client, arn)).toBe(arn)
    expect(iam.calls()).toHaveLength(0)
  })

  test('a role name is resolved to its ARN', async () => {
    iam.on(GetRoleCommand).resolves(role('arn:aws:iam::123456789012:role/team/app'))
    expect(await resolveTaskRole(client, 'app')).toBe('arn:aws:iam::123456789012:role/team/app')
    expect(iam.commandCalls(GetRoleCommand)[0]!.args[0].input).toEqual({ RoleName: 'app' })
  })

  test('a missing task role is never created: it fails naming the input', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    const error = (await resolveTaskRole(client, 'app').catch((e: unknown) => e)) as ActionError
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe("Task role 'app' does not exist")
    expect(error.hint).toContain('task-role')
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0)
  })
})

describe('role names', () => {
  test.each([
    ['ecsTaskExecutionRole', false, 'ecsTaskExecutionRole'],
    ['arn:aws:iam::123456789012:role/ecsTaskExecutionRole', true, 'ecsTaskExecutionRole'],
    ['arn:aws:iam::123456789012:role/service-role/a/b/deployer', true, 'deployer']
  ])('%s: is an ARN %s, name %s', (given, arn, name) => {
    expect(isRoleArn(given)).toBe(arn)
    expect(roleName(given)).toBe(name)
  })
})

describe('secrets', () => {
  const where = { partition: 'aws', region: 'eu-west-1', account: '123456789012' }

  test.each([
    [
      'a Secrets Manager ARN, without the json-key and version ECS accepts after it',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::',
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf'
    ],
    [
      'a Secrets Manager ARN without a suffix, in another partition, as given',
      'arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:db-AbCdEf',
      'secretsmanager:GetSecretValue',
      'arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:db-AbCdEf'
    ],
    [
      'an SSM parameter ARN as given',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/app/token',
      'ssm:GetParameters',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/app/token'
    ],
    [
      'an SSM parameter name, made an ARN in the region and account',
      '/app/token',
      'ssm:GetParameters',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/app/token'
    ],
    [
      'a bare parameter name',
      'token',
      'ssm:GetParameters',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/token'
    ]
  ])('%s', (_name, valueFrom, action, resource) => {
    expect(secretsPolicy([{ name: 'X', valueFrom }], where)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: action, Resource: [resource] }]
    })
  })

  test('one statement per service, each resource once', () => {
    const policy = secretsPolicy(
      [
        { name: 'A', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:user::' },
        { name: 'B', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::' },
        { name: 'C', valueFrom: '/app/token' }
      ],
      where
    )
    expect(policy.Statement.map((statement) => [statement.Action, statement.Resource.length])).toEqual([
      ['secretsmanager:GetSecretValue', 1],
      ['ssm:GetParameters', 1]
    ])
  })

  test("grantSecrets puts the family's inline policy on the role, in the role's account", async () => {
    iam.on(PutRolePolicyCommand).resolves({})
    await grantSecrets(client, {
      roleArn: 'arn:aws-cn:iam::210987654321:role/ecsTaskExecutionRole',
      family: 'web',
      secrets: [{ name: 'TOKEN', valueFrom: 'token' }],
      region: 'cn-north-1'
    })
    const input = iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input
    expect(input.RoleName).toBe('ecsTaskExecutionRole')
    expect(input.PolicyName).toBe(secretsPolicyName('web'))
    expect(JSON.parse(input.PolicyDocument!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ssm:GetParameters',
          Resource: ['arn:aws-cn:ssm:cn-north-1:210987654321:parameter/token']
        }
      ]
    })
  })

  test("the inline policy is named after the family, within IAM's 128 characters", () => {
    expect(secretsPolicyName('web')).toBe('ecs-fargate-deploy-secrets-web')
    expect(secretsPolicyName('f'.repeat(200))).toHaveLength(128)
  })
})

describe('ensureInfrastructureRole', () => {
  const INFRA_ARN = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices'
  const infra = { role: 'ecsInfrastructureRoleForExpressServices', create: true, tags: [] }

  test('an ARN is used as given, without any IAM call', async () => {
    expect(await ensureInfrastructureRole(client, { ...infra, role: INFRA_ARN })).toEqual({
      roleArn: INFRA_ARN,
      created: false,
      isNew: false
    })
    expect(iam.calls()).toHaveLength(0)
  })

  test('a missing role is created trusting ecs.amazonaws.com, with the Express Mode managed policy', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    iam.on(CreateRoleCommand).resolves(role(INFRA_ARN))
    iam.on(AttachRolePolicyCommand).resolves({})
    expect(await ensureInfrastructureRole(client, infra)).toEqual({
      roleArn: INFRA_ARN,
      created: true,
      isNew: true
    })
    expect(iam.commandCalls(CreateRoleCommand)[0]!.args[0].input).toEqual({
      RoleName: 'ecsInfrastructureRoleForExpressServices',
      AssumeRolePolicyDocument:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
      Description: 'ECS Express Mode infrastructure role created by ecs-fargate-deploy',
      Tags: undefined
    })
    expect(iam.commandCalls(AttachRolePolicyCommand)[0]!.args[0].input).toEqual({
      RoleName: 'ecsInfrastructureRoleForExpressServices',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices'
    })
  })

  test('a role a concurrent run created (EntityAlreadyExists) is adopted and given the policy', async () => {
    iam.on(GetRoleCommand).rejectsOnce(awsError('NoSuchEntityException')).resolves(role(INFRA_ARN))
    iam.on(CreateRoleCommand).rejects(awsError('EntityAlreadyExistsException'))
    iam.on(AttachRolePolicyCommand).resolves({})
    expect(await ensureInfrastructureRole(client, infra)).toEqual({
      roleArn: INFRA_ARN,
      created: false,
      isNew: true
    })
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(1)
  })

  test('an existing role is looked up and left as it is', async () => {
    iam.on(GetRoleCommand).resolves(role(INFRA_ARN))
    expect(await ensureInfrastructureRole(client, infra)).toEqual({
      roleArn: INFRA_ARN,
      created: false,
      isNew: false
    })
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0)
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0)
  })

  test('a missing role with create-infrastructure-role false fails, saying what to do', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    const error = (await ensureInfrastructureRole(client, { ...infra, create: false }).catch(
      (e: unknown) => e
    )) as ActionError
    expect(error.message).toBe(
      "Infrastructure role 'ecsInfrastructureRoleForExpressServices' does not exist and create-infrastructure-role is false"
    )
    expect(error.hint).toBe(
      'Give the ARN of an existing role trusted by ecs.amazonaws.com with AmazonECSInfrastructureRoleforExpressGatewayServices in infrastructure-role, or set create-infrastructure-role: true.'
    )
  })
})
