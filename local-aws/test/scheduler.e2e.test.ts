// EventBridge Scheduler on a started local AWS, through the real SDK clients: a one-time schedule whose
// universal target deletes an Express service (real tasks on Docker) fires by itself as its role, deletes the
// service and then itself; a role without the permission is denied and the service stays; the SDK parses the
// errors into the right exception classes; a restricted key needs scheduler:CreateSchedule and iam:PassRole.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr'
import { CreateExpressGatewayServiceCommand, DescribeExpressGatewayServiceCommand } from '@aws-sdk/client-ecs'
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
  type CreateScheduleCommandInput
} from '@aws-sdk/client-scheduler'
import type { CallRecord, Invocation, LocalAws } from '../src/index.js'
import { clients, pushBusybox, rejects, start, TRUST_ECS_TASKS, until, type Clients } from './helpers.js'

const ACCOUNT = '123456789012'
const DELETE_TARGET = 'arn:aws:scheduler:::aws-sdk:ecs:deleteExpressGatewayService'
const trust = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]
  })

let aws: LocalAws
let c: Clients
let scheduler: SchedulerClient
let image: string
let deleterRole: string
let powerlessRole: string

const schedulerFor = (accessKeyId: string) =>
  new SchedulerClient({
    endpoint: aws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'x' }
  })

/** at(...) `ms` from now, to the second (rounded up). */
const atIn = (ms: number) =>
  `at(${new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString().slice(0, 19)})`

const ttlSchedule = (name: string, role: string, serviceArn: string): CreateScheduleCommandInput => ({
  Name: name,
  ScheduleExpression: atIn(2000),
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  Target: { Arn: DELETE_TARGET, RoleArn: role, Input: JSON.stringify({ ServiceArn: serviceArn }) }
})

async function control<T>(route: string): Promise<T> {
  const res = await fetch(`${aws.endpoint}${route}`)
  if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}`)
  return (await res.json()) as T
}

/** The last invocation of the schedule, once it is final, read through the control API. */
const finalInvocation = (name: string) =>
  until(
    async () =>
      (await control<Invocation[]>('/_local/scheduler/invocations')).find(
        (i) => i.scheduleName === name && i.final
      ),
    20000,
    `the final invocation of ${name}`
  )

async function expressService(name: string): Promise<string> {
  const out = await c.ecs.send(
    new CreateExpressGatewayServiceCommand({
      serviceName: name,
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
      infrastructureRoleArn: `arn:aws:iam::${ACCOUNT}:role/infra`,
      primaryContainer: {
        image,
        containerPort: 8080,
        command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/ping && exec httpd -f -p "$PORT" -h /www']
      },
      tags: [{ key: 'efd:ttl', value: 'managed' }]
    })
  )
  return out.service!.serviceArn!
}

const serviceStatus = async (arn: string) =>
  (await c.ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn: arn }))).service!.status!
    .statusCode

beforeAll(async () => {
  aws = await start()
  c = clients(aws)
  scheduler = schedulerFor('AKIDLOCAL')
  await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'ttl' }))
  image = await pushBusybox(c, 'ttl', 'v1')
  await c.iam.send(new CreateRoleCommand({ RoleName: 'exec', AssumeRolePolicyDocument: TRUST_ECS_TASKS }))
  await c.iam.send(
    new CreateRoleCommand({ RoleName: 'infra', AssumeRolePolicyDocument: trust('ecs.amazonaws.com') })
  )
  const trustScheduler = trust('scheduler.amazonaws.com')
  deleterRole = (
    await c.iam.send(
      new CreateRoleCommand({ RoleName: 'ttl-deleter', AssumeRolePolicyDocument: trustScheduler })
    )
  ).Role!.Arn!
  await c.iam.send(
    new PutRolePolicyCommand({
      RoleName: 'ttl-deleter',
      PolicyName: 'delete-managed-services',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'ecs:DeleteExpressGatewayService',
            Resource: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/*`,
            Condition: { StringEquals: { 'aws:ResourceTag/efd:ttl': 'managed' } }
          }
        ]
      })
    })
  )
  powerlessRole = (
    await c.iam.send(
      new CreateRoleCommand({ RoleName: 'ttl-powerless', AssumeRolePolicyDocument: trustScheduler })
    )
  ).Role!.Arn!
}, 120000)

afterAll(async () => {
  await aws?.stop()
})

describe('EventBridge Scheduler on the local AWS', () => {
  it('deletes a tagged Express service by itself at the schedule time, then deletes the schedule', async () => {
    const serviceArn = await expressService('preview')
    const input = ttlSchedule('ttl-preview', deleterRole, serviceArn)
    const due = Date.parse(`${input.ScheduleExpression!.slice(3, -1)}Z`)
    const created = await scheduler.send(new CreateScheduleCommand(input))
    expect(created.ScheduleArn).toBe(`arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/ttl-preview`)
    const got = await scheduler.send(new GetScheduleCommand({ Name: 'ttl-preview' }))
    expect([got.State, got.ActionAfterCompletion, got.Target?.RoleArn]).toEqual([
      'ENABLED',
      'DELETE',
      deleterRole
    ])
    expect(got.CreationDate).toBeInstanceOf(Date)
    expect(await serviceStatus(serviceArn)).toBe('ACTIVE')

    const invocation = await finalInvocation('ttl-preview')
    expect(invocation).toEqual(
      expect.objectContaining({ operation: 'DeleteExpressGatewayService', role: deleterRole, attempt: 1 })
    )
    expect(invocation.error).toBeUndefined()
    expect(invocation.time).toBeGreaterThanOrEqual(due)
    await until(
      async () => (['DRAINING', 'INACTIVE'].includes((await serviceStatus(serviceArn))!) ? true : undefined),
      10000,
      'the service to be deleted'
    )
    await until(
      () =>
        scheduler.send(new GetScheduleCommand({ Name: 'ttl-preview' })).then(
          () => undefined,
          (err: Error) => (err instanceof ResourceNotFoundException ? true : undefined)
        ),
      10000,
      'the schedule to be deleted'
    )
    const calls = await control<CallRecord[]>('/_local/calls')
    expect(calls.filter((call) => call.invokedBy === 'scheduler')).toEqual([
      expect.objectContaining({
        service: 'ecs',
        operation: 'DeleteExpressGatewayService',
        params: { serviceArn },
        role: deleterRole,
        schedule: created.ScheduleArn,
        attempt: 1
      })
    ])
    await until(
      async () => ((await serviceStatus(serviceArn)) === 'INACTIVE' ? true : undefined),
      30000,
      'INACTIVE'
    )
  })

  it('records a role without the permission as AccessDeniedException; the service stays', async () => {
    const serviceArn = await expressService('kept')
    await scheduler.send(new CreateScheduleCommand(ttlSchedule('ttl-kept', powerlessRole, serviceArn)))
    const invocation = await finalInvocation('ttl-kept')
    expect([invocation.error, invocation.attempt]).toEqual(['AccessDeniedException', 3])
    expect(invocation.errorMessage).toContain(`assumed-role/ttl-powerless/`)
    const denied = (await control<CallRecord[]>('/_local/calls')).filter(
      (call) => call.invokedBy === 'scheduler' && call.role === powerlessRole
    )
    expect(denied.map((call) => [call.attempt, call.error])).toEqual([
      [1, 'AccessDeniedException'],
      [2, 'AccessDeniedException'],
      [3, 'AccessDeniedException']
    ])
    expect(await serviceStatus(serviceArn)).toBe('ACTIVE')
    await rejects(scheduler.send(new GetScheduleCommand({ Name: 'ttl-kept' })), 'ResourceNotFoundException')
  })

  it('answers Conflict, NotFound and Validation errors as the SDK exception classes', async () => {
    const input = {
      ...ttlSchedule('ttl-errors', deleterRole, 'arn:aws:ecs:x'),
      ScheduleExpression: 'at(2099-01-01T00:00:00)'
    }
    await scheduler.send(new CreateScheduleCommand(input))
    const conflict = await rejects(scheduler.send(new CreateScheduleCommand(input)), 'ConflictException')
    expect(conflict).toBeInstanceOf(ConflictException)
    expect(conflict.$metadata.httpStatusCode).toBe(409)
    for (const call of [
      scheduler.send(new GetScheduleCommand({ Name: 'missing' })),
      scheduler.send(new UpdateScheduleCommand({ ...input, Name: 'missing' })),
      scheduler.send(new DeleteScheduleCommand({ Name: 'missing' }))
    ]) {
      const err = await rejects(call, 'ResourceNotFoundException')
      expect(err).toBeInstanceOf(ResourceNotFoundException)
      expect([err.$metadata.httpStatusCode, err.message]).toEqual([404, 'Schedule missing does not exist.'])
    }
    const badRole = await rejects(
      scheduler.send(
        new CreateScheduleCommand({
          ...input,
          Name: 'ttl-bad-role',
          Target: { ...input.Target!, RoleArn: `arn:aws:iam::${ACCOUNT}:role/exec` }
        })
      ),
      'ValidationException'
    )
    expect(badRole).toBeInstanceOf(ValidationException)
    expect(badRole.message).toBe(
      'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.'
    )
    const badExpression = await rejects(
      scheduler.send(
        new CreateScheduleCommand({ ...input, Name: 'ttl-bad', ScheduleExpression: 'at(2099-01-01)' })
      ),
      'ValidationException'
    )
    expect(badExpression.$metadata.httpStatusCode).toBe(400)
    await scheduler.send(new DeleteScheduleCommand({ Name: 'ttl-errors' }))
  })

  it('denies a restricted key CreateSchedule without scheduler:CreateSchedule or iam:PassRole to the scheduler', async () => {
    const input = {
      ...ttlSchedule('ttl-ci', deleterRole, 'arn:aws:ecs:x'),
      ScheduleExpression: 'at(2099-01-01T00:00:00)'
    }
    const schedule = `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/ttl-*`
    const passRole = {
      Effect: 'Allow' as const,
      Action: 'iam:PassRole',
      Resource: deleterRole,
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }
    }
    const create = { Effect: 'Allow' as const, Action: 'scheduler:CreateSchedule', Resource: schedule }
    const ci = schedulerFor('AKIDCI')
    aws.setPolicy('AKIDCI', { Version: '2012-10-17', Statement: [passRole] })
    const noCreate = await rejects(ci.send(new CreateScheduleCommand(input)), 'AccessDeniedException')
    expect(noCreate.$metadata.httpStatusCode).toBe(403)
    expect(noCreate.message).toContain(
      `is not authorized to perform: scheduler:CreateSchedule on resource: arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/ttl-ci`
    )
    aws.setPolicy('AKIDCI', { Version: '2012-10-17', Statement: [create] })
    const noPass = await rejects(ci.send(new CreateScheduleCommand(input)), 'AccessDeniedException')
    expect(noPass.message).toContain(`is not authorized to perform: iam:PassRole on resource: ${deleterRole}`)
    aws.setPolicy('AKIDCI', { Version: '2012-10-17', Statement: [create, passRole] })
    expect((await ci.send(new CreateScheduleCommand(input))).ScheduleArn).toContain('schedule/default/ttl-ci')
    aws.setPolicy('AKIDCI', undefined)
    await ci.send(new DeleteScheduleCommand({ Name: 'ttl-ci' }))
  })
})
