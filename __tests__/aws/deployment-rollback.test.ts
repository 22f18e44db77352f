import {
  DescribeServiceDeploymentsCommand,
  ECSClient,
  StopServiceDeploymentCommand,
  type ServiceDeploymentStatus
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { isSettled, stopDeploymentWithRollback, waitUntilSettled } from '../../src/aws/deployment-rollback.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })
const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/web/shop/new2'
const START = 1_000_000

const awsError = (name: string, message = `${name} message`) => Object.assign(new Error(message), { name })
const at = (status: ServiceDeploymentStatus) => ({
  serviceDeployments: [{ serviceDeploymentArn: ARN, status }]
})

beforeEach(() => ecs.reset())

describe('stopDeploymentWithRollback', () => {
  test('asks ECS to stop the deployment with a rollback', async () => {
    ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: ARN })
    expect(await stopDeploymentWithRollback(client, ARN)).toEqual({ stopped: true })
    expect(ecs.commandCalls(StopServiceDeploymentCommand)[0]!.args[0].input).toEqual({
      serviceDeploymentArn: ARN,
      stopType: 'ROLLBACK'
    })
  })

  test.each([
    ['ConflictException', 'conflict'],
    ['ServiceDeploymentNotFoundException', 'not-found']
  ])('%s: nothing to stop (%s), not an error', async (name, reason) => {
    ecs.on(StopServiceDeploymentCommand).rejects(awsError(name, 'already finished'))
    expect(await stopDeploymentWithRollback(client, ARN)).toEqual({
      stopped: false,
      reason,
      message: 'already finished'
    })
  })

  test('other errors are thrown', async () => {
    ecs.on(StopServiceDeploymentCommand).rejects(awsError('AccessDeniedException', 'not authorized'))
    await expect(stopDeploymentWithRollback(client, ARN)).rejects.toThrow('not authorized')
  })
})

describe('isSettled', () => {
  test.each<[ServiceDeploymentStatus | undefined, boolean]>([
    ['PENDING', false],
    ['IN_PROGRESS', false],
    ['STOP_REQUESTED', false],
    ['ROLLBACK_REQUESTED', false],
    ['ROLLBACK_IN_PROGRESS', false],
    ['ROLLBACK_SUCCESSFUL', true],
    ['ROLLBACK_FAILED', true],
    ['STOPPED', true],
    ['SUCCESSFUL', true],
    [undefined, false]
  ])('%s → %s', (status, settled) => {
    expect(isSettled({ status })).toBe(settled)
  })
})

describe('waitUntilSettled', () => {
  test('polls until the rollback has ended', async () => {
    const clock = new FakeClock(START)
    ecs
      .on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [ARN] })
      .resolvesOnce(at('ROLLBACK_REQUESTED'))
      .resolvesOnce(at('ROLLBACK_IN_PROGRESS'))
      .resolves(at('ROLLBACK_SUCCESSFUL'))
    const seen: string[] = []
    const last = await waitUntilSettled(client, ARN, {
      deadline: START + 60_000,
      clock,
      onPoll: (deployment) => void seen.push(deployment.status!)
    })
    expect(last?.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(seen).toEqual(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL'])
    expect(clock.sleeps).toEqual([1000, 1100])
  })

  test('at the deadline: the last answer, unsettled', async () => {
    const clock = new FakeClock(START)
    ecs.on(DescribeServiceDeploymentsCommand).resolves(at('ROLLBACK_IN_PROGRESS'))
    const last = await waitUntilSettled(client, ARN, { deadline: START + 1_500, clock })
    expect(last?.status).toBe('ROLLBACK_IN_PROGRESS')
    expect(clock.now()).toBe(START + 1_500)
  })

  test('throttling slows the polls down', async () => {
    const clock = new FakeClock(START)
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves(at('ROLLBACK_SUCCESSFUL'))
    expect((await waitUntilSettled(client, ARN, { deadline: START + 60_000, clock }))?.status).toBe(
      'ROLLBACK_SUCCESSFUL'
    )
    expect(clock.sleeps).toEqual([2000])
  })
})
