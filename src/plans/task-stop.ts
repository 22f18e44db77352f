// Plan: stop tasks (mode: stop without service): the named tasks, or every running task of the family started by
// this action; then the environment's GitHub deployments marked inactive (by the lifecycle).
import { createStopClients } from '../aws/clients.js'
import { reportStopped, stopTasks as stopEach } from '../modes/stop.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'
import { writeStopSummary } from '../runner/summaries.js'

export async function stopTasks(life: Lifecycle): Promise<Outcome> {
  const { inputs, reporter } = life
  const { ecs } = await createStopClients(inputs.region)
  const result = await stopEach(ecs, {
    cluster: inputs.cluster,
    taskArns: inputs.taskArns,
    family: inputs.family,
    startedBy: inputs.startedBy,
    deadline: Date.now() + inputs.timeoutSeconds * 1000,
    log: (message) => reporter.info(message)
  })
  reportStopped(reporter, result)
  await writeStopSummary(inputs.region, inputs.cluster, result)
  return { closeEnvironment: '' }
}
