// The post step: log out of the registry and remove the action's own Docker config folder, even when the
// main step failed.
import * as core from '@actions/core'
import { Docker, removeDockerConfigDir } from './docker/docker.js'
import { STATE } from './runner/state.js'
import { createCommandRunner, type CommandRunner } from './docker/command-runner.js'

export interface PostDeps {
  runner: CommandRunner
  /** The state the main step saved (core.getState). */
  getState: (name: string) => string
  log: { info: (message: string) => void; warning: (message: string) => void }
}

export function defaultPostDeps(): PostDeps {
  return {
    runner: createCommandRunner(),
    getState: (name) => core.getState(name),
    log: { info: (message) => core.info(message), warning: (message) => core.warning(message) }
  }
}

export async function post(deps: PostDeps = defaultPostDeps()): Promise<void> {
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
