// The one lifecycle around every plan: everything a run says to the runner and to GitHub besides its own steps.
// Opened: the preview's pull request read (a fork without credentials refused), the cancel signal listened to
// (deploys). Around a deploy: its GitHub deployment started first, the post step's record kept. Finished: the
// environment closed, the preview comment, the summary, the URL. Failed: the error explained once, and that one
// text goes to the GitHub deployment, the preview comment, the step's error and the failure summary.
// Plans (src/plans/) get a Lifecycle and return an Outcome; they never write to the runner themselves.
import * as core from './commands.js'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createCommandRunner, type CommandRunner } from '../docker/command-runner.js'
import { createDockerConfigDir } from '../docker/docker.js'
import { formatActionError, type ActionError } from '../explain/action-error.js'
import type { Inputs, Run } from '../inputs/inputs.js'
import { CancelledError, cancelStopReason, runUrl, type Cancellation } from '../modes/cancel.js'
import { DeployFailure, type Reporter, type StartedTasks } from '../modes/types.js'
import type { GitHubDeployment } from './github-deployments.js'
import type { PreviewComment, PullRequest } from './pull-request.js'
import { coreReporter } from './reporter.js'
import { listenForCancel, type SignalSource } from './signals.js'
import { STATE, type SavedTasks, type StateKey } from './state.js'
import type { FailureContext, Lifetime } from './summaries.js'

export interface LifecycleDeps {
  /** Where the runner's SIGINT and SIGTERM come from. */
  signals: SignalSource
  env: Record<string, string | undefined>
  /** Ends the process once a cancelled run is handled, so a wait left behind cannot outlast the runner's 7.5 s. */
  exit: () => void
}

export const defaultLifecycleDeps = (): LifecycleDeps => ({
  signals: process,
  env: process.env,
  exit: () => process.exit()
})

/** The preview comment as a plan finished it; the lifecycle adds the name, the commit and the run's link. */
export type PreviewNote = Pick<PreviewComment, 'image' | 'howToStop' | 'state'> & { name?: string }

/** What a plan hands back: what the lifecycle tells the runner and GitHub once the plan succeeded. */
export interface Outcome {
  /** Where the deploy serves: the notice, and the GitHub deployment's environment URL. */
  url?: string
  /** The preview comment (preview runs only). */
  comment?: PreviewNote
  /** The environment's GitHub deployments marked inactive, with this description ('' for GitHub's default). */
  closeEnvironment?: string
  /** The step summary, told the preview's line (its pull request, and what its comment got). */
  summary?: (pullRequest: Lifetime['pullRequest']) => Promise<void>
}

/** What the failure summary says beside the error: what the run had done before it failed. */
export type FailureRecord = Pick<FailureContext, 'started' | 'stopped' | 'service' | 'cost'>

/** A plan's deploy dependencies built by the lifecycle: the action's own Docker config and the post step's record. */
export interface DeployStart {
  runner: CommandRunner
  reporter: Reporter
  dockerConfigDir: string
  onLogin: (registryHost: string) => void
  cancellation: Cancellation
  runUrl?: string
}

/** The failure explained once; every place that reports it gets this. */
export class ExplainedFailure extends Error {
  constructor(
    readonly explained: ActionError,
    readonly record: FailureRecord
  ) {
    super(explained.message)
    this.name = 'ExplainedFailure'
  }
}

export interface Lifecycle {
  /** The inputs as the plan uses them: a preview's carry the names derived from its pull request. */
  readonly inputs: Inputs
  readonly reporter: Reporter
  /** The preview's pull request (preview runs only). */
  readonly pullRequest?: PullRequest
  readonly env: Record<string, string | undefined>
  /** Saved for the post step at once, so a killed step still leaves it. */
  save(key: StateKey, value: string): void
  /** Left unfinished: the post step then stops (or deletes) what the main step saved. */
  leaveForPost(): void
  /**
   * The tasks a deploy started, saved at once: a step killed before it stopped them leaves them to the post step.
   */
  saveStartedTasks(started: StartedTasks): void
  /** A failed deploy whose cancelled run could not stop every task it started leaves them to the post step. */
  leaveUnstoppedForPost(error: unknown): void
  /** Deploys: the Docker config, the command runner and the cancellation, set up for a plan. */
  deployStart(): DeployStart
  writeSummary(markdown: string): Promise<void>
}

/** A plan, chosen and bound to its inputs by plans/factory.ts: it runs inside the lifecycle. */
export type Plan = (life: Lifecycle) => Promise<Outcome>

/** The plan chosen, and whether it deploys: a deploy gets its GitHub deployment and the post step's record. */
export interface PlanChoice {
  plan: Plan
  deploys: boolean
}

/** Runs one plan inside the lifecycle; never throws (a failure fails the step, explained once). */
export async function runInLifecycle(
  inputs: Inputs,
  choose: (inputs: Inputs, pullRequest: PullRequest | undefined) => PlanChoice,
  deps: LifecycleDeps = defaultLifecycleDeps()
): Promise<void> {
  const reporter = coreReporter()
  // A deploy starts tasks (or a service), so it is the one to cancel: other runs keep the default (exit at once).
  const cancel = inputs.run.action === 'deploy' ? listenForCancel(deps.signals) : undefined
  // A preview's inputs carry the names derived from the pull request, for the failure explained too.
  let current = inputs
  try {
    const pullRequest = await previewRequest(inputs.run, deps.env)
    if (pullRequest) current = await previewOf(inputs, pullRequest)
    const life = lifecycleOf(current, reporter, deps.env, pullRequest, cancel?.signal)
    const { plan, deploys } = choose(current, pullRequest)
    const outcome = deploys ? await aroundDeploy(life, plan) : await plan(life.api)
    await finish(life, outcome)
  } catch (error) {
    const failure = error instanceof ExplainedFailure ? error : await explainFailure(error, current)
    core.setFailed(formatActionError(failure.explained))
    try {
      const { writeFailureSummary } = await import('./summaries.js')
      await writeFailureSummary(failure.explained, {
        mode: inputs.mode,
        region: inputs.region,
        ...failure.record
      })
    } catch {
      // A summary that cannot be written must not hide the failure itself.
    }
  } finally {
    cancel?.dispose()
  }
  if (cancel?.signal.aborted) deps.exit()
}

/**
 * The pull request of a preview run, its event read (and the fork without credentials refused) up front. The
 * preview's code is loaded only for a preview.
 */
async function previewRequest(
  run: Run,
  env: Record<string, string | undefined>
): Promise<PullRequest | undefined> {
  if (run.action === 'permissions' || !run.preview) return undefined
  const pullRequests = await import('./pull-request.js')
  const pullRequest = pullRequests.readPullRequestEvent(env, (path) => readFileSync(path, 'utf8'))
  const fork = pullRequests.forkWithoutCredentials(pullRequest, env)
  if (fork) throw fork
  return pullRequest
}

/** The preview's inputs: the names derived from the pull request, in the settings and in the run's target. */
async function previewOf(inputs: Inputs, pullRequest: PullRequest): Promise<Inputs> {
  const pullRequests = await import('./pull-request.js')
  const preview = pullRequests.previewInputs(inputs, pullRequest)
  const run: Run =
    inputs.run.action !== 'permissions' && inputs.run.target.kind === 'service'
      ? {
          ...inputs.run,
          target: {
            kind: 'service',
            name: pullRequests.previewName(inputs.run.target.name, pullRequest.number)
          }
        }
      : inputs.run
  const subject =
    run.action !== 'permissions' && run.target.kind === 'service'
      ? `service ${run.target.name}`
      : `family ${preview.family}`
  core.info(
    `Preview of pull request #${pullRequest.number} (${pullRequest.action}): ${subject}, ` +
      `GitHub environment ${preview.environmentName ?? ''}`
  )
  return { ...preview, run }
}

interface OpenLifecycle {
  api: Lifecycle
  finished: () => boolean
}

function lifecycleOf(
  inputs: Inputs,
  reporter: Reporter,
  env: Record<string, string | undefined>,
  pullRequest: PullRequest | undefined,
  signal: AbortSignal | undefined
): OpenLifecycle {
  let finished = true
  const save = (key: StateKey, value: string) => core.saveState(key, value)
  const api: Lifecycle = {
    inputs,
    reporter,
    pullRequest,
    env,
    save,
    leaveForPost: () => {
      finished = false
    },
    saveStartedTasks: (started) => {
      const saved: SavedTasks = {
        region: inputs.region,
        clusterArn: started.clusterArn,
        taskArns: started.tasks.map((task) => task.taskArn)
      }
      save(STATE.startedTasks, JSON.stringify(saved))
    },
    leaveUnstoppedForPost: (error) => {
      const cause = error instanceof DeployFailure ? error.cause : error
      if (cause instanceof CancelledError && cause.notStopped.length > 0) finished = false
    },
    deployStart: () => {
      const dockerConfigDir = createDockerConfigDir(env['RUNNER_TEMP'] || tmpdir())
      save(STATE.dockerConfigDir, dockerConfigDir)
      return {
        runner: createCommandRunner(),
        reporter,
        dockerConfigDir,
        onLogin: (registryHost) => save(STATE.registryHost, registryHost),
        cancellation: {
          signal: signal ?? new AbortController().signal,
          stopReason: cancelStopReason(runUrl(env))
        },
        runUrl: runUrl(env)
      }
    },
    writeSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write()
    }
  }
  return { api, finished: () => finished }
}

/**
 * A deploy: its GitHub deployment started first (a token without deployments write fails the step before
 * anything is pushed or run), marked failed with the failure explained (and a preview's comment says why), and
 * the post step told the main step finished unless the plan left something to it.
 */
async function aroundDeploy(
  life: OpenLifecycle,
  plan: Plan
): Promise<Outcome & { deployment?: GitHubDeployment }> {
  const { inputs, pullRequest } = life.api
  const environment = inputs.environmentName
  const deployment = environment ? await startDeployment(inputs, environment, pullRequest) : undefined
  try {
    return { ...(await plan(life.api)), deployment }
  } catch (error) {
    const failure = await explainFailure(error, inputs)
    try {
      await deployment?.fail(failure.explained.summary)
    } catch (statusError) {
      core.warning(`Could not mark the GitHub deployment failed: ${formatActionError(statusError)}`)
    }
    if (pullRequest)
      await writeComment(life.api, {
        howToStop: [],
        state: { kind: 'failed', reason: formatActionError(failure.explained) }
      })
    throw failure
  } finally {
    if (life.finished()) core.saveState(STATE.mainFinished, 'true')
  }
}

/** A preview's GitHub deployment is implied, not asked for: a token that cannot record it warns. */
async function startDeployment(inputs: Inputs, environment: string, pullRequest: PullRequest | undefined) {
  const { startGitHubDeployment } = await import('./github-deployments.js')
  if (!pullRequest) return startGitHubDeployment(inputs, environment)
  try {
    return await startGitHubDeployment(inputs, environment, { transient: true })
  } catch (error) {
    core.warning(`${formatActionError(error)}\nThe preview goes on without a GitHub deployment.`)
    return undefined
  }
}

/** After the plan succeeded: the environment closed, the comment, the summary, the URL and the deployment. */
async function finish(
  life: OpenLifecycle,
  outcome: Outcome & { deployment?: GitHubDeployment }
): Promise<void> {
  const { inputs, pullRequest } = life.api
  if (outcome.closeEnvironment !== undefined && inputs.environmentName)
    await closeEnvironment(
      inputs,
      inputs.environmentName,
      outcome.closeEnvironment,
      pullRequest !== undefined
    )
  const comment = pullRequest && outcome.comment ? await writeComment(life.api, outcome.comment) : undefined
  await outcome.summary?.(
    pullRequest && {
      number: pullRequest.number,
      environment: inputs.environmentName ?? '',
      comment: comment === 'none' ? undefined : comment
    }
  )
  if (outcome.url) core.notice(`Serving at ${outcome.url}`, { title: 'ecs-fargate-deploy' })
  // A status that cannot be recorded is worth a warning, not a failed step.
  try {
    await outcome.deployment?.succeed(outcome.url)
  } catch (statusError) {
    core.warning(`Could not mark the GitHub deployment successful: ${formatActionError(statusError)}`)
  }
}

/** The environment's deployments marked inactive, so the Environments page offers no dead URL. */
async function closeEnvironment(
  inputs: Inputs,
  environment: string,
  description: string,
  preview: boolean
): Promise<void> {
  const { deactivateGitHubEnvironment } = await import('./github-deployments.js')
  try {
    const deactivated = await deactivateGitHubEnvironment(
      inputs.githubToken,
      environment,
      description || undefined
    )
    core.info(`GitHub environment ${environment}: ${deactivated.length} deployment(s) marked inactive`)
  } catch (error) {
    // A preview's close goes on (its comment still says what was done); stop mode fails.
    if (!preview) throw error
    core.warning(`Could not mark the preview's GitHub deployments inactive: ${formatActionError(error)}`)
  }
}

/** The preview's comment; a comment that cannot be written warns. Returns what the comment got. */
async function writeComment(
  life: Lifecycle,
  note: PreviewNote
): Promise<'created' | 'updated' | 'none' | undefined> {
  const { inputs, pullRequest } = life
  if (!pullRequest) return undefined
  const stopped = note.state.kind === 'stopped'
  const pullRequests = await import('./pull-request.js')
  const written = await pullRequests.writePreviewComment(
    inputs.githubToken,
    pullRequest.number,
    {
      name: note.name ?? pullRequests.previewSubject(inputs),
      commit: pullRequest.headSha,
      image: note.image,
      runUrl: stopped ? undefined : runUrl(life.env),
      howToStop: note.howToStop,
      state: note.state
    },
    (message) => core.warning(message),
    !stopped
  )
  if (written)
    core.info(
      stopped
        ? `Preview comment on pull request #${pullRequest.number}: ${written.change}`
        : `Preview comment ${written.change} on pull request #${pullRequest.number}`
    )
  return written?.change
}

/**
 * The failure explained (with the AccessDenied hint for these inputs), and the record of what the run had done:
 * the tasks it had started (and stopped), or the service it had created or updated. Loaded only on failure.
 */
async function explainFailure(error: unknown, inputs: Inputs): Promise<ExplainedFailure> {
  if (error instanceof ExplainedFailure) return error
  const [{ explainError }, { scopeFor }, { DeployFailure, ServiceDeployFailure }] = await Promise.all([
    import('../explain/aws-errors.js'),
    import('../policy/permissions.js'),
    import('../modes/types.js')
  ])
  if (error instanceof ServiceDeployFailure) {
    return new ExplainedFailure(explainError(error.cause, scopeFor(inputs)), {
      service: { serviceArn: error.serviceArn, created: error.createdService, deleted: error.deleted },
      cost: error.cost
    })
  }
  const failure = error instanceof DeployFailure ? error : undefined
  return new ExplainedFailure(explainError(failure?.cause ?? error, scopeFor(inputs)), {
    started: failure?.started satisfies StartedTasks | undefined,
    stopped: failure?.stopped,
    cost: failure?.cost
  })
}
