// mode: permissions (issue 7) through the bundled action, then proven on the local AWS: a deploy and a stop by an
// identity that holds only the generated policy succeed, a policy short of one statement fails on that statement,
// and every call the deploy made is allowed by a statement (action and resource matched with IAM wildcards).
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs'
import { join } from 'node:path'
import { runAction, type ActionRun } from './harness.js'
import { setUpAsAdmin } from './setup-as-admin.js'
import { REGION, WEB_IMAGE, startStack, type Stack } from './stack.js'
import type { CallRecord } from '../../local-aws/src/index.js'

interface Statement {
  Sid: string
  Effect: 'Allow' | 'Deny'
  Action: string[]
  Resource: string[]
  Condition?: Record<string, Record<string, string | string[]>>
}
interface Policy {
  Version: string
  Statement: Statement[]
}

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack?.aws.stop()
})

/** The inputs of the README's example run (INPUT_REPOSITORY=myapp INPUT_PORT=5000 AWS_REGION=us-east-1). */
const README_EXAMPLE = { repository: 'myapp', port: '5000' }

/** The app this file deploys under a policy (container ports 5120–5129 of the range this file may use). */
const APP = {
  repository: 'least-privilege',
  image: WEB_IMAGE,
  cluster: 'least-privilege-cluster',
  port: '5120',
  environment: 'PORT=5120'
}
const DEPLOYER_KEY = 'AKIDLEASTPRIVILEGE'
const DENIED = /AccessDenied|UnauthorizedOperation/

/** IAM's wildcards: * any run of characters, ? one; actions compare case-insensitively. */
function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value)
}

function allows(policy: Policy, action: string, resource: string): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Action.some((pattern) => wildcard(pattern, action, true)) &&
      statement.Resource.some((pattern) => wildcard(pattern, resource))
  )
}

/** The setup template, from the job summary (the file under RUNNER_TEMP is gone with the run's folder). */
function templateOf(run: ActionRun): { Resources: Record<string, unknown> } & Record<string, unknown> {
  const block =
    /<summary>CloudFormation template \(the setup-template output\)<\/summary>\n\n```json\n([\s\S]*?)\n```/.exec(
      run.summary
    )
  expect(block).not.toBeNull()
  return JSON.parse(block![1]!) as { Resources: Record<string, unknown> } & Record<string, unknown>
}

function parsePolicy(run: ActionRun): Policy {
  expect(run.outputs['policy']).toBeDefined()
  return JSON.parse(run.outputs['policy']!) as Policy
}

/** What a policy must look like to IAM: the version, real-looking action names, ARNs with account and region. */
function expectValidIamPolicy(policy: Policy, account: string): void {
  expect(policy.Version).toBe('2012-10-17')
  expect(policy.Statement.length).toBeGreaterThan(0)
  const sids = policy.Statement.map((statement) => statement.Sid)
  expect(new Set(sids).size).toBe(sids.length)
  for (const statement of policy.Statement) {
    expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/)
    expect(statement.Effect).toBe('Allow')
    // scheduler and events: a task deploy deletes the schedule and failure rule of a scheduled job the family had.
    for (const action of statement.Action)
      expect(action).toMatch(/^(ecr|ecs|ec2|iam|logs|scheduler|events):[A-Z][A-Za-z]+$/)
    for (const resource of statement.Resource) {
      if (resource === '*') continue
      const [arn, partition, service, region, arnAccount] = resource.split(':')
      expect([arn, partition]).toEqual(['arn', 'aws'])
      expect(arnAccount).toMatch(service === 'iam' && resource.includes(':aws:policy/') ? /^aws$/ : account)
      expect(region).toBe(service === 'iam' ? '' : REGION)
    }
  }
}

/**
 * The resources AWS authorizes a call on (Service Authorization Reference), worked out here from the call's
 * parameters and the local AWS's state, independently of the action's table; '*' where no resource is checked.
 */
function authorizationsOf(call: CallRecord, known: Known): Array<{ action: string; resource: string }> {
  const params = call.params as Record<string, unknown>
  const { accountId: account } = stack.aws
  const prefix = (service: string) => `arn:aws:${service}:${REGION}:${account}`
  const action = `${call.service}:${call.operation}`
  const on = (...resources: string[]) => resources.map((resource) => ({ action, resource }))
  const cluster = (name: string) => (name.startsWith('arn:') ? name : `${prefix('ecs')}:cluster/${name}`)
  const repository = (name: unknown) => `${prefix('ecr')}:repository/${String(name)}`
  const role = (name: unknown) => `arn:aws:iam::${account}:role/${String(name)}`
  const logGroup = (name: unknown) => `${prefix('logs')}:log-group:${String(name)}`
  switch (action) {
    case 'sts:GetCallerIdentity':
      return []
    case 'ecr:GetAuthorizationToken':
    case 'ecs:DescribeTaskDefinition':
    case 'ecs:RegisterTaskDefinition':
    case 'ecs:ListTasks':
    case 'ec2:DescribeVpcs':
    case 'ec2:DescribeSubnets':
    case 'ec2:DescribeSecurityGroups':
    case 'ec2:DescribeNetworkInterfaces':
    case 'logs:DescribeLogGroups':
      return on('*')
    case 'ecr:DescribeRepositories':
      return on(...(params['repositoryNames'] as string[]).map(repository))
    case 'ecr:CreateRepository':
    case 'ecr:DescribeImages':
    case 'ecr:BatchGetImage':
      return on(repository(params['repositoryName']))
    case 'ecs:DescribeClusters':
      return on(...(params['clusters'] as string[]).map(cluster))
    case 'ecs:CreateCluster':
      return on(cluster(String(params['clusterName'])))
    case 'ecs:RunTask': {
      const definition = String(params['taskDefinition'])
      const definitionArn = definition.startsWith('arn:')
        ? definition
        : `${prefix('ecs')}:task-definition/${definition}`
      const roles = known.rolesOfTaskDefinition.get(definitionArn)
      expect(roles).toBeDefined()
      return [...on(definitionArn), ...roles!.map((arn) => ({ action: 'iam:PassRole', resource: arn }))]
    }
    case 'ecs:DescribeTasks':
      return on(...(params['tasks'] as string[]))
    case 'ecs:StopTask':
      return on(String(params['task']))
    case 'ec2:CreateSecurityGroup': {
      const created = known.securityGroups.find((group) => group.GroupName === params['GroupName'])
      expect(created).toBeDefined()
      return on(
        `${prefix('ec2')}:security-group/${created!.GroupId}`,
        `${prefix('ec2')}:vpc/${created!.VpcId}`
      )
    }
    case 'ec2:AuthorizeSecurityGroupIngress':
      return on(`${prefix('ec2')}:security-group/${String(params['GroupId'])}`)
    case 'iam:GetRole':
    case 'iam:CreateRole':
    case 'iam:AttachRolePolicy':
      return on(role(params['RoleName']))
    case 'logs:CreateLogGroup':
      return on(logGroup(params['logGroupName']))
    case 'logs:GetLogEvents':
      return on(`${logGroup(params['logGroupName'])}:log-stream:${String(params['logStreamName'])}`)
    default:
      throw new Error(`the test knows no resource for ${action}: add it`)
  }
}

/** What the call log does not say: the groups created and the roles each task definition passes to ECS. */
interface Known {
  securityGroups: Array<{ GroupId: string; GroupName: string; VpcId: string }>
  rolesOfTaskDefinition: Map<string, string[]>
}

async function lookUp(calls: CallRecord[]): Promise<Known> {
  const ecs = new ECSClient({
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId: 'AKIDPERMISSIONSTEST', secretAccessKey: 'x' }
  })
  const rolesOfTaskDefinition = new Map<string, string[]>()
  for (const call of calls.filter((recorded) => recorded.operation === 'RunTask')) {
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: String((call.params as Record<string, unknown>)['taskDefinition'])
      })
    )
    rolesOfTaskDefinition.set(
      taskDefinition!.taskDefinitionArn!,
      [taskDefinition!.executionRoleArn, taskDefinition!.taskRoleArn].filter(
        (arn): arn is string => arn !== undefined
      )
    )
  }
  const { securityGroups } = stack.aws.state() as Pick<Known, 'securityGroups'>
  return { securityGroups, rolesOfTaskDefinition }
}

describe('mode: permissions', () => {
  test('for the README example: a valid IAM policy with the account from STS, as output, log and summary', async () => {
    stack.aws.clearCalls()
    const run = await runAction({ mode: 'permissions', ...README_EXAMPLE }, { env: stack.env })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    const policy = parsePolicy(run)
    expectValidIamPolicy(policy, stack.aws.accountId)
    expect(
      allows(policy, 'ecr:PutImage', `arn:aws:ecr:${REGION}:${stack.aws.accountId}:repository/myapp`)
    ).toBe(true)
    expect(
      allows(policy, 'ecr:PutImage', `arn:aws:ecr:${REGION}:${stack.aws.accountId}:repository/other`)
    ).toBe(false)
    const passRole = policy.Statement.find((statement) => statement.Action.includes('iam:PassRole'))
    expect(passRole?.Resource).toEqual([`arn:aws:iam::${stack.aws.accountId}:role/ecsTaskExecutionRole`])
    expect(passRole?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }
    })
    // Printed and in the job summary, with the execution role's documents and the request text.
    expect(run.stdout).toContain('"Version": "2012-10-17"')
    expect(run.summary).toContain('ecs-tasks.amazonaws.com')
    expect(run.summary).toContain('AmazonECSTaskExecutionRolePolicy')
    expect(run.summary).toContain('Request for AWS IAM permissions')
    // The one-time setup: the deploy role's trust policy, and the template written under RUNNER_TEMP.
    expect(JSON.parse(run.outputs['trust-policy']!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${stack.aws.accountId}:oidc-provider/token.actions.githubusercontent.com`
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:octo/app:ref:refs/heads/main'
            }
          }
        }
      ]
    })
    expect(run.outputs['setup-template']).toBe(join(run.runnerTemp, 'ecs-fargate-deploy-setup.json'))
    expect(run.runnerTempLeft).toContain('ecs-fargate-deploy-setup.json')
    const template = templateOf(run)
    expect(Object.keys(template.Resources)).toEqual(['GitHubOidcProvider', 'DeployRole', 'ExecutionRole'])
    expect(run.summary).toContain('aws iam create-role')
    // Only the account id was asked for; nothing was changed.
    expect(stack.aws.calls().map((call) => call.operation)).toEqual(['GetCallerIdentity'])
  })

  test('without any credentials it still works, with the placeholder account, and calls nothing', async () => {
    stack.aws.clearCalls()
    const run = await runAction(
      { mode: 'permissions', ...README_EXAMPLE },
      {
        env: {
          AWS_ENDPOINT_URL: stack.aws.endpoint,
          AWS_REGION: REGION,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
          AWS_CONFIG_FILE: '/nonexistent/config'
        }
      }
    )
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    const policy = parsePolicy(run)
    expectValidIamPolicy(policy, 'ACCOUNT_ID')
    expect(JSON.stringify(policy)).toContain(`arn:aws:ecr:${REGION}:ACCOUNT_ID:repository/myapp`)
    expect(run.stdout).toContain('the policy uses the placeholder ACCOUNT_ID')
    expect(run.summary).toContain('Replace `ACCOUNT_ID` with your account id')
    expect(stack.aws.calls()).toEqual([])
  })
})

describe('an identity that holds only the generated policy', () => {
  let policy: Policy
  let deployCalls: CallRecord[]
  let stopCalls: CallRecord[]

  test('deploys and stops the app; every call is by that identity', async () => {
    const permissions = await runAction({ mode: 'permissions', ...APP }, { env: stack.env })
    expect(permissions.errors).toEqual([])
    policy = parsePolicy(permissions)
    expectValidIamPolicy(policy, stack.aws.accountId)
    // The deploy policy creates no role: the administrator's one-time setup does, once.
    expect(policy.Statement.flatMap((statement) => statement.Action)).not.toContain('iam:CreateRole')
    expect(permissions.setupTemplate).toBeDefined()
    await setUpAsAdmin(stack, permissions.setupTemplate!)
    stack.aws.setPolicy(DEPLOYER_KEY, policy)
    const env = { ...stack.env, AWS_ACCESS_KEY_ID: DEPLOYER_KEY }

    stack.aws.clearCalls()
    const deploy = await runAction(APP, { env })
    expect(deploy.errors).toEqual([])
    expect(deploy.exitCode).toBe(0)
    expect(await (await fetch(deploy.outputs['url']!)).text()).toContain('Cat of the day')
    deployCalls = stack.aws.calls()
    // Look-ups answer "not found" before the creates; nothing may be denied.
    expect(deployCalls.filter((call) => DENIED.test(call.error ?? ''))).toEqual([])
    expect(new Set(deployCalls.map((call) => call.accessKeyId))).toEqual(new Set([DEPLOYER_KEY]))
    for (const created of ['CreateRepository', 'CreateCluster', 'CreateSecurityGroup'])
      expect(deployCalls.map((call) => call.operation)).toContain(created)
    expect(deployCalls.map((call) => call.operation)).not.toContain('CreateRole')

    stack.aws.clearCalls()
    const stop = await runAction({ mode: 'stop', cluster: APP.cluster, repository: APP.repository }, { env })
    expect(stop.errors).toEqual([])
    expect(JSON.parse(stop.outputs['stopped-task-arns']!)).toEqual([deploy.outputs['task-arn']])
    stopCalls = stack.aws.calls()
    expect(stopCalls.filter((call) => call.error !== undefined)).toEqual([])
    expect(stopCalls.map((call) => call.operation)).toEqual(expect.arrayContaining(['ListTasks', 'StopTask']))
  })

  test("every call the deploy and the stop made is allowed by the policy's statements, by action and resource", async () => {
    const calls = [...deployCalls, ...stopCalls]
    const known = await lookUp(calls)
    const denied = calls
      .flatMap((call) => authorizationsOf(call, known))
      .filter(({ action, resource }) => !allows(policy, action, resource))
      .map(({ action, resource }) => `${action} on ${resource}`)
    expect(denied).toEqual([])
    // docker push talks to the registry, not the API: its actions must be allowed on the repository too.
    const repositoryArn = `arn:aws:ecr:${REGION}:${stack.aws.accountId}:repository/${APP.repository}`
    for (const action of [
      'ecr:BatchCheckLayerAvailability',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage'
    ])
      expect(allows(policy, action, repositoryArn)).toBe(true)
  })

  test('without the RunTask statement the deploy fails, naming ecs:RunTask and the statement to add', async () => {
    const runTask = policy.Statement.find((statement) => statement.Action.includes('ecs:RunTask'))!
    const short = { ...policy, Statement: policy.Statement.filter((statement) => statement !== runTask) }
    const key = 'AKIDLEASTPRIVILEGEMINUSONE'
    stack.aws.setPolicy(key, short)
    stack.aws.clearCalls()

    const deploy = await runAction(APP, { env: { ...stack.env, AWS_ACCESS_KEY_ID: key } })
    expect(deploy.exitCode).toBe(1)
    expect(deploy.errors).toHaveLength(1)
    const message = deploy.errors[0]!
    expect(message).toContain('Not authorized to run the task')
    expect(message).toContain('may not perform ecs:RunTask on')
    // The statement the error offers is the one that was taken away.
    const offered = JSON.parse(message.slice(message.indexOf('{'), message.lastIndexOf('}') + 1)) as Statement
    expect(offered).toEqual(runTask)
    expect(stack.aws.calls().filter((call) => call.error !== undefined)).toEqual([
      expect.objectContaining({ operation: 'RunTask', error: 'AccessDeniedException' })
    ])
  })
})

describe('secrets under the deploy policy (issue 18: no IAM write on a role it passes)', () => {
  const secret = (name: string) =>
    `arn:aws:secretsmanager:${REGION}:${stack.aws.accountId}:secret:${name}-AbCdEf`
  // wait-for none: the local AWS has no Secrets Manager, so the task would stop at start; the calls are the point.
  const inputs = (secrets: string) => ({
    repository: 'least-privilege-secrets',
    image: WEB_IMAGE,
    cluster: APP.cluster,
    'wait-for': 'none',
    secrets
  })
  const key = 'AKIDLEASTPRIVILEGESECRETS'

  test('granted by the one-time setup: the deploy reads the role policy and writes nothing', async () => {
    const given = inputs(`DB=${secret('db')}`)
    const printed = await runAction({ mode: 'permissions', ...given }, { env: stack.env })
    const policy = parsePolicy(printed)
    const actions = policy.Statement.flatMap((statement) => statement.Action)
    expect(actions).toContain('iam:GetRolePolicy')
    expect(actions).not.toContain('iam:PutRolePolicy')
    // The template the same run printed: the execution role (not created again when this local AWS has it)
    // and the secrets' role policy, which is put on the role all the same.
    expect(printed.setupTemplate).toBeDefined()
    const applied = await setUpAsAdmin(stack, printed.setupTemplate!)
    expect(applied.rolePolicies).toEqual([
      'ecsTaskExecutionRole/ecs-fargate-deploy-secrets-least-privilege-secrets'
    ])
    stack.aws.setPolicy(key, policy)
    stack.aws.clearCalls()
    const deploy = await runAction(given, { env: { ...stack.env, AWS_ACCESS_KEY_ID: key } })
    expect(deploy.errors).toEqual([])
    expect(deploy.exitCode).toBe(0)
    const operations = stack.aws.calls().map((call) => call.operation)
    expect(operations).toEqual(expect.arrayContaining(['GetRolePolicy', 'RegisterTaskDefinition', 'RunTask']))
    expect(operations).not.toContain('PutRolePolicy')
    expect(stack.aws.calls().filter((call) => DENIED.test(call.error ?? ''))).toEqual([])
  })

  test('a secret the setup did not grant: fails naming the role and the secret, before anything is registered or run', async () => {
    const given = inputs(`DB=${secret('db')}\nTOKEN=${secret('token')}`)
    stack.aws.setPolicy(
      key,
      parsePolicy(await runAction({ mode: 'permissions', ...given }, { env: stack.env }))
    )
    stack.aws.clearCalls()
    const deploy = await runAction(given, { env: { ...stack.env, AWS_ACCESS_KEY_ID: key } })
    expect(deploy.exitCode).toBe(1)
    expect(deploy.errors).toHaveLength(1)
    expect(deploy.errors[0]).toContain(
      `The execution role 'ecsTaskExecutionRole' may not read the secrets ${secret('token')}, and this AWS identity may not grant them`
    )
    expect(deploy.errors[0]).toContain('Re-apply the one-time setup that `mode: permissions` prints')
    const operations = stack.aws.calls().map((call) => call.operation)
    expect(operations).toContain('PutRolePolicy')
    expect(operations).not.toContain('RegisterTaskDefinition')
    expect(operations).not.toContain('RunTask')
  })

  afterAll(() => stack.aws.setPolicy(key, undefined))
})

describe('the one-time setup, applied as an administrator', () => {
  /** An app of its own, with an execution role of its own name, so that the setup creates it. */
  const SETUP_APP = {
    repository: 'set-up-once',
    image: WEB_IMAGE,
    cluster: 'set-up-once-cluster',
    'execution-role': 'set-up-once-execution-role',
    port: '5121',
    environment: 'PORT=5121'
  }
  const KEY = 'AKIDSETUPDEPLOYROLE'

  test('creates the roles; a deploy under the deploy role policy then changes no IAM role', async () => {
    // The environment the deploy role trusts; the deploy itself records no GitHub deployment (no GitHub here).
    const permissions = await runAction(
      { mode: 'permissions', ...SETUP_APP, 'environment-name': 'production' },
      { env: stack.env }
    )
    expect(permissions.errors).toEqual([])
    const trust = JSON.parse(permissions.outputs['trust-policy']!) as {
      Statement: Array<{ Condition: { StringEquals: Record<string, string> } }>
    }
    expect(trust.Statement[0]!.Condition.StringEquals['token.actions.githubusercontent.com:sub']).toBe(
      'repo:octo/app:environment:production'
    )
    // The file the setup-template output names is the template the summary shows; the administrator applies it.
    expect(permissions.setupTemplate).toEqual(templateOf(permissions))
    const applied = await setUpAsAdmin(stack, permissions.setupTemplate!)
    expect(applied.createdRoles).toEqual(['set-up-once-execution-role'])
    expect(Object.keys(applied.githubRoles)).toEqual(['DeployRole'])
    // The deploy role's policy is the printed policy: assuming the role gives the workflow exactly that.
    const deployPolicy = applied.githubRoles['DeployRole']!.policies['ecs-fargate-deploy']!
    expect(deployPolicy).toEqual(parsePolicy(permissions))
    stack.aws.setPolicy(KEY, deployPolicy as unknown as Policy)
    const env = { ...stack.env, AWS_ACCESS_KEY_ID: KEY }

    stack.aws.clearCalls()
    const deploy = await runAction(SETUP_APP, { env })
    expect(deploy.errors).toEqual([])
    expect(await (await fetch(deploy.outputs['url']!)).text()).toContain('Cat of the day')
    const operations = stack.aws.calls().map((call) => call.operation)
    expect(operations).toContain('GetRole')
    expect(
      operations.filter((operation) => /^(Create|Attach|Put|Update|Delete).*Role/.test(operation))
    ).toEqual([])
    expect(stack.aws.calls().filter((call) => DENIED.test(call.error ?? ''))).toEqual([])

    const stop = await runAction(
      { mode: 'stop', cluster: SETUP_APP.cluster, repository: SETUP_APP.repository },
      { env }
    )
    expect(stop.errors).toEqual([])
    expect(JSON.parse(stop.outputs['stopped-task-arns']!)).toEqual([deploy.outputs['task-arn']])
  })
})
