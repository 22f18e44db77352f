import { DescribeTasksCommand, ECSClient, RunTaskCommand, type Task } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { TaskStoppedError, WaitTimeoutError, nextPollDelay, waitForTasks } from '../../src/aws/task-wait.js'
import { buildRunTaskInput, networkInterfaceId, privateIp, runTasks, taskId } from '../../src/aws/tasks.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })
const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/c/0123456789abcdef0123456789abcdef'
const ARN2 = 'arn:aws:ecs:us-east-1:123456789012:task/c/fedcba9876543210fedcba9876543210'

const task = (lastStatus: string, extra: Partial<Task> = {}): Task => ({ taskArn: ARN, lastStatus, ...extra })

beforeEach(() => ecs.reset())

describe('buildRunTaskInput', () => {
  const target = {
    cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/c',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:3',
    subnets: ['subnet-1'],
    securityGroups: ['sg-1']
  }

  test.each([
    [true, 'ENABLED'],
    [false, 'DISABLED']
  ])('assign-public-ip %s becomes %s', (assignPublicIp, expected) => {
    const input = buildRunTaskInput(
      { count: 1, assignPublicIp, startedBy: 'me', tags: [], capacity: 'on-demand' as const },
      target,
      'token'
    )
    expect(input.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe(expected)
  })

  test('renders the whole request', () => {
    expect(
      buildRunTaskInput(
        {
          count: 2,
          assignPublicIp: true,
          startedBy: 'me',
          tags: [{ key: 'k', value: 'v' }],
          capacity: 'on-demand'
        },
        target,
        'tok'
      )
    ).toEqual({
      cluster: target.cluster,
      taskDefinition: target.taskDefinitionArn,
      count: 2,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' }
      },
      startedBy: 'me',
      tags: [{ key: 'k', value: 'v' }],
      clientToken: 'tok'
    })
  })

  test('capacity spot runs on FARGATE_SPOT through a capacity provider strategy, with no launch type', () => {
    const input = buildRunTaskInput(
      { count: 1, assignPublicIp: true, startedBy: 'me', tags: [], capacity: 'spot' },
      target,
      'tok'
    )
    expect(input.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }])
    expect(input).not.toHaveProperty('launchType')
  })

  test('gives every call its own idempotency token and no empty tag list', () => {
    const a = buildRunTaskInput(
      { count: 1, assignPublicIp: true, startedBy: 'me', tags: [], capacity: 'on-demand' as const },
      target
    )
    const b = buildRunTaskInput(
      { count: 1, assignPublicIp: true, startedBy: 'me', tags: [], capacity: 'on-demand' as const },
      target
    )
    expect(a.clientToken).not.toBe(b.clientToken)
    expect(a.tags).toBeUndefined()
  })
})

describe('runTasks', () => {
  test('returns the tasks started and any failures', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [task('PROVISIONING')], failures: [{ reason: 'RESOURCE:ENI' }] })
    expect(await runTasks(client, {} as never)).toEqual({
      tasks: [task('PROVISIONING')],
      failures: [{ reason: 'RESOURCE:ENI' }]
    })
  })

  test('fails with the failures when no task started', async () => {
    ecs.on(RunTaskCommand).resolves({
      tasks: [],
      failures: [{ arn: 'arn:x', reason: 'RESOURCE:MEMORY', detail: 'not enough' }]
    })
    await expect(runTasks(client, {} as never)).rejects.toThrow('RunTask started no task')
  })
})

describe('runTasks and a role created moments ago', () => {
  const notYet = (): Error =>
    Object.assign(
      new Error(
        "ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' that was provided for this task."
      ),
      { name: 'InvalidParameterException' }
    )

  test('retries while ECS cannot assume a role this run created, keeping the idempotency token', async () => {
    ecs
      .on(RunTaskCommand)
      .rejectsOnce(notYet())
      .rejectsOnce(notYet())
      .resolves({ tasks: [task('PROVISIONING')] })
    const clock = new FakeClock()
    const result = await runTasks(client, { clientToken: 'tok' } as never, { newRole: true, clock })
    expect(result.tasks).toHaveLength(1)
    expect(clock.sleeps).toEqual([2000, 4000])
    expect(ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input.clientToken)).toEqual([
      'tok',
      'tok',
      'tok'
    ])
  })

  test('gives up after the retries, with ECS own message', async () => {
    ecs.on(RunTaskCommand).rejects(notYet())
    const clock = new FakeClock()
    await expect(runTasks(client, {} as never, { newRole: true, clock, roleRetries: 2 })).rejects.toThrow(
      'ECS was unable to assume the role'
    )
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(3)
  })

  test('does not retry for a role that existed before (a real trust problem) or another error', async () => {
    ecs.on(RunTaskCommand).rejects(notYet())
    await expect(runTasks(client, {} as never, { clock: new FakeClock() })).rejects.toThrow(
      'unable to assume'
    )
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1)
    ecs.reset()
    ecs
      .on(RunTaskCommand)
      .rejects(Object.assign(new Error('No Container Instances'), { name: 'InvalidParameterException' }))
    await expect(runTasks(client, {} as never, { newRole: true, clock: new FakeClock() })).rejects.toThrow(
      'No Container Instances'
    )
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1)
  })
})

describe('task helpers', () => {
  const withEni: Task = {
    taskArn: ARN,
    attachments: [
      {
        type: 'ElasticNetworkInterface',
        details: [
          { name: 'networkInterfaceId', value: 'eni-123' },
          { name: 'privateIPv4Address', value: '10.0.0.5' }
        ]
      }
    ]
  }
  test('reads the ENI and private IP from the attachment', () => {
    expect(networkInterfaceId(withEni)).toBe('eni-123')
    expect(privateIp(withEni)).toBe('10.0.0.5')
    expect(networkInterfaceId({})).toBeUndefined()
  })
  test('taskId is the last part of the ARN', () => {
    expect(taskId(ARN)).toBe('0123456789abcdef0123456789abcdef')
  })
  test('polls at about 1 s, backing off gently to at most 1.2 s', () => {
    const delays = [nextPollDelay(undefined)]
    for (let i = 0; i < 6; i++) delays.push(nextPollDelay(delays.at(-1)))
    expect(delays).toEqual([1000, 1100, 1200, 1200, 1200, 1200, 1200])
  })
})

describe('waitForTasks', () => {
  test('polls until every task is RUNNING', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task('PROVISIONING'), { taskArn: ARN2, lastStatus: 'PENDING' }] })
      .resolvesOnce({ tasks: [task('RUNNING'), { taskArn: ARN2, lastStatus: 'PENDING' }] })
      .resolves({ tasks: [task('RUNNING'), { taskArn: ARN2, lastStatus: 'RUNNING' }] })
    const clock = new FakeClock()
    const tasks = await waitForTasks(client, 'c', [ARN, ARN2], {
      until: 'RUNNING',
      deadline: clock.now() + 60_000,
      clock
    })
    expect(tasks.map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING'])
    expect(clock.sleeps).toEqual([1000, 1100])
    expect(ecs.commandCalls(DescribeTasksCommand)[0]!.args[0].input).toEqual({
      cluster: 'c',
      tasks: [ARN, ARN2]
    })
  })

  test('keeps polling while a new task is MISSING, within the grace period', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [], failures: [{ arn: ARN, reason: 'MISSING' }] })
      .resolvesOnce({ tasks: [], failures: [{ arn: ARN, reason: 'MISSING' }] })
      .resolves({ tasks: [task('RUNNING')] })
    const clock = new FakeClock()
    await expect(
      waitForTasks(client, 'c', [ARN], { until: 'RUNNING', deadline: clock.now() + 60_000, clock })
    ).resolves.toHaveLength(1)
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(3)
  })

  test('fails when a task stays MISSING past the grace period', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: ARN, reason: 'MISSING' }] })
    const clock = new FakeClock()
    await expect(
      waitForTasks(client, 'c', [ARN], {
        until: 'RUNNING',
        deadline: clock.now() + 600_000,
        clock,
        missingGraceMs: 5000
      })
    ).rejects.toThrow(`ECS does not know task(s) ${ARN} (MISSING)`)
  })

  test('fails with the task when it stops before RUNNING', async () => {
    const stopped = task('STOPPED', {
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: x'
    })
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task('PENDING')] })
      .resolves({ tasks: [stopped] })
    const clock = new FakeClock()
    const error = await waitForTasks(client, 'c', [ARN], {
      until: 'RUNNING',
      deadline: clock.now() + 60_000,
      clock
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TaskStoppedError)
    expect((error as TaskStoppedError).task.stoppedReason).toBe('CannotPullContainerError: x')
  })

  test('times out with the last state seen, having polled up to the deadline', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task('PENDING')] })
    const clock = new FakeClock()
    const deadline = clock.now() + 5000
    const error = await waitForTasks(client, 'c', [ARN], { until: 'RUNNING', deadline, clock }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect((error as Error).message).toBe('Timed out waiting for the task(s) to be RUNNING')
    expect((error as WaitTimeoutError).lastSeen).toEqual([task('PENDING')])
    expect(clock.now()).toBe(deadline)
  })

  test('slows down on throttling that outlasted the SDK retries instead of failing', async () => {
    ecs
      .on(DescribeTasksCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ tasks: [task('RUNNING')] })
    const clock = new FakeClock()
    await waitForTasks(client, 'c', [ARN], { until: 'RUNNING', deadline: clock.now() + 60_000, clock })
    expect(clock.sleeps).toEqual([2000])
  })

  test('waits for STOPPED and hands every answer to onPoll', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task('RUNNING')] })
      .resolves({ tasks: [task('STOPPED')] })
    const seen: string[] = []
    const clock = new FakeClock()
    await waitForTasks(client, 'c', [ARN], {
      until: 'STOPPED',
      deadline: clock.now() + 60_000,
      clock,
      onPoll: async (tasks) => {
        seen.push(tasks[0]!.lastStatus!)
      }
    })
    expect(seen).toEqual(['RUNNING', 'STOPPED'])
  })
})
