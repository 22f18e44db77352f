// The post step: log out of the registry and remove the action's own Docker config folder, even when the
// main step failed.
import * as core from '@actions/core'
import { Docker, removeDockerConfigDir } from './docker.js'
import { createCommandRunner } from './exec.js'

export async function post(): Promise<void> {
  const configDir = core.getState('dockerConfigDir')
  const registryHost = core.getState('registryHost')
  if (!configDir) return
  if (registryHost) {
    try {
      await new Docker(createCommandRunner(), configDir).logout(registryHost)
      core.info(`Logged out of ${registryHost}`)
    } catch (error) {
      core.warning(`docker logout ${registryHost} failed: ${(error as Error).message}`)
    }
  }
  removeDockerConfigDir(configDir)
  core.info(`Removed the Docker config folder ${configDir}`)
}
