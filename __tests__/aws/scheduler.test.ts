// The ttl's schedule on a mocked EventBridge Scheduler: the request, moved or made, the retries while a new
// role cannot be assumed yet, and the delete.
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException
} from '@aws-sdk/client-scheduler'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import {
  buildScheduleInput,
  deleteServiceExpiry,
  scheduleServiceExpiry,
  type ExpirySpec
} from '../../src/aws/scheduler.js'
import { expiryScheduleName } from '../../src/shared/ttl-role.js'

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/web/shop-pr-3'
const ROLE_ARN = 'arn:aws:iam::123456789012:role/ecsFargateDeployTtlRole'
const NAME = expiryScheduleName(SERVICE_ARN)
const mock = mockClient(SchedulerClient)
const scheduler = new SchedulerClient({ region: 'us-east-1' })
const spec: ExpirySpec = {
  serviceArn: SERVICE_ARN,
  roleArn: ROLE_ARN,
  expiresAt: new Date('2026-12-01T15:00:00.250Z'),
  ttl: '2h',
  runUrl: 'https://github.com/o/r/actions/runs/1'
}
const notFound = () =>
  new ResourceNotFoundException({
    message: `Schedule ${NAME} does not exist.`,
    Message: `Schedule ${NAME} does not exist.`,
    $metadata: {}
  })
const notAssumable = () =>
  new ValidationException({
    message: 'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.',
    Message: 'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.',
    $metadata: {}
  })

beforeEach(() => mock.reset())

test('the request: a one-time, exact, self-deleting universal target that deletes the service', () => {
  expect(buildScheduleInput(spec)).toEqual({
    Name: NAME,
    GroupName: 'default',
    ScheduleExpression: 'at(2026-12-01T15:00:01)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    Description: `ecs-fargate-deploy: deletes ECS Express Mode service ${SERVICE_ARN} at 2026-12-01T15:00:01Z (ttl 2h); set by https://github.com/o/r/actions/runs/1`,
    Target: {
      Arn: 'arn:aws:scheduler:::aws-sdk:ecs:deleteExpressGatewayService',
      RoleArn: ROLE_ARN,
      Input: JSON.stringify({ ServiceArn: SERVICE_ARN })
    }
  })
})

test('a repeat deploy moves the schedule: one UpdateSchedule', async () => {
  mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' })
  expect(await scheduleServiceExpiry(scheduler, spec)).toEqual({
    scheduleName: NAME,
    expiresAt: spec.expiresAt,
    created: false
  })
  expect(mock.commandCalls(CreateScheduleCommand)).toHaveLength(0)
})

test('the first deploy makes it: UpdateSchedule finds none, CreateSchedule', async () => {
  mock.on(UpdateScheduleCommand).rejects(notFound())
  mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' })
  expect((await scheduleServiceExpiry(scheduler, spec)).created).toBe(true)
  expect(mock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual(buildScheduleInput(spec))
})

test('a concurrent run made it between the two calls: updated again', async () => {
  mock.on(UpdateScheduleCommand).rejectsOnce(notFound()).resolves({ ScheduleArn: 'arn' })
  mock
    .on(CreateScheduleCommand)
    .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }))
  expect((await scheduleServiceExpiry(scheduler, spec)).created).toBe(false)
  expect(mock.commandCalls(UpdateScheduleCommand)).toHaveLength(2)
})

test('a role made moments ago: retried while EventBridge Scheduler cannot assume it, 2 then 4 s apart', async () => {
  mock.on(UpdateScheduleCommand).rejects(notFound())
  mock
    .on(CreateScheduleCommand)
    .rejectsOnce(notAssumable())
    .rejectsOnce(notAssumable())
    .resolves({ ScheduleArn: 'arn' })
  const clock = new FakeClock()
  expect((await scheduleServiceExpiry(scheduler, spec, { clock, newRole: true })).created).toBe(true)
  expect(clock.sleeps).toEqual([2000, 4000])
})

test('an old role that cannot be assumed fails at once, with the error', async () => {
  mock.on(UpdateScheduleCommand).rejects(notAssumable())
  const clock = new FakeClock()
  await expect(scheduleServiceExpiry(scheduler, spec, { clock })).rejects.toThrow(/assume the role/)
  expect(clock.sleeps).toEqual([])
})

test('deleteServiceExpiry: true when deleted, false when there was none', async () => {
  mock.on(DeleteScheduleCommand).resolvesOnce({}).rejects(notFound())
  expect(await deleteServiceExpiry(scheduler, SERVICE_ARN)).toBe(true)
  expect(await deleteServiceExpiry(scheduler, SERVICE_ARN)).toBe(false)
  expect(mock.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({
    Name: NAME,
    GroupName: 'default'
  })
})

test('deleteServiceExpiry: other errors are thrown', async () => {
  mock
    .on(DeleteScheduleCommand)
    .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
  await expect(deleteServiceExpiry(scheduler, SERVICE_ARN)).rejects.toThrow('denied')
})
