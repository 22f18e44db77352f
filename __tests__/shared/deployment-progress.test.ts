import type { DeploymentConfiguration, ServiceDeployment } from '@aws-sdk/client-ecs'
import {
  DeploymentProgress,
  describePause,
  describeSafeguards,
  describeStrategy,
  formatDeploymentProgress,
  pausedHooks
} from '../../src/shared/deployment-progress.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/web/shop/new2'
const NOW = Date.parse('2026-03-01T10:00:00.000Z')
const MINUTE = 60_000

describe('describeStrategy', () => {
  test.each<[string, DeploymentConfiguration | undefined, string]>([
    ['none given: rolling', undefined, 'rolling'],
    [
      'rolling with percents',
      { strategy: 'ROLLING', minimumHealthyPercent: 100, maximumPercent: 200 },
      'rolling (min 100% healthy, max 200%)'
    ],
    ['blue/green', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 }, 'blue/green; bake time 10 min'],
    [
      'linear',
      {
        strategy: 'LINEAR',
        bakeTimeInMinutes: 5,
        linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 }
      },
      'linear: 25% a step, 2 min apart; bake time 5 min'
    ],
    [
      'canary',
      {
        strategy: 'CANARY',
        bakeTimeInMinutes: 15,
        canaryConfiguration: { canaryPercent: 10.000000001, canaryBakeTimeInMinutes: 5 }
      },
      'canary: 10% for 5 min, then the rest; bake time 15 min'
    ],
    ['canary without its configuration', { strategy: 'CANARY' }, 'canary: a share, then the rest']
  ])('%s → %s', (_name, configuration, expected) => {
    expect(describeStrategy(configuration)).toBe(expected)
  })
})

describe('describeSafeguards', () => {
  test.each<[string, DeploymentConfiguration | undefined, string | undefined]>([
    ['none', undefined, undefined],
    ['circuit breaker off', { deploymentCircuitBreaker: { enable: false, rollback: false } }, undefined],
    [
      'circuit breaker with rollback',
      { deploymentCircuitBreaker: { enable: true, rollback: true } },
      'circuit breaker with rollback'
    ],
    [
      'breaker without rollback and alarms with',
      {
        deploymentCircuitBreaker: { enable: true, rollback: false },
        alarms: { enable: true, rollback: true, alarmNames: ['high-5xx', 'p99'] }
      },
      'circuit breaker (no rollback); alarms high-5xx, p99 with rollback'
    ]
  ])('%s', (_name, configuration, expected) => {
    expect(describeSafeguards(configuration)).toBe(expected)
  })
})

const rolling = (extra: Partial<ServiceDeployment> = {}): ServiceDeployment => ({
  serviceDeploymentArn: ARN,
  status: 'IN_PROGRESS',
  targetServiceRevision: { arn: 'rev/222', requestedTaskCount: 2, runningTaskCount: 1, pendingTaskCount: 1 },
  sourceServiceRevisions: [
    { arn: 'rev/111', requestedTaskCount: 2, runningTaskCount: 2, pendingTaskCount: 0 }
  ],
  deploymentCircuitBreaker: { status: 'MONITORING', failureCount: 1, threshold: 3 },
  ...extra
})

describe('formatDeploymentProgress', () => {
  test.each<[string, ServiceDeployment, { stageSince?: number; stepSince?: number }, string]>([
    [
      'rolling with the circuit breaker',
      rolling(),
      {},
      'IN_PROGRESS: new revision 1/2 running, 1 pending, old revision 2/2 running; circuit breaker 1/3 failures'
    ],
    ['just created', { serviceDeploymentArn: ARN }, {}, 'PENDING'],
    [
      'a disabled circuit breaker is not shown',
      rolling({ deploymentCircuitBreaker: { status: 'DISABLED' }, sourceServiceRevisions: [] }),
      {},
      'IN_PROGRESS: new revision 1/2 running, 1 pending'
    ],
    [
      'rolling: no traffic weights (they say nothing while tasks are replaced)',
      rolling({
        deploymentConfiguration: { strategy: 'ROLLING' },
        targetServiceRevision: {
          requestedTaskCount: 2,
          runningTaskCount: 2,
          requestedTestTrafficWeight: 0,
          requestedProductionTrafficWeight: 100
        },
        sourceServiceRevisions: []
      }),
      {},
      'IN_PROGRESS: new revision 2/2 running; circuit breaker 1/3 failures'
    ],
    [
      'blue/green after the production shift: no test traffic any more',
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
        targetServiceRevision: { requestedTestTrafficWeight: 100, requestedProductionTrafficWeight: 100 }
      },
      {},
      'IN_PROGRESS, stage POST_PRODUCTION_TRAFFIC_SHIFT: production traffic 100% to the new revision'
    ],
    [
      'blue/green shifting test traffic',
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'TEST_TRAFFIC_SHIFT',
        targetServiceRevision: {
          requestedTaskCount: 2,
          runningTaskCount: 2,
          requestedTestTrafficWeight: 100,
          requestedProductionTrafficWeight: 0
        }
      },
      {},
      'IN_PROGRESS, stage TEST_TRAFFIC_SHIFT: new revision 2/2 running; test traffic 100%, production traffic 0% to the new revision'
    ],
    [
      'bake time: minutes left, rounded up',
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'BAKE_TIME',
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 },
        targetServiceRevision: { requestedProductionTrafficWeight: 100 }
      },
      { stageSince: NOW - 6.5 * MINUTE },
      'IN_PROGRESS, stage BAKE_TIME (bake time 4 min left): production traffic 100% to the new revision'
    ],
    [
      'bake time in its last minute',
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'BAKE_TIME',
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 }
      },
      { stageSince: NOW - 20_000 },
      'IN_PROGRESS, stage BAKE_TIME (bake time less than a minute left)'
    ],
    [
      'canary step waiting',
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
        deploymentConfiguration: {
          strategy: 'CANARY',
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }
        },
        targetServiceRevision: { requestedProductionTrafficWeight: 10 }
      },
      { stepSince: NOW - 2 * MINUTE },
      'IN_PROGRESS, stage PRODUCTION_TRAFFIC_SHIFT (next shift: 3 min left): production traffic 10% to the new revision'
    ],
    [
      'a Lambda hook running and an alarm in ALARM',
      {
        status: 'ROLLBACK_REQUESTED',
        lifecycleStage: 'POST_SCALE_UP',
        lifecycleHookDetails: [
          {
            hookId: 'h1',
            targetType: 'AWS_LAMBDA',
            targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
            status: 'IN_PROGRESS'
          }
        ],
        alarms: { status: 'TRIGGERED', alarmNames: ['high-5xx'], triggeredAlarmNames: ['high-5xx'] }
      },
      {},
      'ROLLBACK_REQUESTED, stage POST_SCALE_UP (hook smoke running): alarms in ALARM: high-5xx'
    ]
  ])('%s', (_name, deployment, times, expected) => {
    expect(formatDeploymentProgress(deployment, { now: NOW, ...times })).toBe(expected)
  })
})

const paused: ServiceDeployment = {
  serviceDeploymentArn: ARN,
  status: 'IN_PROGRESS',
  lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
  lifecycleHookDetails: [
    {
      hookId: 'hook-7',
      targetType: 'PAUSE',
      status: 'AWAITING_ACTION',
      expiresAt: new Date('2026-03-01T11:00:00.000Z'),
      timeoutAction: 'ROLLBACK'
    },
    { hookId: 'hook-1', targetType: 'AWS_LAMBDA', status: 'SUCCEEDED' }
  ]
}

describe('a paused deployment', () => {
  test('pausedHooks: only PAUSE hooks awaiting action', () => {
    expect(pausedHooks(paused).map((hook) => hook.hookId)).toEqual(['hook-7'])
  })

  test('describePause: the stage, until when, and how to continue it', () => {
    expect(describePause(paused, pausedHooks(paused)[0]!)).toBe(
      'The deployment is paused at stage POST_TEST_TRAFFIC_SHIFT by lifecycle hook hook-7 until ' +
        '2026-03-01T11:00:00.000Z (then ECS will roll back). Continue it with: aws ecs continue-service-deployment ' +
        `--service-deployment-arn ${ARN} --hook-id hook-7 --action CONTINUE (or --action ROLLBACK to roll it back).`
    )
  })
})

describe('DeploymentProgress', () => {
  test('the strategy once, then a line only when something changed, and each pause once', () => {
    const progress = new DeploymentProgress()
    const configuration: DeploymentConfiguration = {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 2,
      deploymentCircuitBreaker: { enable: true, rollback: true }
    }
    const at = (stage: ServiceDeployment['lifecycleStage'], extra: Partial<ServiceDeployment> = {}) => ({
      serviceDeploymentArn: ARN,
      status: 'IN_PROGRESS' as const,
      lifecycleStage: stage,
      deploymentConfiguration: configuration,
      ...extra
    })
    expect(progress.update(at('SCALE_UP'), NOW)).toEqual([
      'Deployment strategy: blue/green; bake time 2 min; circuit breaker with rollback',
      'IN_PROGRESS, stage SCALE_UP'
    ])
    expect(progress.update(at('SCALE_UP'), NOW + 1000)).toEqual([])
    expect(
      progress.update(
        at('POST_TEST_TRAFFIC_SHIFT', { lifecycleHookDetails: paused.lifecycleHookDetails }),
        NOW + 2000
      )
    ).toEqual(['IN_PROGRESS, stage POST_TEST_TRAFFIC_SHIFT', describePause(paused, pausedHooks(paused)[0]!)])
    expect(
      progress.update(
        at('POST_TEST_TRAFFIC_SHIFT', { lifecycleHookDetails: paused.lifecycleHookDetails }),
        NOW + 3000
      )
    ).toEqual([])
    const bakeStart = NOW + 10_000
    expect(progress.update(at('BAKE_TIME'), bakeStart)).toEqual([
      'IN_PROGRESS, stage BAKE_TIME (bake time 2 min left)'
    ])
    expect(progress.update(at('BAKE_TIME'), bakeStart + 30_000)).toEqual([])
    expect(progress.update(at('BAKE_TIME'), bakeStart + 61_000)).toEqual([
      'IN_PROGRESS, stage BAKE_TIME (bake time less than a minute left)'
    ])
    expect(progress.update({ ...at('CLEAN_UP'), status: 'SUCCESSFUL' }, bakeStart + 121_000)).toEqual([
      'SUCCESSFUL, stage CLEAN_UP'
    ])
  })

  test('a linear step restarts its wait when the traffic weight changes', () => {
    const progress = new DeploymentProgress()
    const step = (weight: number): ServiceDeployment => ({
      status: 'IN_PROGRESS',
      lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
      deploymentConfiguration: {
        strategy: 'LINEAR',
        linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 3 }
      },
      targetServiceRevision: { requestedProductionTrafficWeight: weight }
    })
    expect(progress.update(step(50), NOW).at(-1)).toBe(
      'IN_PROGRESS, stage PRODUCTION_TRAFFIC_SHIFT (next shift: 3 min left): production traffic 50% to the new revision'
    )
    expect(progress.update(step(50), NOW + 2 * MINUTE)).toEqual([
      'IN_PROGRESS, stage PRODUCTION_TRAFFIC_SHIFT (next shift: 1 min left): production traffic 50% to the new revision'
    ])
    expect(progress.update(step(100), NOW + 3 * MINUTE)).toEqual([
      'IN_PROGRESS, stage PRODUCTION_TRAFFIC_SHIFT: production traffic 100% to the new revision'
    ])
  })
})
