// Standard ECS services without Docker: the deployment steps of each strategy (tables), the deployment
// configuration's validation, the request path of the new calls (shapes, errors, policy and iam:PassRole), and
// the controller driving tasks of a stand-in runner with a fake clock (rolling batches, the circuit breaker's
// rollback, blue/green bake time in scaled minutes, StopServiceDeployment).
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { createControls } from '../src/controls.js'
import { createDispatcher } from '../src/dispatch.js'
import { buildContext } from '../src/instance-state.js'
import { requestContextFor, resourcesFor, tagOnCreateFor, type PolicyDocument } from '../src/policy.js'
import { readDeploymentConfiguration } from '../src/services/standard.js'
import { StandardControllers } from '../src/standard-controller.js'
import { newEcrState } from '../src/state/ecr.js'
import { taskChanged, type Task } from '../src/state/ecs.js'
import {
  nextStandardDeployment,
  type DeploymentSettings,
  type StandardObservation,
  type StandardProgress
} from '../src/state/standard.js'
import { emptyRegistry, signedHeaders } from './dispatch-helpers.js'

const settings = (over: Partial<DeploymentSettings> = {}): DeploymentSettings => ({
  deploymentCircuitBreaker: { enable: true, rollback: true },
  maximumPercent: 200,
  minimumHealthyPercent: 100,
  alarms: { alarmNames: [], rollback: false, enable: false },
  strategy: 'ROLLING',
  bakeTimeInMinutes: 0,
  ...over
})
const observed = (over: Partial<StandardObservation> = {}): StandardObservation => ({
  desired: 2,
  targetHealthy: 0,
  sourceHealthy: 2,
  failed: 0,
  threshold: 3,
  hasSource: true,
  sourceStopped: false,
  targetStopped: false,
  waited: false,
  superseded: false,
  ...over
})
const at = (lifecycleStage: StandardProgress['lifecycleStage'], trafficPercent = 0): StandardProgress => ({
  status: 'IN_PROGRESS',
  lifecycleStage,
  trafficPercent
})
const BREAKER = 'ECS deployment circuit breaker: 3 tasks failed to become healthy.'
const BLUE_GREEN = settings({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 })
const LINEAR = settings({
  strategy: 'LINEAR',
  linearConfiguration: { stepPercent: 40, stepBakeTimeInMinutes: 2 }
})
const CANARY = settings({
  strategy: 'CANARY',
  canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 }
})

describe('standard deployment steps', () => {
  it.each<[string, StandardProgress, Partial<StandardObservation>, DeploymentSettings, StandardProgress]>([
    // ROLLING: no lifecycle stage; done when the new tasks are healthy and the old ones gone.
    [
      'rolling starts',
      { status: 'PENDING', trafficPercent: 0 },
      {},
      settings(),
      { status: 'IN_PROGRESS', trafficPercent: 0 }
    ],
    [
      'a first rolling deployment takes all traffic',
      { status: 'PENDING', trafficPercent: 0 },
      { hasSource: false },
      settings(),
      { status: 'IN_PROGRESS', trafficPercent: 100 }
    ],
    [
      'rolling waits for the old tasks',
      { status: 'IN_PROGRESS', trafficPercent: 0 },
      { targetHealthy: 2 },
      settings(),
      { status: 'IN_PROGRESS', trafficPercent: 0 }
    ],
    [
      'rolling succeeds',
      { status: 'IN_PROGRESS', trafficPercent: 0 },
      { targetHealthy: 2, sourceStopped: true },
      settings(),
      { status: 'SUCCESSFUL', trafficPercent: 100 }
    ],
    [
      'the circuit breaker rolls back',
      { status: 'IN_PROGRESS', trafficPercent: 0 },
      { failed: 3 },
      settings(),
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER, trafficPercent: 0 }
    ],
    [
      'without rollback the circuit breaker stops the deployment',
      { status: 'IN_PROGRESS', trafficPercent: 0 },
      { failed: 3 },
      settings({ deploymentCircuitBreaker: { enable: true, rollback: false } }),
      { status: 'STOPPED', statusReason: BREAKER, trafficPercent: 0 }
    ],
    [
      'a disabled circuit breaker counts nothing',
      { status: 'IN_PROGRESS', trafficPercent: 0 },
      { failed: 30 },
      settings({ deploymentCircuitBreaker: { enable: false, rollback: false } }),
      { status: 'IN_PROGRESS', trafficPercent: 0 }
    ],
    [
      'a first deployment has nothing to roll back to',
      { status: 'IN_PROGRESS', trafficPercent: 100 },
      { failed: 3, hasSource: false },
      settings(),
      { status: 'STOPPED', statusReason: BREAKER, trafficPercent: 100 }
    ],
    [
      'a monitored alarm rolls back',
      { status: 'IN_PROGRESS', trafficPercent: 0 },
      { alarm: 'p99' },
      settings({ alarms: { alarmNames: ['p99'], rollback: true, enable: true } }),
      {
        status: 'ROLLBACK_IN_PROGRESS',
        statusReason: 'ECS deployment alarm: the CloudWatch alarm p99 is in ALARM.',
        trafficPercent: 0
      }
    ],
    [
      'a rollback waits for the source at its count',
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER, trafficPercent: 0 },
      { targetStopped: true, sourceHealthy: 1 },
      settings(),
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER, trafficPercent: 0 }
    ],
    [
      'a rollback ends',
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER, trafficPercent: 0 },
      { targetStopped: true },
      settings(),
      { status: 'ROLLBACK_SUCCESSFUL', statusReason: BREAKER, trafficPercent: 0 }
    ],
    [
      'a requested rollback starts',
      { status: 'ROLLBACK_REQUESTED', lifecycleStage: 'BAKE_TIME', statusReason: 'r', trafficPercent: 100 },
      {},
      BLUE_GREEN,
      { status: 'ROLLBACK_IN_PROGRESS', lifecycleStage: 'BAKE_TIME', statusReason: 'r', trafficPercent: 0 }
    ],
    [
      'a newer deployment stops this one',
      at('SCALE_UP'),
      { superseded: true },
      BLUE_GREEN,
      {
        status: 'STOPPED',
        statusReason: 'A newer service deployment started.',
        lifecycleStage: 'SCALE_UP',
        trafficPercent: 0
      }
    ],
    // BLUE_GREEN: every stage, the traffic at once, the bake time.
    [
      'blue/green starts before scaling up',
      { status: 'PENDING', trafficPercent: 0 },
      {},
      BLUE_GREEN,
      at('PRE_SCALE_UP')
    ],
    ['scales up', at('PRE_SCALE_UP'), {}, BLUE_GREEN, at('SCALE_UP')],
    ['waits for every green task', at('SCALE_UP'), { targetHealthy: 1 }, BLUE_GREEN, at('SCALE_UP')],
    ['green is up', at('SCALE_UP'), { targetHealthy: 2 }, BLUE_GREEN, at('POST_SCALE_UP')],
    ['test traffic', at('POST_SCALE_UP'), {}, BLUE_GREEN, at('TEST_TRAFFIC_SHIFT')],
    ['test traffic shifted', at('TEST_TRAFFIC_SHIFT'), {}, BLUE_GREEN, at('POST_TEST_TRAFFIC_SHIFT')],
    [
      'production at once',
      at('POST_TEST_TRAFFIC_SHIFT'),
      {},
      BLUE_GREEN,
      at('PRODUCTION_TRAFFIC_SHIFT', 100)
    ],
    [
      'shifted',
      at('PRODUCTION_TRAFFIC_SHIFT', 100),
      {},
      BLUE_GREEN,
      at('POST_PRODUCTION_TRAFFIC_SHIFT', 100)
    ],
    [
      'bakes for bakeTimeInMinutes',
      at('POST_PRODUCTION_TRAFFIC_SHIFT', 100),
      {},
      BLUE_GREEN,
      { ...at('BAKE_TIME', 100), waitMinutes: 5 }
    ],
    ['keeps baking', at('BAKE_TIME', 100), {}, BLUE_GREEN, at('BAKE_TIME', 100)],
    ['cleans up once baked', at('BAKE_TIME', 100), { waited: true }, BLUE_GREEN, at('CLEAN_UP', 100)],
    ['waits for blue to stop', at('CLEAN_UP', 100), {}, BLUE_GREEN, at('CLEAN_UP', 100)],
    [
      'succeeds once blue stopped',
      at('CLEAN_UP', 100),
      { sourceStopped: true },
      BLUE_GREEN,
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP', trafficPercent: 100 }
    ],
    ['no rollback in CLEAN_UP', at('CLEAN_UP', 100), { failed: 3 }, BLUE_GREEN, at('CLEAN_UP', 100)],
    [
      'rolls back during the bake time',
      at('BAKE_TIME', 100),
      { failed: 3 },
      BLUE_GREEN,
      {
        status: 'ROLLBACK_IN_PROGRESS',
        statusReason: BREAKER,
        lifecycleStage: 'BAKE_TIME',
        trafficPercent: 0
      }
    ],
    // LINEAR: stepPercent at a time, stepBakeTimeInMinutes between steps, none after 100 %.
    [
      'linear first step',
      at('POST_TEST_TRAFFIC_SHIFT'),
      {},
      LINEAR,
      { ...at('PRODUCTION_TRAFFIC_SHIFT', 40), waitMinutes: 2 }
    ],
    [
      'linear waits between steps',
      at('PRODUCTION_TRAFFIC_SHIFT', 40),
      {},
      LINEAR,
      at('PRODUCTION_TRAFFIC_SHIFT', 40)
    ],
    [
      'linear next step',
      at('PRODUCTION_TRAFFIC_SHIFT', 40),
      { waited: true },
      LINEAR,
      { ...at('PRODUCTION_TRAFFIC_SHIFT', 80), waitMinutes: 2 }
    ],
    [
      'linear last step is capped at 100 with no wait',
      at('PRODUCTION_TRAFFIC_SHIFT', 80),
      { waited: true },
      LINEAR,
      at('PRODUCTION_TRAFFIC_SHIFT', 100)
    ],
    [
      'linear done shifting',
      at('PRODUCTION_TRAFFIC_SHIFT', 100),
      {},
      LINEAR,
      at('POST_PRODUCTION_TRAFFIC_SHIFT', 100)
    ],
    // CANARY: canaryPercent, canaryBakeTimeInMinutes, then the rest.
    [
      'canary step',
      at('POST_TEST_TRAFFIC_SHIFT'),
      {},
      CANARY,
      { ...at('PRODUCTION_TRAFFIC_SHIFT', 10), waitMinutes: 3 }
    ],
    ['canary bakes', at('PRODUCTION_TRAFFIC_SHIFT', 10), {}, CANARY, at('PRODUCTION_TRAFFIC_SHIFT', 10)],
    [
      'canary then the rest',
      at('PRODUCTION_TRAFFIC_SHIFT', 10),
      { waited: true },
      CANARY,
      at('PRODUCTION_TRAFFIC_SHIFT', 100)
    ]
  ])('%s', (_what, current, o, s, expected) => {
    expect(nextStandardDeployment(current, observed(o), s)).toEqual(expected)
  })

  it('steps linear traffic in tenths', () => {
    const s = settings({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 33.3, stepBakeTimeInMinutes: 0 }
    })
    const traffic: number[] = []
    let p = at('POST_TEST_TRAFFIC_SHIFT')
    for (let i = 0; i < 4; i++) {
      p = nextStandardDeployment(p, observed({ waited: true }), s)
      traffic.push(p.trafficPercent)
    }
    expect(traffic).toEqual([33.3, 66.6, 99.9, 100])
  })
})

describe('deployment configuration', () => {
  it('fills in ECS defaults', () => {
    expect(readDeploymentConfiguration(undefined, undefined)).toEqual({
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      alarms: { alarmNames: [], rollback: false, enable: false },
      strategy: 'ROLLING',
      bakeTimeInMinutes: 0,
      lifecycleHooks: undefined,
      linearConfiguration: undefined,
      canaryConfiguration: undefined
    })
    expect(readDeploymentConfiguration({ strategy: 'LINEAR' }, undefined).linearConfiguration).toEqual({
      stepPercent: 10,
      stepBakeTimeInMinutes: 6
    })
    expect(readDeploymentConfiguration({ strategy: 'CANARY' }, undefined).canaryConfiguration).toEqual({
      canaryPercent: 5,
      canaryBakeTimeInMinutes: 10
    })
  })

  it('keeps the previous members an update does not give', () => {
    const previous = readDeploymentConfiguration(
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 7,
        deploymentCircuitBreaker: { enable: true, rollback: true }
      },
      undefined
    )
    expect(readDeploymentConfiguration({ maximumPercent: 150 }, previous)).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 7,
      maximumPercent: 150,
      deploymentCircuitBreaker: { enable: true, rollback: true }
    })
  })

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an unknown strategy',
      { strategy: 'SIDEWAYS' },
      "1 validation error detected: Value 'SIDEWAYS' at 'deploymentConfiguration.strategy' failed to satisfy constraint: Member must satisfy enum value set: [ROLLING, BLUE_GREEN, LINEAR, CANARY]"
    ],
    [
      'a circuit breaker without rollback',
      { deploymentCircuitBreaker: { enable: true } },
      "1 validation error detected: Value null at 'deploymentConfiguration.deploymentCircuitBreaker.rollback' failed to satisfy constraint: Member must not be null"
    ],
    [
      'alarms without names',
      { alarms: { enable: true, rollback: true } },
      "1 validation error detected: Value null at 'deploymentConfiguration.alarms.alarmNames' failed to satisfy constraint: Member must not be null"
    ],
    [
      'blue/green without a bake time',
      { strategy: 'BLUE_GREEN' },
      'bakeTimeInMinutes must be specified for the BLUE_GREEN deployment strategy.'
    ],
    [
      'a bake time over a day',
      { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 },
      'bakeTimeInMinutes must be an integer between 0 and 1440.'
    ],
    [
      'a linear step under 3 %',
      { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2.9 } },
      'linearConfiguration.stepPercent must be a multiple of 0.1 from 3.0 to 100.0.'
    ],
    [
      'a canary percent not in tenths',
      { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.15 } },
      'canaryConfiguration.canaryPercent must be a multiple of 0.1 from 0.1 to 100.0.'
    ],
    [
      'a minimum over 100',
      { minimumHealthyPercent: 101 },
      'minimumHealthyPercent must be an integer between 0 and 100.'
    ],
    [
      'lifecycle hooks on a rolling service',
      { lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'] }] },
      'Lifecycle hooks are only supported for the BLUE_GREEN, LINEAR and CANARY deployment strategies.'
    ],
    [
      'a Lambda hook without its function',
      { strategy: 'CANARY', lifecycleHooks: [{ lifecycleStages: ['PRE_SCALE_UP'] }] },
      "1 validation error detected: Value null at 'deploymentConfiguration.lifecycleHooks.1.member.hookTargetArn' failed to satisfy constraint: Member must not be null"
    ],
    [
      'a hook at a stage hooks cannot run in',
      { strategy: 'CANARY', lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['BAKE_TIME'] }] },
      "1 validation error detected: Value 'BAKE_TIME' at 'deploymentConfiguration.lifecycleHooks.1.member.lifecycleStages' failed to satisfy constraint: Member must satisfy enum value set: [RECONCILE_SERVICE, PRE_SCALE_UP, POST_SCALE_UP, TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRE_PRODUCTION_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT]"
    ],
    [
      'a hook timeout over two weeks',
      {
        strategy: 'CANARY',
        lifecycleHooks: [
          {
            targetType: 'PAUSE',
            lifecycleStages: ['PRE_SCALE_UP'],
            timeoutConfiguration: { timeoutInMinutes: 20161 }
          }
        ]
      },
      "1 validation error detected: Value '20161' at 'deploymentConfiguration.lifecycleHooks.1.member.timeoutConfiguration.timeoutInMinutes' failed to satisfy constraint: Member must have value between 1 and 20160"
    ]
  ])('refuses %s', (_what, raw, message) => {
    expect(() => readDeploymentConfiguration(raw, undefined)).toThrow(
      expect.objectContaining({ code: 'InvalidParameterException', message })
    )
  })
})

// ---------------------------------------------------------------- the request path and the controller

const ECS = 'AmazonEC2ContainerServiceV20141113'
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'
const EXEC = 'arn:aws:iam::123456789012:role/exec'
const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-0def0000000000a01'] } }

function setUp(withControllers = false) {
  const started: Task[] = []
  const stopped: Task[] = []
  const controllers = withControllers ? new StandardControllers() : undefined
  const ctx = buildContext({
    accountId: '123456789012',
    registry: emptyRegistry(),
    runner: {
      start: (t) => void started.push(t),
      stop: (t, reason) => {
        t.desiredStatus = 'STOPPED'
        t.stoppedReason = reason
        stopped.push(t)
      }
    },
    standardServices: controllers,
    ecr: newEcrState(),
    taskTimings: { minuteMs: 1000 },
    log: () => undefined
  })
  controllers?.attach(ctx)
  const controls = createControls(ctx, 0)
  const dispatch = createDispatcher(ctx, controls, () => undefined)
  const call = async (operation: string, params: unknown, key = 'AKIDLOCAL') => {
    const r = await dispatch(
      signedHeaders('ecs', { target: `${ECS}.${operation}`, key }),
      JSON.stringify(params)
    )
    return { status: r.status, code: r.headers['x-amzn-errortype'], body: JSON.parse(r.body || '{}') }
  }
  /** Moves a task to a status as the task runner would, telling the watchers. */
  const move = (t: Task, status: 'RUNNING' | 'STOPPED', reason?: string) => {
    t.lastStatus = status
    if (status === 'STOPPED') {
      t.desiredStatus = 'STOPPED'
      t.stoppedReason ??= reason
    }
    taskChanged(ctx.ecs, t)
  }
  return { ctx, controls, call, started, stopped, move }
}

async function withService(env: ReturnType<typeof setUp>, over: Record<string, unknown> = {}) {
  env.ctx.iam.roles.set('exec', {
    RoleName: 'exec',
    RoleId: 'AROAEXEC',
    Arn: EXEC,
    Path: '/',
    CreateDate: new Date(),
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
      ]
    }),
    MaxSessionDuration: 3600,
    Tags: [],
    AttachedPolicies: [],
    InlinePolicies: new Map()
  })
  await env.call('CreateCluster', { clusterName: 'default' })
  const td = await env.call('RegisterTaskDefinition', {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: EXEC,
    containerDefinitions: [
      { name: 'app', image: 'busybox:stable', essential: true, portMappings: [{ containerPort: 80 }] }
    ]
  })
  const created = await env.call('CreateService', {
    serviceName: 'web',
    taskDefinition: 'web',
    desiredCount: 2,
    launchType: 'FARGATE',
    networkConfiguration: NETWORK,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    ...over
  })
  return { td: td.body.taskDefinition.taskDefinitionArn as string, created }
}

describe('the resources and context keys of the standard service calls', () => {
  const SERVICE = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web'
  const DEPLOYMENT = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc'
  const REVISION = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/web/123'
  const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod'
  it.each<[string, Record<string, unknown>, string[]]>([
    ['CreateService', { cluster: 'prod', serviceName: 'web' }, [SERVICE]],
    ['UpdateService', { cluster: 'prod', service: 'web' }, [SERVICE]],
    ['UpdateService', { service: SERVICE }, [SERVICE]],
    ['DeleteService', { cluster: CLUSTER, service: 'web' }, [SERVICE]],
    ['StopServiceDeployment', { serviceDeploymentArn: DEPLOYMENT }, [DEPLOYMENT]],
    ['ContinueServiceDeployment', { serviceDeploymentArn: DEPLOYMENT, hookId: 'h' }, [DEPLOYMENT]],
    ['DescribeServiceRevisions', { serviceRevisionArns: [REVISION] }, [REVISION]],
    ['ListServices', { cluster: 'prod' }, [CLUSTER]]
  ])('%s %j', (operation, params, resources) => {
    expect(resourcesFor('ecs', operation, params, 'eu-west-1', '123456789012')).toEqual(resources)
    // Every one of them has ecs:cluster, from the cluster member or the ARN the call names.
    expect(requestContextFor('ecs', operation, params, 'eu-west-1', '123456789012')).toEqual({
      'ecs:cluster': CLUSTER
    })
  })

  it('tags on create are authorized on the service', () => {
    expect(
      tagOnCreateFor(
        'ecs',
        'CreateService',
        { cluster: 'prod', serviceName: 'web', tags: [{ key: 'a', value: 'b' }] },
        'eu-west-1',
        '123456789012'
      )
    ).toEqual([
      {
        action: 'ecs:TagResource',
        resource: SERVICE,
        context: {
          'aws:RequestTag/a': 'b',
          'aws:TagKeys': ['a'],
          'ecs:cluster': CLUSTER,
          'ecs:CreateAction': 'CreateService'
        }
      }
    ])
  })
})

describe('the standard service calls', () => {
  it('answers CreateService in the Service shape and records a PENDING deployment', async () => {
    const env = setUp()
    const { td, created } = await withService(env, {
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 80 }]
    })
    expect(created.status).toBe(200)
    expect(created.body.service).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/default/web',
      serviceName: 'web',
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 0,
      launchType: 'FARGATE',
      taskDefinition: td,
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 80 }],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0def0000000000a01'],
          securityGroups: [],
          assignPublicIp: 'DISABLED'
        }
      },
      healthCheckGracePeriodSeconds: 0,
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      propagateTags: 'NONE',
      enableECSManagedTags: false,
      resourceManagementType: 'CUSTOMER'
    })
    const listed = await env.call('ListServiceDeployments', { service: 'web' })
    expect(listed.body.serviceDeployments).toEqual([
      expect.objectContaining({ status: 'PENDING', serviceArn: created.body.service.serviceArn })
    ])
    const described = await env.call('DescribeServiceDeployments', {
      serviceDeploymentArns: [listed.body.serviceDeployments[0].serviceDeploymentArn, 'arn:nope']
    })
    expect(described.body.failures).toEqual([{ arn: 'arn:nope', reason: 'MISSING' }])
    expect(described.body.serviceDeployments[0]).toMatchObject({
      status: 'PENDING',
      sourceServiceRevisions: [],
      deploymentConfiguration: {
        strategy: 'ROLLING',
        deploymentCircuitBreaker: { enable: true, rollback: true }
      },
      deploymentCircuitBreaker: { status: 'MONITORING', failureCount: 0, threshold: 3 },
      alarms: { status: 'DISABLED', alarmNames: [], triggeredAlarmNames: [] }
    })
  })

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'a bad target group ARN',
      { loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 80 }] },
      'InvalidParameterException',
      'Invalid target group ARN: tg.'
    ],
    [
      'a container the task definition lacks',
      { loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 80 }] },
      'InvalidParameterException',
      'The container web does not exist in the task definition.'
    ],
    [
      'both a launch type and a strategy',
      { capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] },
      'InvalidParameterException',
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.'
    ],
    [
      'a grace period with no load balancer',
      { healthCheckGracePeriodSeconds: 30 },
      'InvalidParameterException',
      'Health check grace period is only valid for services configured to use load balancers'
    ],
    [
      'a CODE_DEPLOY controller',
      { deploymentController: { type: 'CODE_DEPLOY' } },
      'UnsupportedFeatureException',
      'The local AWS emulates the ECS deployment controller only, not CODE_DEPLOY.'
    ],
    [
      'no desired count',
      { desiredCount: null },
      'InvalidParameterException',
      'desiredCount is required for a service that uses the REPLICA scheduling strategy.'
    ],
    [
      'an unknown task definition',
      { taskDefinition: 'nope:3' },
      'InvalidParameterException',
      'TaskDefinition not found.'
    ]
  ])('refuses a CreateService with %s', async (_what, over, code, message) => {
    const env = setUp()
    const { created } = await withService(env, over)
    expect([created.code, created.body.message]).toEqual([code, message])
    expect(env.ctx.standard.services.size).toBe(0)
  })

  it('makes a new deployment for a new task definition, not for a desired count alone', async () => {
    const env = setUp()
    await withService(env)
    const scaled = await env.call('UpdateService', { service: 'web', desiredCount: 3 })
    expect(scaled.body.service.desiredCount).toBe(3)
    expect(env.ctx.standard.services.values().next().value!.deployments).toHaveLength(1)
    const forced = await env.call('UpdateService', { service: 'web', forceNewDeployment: true })
    expect(forced.status).toBe(200)
    expect(env.ctx.standard.services.values().next().value!.deployments).toHaveLength(2)
    const inactive = await env.call('UpdateService', { service: 'web', taskDefinition: 'web:9' })
    expect([inactive.code, inactive.body.message]).toEqual([
      'InvalidParameterException',
      'TaskDefinition not found.'
    ])
  })

  it('authorizes on service/CLUSTER/NAME with ecs:cluster, and iam:PassRole of the task definition roles', async () => {
    const env = setUp()
    await withService(env)
    const allow = (passRole: boolean): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['ecs:UpdateService', 'ecs:DescribeServices'],
          Resource: 'arn:aws:ecs:us-east-1:123456789012:service/default/web',
          Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/default' } }
        },
        ...(passRole
          ? [
              {
                Effect: 'Allow' as const,
                Action: 'iam:PassRole',
                Resource: EXEC,
                Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
              }
            ]
          : [])
      ]
    })
    env.controls.setPolicy('AKIDCI', allow(false))
    const denied = await env.call('UpdateService', { service: 'web', desiredCount: 1 }, 'AKIDCI')
    expect(denied.code).toBe('AccessDeniedException')
    expect(denied.body.message).toContain(`is not authorized to perform: iam:PassRole on resource: ${EXEC}`)
    env.controls.setPolicy('AKIDCI', allow(true))
    expect((await env.call('UpdateService', { service: 'web', desiredCount: 1 }, 'AKIDCI')).status).toBe(200)
    const other = await env.call(
      'UpdateService',
      { cluster: 'default', service: 'api', desiredCount: 1 },
      'AKIDCI'
    )
    expect(other.code).toBe('AccessDeniedException')
    expect(other.body.message).toContain(
      'ecs:UpdateService on resource: arn:aws:ecs:us-east-1:123456789012:service/default/api'
    )
  })
})

describe('the standard service controller (fake clock, stand-in task runner)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
  })
  afterEach(() => {
    jest.useRealTimers()
  })

  /** Lets the controller's launches (a free-port probe, then RunTask) finish. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
  }
  const deployment = (env: ReturnType<typeof setUp>) =>
    env.ctx.standard.services.values().next().value!.deployments.at(-1)!
  /** The runner finishes every stop the controller asked for. */
  const finishStops = (env: ReturnType<typeof setUp>) => {
    for (const t of [...env.stopped]) if (t.lastStatus !== 'STOPPED') env.move(t, 'STOPPED')
  }
  const running = (env: ReturnType<typeof setUp>, after = 0) =>
    env.started.slice(after).filter((t) => t.lastStatus !== 'STOPPED')

  it('rolls batch by batch, rolls back at the breaker, and bakes blue/green in scaled minutes', async () => {
    const env = setUp(true)
    await withService(env)
    await settle()
    expect(env.started).toHaveLength(2)
    for (const t of env.started) env.move(t, 'RUNNING')
    expect(deployment(env)).toMatchObject({ status: 'SUCCESSFUL' })

    // Rolling: two new tasks start beside the old ones (maximumPercent 200); each healthy one retires an old one.
    await env.call('UpdateService', { service: 'web', forceNewDeployment: true })
    await settle()
    expect(env.started).toHaveLength(4)
    expect(env.stopped).toHaveLength(0)
    env.move(env.started[2]!, 'RUNNING')
    expect(env.stopped).toHaveLength(1)
    env.move(env.stopped[0]!, 'STOPPED')
    env.move(env.started[3]!, 'RUNNING')
    expect(env.stopped).toHaveLength(2)
    env.move(env.stopped[1]!, 'STOPPED')
    expect(deployment(env)).toMatchObject({ status: 'SUCCESSFUL' })

    // Crashing tasks: three failures trip the breaker; the old tasks never stopped.
    await env.call('UpdateService', { service: 'web', forceNewDeployment: true })
    for (let i = 0; i < 3; i++) {
      await settle()
      const fresh = env.started.at(-1)!
      env.move(fresh, 'STOPPED', 'Essential container in task exited')
    }
    await settle()
    finishStops(env)
    const failed = deployment(env)
    expect(failed).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason: 'ECS deployment circuit breaker: 3 tasks failed to become healthy.',
      circuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 }
    })
    expect(running(env).map((t) => t.taskId)).toEqual([env.started[2]!.taskId, env.started[3]!.taskId])

    // Blue/green with a 2-minute bake (1 minute = 1000 ms here).
    await env.call('UpdateService', {
      service: 'web',
      forceNewDeployment: true,
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 }
    })
    await settle()
    const green = running(env).filter((t) => t.startedBy === deployment(env).ecsDeploymentId)
    expect(green).toHaveLength(2)
    for (const t of green) env.move(t, 'RUNNING')
    expect(deployment(env)).toMatchObject({
      status: 'IN_PROGRESS',
      lifecycleStage: 'BAKE_TIME',
      trafficPercent: 100
    })
    jest.advanceTimersByTime(1999)
    expect(deployment(env).lifecycleStage).toBe('BAKE_TIME')
    jest.advanceTimersByTime(1)
    expect(deployment(env).lifecycleStage).toBe('CLEAN_UP')
    finishStops(env)
    expect(deployment(env)).toMatchObject({ status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' })

    // StopServiceDeployment during a bake: back to the blue revision.
    await env.call('UpdateService', { service: 'web', forceNewDeployment: true })
    await settle()
    for (const t of running(env).filter((x) => x.startedBy === deployment(env).ecsDeploymentId))
      env.move(t, 'RUNNING')
    expect(deployment(env).lifecycleStage).toBe('BAKE_TIME')
    const stop = await env.call('StopServiceDeployment', { serviceDeploymentArn: deployment(env).arn })
    expect(stop.body).toEqual({ serviceDeploymentArn: deployment(env).arn })
    await settle()
    finishStops(env)
    expect(deployment(env)).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      rollback: { reason: 'Service deployment rolled back because of a stop request.' }
    })
    expect(deployment(env).history).toContain('ROLLBACK_IN_PROGRESS BAKE_TIME 0%')
  })

  it('rolls back when a monitored alarm goes into ALARM during the deployment', async () => {
    const env = setUp(true)
    await withService(env, {
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: ['p99-latency'], enable: true, rollback: true }
      }
    })
    await settle()
    for (const t of env.started) env.move(t, 'RUNNING')
    expect(deployment(env)).toMatchObject({ status: 'SUCCESSFUL', alarms: { status: 'MONITORING_COMPLETE' } })
    await env.call('UpdateService', { service: 'web', forceNewDeployment: true })
    await settle()
    expect(deployment(env)).toMatchObject({ status: 'IN_PROGRESS', alarms: { status: 'MONITORING' } })
    env.controls.setBehaviour({ alarmsInAlarm: ['p99-latency'] })
    jest.advanceTimersByTime(env.ctx.timings.healthCheckIntervalMs)
    await settle()
    finishStops(env)
    expect(deployment(env)).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason: 'ECS deployment alarm: the CloudWatch alarm p99-latency is in ALARM.',
      alarms: { status: 'TRIGGERED', alarmNames: ['p99-latency'], triggeredAlarmNames: ['p99-latency'] }
    })
    const events = env.ctx.standard.services
      .values()
      .next()
      .value!.events.map((e) => e.message)
    expect(events).toContain(
      `(service web) (deployment ${deployment(env).ecsDeploymentId}) deployment failed: alarm(s) detected.`
    )
  })

  it('pauses at a PAUSE hook until ContinueServiceDeployment, or rolls back when the hook times out', async () => {
    const env = setUp(true)
    const pauseBeforeProduction = {
      targetType: 'PAUSE',
      lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'],
      timeoutConfiguration: { timeoutInMinutes: 3, action: 'ROLLBACK' }
    }
    await withService(env, {
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 0,
        lifecycleHooks: [
          pauseBeforeProduction,
          {
            targetType: 'AWS_LAMBDA',
            hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:check',
            roleArn: 'arn:aws:iam::123456789012:role/hooks',
            lifecycleStages: ['POST_SCALE_UP']
          }
        ]
      }
    })
    const startGreen = async () => {
      await settle()
      for (const t of running(env).filter((x) => x.startedBy === deployment(env).ecsDeploymentId))
        env.move(t, 'RUNNING')
    }
    await startGreen()
    const first = deployment(env)
    expect(first).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' })
    const described = await env.call('DescribeServiceDeployments', { serviceDeploymentArns: [first.arn] })
    const details = described.body.serviceDeployments[0].lifecycleHookDetails
    expect(details).toEqual([
      {
        hookId: expect.any(String),
        targetType: 'PAUSE',
        status: 'AWAITING_ACTION',
        expiresAt: expect.any(Number),
        timeoutAction: 'ROLLBACK'
      }
    ])
    expect(first.hooks.find((h) => h.stage === 'POST_SCALE_UP')).toMatchObject({
      targetType: 'AWS_LAMBDA',
      status: 'SUCCEEDED'
    })
    const wrong = await env.call('ContinueServiceDeployment', {
      serviceDeploymentArn: first.arn,
      hookId: 'nope'
    })
    expect([wrong.code, wrong.body.message]).toEqual([
      'InvalidParameterException',
      'The lifecycle hook nope is not awaiting an action in this service deployment.'
    ])
    jest.advanceTimersByTime(2999)
    expect(deployment(env).lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT')
    const go = await env.call('ContinueServiceDeployment', {
      serviceDeploymentArn: first.arn,
      hookId: details[0].hookId,
      action: 'CONTINUE'
    })
    expect(go.body).toEqual({ serviceDeploymentArn: first.arn })
    await settle()
    expect(deployment(env)).toMatchObject({
      status: 'IN_PROGRESS',
      lifecycleStage: 'BAKE_TIME',
      trafficPercent: 100
    })
    jest.advanceTimersByTime(1)
    finishStops(env)
    expect(deployment(env)).toMatchObject({ status: 'SUCCESSFUL' })

    // The next deployment waits at the same hook; nobody continues it: the timeout rolls it back.
    await env.call('UpdateService', { service: 'web', forceNewDeployment: true })
    await startGreen()
    expect(deployment(env).lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT')
    jest.advanceTimersByTime(3000)
    await settle()
    finishStops(env)
    expect(deployment(env)).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      hooks: expect.arrayContaining([expect.objectContaining({ targetType: 'PAUSE', status: 'TIMED_OUT' })])
    })
    expect(deployment(env).statusReason).toMatch(/^The lifecycle hook [0-9a-f-]{36} timed out\.$/)
  })
})
