// Cheaper capacity and the cost of a run, with the bundled action against the local AWS: capacity spot runs
// on FARGATE_SPOT, platform reaches the task definition (and the build), an image of another platform fails
// before RunTask, a Spot interruption is reported as such, and the summary prices a job from its tasks' times.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  type Task
} from '@aws-sdk/client-ecs'
import { ROOT, runAction } from './harness.js'
import { JOB_IMAGE, REGION, startStack, type Stack } from './stack.js'

const CLUSTER = 'capacity-cluster'

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
afterEach(() => {
  stack.aws.setBehaviour({ spotInterruptionAfterMs: null })
})

function jobInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    repository: 'capacity-job',
    image: JOB_IMAGE,
    cluster: CLUSTER,
    'wait-for': 'stopped',
    timeout: '120',
    environment: 'LINES=2',
    ...extra
  }
}

async function describeTask(taskArn: string): Promise<Task> {
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))
  return tasks![0]!
}

async function runtimePlatform(taskDefinitionArn: string): Promise<unknown> {
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })
  )
  return taskDefinition?.runtimePlatform
}

function runTaskParams(): Array<Record<string, unknown>> {
  return stack.aws
    .calls()
    .filter((call) => call.operation === 'RunTask')
    .map((call) => call.params as Record<string, unknown>)
}

test('capacity spot: RunTask asks for FARGATE_SPOT, the task runs on it, the definition is X86_64', async () => {
  stack.aws.clearCalls()
  const run = await runAction(jobInputs({ capacity: 'spot' }), { env: stack.env })
  expect(run.errors).toEqual([])
  expect(run.exitCode).toBe(0)
  const [params] = runTaskParams()
  expect(params?.['capacityProviderStrategy']).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }])
  expect(params).not.toHaveProperty('launchType')
  expect((await describeTask(run.outputs['task-arn']!)).capacityProviderName).toBe('FARGATE_SPOT')
  expect(await runtimePlatform(run.outputs['task-definition-arn']!)).toEqual({
    cpuArchitecture: 'X86_64',
    operatingSystemFamily: 'LINUX'
  })
  expect(run.summary).toContain('up to 70% below on-demand')
})

test('platform linux/arm64: the action builds for it, registers ARM64, and the task reports arm64', async () => {
  // FROM scratch, so that nothing needs pulling for arm64: the job's files copied from the local busybox.
  const context = mkdtempSync(join(tmpdir(), 'efd-arm64-'))
  try {
    copyFileSync(join(ROOT, 'examples/job/job.sh'), join(context, 'job.sh'))
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM scratch\nCOPY --from=busybox:stable / /\nCOPY job.sh /job.sh\nENTRYPOINT ["/job.sh"]\n'
    )
    stack.aws.clearCalls()
    const run = await runAction(
      { ...jobInputs({ platform: 'linux/arm64', context }), image: '', repository: 'capacity-arm' },
      { env: stack.env }
    )
    expect(run.errors).toEqual([])
    expect(run.stdout).toMatch(/^\[command\]docker build --platform linux\/arm64 --tag capacity-arm:\S+ /m)
    expect(await runtimePlatform(run.outputs['task-definition-arn']!)).toEqual({
      cpuArchitecture: 'ARM64',
      operatingSystemFamily: 'LINUX'
    })
    const task = await describeTask(run.outputs['task-arn']!)
    expect(task.attributes).toContainEqual({ name: 'ecs.cpu-architecture', value: 'arm64' })
    expect(runTaskParams()[0]?.['launchType']).toBe('FARGATE')
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
})

test('an image of another platform fails after the push and before RunTask, saying what to do', async () => {
  stack.aws.clearCalls()
  const run = await runAction(jobInputs({ platform: 'linux/arm64' }), { env: stack.env })
  expect(run.exitCode).toBe(1)
  expect(run.errors).toHaveLength(1)
  expect(run.errors[0]).toContain(
    'is for linux/amd64, not linux/arm64 (the platform input): Fargate could not run it'
  )
  expect(run.errors[0]).toContain('docker build --platform linux/arm64')
  const operations = stack.aws.calls().map((call) => call.operation)
  expect(operations).toContain('BatchGetImage')
  expect(operations).not.toContain('RunTask')
})

test('a Spot interruption of a job is reported as such, not as the exit code of its code', async () => {
  stack.aws.setBehaviour({ spotInterruptionAfterMs: 1000 })
  const run = await runAction(jobInputs({ capacity: 'spot', environment: 'LINES=1\nSLEEP=60' }), {
    env: stack.env
  })
  expect(run.exitCode).toBe(1)
  expect(run.errors).toHaveLength(1)
  expect(run.errors[0]).toContain('The job was interrupted by Fargate Spot')
  expect(run.errors[0]).toContain('SpotInterruption: Your Spot Task was interrupted.')
  expect(run.errors[0]).toContain('not a failure')
  expect(run.errors[0]).not.toContain('The job failed with exit code')
  const task = await describeTask(run.outputs['task-arn']!)
  expect(task.stopCode).toBe('SpotInterruption')
})

test("the summary's cost for a job is its task's billed seconds at the us-east-1 prices; hourly-cost is 0", async () => {
  const run = await runAction(jobInputs({ environment: 'LINES=1\nSLEEP=2', cpu: '1024', memory: '2048' }), {
    env: stack.env
  })
  expect(run.errors).toEqual([])
  const task = await describeTask(run.outputs['task-arn']!)
  const start = task.pullStartedAt ?? task.startedAt
  const seconds = Math.max(60, Math.ceil((task.stoppedAt!.getTime() - start!.getTime()) / 1000))
  // 1 vCPU × $0.04048 + 2 GB × $0.004445 = $0.04937 per hour, and the public IPv4 address $0.005 per hour.
  const taskDollars = (0.04937 * seconds) / 3600
  const ipDollars = (0.005 * seconds) / 3600
  expect(run.summary).toContain('<h3>Cost</h3>')
  expect(run.summary).toContain(
    `<tr><td>1 task × (1 vCPU, 2 GB), Linux/x86, ${seconds} s billed</td><td>$${taskDollars.toFixed(4)}</td></tr>`
  )
  expect(run.summary).toContain(
    `<tr><td>public IPv4 address, ${seconds} s</td><td>$${ipDollars.toFixed(4)}</td></tr>`
  )
  expect(run.summary).toContain(`<strong>$${(taskDollars + ipDollars).toFixed(4)}</strong>`)
  expect(run.summary).toContain('Left running: nothing ($0 per hour).')
  expect(run.outputs['hourly-cost']).toBe('0')
})

test('a service left running: hourly-cost is its tasks and public IPv4 addresses per hour', async () => {
  const run = await runAction(
    jobInputs({ 'wait-for': 'running', environment: 'SLEEP=forever', count: '2' }),
    {
      env: stack.env
    }
  )
  try {
    expect(run.errors).toEqual([])
    // 2 × (0.25 × $0.04048 + 0.5 × $0.004445) + 2 × $0.005
    expect(run.outputs['hourly-cost']).toBe('0.034685')
    expect(run.summary).toContain(
      '<tr><td>2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86</td><td>$0.0247</td><td>$18.02</td></tr>'
    )
    expect(run.summary).toContain('<tr><td>2 public IPv4 addresses</td><td>$0.0100</td><td>$7.30</td></tr>')
  } finally {
    const stop = await runAction(
      { mode: 'stop', cluster: CLUSTER, 'task-arn': run.outputs['task-arns'] ?? '' },
      { env: stack.env }
    )
    expect(stop.errors).toEqual([])
  }
})
