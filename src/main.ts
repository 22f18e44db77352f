// Runs the mode the inputs ask for, and turns every failure into one clear message.
import * as core from '@actions/core'
import { tmpdir } from 'node:os'
import { createDockerConfigDir } from './docker/docker.js'
import { formatActionError, type ActionError } from './explain/action-error.js'
import { explainError } from './explain/aws-errors.js'
import { scopeFor } from './policy/permissions.js'
import { createCommandRunner } from './docker/command-runner.js'
import type { Inputs } from './inputs/inputs.js'
import { DeployFailure, ServiceDeployFailure, type Reporter, type StartedTasks } from './modes/types.js'
import { coreReporter } from './runner/reporter.js'
import { STATE, type SavedTasks } from './runner/state.js'
import { listenForCancel, type SignalSource } from './runner/signals.js'
import { CancelledError, cancelStopReason, runUrl } from './modes/cancel.js'
import {
  writeDeploySummary,
  writeFailureSummary,
  writeServiceStopSummary,
  writeServiceSummary,
  writeStopSummary,
  type FailureContext
} from './runner/summaries.js'

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
  try {
    if (inputs.mode === 'deploy' && inputs.serviceName)
      await runServiceDeploy(inputs, reporter, cancel!.signal, deps.env)
    else if (inputs.mode === 'deploy') await runDeploy(inputs, reporter, cancel!.signal, deps.env)
    else if (inputs.mode === 'stop' && inputs.serviceName) await runServiceStop(inputs)
    else if (inputs.mode === 'stop') await runStop(inputs)
    else await runPermissions(inputs)
  } catch (error) {
    const { explained, started, stopped, service } = explainFailure(error, inputs)
    core.setFailed(formatActionError(explained))
    try {
      await writeFailureSummary(explained, {
        mode: inputs.mode,
        region: inputs.region,
        started,
        stopped,
        service
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
} {
  if (error instanceof ServiceDeployFailure) {
    return {
      explained: explainError(error.cause, scopeFor(inputs)),
      service: { serviceArn: error.serviceArn, created: error.createdService, deleted: error.deleted }
    }
  }
  const failure = error instanceof DeployFailure ? error : undefined
  return {
    explained: explainError(failure?.cause ?? error, scopeFor(inputs)),
    started: failure?.started,
    stopped: failure?.stopped
  }
}

async function runDeploy(
  inputs: Inputs,
  reporter: Reporter,
  signal: AbortSignal,
  env: Record<string, string | undefined>
): Promise<void> {
  signal.addEventListener('abort', () =>
    core.warning(`Received ${String(signal.reason)}: the run is cancelled; stopping what this step started`)
  )
  const [{ createDeployClients }, { deploy }] = await Promise.all([
    import('./aws/clients.js'),
    import('./modes/deploy.js')
  ])
  // First, so a token without deployments write fails the step before anything is pushed or run.
  const deployment = inputs.environmentName
    ? await (await import('./runner/github-deployments.js')).startGitHubDeployment(inputs)
    : undefined
  let url: string | undefined
  // The post step stops the saved tasks unless this is set: left unset only when a cancelled run's stop failed.
  let finished = true
  try {
    const dockerConfigDir = createDockerConfigDir(process.env['RUNNER_TEMP'] || tmpdir())
    core.saveState(STATE.dockerConfigDir, dockerConfigDir)
    const result = await deploy(inputs, {
      clients: await createDeployClients(inputs.region),
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
    await writeDeploySummary(inputs.region, result)
    url = result.tasks[0]?.url
  } catch (error) {
    const cause = error instanceof DeployFailure ? error.cause : error
    if (cause instanceof CancelledError && inputs.stopOnCancel && cause.notStopped.length > 0)
      finished = false
    try {
      await deployment?.fail(explainFailure(error, inputs).explained.summary)
    } catch (statusError) {
      core.warning(`Could not mark the GitHub deployment failed: ${formatActionError(statusError)}`)
    }
    throw error
  } finally {
    if (finished) core.saveState(STATE.mainFinished, 'true')
  }
  if (url) core.notice(`Serving at ${url}`, { title: 'ecs-fargate-deploy' })
  // The deploy succeeded: a status that cannot be recorded is worth a warning, not a failed step.
  try {
    await deployment?.succeed(url)
  } catch (statusError) {
    core.warning(`Could not mark the GitHub deployment successful: ${formatActionError(statusError)}`)
  }
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
  env: Record<string, string | undefined>
): Promise<void> {
  signal.addEventListener('abort', () =>
    core.warning(
      `Received ${String(signal.reason)}: the run is cancelled; deleting the service if this step created it and it is not healthy yet`
    )
  )
  const [{ createDeployClients }, { deployService }] = await Promise.all([
    import('./aws/clients.js'),
    import('./modes/service.js')
  ])
  const deployment = inputs.environmentName
    ? await (await import('./runner/github-deployments.js')).startGitHubDeployment(inputs)
    : undefined
  let url: string | undefined
  try {
    const dockerConfigDir = createDockerConfigDir(process.env['RUNNER_TEMP'] || tmpdir())
    core.saveState(STATE.dockerConfigDir, dockerConfigDir)
    const result = await deployService(inputs, {
      clients: await createDeployClients(inputs.region),
      runner: createCommandRunner(),
      reporter,
      dockerConfigDir,
      onLogin: (registryHost) => core.saveState(STATE.registryHost, registryHost),
      cancellation: { signal, stopReason: cancelStopReason(runUrl(env)) }
    })
    await writeServiceSummary(inputs.region, result)
    url = result.url
  } catch (error) {
    try {
      await deployment?.fail(explainFailure(error, inputs).explained.summary)
    } catch (statusError) {
      core.warning(`Could not mark the GitHub deployment failed: ${formatActionError(statusError)}`)
    }
    throw error
  } finally {
    // Service mode saves no tasks for the post step to stop.
    core.saveState(STATE.mainFinished, 'true')
  }
  if (url) core.notice(`Serving at ${url}`, { title: 'ecs-fargate-deploy' })
  try {
    await deployment?.succeed(url)
  } catch (statusError) {
    core.warning(`Could not mark the GitHub deployment successful: ${formatActionError(statusError)}`)
  }
}

/** mode: stop with service: delete the service, wait until it is INACTIVE; a service already gone is no error. */
async function runServiceStop(inputs: Inputs): Promise<void> {
  const [{ createStopClients }, { stopService }] = await Promise.all([
    import('./aws/clients.js'),
    import('./modes/service.js')
  ])
  const { ecs } = await createStopClients(inputs.region)
  const result = await stopService(ecs, {
    serviceName: inputs.serviceName!,
    cluster: inputs.cluster,
    deadline: Date.now() + inputs.timeoutSeconds * 1000,
    log: (message) => core.info(message)
  })
  core.setOutput('service-arn', result.serviceArn ?? '')
  await writeServiceStopSummary(inputs.region, inputs.cluster, result)
  await deactivateEnvironment(inputs)
}

async function runPermissions(inputs: Inputs): Promise<void> {
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
    info: (message) => core.info(message)
  })
}
