// Runs the mode the inputs ask for, and turns every failure into one clear message.
import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createDockerConfigDir } from './docker/docker.js'
import { formatActionError, type ActionError } from './explain/action-error.js'
import { explainError } from './explain/aws-errors.js'
import { scopeFor } from './policy/permissions.js'
import { createCommandRunner } from './docker/command-runner.js'
import { formatTtl, type Inputs } from './inputs/inputs.js'
import {
  DeployFailure,
  ServiceDeployFailure,
  type DeployResult,
  type Reporter,
  type ServiceDeployResult,
  type ServiceStopResult,
  type StartedTasks
} from './modes/types.js'
import { coreReporter } from './runner/reporter.js'
import { STATE, type SavedService, type SavedTasks } from './runner/state.js'
import { listenForCancel, type SignalSource } from './runner/signals.js'
import { CancelledError, cancelStopReason, runUrl } from './modes/cancel.js'
import * as previewModule from './runner/pull-request.js'
import {
  formatStopTime,
  writeDeploySummary,
  writeFailureSummary,
  writeServiceStopSummary,
  writeServiceSummary,
  writeStopSummary,
  type FailureContext,
  type Lifetime
} from './runner/summaries.js'
import type { PullRequest } from './runner/pull-request.js'
import type { GitHubDeployment } from './runner/github-deployments.js'
import type { DeployClients, StopClients } from './aws/clients.js'

export interface RunDeps {
  /** Where the runner's SIGINT and SIGTERM come from. */
  signals: SignalSource
  env: Record<string, string | undefined>
  /** Ends the process once a cancelled run is handled, so a wait left behind cannot outlast the runner's 7.5 s. */
  exit: () => void
}

const defaultRunDeps = (): RunDeps => ({ signals: process, env: process.env, exit: () => process.exit() })

export async function run(inputs: Inputs, deps: RunDeps = defaultRunDeps()): Promise<void> {
  const reporter = coreReporter()
  // Deploy mode starts tasks, so it is the one to cancel: the other modes keep the default (exit at once).
  const cancel = inputs.mode === 'deploy' ? listenForCancel(deps.signals) : undefined
  // A preview's inputs carry the names derived from the pull request, for the failure explained too.
  let current = inputs
  try {
    const pullRequest = inputs.preview && inputs.mode !== 'permissions' ? readPreview(deps.env) : undefined
    if (pullRequest) current = previewOf(inputs, pullRequest)
    if (pullRequest && (pullRequest.action === previewModule.CLOSED || inputs.mode === 'stop'))
      await runPreviewClose(current, pullRequest)
    else if (inputs.mode === 'deploy' && inputs.serviceName)
      await runServiceDeploy(current, reporter, cancel!.signal, deps.env, pullRequest)
    else if (inputs.mode === 'deploy')
      await runDeploy(current, reporter, cancel!.signal, deps.env, pullRequest)
    else if (inputs.mode === 'stop' && inputs.serviceName) await runServiceStop(inputs)
    else if (inputs.mode === 'stop') await runStop(inputs)
    else await runPermissions(inputs, deps.env)
  } catch (error) {
    const { explained, started, stopped, service, cost } = explainFailure(error, current)
    core.setFailed(formatActionError(explained))
    try {
      await writeFailureSummary(explained, {
        mode: inputs.mode,
        region: inputs.region,
        started,
        stopped,
        service,
        cost
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
 * The failure explained, and the record of the tasks a deploy had started (and stopped), or of the service it
 * had created or updated, before it failed.
 */
function explainFailure(
  error: unknown,
  inputs: Inputs
): {
  explained: ActionError
  started?: StartedTasks
  stopped?: string[]
  service?: FailureContext['service']
  cost?: FailureContext['cost']
} {
  if (error instanceof ServiceDeployFailure) {
    return {
      explained: explainError(error.cause, scopeFor(inputs)),
      service: { serviceArn: error.serviceArn, created: error.createdService, deleted: error.deleted },
      cost: error.cost
    }
  }
  const failure = error instanceof DeployFailure ? error : undefined
  return {
    explained: explainError(failure?.cause ?? error, scopeFor(inputs)),
    started: failure?.started,
    stopped: failure?.stopped,
    cost: failure?.cost
  }
}

/** The pull request of a preview run, its event read (and the fork without credentials refused) up front. */
function readPreview(env: Record<string, string | undefined>): PullRequest {
  const pullRequest = previewModule.readPullRequestEvent(env, (path) => readFileSync(path, 'utf8'))
  const fork = previewModule.forkWithoutCredentials(pullRequest, env)
  if (fork) throw fork
  return pullRequest
}

function previewOf(inputs: Inputs, pullRequest: PullRequest): Inputs {
  const preview = previewModule.previewInputs(inputs, pullRequest)
  const subject = preview.serviceName ? `service ${preview.serviceName}` : `family ${preview.family}`
  core.info(
    `Preview of pull request #${pullRequest.number} (${pullRequest.action}): ${subject}, ` +
      `GitHub environment ${preview.environmentName!}`
  )
  return preview
}

/** A preview's GitHub deployment is implied, not asked for: a token that cannot record it warns. */
async function startDeployment(inputs: Inputs, pullRequest: PullRequest | undefined) {
  const { startGitHubDeployment } = await import('./runner/github-deployments.js')
  if (!pullRequest) return startGitHubDeployment(inputs)
  try {
    return await startGitHubDeployment(inputs, { transient: true })
  } catch (error) {
    core.warning(`${formatActionError(error)}\nThe preview goes on without a GitHub deployment.`)
    return undefined
  }
}

async function runDeploy(
  inputs: Inputs,
  reporter: Reporter,
  signal: AbortSignal,
  env: Record<string, string | undefined>,
  pullRequest?: PullRequest
): Promise<void> {
  signal.addEventListener('abort', () =>
    core.warning(`Received ${String(signal.reason)}: the run is cancelled; stopping what this step started`)
  )
  const [{ createDeployClients }, { deploy }] = await Promise.all([
    import('./aws/clients.js'),
    import('./modes/deploy.js')
  ])
  // First, so a token without deployments write fails the step before anything is pushed or run.
  const deployment = inputs.environmentName ? await startDeployment(inputs, pullRequest) : undefined
  let url: string | undefined
  // The post step stops the saved tasks unless this is set: left unset only when a cancelled run's stop failed.
  let finished = true
  try {
    const dockerConfigDir = createDockerConfigDir(process.env['RUNNER_TEMP'] || tmpdir())
    core.saveState(STATE.dockerConfigDir, dockerConfigDir)
    const clients = await createDeployClients(inputs.region)
    const result = await deploy(inputs, {
      clients,
      runner: createCommandRunner(),
      reporter,
      dockerConfigDir,
      onLogin: (registryHost) => core.saveState(STATE.registryHost, registryHost),
      // At once, for the post step: a step killed before it stopped its tasks leaves them to the post step.
      onStarted: (started) => {
        if (!inputs.stopOnCancel || inputs.waitFor === 'none') return
        const saved: SavedTasks = {
          region: inputs.region,
          clusterArn: started.clusterArn,
          taskArns: started.tasks.map((task) => task.taskArn)
        }
        core.saveState(STATE.startedTasks, JSON.stringify(saved))
      },
      cancellation: { signal, stopReason: cancelStopReason(runUrl(env)) }
    })
    // The timer started before the deploy ended: the ttl runs out by then at the latest.
    const stopsAt =
      inputs.ttlSeconds === undefined ? undefined : new Date(Date.now() + inputs.ttlSeconds * 1000)
    if (stopsAt)
      core.info(`Stops by itself by ${formatStopTime(stopsAt)} (ttl ${formatTtl(inputs.ttlSeconds!)})`)
    const comment = pullRequest
      ? await finishPreview(inputs, pullRequest, { clients, result, stopsAt, env })
      : undefined
    await writeDeploySummary(inputs.region, result, {
      ttlSeconds: inputs.ttlSeconds,
      stopsAt,
      pullRequest: pullRequest && previewLifetime(inputs, pullRequest, comment)
    })
    url = result.tasks[0]?.url
  } catch (error) {
    const cause = error instanceof DeployFailure ? error.cause : error
    if (cause instanceof CancelledError && inputs.stopOnCancel && cause.notStopped.length > 0)
      finished = false
    await reportDeployFailure(deployment, error, inputs, pullRequest, env)
    throw error
  } finally {
    if (finished) core.saveState(STATE.mainFinished, 'true')
  }
  await reportDeploySuccess(deployment, url)
}

/** A deploy that failed: its GitHub deployment marked failed, and a preview's comment says why. */
async function reportDeployFailure(
  deployment: GitHubDeployment | undefined,
  error: unknown,
  inputs: Inputs,
  pullRequest: PullRequest | undefined,
  env: Record<string, string | undefined>
): Promise<void> {
  try {
    await deployment?.fail(explainFailure(error, inputs).explained.summary)
  } catch (statusError) {
    core.warning(`Could not mark the GitHub deployment failed: ${formatActionError(statusError)}`)
  }
  if (pullRequest) await writeFailedPreviewComment(inputs, pullRequest, error, env)
}

/** A deploy that succeeded: its URL as a notice, and its GitHub deployment marked successful. */
async function reportDeploySuccess(deployment: GitHubDeployment | undefined, url: string | undefined) {
  if (url) core.notice(`Serving at ${url}`, { title: 'ecs-fargate-deploy' })
  // A status that cannot be recorded is worth a warning, not a failed step.
  try {
    await deployment?.succeed(url)
  } catch (statusError) {
    core.warning(`Could not mark the GitHub deployment successful: ${formatActionError(statusError)}`)
  }
}

/** The summary's line on the preview: its pull request, environment and what its comment got. */
function previewLifetime(
  inputs: Inputs,
  pullRequest: PullRequest,
  comment: 'created' | 'updated' | 'none' | undefined
): NonNullable<Lifetime['pullRequest']> {
  return {
    number: pullRequest.number,
    environment: inputs.environmentName!,
    comment: comment === 'none' ? undefined : comment
  }
}

/** The preview's comment after a failed deploy: the reason; the previous commit's preview, if any, still runs. */
async function writeFailedPreviewComment(
  inputs: Inputs,
  pullRequest: PullRequest,
  error: unknown,
  env: Record<string, string | undefined>
): Promise<void> {
  await previewModule.writePreviewComment(
    inputs.githubToken,
    pullRequest.number,
    {
      name: previewModule.previewSubject(inputs),
      commit: pullRequest.headSha,
      runUrl: runUrl(env),
      howToStop: [],
      state: { kind: 'failed', reason: formatActionError(explainFailure(error, inputs).explained) }
    },
    (message) => core.warning(message)
  )
}

/**
 * After a preview deployed: the preview of the previous commit stopped (the new one answers already), and the
 * pull request's comment updated. Neither fails the deploy: each warns instead. Returns what the comment got.
 */
async function finishPreview(
  inputs: Inputs,
  pullRequest: PullRequest,
  done: {
    clients: DeployClients
    result: DeployResult
    stopsAt?: Date
    env: Record<string, string | undefined>
  }
): Promise<'created' | 'updated' | 'none' | undefined> {
  const { stopEarlierTasks, replacedReason } = await import('./modes/preview.js')
  const taskArns = done.result.tasks.map((task) => task.taskArn)
  try {
    const stopped = await stopEarlierTasks(done.clients.ecs, {
      cluster: done.result.clusterArn,
      family: inputs.family,
      startedBy: inputs.startedBy,
      keep: taskArns,
      reason: replacedReason(pullRequest.number, pullRequest.headSha),
      deadline: Date.now() + inputs.timeoutSeconds * 1000,
      log: (message) => core.info(message)
    })
    if (stopped.length > 0) core.info(`Replaced the earlier preview: stopping ${stopped.join(', ')}`)
  } catch (error) {
    const explained = explainError(error, scopeFor(inputs))
    core.warning(`Could not stop the earlier preview of ${inputs.family}: ${formatActionError(explained)}`)
  }
  const written = await previewModule.writePreviewComment(
    inputs.githubToken,
    pullRequest.number,
    {
      name: previewModule.previewSubject(inputs),
      commit: pullRequest.headSha,
      image: done.result.image,
      runUrl: runUrl(done.env),
      howToStop: previewModule.taskStopInstructions(inputs.region, inputs.cluster, taskArns),
      state: {
        kind: 'running',
        url: done.result.tasks[0]?.url,
        stopsAt: done.stopsAt,
        ttlSeconds: inputs.ttlSeconds
      }
    },
    (message) => core.warning(message)
  )
  if (written) core.info(`Preview comment ${written.change} on pull request #${pullRequest.number}`)
  return written?.change
}

/**
 * The pull request closed (or mode stop on it): every task of its preview stopped, or its service deleted (with
 * the ttl's schedule), then GitHub told: the deployments inactive, the comment updated.
 */
async function runPreviewClose(inputs: Inputs, pullRequest: PullRequest): Promise<void> {
  const [{ createStopClients }, { deactivateGitHubEnvironment }] = await Promise.all([
    import('./aws/clients.js'),
    import('./runner/github-deployments.js')
  ])
  const clients = await createStopClients(inputs.region)
  const what = inputs.serviceName
    ? await deleteServicePreview(inputs, clients)
    : await stopTaskPreview(inputs, pullRequest, clients)
  try {
    const deactivated = await deactivateGitHubEnvironment(
      inputs,
      `Pull request #${pullRequest.number} closed: preview ${inputs.serviceName ? 'deleted' : 'stopped'}`
    )
    core.info(
      `GitHub environment ${inputs.environmentName!}: ${deactivated.length} deployment(s) marked inactive`
    )
  } catch (error) {
    core.warning(`Could not mark the preview's GitHub deployments inactive: ${formatActionError(error)}`)
  }
  const written = await previewModule.writePreviewComment(
    inputs.githubToken,
    pullRequest.number,
    {
      name: previewModule.previewSubject(inputs),
      commit: pullRequest.headSha,
      howToStop: [],
      state: { kind: 'stopped', what, environment: inputs.environmentName }
    },
    (message) => core.warning(message),
    false
  )
  if (written) core.info(`Preview comment on pull request #${pullRequest.number}: ${written.change}`)
}

/**
 * A task preview closed: its running tasks stopped, then its security group and task definitions removed.
 * Returns what was done, in words, for the comment.
 */
async function stopTaskPreview(
  inputs: Inputs,
  pullRequest: PullRequest,
  clients: StopClients
): Promise<string> {
  const { stopPreview, cleanUpPreview } = await import('./modes/preview.js')
  const deadline = Date.now() + inputs.timeoutSeconds * 1000
  const log = (message: string) => core.info(message)
  const result = await stopPreview(clients.ecs, {
    cluster: inputs.cluster,
    family: inputs.family,
    startedBy: inputs.startedBy,
    pullRequest: pullRequest.number,
    deadline,
    log
  })
  core.setOutput('stopped-task-arns', JSON.stringify(result.stopped))
  const { removed } = await cleanUpPreview(inputs, clients, { deadline, log, warn: core.warning })
  await writeStopSummary(inputs.region, inputs.cluster, result, removed)
  return `${result.stopped.length - result.alreadyStopped.length} task(s) stopped${removed && `, ${removed}`}`
}

/** A service preview closed: the service deleted (and its ttl's schedule). Returns what was done, in words. */
async function deleteServicePreview(inputs: Inputs, clients: StopClients): Promise<string> {
  const result = await stopServiceOf(inputs, clients)
  return result.deleted
    ? `service \`${result.serviceName}\` deleted`
    : `service \`${result.serviceName}\` was deleted already (its ttl, or by hand)`
}

async function runStop(inputs: Inputs): Promise<void> {
  const [{ createStopClients }, { stopTasks }] = await Promise.all([
    import('./aws/clients.js'),
    import('./modes/stop.js')
  ])
  const { ecs } = await createStopClients(inputs.region)
  const result = await stopTasks(ecs, {
    cluster: inputs.cluster,
    taskArns: inputs.taskArns,
    family: inputs.family,
    startedBy: inputs.startedBy,
    deadline: Date.now() + inputs.timeoutSeconds * 1000,
    log: (message) => core.info(message)
  })
  core.setOutput('stopped-task-arns', JSON.stringify(result.stopped))
  await writeStopSummary(inputs.region, inputs.cluster, result)
  await deactivateEnvironment(inputs)
}

/** Stop mode: environment-name's deployments marked inactive, so the Environments page offers no dead URL. */
async function deactivateEnvironment(inputs: Inputs): Promise<void> {
  if (!inputs.environmentName) return
  const { deactivateGitHubEnvironment } = await import('./runner/github-deployments.js')
  const deactivated = await deactivateGitHubEnvironment(inputs)
  core.info(
    `GitHub environment ${inputs.environmentName}: ${deactivated.length} deployment(s) marked inactive`
  )
}

/**
 * Service mode (service set): create or update the Express Mode service, then the summary and the GitHub
 * deployment with the service's URL. A cancelled run deletes a service it created and never saw healthy.
 */
async function runServiceDeploy(
  inputs: Inputs,
  reporter: Reporter,
  signal: AbortSignal,
  env: Record<string, string | undefined>,
  pullRequest?: PullRequest
): Promise<void> {
  signal.addEventListener('abort', () =>
    core.warning(
      `Received ${String(signal.reason)}: the run is cancelled; deleting the service if this step created it and it is not healthy yet`
    )
  )
  const [{ createDeployClients }, { deployService, ServiceCancelledError }] = await Promise.all([
    import('./aws/clients.js'),
    import('./modes/service.js')
  ])
  const deployment = inputs.environmentName ? await startDeployment(inputs, pullRequest) : undefined
  let url: string | undefined
  // The post step deletes the saved service unless this is set: left unset only when a cancelled run's delete failed.
  let finished = true
  try {
    const dockerConfigDir = createDockerConfigDir(process.env['RUNNER_TEMP'] || tmpdir())
    core.saveState(STATE.dockerConfigDir, dockerConfigDir)
    const result = await deployService(inputs, {
      clients: await createDeployClients(inputs.region),
      runner: createCommandRunner(),
      reporter,
      dockerConfigDir,
      onLogin: (registryHost) => core.saveState(STATE.registryHost, registryHost),
      // At once, for the post step: a step killed before the deployment succeeded leaves the service to it.
      // Only a service this run created, and only when a cancelled run would delete it (as deploy does).
      onService: (change, clusterArn) => {
        if (!change.created || !inputs.stopOnCancel || inputs.waitFor === 'none') return
        const saved: SavedService = { region: inputs.region, clusterArn, serviceArn: change.serviceArn }
        core.saveState(STATE.createdService, JSON.stringify(saved))
      },
      onDeployed: () => core.saveState(STATE.serviceDeployed, 'true'),
      cancellation: { signal, stopReason: cancelStopReason(runUrl(env)) },
      runUrl: runUrl(env)
    })
    const comment = pullRequest
      ? await writeServicePreviewComment(inputs, pullRequest, result, env)
      : undefined
    await writeServiceSummary(inputs.region, result, {
      ttlSeconds: inputs.ttlSeconds,
      stopsAt: result.expiry?.expiresAt,
      expirySchedule: result.expiry?.scheduleName,
      service: true,
      pullRequest: pullRequest && previewLifetime(inputs, pullRequest, comment)
    })
    url = result.url
  } catch (error) {
    const cause = error instanceof ServiceDeployFailure ? error.cause : undefined
    if (cause instanceof ServiceCancelledError && cause.outcome === 'not-deleted') finished = false
    await reportDeployFailure(deployment, error, inputs, pullRequest, env)
    throw error
  } finally {
    if (finished) core.saveState(STATE.mainFinished, 'true')
  }
  await reportDeploySuccess(deployment, url)
}

/** A service preview deployed: its comment, with the URL, the image, the expiry and how to delete it now. */
async function writeServicePreviewComment(
  inputs: Inputs,
  pullRequest: PullRequest,
  result: ServiceDeployResult,
  env: Record<string, string | undefined>
): Promise<'created' | 'updated' | 'none' | undefined> {
  const written = await previewModule.writePreviewComment(
    inputs.githubToken,
    pullRequest.number,
    {
      name: result.serviceName,
      commit: pullRequest.headSha,
      image: result.image,
      runUrl: runUrl(env),
      howToStop: previewModule.serviceStopInstructions(inputs.region, result.serviceArn),
      state: {
        kind: 'running',
        url: result.url,
        stopsAt: result.expiry?.expiresAt,
        ttlSeconds: inputs.ttlSeconds,
        expirySchedule: result.expiry?.scheduleName
      }
    },
    (message) => core.warning(message)
  )
  if (written) core.info(`Preview comment ${written.change} on pull request #${pullRequest.number}`)
  return written?.change
}

/** mode: stop with service: delete the service, wait until it is INACTIVE; a service already gone is no error. */
async function runServiceStop(inputs: Inputs): Promise<void> {
  const { createStopClients } = await import('./aws/clients.js')
  await stopServiceOf(inputs, await createStopClients(inputs.region))
  await deactivateEnvironment(inputs)
}

/** The service deleted (waiting until INACTIVE) with its ttl's schedule; the output and the summary written. */
async function stopServiceOf(inputs: Inputs, clients: StopClients): Promise<ServiceStopResult> {
  const { stopService } = await import('./modes/service.js')
  const result = await stopService(clients.ecs, {
    serviceName: inputs.serviceName!,
    cluster: inputs.cluster,
    deadline: Date.now() + inputs.timeoutSeconds * 1000,
    log: (message) => core.info(message),
    warn: (message) => core.warning(message),
    scheduler: clients.scheduler
  })
  core.setOutput('service-arn', result.serviceArn ?? '')
  await writeServiceStopSummary(inputs.region, inputs.cluster, result)
  return result
}

async function runPermissions(inputs: Inputs, env: Record<string, string | undefined>): Promise<void> {
  const [{ createStsClient }, { runPermissionsMode }] = await Promise.all([
    import('./aws/clients.js'),
    import('./modes/permissions.js')
  ])
  await runPermissionsMode(inputs, {
    getAccountId: async () => {
      const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
      const sts = await createStsClient(inputs.region)
      return (await sts.send(new GetCallerIdentityCommand({}))).Account
    },
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write()
    },
    info: (message) => core.info(message),
    env,
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, content) => writeFile(path, content)
  })
}
