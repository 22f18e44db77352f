// The factory: every kind of run, with and without a preview's pull request, picks one plan.
import { runOf, type Run } from '../../src/inputs/inputs.js'
import type { Service } from '@aws-sdk/client-ecs'
import type { ServiceKind } from '../../src/aws/existing-service.js'
import { orExistingService } from '../../src/plans/existing-service.js'
import { choosePlan, type PlanKind } from '../../src/plans/factory.js'
import type { Lifecycle } from '../../src/runner/lifecycle.js'

const service = (action: 'deploy' | 'stop', preview = false): Run => runOf(action, 'web', preview)
const tasks = (action: 'deploy' | 'stop', preview = false): Run => runOf(action, undefined, preview)

test.each<[string, Run, string | undefined, PlanKind]>([
  ['task deploy', tasks('deploy'), undefined, 'task-deploy'],
  ['service deploy', service('deploy'), undefined, 'service-deploy'],
  ['task stop', tasks('stop'), undefined, 'task-stop'],
  ['service stop', service('stop'), undefined, 'service-stop'],
  ['permissions', runOf('permissions', 'web', true), undefined, 'permissions'],
  ['task preview opened', tasks('deploy', true), 'opened', 'task-deploy'],
  ['service preview synchronized', service('deploy', true), 'synchronize', 'service-deploy'],
  ['task preview closed', tasks('deploy', true), 'closed', 'preview-close'],
  ['service preview closed', service('deploy', true), 'closed', 'preview-close'],
  ['preview stopped by hand', tasks('stop', true), 'opened', 'preview-close'],
  ['scheduled job deploy', runOf('deploy', undefined, false, 'rate(1 hour)'), undefined, 'job-deploy'],
  ['scheduled job stop', runOf('stop', undefined, false, 'rate(1 hour)'), undefined, 'job-stop']
])('%s', (_name, run, action, kind) => {
  expect(choosePlan(run, action === undefined ? undefined : { action }).kind).toBe(kind)
})

test('the run names its target once', () => {
  expect(runOf('deploy', 'web', false)).toEqual({
    action: 'deploy',
    target: { kind: 'service', name: 'web' },
    preview: false
  })
  expect(runOf('stop', undefined, true)).toEqual({ action: 'stop', target: { kind: 'tasks' }, preview: true })
  expect(runOf('permissions', 'web', true)).toEqual({ action: 'permissions' })
  expect(runOf('deploy', undefined, false, 'rate(1 hour)')).toEqual({
    action: 'deploy',
    target: { kind: 'tasks', schedule: 'rate(1 hour)' },
    preview: false
  })
})

describe('service: NAME is told apart by one look-up', () => {
  const life = {
    inputs: { region: 'eu-west-1', cluster: 'web', rollbackOnTimeout: false, scaleToZero: false }
  } as Lifecycle
  const service: Service = { serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/web/shop' }
  const plan = (found: ServiceKind, on: Lifecycle = life) => {
    const asked: unknown[] = []
    const chosen = orExistingService(
      'shop',
      async () => ({ url: 'express' }),
      async (_life, standard) => ({ url: `standard ${standard.serviceArn}` }),
      async (region, target) => {
        asked.push([region, target])
        return found
      }
    )
    return { asked, run: () => chosen(on) }
  }

  test.each<[string, ServiceKind, string]>([
    ['a missing service: Express Mode creates it', { kind: 'missing' }, 'express'],
    ['an Express Mode service', { kind: 'express', service }, 'express'],
    ['a service being deleted: Express Mode says so', { kind: 'draining', service }, 'express'],
    [
      'a standard service: the existing-service plan',
      { kind: 'standard', service },
      `standard ${service.serviceArn}`
    ]
  ])('%s', async (_name, found, url) => {
    const { asked, run } = plan(found)
    expect((await run()).url).toBe(url)
    expect(asked).toEqual([['eu-west-1', { serviceName: 'shop', cluster: 'web' }]])
  })

  test('a service CodeDeploy owns is refused, naming why', async () => {
    const { run } = plan({
      kind: 'unsupported',
      service,
      reason: 'its deployment controller is CODE_DEPLOY',
      hint: 'h'
    })
    await expect(run()).rejects.toThrow(
      "ECS service 'shop' in cluster 'web' cannot be updated by this action: its deployment controller is CODE_DEPLOY"
    )
  })
})

test('inputs only an existing standard service takes are refused for an Express Mode or missing one, not ignored', async () => {
  const service: Service = { serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/web/shop' }
  const life = {
    inputs: {
      region: 'eu-west-1',
      cluster: 'web',
      releaseCommand: ['migrate'],
      desiredCount: 2,
      rollbackOnTimeout: false,
      scaleToZero: false
    }
  } as unknown as Lifecycle
  const planFor = (found: ServiceKind) =>
    orExistingService(
      'shop',
      async () => ({ url: 'express' }),
      async () => ({ url: 'standard' }),
      async () => found
    )
  await expect(planFor({ kind: 'express', service })(life)).rejects.toThrow(
    "Service 'shop' in cluster 'web' is an ECS Express Mode service: desired-count, release-command are only for an existing standard ECS service"
  )
  await expect(planFor({ kind: 'missing' })(life)).rejects.toThrow(
    "Service 'shop' in cluster 'web' does not exist (deploy would create it as an ECS Express Mode service): desired-count, release-command are only for an existing standard ECS service"
  )
  expect((await planFor({ kind: 'standard', service })(life)).url).toBe('standard')
})
