// The harness's default identity: a run's key holds exactly the policy `mode: permissions` prints for the run's
// inputs (so a call the permissions table misses fails the suite), the roles an administrator creates once exist
// before it, and a key a test gave its own policy is left alone.
import { DeleteClusterCommand, DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs'
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import { STACK_KEY, printedPolicy, runAction, startAction } from './harness.js'
import { ADMIN_KEY } from './setup-as-admin.js'
import { REGION, WEB_IMAGE, startStack, type Stack } from './stack.js'

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack?.aws.stop()
})

const APP = {
  repository: 'identity-web',
  image: WEB_IMAGE,
  cluster: 'identity-cluster',
  'wait-for': 'none',
  'execution-role': 'efdIdentityExecutionRole'
}

function clients(accessKeyId: string) {
  const config = {
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId, secretAccessKey: 'x' }
  }
  return { ecs: new ECSClient(config), iam: new IAMClient(config) }
}

test('a run gets a key of its own holding the printed policy, after an administrator created its role', async () => {
  stack.aws.clearCalls()
  const action = await startAction(APP, { env: stack.env })
  try {
    const main = await action.main
    expect(main.errors).toEqual([])
    expect(main.exitCode).toBe(0)
    const key = action.accessKeyId!
    expect(key).toMatch(/^AKIDPRINTED\d{4}$/)

    // The role was created by the administrator's key, before the run, not by the run.
    const calls = stack.aws.calls()
    expect(
      calls.filter((call) => call.operation === 'CreateRole').map((call) => [call.accessKeyId, call.error])
    ).toEqual([[ADMIN_KEY, undefined]])
    const runCalls = calls.filter((call) => call.accessKeyId !== ADMIN_KEY)
    expect(new Set(runCalls.map((call) => call.accessKeyId))).toEqual(new Set([key]))
    expect(runCalls.filter((call) => /AccessDenied|UnauthorizedOperation/.test(call.error ?? ''))).toEqual([])
    const role = await clients(ADMIN_KEY).iam.send(
      new GetRoleCommand({ RoleName: 'efdIdentityExecutionRole' })
    )
    expect(role.Role?.AssumeRolePolicyDocument).toContain('ecs-tasks.amazonaws.com')

    // While the run lasts, its key may do what the printed policy allows, and nothing else.
    const policy = await printedPolicy(
      { ...stack.aws, region: REGION, setPolicy: () => undefined, hasPolicy: () => false },
      APP,
      stack.env
    )
    expect(JSON.stringify(policy)).toContain(
      `arn:aws:ecs:${REGION}:${stack.aws.accountId}:cluster/identity-cluster`
    )
    expect(JSON.stringify(policy)).not.toContain('ACCOUNT_ID')
    const { ecs } = clients(key)
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['identity-cluster'] }))
    expect(described.clusters?.map((cluster) => cluster.clusterName)).toEqual(['identity-cluster'])
    await expect(ecs.send(new DeleteClusterCommand({ cluster: 'identity-cluster' }))).rejects.toThrow(
      /not authorized to perform: ecs:DeleteCluster/
    )
    expect((await action.post()).exitCode).toBe(0)
  } finally {
    action.cleanUp()
  }
})

test('a key the test gave a policy of its own keeps it: the run is as given', async () => {
  const key = 'AKIDIDENTITYOWN'
  stack.aws.setPolicy(key, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', NotAction: ['ecs:RunTask'], Resource: '*' }]
  } as never)
  try {
    const run = await runAction(
      { ...APP, repository: 'identity-own' },
      { env: { ...stack.env, AWS_ACCESS_KEY_ID: key } }
    )
    expect(run.accessKeyId).toBe(key)
    expect(run.exitCode).toBe(1)
    expect(run.errors.join('\n')).toMatch(/may not perform ecs:RunTask/)
  } finally {
    stack.aws.setPolicy(key, undefined)
  }
})

test('identity as-given runs with the stack key itself, which no policy restricts', async () => {
  const run = await runAction(
    { ...APP, repository: 'identity-as-given' },
    { env: stack.env, identity: 'as-given' }
  )
  expect(run.accessKeyId).toBe(STACK_KEY)
  expect(run.exitCode).toBe(0)
})
