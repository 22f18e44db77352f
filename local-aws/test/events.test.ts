// EventBridge rules and the SNS stand-in without HTTP or Docker: the event pattern matcher (table), the events
// API's validation and errors through the dispatcher (JSON 1.1), the policy checks, and the ECS task state change
// events of tasks whose runner is a stand-in (the test moves them), delivered to SNS topics by matching rules.
import { describe, expect, it } from '@jest/globals'
import { createControls } from '../src/controls.js'
import { createDispatcher } from '../src/dispatch.js'
import { buildContext } from '../src/instance-state.js'
import type { PolicyDocument } from '../src/policy.js'
import { newEcrState } from '../src/state/ecr.js'
import { taskChanged, type Task } from '../src/state/ecs.js'
import {
  matchesPattern,
  patternProblem,
  targetMessage,
  valueAtPath,
  type BusEvent
} from '../src/state/events.js'
import { emptyRegistry, signedHeaders } from './dispatch-helpers.js'

const ACCOUNT = '123456789012'
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:job-failures`

/** The pattern the action will put: this family's tasks that stopped with a non-zero exit or never started. */
const FAILED_NIGHTLY = {
  source: ['aws.ecs'],
  'detail-type': ['ECS Task State Change'],
  detail: {
    lastStatus: ['STOPPED'],
    group: ['family:nightly'],
    $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }]
  }
}

const stopped = (detail: Record<string, unknown>) => ({
  source: 'aws.ecs',
  'detail-type': 'ECS Task State Change',
  detail: { lastStatus: 'STOPPED', group: 'family:nightly', ...detail }
})

describe('event patterns', () => {
  it.each([
    ['exit 3', FAILED_NIGHTLY, stopped({ containers: [{ exitCode: 3 }] }), true],
    ['exit 0', FAILED_NIGHTLY, stopped({ containers: [{ exitCode: 0 }] }), false],
    [
      'one of two containers exits 1',
      FAILED_NIGHTLY,
      stopped({ containers: [{ exitCode: 0 }, { exitCode: 1 }] }),
      true
    ],
    [
      'failed to start, no exit code',
      FAILED_NIGHTLY,
      stopped({ stopCode: 'TaskFailedToStart', containers: [{}] }),
      true
    ],
    [
      'another family',
      FAILED_NIGHTLY,
      stopped({ group: 'family:other', containers: [{ exitCode: 3 }] }),
      false
    ],
    [
      'still running',
      FAILED_NIGHTLY,
      {
        ...stopped({ containers: [{ exitCode: 3 }] }),
        detail: { lastStatus: 'RUNNING', group: 'family:nightly', containers: [{ exitCode: 3 }] }
      },
      false
    ],
    ['numeric > 0', { detail: { exitCode: [{ numeric: ['>', 0] }] } }, { detail: { exitCode: 3 } }, true],
    [
      'numeric > 0 and <= 2',
      { detail: { exitCode: [{ numeric: ['>', 0, '<=', 2] }] } },
      { detail: { exitCode: 3 } },
      false
    ],
    [
      'numeric on a string',
      { detail: { exitCode: [{ numeric: ['>', 0] }] } },
      { detail: { exitCode: '3' } },
      false
    ],
    [
      'prefix',
      {
        detail: {
          taskDefinitionArn: [{ prefix: 'arn:aws:ecs:us-east-1:123456789012:task-definition/nightly:' }]
        }
      },
      { detail: { taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/nightly:7' } },
      true
    ],
    [
      'suffix',
      { detail: { group: [{ suffix: ':nightly' }] } },
      { detail: { group: 'family:nightly' } },
      true
    ],
    [
      'equals-ignore-case',
      { detail: { lastStatus: [{ 'equals-ignore-case': 'stopped' }] } },
      { detail: { lastStatus: 'STOPPED' } },
      true
    ],
    [
      'anything-but a list',
      { detail: { stopCode: [{ 'anything-but': ['UserInitiated', 'ServiceSchedulerInitiated'] }] } },
      { detail: { stopCode: 'EssentialContainerExited' } },
      true
    ],
    [
      'anything-but a prefix',
      { detail: { group: [{ 'anything-but': { prefix: 'service:' } }] } },
      { detail: { group: 'service:web' } },
      false
    ],
    [
      'anything-but on a missing field',
      { detail: { stopCode: [{ 'anything-but': 'UserInitiated' }] } },
      { detail: {} },
      false
    ],
    [
      'exists true',
      { detail: { stoppedReason: [{ exists: true }] } },
      { detail: { stoppedReason: 'x' } },
      true
    ],
    ['exists false', { detail: { stoppedReason: [{ exists: false }] } }, { detail: {} }, true],
    [
      'exists false on a present field',
      { detail: { stoppedReason: [{ exists: false }] } },
      { detail: { stoppedReason: 'x' } },
      false
    ],
    ['null', { detail: { reason: [null] } }, { detail: { reason: null } }, true],
    ['a nested object the event lacks', { detail: { a: { b: ['c'] } } }, { detail: {} }, false]
  ])('%s', (_what, pattern, event, expected) => {
    expect(patternProblem(pattern)).toBeUndefined()
    expect(matchesPattern(pattern as Record<string, unknown>, event)).toBe(expected)
  })

  it.each([
    [[], 'The pattern must be a JSON object.'],
    [{}, 'The pattern must not be empty.'],
    [{ source: 'aws.ecs' }, 'Match value for source must be an array or an object.'],
    [{ source: [] }, 'Empty arrays are not allowed (source).'],
    [
      { detail: { exitCode: [{ numeric: ['>', '0'] }] } },
      '"numeric" at detail.exitCode takes [">", 0] or [">", 0, "<=", 5].'
    ],
    [{ detail: { exitCode: [{ between: [0, 1] }] } }, 'Unrecognized match type between at detail.exitCode.'],
    [
      { detail: { exitCode: [{ prefix: 'a', suffix: 'b' }] } },
      'A matcher at detail.exitCode must have exactly one operator.'
    ],
    [{ detail: { $or: [{ a: ['b'] }] } }, '"$or" at detail.$or must be a list of at least two patterns.']
  ])('refuses %j', (pattern, problem) => {
    expect(patternProblem(pattern)).toBe(problem)
  })
})

describe('what a target receives', () => {
  const event = {
    version: '0',
    id: 'e-1',
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: ACCOUNT,
    time: '2030-01-01T03:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:ecs:us-east-1:123456789012:task/jobs/abc'],
    detail: {
      group: 'family:nightly',
      stoppedReason: 'Essential container in task exited',
      containers: [{ exitCode: 3 }]
    }
  } as BusEvent
  it.each([
    ['no input: the event', {}, JSON.stringify(event)],
    ['Input', { Input: '{"fixed":true}' }, '{"fixed":true}'],
    ['InputPath', { InputPath: '$.detail.containers[0]' }, '{"exitCode":3}'],
    [
      'a JSON InputTransformer',
      {
        InputTransformer: {
          InputPathsMap: {
            group: '$.detail.group',
            code: '$.detail.containers[0].exitCode',
            why: '$.detail.stoppedReason'
          },
          InputTemplate: '{"job": <group>, "exit": <code>, "text": "<group> exited <code>: <why>"}'
        }
      },
      '{"job": "family:nightly", "exit": 3, "text": "family:nightly exited 3: Essential container in task exited"}'
    ],
    [
      'a text InputTransformer',
      {
        InputTransformer: { InputPathsMap: { group: '$.detail.group' }, InputTemplate: 'Job <group> failed' }
      },
      'Job family:nightly failed'
    ]
  ])('%s', (_what, over, message) => {
    expect(targetMessage({ Id: 't', Arn: TOPIC, ...over }, event)).toBe(message)
  })

  it('reads JSONPaths', () => {
    expect([
      valueAtPath(event, '$'),
      valueAtPath(event, '$.detail.containers[0].exitCode'),
      valueAtPath(event, '$.nope.x')
    ]).toEqual([event, 3, undefined])
  })
})

function setUp() {
  const ctx = buildContext({
    accountId: ACCOUNT,
    registry: emptyRegistry(),
    runner: { start: () => undefined, stop: () => undefined },
    ecr: newEcrState(),
    log: () => undefined
  })
  const controls = createControls(ctx, 0)
  const dispatch = createDispatcher(ctx, controls, () => undefined)
  const call = async (service: string, target: string, op: string, params: unknown, key = 'AKIDLOCAL') => {
    const r = await dispatch(
      signedHeaders(service, { target: `${target}.${op}`, key }),
      JSON.stringify(params)
    )
    const body = JSON.parse(r.body || '{}') as Record<string, unknown>
    return { status: r.status, code: (body.__type as string | undefined)?.split('#').pop(), body }
  }
  const events = (op: string, params: unknown, key?: string) => call('events', 'AWSEvents', op, params, key)
  const ecs = (op: string, params: unknown) => call('ecs', 'AmazonEC2ContainerServiceV20141113', op, params)
  return { ctx, controls, events, ecs }
}
type Env = ReturnType<typeof setUp>

async function failureRule(env: Env, name = 'nightly-failures') {
  expect(
    (
      await env.events('PutRule', {
        Name: name,
        EventPattern: JSON.stringify(FAILED_NIGHTLY),
        Tags: [{ Key: 'efd:job', Value: 'nightly' }]
      })
    ).status
  ).toBe(200)
  expect(
    (await env.events('PutTargets', { Rule: name, Targets: [{ Id: 'topic', Arn: TOPIC }] })).body
  ).toEqual({
    FailedEntryCount: 0,
    FailedEntries: []
  })
}

describe('events requests', () => {
  it('puts, describes, lists, tags, targets and deletes a rule', async () => {
    const env = setUp()
    const put = await env.events('PutRule', {
      Name: 'nightly-failures',
      EventPattern: JSON.stringify(FAILED_NIGHTLY),
      Description: 'failed runs of nightly',
      Tags: [{ Key: 'efd:job', Value: 'nightly' }]
    })
    expect(put).toEqual({
      status: 200,
      code: undefined,
      body: { RuleArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly-failures` }
    })
    expect((await env.events('DescribeRule', { Name: 'nightly-failures' })).body).toEqual({
      Name: 'nightly-failures',
      Arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly-failures`,
      EventPattern: JSON.stringify(FAILED_NIGHTLY),
      State: 'ENABLED',
      Description: 'failed runs of nightly',
      EventBusName: 'default',
      CreatedBy: ACCOUNT
    })
    expect((await env.events('ListRules', { NamePrefix: 'nightly' })).body.Rules).toHaveLength(1)
    const target = {
      Id: 'topic',
      Arn: TOPIC,
      InputTransformer: { InputPathsMap: { g: '$.detail.group' }, InputTemplate: '"<g> failed"' }
    }
    expect((await env.events('PutTargets', { Rule: 'nightly-failures', Targets: [target] })).status).toBe(200)
    expect((await env.events('ListTargetsByRule', { Rule: 'nightly-failures' })).body).toEqual({
      Targets: [target]
    })
    const arn = `arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly-failures`
    expect(
      (await env.events('TagResource', { ResourceARN: arn, Tags: [{ Key: 'team', Value: 'data' }] })).status
    ).toBe(200)
    expect((await env.events('ListTagsForResource', { ResourceARN: arn })).body).toEqual({
      Tags: [
        { Key: 'efd:job', Value: 'nightly' },
        { Key: 'team', Value: 'data' }
      ]
    })
    const busy = await env.events('DeleteRule', { Name: 'nightly-failures' })
    expect([busy.code, busy.body.message]).toEqual([
      'ValidationException',
      "Rule can't be deleted since it has targets."
    ])
    expect((await env.events('RemoveTargets', { Rule: 'nightly-failures', Ids: ['topic'] })).status).toBe(200)
    expect((await env.events('DeleteRule', { Name: 'nightly-failures' })).status).toBe(200)
    expect((await env.events('DeleteRule', { Name: 'nightly-failures' })).status).toBe(200)
    const gone = await env.events('DescribeRule', { Name: 'nightly-failures' })
    expect([gone.code, gone.body.message]).toEqual([
      'ResourceNotFoundException',
      'Rule nightly-failures does not exist on EventBus default.'
    ])
  })

  it.each([
    [
      'PutRule',
      { Name: 'a b', EventPattern: '{"source":["x"]}' },
      'ValidationException',
      "at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
    ],
    [
      'PutRule',
      { Name: 'r' },
      'ValidationException',
      'Parameter(s) EventPattern or ScheduleExpression must be specified.'
    ],
    [
      'PutRule',
      { Name: 'r', EventPattern: '{source' },
      'InvalidEventPatternException',
      'Event pattern is not valid. Reason: it is not JSON.'
    ],
    [
      'PutRule',
      { Name: 'r', EventPattern: '{"source":"aws.ecs"}' },
      'InvalidEventPatternException',
      'Event pattern is not valid. Reason: Match value for source must be an array or an object.'
    ],
    [
      'PutRule',
      { Name: 'r', EventPattern: '{"source":["x"]}', State: 'ON' },
      'ValidationException',
      'Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]'
    ],
    [
      'PutRule',
      { Name: 'r', EventPattern: '{"source":["x"]}', EventBusName: 'jobs' },
      'ResourceNotFoundException',
      'Event bus jobs does not exist.'
    ],
    [
      'PutTargets',
      { Rule: 'missing', Targets: [{ Id: 't', Arn: TOPIC }] },
      'ResourceNotFoundException',
      'Rule missing does not exist on EventBus default.'
    ],
    [
      'PutTargets',
      { Rule: 'r0', Targets: [] },
      'ValidationException',
      'Member must have length between 1 and 100'
    ],
    [
      'PutTargets',
      { Rule: 'r0', Targets: [{ Id: 't', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:f' }] },
      'ValidationException',
      'The local AWS delivers rule targets only to SNS topics'
    ],
    [
      'PutTargets',
      { Rule: 'r0', Targets: [{ Id: 't', Arn: TOPIC, Input: '{}', InputPath: '$.detail' }] },
      'ValidationException',
      'Only one of Input, InputPath, or InputTransformer must be provided.'
    ],
    [
      'PutTargets',
      { Rule: 'r0', Targets: [{ Id: 't', Arn: TOPIC, Input: 'not json' }] },
      'ValidationException',
      'Target t: Input is not valid JSON text.'
    ],
    [
      'PutTargets',
      { Rule: 'r0', Targets: [{ Id: 't', Arn: TOPIC, InputTransformer: {} }] },
      'ValidationException',
      "Value null at 'targets.1.member.inputTransformer.inputTemplate'"
    ],
    [
      'PutTargets',
      { Rule: 'r0', Targets: [1, 2, 3, 4, 5, 6].map((i) => ({ Id: `t${i}`, Arn: TOPIC })) },
      'LimitExceededException',
      'The requested resource exceeds the maximum number allowed.'
    ],
    [
      'ListTagsForResource',
      { ResourceARN: `arn:aws:events:us-east-1:${ACCOUNT}:rule/missing` },
      'ResourceNotFoundException',
      'Rule missing does not exist on EventBus default.'
    ]
  ])('%s %j: %s', async (op, params, code, message) => {
    const env = setUp()
    expect((await env.events('PutRule', { Name: 'r0', EventPattern: '{"source":["x"]}' })).status).toBe(200)
    const r = await env.events(op, params)
    expect([r.status, r.code]).toEqual([400, code])
    expect(String(r.body.message)).toContain(message)
  })
})

describe('events policy checks', () => {
  const policy = (statements: Array<Record<string, unknown>>): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({ Effect: 'Allow', ...s }))
  })
  it('authorizes the calls on rule/NAME, with aws:ResourceTag of the rule', async () => {
    const env = setUp()
    await failureRule(env)
    env.controls.setPolicy(
      'AKIDJOB',
      policy([
        {
          Action: ['events:PutRule', 'events:DescribeRule'],
          Resource: `arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly-*`
        },
        {
          Action: ['events:RemoveTargets', 'events:DeleteRule'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/efd:job': 'nightly' } }
        }
      ])
    )
    expect((await env.events('DescribeRule', { Name: 'nightly-failures' }, 'AKIDJOB')).status).toBe(200)
    const denied = await env.events('DescribeRule', { Name: 'other' }, 'AKIDJOB')
    expect([denied.code, denied.body.message]).toEqual([
      'AccessDeniedException',
      `User: arn:aws:iam::${ACCOUNT}:user/AKIDJOB is not authorized to perform: events:DescribeRule on resource: arn:aws:events:us-east-1:${ACCOUNT}:rule/other because no identity-based policy allows the events:DescribeRule action`
    ])
    expect(
      (await env.events('RemoveTargets', { Rule: 'nightly-failures', Ids: ['topic'] }, 'AKIDJOB')).status
    ).toBe(200)
    expect((await env.events('PutRule', { Name: 'untagged', EventPattern: '{"source":["x"]}' })).status).toBe(
      200
    )
    expect((await env.events('DeleteRule', { Name: 'untagged' }, 'AKIDJOB')).code).toBe(
      'AccessDeniedException'
    )
    expect(
      (
        await env.events(
          'PutTargets',
          { Rule: 'nightly-failures', Targets: [{ Id: 't', Arn: TOPIC }] },
          'AKIDJOB'
        )
      ).code
    ).toBe('AccessDeniedException')
  })

  it('checks iam:PassRole to events.amazonaws.com for a target role', async () => {
    const env = setUp()
    await failureRule(env)
    const role = `arn:aws:iam::${ACCOUNT}:role/events-sns`
    env.controls.setPolicy('AKIDJOB', policy([{ Action: 'events:PutTargets', Resource: '*' }]))
    const target = { Rule: 'nightly-failures', Targets: [{ Id: 'r', Arn: TOPIC, RoleArn: role }] }
    const denied = await env.events('PutTargets', target, 'AKIDJOB')
    expect(String(denied.body.message)).toContain(
      `is not authorized to perform: iam:PassRole on resource: ${role}`
    )
    env.controls.setPolicy(
      'AKIDJOB',
      policy([
        { Action: 'events:PutTargets', Resource: '*' },
        {
          Action: 'iam:PassRole',
          Resource: role,
          Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } }
        }
      ])
    )
    expect((await env.events('PutTargets', target, 'AKIDJOB')).status).toBe(200)
  })
})

describe('ECS task state change events', () => {
  async function task(env: Env): Promise<Task> {
    expect((await env.ecs('CreateCluster', { clusterName: 'jobs' })).status).toBe(200)
    expect(
      (
        await env.ecs('RegisterTaskDefinition', {
          family: 'nightly',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'job', image: 'busybox' }]
        })
      ).status
    ).toBe(200)
    const run = await env.ecs('RunTask', {
      cluster: 'jobs',
      taskDefinition: 'nightly',
      launchType: 'FARGATE',
      startedBy: 'chronos-schedule/nightly',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0def0000000000a01'] } }
    })
    expect(run.status).toBe(200)
    return [...env.ctx.ecs.tasks.values()][0]!
  }
  /** Moves the stand-in's task as the task runner would, telling the watchers. */
  function move(env: Env, t: Task, lastStatus: Task['lastStatus'], exitCode?: number, stopCode?: string) {
    t.lastStatus = lastStatus
    if (lastStatus === 'STOPPED') {
      t.stopCode = stopCode ?? 'EssentialContainerExited'
      t.stoppedReason = stopCode ? 'Task failed to start' : 'Essential container in task exited'
      for (const c of t.containers) {
        c.lastStatus = 'STOPPED'
        c.exitCode = exitCode
      }
    }
    taskChanged(env.ctx.ecs, t)
  }

  it('puts one event per status on the bus, and a failed run reaches the topic through the rule', async () => {
    const env = setUp()
    await failureRule(env)
    const t = await task(env)
    move(env, t, 'PENDING')
    move(env, t, 'PENDING') // no change, no event
    move(env, t, 'RUNNING')
    expect(env.ctx.events.snsMessages).toEqual([])
    move(env, t, 'STOPPED', 3)
    expect(env.ctx.events.events.map((e) => e.detail.lastStatus)).toEqual(['PENDING', 'RUNNING', 'STOPPED'])
    const event = env.ctx.events.events[2]!
    expect(event).toEqual(
      expect.objectContaining({
        version: '0',
        'detail-type': 'ECS Task State Change',
        source: 'aws.ecs',
        account: ACCOUNT,
        region: 'us-east-1',
        resources: [t.taskArn]
      })
    )
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(event.detail).toEqual(
      expect.objectContaining({
        taskArn: t.taskArn,
        clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/jobs`,
        group: 'family:nightly',
        startedBy: 'chronos-schedule/nightly',
        lastStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/nightly:1`,
        containers: [expect.objectContaining({ name: 'job', exitCode: 3, lastStatus: 'STOPPED' })]
      })
    )
    expect(typeof event.detail.createdAt).toBe('string')
    expect(env.ctx.events.snsMessages).toEqual([
      expect.objectContaining({
        topicArn: TOPIC,
        ruleArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly-failures`,
        targetId: 'topic',
        eventId: event.id,
        message: JSON.stringify(event)
      })
    ])
  })

  it.each([
    ['exit 0', 0, undefined, 0],
    ['failed to start', undefined, 'TaskFailedToStart', 1]
  ])('a run that ends with %s: %d messages', async (_what, exitCode, stopCode, messages) => {
    const env = setUp()
    await failureRule(env)
    move(env, await task(env), 'STOPPED', exitCode, stopCode)
    expect(env.ctx.events.snsMessages).toHaveLength(messages)
  })

  it('delivers nothing through a DISABLED rule', async () => {
    const env = setUp()
    await failureRule(env)
    expect(
      (
        await env.events('PutRule', {
          Name: 'nightly-failures',
          EventPattern: JSON.stringify(FAILED_NIGHTLY),
          State: 'DISABLED'
        })
      ).status
    ).toBe(200)
    move(env, await task(env), 'STOPPED', 3)
    expect(env.ctx.events.snsMessages).toEqual([])
    expect(env.ctx.events.events).toHaveLength(1)
  })
})
