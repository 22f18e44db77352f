// Two runs at once (issue 12): two first deploys of one new app race at every create and both succeed, each
// resource created once; two re-deploys with different images both succeed, each running its own revision.
// Each run is its own action process with its own access key, so the local AWS's call log tells them apart.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs'
import { ROOT, runAction, type ActionRun } from './harness.js'
import { JOB_IMAGE, REGION, startStack, type Stack } from './stack.js'

// Tasks run with --network host: ports 5300–5349 belong to this file (the job listens on none of them).
const PORT = '5300'
const CLUSTER = 'twin-cluster'
const KEYS = ['AKIDCONCURRENTRUNA', 'AKIDCONCURRENTRUNB'] as const
/**
 * Every AWS call of the runs answers after this long, so that both runs' look-ups (started a few tens of
 * milliseconds apart) are answered "missing" before either run's create is: the race of two real workflows.
 */
const LATENCY_MS = 700

let stack: Stack
let ecs: ECSClient
let ecr: ECRClient

beforeAll(async () => {
  stack = await startStack()
  const config = {
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId: 'AKIDCONCURRENCYTEST', secretAccessKey: 'x' }
  }
  ecs = new ECSClient(config)
  ecr = new ECRClient(config)
})
afterAll(async () => {
  await stack?.aws.stop()
})
afterEach(() => {
  stack.aws.configure({ latencyMs: 0 })
})

/** The same app as two workflow runs would deploy it: a job on one repository, cluster and family. */
function twinApp(extra: Record<string, string> = {}): Record<string, string> {
  return {
    repository: 'twin',
    image: JOB_IMAGE,
    cluster: CLUSTER,
    port: PORT,
    'wait-for': 'stopped',
    timeout: '120',
    environment: 'LINES=2',
    ...extra
  }
}

/** Starts both runs in the same tick, each with its own access key. */
function runBoth(inputs: [Record<string, string>, Record<string, string>]): Promise<ActionRun[]> {
  return Promise.all(
    // Identities that may create roles: the race includes creating the execution role.
    inputs.map((given, index) =>
      runAction(given, { env: { ...stack.env, AWS_ACCESS_KEY_ID: KEYS[index]! }, identity: 'quick-path' })
    )
  )
}

/** The calls to an operation made by the two runs: [run, error code or 'ok'] in the order they were answered. */
function outcomes(operation: string): Array<[string, string]> {
  return stack.aws
    .calls()
    .filter(
      (call) => call.operation === operation && KEYS.includes(call.accessKeyId as (typeof KEYS)[number])
    )
    .map((call) => [call.accessKeyId === KEYS[0] ? 'A' : 'B', call.error ?? 'ok'])
}

function succeeded(operation: string): number {
  return outcomes(operation).filter(([, outcome]) => outcome === 'ok').length
}

interface State {
  clusters: Array<{ clusterName: string; status: string }>
  securityGroups: Array<{ GroupName: string; Ingress: Array<{ FromPort?: number; IpRanges: unknown[] }> }>
  roles: Array<{ RoleName: string; AttachedPolicies: string[] }>
  logGroups: Array<{ logGroupName: string }>
}

function expectBothSucceeded(runs: ActionRun[]): void {
  for (const run of runs) {
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs['exit-code']).toBe('0')
  }
}

/** What a run's task actually ran: its task definition and that definition's image. */
async function ranBy(run: ActionRun): Promise<{ taskDefinitionArn?: string; image?: string }> {
  const { tasks } = await ecs.send(
    new DescribeTasksCommand({ cluster: CLUSTER, tasks: [run.outputs['task-arn']!] })
  )
  const taskDefinitionArn = tasks?.[0]?.taskDefinitionArn
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })
  )
  return { taskDefinitionArn, image: taskDefinition?.containerDefinitions?.[0]?.image }
}

test('two first deploys of one new app at once both succeed, and each resource is created once', async () => {
  stack.aws.clearCalls()
  stack.aws.configure({ latencyMs: LATENCY_MS })
  const runs = await runBoth([twinApp(), twinApp()])
  expectBothSucceeded(runs)

  // The race happened: both runs tried to create the security group (what failed 2 times in 3 before).
  expect(
    outcomes('CreateSecurityGroup')
      .map(([run]) => run)
      .sort()
  ).toEqual(['A', 'B'])
  expect(outcomes('CreateSecurityGroup').map(([, outcome]) => outcome)).toEqual([
    'ok',
    'InvalidGroup.Duplicate'
  ])
  // Each create succeeded once; a second attempt, when the race reached it, got the "already exists" error.
  const alreadyExists: Record<string, string> = {
    CreateRepository: 'RepositoryAlreadyExistsException',
    CreateRole: 'EntityAlreadyExists',
    CreateLogGroup: 'ResourceAlreadyExistsException',
    AuthorizeSecurityGroupIngress: 'InvalidPermission.Duplicate'
  }
  for (const [operation, code] of Object.entries(alreadyExists)) {
    expect([operation, succeeded(operation)]).toEqual([operation, 1])
    for (const [, outcome] of outcomes(operation)) expect(['ok', code]).toContain(outcome)
  }
  // CreateCluster is idempotent in ECS: both may succeed, and there is still one cluster.
  for (const [, outcome] of outcomes('CreateCluster')) expect(outcome).toBe('ok')

  const state = stack.aws.state() as State
  const { repositories } = await ecr.send(new DescribeRepositoriesCommand({}))
  expect(repositories?.map((r) => r.repositoryName)).toEqual(['twin'])
  expect(state.clusters.map((c) => [c.clusterName, c.status])).toEqual([[CLUSTER, 'ACTIVE']])
  const groups = state.securityGroups.filter((g) => g.GroupName === 'ecs-fargate-deploy-twin')
  expect(groups).toHaveLength(1)
  expect(groups[0]!.Ingress.map((rule) => rule.FromPort)).toEqual([5300])
  expect(state.roles.map((r) => [r.RoleName, r.AttachedPolicies])).toEqual([
    ['ecsTaskExecutionRole', ['arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy']]
  ])
  expect(state.logGroups.map((g) => g.logGroupName)).toEqual(['/ecs/twin'])

  // Only the run that created a resource says so (ECS cannot tell a run whose CreateCluster found the cluster).
  for (const thing of ['ECR repository twin', 'IAM role ecsTaskExecutionRole', 'log group /ecs/twin']) {
    expect([thing, runs.filter((run) => run.stdout.includes(`Created ${thing}\n`)).length]).toEqual([
      thing,
      1
    ])
  }
  expect(runs.filter((run) => /^Created security group sg-/m.test(run.stdout))).toHaveLength(1)
  for (const run of runs) {
    const { tasks } = await ecs.send(
      new DescribeTasksCommand({ cluster: CLUSTER, tasks: [run.outputs['task-arn']!] })
    )
    expect(tasks?.[0]?.lastStatus).toBe('STOPPED')
  }
}, 240_000)

test('two re-deploys with different images at once both succeed, each running its own revision', async () => {
  // Two commits of the app: the job image, rebuilt with a label that gives each its own digest.
  const images = ['blue', 'green'].map((variant) => {
    const tag = `efd-example-job:${variant}`
    execFileSync(
      'docker',
      ['build', '--quiet', '--label', `efd.variant=${variant}`, '--tag', tag, join(ROOT, 'examples', 'job')],
      { stdio: 'pipe' }
    )
    return tag
  })
  stack.aws.clearCalls()
  stack.aws.configure({ latencyMs: LATENCY_MS })
  const runs = await runBoth([
    twinApp({ image: images[0]!, tag: 'blue' }),
    twinApp({ image: images[1]!, tag: 'green' })
  ])
  expectBothSucceeded(runs)

  const [a, b] = runs as [ActionRun, ActionRun]
  expect(a.outputs['image']).toMatch(/\/twin@sha256:[a-f0-9]{64}$/)
  expect(b.outputs['image']).toMatch(/\/twin@sha256:[a-f0-9]{64}$/)
  expect(a.outputs['image']).not.toBe(b.outputs['image'])
  expect(a.outputs['task-definition-arn']).not.toBe(b.outputs['task-definition-arn'])
  // Each run's task ran the revision that run registered, and that revision runs that run's image.
  expect(await ranBy(a)).toEqual({
    taskDefinitionArn: a.outputs['task-definition-arn'],
    image: a.outputs['image']
  })
  expect(await ranBy(b)).toEqual({
    taskDefinitionArn: b.outputs['task-definition-arn'],
    image: b.outputs['image']
  })
  // Nothing was created the second time.
  for (const operation of ['CreateRepository', 'CreateSecurityGroup', 'CreateRole', 'CreateLogGroup']) {
    expect([operation, outcomes(operation)]).toEqual([operation, []])
  }
}, 240_000)
