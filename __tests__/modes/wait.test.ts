import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  type GetLogEventsCommandInput
} from '@aws-sdk/client-cloudwatch-logs'
import { DescribeNetworkInterfacesCommand, EC2Client, type NetworkInterface } from '@aws-sdk/client-ec2'
import { DescribeTasksCommand, ECSClient, StopTaskCommand, type Task } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { RecordingReporter } from '../../__fixtures__/reporter.js'
import { ActionError } from '../../src/explain/action-error.js'
import { UnhealthyError } from '../../src/modes/health.js'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import { WaitTimeoutError } from '../../src/aws/task-wait.js'
import { type TaskReport, type WaitOutcome } from '../../src/modes/types.js'
import { waitAsAsked, type WaitContext } from '../../src/modes/wait.js'

const ACCOUNT = '123456789012'
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`
const ID_A = '0123456789abcdef0123456789abcdef'
const ID_B = 'fedcba9876543210fedcba9876543210'
const ARN_A = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/${ID_A}`
const ARN_B = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/${ID_B}`
const STREAM_A = `ecs/app/${ID_A}`
const STREAM_B = `ecs/app/${ID_B}`
const LOGS_CONSOLE =
  'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups'
const STARTED: Record<string, TaskReport> = {
  [ARN_A]: {
    taskArn: ARN_A,
    lastStatus: 'PROVISIONING',
    logStream: { logGroup: '/ecs/app', logStream: STREAM_A },
    logUrl: `${LOGS_CONSOLE}/log-group/$252Fecs$252Fapp/log-events/ecs$252Fapp$252F${ID_A}`
  },
  [ARN_B]: {
    taskArn: ARN_B,
    lastStatus: 'PROVISIONING',
    logStream: { logGroup: '/ecs/app', logStream: STREAM_B },
    logUrl: `${LOGS_CONSOLE}/log-group/$252Fecs$252Fapp/log-events/ecs$252Fapp$252F${ID_B}`
  }
}

const ecs = mockClient(ECSClient)
const ec2 = mockClient(EC2Client)
const logs = mockClient(CloudWatchLogsClient)
const clients = {
  ecs: new ECSClient({ region: 'us-east-1' }),
  ec2: new EC2Client({ region: 'us-east-1' }),
  logs: new CloudWatchLogsClient({ region: 'us-east-1' })
}

beforeEach(() => {
  ecs.reset()
  ec2.reset()
  logs.reset()
})

const awsError = (name: string): Error => Object.assign(new Error(`${name} message`), { name })

function inputsWith(given: Record<string, string> = {}): Inputs {
  const all: Record<string, string> = { repository: 'app', port: '8080', ...given }
  return parseInputs((name) => all[name] ?? '', { env: { AWS_REGION: 'us-east-1' }, readFile: () => '' })
}

type TestContext = WaitContext & { reporter: RecordingReporter; clock: FakeClock }

/** The tasks started, as RunTask returned them (their log streams named as the task definition says). */
function contextFor(inputs: Inputs, taskArns: string[] = [ARN_A]): TestContext {
  const clock = new FakeClock()
  return {
    inputs,
    clients,
    reporter: new RecordingReporter(),
    clock,
    cluster: CLUSTER_ARN,
    tasks: taskArns.map((taskArn) => STARTED[taskArn]!),
    deadline: clock.now() + inputs.timeoutSeconds * 1000
  }
}

const ordinal = (taskArn: string): number => (taskArn === ARN_A ? 1 : 2)

function task(taskArn: string, lastStatus: string, extra: Partial<Task> = {}): Task {
  const n = ordinal(taskArn)
  return {
    taskArn,
    lastStatus,
    desiredStatus: lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
    attachments: [
      {
        type: 'ElasticNetworkInterface',
        details: [
          { name: 'networkInterfaceId', value: `eni-${n}` },
          { name: 'privateIPv4Address', value: `10.0.1.${n}` }
        ]
      }
    ],
    ...extra
  }
}

/** A job's task that ended: the app container's exit code, or none when it never ran. */
function stoppedTask(taskArn: string, exitCode: number | undefined, extra: Partial<Task> = {}): Task {
  return task(taskArn, 'STOPPED', {
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [
      { name: 'sidecar', exitCode: 0, lastStatus: 'STOPPED' },
      { name: 'app', exitCode, lastStatus: 'STOPPED' }
    ],
    ...extra
  })
}

function eni(taskArn: string, publicIp?: string): NetworkInterface {
  const n = ordinal(taskArn)
  return {
    NetworkInterfaceId: `eni-${n}`,
    PrivateIpAddress: `10.0.1.${n}`,
    Association: publicIp === undefined ? undefined : { PublicIp: publicIp }
  }
}

/**
 * CloudWatch Logs with a cursor: each poll of a stream (a run of reads ending when the token comes back
 * unchanged) sees the next entry of its schedule, the lines written so far. Only lines after the cursor
 * are returned, so a follower that loses its cursor repeats lines and one that skips it loses them.
 */
function fakeLogStreams(schedules: Record<string, string[][]>): void {
  const polls = new Map<string, number>()
  logs.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) => {
    const stream = input.logStreamName!
    const schedule = schedules[stream] ?? [[]]
    const poll = polls.get(stream) ?? 0
    const written = schedule[Math.min(poll, schedule.length - 1)]!
    const from = input.nextToken ? Number(input.nextToken.slice('f/'.length)) : 0
    const nextForwardToken = `f/${written.length}`
    if (nextForwardToken === input.nextToken) polls.set(stream, poll + 1)
    return {
      events: written.slice(from).map((message, index) => ({ message, timestamp: from + index })),
      nextForwardToken
    }
  })
}

async function failureOf(wait: Promise<unknown>): Promise<ActionError> {
  return wait.then(
    () => {
      throw new Error('expected the wait to fail')
    },
    (error: unknown) => error as ActionError
  )
}

describe('wait-for none', () => {
  test('does not poll the tasks, and leaves the address outputs empty', async () => {
    const context = contextFor(inputsWith({ 'wait-for': 'none' }))
    await expect(waitAsAsked(context)).resolves.toEqual({ tasks: [STARTED[ARN_A]] })
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0)
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0)
    expect(context.reporter.outputs).toEqual({
      'public-ip': '',
      'public-ips': '[]',
      'private-ip': '',
      url: ''
    })
  })
})

describe('wait-for running', () => {
  test('polls DescribeTasks until RUNNING, then reads the public IP in one DescribeNetworkInterfaces', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task(ARN_A, 'PROVISIONING')] })
      .resolvesOnce({ tasks: [task(ARN_A, 'PENDING')] })
      .resolves({ tasks: [task(ARN_A, 'RUNNING')] })
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [eni(ARN_A, '203.0.113.7')] })
    const context = contextFor(inputsWith())

    const outcome = await waitAsAsked(context)

    expect(ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER_ARN, tasks: [ARN_A] },
      { cluster: CLUSTER_ARN, tasks: [ARN_A] },
      { cluster: CLUSTER_ARN, tasks: [ARN_A] }
    ])
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).map((call) => call.args[0].input)).toEqual([
      { NetworkInterfaceIds: ['eni-1'] }
    ])
    expect(context.clock.sleeps).toEqual([1000, 1100])
    expect(context.reporter.outputs).toEqual({
      'public-ip': '203.0.113.7',
      'public-ips': '["203.0.113.7"]',
      'private-ip': '10.0.1.1',
      url: 'http://203.0.113.7:8080'
    })
    expect(outcome).toEqual({
      tasks: [
        {
          taskArn: ARN_A,
          lastStatus: 'RUNNING',
          publicIp: '203.0.113.7',
          privateIp: '10.0.1.1',
          url: 'http://203.0.113.7:8080',
          logStream: { logGroup: '/ecs/app', logStream: STREAM_A },
          logUrl: STARTED[ARN_A]!.logUrl
        }
      ]
    })
  })

  test('a public IP that appears after RUNNING is polled for', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task(ARN_A, 'RUNNING')] })
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [eni(ARN_A)] })
      .resolves({ NetworkInterfaces: [eni(ARN_A, '203.0.113.7')] })
    const context = contextFor(inputsWith())

    await waitAsAsked(context)

    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(2)
    expect(context.clock.sleeps).toEqual([500])
    expect(context.reporter.outputs['url']).toBe('http://203.0.113.7:8080')
  })

  test('no public IP by the deadline: an error that names it and points at public subnets', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task(ARN_A, 'RUNNING')] })
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [eni(ARN_A)] })
    logs.on(GetLogEventsCommand).resolves({ events: [{ message: 'listening on 8080', timestamp: 1 }] })
    const context = contextFor(inputsWith({ timeout: '5' }))

    const error = await failureOf(waitAsAsked(context))

    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe('The task is RUNNING but its network interface has no public IP yet')
    expect(error.hint).toContain('subnets are public (a route to an internet gateway)')
    expect(error.hint).toContain('assign-public-ip is true')
    expect(error.details).toBe(
      `${ARN_A}: network interface ${eni(ARN_A).NetworkInterfaceId}\nLast log lines:\n  listening on 8080`
    )
    expect(context.clock.now()).toBeLessThanOrEqual(context.deadline)
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).length).toBeGreaterThan(1)
    // The outputs are set although the wait failed: the private IP was learnt.
    expect(context.reporter.outputs).toEqual({
      'public-ip': '',
      'public-ips': '[]',
      'private-ip': '10.0.1.1',
      url: ''
    })
  })

  test.each([
    ['public IP, port', 'true', '8080', '203.0.113.7', 'http://203.0.113.7:8080'],
    ['no public IP asked for: the private IP', 'false', '8080', undefined, 'http://10.0.1.1:8080'],
    [
      'no public IP asked for, but the ENI has one',
      'false',
      '8080',
      '203.0.113.7',
      'http://203.0.113.7:8080'
    ],
    ['no port: no url', 'true', '', '203.0.113.7', '']
  ])('url: %s', async (_rule, assignPublicIp, port, publicIp, url) => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task(ARN_A, 'RUNNING')] })
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [eni(ARN_A, publicIp)] })
    const context = contextFor(inputsWith({ 'assign-public-ip': assignPublicIp, port }))

    await waitAsAsked(context)

    expect(context.reporter.outputs['url']).toBe(url)
    expect(context.reporter.outputs['public-ip']).toBe(publicIp ?? '')
    // Nothing to wait for once RUNNING: one look-up, no sleep.
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(1)
    expect(context.clock.sleeps).toEqual([])
  })

  test('several tasks: the outputs follow the order the tasks were started, not DescribeTasks order', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task(ARN_B, 'RUNNING'), task(ARN_A, 'RUNNING')] })
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [eni(ARN_B, '203.0.113.22'), eni(ARN_A, '203.0.113.11')]
    })
    const context = contextFor(inputsWith({ count: '2' }), [ARN_A, ARN_B])

    await waitAsAsked(context)

    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]!.args[0].input.NetworkInterfaceIds).toEqual([
      'eni-2',
      'eni-1'
    ])
    expect(context.reporter.outputs).toEqual({
      'public-ip': '203.0.113.11',
      'public-ips': '["203.0.113.11","203.0.113.22"]',
      'private-ip': '10.0.1.1',
      url: 'http://203.0.113.11:8080'
    })
  })
})

describe('a task that stops before RUNNING', () => {
  test('fails with its stop code and reason, its last log lines and a hint; the outputs are set', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task(ARN_A, 'PENDING')] })
      .resolves({
        tasks: [
          stoppedTask(ARN_A, 1, {
            taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/app:7`
          })
        ]
      })
    logs.on(GetLogEventsCommand).resolves({
      events: [
        { message: 'starting', timestamp: 1 },
        { message: 'Error: DATABASE_URL is not set', timestamp: 2 }
      ]
    })
    const context = contextFor(inputsWith())

    const error = await failureOf(waitAsAsked(context))

    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe(`Task ${ARN_A} stopped before it was RUNNING`)
    expect(error.details).toBe(
      [
        `Task ${ID_A} (app:7) stopped: EssentialContainerExited: Essential container in task exited`,
        '  container sidecar: exit code 0',
        '  container app: exit code 1',
        'Last log lines:',
        '  starting',
        '  Error: DATABASE_URL is not set'
      ].join('\n')
    )
    expect(error.hint).toContain('The essential container exited')
    expect(error.hint).toContain('/ecs/app')
    // The last lines of this task's stream, newest page first.
    expect(logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input)).toEqual([
      { logGroupName: '/ecs/app', logStreamName: STREAM_A, startFromHead: false, limit: 20 }
    ])
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0)
    expect(context.reporter.outputs).toEqual({
      'public-ip': '',
      'public-ips': '[]',
      'private-ip': '',
      url: ''
    })
  })
})

describe('wait-for healthy', () => {
  let server: Server
  let port: number
  let status: (path: string) => number
  let requests: string[]

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '')
      response.writeHead(status(request.url ?? '')).end()
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise((done) => server.close(done)))
  beforeEach(() => {
    requests = []
  })

  /** The tasks' public IP is the loopback address, so their url is the local server. */
  function onLoopback(taskArns: string[]): void {
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolves({ NetworkInterfaces: taskArns.map((arn) => eni(arn, '127.0.0.1')) })
  }

  test('succeeds once the health path answers 200', async () => {
    status = (path) => (path === '/health' ? 200 : 404)
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task(ARN_A, 'RUNNING')] })
    onLoopback([ARN_A])
    const context = contextFor(
      inputsWith({ 'wait-for': 'healthy', port: String(port), 'health-path': '/health' })
    )

    await expect(waitAsAsked(context)).resolves.toMatchObject({
      tasks: [{ url: `http://127.0.0.1:${port}` }]
    })

    expect(requests).toEqual(['/health'])
    expect(context.reporter.lines).toContain(
      `http://127.0.0.1:${port}/health answered HTTP 200 after 1 request(s)`
    )
    expect(context.reporter.outputs['url']).toBe(`http://127.0.0.1:${port}`)
  })

  test('404 until the deadline: an UnhealthyError with each task state, saying the tasks were left running', async () => {
    status = () => 404
    onLoopback([ARN_A, ARN_B])
    // The look-up after the health check failed finds one task serving and one that stopped.
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task(ARN_A, 'RUNNING'), task(ARN_B, 'RUNNING')] })
      .resolves({
        tasks: [
          task(ARN_A, 'RUNNING'),
          stoppedTask(ARN_B, 137, { stoppedReason: 'OutOfMemoryError: Container killed due to memory usage' })
        ]
      })
    logs.on(GetLogEventsCommand).resolves({ events: [{ message: 'GET /health 404', timestamp: 1 }] })
    const context = contextFor(
      inputsWith({
        'wait-for': 'healthy',
        port: String(port),
        'health-path': '/health',
        count: '2',
        timeout: '5'
      }),
      [ARN_A, ARN_B]
    )

    const error = await failureOf(waitAsAsked(context))

    expect(error).toBeInstanceOf(UnhealthyError)
    expect(error.message).toMatch(
      new RegExp(
        `^The health check failed: http://127\\.0\\.0\\.1:${port}/health did not answer 2xx or 3xx .*last: HTTP 404\\)$`
      )
    )
    expect(error.details).toBe(
      [
        `${ARN_A}: RUNNING`,
        `Task ${ID_B} stopped: EssentialContainerExited: OutOfMemoryError: Container killed due to memory usage`,
        '  container sidecar: exit code 0',
        '  container app: exit code 137',
        'Last log lines:',
        '  GET /health 404'
      ].join('\n')
    )
    expect(error.hint).toContain('The app answers, but not at /health: set health-path to a path it serves')
    // Each failed request is said, as data: the answer is the app's text.
    expect(context.reporter.untrustedLines).toContain(`http://127.0.0.1:${port}/health: HTTP 404`)
    expect(error.hint).toContain('The task(s) were left running: stop them with mode: stop.')
    expect(ecs.commandCalls(DescribeTasksCommand).at(-1)!.args[0].input).toEqual({
      cluster: CLUSTER_ARN,
      tasks: [ARN_A, ARN_B]
    })
    expect(requests.length).toBeGreaterThan(1)
    expect(requests.every((path) => path === '/health')).toBe(true)
    // The addresses were learnt before the health check failed, and are set.
    expect(context.reporter.outputs['url']).toBe(`http://127.0.0.1:${port}`)
    expect(context.reporter.outputs['public-ips']).toBe('["127.0.0.1","127.0.0.1"]')
  })
})

describe('wait-for stopped (a job)', () => {
  test('streams each log line once and in order across polls, labelled with the task', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task(ARN_A, 'RUNNING'), task(ARN_B, 'PENDING')] })
      .resolvesOnce({ tasks: [task(ARN_A, 'RUNNING'), task(ARN_B, 'RUNNING')] })
      .resolves({ tasks: [stoppedTask(ARN_A, 0), stoppedTask(ARN_B, 0)] })
    // Poll 1, 2 and 3 come with DescribeTasks; poll 4 is the read after both stopped.
    fakeLogStreams({
      [STREAM_A]: [['a1'], ['a1', 'a2', 'a3'], ['a1', 'a2', 'a3'], ['a1', 'a2', 'a3', 'a4']],
      [STREAM_B]: [[], ['b1'], ['b1', 'b2']]
    })
    const context = contextFor(inputsWith({ 'wait-for': 'stopped', count: '2' }), [ARN_A, ARN_B])

    const outcome = await waitAsAsked(context)

    expect(context.reporter.lines).toEqual([
      '[01234567] a1',
      '[01234567] a2',
      '[01234567] a3',
      '[fedcba98] b1',
      '[fedcba98] b2',
      '[01234567] a4',
      `[01234567] ${ARN_A} exited with code 0`,
      `[fedcba98] ${ARN_B} exited with code 0`
    ])
    // The job's own lines are printed as data (never workflow commands); the action's own are not.
    expect(context.reporter.untrustedLines).toEqual([
      '[01234567] a1',
      '[01234567] a2',
      '[01234567] a3',
      '[fedcba98] b1',
      '[fedcba98] b2',
      '[01234567] a4'
    ])
    expect(context.reporter.warnings).toEqual([])
    expect(context.reporter.outputs['exit-code']).toBe('0')
    expect(outcome).toEqual({
      exitCode: 0,
      tasks: [
        { ...STARTED[ARN_A], lastStatus: 'STOPPED', exitCode: 0 },
        { ...STARTED[ARN_B], lastStatus: 'STOPPED', exitCode: 0 }
      ]
    })
  })

  test.each([
    ['all exit 0', [0, 0], 0],
    ['the second fails', [0, 3], 3],
    ['both fail: the first started wins', [2, 3], 2],
    ['both fail, the other way round', [3, 2], 3]
  ])('exit-code: %s', async (_rule, [codeA, codeB], expected) => {
    // DescribeTasks lists the tasks in the other order than they were started.
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task(ARN_B, 'RUNNING'), task(ARN_A, 'RUNNING')] })
      .resolves({ tasks: [stoppedTask(ARN_B, codeB), stoppedTask(ARN_A, codeA)] })
    fakeLogStreams({})
    const context = contextFor(inputsWith({ 'wait-for': 'stopped', count: '2' }), [ARN_A, ARN_B])

    const wait = waitAsAsked(context)

    if (expected === 0) {
      await expect(wait).resolves.toMatchObject({ exitCode: 0 })
    } else {
      const error = await failureOf(wait)
      expect(error).toBeInstanceOf(ActionError)
      expect(error.message).toBe(`The job failed with exit code ${expected}`)
      expect(error.details).toContain(`exited with code ${expected} (Essential container in task exited)`)
    }
    expect(context.reporter.outputs['exit-code']).toBe(String(expected))
  })

  test('a Spot interruption fails the job as an interruption, not with the exit code of the SIGTERM', async () => {
    const interrupted = stoppedTask(ARN_B, 143, {
      stopCode: 'SpotInterruption',
      stoppedReason: 'Your Spot Task was interrupted.'
    })
    ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(ARN_A, 0), interrupted] })
    fakeLogStreams({})
    const context = contextFor(inputsWith({ 'wait-for': 'stopped', 'container-name': 'app' }), [ARN_A, ARN_B])

    const error = await failureOf(waitAsAsked(context))

    expect(error.message).toBe(
      'The job was interrupted by Fargate Spot: AWS took back the capacity of 1 of 2 task(s)'
    )
    expect(error.details).toContain('stopped: SpotInterruption: Your Spot Task was interrupted.')
    expect(error.hint).toContain("this is not a failure of the task's code")
    expect(error.hint).toContain('capacity: on-demand')
    expect(context.reporter.outputs['exit-code']).toBeUndefined()
    expect(context.reporter.warnings).toContainEqual(
      expect.stringContaining(`${ARN_B} was interrupted by Fargate Spot`)
    )
  })

  test.each<[string, number[], string, string[]]>([
    [
      'the ttl stopped the job: the step names the ttl, the exit code is the SIGTERM',
      [143],
      "The ttl (30s) ran out: the timer container ecs-fargate-deploy-ttl exited, so ECS stopped the task; the job's exit code 143 is its SIGTERM",
      [`${ARN_A} exited with code 143: The ttl (30s) ran out`]
    ],
    [
      'two tasks, both stopped by the ttl',
      [143, 143],
      "The ttl (30s) ran out: the timer container ecs-fargate-deploy-ttl exited, so ECS stopped the 2 tasks; the job's exit code 143 is its SIGTERM",
      [`${ARN_A} exited with code 143: The ttl`, `${ARN_B} exited with code 143: The ttl`]
    ],
    [
      'the first task failed by itself, the second by the ttl: the exit code of the first, the ttl in the details',
      [3, 143],
      'The job failed with exit code 3',
      [
        `${ARN_A} exited with code 3 (Essential container in task exited)`,
        `${ARN_B} exited with code 143: The ttl (30s) ran out`
      ]
    ]
  ])('ttl: %s', async (_name, exitCodes, message, details) => {
    const ttlTask = (taskArn: string, exitCode: number): Task =>
      stoppedTask(taskArn, exitCode, {
        pullStoppedAt: new Date('2026-06-01T12:00:04Z'),
        startedAt: new Date('2026-06-01T12:00:05Z'),
        // The job that failed by itself (3) stopped before the ttl; the others at it.
        stoppingAt: new Date(exitCode === 3 ? '2026-06-01T12:00:20Z' : '2026-06-01T12:00:35Z'),
        stoppedAt: new Date(exitCode === 3 ? '2026-06-01T12:00:22Z' : '2026-06-01T12:00:37Z'),
        containers: [
          { name: 'app', exitCode, lastStatus: 'STOPPED' },
          { name: 'ecs-fargate-deploy-ttl', exitCode: 0, lastStatus: 'STOPPED' }
        ]
      })
    const arns = [ARN_A, ARN_B].slice(0, exitCodes.length)
    ecs
      .on(DescribeTasksCommand)
      .resolves({ tasks: arns.map((arn, index) => ttlTask(arn, exitCodes[index]!)) })
    fakeLogStreams({})
    const inputs = inputsWith({
      'wait-for': 'stopped',
      'container-name': 'app',
      ttl: '30s',
      count: String(exitCodes.length)
    })
    const context = contextFor(inputs, arns)

    const error = await failureOf(waitAsAsked(context))

    expect(error.message).toBe(message)
    for (const line of details) expect(error.details).toContain(line)
    expect(error.hint).toContain('raise ttl')
    expect(context.reporter.outputs['exit-code']).toBe(String(exitCodes[0]))
  })

  test('a job that exits 3 before its ttl is not said to be stopped by it, though the timer exits 0', async () => {
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        stoppedTask(ARN_A, 3, {
          pullStoppedAt: new Date('2026-06-01T12:00:04Z'),
          stoppingAt: new Date('2026-06-01T12:00:10Z'),
          containers: [
            { name: 'app', exitCode: 3, lastStatus: 'STOPPED' },
            { name: 'ecs-fargate-deploy-ttl', exitCode: 0, lastStatus: 'STOPPED' }
          ]
        })
      ]
    })
    fakeLogStreams({})
    const error = await failureOf(
      waitAsAsked(contextFor(inputsWith({ 'wait-for': 'stopped', 'container-name': 'app', ttl: '30s' })))
    )
    expect(error.message).toBe('The job failed with exit code 3')
    expect(error.hint).toBeUndefined()
  })

  test("a job's task reports carry the times it is billed for", async () => {
    const times = {
      pullStartedAt: new Date('2026-06-01T12:00:00Z'),
      startedAt: new Date('2026-06-01T12:00:05Z'),
      stoppedAt: new Date('2026-06-01T12:01:30Z')
    }
    ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(ARN_A, 0, times)] })
    fakeLogStreams({})
    const outcome = await waitAsAsked(
      contextFor(inputsWith({ 'wait-for': 'stopped', 'container-name': 'app' }))
    )
    expect(outcome.tasks[0]).toMatchObject(times)
  })

  test('a task that stopped without an exit code fails the job with its stop reason', async () => {
    const neverRan = stoppedTask(ARN_A, undefined, {
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
      containers: [{ name: 'app', lastStatus: 'STOPPED', reason: 'CannotPullContainerError' }]
    })
    ecs.on(DescribeTasksCommand).resolves({ tasks: [neverRan] })
    fakeLogStreams({})
    const context = contextFor(inputsWith({ 'wait-for': 'stopped' }))

    const error = await failureOf(waitAsAsked(context))

    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe('The job stopped without an exit code')
    expect(error.details).toContain(
      'stopped: TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 5 time(s): not found'
    )
    expect(context.reporter.outputs['exit-code']).toBeUndefined()
  })

  test('timeout with stop-on-timeout: every task is stopped with a reason, and the error says so', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task(ARN_A, 'RUNNING'), task(ARN_B, 'RUNNING')] })
    ecs.on(StopTaskCommand).resolves({})
    // The last line is only there for the read that follows the timeout.
    // Four polls reach the deadline; the fifth read, after it, finds the last line.
    const working = ['working']
    fakeLogStreams({ [STREAM_A]: [working, working, working, working, ['working', 'still working']] })
    const context = contextFor(inputsWith({ 'wait-for': 'stopped', count: '2', timeout: '3' }), [
      ARN_A,
      ARN_B
    ])
    const learnt: WaitOutcome[] = []
    context.onLearnt = (outcome) => learnt.push(outcome)

    const error = await failureOf(waitAsAsked(context))

    // Told once, the tasks it stopped as STOPPING: not left running, for the failure's cost.
    expect(learnt.map((outcome) => outcome.tasks.map((report) => report.lastStatus))).toEqual([
      ['STOPPING', 'STOPPING']
    ])
    const reason = 'Stopped by ecs-fargate-deploy: still running when timeout (3 s) ran out'
    expect(ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER_ARN, task: ARN_A, reason },
      { cluster: CLUSTER_ARN, task: ARN_B, reason }
    ])
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect(error.message).toBe('Timed out waiting for the task(s) to be STOPPED')
    expect(error.details).toBe(`${ARN_A}: last status RUNNING\n${ARN_B}: last status RUNNING`)
    expect(error.hint).toBe(
      'The tasks were stopped because timeout (3 s) ran out (stop-on-timeout); raise timeout if the job needs longer.'
    )
    expect(context.reporter.warnings).toEqual([
      `Stopped ${ARN_A}, ${ARN_B}: still running when timeout (3 s) ran out`
    ])
    expect(context.reporter.lines).toEqual(['[01234567] working', '[01234567] still working'])
    expect(context.clock.now()).toBe(context.deadline)
  })

  test('timeout where a StopTask is refused: the timeout is still the error, naming the task left running', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task(ARN_A, 'RUNNING'), task(ARN_B, 'RUNNING')] })
    ecs
      .on(StopTaskCommand, { task: ARN_A })
      .resolves({})
      .on(StopTaskCommand, { task: ARN_B })
      .rejects(
        Object.assign(new Error('not authorized to perform: ecs:StopTask'), { name: 'AccessDeniedException' })
      )
    fakeLogStreams({})
    const context = contextFor(inputsWith({ 'wait-for': 'stopped', count: '2', timeout: '3' }), [
      ARN_A,
      ARN_B
    ])

    const error = await failureOf(waitAsAsked(context))

    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect(error.message).toBe('Timed out waiting for the task(s) to be STOPPED')
    expect(error.hint).toBe(
      `timeout (3 s) ran out and ${ARN_B} could not be stopped: they run (and are billed) until stopped; ` +
        "stop them with mode: stop and this step's task-arns output."
    )
    expect(context.reporter.warnings).toEqual([
      `Stopped ${ARN_A}: still running when timeout (3 s) ran out`,
      `Could not stop ${ARN_B}: not authorized to perform: ecs:StopTask`
    ])
  })

  test('timeout without stop-on-timeout: the tasks are left running, and the hint says how to stop them', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task(ARN_A, 'RUNNING')] })
    fakeLogStreams({})
    const context = contextFor(
      inputsWith({ 'wait-for': 'stopped', timeout: '3', 'stop-on-timeout': 'false' })
    )
    const learnt: WaitOutcome[] = []
    context.onLearnt = (outcome) => learnt.push(outcome)

    const error = await failureOf(waitAsAsked(context))

    expect(error).toBeInstanceOf(WaitTimeoutError)
    // As the last poll saw it: RUNNING, so the failure's cost counts it per hour.
    expect(learnt.map((outcome) => outcome.tasks.map((report) => report.lastStatus))).toEqual([['RUNNING']])
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0)
    expect(error.hint).toContain('The tasks were left running when timeout (3 s) ran out')
    expect(error.hint).toContain("mode: stop, task-arn set to this step's task-arns output and if: always()")
    expect(context.reporter.warnings).toEqual([])
  })

  test('a log stream it may not read: one warning, and the wait goes on to the exit code', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task(ARN_A, 'RUNNING')] })
      .resolvesOnce({ tasks: [task(ARN_A, 'RUNNING')] })
      .resolves({ tasks: [stoppedTask(ARN_A, 0)] })
    logs.on(GetLogEventsCommand).rejects(awsError('AccessDeniedException'))
    const context = contextFor(inputsWith({ 'wait-for': 'stopped' }))

    await expect(waitAsAsked(context)).resolves.toMatchObject({ exitCode: 0 })

    expect(context.reporter.warnings).toEqual([
      `Cannot read the log stream /ecs/app/${STREAM_A}: AccessDeniedException message`
    ])
    expect(logs.commandCalls(GetLogEventsCommand)).toHaveLength(1)
    // One task: its lines are not labelled.
    expect(context.reporter.lines).toEqual([`${ARN_A} exited with code 0`])
    expect(context.reporter.outputs['exit-code']).toBe('0')
  })

  test('a throttled log read resumes from the cursor on the next poll, without a warning', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task(ARN_A, 'RUNNING')] })
      .resolves({ tasks: [stoppedTask(ARN_A, 0)] })
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: [{ message: 'one', timestamp: 1 }], nextForwardToken: 'f/1' })
      .rejectsOnce(awsError('ThrottlingException'))
      .resolvesOnce({ events: [{ message: 'two', timestamp: 2 }], nextForwardToken: 'f/2' })
      .resolves({ events: [], nextForwardToken: 'f/2' })
    const context = contextFor(inputsWith({ 'wait-for': 'stopped' }))

    await expect(waitAsAsked(context)).resolves.toMatchObject({ exitCode: 0 })

    expect(context.reporter.warnings).toEqual([])
    expect(context.reporter.lines).toEqual(['one', 'two', `${ARN_A} exited with code 0`])
    expect(logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input.nextToken)).toEqual([
      undefined,
      'f/1',
      'f/1',
      'f/2',
      'f/2'
    ])
  })
})
