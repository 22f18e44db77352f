// The factory: every kind of run, with and without a preview's pull request, picks one plan.
import { runOf, type Run } from '../../src/inputs/inputs.js'
import { choosePlan, type PlanKind } from '../../src/plans/factory.js'

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
