// The one-time setup: the trust policies, exactly the roles the inputs need, roles equal to the ones the action
// creates on its quick path (recorded from aws/iam's own calls), the CLI commands naming every resource.
import { ensureJobSchedulerRole } from '../../src/aws/job-scheduler-role.js'
import { jobName } from '../../src/shared/job-schedule.js'
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import {
  ensureExecutionRole,
  ensureInfrastructureRole,
  ensureTtlRole,
  grantSecrets
} from '../../src/aws/iam.js'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import { policyFor } from '../../src/policy/permissions.js'
import {
  buildSetup,
  githubTrustPolicy,
  setupCliCommands,
  setupTemplate,
  withPseudoParameters,
  type SetupRole
} from '../../src/policy/setup.js'

const ACCOUNT = '123456789012'
const GITHUB = { repository: 'acme/web', defaultBranch: 'main' }
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`

function inputsWith(given: Record<string, string> = {}): Inputs {
  const all: Record<string, string> = {
    mode: 'permissions',
    region: 'eu-west-1',
    repository: 'web',
    ...given
  }
  return parseInputs((name) => all[name] ?? '', { env: {}, readFile: () => '' })
}

const subjectOf = (role: SetupRole | { trustPolicy: object }) =>
  (role.trustPolicy as ReturnType<typeof githubTrustPolicy>).Statement[0]!.Condition.StringEquals[
    'token.actions.githubusercontent.com:sub'
  ]

describe('trust policies', () => {
  test('the deploy role trusts exactly this repository, its environment and the STS audience', () => {
    const setup = buildSetup(inputsWith({ 'environment-name': 'production' }), GITHUB, ACCOUNT)
    expect(setup.trustPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:acme/web:environment:production'
            }
          }
        }
      ]
    })
    expect(setup.notes).toEqual([])
  })

  test.each([
    [{ 'environment-name': 'staging' }, GITHUB, 'repo:acme/web:environment:staging'],
    [{}, GITHUB, 'repo:acme/web:ref:refs/heads/main'],
    [{}, { repository: 'acme/api', defaultBranch: 'trunk' }, 'repo:acme/api:ref:refs/heads/trunk'],
    [{ preview: 'true', 'environment-name': 'production' }, GITHUB, 'repo:acme/web:environment:production']
  ])('inputs %j in %j: the deploy role trusts %s', (given, github, subject) => {
    expect(subjectOf(buildSetup(inputsWith(given), github, ACCOUNT))).toBe(subject)
  })

  test('without an environment, a note recommends one', () => {
    const setup = buildSetup(inputsWith(), GITHUB, ACCOUNT)
    expect(setup.notes).toHaveLength(1)
    expect(setup.notes[0]).toContain('trusts runs on the main branch (repo:acme/web:ref:refs/heads/main)')
    expect(setup.notes[0]).toContain('environment: NAME')
  })

  test('the preview role trusts pull_request runs of this repository only, with the same audience', () => {
    const setup = buildSetup(
      inputsWith({ preview: 'true', 'environment-name': 'production' }),
      GITHUB,
      ACCOUNT
    )
    const preview = setup.roles.find((role) => role.logicalId === 'PreviewRole')!
    expect(preview.trustPolicy).toEqual(githubTrustPolicy(PROVIDER, 'repo:acme/web:pull_request'))
    expect(preview.name).toBe('ecs-fargate-preview-web')
  })

  test('an unknown account and repository are placeholders, each with a note', () => {
    const setup = buildSetup(inputsWith({ 'environment-name': 'prod' }), {
      repository: 'OWNER/REPO',
      defaultBranch: 'main'
    })
    expect(setup.oidcProviderArn).toBe(
      'arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com'
    )
    expect(subjectOf(setup)).toBe('repo:OWNER/REPO:environment:prod')
    expect(setup.notes.join('\n')).toContain('replace OWNER/REPO')
    expect(setup.notes.join('\n')).toContain('replace ACCOUNT_ID')
  })
})

describe('the template holds exactly the resources the inputs need', () => {
  test.each([
    ['tasks', {}, ['GitHubOidcProvider', 'DeployRole', 'ExecutionRole']],
    [
      'tasks, execution role by ARN',
      { 'execution-role': `arn:aws:iam::${ACCOUNT}:role/x` },
      ['GitHubOidcProvider', 'DeployRole']
    ],
    [
      'tasks, create-execution-role false',
      { 'create-execution-role': 'false' },
      ['GitHubOidcProvider', 'DeployRole']
    ],
    [
      'tasks with a ttl (a timer container, no role)',
      { ttl: '1h' },
      ['GitHubOidcProvider', 'DeployRole', 'ExecutionRole']
    ],
    ['preview', { preview: 'true' }, ['GitHubOidcProvider', 'DeployRole', 'PreviewRole', 'ExecutionRole']],
    [
      'service',
      { service: 'web' },
      ['GitHubOidcProvider', 'DeployRole', 'ExecutionRole', 'InfrastructureRole']
    ],
    [
      'service with a ttl',
      { service: 'web', ttl: '2h' },
      ['GitHubOidcProvider', 'DeployRole', 'ExecutionRole', 'InfrastructureRole', 'TtlRole']
    ],
    [
      'service with a ttl, roles of its own',
      {
        service: 'web',
        ttl: '2h',
        'infrastructure-role': `arn:aws:iam::${ACCOUNT}:role/infra`,
        'create-ttl-role': 'false'
      },
      ['GitHubOidcProvider', 'DeployRole', 'ExecutionRole']
    ]
  ])('%s', (_, given, resources) => {
    const template = setupTemplate(buildSetup(inputsWith(given), GITHUB, ACCOUNT))
    expect(Object.keys(template['Resources'] as object)).toEqual(resources)
    expect(Object.keys(template['Outputs'] as object)).toEqual(
      resources.filter((id) => id !== 'GitHubOidcProvider').map((id) => `${id}Arn`)
    )
  })

  test('the deploy role carries the printed policy; the preview role the preview names only', () => {
    const inputs = inputsWith({ preview: 'true', 'environment-name': 'production' })
    const setup = buildSetup(inputs, GITHUB, ACCOUNT)
    const [deploy, preview] = setup.roles
    expect(deploy!.inlinePolicies).toEqual([
      { name: 'ecs-fargate-deploy', document: policyFor({ ...inputs, preview: false }, ACCOUNT) }
    ])
    expect(preview!.inlinePolicies).toEqual([
      { name: 'ecs-fargate-deploy', document: policyFor(inputs, ACCOUNT) }
    ])
    const previewText = JSON.stringify(preview!.inlinePolicies[0]!.document)
    expect(previewText).toContain(`arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/web-pr-*:*`)
    expect(previewText).not.toContain(`task-definition/web:*`)
    expect(JSON.stringify(deploy!.inlinePolicies[0]!.document)).not.toContain('-pr-')
  })

  test('the execution role reads exactly the secrets the inputs name', () => {
    const secretArn = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`
    const setup = buildSetup(inputsWith({ secrets: `DB=${secretArn}\nKEY=/app/key` }), GITHUB, ACCOUNT)
    const execution = setup.roles.find((role) => role.logicalId === 'ExecutionRole')!
    expect(execution.inlinePolicies).toEqual([
      {
        name: 'ecs-fargate-deploy-secrets-web',
        evenWhenRoleExists: true,
        document: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [secretArn] },
            {
              Effect: 'Allow',
              Action: 'ssm:GetParameters',
              Resource: [`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/app/key`]
            }
          ]
        }
      }
    ])
  })

  test('tags go on every resource; the provider is created unless its ARN is given', () => {
    const template = setupTemplate(buildSetup(inputsWith({ tags: 'team=web' }), GITHUB, ACCOUNT))
    const resources = template['Resources'] as Record<
      string,
      { Condition?: string; Properties: { Tags: unknown } }
    >
    for (const resource of Object.values(resources))
      expect(resource.Properties.Tags).toEqual([{ Key: 'team', Value: 'web' }])
    expect(resources['GitHubOidcProvider']!.Condition).toBe('CreateGitHubOidcProvider')
    expect(template['Conditions']).toEqual({
      CreateGitHubOidcProvider: { 'Fn::Equals': [{ Ref: 'GitHubOidcProviderArn' }, ''] },
      CreateExecutionRole: { 'Fn::Equals': [{ Ref: 'CreateExecutionRole' }, 'true'] }
    })
  })
})

describe('roles the account may already have', () => {
  test('the execution, infrastructure and ttl roles each have a Create parameter; the GitHub roles do not', () => {
    const template = setupTemplate(buildSetup(inputsWith({ service: 'web', ttl: '2h' }), GITHUB, ACCOUNT))
    expect(Object.keys(template['Parameters'] as object)).toEqual([
      'GitHubOidcProviderArn',
      'CreateExecutionRole',
      'CreateInfrastructureRole',
      'CreateTtlRole'
    ])
    expect((template['Parameters'] as Record<string, unknown>)['CreateExecutionRole']).toEqual({
      Type: 'String',
      AllowedValues: ['true', 'false'],
      Default: 'true',
      Description:
        'false when the account already has the role ecsTaskExecutionRole: the action uses it as it is'
    })
    const resources = template['Resources'] as Record<string, { Condition?: string }>
    const outputs = template['Outputs'] as Record<string, { Condition?: string }>
    expect(resources['DeployRole']!.Condition).toBeUndefined()
    expect(resources['ExecutionRole']!.Condition).toBe('CreateExecutionRole')
    expect(resources['TtlRole']!.Condition).toBe('CreateTtlRole')
    expect(outputs['InfrastructureRoleArn']!.Condition).toBe('CreateInfrastructureRole')
  })

  test("the secrets' policy is its own resource, put on the role created or on the existing one", () => {
    const template = setupTemplate(buildSetup(inputsWith({ secrets: 'DB=/app/db' }), GITHUB, ACCOUNT))
    const resources = template['Resources'] as Record<string, { Properties: Record<string, unknown> }>
    expect(Object.keys(resources)).toEqual([
      'GitHubOidcProvider',
      'DeployRole',
      'ExecutionRole',
      'ExecutionRolePolicy1'
    ])
    expect(resources['ExecutionRole']!.Properties['Policies']).toBeUndefined()
    expect(resources['ExecutionRolePolicy1']).toEqual({
      Type: 'AWS::IAM::RolePolicy',
      Properties: {
        RoleName: { 'Fn::If': ['CreateExecutionRole', { Ref: 'ExecutionRole' }, 'ecsTaskExecutionRole'] },
        PolicyName: 'ecs-fargate-deploy-secrets-web',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'ssm:GetParameters',
              Resource: [`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/app/db`]
            }
          ]
        }
      }
    })
  })
})

describe('withPseudoParameters', () => {
  test.each([
    [
      'arn:aws:ecr:REGION:ACCOUNT_ID:repository/web',
      { 'Fn::Sub': 'arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/web' }
    ],
    ['arn:aws:iam::ACCOUNT_ID:role/x', { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/x' }],
    [
      'arn:aws:ecs:eu-west-1:ACCOUNT_ID:cluster/default',
      { 'Fn::Sub': 'arn:aws:ecs:eu-west-1:${AWS::AccountId}:cluster/default' }
    ],
    ['ACCOUNT_ID', { Ref: 'AWS::AccountId' }],
    [
      'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
    ],
    [
      `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/REGION`,
      `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/REGION`
    ],
    ['*', '*']
  ])('%s', (value, expected) => {
    expect(withPseudoParameters(value)).toEqual(expected)
  })

  test('an unknown account and region leave no placeholder in the template', () => {
    const template = setupTemplate(buildSetup(inputsWith({ service: 'web', ttl: '1h', region: '' }), GITHUB))
    const text = JSON.stringify(template)
    expect(text).not.toContain('ACCOUNT_ID')
    expect(text).not.toContain(':REGION:')
    expect(text).toContain('"Fn::Sub":"arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:cluster/default"')
    expect(text).toContain('"aws:SourceAccount":{"Ref":"AWS::AccountId"}')
  })
})

describe('the roles equal the ones the action creates on its quick path', () => {
  const iam = mockClient(IAMClient)
  const client = new IAMClient({ region: 'eu-west-1' })
  const tags = [{ key: 'team', value: 'web' }]

  beforeEach(() => {
    iam.reset()
    iam.on(GetRoleCommand).rejects(Object.assign(new Error('no role'), { name: 'NoSuchEntityException' }))
    iam.on(CreateRoleCommand).callsFake((input: { RoleName: string }) => ({
      Role: {
        Arn: `arn:aws:iam::${ACCOUNT}:role/${input.RoleName}`,
        RoleName: input.RoleName,
        Path: '/',
        RoleId: 'AROA',
        CreateDate: new Date(0)
      }
    }))
    iam.on(AttachRolePolicyCommand).resolves({})
    iam.on(PutRolePolicyCommand).resolves({})
    // A new role has no secrets policy yet: the deploy reads it first, then writes it.
    iam
      .on(GetRolePolicyCommand)
      .rejects(Object.assign(new Error('no policy'), { name: 'NoSuchEntityException' }))
  })

  /** What the action sent to IAM for a role, as the setup describes a role. */
  function recorded(): Omit<SetupRole, 'logicalId' | 'purpose'> & { tags: unknown } {
    const create = iam.commandCalls(CreateRoleCommand)[0]!.args[0].input
    return {
      name: create.RoleName!,
      description: create.Description!,
      trustPolicy: JSON.parse(create.AssumeRolePolicyDocument!) as object,
      managedPolicyArns: iam
        .commandCalls(AttachRolePolicyCommand)
        .map((call) => call.args[0].input.PolicyArn!),
      inlinePolicies: iam.commandCalls(PutRolePolicyCommand).map((call) => ({
        name: call.args[0].input.PolicyName!,
        document: JSON.parse(call.args[0].input.PolicyDocument!) as object
      })),
      tags: create.Tags
    }
  }

  function setupRole(given: Record<string, string>, logicalId: SetupRole['logicalId']) {
    const setup = buildSetup(inputsWith({ ...given, tags: 'team=web' }), GITHUB, ACCOUNT)
    const {
      logicalId: _,
      purpose: __,
      mayExist: ___,
      ...role
    } = setup.roles.find((r) => r.logicalId === logicalId)!
    const inlinePolicies = role.inlinePolicies.map(({ name, document }) => ({ name, document }))
    return { ...role, inlinePolicies, tags: setup.tags }
  }

  test('the execution role, with the secrets policy', async () => {
    const given = { secrets: 'DB=/app/db' }
    const inputs = inputsWith(given)
    const { roleArn } = await ensureExecutionRole(client, { role: inputs.executionRole, create: true, tags })
    await grantSecrets(client, {
      roleArn,
      family: inputs.family,
      secrets: inputs.secrets,
      region: inputs.region
    })
    expect(recorded()).toEqual(setupRole(given, 'ExecutionRole'))
  })

  test('the infrastructure role', async () => {
    await ensureInfrastructureRole(client, { role: inputsWith().infrastructureRole, create: true, tags })
    expect(recorded()).toEqual(setupRole({ service: 'web' }, 'InfrastructureRole'))
  })

  test('the ttl role', async () => {
    const role = inputsWith().ttlRole
    await ensureTtlRole(client, { role, create: true, tags, partition: 'aws', account: ACCOUNT })
    expect(recorded()).toEqual(setupRole({ service: 'web', ttl: '2h' }, 'TtlRole'))
  })

  test("the scheduled job's scheduler role", async () => {
    const given = { schedule: 'rate(1 hour)', 'task-role': 'app' }
    const inputs = inputsWith(given)
    const name = jobName(inputs.cluster, inputs.family)
    await ensureJobSchedulerRole(client, {
      role: name,
      create: true,
      tags,
      scope: {
        partition: 'aws',
        region: inputs.region,
        account: ACCOUNT,
        cluster: inputs.cluster,
        family: inputs.family,
        group: 'default'
      },
      passRoles: [`arn:aws:iam::${ACCOUNT}:role/${inputs.executionRole}`, `arn:aws:iam::${ACCOUNT}:role/app`]
    })
    expect(recorded()).toEqual(setupRole(given, 'JobSchedulerRole'))
    expect(recorded().name).toMatch(/^efd-job-/)
  })
})

describe('setupCliCommands', () => {
  test.each([
    ['tasks', { secrets: 'DB=/app/db' }],
    ['preview service with a ttl', { preview: 'true', service: 'web', ttl: '2h', tags: "team=it's" }]
  ])('%s: every role, policy and managed policy has its command', (_, given) => {
    const setup = buildSetup(inputsWith(given), GITHUB, ACCOUNT)
    const commands = setupCliCommands(setup)
    expect(commands).toContain(
      'aws iam create-open-id-connect-provider \\\n  --url https://token.actions.githubusercontent.com'
    )
    for (const role of setup.roles) {
      expect(commands).toContain(`aws iam create-role \\\n  --role-name ${role.name} \\`)
      expect(commands).toContain(`--assume-role-policy-document '${JSON.stringify(role.trustPolicy)}'`)
      for (const arn of role.managedPolicyArns)
        expect(commands).toContain(`aws iam attach-role-policy --role-name ${role.name} --policy-arn ${arn}`)
      for (const policy of role.inlinePolicies) {
        expect(commands).toContain(`--role-name ${role.name} \\\n  --policy-name ${policy.name} \\`)
        expect(commands).toContain(`--policy-document '${JSON.stringify(policy.document)}'`)
      }
    }
    expect(commands.match(/aws iam create-role/g)).toHaveLength(setup.roles.length)
  })

  test('roles the account may have say when to skip them; the secrets policy applies either way', () => {
    const commands = setupCliCommands(
      buildSetup(inputsWith({ service: 'web', ttl: '2h', secrets: 'DB=/app/db' }), GITHUB, ACCOUNT)
    )
    expect(commands).toContain(
      "# When the account already has ecsTaskExecutionRole, skip its commands (the action uses it as it is), all but the secrets' put-role-policy.\n"
    )
    expect(commands).toContain(
      '# Also when the role already exists:\naws iam put-role-policy \\\n  --role-name ecsTaskExecutionRole'
    )
    expect(commands).toContain(
      '# When the account already has ecsFargateDeployTtlRole, skip its commands (the action uses it as it is).\n'
    )
    expect(commands).not.toContain('already has ecs-fargate-deploy-web')
  })

  test('a single quote in a tag is closed, escaped and reopened for the shell', () => {
    const commands = setupCliCommands(buildSetup(inputsWith({ tags: "team=it's" }), GITHUB, ACCOUNT))
    expect(commands).toContain(`--tags '[{"Key":"team","Value":"it'\\''s"}]'`)
  })
})
