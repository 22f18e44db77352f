// One-off jobs and live services against the local AWS: wait-for stopped streams the job's log and fails on its
// exit code, wait-for healthy waits for the URL to answer, and the timeouts stop what they should.
import { DescribeTasksCommand, ECSClient, type Task } from '@aws-sdk/client-ecs'
import { runAction, type ActionRun } from './harness.js'
import { JOB_IMAGE, REGION, WEB_IMAGE, startStack, waitForTaskStatus, type Stack } from './stack.js'

const CLUSTER = 'jobs-cluster'
// Tasks run with --network host: these ports are reserved for this file.
const WEB_PORT = 5200
const UNHEALTHY_PORT = 5201

let stack: Stack
let ecs: ECSClient

beforeAll(async () => {
  stack = await startStack()
  ecs = new ECSClient({
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
  })
})
afterAll(async () => {
  await stack?.aws.stop()
})

function jobInputs(environment: Record<string, string | number>, extra: Record<string, string> = {}) {
  return {
    repository: 'job',
    image: JOB_IMAGE,
    cluster: CLUSTER,
    'wait-for': 'stopped',
    timeout: '120',
    environment: Object.entries(environment)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    ...extra
  }
}

/** The lines of the step log a reader sees as the job's output: not workflow commands. */
function logLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => !line.startsWith('::'))
}

/** `line N` lines of the step log (after an optional label), as numbers, in the order they were printed. */
function jobLineNumbers(stdout: string, label = ''): number[] {
  const pattern = new RegExp(`^${label.replace(/[[\]]/g, '\\$&')}line (\\d+)$`)
  return logLines(stdout).flatMap((line) => {
    const match = pattern.exec(line)
    return match ? [Number(match[1])] : []
  })
}

const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)

async function describeTask(taskArn: string): Promise<Task> {
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))
  return tasks![0]!
}

/** The task once it reaches the status (StopTask returns before the container is gone). */
const waitForStatus = (taskArn: string, status: string, withinMs = 30_000): Promise<Task> =>
  waitForTaskStatus(ecs, CLUSTER, taskArn, status, withinMs)

async function stopTask(taskArn: string): Promise<ActionRun> {
  const stop = await runAction({ mode: 'stop', cluster: CLUSTER, 'task-arn': taskArn }, { env: stack.env })
  expect(stop.errors).toEqual([])
  return stop
}

describe('wait-for stopped', () => {
  test('a job exiting 3 fails the step with its exit code and stop reason, every line shown once', async () => {
    const run = await runAction(jobInputs({ LINES: 5, EXIT_CODE: 3 }), { env: stack.env })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('The job failed with exit code 3')
    expect(run.errors[0]).toContain(`${run.outputs['task-arn']} exited with code 3`)
    expect(run.errors[0]).toContain('Essential container in task exited')
    expect(run.outputs['exit-code']).toBe('3')
    expect(jobLineNumbers(run.stdout)).toEqual(oneTo(5))
    expect(run.post.exitCode).toBe(0)

    // The failure summary prices the job as a successful one's does: its task's billed seconds.
    const task = await describeTask(run.outputs['task-arn']!)
    const start = task.pullStartedAt ?? task.startedAt
    const seconds = Math.max(60, Math.ceil((task.stoppedAt!.getTime() - start!.getTime()) / 1000))
    // 0.25 vCPU × $0.04048 + 0.5 GB × $0.004445 = $0.0123425 per hour, and the public IPv4 address $0.005.
    const taskDollars = (0.0123425 * seconds) / 3600
    const ipDollars = (0.005 * seconds) / 3600
    expect(run.summary).toContain('<h2>❌ Deploy failed: ')
    expect(run.summary).toContain('<p>They have stopped: nothing is left running.</p>')
    expect(run.summary).toContain(
      `<tr><td>1 task × (0.25 vCPU, 0.5 GB), Linux/x86, ${seconds} s billed</td><td>$${taskDollars.toFixed(4)}</td></tr>`
    )
    expect(run.summary).toContain(
      `<tr><td>public IPv4 address, ${seconds} s</td><td>$${ipDollars.toFixed(4)}</td></tr>`
    )
    expect(run.summary).toContain(`<strong>$${(taskDollars + ipDollars).toFixed(4)}</strong>`)
    expect(run.summary).toContain('Left running: nothing ($0 per hour).')
    expect(run.outputs['hourly-cost']).toBe('0')
  })

  test('a job exiting 0 succeeds with exit-code 0, its lines shown, and log links', async () => {
    const run = await runAction(jobInputs({ LINES: 4, EXIT_CODE: 0 }), { env: stack.env })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs['exit-code']).toBe('0')
    expect(jobLineNumbers(run.stdout)).toEqual(oneTo(4))
    // The stream is PREFIX/CONTAINER/TASK_ID, double-encoded in the console's fragment.
    const taskId = run.outputs['task-arn']!.split('/').pop()!
    expect(JSON.parse(run.outputs['logs']!)).toEqual([
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logsV2:log-groups/log-group/` +
        `$252Fecs$252Fjob/log-events/ecs$252Fjob$252F${taskId}`
    ])
    expect((await describeTask(run.outputs['task-arn']!)).lastStatus).toBe('STOPPED')
  })

  test('5,000 lines: each one exactly once and in order, the last ones included', async () => {
    const run = await runAction(jobInputs({ LINES: 5000 }), { env: stack.env })
    expect(run.errors).toEqual([])
    const numbers = jobLineNumbers(run.stdout)
    expect(numbers).toHaveLength(5000)
    expect(numbers).toEqual(oneTo(5000))
  })

  test('lines reach the step log while the task still runs, not only when it stops', async () => {
    // The job sleeps 6 s after its last line: when that line shows in the live log, the task must still run.
    let stdout = ''
    let statusWhenLastLineShown: Promise<string | undefined> | undefined
    const run = await runAction(jobInputs({ LINES: 3, SLEEP: 6 }), {
      env: stack.env,
      onStdout: (chunk) => {
        stdout += chunk
        const started = /^Started (arn:\S+)$/m.exec(stdout)
        if (!statusWhenLastLineShown && started && /^line 3$/m.test(stdout)) {
          statusWhenLastLineShown = describeTask(started[1]!).then((task) => task.lastStatus)
        }
      }
    })
    expect(run.exitCode).toBe(0)
    expect(await statusWhenLastLineShown).toBe('RUNNING')
    expect(jobLineNumbers(run.stdout)).toEqual(oneTo(3))
  })

  test('count 2: both tasks stream their own lines, labelled; exit-code is the non-zero one', async () => {
    const run = await runAction(jobInputs({ LINES: 3, EXIT_CODE: 4 }, { count: '2' }), { env: stack.env })
    expect(run.exitCode).toBe(1)
    const taskArns = JSON.parse(run.outputs['task-arns']!) as string[]
    expect(taskArns).toHaveLength(2)
    for (const taskArn of taskArns) {
      const label = `[${taskArn.split('/').pop()!.slice(0, 8)}] `
      expect(jobLineNumbers(run.stdout, label)).toEqual(oneTo(3))
      expect(run.errors[0]).toContain(`${taskArn} exited with code 4`)
    }
    expect(jobLineNumbers(run.stdout)).toEqual([])
    expect(run.outputs['exit-code']).toBe('4')
    expect(JSON.parse(run.outputs['logs']!)).toHaveLength(2)
  })

  test('a job that outlives the timeout is stopped by the action, and the step says so', async () => {
    const started = Date.now()
    const run = await runAction(jobInputs({ LINES: 2, SLEEP: 'forever' }, { timeout: '5' }), {
      env: stack.env
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain('Timed out waiting for the task(s) to be STOPPED')
    const taskArn = run.outputs['task-arn']!
    expect(taskArn).toMatch(/:task\/jobs-cluster\//)
    expect(run.stdout).toContain(`Stopped ${taskArn}`)
    expect(jobLineNumbers(run.stdout)).toEqual(oneTo(2))
    expect(run.outputs['exit-code']).toBeUndefined()
    const task = await waitForStatus(taskArn, 'STOPPED')
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated' })
    expect(task.stoppedReason).toContain('timeout')
    expect(Date.now() - started).toBeLessThan(60_000)
  })

  test('a job whose ttl runs out fails naming the ttl, not only the exit code of its SIGTERM', async () => {
    // busybox:stable is in the engine: the local AWS runs non-ECR images from there.
    const run = await runAction(
      jobInputs({ LINES: 1, SLEEP: 'forever' }, { ttl: '3s', 'timer-image': 'busybox:stable' }),
      { env: stack.env }
    )
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(
      "The ttl (3s) ran out: the timer container ecs-fargate-deploy-ttl exited, so ECS stopped the task; the job's exit code 143 is its SIGTERM"
    )
    expect(run.errors[0]).toContain('raise ttl')
    expect(run.outputs['exit-code']).toBe('143')
    const task = await describeTask(run.outputs['task-arn']!)
    expect(task.stopCode).toBe('EssentialContainerExited')
    expect(task.containers!.find((c) => c.name === 'ecs-fargate-deploy-ttl')?.exitCode).toBe(0)
  })

  test('with stop-on-timeout false the job keeps running after the step fails', async () => {
    const run = await runAction(
      jobInputs({ LINES: 1, SLEEP: 'forever' }, { timeout: '5', 'stop-on-timeout': 'false' }),
      { env: stack.env }
    )
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain('Timed out waiting for the task(s) to be STOPPED')
    expect(run.stdout).not.toContain('Stopped arn:')
    const taskArn = run.outputs['task-arn']!
    expect((await describeTask(taskArn)).lastStatus).toBe('RUNNING')
    await stopTask(taskArn)
    expect((await waitForStatus(taskArn, 'STOPPED')).lastStatus).toBe('STOPPED')
  })
})

describe('wait-for healthy', () => {
  const webInputs = (port: number, extra: Record<string, string>) => ({
    repository: 'web',
    image: WEB_IMAGE,
    cluster: CLUSTER,
    port: String(port),
    environment: `PORT=${port}`,
    'wait-for': 'healthy',
    ...extra
  })

  test('succeeds once the health path answers, and the url serves the app', async () => {
    const run = await runAction(webInputs(WEB_PORT, { 'health-path': '/health', timeout: '60' }), {
      env: stack.env
    })
    try {
      expect(run.errors).toEqual([])
      expect(run.outputs['url']).toBe(`http://${run.outputs['public-ip']}:${WEB_PORT}`)
      expect(run.stdout).toContain(`${run.outputs['url']}/health answered HTTP 200`)
      const health = await fetch(`${run.outputs['url']}/health`)
      expect(health.status).toBe(200)
      expect(await health.text()).toBe('ok\n')
    } finally {
      if (run.outputs['task-arn']) await stopTask(run.outputs['task-arn'])
    }
  })

  test('a path that never answers 2xx fails within the timeout, naming the URL, the status and the task', async () => {
    const timeoutSeconds = 8
    const started = Date.now()
    const run = await runAction(
      webInputs(UNHEALTHY_PORT, { 'health-path': '/nope', timeout: String(timeoutSeconds) }),
      { env: stack.env }
    )
    const stepMs = Date.now() - started
    const taskArn = run.outputs['task-arn']!
    try {
      expect(run.exitCode).toBe(1)
      const message = run.errors[0]!
      const url = `http://${run.outputs['public-ip']}:${UNHEALTHY_PORT}/nope`
      expect(message).toContain(`${url} did not answer 2xx or 3xx before the timeout`)
      expect(message).toContain('last: HTTP 404')
      expect(message).toContain(`${taskArn}: RUNNING`)
      // busybox httpd -v logs each request: the last log lines show the app saw them.
      expect(message).toMatch(/Last log lines:\n.*response:404/)
      // The push and RunTask come before the timeout starts; the wait itself ends on time.
      expect(stepMs).toBeGreaterThan(timeoutSeconds * 1000)
      expect(stepMs).toBeLessThan((timeoutSeconds + 15) * 1000)
      // Left running: its hour and its public IPv4 address's (0.25 × $0.04048 + 0.5 × $0.004445 + $0.005).
      expect(run.outputs['hourly-cost']).toBe('0.017343')
      expect(run.summary).toContain('<p>What keeps running:</p>')
      expect(run.summary).toContain(
        '<tr><td>1 task × (0.25 vCPU, 0.5 GB), Linux/x86</td><td>$0.0123</td><td>$9.01</td></tr>'
      )
    } finally {
      if (taskArn) await stopTask(taskArn)
    }
  })
})

test('wait-for none returns after RunTask with task-arn set and public-ip empty, and says why', async () => {
  stack.aws.clearCalls()
  const run = await runAction(jobInputs({ LINES: 1 }, { 'wait-for': 'none' }), { env: stack.env })
  expect(run.errors).toEqual([])
  expect(run.outputs['task-arn']).toMatch(/:task\/jobs-cluster\//)
  expect(run.outputs['public-ip']).toBe('')
  expect(run.outputs['exit-code']).toBeUndefined()
  expect(run.stdout).toContain('wait-for is none: the public IP is not known yet')
  // The step never looked at the task after starting it.
  const operations = stack.aws.calls().map((call) => call.operation)
  expect(operations).toContain('RunTask')
  expect(operations).not.toContain('DescribeTasks')
  expect(operations).not.toContain('GetLogEvents')
  expect((await waitForStatus(run.outputs['task-arn']!, 'STOPPED')).lastStatus).toBe('STOPPED')
})
