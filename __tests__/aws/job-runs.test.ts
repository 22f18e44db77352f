// A scheduled job's recent runs on a mocked ECS: found by family and the job's task group, newest first; each
// run's outcome, exit code, stop reason and log page, and the line the step prints.
import { DescribeTasksCommand, ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import {
  describeRun,
  findRecentRuns,
  formatDuration,
  runReport,
  type LogSettings
} from '../../src/aws/job-runs.js'

const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs'
const GROUP = 'schedule:efd-job-nightly-etl-5f8f671e'
const mock = mockClient(ECSClient)
const ecs = new ECSClient({ region: 'us-east-1' })
const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/jobs/${id}`
const LOGS: LogSettings = {
  region: 'us-east-1',
  logGroup: '/ecs/nightly-etl',
  prefix: 'ecs',
  containerName: 'app'
}
const LOG_URL = (id: string) =>
  'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/' +
  `$252Fecs$252Fnightly-etl/log-events/ecs$252Fapp$252F${id}`

const task = (id: string, change: Partial<Task>): Task => ({
  taskArn: arn(id),
  group: GROUP,
  lastStatus: 'STOPPED',
  createdAt: new Date('2026-12-06T03:00:00Z'),
  ...change
})

beforeEach(() => mock.reset())

test("the job's runs: running and stopped tasks of the family, only the job's group, newest first, at most the limit", async () => {
  mock
    .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
    .resolves({ taskArns: [arn('t4')] })
    .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
    .resolves({ taskArns: [arn('t1'), arn('t2'), arn('t3')] })
  mock.on(DescribeTasksCommand).resolves({
    tasks: [
      task('t4', { lastStatus: 'RUNNING', startedAt: new Date('2026-12-06T05:00:05Z') }),
      task('t1', { startedAt: new Date('2026-12-06T03:00:05Z') }),
      // run-now, or the action's own task: the family's default group.
      task('t2', { group: 'family:nightly-etl', startedAt: new Date('2026-12-06T04:30:00Z') }),
      task('t3', { startedAt: new Date('2026-12-06T04:00:05Z') })
    ]
  })
  const runs = await findRecentRuns(ecs, { cluster: CLUSTER, family: 'nightly-etl', limit: 2 })
  expect(runs.map((run) => run.taskArn)).toEqual([arn('t4'), arn('t3')])
  expect(mock.commandCalls(ListTasksCommand).map((call) => call.args[0].input)).toEqual([
    { cluster: CLUSTER, family: 'nightly-etl', desiredStatus: 'RUNNING', maxResults: 100 },
    { cluster: CLUSTER, family: 'nightly-etl', desiredStatus: 'STOPPED', maxResults: 100 }
  ])
  expect(mock.commandCalls(DescribeTasksCommand)[0]!.args[0].input).toEqual({
    cluster: CLUSTER,
    tasks: [arn('t4'), arn('t1'), arn('t2'), arn('t3')]
  })
})

test('no task listed: no DescribeTasks, no runs', async () => {
  mock.on(ListTasksCommand).resolves({ taskArns: [] })
  expect(await findRecentRuns(ecs, { cluster: CLUSTER, family: 'nightly-etl' })).toEqual([])
  expect(mock.commandCalls(DescribeTasksCommand)).toHaveLength(0)
})

test('more than 100 tasks: described 100 at a time', async () => {
  const arns = Array.from({ length: 150 }, (_, i) => arn(`t${i}`))
  mock
    .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
    .resolves({ taskArns: [] })
    .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
    .resolves({ taskArns: arns })
  mock.on(DescribeTasksCommand).resolves({ tasks: [] })
  await findRecentRuns(ecs, { cluster: CLUSTER, family: 'nightly-etl' })
  expect(mock.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input.tasks!.length)).toEqual([
    100, 50
  ])
})

const started = new Date('2026-12-06T03:00:05Z')
const stopped = new Date('2026-12-06T03:02:19Z')
test.each<[string, Partial<Task>, string]>([
  [
    'succeeded',
    {
      startedAt: started,
      stoppedAt: stopped,
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'app', exitCode: 0 }]
    },
    `2026-12-06 03:00:05 UTC: succeeded (exit code 0), ran 2m 14s: Essential container in task exited. Logs: ${LOG_URL('t1')}`
  ],
  [
    'failed: the app container exit code, not the timer',
    {
      startedAt: started,
      stoppedAt: stopped,
      stoppedReason: 'Essential container in task exited',
      containers: [
        { name: 'ecs-fargate-deploy-ttl', exitCode: 0 },
        { name: 'app', exitCode: 3 }
      ]
    },
    `2026-12-06 03:00:05 UTC: failed (exit code 3), ran 2m 14s: Essential container in task exited. Logs: ${LOG_URL('t1')}`
  ],
  [
    'failed to start',
    {
      stoppedAt: stopped,
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      containers: [{ name: 'app' }]
    },
    `2026-12-06 03:00:00 UTC: failed to start: CannotPullContainerError: pull image manifest has been retried 5 time(s). Logs: ${LOG_URL('t1')}`
  ],
  [
    'running',
    { lastStatus: 'RUNNING', startedAt: started, containers: [{ name: 'app' }] },
    `2026-12-06 03:00:05 UTC: running. Logs: ${LOG_URL('t1')}`
  ]
])('%s', (_, change, line) => {
  expect(describeRun(runReport(task('t1', change), LOGS))).toBe(line)
})

test('the report of a run', () => {
  expect(
    runReport(
      task('t1', {
        startedAt: started,
        stoppedAt: stopped,
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'app', exitCode: 1 }]
      }),
      LOGS
    )
  ).toEqual({
    taskArn: arn('t1'),
    outcome: 'failed',
    createdAt: new Date('2026-12-06T03:00:00Z'),
    startedAt: started,
    stoppedAt: stopped,
    exitCode: 1,
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    logStream: { logGroup: '/ecs/nightly-etl', logStream: 'ecs/app/t1' },
    logUrl: LOG_URL('t1')
  })
})

test.each([
  [0, '0s'],
  [59.6, '1m 0s'],
  [134, '2m 14s'],
  [3725, '1h 2m 5s'],
  [7200, '2h 0m 0s']
])('%s s reads %s', (seconds, text) => {
  expect(formatDuration(seconds)).toBe(text)
})
