// A scheduled job's schedule on a mocked EventBridge Scheduler: the request (a recurring ECS RunTask target
// run as the action's tasks run), made or moved, the retries while a new role cannot be assumed yet, and the
// delete.
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException
} from '@aws-sdk/client-scheduler'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import {
  buildJobScheduleInput,
  deleteJobSchedule,
  ensureJobSchedule,
  getJobSchedule,
  type JobScheduleSpec
} from '../../src/aws/job-schedule.js'

const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs'
const NAME = 'efd-job-nightly-etl-5f8f671e'
const ARN = `arn:aws:scheduler:us-east-1:123456789012:schedule/default/${NAME}`
const REVISION_7 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/nightly-etl:7'
const REVISION_6 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/nightly-etl:6'
const ROLE_ARN = `arn:aws:iam::123456789012:role/${NAME}`
const mock = mockClient(SchedulerClient)
const scheduler = new SchedulerClient({ region: 'us-east-1' })
const spec: JobScheduleSpec = {
  clusterArn: CLUSTER_ARN,
  family: 'nightly-etl',
  taskDefinitionArn: REVISION_7,
  roleArn: ROLE_ARN,
  expression: 'cron(0 3 * * ? *)',
  timezone: 'Europe/Paris',
  count: 1,
  capacity: 'fargate',
  subnets: ['subnet-a', 'subnet-b'],
  securityGroups: ['sg-1'],
  assignPublicIp: true,
  tags: [{ key: 'team', value: 'data' }],
  runUrl: 'https://github.com/o/r/actions/runs/1'
}
const message = (text: string) => ({ message: text, Message: text, $metadata: {} })
const notFound = () => new ResourceNotFoundException(message(`Schedule ${NAME} does not exist.`))
const notAssumable = () =>
  new ValidationException(
    message('The execution role you provide must allow AWS EventBridge Scheduler to assume the role.')
  )

beforeEach(() => mock.reset())

test('the request: recurring, exact, the revision on Fargate with the network, platform, tags and retries', () => {
  expect(buildJobScheduleInput(spec)).toEqual({
    Name: NAME,
    GroupName: 'default',
    ScheduleExpression: 'cron(0 3 * * ? *)',
    ScheduleExpressionTimezone: 'Europe/Paris',
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: 'ENABLED',
    Description:
      'ecs-fargate-deploy: runs nightly-etl:7 in cluster jobs on cron(0 3 * * ? *) (Europe/Paris); set by https://github.com/o/r/actions/runs/1',
    Target: {
      Arn: CLUSTER_ARN,
      RoleArn: ROLE_ARN,
      EcsParameters: {
        TaskDefinitionArn: REVISION_7,
        TaskCount: 1,
        LaunchType: 'FARGATE',
        PlatformVersion: 'LATEST',
        NetworkConfiguration: {
          awsvpcConfiguration: {
            Subnets: ['subnet-a', 'subnet-b'],
            SecurityGroups: ['sg-1'],
            AssignPublicIp: 'ENABLED'
          }
        },
        Group: `schedule:${NAME}`,
        Tags: [{ key: 'team', value: 'data' }]
      },
      RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: undefined
    }
  })
})

test.each<[string, Partial<JobScheduleSpec>, object]>([
  ['count 3', { count: 3 }, { TaskCount: 3 }],
  ['no tags: none sent', { tags: [] }, { Tags: undefined }],
  [
    'private subnets, default security group: no public IP, no groups',
    { assignPublicIp: false, securityGroups: [] },
    {
      NetworkConfiguration: {
        awsvpcConfiguration: {
          Subnets: ['subnet-a', 'subnet-b'],
          SecurityGroups: undefined,
          AssignPublicIp: 'DISABLED'
        }
      }
    }
  ]
])('%s', (_, change, expected) => {
  expect(buildJobScheduleInput({ ...spec, ...change }).Target!.EcsParameters).toMatchObject(expected)
})

test('capacity spot: the FARGATE_SPOT strategy and no launch type (RunTask takes one or the other)', () => {
  const parameters = buildJobScheduleInput({ ...spec, capacity: 'spot' }).Target!.EcsParameters!
  expect(parameters.CapacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }])
  expect(parameters).not.toHaveProperty('LaunchType')
  expect(buildJobScheduleInput(spec).Target!.EcsParameters).not.toHaveProperty('CapacityProviderStrategy')
})

test('retries, maximum event age, dead-letter queue, group and a rate in UTC as given', () => {
  const input = buildJobScheduleInput({
    ...spec,
    expression: 'rate(1 hour)',
    timezone: 'UTC',
    maximumRetryAttempts: 0,
    maximumEventAgeSeconds: 60,
    deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:job-dlq',
    group: 'jobs',
    runUrl: undefined
  })
  expect(input).toMatchObject({
    GroupName: 'jobs',
    ScheduleExpression: 'rate(1 hour)',
    ScheduleExpressionTimezone: 'UTC',
    Description: 'ecs-fargate-deploy: runs nightly-etl:7 in cluster jobs on rate(1 hour) (UTC)',
    Target: {
      RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:job-dlq' }
    }
  })
})

test('a description longer than the model allows is cut to 512 characters', () => {
  const input = buildJobScheduleInput({ ...spec, runUrl: `https://example.com/${'x'.repeat(600)}` })
  expect(input.Description).toHaveLength(512)
})

test('a repeat deploy moves the schedule: GetSchedule, then UpdateSchedule, with the revision it ran', async () => {
  mock.on(GetScheduleCommand).resolves({
    Arn: ARN,
    Name: NAME,
    Target: { Arn: CLUSTER_ARN, RoleArn: ROLE_ARN, EcsParameters: { TaskDefinitionArn: REVISION_6 } }
  })
  mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: ARN })
  expect(await ensureJobSchedule(scheduler, spec)).toEqual({
    scheduleName: NAME,
    group: 'default',
    scheduleArn: ARN,
    created: false,
    previousTaskDefinitionArn: REVISION_6
  })
  expect(mock.commandCalls(GetScheduleCommand)[0]!.args[0].input).toEqual({
    Name: NAME,
    GroupName: 'default'
  })
  expect(mock.commandCalls(UpdateScheduleCommand)[0]!.args[0].input).toEqual(buildJobScheduleInput(spec))
  expect(mock.commandCalls(CreateScheduleCommand)).toHaveLength(0)
})

test('the first deploy makes it: GetSchedule finds none, CreateSchedule', async () => {
  mock.on(GetScheduleCommand).rejects(notFound())
  mock.on(CreateScheduleCommand).resolves({ ScheduleArn: ARN })
  expect(await ensureJobSchedule(scheduler, spec)).toEqual({
    scheduleName: NAME,
    group: 'default',
    scheduleArn: ARN,
    created: true,
    previousTaskDefinitionArn: undefined
  })
  expect(mock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual(buildJobScheduleInput(spec))
  expect(mock.commandCalls(UpdateScheduleCommand)).toHaveLength(0)
})

test('a concurrent run made it between the two calls: updated instead', async () => {
  mock.on(GetScheduleCommand).rejects(notFound())
  mock.on(CreateScheduleCommand).rejects(new ConflictException(message('exists')))
  mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: ARN })
  expect(await ensureJobSchedule(scheduler, spec)).toMatchObject({ created: false, scheduleArn: ARN })
  expect(mock.commandCalls(UpdateScheduleCommand)).toHaveLength(1)
})

test('a role made moments ago: retried while EventBridge Scheduler cannot assume it, 2 then 4 s apart', async () => {
  mock.on(GetScheduleCommand).rejects(notFound())
  mock
    .on(CreateScheduleCommand)
    .rejectsOnce(notAssumable())
    .rejectsOnce(notAssumable())
    .resolves({ ScheduleArn: ARN })
  const clock = new FakeClock()
  expect((await ensureJobSchedule(scheduler, spec, { clock, newRole: true })).created).toBe(true)
  expect(clock.sleeps).toEqual([2000, 4000])
})

test('an old role that cannot be assumed fails at once, with the error', async () => {
  mock.on(GetScheduleCommand).rejects(notFound())
  mock.on(CreateScheduleCommand).rejects(notAssumable())
  const clock = new FakeClock()
  await expect(ensureJobSchedule(scheduler, spec, { clock })).rejects.toThrow(/assume the role/)
  expect(clock.sleeps).toEqual([])
})

test('getJobSchedule: other errors than not found are thrown', async () => {
  mock.on(GetScheduleCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
  await expect(getJobSchedule(scheduler, NAME)).rejects.toThrow('denied')
})

test('deleteJobSchedule: true when deleted, false when already gone', async () => {
  mock.on(DeleteScheduleCommand).resolvesOnce({}).rejects(notFound())
  expect(await deleteJobSchedule(scheduler, { cluster: CLUSTER_ARN, family: 'nightly-etl' })).toBe(true)
  expect(await deleteJobSchedule(scheduler, { cluster: 'jobs', family: 'nightly-etl' })).toBe(false)
  expect(mock.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input)).toEqual([
    { Name: NAME, GroupName: 'default' },
    { Name: NAME, GroupName: 'default' }
  ])
})

test('deleteJobSchedule: other errors are thrown', async () => {
  mock
    .on(DeleteScheduleCommand)
    .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
  await expect(deleteJobSchedule(scheduler, { cluster: 'jobs', family: 'nightly-etl' })).rejects.toThrow(
    'denied'
  )
})
