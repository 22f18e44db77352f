import { describe, expect, it } from '@jest/globals'
import { circuitBreakerThreshold, nextDeployment, type Observation } from '../src/state/express.js'

const base: Observation = {
  desired: 2,
  healthy: 0,
  failed: 0,
  threshold: 3,
  hasSource: true,
  sourceDrained: false,
  targetStopped: false,
  superseded: false
}

describe('service deployment steps', () => {
  it.each([
    ['PENDING starts scaling up', 'PENDING', {}, { status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' }],
    [
      'waits for every new task',
      'IN_PROGRESS',
      { healthy: 1 },
      { status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' }
    ],
    [
      'shifts traffic once the new tasks are healthy',
      'IN_PROGRESS',
      { healthy: 2 },
      { status: 'IN_PROGRESS', lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' }
    ],
    [
      'succeeds once the old revision drained',
      'IN_PROGRESS',
      { healthy: 2, sourceDrained: true },
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }
    ],
    [
      'a first deployment succeeds with no source to drain',
      'IN_PROGRESS',
      { healthy: 2, hasSource: false },
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }
    ],
    [
      'rolls back at the circuit breaker threshold',
      'IN_PROGRESS',
      { failed: 3, healthy: 1 },
      {
        status: 'ROLLBACK_IN_PROGRESS',
        statusReason: 'ECS deployment circuit breaker: 3 tasks failed to become healthy.'
      }
    ],
    [
      'a first deployment that fails stops',
      'IN_PROGRESS',
      { failed: 3, hasSource: false },
      { status: 'STOPPED', statusReason: 'ECS deployment circuit breaker: 3 tasks failed to become healthy.' }
    ],
    [
      'keeps rolling back while new tasks run',
      'ROLLBACK_IN_PROGRESS',
      {},
      { status: 'ROLLBACK_IN_PROGRESS' }
    ],
    [
      'a rollback ends once the new tasks stopped',
      'ROLLBACK_IN_PROGRESS',
      { targetStopped: true, superseded: true },
      { status: 'ROLLBACK_SUCCESSFUL' }
    ],
    [
      'a newer deployment stops this one',
      'IN_PROGRESS',
      { superseded: true, healthy: 2 },
      { status: 'STOPPED', statusReason: 'A newer service deployment started.' }
    ],
    ['a final status stays', 'SUCCESSFUL', { superseded: true, failed: 9 }, { status: 'SUCCESSFUL' }]
  ] as const)('%s', (_what, current, seen, expected) => {
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
})
