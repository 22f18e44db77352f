import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  type ServiceDeployment,
  type ServiceDeploymentStatus,
  type Task
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import {
  ServiceDeploymentFailedError,
  ServiceDeploymentTimeoutError,
  deploymentOutcome,
  waitForServiceDeployment,
  type DeploymentWaitOptions
} from '../../src/aws/express-deployment.js'
import { WaitTimeoutError } from '../../src/aws/task-wait.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/web/shop'
const OLD = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/web/shop/old1'
const NEW = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/web/shop/new2'
const OTHER = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/web/shop/other3'
const REVISION_OLD = 'arn:aws:ecs:us-east-1:123456789012:service-revision/web/shop/111'
const REVISION_NEW = 'arn:aws:ecs:us-east-1:123456789012:service-revision/web/shop/222'
const START = Date.parse('2026-03-01T10:00:00.000Z')
const at = (time: string) => new Date(`2026-03-01T${time}.000Z`)

const awsError = (name: string, message = `${name} message`) => Object.assign(new Error(message), { name })

function options(clock: FakeClock, extra: Partial<DeploymentWaitOptions> = {}): DeploymentWaitOptions {
  return {
    serviceArn: SERVICE_ARN,
    cluster: 'web',
    startedAfter: START,
    knownDeployments: [OLD],
    deadline: START + 600_000,
    clock,
    ...extra
  }
}

const deployment = (
  status: ServiceDeploymentStatus,
  extra: Partial<ServiceDeployment> = {}
): ServiceDeployment => ({
  serviceDeploymentArn: NEW,
  serviceArn: SERVICE_ARN,
  createdAt: at('10:00:01'),
  status,
  targetServiceRevision: {
    arn: REVISION_NEW,
    requestedTaskCount: 2,
    runningTaskCount: 1,
    pendingTaskCount: 1
  },
  ...extra
})

/** ListServiceDeployments lists the old deployment and the one this run started. */
function listsNew() {
  ecs.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      { serviceDeploymentArn: OLD, createdAt: at('09:59:50'), status: 'SUCCESSFUL' },
      { serviceDeploymentArn: NEW, createdAt: at('10:00:01'), status: 'PENDING' }
    ]
  })
}

const stoppedTask: Task = {
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/web/0123456789abcdef',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:8',
  createdAt: at('10:00:05'),
  stoppedAt: at('10:00:20'),
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  containers: [{ name: 'Main', exitCode: 1 }]
}
const olderTask: Task = {
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/web/fedcba9876543210',
  createdAt: at('09:00:00'),
  stoppedAt: at('09:10:00'),
  stopCode: 'ServiceSchedulerInitiated',
  stoppedReason: 'Scaling activity initiated by deployment'
}

/** The service's events and stopped tasks, one of each from before this deployment. */
function failureContext() {
  ecs.on(DescribeServicesCommand, { cluster: 'web', services: [SERVICE_ARN] }).resolves({
    services: [
      {
        serviceArn: SERVICE_ARN,
        events: [
          { createdAt: at('10:00:40'), message: '(service shop) rolling back to deployment old1.' },
          { createdAt: at('10:00:30'), message: '(service shop) deployment failed: tasks failed to start.' },
          { createdAt: at('09:00:00'), message: '(service shop) has reached a steady state.' }
        ]
      }
    ]
  })
  ecs
    .on(ListTasksCommand, { cluster: 'web', serviceName: 'shop', desiredStatus: 'STOPPED', maxResults: 100 })
    .resolves({ taskArns: [olderTask.taskArn!, stoppedTask.taskArn!] })
  ecs
    .on(DescribeTasksCommand, { cluster: 'web', tasks: [olderTask.taskArn!, stoppedTask.taskArn!] })
    .resolves({ tasks: [olderTask, stoppedTask] })
}

async function failure(promise: Promise<unknown>): Promise<ServiceDeploymentFailedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ServiceDeploymentFailedError)
  return error as ServiceDeploymentFailedError
}

beforeEach(() => ecs.reset())

describe('deploymentOutcome', () => {
  test.each<[ServiceDeploymentStatus | undefined, boolean, string]>([
    ['PENDING', true, 'waiting'],
    ['IN_PROGRESS', true, 'waiting'],
    ['SUCCESSFUL', true, 'success'],
    ['STOPPED', true, 'failure'],
    ['STOP_REQUESTED', true, 'waiting'],
    ['STOP_REQUESTED', false, 'failure'],
    ['ROLLBACK_REQUESTED', true, 'waiting'],
    ['ROLLBACK_IN_PROGRESS', true, 'waiting'],
    ['ROLLBACK_IN_PROGRESS', false, 'failure'],
    ['ROLLBACK_SUCCESSFUL', true, 'failure'],
    ['ROLLBACK_FAILED', false, 'failure'],
    [undefined, true, 'waiting']
  ])('%s (settle rollback: %s) → %s', (status, settle, expected) => {
    expect(deploymentOutcome(status, settle)).toBe(expected)
  })
})

describe('waitForServiceDeployment', () => {
  test('finds the deployment this run started and waits until it is SUCCESSFUL', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs
      .on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [NEW] })
      .resolvesOnce({ serviceDeployments: [deployment('PENDING')] })
      .resolvesOnce({ serviceDeployments: [deployment('IN_PROGRESS')] })
      .resolves({ serviceDeployments: [deployment('SUCCESSFUL')] })
    const seen: string[] = []
    const result = await waitForServiceDeployment(
      client,
      options(clock, { onPoll: (d) => void seen.push(d.status!) })
    )
    expect(result).toEqual({ deploymentArn: NEW, deployment: deployment('SUCCESSFUL') })
    expect(seen).toEqual(['PENDING', 'IN_PROGRESS', 'SUCCESSFUL'])
    expect(clock.sleeps).toEqual([1000, 1100])
    // Listed once, with a creation-time filter that allows for a runner clock a minute ahead of AWS's.
    expect(ecs.commandCalls(ListServiceDeploymentsCommand).map((call) => call.args[0].input)).toEqual([
      { service: SERVICE_ARN, cluster: 'web', createdAt: { after: at('09:59:00') }, maxResults: 100 }
    ])
  })

  test('keeps listing until the new deployment shows up, and takes the newest one not known before', async () => {
    const clock = new FakeClock(START)
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolvesOnce({ serviceDeployments: [{ serviceDeploymentArn: OLD, createdAt: at('09:59:50') }] })
      .resolves({
        serviceDeployments: [
          { serviceDeploymentArn: OLD, createdAt: at('09:59:50') },
          { serviceDeploymentArn: OTHER, createdAt: at('10:00:00') },
          { serviceDeploymentArn: NEW, createdAt: at('10:00:01') }
        ]
      })
    ecs
      .on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [NEW] })
      .resolves({ serviceDeployments: [deployment('SUCCESSFUL')] })
    expect((await waitForServiceDeployment(client, options(clock))).deploymentArn).toBe(NEW)
    expect(ecs.commandCalls(ListServiceDeploymentsCommand)).toHaveLength(2)
    expect(clock.sleeps).toEqual([1000])
  })

  test('a deployment listed but not yet describable is polled again', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolvesOnce({ serviceDeployments: [], failures: [{ arn: NEW, reason: 'MISSING' }] })
      .resolves({ serviceDeployments: [deployment('SUCCESSFUL')] })
    expect((await waitForServiceDeployment(client, options(clock))).deployment.status).toBe('SUCCESSFUL')
    expect(clock.sleeps).toEqual([1000])
  })

  test('a rollback fails with the reason, says the previous revision still serves, with events and stopped tasks', async () => {
    const clock = new FakeClock(START)
    listsNew()
    const rolledBack = deployment('ROLLBACK_SUCCESSFUL', {
      statusReason: 'ECS deployment circuit breaker: tasks failed to start.',
      rollback: {
        reason: 'Circuit breaker triggered',
        serviceRevisionArn: REVISION_OLD,
        startedAt: at('10:00:35')
      },
      deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 }
    })
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolvesOnce({ serviceDeployments: [deployment('IN_PROGRESS')] })
      .resolvesOnce({ serviceDeployments: [deployment('ROLLBACK_IN_PROGRESS')] })
      .resolves({ serviceDeployments: [rolledBack] })
    failureContext()
    const error = await failure(
      waitForServiceDeployment(
        client,
        options(clock, {
          hintContext: { assignPublicIp: true, hasExecutionRole: true, logGroup: '/ecs/shop' }
        })
      )
    )
    expect(error.message).toBe(
      'Service deployment new2 ended ROLLBACK_SUCCESSFUL: ECS deployment circuit breaker: tasks failed to start.\n' +
        'ECS rolled back: the previous revision (revision 111) still serves.'
    )
    expect(error.previousRevisionServes).toBe(true)
    expect(error.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(error.details).toBe(
      [
        'Rollback reason: Circuit breaker triggered',
        'Circuit breaker triggered: 3 failed tasks (threshold 3)',
        'Recent service events:',
        '  2026-03-01T10:00:40.000Z (service shop) rolling back to deployment old1.',
        '  2026-03-01T10:00:30.000Z (service shop) deployment failed: tasks failed to start.',
        'Stopped tasks:',
        'Task 0123456789abcdef (shop:8) stopped: EssentialContainerExited: Essential container in task exited',
        '  container Main: exit code 1'
      ].join('\n')
    )
    expect(error.hint).toBe(
      'The essential container exited (exit code Main: 1): look at its log lines in /ecs/shop for the cause.'
    )
    expect(error.stoppedTasks).toEqual([stoppedTask])
    expect(error.events).toHaveLength(2)
    expect(clock.sleeps).toEqual([1000, 1100])
  })

  test('without settling, the first rollback status fails at once, not knowing yet what serves', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        deployment('ROLLBACK_IN_PROGRESS', { rollback: { serviceRevisionArn: REVISION_OLD } })
      ]
    })
    failureContext()
    const error = await failure(waitForServiceDeployment(client, options(clock, { settleRollback: false })))
    expect(error.message).toBe(
      'Service deployment new2 ended ROLLBACK_IN_PROGRESS\nECS is rolling back to the previous revision (revision 111).'
    )
    expect(error.previousRevisionServes).toBe(false)
    expect(clock.sleeps).toEqual([])
  })

  test('a failed rollback says the service may not be serving', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [deployment('ROLLBACK_FAILED', { statusReason: 'rollback failed' })] })
    failureContext()
    const error = await failure(waitForServiceDeployment(client, options(clock)))
    expect(error.message).toBe(
      'Service deployment new2 ended ROLLBACK_FAILED: rollback failed\n' +
        'The rollback failed too: the service may not be serving; look at its events below.'
    )
    expect(error.previousRevisionServes).toBe(false)
  })

  test('a STOPPED deployment fails with its reason', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [deployment('STOPPED', { statusReason: 'Stopped by a newer deployment' })]
    })
    failureContext()
    const error = await failure(waitForServiceDeployment(client, options(clock)))
    expect(error.message).toBe(
      'Service deployment new2 ended STOPPED: Stopped by a newer deployment\n' +
        'The deployment was stopped before it completed.'
    )
    expect(error.hint).toBeUndefined()
  })

  test('events and tasks that cannot be read are said, without hiding the failure', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment('STOPPED')] })
    ecs
      .on(DescribeServicesCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized: ecs:DescribeServices'))
    ecs.on(ListTasksCommand).rejects(awsError('AccessDeniedException', 'not authorized: ecs:ListTasks'))
    const error = await failure(waitForServiceDeployment(client, options(clock)))
    expect(error.details).toBe(
      [
        "(The service's events could not be read: not authorized: ecs:DescribeServices)",
        '(The stopped tasks could not be read: not authorized: ecs:ListTasks)'
      ].join('\n')
    )
  })

  test('throttled polls slow down instead of failing', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ serviceDeployments: [deployment('SUCCESSFUL')] })
    await waitForServiceDeployment(client, options(clock))
    expect(clock.sleeps).toEqual([2000, 4000])
  })

  test('an error that is not throttling fails the wait', async () => {
    listsNew()
    ecs.on(DescribeServiceDeploymentsCommand).rejects(awsError('AccessDeniedException', 'not authorized'))
    await expect(waitForServiceDeployment(client, options(new FakeClock(START)))).rejects.toThrow(
      'not authorized'
    )
  })

  test('times out with the last status and the task counts, as a WaitTimeoutError', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment('IN_PROGRESS')] })
    const error = await waitForServiceDeployment(client, options(clock, { deadline: START + 3_000 })).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ServiceDeploymentTimeoutError)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect((error as Error).message).toBe(
      'Timed out waiting for service deployment new2 to be SUCCESSFUL (last status IN_PROGRESS)'
    )
    expect((error as WaitTimeoutError).details).toBe('target revision 222: 1 of 2 tasks running, 1 pending')
    expect(clock.now()).toBe(START + 3_000)
  })

  test('times out when no new deployment ever shows up', async () => {
    const clock = new FakeClock(START)
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: OLD }] })
    const error = await waitForServiceDeployment(client, options(clock, { deadline: START + 2_000 })).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ServiceDeploymentTimeoutError)
    expect((error as Error).message).toBe(
      'Timed out waiting for the deployment of service shop to appear in ListServiceDeployments'
    )
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(0)
  })

  test('the deadline during a rollback fails as a rollback, not as a timeout', async () => {
    const clock = new FakeClock(START)
    listsNew()
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [deployment('ROLLBACK_IN_PROGRESS')] })
    failureContext()
    const error = await failure(waitForServiceDeployment(client, options(clock, { deadline: START + 2_000 })))
    expect(error.status).toBe('ROLLBACK_IN_PROGRESS')
    expect(error.previousRevisionServes).toBe(false)
  })
})

describe('waitForServiceDeployment for a standard service', () => {
  test('a deployment named by the update is polled at once, without listing', async () => {
    const clock = new FakeClock(START)
    ecs
      .on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [NEW] })
      .resolvesOnce({ serviceDeployments: [deployment('IN_PROGRESS')] })
      .resolves({ serviceDeployments: [deployment('SUCCESSFUL')] })
    const result = await waitForServiceDeployment(client, options(clock, { deploymentArn: NEW }))
    expect(result.deploymentArn).toBe(NEW)
    expect(ecs.commandCalls(ListServiceDeploymentsCommand)).toHaveLength(0)
    expect(clock.sleeps).toEqual([1000])
  })

  test('a failure shows the last log lines of the newest stopped tasks under each', async () => {
    const clock = new FakeClock(START)
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        deployment('ROLLBACK_SUCCESSFUL', {
          rollback: { reason: 'Circuit breaker triggered', serviceRevisionArn: REVISION_OLD },
          deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 2, threshold: 2 }
        })
      ]
    })
    failureContext()
    const asked: string[] = []
    const error = await failure(
      waitForServiceDeployment(
        client,
        options(clock, {
          deploymentArn: NEW,
          lastLogLines: async (task) => {
            asked.push(task.taskArn!)
            return task.taskArn === stoppedTask.taskArn ? ['Error: DATABASE_URL is not set', 'exiting'] : []
          }
        })
      )
    )
    expect(error.details).toBe(
      [
        'Rollback reason: Circuit breaker triggered',
        'Circuit breaker triggered: 2 failed tasks (threshold 2)',
        'Recent service events:',
        '  2026-03-01T10:00:40.000Z (service shop) rolling back to deployment old1.',
        '  2026-03-01T10:00:30.000Z (service shop) deployment failed: tasks failed to start.',
        'Stopped tasks:',
        'Task 0123456789abcdef (shop:8) stopped: EssentialContainerExited: Essential container in task exited',
        '  container Main: exit code 1',
        '  last log lines:',
        '    Error: DATABASE_URL is not set',
        '    exiting'
      ].join('\n')
    )
    expect(asked).toEqual([stoppedTask.taskArn])
  })

  test('log lines that cannot be read leave the failure as it is', async () => {
    const clock = new FakeClock(START)
    ecs.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment('STOPPED')] })
    failureContext()
    const error = await failure(
      waitForServiceDeployment(
        client,
        options(clock, { deploymentArn: NEW, lastLogLines: () => Promise.reject(new Error('denied')) })
      )
    )
    expect(error.details).toContain('  container Main: exit code 1')
    expect(error.details).not.toContain('last log lines')
  })

  test('an alarm that fired is named', async () => {
    const clock = new FakeClock(START)
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        deployment('ROLLBACK_SUCCESSFUL', {
          alarms: { status: 'TRIGGERED', alarmNames: ['high-5xx', 'p99'], triggeredAlarmNames: ['high-5xx'] }
        })
      ]
    })
    failureContext()
    const error = await failure(waitForServiceDeployment(client, options(clock, { deploymentArn: NEW })))
    expect(error.details!.split('\n')[0]).toBe('Alarms triggered: high-5xx')
  })

  test('a timeout while paused at a lifecycle hook says how to continue', async () => {
    const clock = new FakeClock(START)
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        deployment('IN_PROGRESS', {
          lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
          lifecycleHookDetails: [{ hookId: 'hook-7', targetType: 'PAUSE', status: 'AWAITING_ACTION' }]
        })
      ]
    })
    const error = await waitForServiceDeployment(
      client,
      options(clock, { deploymentArn: NEW, deadline: START + 2_000 })
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServiceDeploymentTimeoutError)
    expect((error as WaitTimeoutError).details).toBe(
      'target revision 222: 1 of 2 tasks running, 1 pending\n' +
        'The deployment is paused at stage POST_TEST_TRAFFIC_SHIFT by lifecycle hook hook-7. Continue it with: ' +
        `aws ecs continue-service-deployment --service-deployment-arn ${NEW} --hook-id hook-7 --action CONTINUE ` +
        '(or --action ROLLBACK to roll it back).'
    )
  })
})
