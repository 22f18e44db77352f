// The names of the values the main step saves for the post step (GITHUB_STATE), each written once: the entry,
// main, post and the tests import them, so a renamed key cannot leave the post step reading nothing.

export const STATE = {
  /** Set by the entry on the main step: the runner then runs the same file as the post step. */
  isPost: 'isPost',
  /** The action's own Docker config folder, removed by the post step. */
  dockerConfigDir: 'dockerConfigDir',
  /** The registry the main step logged in to, logged out of by the post step. */
  registryHost: 'registryHost'
} as const

export type StateKey = (typeof STATE)[keyof typeof STATE]

/** What the runner passes the post step for a saved key: `STATE_<name>` (core.getState reads the same). */
export function stateEnvName(key: StateKey): string {
  return `STATE_${key}`
}
