import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import { ActionError } from '../../src/explain/action-error.js'
import {
  ensureExecutionRole,
  ensureInfrastructureRole,
  ensureTtlRole,
  grantSecrets,
  isRoleArn,
  resolveTaskRole,
  roleName,
  secretsPolicy,
  secretsPolicyCovers,
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
    iam.on(GetRolePolicyCommand).rejects(awsError('NoSuchEntityException'))
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

  const DB = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf'
  const TOKEN = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/token'
  const grant = {
    roleArn: ROLE_ARN,
    family: 'web',
    secrets: [
      { name: 'DB', valueFrom: `${DB}:password::` },
      { name: 'TOKEN', valueFrom: '/app/token' }
    ],
    region: 'eu-west-1'
  }
  const wanted = secretsPolicy(grant.secrets, {
    partition: 'aws',
    region: 'eu-west-1',
    account: '123456789012'
  })
  const encoded = (policy: object) => encodeURIComponent(JSON.stringify(policy))
  const allow = (Action: string | string[], Resource: string | string[], extra: object = {}) => ({
    Effect: 'Allow',
    Action,
    Resource,
    ...extra
  })

  test.each<[string, object, boolean]>([
    ['the same policy', wanted, true],
    [
      'a wider one: wildcards, more secrets, one action list',
      {
        Statement: [
          allow(['secretsmanager:GetSecretValue', 'ssm:GetParameters'], [`${DB.slice(0, -6)}*`, TOKEN]),
          allow('ssm:GetParameters', 'arn:aws:ssm:eu-west-1:123456789012:parameter/other')
        ]
      },
      true
    ],
    ['a single statement object, Action in another case', { Statement: allow('SSM:*', '*') }, false],
    ['one secret missing', { Statement: [allow('secretsmanager:GetSecretValue', DB)] }, false],
    [
      'a Condition does not count (not evaluated here)',
      {
        Statement: [
          allow('secretsmanager:GetSecretValue', DB, {
            Condition: { Bool: { 'aws:SecureTransport': 'true' } }
          }),
          allow('ssm:GetParameters', TOKEN)
        ]
      },
      false
    ],
    [
      'a Deny anywhere does not count',
      { Statement: [...wanted.Statement, { Effect: 'Deny', Action: 'ssm:GetParameters', Resource: TOKEN }] },
      false
    ]
  ])('secretsPolicyCovers: %s → %s', (_name, policy, covers) => {
    expect(secretsPolicyCovers(encoded(policy), wanted)).toBe(covers)
  })

  test('secretsPolicyCovers: a wildcard action covers', () => {
    expect(
      secretsPolicyCovers(encoded({ Statement: allow(['secretsmanager:*', 'ssm:Get*'], '*') }), wanted)
    ).toBe(true)
    expect(secretsPolicyCovers('not json %', wanted)).toBe(false)
  })

  test('grantSecrets writes nothing when the role already reads the secrets (the one-time setup did it)', async () => {
    iam.on(GetRolePolicyCommand).resolves({
      RoleName: 'ecsTaskExecutionRole',
      PolicyName: secretsPolicyName('web'),
      PolicyDocument: encoded(wanted)
    })
    expect(await grantSecrets(client, grant)).toBe('covered')
    expect(iam.commandCalls(GetRolePolicyCommand)[0]!.args[0].input).toEqual({
      RoleName: 'ecsTaskExecutionRole',
      PolicyName: 'ecs-fargate-deploy-secrets-web'
    })
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0)
  })

  test('grantSecrets puts the policy when the role lacks a secret and the identity may (the quick path)', async () => {
    iam.on(GetRolePolicyCommand).resolves({
      RoleName: 'ecsTaskExecutionRole',
      PolicyName: secretsPolicyName('web'),
      PolicyDocument: encoded({ Statement: [allow('secretsmanager:GetSecretValue', DB)] })
    })
    iam.on(PutRolePolicyCommand).resolves({})
    expect(await grantSecrets(client, grant)).toBe('granted')
    expect(JSON.parse(iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input.PolicyDocument!)).toEqual(
      wanted
    )
  })

  test('grantSecrets without iam:GetRolePolicy (an older policy) puts the policy, as before', async () => {
    iam.on(GetRolePolicyCommand).rejects(awsError('AccessDenied'))
    iam.on(PutRolePolicyCommand).resolves({})
    expect(await grantSecrets(client, grant)).toBe('granted')
  })

  test('grantSecrets refused: names the role, the secrets it lacks and the setup to apply', async () => {
    iam.on(GetRolePolicyCommand).resolves({
      RoleName: 'ecsTaskExecutionRole',
      PolicyName: secretsPolicyName('web'),
      PolicyDocument: encoded({ Statement: [allow('secretsmanager:GetSecretValue', DB)] })
    })
    iam.on(PutRolePolicyCommand).rejects(awsError('AccessDenied'))
    const error = await grantSecrets(client, grant).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ActionError)
    const { summary, hint, details } = error as ActionError
    expect(summary).toBe(
      `The execution role 'ecsTaskExecutionRole' may not read the secrets ${TOKEN}, and this AWS identity may not ` +
        'grant them (iam:PutRolePolicy on the role: left out of the deploy policy, as a role the deploy identity ' +
        'passes to ECS must not be writable by it). Stopped before registering or running anything.'
    )
    expect(hint).toContain('Re-apply the one-time setup that `mode: permissions` prints')
    expect(hint).toContain(
      "inline policy named 'ecs-fargate-deploy-secrets-web' on role 'ecsTaskExecutionRole'"
    )
    expect(JSON.parse(details!)).toEqual(wanted)
  })

  test('grantSecrets passes on other errors', async () => {
    iam.on(GetRolePolicyCommand).rejects(awsError('ServiceFailureException'))
    await expect(grantSecrets(client, grant)).rejects.toThrow('ServiceFailureException message')
  })

  test("the inline policy is named after the family, within IAM's 128 characters", () => {
    expect(secretsPolicyName('web')).toBe('ecs-fargate-deploy-secrets-web')
    expect(secretsPolicyName('f'.repeat(200))).toHaveLength(128)
  })
})

describe('a missing role the identity may not create (the deploy policy: roles are the one-time setup)', () => {
  test.each([
    [
      'execution role',
      () => ensureExecutionRole(client, options),
      "Execution role 'ecsTaskExecutionRole'",
      'execution-role'
    ],
    [
      'infrastructure role',
      () => ensureInfrastructureRole(client, { role: 'infra', create: true, tags: [] }),
      "Infrastructure role 'infra'",
      'infrastructure-role'
    ],
    [
      'ttl role',
      () =>
        ensureTtlRole(client, {
          role: 'ttl',
          create: true,
          tags: [],
          partition: 'aws',
          account: '123456789012'
        }),
      "ttl role 'ttl'",
      'ttl-role'
    ]
  ])('%s: says to apply the setup, writes nothing', async (_kind, ensure, named, input) => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
    iam.on(CreateRoleCommand).rejects(awsError('AccessDenied'))
    const error = (await ensure().catch((caught: unknown) => caught)) as ActionError
    expect(error).toBeInstanceOf(ActionError)
    expect(error.summary).toBe(
      `${named} does not exist, and this AWS identity may not create it (iam:CreateRole): creating and changing ` +
        'roles is the one-time setup, left out of the deploy policy on purpose'
    )
    expect(error.hint).toContain(`give its ARN in ${input}`)
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0)
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0)
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
