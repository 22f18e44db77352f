// The post step: stop the tasks a killed main step left running (and delete the service it created and never saw
// deployed), log out of the registry and remove the action's own Docker config folder, even when main failed.
import * as core from './runner/commands.js'
import type { ECSClient } from '@aws-sdk/client-ecs'
import { Docker, removeDockerConfigDir } from './docker/docker.js'
import { STATE, parseSavedDeployment, parseSavedService, parseSavedTasks } from './runner/state.js'
import { createCommandRunner, type CommandRunner } from './docker/command-runner.js'
import { runUrl, stopReasonFor } from './modes/cancel.js'
import { formatActionError } from './explain/action-error.js'

export interface PostDeps {
  runner: CommandRunner
  /** The state the main step saved (core.getState). */
  getState: (name: string) => string
  log: { info: (message: string) => void; warning: (message: string) => void }
  /** The ECS client for the region of the tasks to stop or the service to delete (loaded only when needed). */
  ecsFor: (region: string) => Promise<ECSClient>
  env: Record<string, string | undefined>
}

export function defaultPostDeps(): PostDeps {
  return {
    runner: createCommandRunner(),
    getState: (name) => core.getState(name),
    log: { info: (message) => core.info(message), warning: (message) => core.warning(message) },
    ecsFor: async (region) => (await (await import('./aws/clients.js')).createStopClients(region)).ecs,
    env: process.env
  }
}

export async function post(deps: PostDeps = defaultPostDeps()): Promise<void> {
  await stopWhatMainLeft(deps)
  await deleteServiceMainLeft(deps)
  await rollBackDeploymentMainLeft(deps)
  const { getState, log } = deps
  const configDir = getState(STATE.dockerConfigDir)
  const registryHost = getState(STATE.registryHost)
  if (!configDir) return
  if (registryHost) {
    try {
      await new Docker(deps.runner, configDir).logout(registryHost)
      log.info(`Logged out of ${registryHost}`)
    } catch (error) {
      log.warning(`docker logout ${registryHost} failed: ${(error as Error).message}`)
    }
  }
  removeDockerConfigDir(configDir)
  log.info(`Removed the Docker config folder ${configDir}`)
}

/**
 * The main step saved the tasks it started, and records when it finished: without that record it was killed
 * (cancelled, and not done within the runner's 10 s) before it could stop them, so stop those still running.
 */
async function stopWhatMainLeft(deps: PostDeps): Promise<void> {
  const { getState, log } = deps
  const saved = parseSavedTasks(getState(STATE.startedTasks))
  if (!saved || getState(STATE.mainFinished) === 'true') return
  const reason = stopReasonFor(
    'Stopped by ecs-fargate-deploy (post step): the main step was cancelled before it finished',
    runUrl(deps.env)
  )
  try {
    const { stopTasks } = await import('./modes/stop.js')
    const result = await stopTasks(await deps.ecsFor(saved.region), {
      cluster: saved.clusterArn,
      taskArns: saved.taskArns,
      family: '',
      startedBy: '',
      deadline: Date.now(),
      reason,
      waitUntilStopped: false,
      log: (message) => log.info(message)
    })
    const stopped = result.stopped.filter((arn) => !result.alreadyStopped.includes(arn))
    if (stopped.length > 0) log.warning(`The main step did not finish: stopped ${stopped.join(', ')}`)
  } catch (error) {
    log.warning(
      `The main step did not finish, and ${saved.taskArns.join(', ')} could not be stopped: ${formatActionError(error)}. ` +
        'Stop them with mode: stop.'
    )
  }
}

/**
 * Service mode: the main step saved the service it created, and records when that service's deployment
 * succeeded and when it finished. Killed before either, it left a service that never served: delete that one
 * (and only it; a service that existed before the run is never saved).
 */
async function deleteServiceMainLeft(deps: PostDeps): Promise<void> {
  const { getState, log } = deps
  const saved = parseSavedService(getState(STATE.createdService))
  if (!saved || getState(STATE.mainFinished) === 'true' || getState(STATE.serviceDeployed) === 'true') return
  try {
    const { requestServiceDelete } = await import('./aws/express-service.js')
    const outcome = await requestServiceDelete(await deps.ecsFor(saved.region), saved.serviceArn)
    log.warning(
      outcome === 'deleted'
        ? `The main step did not finish: deleted service ${saved.serviceArn}, which it created and never saw deployed`
        : `The main step did not finish: service ${saved.serviceArn} is deleted already`
    )
  } catch (error) {
    log.warning(
      `The main step did not finish, and service ${saved.serviceArn}, which it created, could not be deleted: ` +
        `${formatActionError(error)}. Delete it with mode: stop.`
    )
  }
}

/**
 * An existing standard service: the main step saved the deployment its UpdateService started, and records when
 * it succeeded and when main finished. Killed before either, that deployment is rolled back (stop-on-cancel):
 * the previous revision serves again. A deployment that has ended already is refused by ECS, and left.
 */
async function rollBackDeploymentMainLeft(deps: PostDeps): Promise<void> {
  const { getState, log } = deps
  const saved = parseSavedDeployment(getState(STATE.serviceDeployment))
  if (!saved || getState(STATE.mainFinished) === 'true' || getState(STATE.serviceDeployed) === 'true') return
  try {
    const { stopDeploymentWithRollback } = await import('./aws/deployment-rollback.js')
    const outcome = await stopDeploymentWithRollback(await deps.ecsFor(saved.region), saved.deploymentArn)
    log.warning(
      outcome.stopped
        ? `The main step did not finish: rolling back deployment ${saved.deploymentArn} (StopServiceDeployment ROLLBACK)`
        : `The main step did not finish; deployment ${saved.deploymentArn} was not rolled back: ${outcome.message}`
    )
  } catch (error) {
    log.warning(
      `The main step did not finish, and deployment ${saved.deploymentArn} could not be rolled back: ` +
        `${formatActionError(error)}. Roll it back with aws ecs stop-service-deployment --stop-type ROLLBACK.`
    )
  }
}
