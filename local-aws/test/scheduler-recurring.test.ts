// EventBridge Scheduler's recurring schedules without HTTP or Docker: when rate() and cron() schedules fire (the
// evaluator, StartDate, EndDate, time zones), the scheduler clock tests speed up or move, and the ECS RunTask
// target (EcsParameters) run as the schedule's role against an ECS whose task runner is a stand-in (tasks stay
// PROVISIONING): what RunTask is given, the role's policy, retries, MaximumEventAgeInSeconds and the dead-letter
// queue recorded.
import { describe, expect, it } from '@jest/globals'
import { createControls } from '../src/controls.js'
import { createDispatcher } from '../src/dispatch.js'
import { buildContext } from '../src/instance-state.js'
import type { PolicyDocument, PolicyStatement } from '../src/policy.js'
import { ScheduleRunner } from '../src/schedule-runner.js'
import { createScheduleTargets } from '../src/schedule-targets.js'
import { newEcrState } from '../src/state/ecr.js'
import { nextCronTime, nextFireTime, type Schedule } from '../src/state/scheduler.js'
import { emptyRegistry, signedHeaders } from './dispatch-helpers.js'
import { until } from './helpers.js'

const ACCOUNT = '123456789012'
const CLUSTER = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/jobs`
const TASK_DEFINITION = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/nightly:1`
const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/exec`
const trust = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]
  })
const ms = (iso: string) => Date.parse(iso)

describe('when recurring schedules fire', () => {
  it.each([
    ['cron(0 3 * * ? *)', 'UTC', '2027-01-31T03:00:01Z', '2027-02-01T03:00:00.000Z'],
    ['cron(0 3 * * ? *)', 'UTC', '2027-01-31T03:00:00Z', '2027-01-31T03:00:00.000Z'],
    ['cron(0/15 * ? * MON-FRI *)', 'UTC', '2027-01-01T23:50:00Z', '2027-01-04T00:00:00.000Z'],
    ['cron(30 2 * * ? *)', 'America/New_York', '2027-03-14T00:00:00Z', '2027-03-15T06:30:00.000Z'],
    ['cron(30 1 * * ? *)', 'America/New_York', '2027-11-07T00:00:00Z', '2027-11-07T05:30:00.000Z'],
    ['cron(0 9 1 JAN ? 2028)', 'Europe/Berlin', '2027-06-01T00:00:00Z', '2028-01-01T08:00:00.000Z'],
    ['cron(0 9 L * ? *)', 'UTC', '2027-06-01T00:00:00Z', undefined],
    ['cron(0 9 1 1 ? 2026)', 'UTC', '2027-06-01T00:00:00Z', undefined]
  ])('%s in %s after %s: %s', (expression, zone, from, next) => {
    const fields = expression.slice(5, -1).split(' ')
    const at = nextCronTime(fields, zone, ms(from))
    expect(at === undefined ? undefined : new Date(at).toISOString()).toBe(next)
  })

  const recurring = (over: Partial<Schedule>): Schedule =>
    ({
      ScheduleExpression: 'rate(10 minutes)',
      ScheduleExpressionTimezone: 'UTC',
      ...over
    }) as Schedule
  it.each([
    ['rate() from its create, at once', {}, '2027-01-01T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['rate() from its create, the next interval', {}, '2027-01-01T00:00:01Z', '2027-01-01T00:10:00.000Z'],
    [
      'rate() from its StartDate',
      { StartDate: new Date('2027-01-01T00:03:00Z') },
      '2027-01-01T00:05:00Z',
      '2027-01-01T00:13:00.000Z'
    ],
    [
      'rate() before its StartDate',
      { StartDate: new Date('2027-02-01T00:00:00Z') },
      '2027-01-01T00:05:00Z',
      '2027-02-01T00:00:00.000Z'
    ],
    [
      'rate() at its EndDate',
      { EndDate: new Date('2027-01-01T00:10:00Z') },
      '2027-01-01T00:05:00Z',
      undefined
    ],
    [
      'cron() before its StartDate',
      { ScheduleExpression: 'cron(0 3 * * ? *)', StartDate: new Date('2027-01-05T12:00:00Z') },
      '2027-01-01T00:00:00Z',
      '2027-01-06T03:00:00.000Z'
    ],
    [
      'cron() in its time zone',
      { ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Asia/Tokyo' },
      '2027-01-01T00:00:00Z',
      '2027-01-01T18:00:00.000Z'
    ]
  ])('%s', (_what, over, from, next) => {
    const at = nextFireTime(recurring(over), ms(from), ms('2027-01-01T00:00:00Z'))
    expect(at === undefined ? undefined : new Date(at).toISOString()).toBe(next)
  })
})

function setUp() {
  const runner = new ScheduleRunner()
  const ctx = buildContext({
    accountId: ACCOUNT,
    registry: emptyRegistry(),
    runner: { start: () => undefined, stop: () => undefined },
    schedules: runner,
    ecr: newEcrState(),
    taskTimings: { scheduleRetryBackoffMs: 20 },
    log: () => undefined
  })
  const controls = createControls(ctx, 0)
  runner.attach(
    ctx,
    createScheduleTargets(ctx, controls, () => undefined)
  )
  const dispatch = createDispatcher(ctx, controls, () => undefined)
  const rest = async (method: string, url: string, body?: unknown) => {
    const r = await dispatch(signedHeaders('scheduler'), body === undefined ? '' : JSON.stringify(body), {
      method,
      url
    })
    return { status: r.status, code: r.headers['x-amzn-errortype'], body: JSON.parse(r.body || '{}') }
  }
  const ecs = async (op: string, params: unknown) => {
    const r = await dispatch(
      signedHeaders('ecs', { target: `AmazonEC2ContainerServiceV20141113.${op}` }),
      JSON.stringify(params)
    )
    expect(r.status).toBe(200)
  }
  const iam = async (action: string, params: Record<string, string>) => {
    const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString()
    expect((await dispatch(signedHeaders('iam'), body)).status).toBe(200)
  }
  return { ctx, controls, runner, rest, ecs, iam }
}
type Env = ReturnType<typeof setUp>

/** A cluster, a Fargate task definition with an execution role, and a scheduler role with `policy`. */
async function jobs(env: Env, policy?: PolicyDocument): Promise<string> {
  await env.ecs('CreateCluster', { clusterName: 'jobs', capacityProviders: ['FARGATE', 'FARGATE_SPOT'] })
  await env.iam('CreateRole', {
    RoleName: 'exec',
    AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com')
  })
  await env.ecs('RegisterTaskDefinition', {
    family: 'nightly',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: EXECUTION_ROLE,
    containerDefinitions: [{ name: 'job', image: 'busybox', essential: true }]
  })
  await env.iam('CreateRole', {
    RoleName: 'sched',
    AssumeRolePolicyDocument: trust('scheduler.amazonaws.com')
  })
  if (policy)
    await env.iam('PutRolePolicy', {
      RoleName: 'sched',
      PolicyName: 'p',
      PolicyDocument: JSON.stringify(policy)
    })
  return `arn:aws:iam::${ACCOUNT}:role/sched`
}

/** What the action's printed policy gives a scheduler role: RunTask of the family in the cluster, PassRole to ECS tasks. */
const RUN_NIGHTLY_STATEMENTS: PolicyStatement[] = [
  {
    Effect: 'Allow',
    Action: 'ecs:RunTask',
    Resource: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/nightly:*`,
    Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } }
  },
  {
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: EXECUTION_ROLE,
    Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
  }
]
const RUN_NIGHTLY: PolicyDocument = { Version: '2012-10-17', Statement: RUN_NIGHTLY_STATEMENTS }

function ecsSchedule(role: string, over: Record<string, unknown> = {}, target: Record<string, unknown> = {}) {
  return {
    ScheduleExpression: 'rate(1 minute)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ...over,
    Target: {
      Arn: CLUSTER,
      RoleArn: role,
      EcsParameters: {
        TaskDefinitionArn: TASK_DEFINITION,
        TaskCount: 2,
        LaunchType: 'FARGATE',
        NetworkConfiguration: {
          awsvpcConfiguration: { Subnets: ['subnet-0def0000000000a01'], AssignPublicIp: 'ENABLED' }
        },
        PlatformVersion: 'LATEST',
        ReferenceId: 'ref-1'
      },
      ...target
    }
  }
}

describe('ECS RunTask targets', () => {
  it('runs a rate(1 minute) schedule every scheduler minute on a sped-up clock, as the role', async () => {
    const env = setUp()
    const role = await jobs(env, RUN_NIGHTLY)
    env.runner.clock({ speed: 600 }) // a scheduler minute in 100 ms
    const input = JSON.stringify({ containerOverrides: [{ name: 'job', command: ['echo', 'hi'] }] })
    expect(
      (await env.rest('POST', '/schedules/nightly', ecsSchedule(role, {}, { Input: input }))).status
    ).toBe(200)
    const fired = await until(
      async () => {
        const ok = env.ctx.scheduler.invocations.filter((i) => !i.error)
        return ok.length >= 2 ? ok : undefined
      },
      5000,
      'two invocations'
    )
    expect((await env.rest('DELETE', '/schedules/nightly')).status).toBe(200)
    expect(env.runner.armed()).toBe(0)
    const [first, second] = fired
    expect(first).toEqual(
      expect.objectContaining({
        service: 'ecs',
        operation: 'RunTask',
        role,
        target: CLUSTER,
        attempt: 1,
        final: true
      })
    )
    expect(first!.params).toEqual({
      cluster: CLUSTER,
      taskDefinition: TASK_DEFINITION,
      count: 2,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-0def0000000000a01'], assignPublicIp: 'ENABLED' }
      },
      platformVersion: 'LATEST',
      referenceId: 'ref-1',
      startedBy: 'chronos-schedule/nightly',
      overrides: { containerOverrides: [{ name: 'job', command: ['echo', 'hi'] }] }
    })
    // One scheduler minute apart (the clock is the scheduler's, not the wall's).
    expect(second!.scheduledTime! - first!.scheduledTime!).toBeGreaterThanOrEqual(59_000)
    expect(second!.scheduledTime! - first!.scheduledTime!).toBeLessThan(65_000)
    const tasks = [...env.ctx.ecs.tasks.values()]
    expect(first!.taskArns).toHaveLength(2)
    for (const arn of [...first!.taskArns!, ...second!.taskArns!]) {
      const task = tasks.find((t) => t.taskArn === arn)
      expect([task?.startedBy, task?.group, task?.taskDefinition.taskDefinitionArn]).toEqual([
        'chronos-schedule/nightly',
        'family:nightly',
        TASK_DEFINITION
      ])
    }
    expect(env.controls.calls().filter((c) => c.invokedBy === 'scheduler')[0]).toEqual(
      expect.objectContaining({ operation: 'RunTask', role, taskArns: first!.taskArns })
    )
  })

  it.each([
    ['no ecs:RunTask', [RUN_NIGHTLY_STATEMENTS[1]!], 'ecs:RunTask'],
    [
      'RunTask in another cluster',
      [
        { ...RUN_NIGHTLY_STATEMENTS[0]!, Condition: { ArnEquals: { 'ecs:cluster': `${CLUSTER}-x` } } },
        RUN_NIGHTLY_STATEMENTS[1]!
      ],
      'ecs:RunTask'
    ],
    ['no iam:PassRole of the execution role', [RUN_NIGHTLY_STATEMENTS[0]!], 'iam:PassRole']
  ])(
    'records AccessDenied for a role with %s, retries, gives up; no task runs',
    async (_what, statements, action) => {
      const env = setUp()
      const role = await jobs(env, { Version: '2012-10-17', Statement: statements })
      const body = ecsSchedule(role, { ScheduleExpression: 'at(2020-01-01T00:00:00)' })
      expect((await env.rest('POST', '/schedules/nightly', body)).status).toBe(200)
      await until(async () => env.ctx.scheduler.invocations.find((i) => i.final), 5000, 'the final attempt')
      expect(env.ctx.scheduler.invocations.map((i) => [i.attempt, i.error, i.final])).toEqual([
        [1, 'AccessDeniedException', false],
        [2, 'AccessDeniedException', false],
        [3, 'AccessDeniedException', true]
      ])
      expect(env.ctx.scheduler.invocations[0]!.errorMessage).toContain(`assumed-role/sched/`)
      expect(env.ctx.scheduler.invocations[0]!.errorMessage).toContain(
        `is not authorized to perform: ${action}`
      )
      expect(env.ctx.ecs.tasks.size).toBe(0)
    }
  )

  it('stops retrying once the event is older than MaximumEventAgeInSeconds, and names the dead-letter queue', async () => {
    const env = setUp()
    const role = await jobs(env) // may do nothing
    env.runner.clock({ speed: 6000 }) // the 20 ms backoff is 120 scheduler seconds
    const dlq = `arn:aws:sqs:us-east-1:${ACCOUNT}:failed-runs`
    const body = ecsSchedule(
      role,
      { ScheduleExpression: 'at(2020-01-01T00:00:00)' },
      {
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 60 },
        DeadLetterConfig: { Arn: dlq }
      }
    )
    expect((await env.rest('POST', '/schedules/nightly', body)).status).toBe(200)
    const last = await until(
      async () => env.ctx.scheduler.invocations.find((i) => i.final),
      5000,
      'the final attempt'
    )
    expect(env.ctx.scheduler.invocations).toHaveLength(1)
    expect(last).toEqual(
      expect.objectContaining({ attempt: 1, error: 'AccessDeniedException', final: true, deadLetter: dlq })
    )
    expect(last.dropped).toMatch(/^older than MaximumEventAgeInSeconds/)
    expect((await env.rest('GET', '/schedules/nightly')).body.Target.DeadLetterConfig).toEqual({ Arn: dlq })
  })

  it('fires a cron() schedule when the clock is moved to its time, and completes it after its EndDate', async () => {
    const env = setUp()
    const role = await jobs(env, RUN_NIGHTLY)
    env.runner.clock({ now: '2030-01-01T02:59:59.500Z' })
    const body = ecsSchedule(role, {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      EndDate: Date.parse('2030-01-01T03:30:00Z') / 1000,
      ActionAfterCompletion: 'DELETE'
    })
    expect((await env.rest('POST', '/schedules/nightly', body)).status).toBe(200)
    const fired = await until(async () => env.ctx.scheduler.invocations[0], 3000, 'the 03:00 run')
    expect([fired.error, new Date(fired.scheduledTime!).toISOString().slice(0, 19)]).toEqual([
      undefined,
      '2030-01-01T03:00:00'
    ])
    // No run left before the EndDate: completed and, with DELETE, deleted.
    await until(async () => env.ctx.scheduler.schedules.size === 0 || undefined, 3000, 'the delete')
    expect(env.runner.armed()).toBe(0)
    expect(env.ctx.scheduler.invocations).toHaveLength(1)
  })

  it('moves a sped-up schedule forward by advanceMs without firing the runs jumped over', async () => {
    const env = setUp()
    const role = await jobs(env, RUN_NIGHTLY)
    env.runner.clock({ now: '2030-01-01T00:00:01Z' })
    const body = ecsSchedule(role, { ScheduleExpression: 'cron(0 * * * ? *)' })
    expect((await env.rest('POST', '/schedules/nightly', body)).status).toBe(200)
    expect(env.runner.clock({ advanceMs: 3 * 3_600_000 - 2000 }).now.slice(0, 19)).toBe('2030-01-01T02:59:59')
    await until(async () => env.ctx.scheduler.invocations[0], 3000, 'the 03:00 run')
    expect(new Date(env.ctx.scheduler.invocations[0]!.scheduledTime!).toISOString().slice(0, 16)).toBe(
      '2030-01-01T03:00'
    )
    expect(env.ctx.scheduler.invocations).toHaveLength(1)
    expect((await env.rest('DELETE', '/schedules/nightly')).status).toBe(200)
  })

  it('never fires a DISABLED schedule', async () => {
    const env = setUp()
    const role = await jobs(env, RUN_NIGHTLY)
    env.runner.clock({ speed: 6000 })
    const body = ecsSchedule(role, { State: 'DISABLED' })
    expect((await env.rest('POST', '/schedules/nightly', body)).status).toBe(200)
    expect(env.runner.armed()).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 50)) // 5 scheduler minutes
    expect(env.ctx.scheduler.invocations).toEqual([])
  })

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    [
      'a cluster without EcsParameters',
      { EcsParameters: undefined },
      'EcsParameters is required when the target is an Amazon ECS cluster'
    ],
    [
      'EcsParameters on a Lambda',
      { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:f' },
      'must be an Amazon ECS cluster ARN'
    ],
    [
      'no TaskDefinitionArn',
      { EcsParameters: { TaskCount: 1 } },
      "Value null at 'Target.EcsParameters.TaskDefinitionArn'"
    ],
    [
      '11 tasks',
      { EcsParameters: { TaskDefinitionArn: TASK_DEFINITION, TaskCount: 11 } },
      'Member must have value less than or equal to 10'
    ],
    [
      'LaunchType LAMBDA',
      { EcsParameters: { TaskDefinitionArn: TASK_DEFINITION, LaunchType: 'LAMBDA' } },
      'Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL]'
    ],
    [
      'a launch type and a capacity provider strategy',
      {
        EcsParameters: {
          TaskDefinitionArn: TASK_DEFINITION,
          LaunchType: 'FARGATE',
          CapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }]
        }
      },
      'LaunchType and CapacityProviderStrategy cannot both be specified.'
    ],
    [
      'no subnets',
      {
        EcsParameters: {
          TaskDefinitionArn: TASK_DEFINITION,
          NetworkConfiguration: { awsvpcConfiguration: {} }
        }
      },
      "Value null at 'Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.Subnets'"
    ],
    [
      'PropagateTags SERVICE',
      { EcsParameters: { TaskDefinitionArn: TASK_DEFINITION, PropagateTags: 'SERVICE' } },
      'Member must satisfy enum value set: [TASK_DEFINITION]'
    ],
    [
      'an Input that is not an object',
      { Input: '[1]' },
      'The Input of an ECS RunTask target must be a JSON object (the task overrides).'
    ]
  ]
  it.each(invalid)('answers %s with ValidationException', async (_what, target, message) => {
    const env = setUp()
    const role = await jobs(env, RUN_NIGHTLY)
    const body = ecsSchedule(role, {}, target)
    for (const [k, v] of Object.entries(target))
      if (v === undefined) delete (body.Target as Record<string, unknown>)[k]
    const r = await env.rest('POST', '/schedules/nightly', body)
    expect([r.status, r.code]).toEqual([400, 'ValidationException'])
    expect(r.body.Message).toContain(message)
  })

  it('runs tasks with the tags, group and capacity provider strategy of EcsParameters', async () => {
    const env = setUp()
    const role = await jobs(env, {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ecs:RunTask', 'ecs:TagResource', 'iam:PassRole'], Resource: '*' }
      ]
    })
    const body = ecsSchedule(
      role,
      { ScheduleExpression: 'at(2020-01-01T00:00:00)' },
      {
        EcsParameters: {
          TaskDefinitionArn: TASK_DEFINITION,
          CapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
          NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-0def0000000000a01'] } },
          Group: 'scheduled:nightly',
          Tags: [{ key: 'efd:job', value: 'nightly' }, { team: 'data' }],
          EnableECSManagedTags: true
        }
      }
    )
    expect((await env.rest('POST', '/schedules/nightly', body)).status).toBe(200)
    const fired = await until(async () => env.ctx.scheduler.invocations[0], 3000, 'the run')
    expect([fired.error, fired.errorMessage]).toEqual([undefined, undefined])
    const task = [...env.ctx.ecs.tasks.values()][0]!
    expect([task.group, task.capacityProviderName, task.tags]).toEqual([
      'scheduled:nightly',
      'FARGATE_SPOT',
      [
        { key: 'efd:job', value: 'nightly' },
        { key: 'team', value: 'data' }
      ]
    ])
  })
})
