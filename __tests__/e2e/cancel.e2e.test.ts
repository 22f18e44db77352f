// A cancelled run, as the runner cancels it (SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that, then the
// post step): the bundled action against the local AWS stops the tasks it started, with a reason that links the
// run; and when the main step is killed outright, the post step stops them. In service mode, a main step killed
// before the deployment of a service it created succeeded leaves the post step to delete that service, and
// never one that existed before the run.
import { DescribeExpressGatewayServiceCommand, ECSClient, type Task } from '@aws-sdk/client-ecs'
import { cancelAsTheRunnerDoes, runAction, startAction } from './harness.js'
import { startGitHubStandIn, type GitHubStandIn } from './github-stand-in.js'
import { JOB_IMAGE, REGION, WEB_IMAGE, startStack, waitForTaskStatus, type Stack } from './stack.js'

const CLUSTER = 'cancel-cluster'
// Tasks run with --network host: this port is reserved for this file.
const WEB_PORT = 5401
const RUN_URL = 'https://github.example/octo/app/actions/runs/4343'
const STARTED = /^Started (arn:aws:ecs:\S+)$/m

let stack: Stack
let github: GitHubStandIn
let ecs: ECSClient

beforeAll(async () => {
  ;[stack, github] = await Promise.all([startStack(), startGitHubStandIn()])
  ecs = new ECSClient({
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
  })
})
afterAll(async () => {
  await Promise.all([stack?.aws.stop(), github?.stop()])
})

function env(): Record<string, string> {
  return {
    ...stack.env,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4343'
  }
}

const foreverJob = {
  repository: 'cancel-job',
  image: JOB_IMAGE,
  cluster: CLUSTER,
  'wait-for': 'stopped',
  timeout: '600',
  environment: 'LINES=2\nSLEEP=forever'
}

/** The task once STOPPED (StopTask returns before the container is gone), or as last seen after withinMs. */
const stoppedTask = (taskArn: string, withinMs = 30_000): Promise<Task> =>
  waitForTaskStatus(ecs, CLUSTER, taskArn, 'STOPPED', withinMs)

test('a job cancelled while it runs: the task is stopped with the reason, within the runner’s 7.5 s', async () => {
  const action = await startAction(foreverJob, { env: env() })
  try {
    await action.waitForStdout(/^line 2$/m)
    const taskArn = STARTED.exec(action.stdout())![1]!

    const { main, sent, msToExit } = await cancelAsTheRunnerDoes(action)

    expect(sent).toEqual(['SIGINT'])
    expect(msToExit).toBeLessThan(7500)
    expect(main.exitCode).toBe(1)
    expect(main.errors).toEqual([`The run was cancelled (SIGINT): stopped ${taskArn}`])
    expect(main.summary).toContain('<h2>❌ Deploy failed: The run was cancelled (SIGINT)')
    expect(main.summary).toContain(`<code>${taskArn}</code>`)
    expect(main.summary).toContain('Stopped: the run was cancelled before they reached')
    expect(main.state['mainFinished']).toBe('true')
    const task = await stoppedTask(taskArn)
    expect(task.lastStatus).toBe('STOPPED')
    expect(task.stopCode).toBe('UserInitiated')
    expect(task.stoppedReason).toBe(
      `Stopped by ecs-fargate-deploy: the workflow run was cancelled: ${RUN_URL}`
    )

    // The post step finds main finished: it stops nothing and only cleans up.
    const post = await action.post()
    expect(post.exitCode).toBe(0)
    expect(post.stdout).not.toContain('did not finish')
  } finally {
    action.cleanUp()
  }
})

test('a deploy cancelled while it waits to be healthy: stopped, and its GitHub deployment marked failed', async () => {
  github.clear()
  const action = await startAction(
    {
      repository: 'cancel-web',
      image: WEB_IMAGE,
      cluster: CLUSTER,
      port: String(WEB_PORT),
      environment: `PORT=${WEB_PORT}`,
      'wait-for': 'healthy',
      'health-path': '/never',
      timeout: '600',
      'environment-name': 'preview'
    },
    { env: env() }
  )
  try {
    await action.waitForStdout(/\/never: HTTP 404/)
    const taskArn = STARTED.exec(action.stdout())![1]!

    const { main, sent, msToExit } = await cancelAsTheRunnerDoes(action)

    expect(sent).toEqual(['SIGINT'])
    expect(msToExit).toBeLessThan(7500)
    expect(main.exitCode).toBe(1)
    expect(main.errors).toEqual([`The run was cancelled (SIGINT): stopped ${taskArn}`])
    const task = await stoppedTask(taskArn)
    expect(task.stoppedReason).toBe(
      `Stopped by ecs-fargate-deploy: the workflow run was cancelled: ${RUN_URL}`
    )
    const statuses = github
      .requests()
      .filter((request) => request.method === 'POST' && request.path.endsWith('/statuses'))
      .map((request) => [request.body?.['state'], request.body?.['description']])
    expect(statuses).toEqual([
      ['in_progress', 'Deploying to ECS Fargate'],
      ['failure', `The run was cancelled (SIGINT): stopped ${taskArn}`]
    ])
  } finally {
    action.cleanUp()
  }
})

test('a main step killed outright: the post step stops the task it started, and only that one', async () => {
  const action = await startAction(foreverJob, { env: env() })
  try {
    await action.waitForStdout(/^line 2$/m)
    const taskArn = STARTED.exec(action.stdout())![1]!

    action.signal('SIGKILL')
    const main = await action.main
    expect(main.state['startedTasks']).toBe(
      JSON.stringify({
        region: REGION,
        clusterArn: `arn:aws:ecs:${REGION}:${accountOf(taskArn)}:cluster/${CLUSTER}`,
        taskArns: [taskArn]
      })
    )
    expect(main.state['mainFinished']).toBeUndefined()
    expect((await stoppedTask(taskArn, 0)).lastStatus).toBe('RUNNING')

    const post = await action.post()

    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain(`The main step did not finish: stopped ${taskArn}`)
    const task = await stoppedTask(taskArn)
    expect(task.lastStatus).toBe('STOPPED')
    expect(task.stoppedReason).toBe(
      `Stopped by ecs-fargate-deploy (post step): the main step was cancelled before it finished: ${RUN_URL}`
    )
  } finally {
    action.cleanUp()
  }
})

describe('a main step killed outright in service mode', () => {
  const SERVICE_CLUSTER = 'cancel-svc-cluster'
  const service = (name: string, extra: Record<string, string> = {}) => ({
    repository: 'cancel-svc',
    image: WEB_IMAGE,
    cluster: SERVICE_CLUSTER,
    service: name,
    port: '5000',
    'health-path': '/',
    timeout: '600',
    ...extra
  })
  // A health path the web app answers 404: the deployment cannot succeed before the kill.
  const NEVER_HEALTHY = { 'health-path': '/never' }
  const IN_PROGRESS = /^Deployment \S+: IN_PROGRESS/m

  async function statusOf(serviceArn: string): Promise<string | undefined> {
    const { service } = await ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn }))
    return service?.status?.statusCode
  }

  test('a service this run created, not yet deployed: the post step deletes it', async () => {
    const action = await startAction(service('cancel-created', NEVER_HEALTHY), { env: env() })
    try {
      await action.waitForStdout(IN_PROGRESS)
      action.signal('SIGKILL')
      const main = await action.main
      const serviceArn = main.outputs['service-arn']!
      expect(serviceArn).toBe(`arn:aws:ecs:${REGION}:123456789012:service/${SERVICE_CLUSTER}/cancel-created`)
      expect(main.state['createdService']).toBe(
        JSON.stringify({
          region: REGION,
          clusterArn: `arn:aws:ecs:${REGION}:123456789012:cluster/${SERVICE_CLUSTER}`,
          serviceArn
        })
      )
      expect(main.state['serviceDeployed']).toBeUndefined()
      expect(main.state['mainFinished']).toBeUndefined()
      expect(await statusOf(serviceArn)).toBe('ACTIVE')

      const post = await action.post()

      expect(post.exitCode).toBe(0)
      expect(post.stdout).toContain(
        `The main step did not finish: deleted service ${serviceArn}, which it created and never saw deployed`
      )
      expect(['DRAINING', 'INACTIVE']).toContain(await statusOf(serviceArn))
    } finally {
      action.cleanUp()
    }
  })

  test('a service that existed before the run: saved nowhere, and the post step leaves it', async () => {
    const first = await runAction(service('cancel-existing'), { env: env() })
    expect(first.errors).toEqual([])
    const serviceArn = first.outputs['service-arn']!
    expect(first.state['serviceDeployed']).toBe('true')
    expect(first.state['mainFinished']).toBe('true')

    const action = await startAction(service('cancel-existing', NEVER_HEALTHY), { env: env() })
    try {
      await action.waitForStdout(IN_PROGRESS)
      action.signal('SIGKILL')
      const main = await action.main
      expect(main.outputs['service-arn']).toBe(serviceArn)
      expect(main.state['createdService']).toBeUndefined()
      expect(main.state['mainFinished']).toBeUndefined()

      const post = await action.post()

      expect(post.exitCode).toBe(0)
      expect(post.stdout).not.toContain('did not finish')
      expect(await statusOf(serviceArn)).toBe('ACTIVE')
    } finally {
      action.cleanUp()
      await runAction({ mode: 'stop', cluster: SERVICE_CLUSTER, service: 'cancel-existing' }, { env: env() })
    }
  })
})

function accountOf(arn: string): string {
  return arn.split(':')[4]!
}
