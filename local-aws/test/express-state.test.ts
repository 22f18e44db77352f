import { describe, expect, it } from '@jest/globals'
import {
  circuitBreakerThreshold,
  nextDeployment,
  parseServiceArn,
  type Observation,
  type Progress
} from '../src/state/express.js'

const base: Observation = {
  desired: 2,
  healthy: 0,
  failed: 0,
  threshold: 3,
  hasSource: true,
  sourceStopped: false,
  targetStopped: false,
  baked: false,
  superseded: false
}
const inStage = (lifecycleStage: Progress['lifecycleStage']): Progress => ({
  status: 'IN_PROGRESS',
  lifecycleStage
})
const BREAKER = 'ECS deployment circuit breaker: 3 tasks failed to become healthy.'

describe('service deployment steps', () => {
  it.each<[string, Progress, Partial<Observation>, Progress]>([
    ['PENDING starts scaling up', { status: 'PENDING' }, {}, inStage('SCALE_UP')],
    ['waits for every new task', inStage('SCALE_UP'), { healthy: 1 }, inStage('SCALE_UP')],
    [
      'shifts traffic once the new tasks are healthy',
      inStage('SCALE_UP'),
      { healthy: 2 },
      inStage('PRODUCTION_TRAFFIC_SHIFT')
    ],
    ['bakes after the shift', inStage('PRODUCTION_TRAFFIC_SHIFT'), { healthy: 2 }, inStage('BAKE_TIME')],
    ['keeps baking', inStage('BAKE_TIME'), { healthy: 2 }, inStage('BAKE_TIME')],
    ['cleans up once baked', inStage('BAKE_TIME'), { healthy: 2, baked: true }, inStage('CLEAN_UP')],
    ['waits for the old tasks to stop', inStage('CLEAN_UP'), { baked: true }, inStage('CLEAN_UP')],
    [
      'succeeds once the old tasks stopped',
      inStage('CLEAN_UP'),
      { sourceStopped: true },
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }
    ],
    [
      'a first deployment has no old tasks to wait for',
      inStage('CLEAN_UP'),
      { hasSource: false },
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }
    ],
    [
      'rolls back at the circuit breaker threshold',
      inStage('SCALE_UP'),
      { failed: 3, healthy: 1 },
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER }
    ],
    [
      'rolls back when new tasks fail during the bake time',
      inStage('BAKE_TIME'),
      { failed: 3, healthy: 2 },
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER }
    ],
    [
      'below the threshold it keeps going',
      inStage('SCALE_UP'),
      { failed: 2, healthy: 1 },
      inStage('SCALE_UP')
    ],
    [
      'no rollback once the old tasks are being cleaned up',
      inStage('CLEAN_UP'),
      { failed: 5, sourceStopped: true },
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }
    ],
    [
      'a first deployment that fails stops',
      inStage('SCALE_UP'),
      { failed: 3, hasSource: false },
      { status: 'STOPPED', statusReason: BREAKER }
    ],
    [
      'keeps rolling back while new tasks run',
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER },
      {},
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER }
    ],
    [
      'a rollback ends once the new tasks stopped, even when superseded',
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: BREAKER },
      { targetStopped: true, superseded: true },
      { status: 'ROLLBACK_SUCCESSFUL', statusReason: BREAKER }
    ],
    [
      'a newer deployment stops this one',
      inStage('BAKE_TIME'),
      { superseded: true, healthy: 2 },
      { status: 'STOPPED', statusReason: 'A newer service deployment started.' }
    ],
    [
      'a final status stays',
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' },
      { superseded: true, failed: 9 },
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }
    ]
  ])('%s', (_what, current, seen, expected) => {
    expect(nextDeployment(current, { ...base, ...seen })).toEqual(expected)
  })

  it.each([
    [1, 3],
    [6, 3],
    [7, 4],
    [400, 200],
    [1000, 200]
  ])('the circuit breaker of %d desired tasks trips at %d failures', (desired, threshold) => {
    expect(circuitBreakerThreshold(desired)).toBe(threshold)
  })

  it.each([
    [
      'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
      { region: 'us-east-1', accountId: '123456789012', cluster: 'prod', name: 'web' }
    ],
    ['arn:aws:ecs:us-east-1:123456789012:service/web', undefined],
    ['web', undefined]
  ])('parses the service ARN %s', (arn, parts) => {
    expect(parseServiceArn(arn)).toEqual(parts)
  })
})
