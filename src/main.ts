// Runs the mode the inputs ask for, and turns every failure into one clear message.
import * as core from '@actions/core'
import { tmpdir } from 'node:os'
import { createDockerConfigDir } from './docker/docker.js'
import { formatActionError, type ActionError } from './explain/action-error.js'
import { explainError } from './explain/aws-errors.js'
import { scopeFor } from './policy/permissions.js'
import { createCommandRunner } from './docker/command-runner.js'
import type { Inputs } from './inputs/inputs.js'
import { DeployFailure, type Reporter, type StartedTasks } from './modes/types.js'
import { coreReporter } from './runner/reporter.js'
import { STATE } from './runner/state.js'
import { writeDeploySummary, writeFailureSummary, writeStopSummary } from './runner/summaries.js'

export async function run(inputs: Inputs): Promise<void> {
  const reporter = coreReporter()
  try {
    if (inputs.mode === 'deploy') await runDeploy(inputs, reporter)
    else if (inputs.mode === 'stop') await runStop(inputs)
    else await runPermissions(inputs)
  } catch (error) {
    const { explained, started } = explainFailure(error, inputs)
    core.setFailed(formatActionError(explained))
    try {
      await writeFailureSummary(explained, { mode: inputs.mode, region: inputs.region, started })
    } catch {
      // A summary that cannot be written must not hide the failure itself.
    }
  }
}

/** The failure explained, and the record of the tasks a deploy had started before it failed. */
function explainFailure(error: unknown, inputs: Inputs): { explained: ActionError; started?: StartedTasks } {
  const failure = error instanceof DeployFailure ? error : undefined
  return { explained: explainError(failure?.cause ?? error, scopeFor(inputs)), started: failure?.started }
}

async function runDeploy(inputs: Inputs, reporter: Reporter): Promise<void> {
  const [{ createDeployClients }, { deploy }] = await Promise.all([
    import('./aws/clients.js'),
    import('./modes/deploy.js')
  ])
  // First, so a token without deployments write fails the step before anything is pushed or run.
  const deployment = inputs.environmentName
    ? await (await import('./runner/github-deployments.js')).startGitHubDeployment(inputs)
    : undefined
  let url: string | undefined
  try {
    const dockerConfigDir = createDockerConfigDir(process.env['RUNNER_TEMP'] || tmpdir())
    core.saveState(STATE.dockerConfigDir, dockerConfigDir)
    const result = await deploy(inputs, {
      clients: await createDeployClients(inputs.region),
      runner: createCommandRunner(),
      reporter,
      dockerConfigDir,
      onLogin: (registryHost) => core.saveState(STATE.registryHost, registryHost)
    })
    await writeDeploySummary(inputs.region, result)
    url = result.tasks[0]?.url
  } catch (error) {
    try {
      await deployment?.fail(explainFailure(error, inputs).explained.summary)
    } catch (statusError) {
      core.warning(`Could not mark the GitHub deployment failed: ${formatActionError(statusError)}`)
    }
    throw error
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
  if (inputs.environmentName) {
    const { deactivateGitHubEnvironment } = await import('./runner/github-deployments.js')
    const deactivated = await deactivateGitHubEnvironment(inputs)
    core.info(
      `GitHub environment ${inputs.environmentName}: ${deactivated.length} deployment(s) marked inactive`
    )
  }
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
