import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { STOP_REASON, familyOf, stopTasks } from '../../src/modes/stop.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })
const arn = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:task/c/${id.padEnd(32, '0')}`
const TD = (family: string): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:3`
const A = arn('a')
const B = arn('b')

function options(taskArns: string[], family = ''): Parameters<typeof stopTasks>[1] & { lines: string[] } {
  const clock = new FakeClock()
  const lines: string[] = []
  return {
    cluster: 'c',
    taskArns,
    family,
    startedBy: 'ecs-fargate-deploy',
    deadline: clock.now() + 60_000,
    clock,
    log: (line) => lines.push(line),
    lines
  }
}

beforeEach(() => ecs.reset())

test('stops the tasks named and waits until they are STOPPED', async () => {
  ecs
    .on(DescribeTasksCommand)
    .resolvesOnce({ tasks: [{ taskArn: A, lastStatus: 'RUNNING' }] })
    .resolvesOnce({ tasks: [{ taskArn: A, lastStatus: 'DEACTIVATING' }] })
    .resolves({ tasks: [{ taskArn: A, lastStatus: 'STOPPED' }] })
  ecs.on(StopTaskCommand).resolves({})
  expect(await stopTasks(client, options([A]))).toEqual({ stopped: [A], alreadyStopped: [], missing: [] })
  expect(ecs.commandCalls(StopTaskCommand)[0]!.args[0].input).toEqual({
    cluster: 'c',
    task: A,
    reason: STOP_REASON
  })
  expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(3)
})

test('is idempotent: tasks already stopped or gone are reported, not stopped again', async () => {
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [{ taskArn: A, lastStatus: 'STOPPED' }],
    failures: [{ arn: B, reason: 'MISSING' }]
  })
  const opts = options([A, B])
  expect(await stopTasks(client, opts)).toEqual({ stopped: [A], alreadyStopped: [A], missing: [B] })
  expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0)
  expect(opts.lines).toEqual([`${A} was already stopped`, `${B} is not known to ECS in c (already gone)`])
})

test('accepts task IDs as well as ARNs', async () => {
  const id = A.slice(A.lastIndexOf('/') + 1)
  ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: A, lastStatus: 'STOPPED' }] })
  expect(await stopTasks(client, options([id]))).toMatchObject({ stopped: [A], missing: [] })
})

test('without task ARNs, finds running tasks by startedBy and keeps the family asked for', async () => {
  ecs.on(ListTasksCommand).resolves({ taskArns: [A, B] })
  ecs
    .on(DescribeTasksCommand)
    .resolvesOnce({
      tasks: [
        { taskArn: A, lastStatus: 'RUNNING', taskDefinitionArn: TD('web') },
        { taskArn: B, lastStatus: 'RUNNING', taskDefinitionArn: TD('other') }
      ]
    })
    .resolvesOnce({ tasks: [{ taskArn: A, lastStatus: 'RUNNING', taskDefinitionArn: TD('web') }] })
    .resolves({ tasks: [{ taskArn: A, lastStatus: 'STOPPED' }] })
  ecs.on(StopTaskCommand).resolves({})
  expect(await stopTasks(client, options([], 'web'))).toMatchObject({ stopped: [A] })
  expect(ecs.commandCalls(ListTasksCommand)[0]!.args[0].input).toEqual({
    cluster: 'c',
    startedBy: 'ecs-fargate-deploy',
    desiredStatus: 'RUNNING'
  })
  expect(ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input.task)).toEqual([A])
})

test('with nothing running, stops nothing and says so', async () => {
  ecs.on(ListTasksCommand).resolves({ taskArns: [] })
  const opts = options([], 'web')
  expect(await stopTasks(client, opts)).toEqual({ stopped: [], alreadyStopped: [], missing: [] })
  expect(opts.lines).toEqual(["No running task of web started by 'ecs-fargate-deploy' in c"])
})

test('a cluster that no longer exists means nothing to stop', async () => {
  ecs
    .on(DescribeTasksCommand)
    .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }))
  expect(await stopTasks(client, options([A]))).toEqual({ stopped: [], alreadyStopped: [], missing: [A] })
})

test.each([
  ['arn:aws:ecs:us-east-1:123456789012:task-definition/web:12', 'web'],
  ['arn:aws:ecs:us-east-1:123456789012:task-definition/my_app-2:1', 'my_app-2'],
  [undefined, undefined]
])('familyOf(%s) = %s', (taskDefinitionArn, family) => {
  expect(familyOf({ taskDefinitionArn })).toBe(family)
})
