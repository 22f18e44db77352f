// The AWS side of a preview: the earlier commit's tasks replaced (not those just started, not another family's),
// and every task of the preview stopped when its pull request closes.
import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { closedReason, replacedReason, stopEarlierTasks, stopPreview } from '../../src/modes/preview.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })
const arn = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:task/c/${id.padEnd(32, '0')}`
const TD = (family: string): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:3`
const OLD = arn('a')
const NEW = arn('b')
const OTHER = arn('c')

beforeEach(() => ecs.reset())

const base = () => {
  const clock = new FakeClock()
  return {
    cluster: 'c',
    family: 'web-pr-12',
    startedBy: 'ecs-fargate-deploy',
    deadline: clock.now() + 60_000,
    clock,
    log: () => undefined
  }
}

test.each([
  [
    replacedReason(12, 'bbbbbbb2222222'),
    'Replaced by the preview of bbbbbbb (pull request #12), ecs-fargate-deploy'
  ],
  [closedReason(12), 'Pull request #12 closed: preview stopped by ecs-fargate-deploy']
])('the StopTask reason %s', (reason, text) => {
  expect(reason).toBe(text)
})

test("a new preview stops the earlier one of its family, not the tasks just started, not another family's", async () => {
  ecs.on(ListTasksCommand).resolves({ taskArns: [OLD, NEW, OTHER] })
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: [
      { taskArn: OLD, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') },
      { taskArn: NEW, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') },
      { taskArn: OTHER, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-13') }
    ].filter((task) => input.tasks.includes(task.taskArn))
  }))
  ecs.on(StopTaskCommand).resolves({})
  const stopped = await stopEarlierTasks(client, { ...base(), keep: [NEW], reason: 'replaced' })
  expect(stopped).toEqual([OLD])
  expect(ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input)).toEqual([
    { cluster: 'c', task: OLD, reason: 'replaced' }
  ])
  expect(ecs.commandCalls(ListTasksCommand)[0]!.args[0].input).toEqual({
    cluster: 'c',
    startedBy: 'ecs-fargate-deploy',
    desiredStatus: 'RUNNING'
  })
})

test('the first preview of a pull request stops nothing', async () => {
  ecs.on(ListTasksCommand).resolves({ taskArns: [NEW] })
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [{ taskArn: NEW, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') }]
  })
  expect(await stopEarlierTasks(client, { ...base(), keep: [NEW], reason: 'replaced' })).toEqual([])
  expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0)
})

test('closed stops every task of the preview, with the reason, and waits until they are STOPPED', async () => {
  ecs.on(ListTasksCommand).resolves({ taskArns: [NEW] })
  ecs
    .on(DescribeTasksCommand)
    .resolvesOnce({ tasks: [{ taskArn: NEW, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') }] })
    .resolvesOnce({ tasks: [{ taskArn: NEW, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') }] })
    .resolves({ tasks: [{ taskArn: NEW, lastStatus: 'STOPPED', taskDefinitionArn: TD('web-pr-12') }] })
  ecs.on(StopTaskCommand).resolves({})
  expect(await stopPreview(client, { ...base(), pullRequest: 12 })).toEqual({
    stopped: [NEW],
    alreadyStopped: [],
    missing: []
  })
  expect(ecs.commandCalls(StopTaskCommand)[0]!.args[0].input).toEqual({
    cluster: 'c',
    task: NEW,
    reason: 'Pull request #12 closed: preview stopped by ecs-fargate-deploy'
  })
})
