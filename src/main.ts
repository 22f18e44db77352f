// The main step's switchboard: the inputs (parsed and validated by the entry) name the kind of run, the factory
// picks its plan, and the lifecycle runs it: GitHub, the preview comment, the post step's record, the summary,
// and a failure explained once. Read plans/factory.ts for the kinds of run, runner/lifecycle.ts for the rest.
import type { Inputs } from './inputs/inputs.js'
import { choosePlan, type ChosenPlan } from './plans/factory.js'
import { runInLifecycle, type LifecycleDeps } from './runner/lifecycle.js'
import type { PullRequest } from './runner/pull-request.js'

export interface RunDeps extends LifecycleDeps {
  /** The factory; tests give their own plans. */
  choose: (inputs: Inputs, pullRequest: PullRequest | undefined) => ChosenPlan
}

export const defaultRunDeps = (): RunDeps => ({
  signals: process,
  env: process.env,
  exit: () => process.exit(),
  choose: (inputs, pullRequest) => choosePlan(inputs.run, pullRequest)
})

/** Runs the plan the inputs ask for; never throws: a failure fails the step, explained once. */
export async function run(inputs: Inputs, deps: RunDeps = defaultRunDeps()): Promise<void> {
  await runInLifecycle(inputs, (current, pullRequest) => deps.choose(current, pullRequest), deps)
}
