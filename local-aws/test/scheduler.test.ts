// EventBridge Scheduler without HTTP or Docker: the expression rules, the request validation and errors through
// the dispatcher (rest-json), the policy checks, and the firing of at() schedules by a real schedule runner
// against Express services whose controller is a stand-in (DeleteExpressGatewayService sets DRAINING).
import { describe, expect, it } from '@jest/globals'
import type { IncomingHttpHeaders } from 'node:http'
import { createControls } from '../src/controls.js'
import { createDispatcher } from '../src/dispatch.js'
import { buildContext } from '../src/instance-state.js'
import type { PolicyDocument } from '../src/policy.js'
import { ScheduleRunner } from '../src/schedule-runner.js'
import { createScheduleTargets } from '../src/schedule-targets.js'
import { newEcrState } from '../src/state/ecr.js'
import {
  atInstant,
  camelCaseMembers,
  parseScheduleExpression,
  parseUniversalTarget
} from '../src/state/scheduler.js'
import { until } from './helpers.js'
import { emptyRegistry, signedHeaders } from './dispatch-helpers.js'

const ACCOUNT = '123456789012'
const ECS = 'AmazonEC2ContainerServiceV20141113'
const DELETE_TARGET = 'arn:aws:scheduler:::aws-sdk:ecs:deleteExpressGatewayService'
const trust = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]
  })

const headers = (service: string, key: string, target?: string): IncomingHttpHeaders =>
  signedHeaders(service, { target, key })

/** at(...) for `ms` from now, to the second (rounded up, so never earlier than `ms`). */
const atIn = (ms: number) =>
  `at(${new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString().slice(0, 19)})`

function setUp(opts: { withTargets?: boolean } = {}) {
  const registry = emptyRegistry()
  const runner = new ScheduleRunner()
  const ctx = buildContext({
    accountId: ACCOUNT,
    registry,
    runner: { start: () => undefined, stop: () => undefined },
    schedules: runner,
    ecr: newEcrState(),
    taskTimings: { scheduleRetryBackoffMs: 20 },
    log: () => undefined
  })
  const controls = createControls(ctx, 0)
  if (opts.withTargets !== false)
    runner.attach(
      ctx,
      createScheduleTargets(ctx, controls, () => undefined)
    )
  const dispatch = createDispatcher(ctx, controls, () => undefined)
  const rest = async (method: string, url: string, body?: unknown, key = 'AKIDLOCAL') => {
    const r = await dispatch(headers('scheduler', key), body === undefined ? '' : JSON.stringify(body), {
      method,
      url
    })
    return { status: r.status, code: r.headers['x-amzn-errortype'], body: JSON.parse(r.body || '{}') }
  }
  const ecs = async (op: string, params: unknown, key = 'AKIDLOCAL') => {
    const r = await dispatch(headers('ecs', key, `${ECS}.${op}`), JSON.stringify(params))
    return { status: r.status, code: r.headers['x-amzn-errortype'], body: JSON.parse(r.body) }
  }
  const iam = async (action: string, params: Record<string, string>) => {
    const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString()
    const r = await dispatch(headers('iam', 'AKIDLOCAL'), body)
    expect(r.status).toBe(200)
  }
  return { ctx, controls, runner, rest, ecs, iam }
}

type Env = ReturnType<typeof setUp>

/** A role trusting the scheduler, with an inline policy (none: a role that may do nothing). */
async function schedulerRole(env: Env, name: string, policy?: PolicyDocument): Promise<string> {
  await env.iam('CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust('scheduler.amazonaws.com') })
  if (policy)
    await env.iam('PutRolePolicy', {
      RoleName: name,
      PolicyName: 'p',
      PolicyDocument: JSON.stringify(policy)
    })
  return `arn:aws:iam::${ACCOUNT}:role/${name}`
}

const DELETE_TAGGED: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'ecs:DeleteExpressGatewayService',
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/efd:ttl': 'managed' } }
    }
  ]
}

/** An ACTIVE Express service (no tasks run: the controller is a stand-in). */
async function expressService(env: Env, name: string, tags: Array<{ key: string; value: string }>) {
  if (!env.ctx.iam.roles.has('exec')) {
    await env.iam('CreateRole', {
      RoleName: 'exec',
      AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com')
    })
    await env.iam('CreateRole', { RoleName: 'infra', AssumeRolePolicyDocument: trust('ecs.amazonaws.com') })
  }
  const r = await env.ecs('CreateExpressGatewayService', {
    serviceName: name,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
    infrastructureRoleArn: `arn:aws:iam::${ACCOUNT}:role/infra`,
    primaryContainer: { image: 'busybox', containerPort: 80 },
    tags
  })
  expect(r.status).toBe(200)
  return r.body.service.serviceArn as string
}

const status = (env: Env, arn: string) => env.ctx.express.services.get(arn)?.status

function schedule(
  roleArn: string,
  overrides: Record<string, unknown> = {},
  target: Record<string, unknown> = {}
) {
  return {
    ScheduleExpression: 'at(2099-01-01T00:00:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    ...overrides,
    Target: { Arn: DELETE_TARGET, RoleArn: roleArn, Input: '{"ServiceArn":"arn:aws:ecs:x"}', ...target }
  }
}

describe('schedule expressions', () => {
  it.each([
    ['at(2030-02-28T23:59:59)', 'at'],
    ['at(2028-02-29T00:00:00)', 'at'],
    ['at(2030-02-29T00:00:00)', undefined],
    ['at(2030-13-01T00:00:00)', undefined],
    ['at(2030-01-01T24:00:00)', undefined],
    ['at(2030-01-01T00:60:00)', undefined],
    ['at(2030-01-01T00:00)', undefined],
    ['at(2030-01-01 00:00:00)', undefined],
    ['at(2030-01-01T00:00:00Z)', undefined],
    ['rate(1 minute)', 'rate'],
    ['rate(5 minutes)', 'rate'],
    ['rate(1 minutes)', undefined],
    ['rate(2 hour)', undefined],
    ['rate(0 days)', undefined],
    ['rate(1 week)', undefined],
    ['cron(0 12 * * ? *)', 'cron'],
    ['cron(0 12 * * ?)', undefined],
    ['cron(0/5 8-17 ? * MON-FRI *)', 'cron'],
    ['cron(0 12 L * ? *)', 'cron'],
    ['cron(0 12 LW * ? 2030)', 'cron'],
    ['cron(0 12 15W * ? *)', 'cron'],
    ['cron(0 12 ? * 6L *)', 'cron'],
    ['cron(0 12 ? * MON#2 *)', 'cron'],
    ['cron(0 12 * * * *)', undefined],
    ['cron(0 12 ? * ? *)', undefined],
    ['cron(60 12 * * ? *)', undefined],
    ['cron(0 ? * * ? *)', undefined],
    ['cron(0 12 32W * ? *)', undefined],
    ['cron(0 12 L,15 * ? *)', undefined],
    ['cron(0 12 ? * 2#6 *)', undefined],
    ['cron(0 12 ? * MON/2 *)', undefined],
    ['cron(0 12 ? * 0 *)', undefined],
    ['cron(0 12 * 13 ? *)', undefined],
    ['cron(0 12 * * ? 1969)', undefined],
    ['every day', undefined],
    ['', undefined]
  ])('%s is %s', (expression, kind) => {
    expect(parseScheduleExpression(expression)?.kind).toBe(kind)
  })

  it.each([
    ['at(2030-01-15T12:00:00)', 'UTC', '2030-01-15T12:00:00.000Z'],
    ['at(2030-01-15T12:00:00)', 'Europe/Paris', '2030-01-15T11:00:00.000Z'],
    ['at(2030-07-15T12:00:00)', 'Europe/Paris', '2030-07-15T10:00:00.000Z'],
    ['at(2030-07-15T12:00:30)', 'America/New_York', '2030-07-15T16:00:30.000Z'],
    ['at(2030-12-31T23:30:00)', 'Asia/Kolkata', '2030-12-31T18:00:00.000Z']
  ])('%s in %s is %s', (expression, zone, iso) => {
    const at = parseScheduleExpression(expression)
    if (at?.kind !== 'at') throw new Error('not at()')
    expect(new Date(atInstant(at, zone)).toISOString()).toBe(iso)
  })

  it('reads universal targets and maps their PascalCase input to camelCase members', () => {
    expect(parseUniversalTarget(DELETE_TARGET)).toEqual({
      service: 'ecs',
      action: 'deleteExpressGatewayService'
    })
    expect(parseUniversalTarget('arn:aws:lambda:us-east-1:123456789012:function:f')).toBeUndefined()
    expect(
      camelCaseMembers({ ServiceArn: 'a', Tags: [{ Key: 'k', Value: 'v' }], Nested: { MinTaskCount: 1 } })
    ).toEqual({ serviceArn: 'a', tags: [{ key: 'k', value: 'v' }], nested: { minTaskCount: 1 } })
  })
})

describe('scheduler requests', () => {
  it('creates, gets, lists, updates and deletes a schedule in the default group', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'sched')
    const created = await env.rest('POST', '/schedules/ttl-web', { ...schedule(role), Description: 'ttl' })
    const arn = `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/ttl-web`
    expect(created).toEqual({ status: 200, code: undefined, body: { ScheduleArn: arn } })
    const got = await env.rest('GET', '/schedules/ttl-web')
    expect(got.body).toEqual(
      expect.objectContaining({
        Arn: arn,
        Name: 'ttl-web',
        GroupName: 'default',
        State: 'ENABLED',
        ScheduleExpressionTimezone: 'UTC',
        ActionAfterCompletion: 'DELETE',
        Description: 'ttl',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: DELETE_TARGET, RoleArn: role, Input: '{"ServiceArn":"arn:aws:ecs:x"}' }
      })
    )
    expect(typeof got.body.CreationDate).toBe('number')
    expect((await env.rest('GET', '/schedules?ScheduleGroup=default')).body.Schedules).toEqual([
      expect.objectContaining({ Arn: arn, Name: 'ttl-web', Target: { Arn: DELETE_TARGET } })
    ])
    const updated = await env.rest('PUT', '/schedules/ttl-web', schedule(role, { State: 'DISABLED' }))
    expect(updated.status).toBe(200)
    const after = (await env.rest('GET', '/schedules/ttl-web?groupName=default')).body
    expect([after.State, after.Description, after.CreationDate]).toEqual([
      'DISABLED',
      undefined,
      got.body.CreationDate
    ])
    expect((await env.rest('DELETE', '/schedules/ttl-web')).status).toBe(200)
    expect((await env.rest('GET', '/schedules/ttl-web')).code).toBe('ResourceNotFoundException')
  })

  it.each([
    ['POST', 'an existing name', 409, 'ConflictException', 'Schedule s1 already exists.'],
    ['PUT', 'a missing schedule', 404, 'ResourceNotFoundException', 'Schedule nope does not exist.'],
    ['GET', 'a missing schedule', 404, 'ResourceNotFoundException', 'Schedule nope does not exist.'],
    ['DELETE', 'a missing schedule', 404, 'ResourceNotFoundException', 'Schedule nope does not exist.']
  ])('answers %s of %s with %i %s', async (method, what, httpStatus, code, message) => {
    const env = setUp()
    const role = await schedulerRole(env, 'sched')
    expect((await env.rest('POST', '/schedules/s1', schedule(role))).status).toBe(200)
    const name = what === 'an existing name' ? 's1' : 'nope'
    const r = await env.rest(
      method,
      `/schedules/${name}`,
      method === 'GET' || method === 'DELETE' ? undefined : schedule(role)
    )
    expect(r).toEqual({ status: httpStatus, code, body: { Message: message } })
  })

  it('knows no group but default', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'sched')
    for (const [method, url, body] of [
      ['POST', '/schedules/s1', schedule(role, { GroupName: 'previews' })],
      ['GET', '/schedules/s1?groupName=previews', undefined],
      ['GET', '/schedules?ScheduleGroup=previews', undefined]
    ] as const) {
      const r = await env.rest(method, url, body)
      expect([r.status, r.code, r.body.Message]).toEqual([
        404,
        'ResourceNotFoundException',
        'Schedule group previews does not exist.'
      ])
    }
  })

  it('answers an unknown route with UnknownOperationException', async () => {
    const env = setUp()
    expect((await env.rest('PATCH', '/schedules/x', {})).code).toBe('UnknownOperationException')
    expect((await env.rest('GET', '/schedule-groups')).code).toBe('UnknownOperationException')
  })

  const cases: Array<[string, string, Record<string, unknown>, Record<string, unknown>, string]> = [
    [
      'a name with a space',
      'bad name',
      {},
      {},
      "Value 'bad name' at 'Name' failed to satisfy constraint: Member must satisfy regular expression pattern"
    ],
    [
      'a 65-character name',
      'n'.repeat(65),
      {},
      {},
      "at 'Name' failed to satisfy constraint: Member must have length less than or equal to 64"
    ],
    ['no expression', 's', { ScheduleExpression: undefined }, {}, "Value null at 'ScheduleExpression'"],
    [
      'an at() without seconds',
      's',
      { ScheduleExpression: 'at(2030-01-01T00:00)' },
      {},
      'Invalid Schedule Expression at(2030-01-01T00:00).'
    ],
    [
      'an impossible date',
      's',
      { ScheduleExpression: 'at(2030-02-30T00:00:00)' },
      {},
      'Invalid Schedule Expression'
    ],
    [
      'a 257-character expression',
      's',
      { ScheduleExpression: 'x'.repeat(257) },
      {},
      "at 'ScheduleExpression' failed to satisfy constraint: Member must have length less than or equal to 256"
    ],
    [
      'an unknown time zone',
      's',
      { ScheduleExpressionTimezone: 'Mars/Olympus' },
      {},
      'Invalid Schedule Expression Timezone Mars/Olympus.'
    ],
    [
      'no flexible time window',
      's',
      { FlexibleTimeWindow: undefined },
      {},
      "Value null at 'FlexibleTimeWindow'"
    ],
    [
      'an unknown window mode',
      's',
      { FlexibleTimeWindow: { Mode: 'ON' } },
      {},
      "Value 'ON' at 'FlexibleTimeWindow.Mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]"
    ],
    [
      'FLEXIBLE without its window',
      's',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } },
      {},
      'MaximumWindowInMinutes must be provided when Mode is FLEXIBLE.'
    ],
    [
      'a window of 1441 minutes',
      's',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } },
      {},
      'Member must have value less than or equal to 1440'
    ],
    [
      'OFF with a window',
      's',
      { FlexibleTimeWindow: { Mode: 'OFF', MaximumWindowInMinutes: 5 } },
      {},
      'MaximumWindowInMinutes must not be provided when Mode is OFF.'
    ],
    [
      'an unknown ActionAfterCompletion',
      's',
      { ActionAfterCompletion: 'STOP' },
      {},
      "Value 'STOP' at 'ActionAfterCompletion' failed to satisfy constraint: Member must satisfy enum value set: [NONE, DELETE]"
    ],
    [
      'an unknown State',
      's',
      { State: 'PAUSED' },
      {},
      'Member must satisfy enum value set: [ENABLED, DISABLED]'
    ],
    [
      'a 513-character description',
      's',
      { Description: 'd'.repeat(513) },
      {},
      "at 'Description' failed to satisfy constraint: Member must have length less than or equal to 512"
    ],
    ['no target', 's', { Target: undefined }, {}, "Value null at 'Target'"],
    [
      'a user as the role',
      's',
      {},
      { RoleArn: `arn:aws:iam::${ACCOUNT}:user/u` },
      "at 'Target.RoleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$"
    ],
    ['no role', 's', {}, { RoleArn: undefined }, "Value null at 'Target.RoleArn'"],
    [
      'a role that does not exist',
      's',
      {},
      { RoleArn: `arn:aws:iam::${ACCOUNT}:role/missing` },
      'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.'
    ],
    [
      'a role that trusts only ECS tasks',
      's',
      {},
      { RoleArn: `arn:aws:iam::${ACCOUNT}:role/tasks` },
      'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.'
    ],
    [
      'a templated target',
      's',
      {},
      { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:f' },
      'The local AWS fires only universal targets'
    ],
    [
      'an operation the local AWS lacks',
      's',
      {},
      { Arn: 'arn:aws:scheduler:::aws-sdk:ecs:createTaskSet' },
      'The local AWS does not emulate ecs:CreateTaskSet'
    ],
    [
      'an Input that is not an object',
      's',
      {},
      { Input: '"x"' },
      'The Input of a universal target must be a JSON object'
    ],
    [
      'an empty Input',
      's',
      {},
      { Input: '' },
      "at 'Target.Input' failed to satisfy constraint: Member must have length greater than or equal to 1"
    ],
    [
      '186 retries',
      's',
      {},
      { RetryPolicy: { MaximumRetryAttempts: 186 } },
      'Member must have value less than or equal to 185'
    ],
    [
      'an event age under a minute',
      's',
      {},
      { RetryPolicy: { MaximumEventAgeInSeconds: 59 } },
      'Member must have value greater than or equal to 60'
    ]
  ]
  it.each(cases)('answers %s with ValidationException', async (_what, name, overrides, target, message) => {
    const env = setUp()
    const role = await schedulerRole(env, 'sched')
    await env.iam('CreateRole', {
      RoleName: 'tasks',
      AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com')
    })
    const body = schedule(role, overrides, target) as Record<string, unknown>
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete body[k]
    for (const [k, v] of Object.entries(target))
      if (v === undefined) delete (body.Target as Record<string, unknown>)[k]
    const r = await env.rest('POST', `/schedules/${encodeURIComponent(name)}`, body)
    expect([r.status, r.code]).toEqual([400, 'ValidationException'])
    expect(r.body.Message).toContain(message)
    expect(env.ctx.scheduler.schedules.size).toBe(0)
  })

  it('accepts rate() and cron() schedules, a time zone and a flexible window', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'sched')
    for (const [name, overrides] of [
      [
        'rate',
        { ScheduleExpression: 'rate(5 minutes)', StartDate: Date.parse('2099-01-01T00:00:00Z') / 1000 }
      ],
      ['cron', { ScheduleExpression: 'cron(0 12 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris' }],
      ['flex', { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 } }]
    ] as const) {
      expect((await env.rest('POST', `/schedules/${name}`, schedule(role, overrides))).status).toBe(200)
    }
    expect(env.runner.armed()).toBe(3)
    expect(env.ctx.scheduler.invocations).toEqual([])
  })
})

describe('scheduler policy checks', () => {
  const allow = (...statements: Array<Record<string, unknown>>): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({ Effect: 'Allow', Resource: '*', ...s }))
  })
  const passToScheduler = {
    Action: 'iam:PassRole',
    Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }
  }

  it.each([
    ['neither action', allow({ Action: 'scheduler:GetSchedule' }), 'scheduler:CreateSchedule'],
    ['no iam:PassRole', allow({ Action: 'scheduler:CreateSchedule' }), 'iam:PassRole'],
    [
      'iam:PassRole to ECS tasks only',
      allow(
        { Action: 'scheduler:CreateSchedule' },
        {
          Action: 'iam:PassRole',
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
        }
      ),
      'iam:PassRole'
    ],
    [
      'CreateSchedule on another schedule',
      allow(
        {
          Action: 'scheduler:CreateSchedule',
          Resource: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/other`
        },
        passToScheduler
      ),
      'scheduler:CreateSchedule'
    ]
  ])('denies CreateSchedule with %s', async (_what, policy, action) => {
    const env = setUp()
    const role = await schedulerRole(env, 'sched')
    env.controls.setPolicy('AKIDCI', policy)
    const r = await env.rest('POST', '/schedules/ttl', schedule(role), 'AKIDCI')
    expect([r.status, r.code]).toEqual([403, 'AccessDeniedException'])
    expect(r.body.Message).toContain(
      `User: arn:aws:iam::${ACCOUNT}:user/AKIDCI is not authorized to perform: ${action}`
    )
    expect(env.ctx.scheduler.schedules.size).toBe(0)
  })

  it('allows CreateSchedule on the schedule ARN with iam:PassRole to the scheduler, and checks the other calls', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'sched')
    env.controls.setPolicy(
      'AKIDCI',
      allow(
        {
          Action: 'scheduler:CreateSchedule',
          Resource: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/ttl-*`
        },
        { ...passToScheduler, Resource: role }
      )
    )
    expect((await env.rest('POST', '/schedules/ttl-web', schedule(role), 'AKIDCI')).status).toBe(200)
    const denied = await env.rest('DELETE', '/schedules/ttl-web', undefined, 'AKIDCI')
    expect([denied.status, denied.code]).toEqual([403, 'AccessDeniedException'])
    expect(denied.body.Message).toContain(
      `scheduler:DeleteSchedule on resource: arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/ttl-web`
    )
  })

  it('gives a key policy aws:ResourceTag of an Express service', async () => {
    const env = setUp()
    const tagged = await expressService(env, 'tagged', [{ key: 'efd:ttl', value: 'managed' }])
    const untagged = await expressService(env, 'untagged', [])
    env.controls.setPolicy('AKIDCI', DELETE_TAGGED)
    const denied = await env.ecs('DeleteExpressGatewayService', { serviceArn: untagged }, 'AKIDCI')
    expect([denied.status, denied.code]).toEqual([400, 'AccessDeniedException'])
    expect((await env.ecs('DeleteExpressGatewayService', { serviceArn: tagged }, 'AKIDCI')).status).toBe(200)
    expect([status(env, tagged), status(env, untagged)]).toEqual(['DRAINING', 'ACTIVE'])
  })
})

describe('firing schedules', () => {
  const invocations = (env: Env) => env.ctx.scheduler.invocations
  const finalInvocation = (env: Env, name: string) =>
    until(
      async () => invocations(env).find((i) => i.scheduleName === name && i.final),
      10000,
      `the final invocation of ${name}`
    )

  it('fires an at() schedule at its second, as the role, deletes the service and then the schedule', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'ttl', DELETE_TAGGED)
    const serviceArn = await expressService(env, 'web', [{ key: 'efd:ttl', value: 'managed' }])
    const expression = atIn(1000)
    const due = Date.parse(`${expression.slice(3, -1)}Z`)
    const input = JSON.stringify({ ServiceArn: serviceArn })
    expect(
      (
        await env.rest(
          'POST',
          '/schedules/ttl-web',
          schedule(role, { ScheduleExpression: expression }, { Input: input })
        )
      ).status
    ).toBe(200)
    expect(status(env, serviceArn)).toBe('ACTIVE')
    const fired = await finalInvocation(env, 'ttl-web')
    expect(fired).toEqual(
      expect.objectContaining({
        service: 'ecs',
        operation: 'DeleteExpressGatewayService',
        params: { serviceArn },
        role,
        attempt: 1,
        final: true
      })
    )
    expect(fired.error).toBeUndefined()
    expect(fired.time).toBeGreaterThanOrEqual(due)
    expect(fired.time - due).toBeLessThan(500)
    expect(status(env, serviceArn)).toBe('DRAINING')
    expect(env.ctx.scheduler.schedules.size).toBe(0)
    expect(env.runner.armed()).toBe(0)
    expect(env.controls.calls().filter((c) => c.invokedBy === 'scheduler')).toEqual([
      expect.objectContaining({
        service: 'ecs',
        operation: 'DeleteExpressGatewayService',
        role,
        schedule: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/ttl-web`,
        attempt: 1
      })
    ])
  })

  it('keeps a schedule with ActionAfterCompletion NONE, fired at once when its time has passed', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'ttl', DELETE_TAGGED)
    const serviceArn = await expressService(env, 'web', [{ key: 'efd:ttl', value: 'managed' }])
    const body = schedule(
      role,
      { ScheduleExpression: 'at(2020-01-01T00:00:00)', ActionAfterCompletion: 'NONE' },
      { Input: JSON.stringify({ ServiceArn: serviceArn }) }
    )
    expect((await env.rest('POST', '/schedules/ttl-web', body)).status).toBe(200)
    expect((await finalInvocation(env, 'ttl-web')).error).toBeUndefined()
    expect(status(env, serviceArn)).toBe('DRAINING')
    expect((await env.rest('GET', '/schedules/ttl-web')).status).toBe(200)
  })

  it('records a denied invocation, retries it, gives up and deletes the schedule; the service stays', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'powerless', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ecs:DescribeExpressGatewayService', Resource: '*' }]
    })
    const serviceArn = await expressService(env, 'web', [{ key: 'efd:ttl', value: 'managed' }])
    const body = schedule(
      role,
      { ScheduleExpression: 'at(2020-01-01T00:00:00)' },
      { Input: JSON.stringify({ ServiceArn: serviceArn }) }
    )
    expect((await env.rest('POST', '/schedules/ttl-web', body)).status).toBe(200)
    const last = await finalInvocation(env, 'ttl-web')
    expect(invocations(env).map((i) => [i.attempt, i.error, i.final])).toEqual([
      [1, 'AccessDeniedException', false],
      [2, 'AccessDeniedException', false],
      [3, 'AccessDeniedException', true]
    ])
    expect(last.errorMessage).toMatch(
      new RegExp(
        `^User: arn:aws:sts::${ACCOUNT}:assumed-role/powerless/\\w+ is not authorized to perform: ecs:DeleteExpressGatewayService on resource: ${serviceArn}`
      )
    )
    expect(status(env, serviceArn)).toBe('ACTIVE')
    expect(env.ctx.scheduler.schedules.size).toBe(0)
    expect(
      env.controls
        .calls()
        .filter((c) => c.invokedBy === 'scheduler')
        .map((c) => c.error)
    ).toEqual(['AccessDeniedException', 'AccessDeniedException', 'AccessDeniedException'])
  })

  it('denies a role whose policy allows only services with another tag', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'ttl', DELETE_TAGGED)
    const serviceArn = await expressService(env, 'web', [{ key: 'efd:ttl', value: 'other' }])
    const body = schedule(
      role,
      { ScheduleExpression: 'at(2020-01-01T00:00:00)' },
      { Input: JSON.stringify({ ServiceArn: serviceArn }), RetryPolicy: { MaximumRetryAttempts: 0 } }
    )
    expect((await env.rest('POST', '/schedules/ttl-web', body)).status).toBe(200)
    expect((await finalInvocation(env, 'ttl-web')).error).toBe('AccessDeniedException')
    expect(invocations(env)).toHaveLength(1)
    expect(status(env, serviceArn)).toBe('ACTIVE')
  })

  it('retries after a target error and succeeds; an AdministratorAccess role may do it all', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'admin')
    await env.iam('AttachRolePolicy', {
      RoleName: 'admin',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'
    })
    const serviceArn = await expressService(env, 'web', [])
    env.controls.injectFault({ operation: 'ecs:DeleteExpressGatewayService', code: 'ThrottlingException' })
    const body = schedule(
      role,
      { ScheduleExpression: 'at(2020-01-01T00:00:00)' },
      { Input: JSON.stringify({ ServiceArn: serviceArn }) }
    )
    expect((await env.rest('POST', '/schedules/ttl-web', body)).status).toBe(200)
    await finalInvocation(env, 'ttl-web')
    expect(invocations(env).map((i) => [i.attempt, i.error])).toEqual([
      [1, 'ThrottlingException'],
      [2, undefined]
    ])
    expect(status(env, serviceArn)).toBe('DRAINING')
  })

  it('records the target error of a service that is gone', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'admin')
    await env.iam('AttachRolePolicy', {
      RoleName: 'admin',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'
    })
    const input = JSON.stringify({ ServiceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/default/gone` })
    const body = schedule(
      role,
      { ScheduleExpression: 'at(2020-01-01T00:00:00)' },
      { Input: input, RetryPolicy: { MaximumRetryAttempts: 0 } }
    )
    expect((await env.rest('POST', '/schedules/ttl-web', body)).status).toBe(200)
    expect((await finalInvocation(env, 'ttl-web')).error).toBe('ServiceNotFoundException')
  })

  it('re-arms an updated schedule at its new time, cancels a deleted one, never fires a disabled one', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'ttl', DELETE_TAGGED)
    const serviceArn = await expressService(env, 'web', [{ key: 'efd:ttl', value: 'managed' }])
    const input = { Input: JSON.stringify({ ServiceArn: serviceArn }) }
    expect((await env.rest('POST', '/schedules/later', schedule(role, {}, input))).status).toBe(200)
    expect(
      (
        await env.rest(
          'POST',
          '/schedules/off',
          schedule(role, { ScheduleExpression: 'at(2020-01-01T00:00:00)', State: 'DISABLED' }, input)
        )
      ).status
    ).toBe(200)
    expect((await env.rest('POST', '/schedules/gone', schedule(role, {}, input))).status).toBe(200)
    expect(env.runner.armed()).toBe(2)
    expect((await env.rest('DELETE', '/schedules/gone')).status).toBe(200)
    expect(env.runner.armed()).toBe(1)
    const update = schedule(role, { ScheduleExpression: 'at(2020-01-01T00:00:00)' }, input)
    expect((await env.rest('PUT', '/schedules/later', update)).status).toBe(200)
    await finalInvocation(env, 'later')
    expect(invocations(env).map((i) => i.scheduleName)).toEqual(['later'])
    expect(status(env, serviceArn)).toBe('DRAINING')
    expect([...env.ctx.scheduler.schedules.keys()]).toEqual(['default/off'])
  })

  it('cancels every timer at close; nothing fires after it', async () => {
    const env = setUp()
    const role = await schedulerRole(env, 'ttl', DELETE_TAGGED)
    expect(
      (await env.rest('POST', '/schedules/a', schedule(role, { ScheduleExpression: atIn(1000) }))).status
    ).toBe(200)
    expect((await env.rest('POST', '/schedules/b', schedule(role))).status).toBe(200)
    expect(env.runner.armed()).toBe(2)
    env.runner.closeAll()
    expect(env.runner.armed()).toBe(0)
    expect(
      (
        await env.rest(
          'PUT',
          '/schedules/a',
          schedule(role, { ScheduleExpression: 'at(2020-01-01T00:00:00)' })
        )
      ).status
    ).toBe(200)
    expect(env.runner.armed()).toBe(0)
  })
})
