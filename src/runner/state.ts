// The names of the values the main step saves for the post step (GITHUB_STATE), each written once: the entry,
// main, post and the tests import them, so a renamed key cannot leave the post step reading nothing.

export const STATE = {
  /** Set by the entry on the main step: the runner then runs the same file as the post step. */
  isPost: 'isPost',
  /** The action's own Docker config folder, removed by the post step. */
  dockerConfigDir: 'dockerConfigDir',
  /** The registry the main step logged in to, logged out of by the post step. */
  registryHost: 'registryHost',
  /** The tasks RunTask started (region, cluster, ARNs), saved at once: the post step stops them if main was killed. */
  startedTasks: 'startedTasks',
  /** Set when the main step finished (or stopped what it started): the post step then stops nothing. */
  mainFinished: 'mainFinished',
  /**
   * Service mode: the service this run created (region, cluster, ARN), saved as soon as it exists: the post step
   * deletes it if main was killed before its deployment succeeded. Never saved for a service that existed.
   */
  createdService: 'createdService',
  /** Set when the created service's deployment succeeded: the post step then leaves it, finished or not. */
  serviceDeployed: 'serviceDeployed',
  /**
   * An existing standard service: the deployment this run's UpdateService started (region, ARN), saved as soon
   * as it is known: the post step rolls it back (StopServiceDeployment ROLLBACK) if main was killed before it
   * succeeded (stop-on-cancel).
   */
  serviceDeployment: 'serviceDeployment'
} as const

/** What the main step saves under STATE.startedTasks. */
export interface SavedTasks {
  region: string
  clusterArn: string
  taskArns: string[]
}

/** Reads STATE.startedTasks back; undefined when it is missing or not what main saves. */
export function parseSavedTasks(text: string): SavedTasks | undefined {
  try {
    const saved = JSON.parse(text) as Partial<SavedTasks> | null
    if (
      typeof saved?.region === 'string' &&
      typeof saved.clusterArn === 'string' &&
      Array.isArray(saved.taskArns) &&
      saved.taskArns.every((arn) => typeof arn === 'string')
    ) {
      return { region: saved.region, clusterArn: saved.clusterArn, taskArns: saved.taskArns }
    }
  } catch {
    // Not JSON: nothing to stop.
  }
  return undefined
}

/** What the main step saves under STATE.createdService. */
export interface SavedService {
  region: string
  clusterArn: string
  serviceArn: string
}

/** Reads STATE.createdService back; undefined when it is missing or not what main saves. */
export function parseSavedService(text: string): SavedService | undefined {
  try {
    const saved = JSON.parse(text) as Partial<SavedService> | null
    if (
      typeof saved?.region === 'string' &&
      typeof saved.clusterArn === 'string' &&
      typeof saved.serviceArn === 'string'
    ) {
      return { region: saved.region, clusterArn: saved.clusterArn, serviceArn: saved.serviceArn }
    }
  } catch {
    // Not JSON: nothing to delete.
  }
  return undefined
}

/** What the main step saves under STATE.serviceDeployment. */
export interface SavedDeployment {
  region: string
  deploymentArn: string
}

/** Reads STATE.serviceDeployment back; undefined when it is missing or not what main saves. */
export function parseSavedDeployment(text: string): SavedDeployment | undefined {
  try {
    const saved = JSON.parse(text) as Partial<SavedDeployment> | null
    if (typeof saved?.region === 'string' && typeof saved.deploymentArn === 'string') {
      return { region: saved.region, deploymentArn: saved.deploymentArn }
    }
  } catch {
    // Not JSON: nothing to roll back.
  }
  return undefined
}

export type StateKey = (typeof STATE)[keyof typeof STATE]

/** What the runner passes the post step for a saved key: `STATE_<name>` (core.getState reads the same). */
export function stateEnvName(key: StateKey): string {
  return `STATE_${key}`
}
