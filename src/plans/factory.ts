// Picks the plan for the kind of run the inputs ask for, as actions/setup-node's installer factory picks a
// distribution: a new kind of run is a new file in plans/ and one case here. Each plan is imported only when
// chosen, so a task deploy never loads the service, preview, scheduler or cost code it does not use.
import type { Run, Target } from '../inputs/inputs.js'
import type { Plan, PlanChoice } from '../runner/lifecycle.js'
import type { PullRequest } from '../runner/pull-request.js'

export type PlanKind =
  | 'task-deploy'
  | 'service-deploy'
  | 'preview-close'
  | 'task-stop'
  | 'service-stop'
  | 'permissions'
  | 'job-deploy'
  | 'job-stop'

/** The one pull request action that closes a preview (runner/pull-request.ts CLOSED; not imported, to keep the
 * preview's code out of a run that is no preview). */
const CLOSED = 'closed'

export interface ChosenPlan extends PlanChoice {
  kind: PlanKind
}

/**
 * The plan for this run, bound to what the union knows (a service plan gets its service's name). A preview whose
 * pull request closed, or a preview's stop, closes the preview whatever the target.
 */
export function choosePlan(run: Run, pullRequest: Pick<PullRequest, 'action'> | undefined): ChosenPlan {
  if (run.action === 'permissions')
    return {
      kind: 'permissions',
      deploys: false,
      plan: async (life) => (await import('./permissions.js')).printPolicy(life)
    }
  if (pullRequest && (pullRequest.action === CLOSED || run.action === 'stop'))
    return { kind: 'preview-close', deploys: false, plan: closePreview(run.target) }
  const { target } = run
  switch (target.kind) {
    case 'tasks':
      if (target.schedule !== undefined)
        return run.action === 'deploy'
          ? {
              kind: 'job-deploy',
              deploys: true,
              plan: async (life) => (await import('./job-deploy.js')).deployScheduledJob(life)
            }
          : {
              kind: 'job-stop',
              deploys: false,
              plan: async (life) => (await import('./job-stop.js')).stopScheduledJob(life)
            }
      return run.action === 'deploy'
        ? {
            kind: 'task-deploy',
            deploys: true,
            plan: async (life) => (await import('./task-deploy.js')).deployTasks(life)
          }
        : {
            kind: 'task-stop',
            deploys: false,
            plan: async (life) => (await import('./task-stop.js')).stopTasks(life)
          }
    case 'service': {
      const { name } = target
      // An existing standard ECS service (Terraform, CDK, the console) is told apart by one look-up.
      const existing = async () => import('./existing-service.js')
      return run.action === 'deploy'
        ? {
            kind: 'service-deploy',
            deploys: true,
            plan: async (life) =>
              (await existing()).orExistingService(
                name,
                async (express) => (await import('./service-deploy.js')).deployService(express, name),
                async (standard, service) => (await existing()).deployExistingService(standard, service)
              )(life)
          }
        : {
            kind: 'service-stop',
            deploys: false,
            plan: async (life) =>
              (await existing()).orExistingService(
                name,
                async (express) => (await import('./service-stop.js')).stopService(express, name),
                async (standard, service) => (await existing()).stopExistingService(standard, service)
              )(life)
          }
    }
  }
}

function closePreview(target: Target): Plan {
  return async (life) => (await import('./preview-close.js')).closePreview(life, target)
}
