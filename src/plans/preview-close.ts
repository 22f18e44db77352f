// Plan: a pull request closed (or mode: stop on it): every task of its preview stopped and its security group and
// task definitions removed, or its service deleted (with the ttl's schedule). The lifecycle then marks the
// preview's GitHub deployments inactive and updates the comment with what was done.
import { createStopClients, type StopClients } from '../aws/clients.js'
import type { Target } from '../inputs/inputs.js'
import { cleanUpPreview, stopPreview } from '../modes/preview.js'
import { reportStopped } from '../modes/stop.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'
import type { PullRequest } from '../runner/pull-request.js'
import { writeStopSummary } from '../runner/summaries.js'

export async function closePreview(life: Lifecycle, target: Target): Promise<Outcome> {
  const { inputs, pullRequest } = life
  if (!pullRequest) throw new Error('A preview closes only on its pull request')
  const clients = await createStopClients(inputs.region)
  const what =
    target.kind === 'service'
      ? await deleteServicePreview(life, target.name, clients)
      : await stopTaskPreview(life, pullRequest, clients)
  return {
    closeEnvironment: `Pull request #${pullRequest.number} closed: preview ${target.kind === 'service' ? 'deleted' : 'stopped'}`,
    comment: { howToStop: [], state: { kind: 'stopped', what, environment: inputs.environmentName } }
  }
}

/** A task preview closed: its running tasks stopped, then its security group and task definitions removed. */
async function stopTaskPreview(
  life: Lifecycle,
  pullRequest: PullRequest,
  clients: StopClients
): Promise<string> {
  const { inputs, reporter } = life
  const deadline = Date.now() + inputs.timeoutSeconds * 1000
  const log = (message: string) => reporter.info(message)
  const result = await stopPreview(clients.ecs, {
    cluster: inputs.cluster,
    family: inputs.family,
    startedBy: inputs.startedBy,
    pullRequest: pullRequest.number,
    deadline,
    log
  })
  reportStopped(reporter, result)
  const { removed } = await cleanUpPreview(inputs, clients, {
    deadline,
    log,
    warn: (message) => reporter.warning(message)
  })
  await writeStopSummary(inputs.region, inputs.cluster, result, removed)
  return `${result.stopped.length - result.alreadyStopped.length} task(s) stopped${removed && `, ${removed}`}`
}

/** A service preview closed: the service deleted (and its ttl's schedule). Returns what was done, in words. */
async function deleteServicePreview(
  life: Lifecycle,
  serviceName: string,
  clients: StopClients
): Promise<string> {
  const { deleteServiceOf } = await import('./service-stop.js')
  const result = await deleteServiceOf(life, serviceName, clients)
  return result.deleted
    ? `service \`${result.serviceName}\` deleted`
    : `service \`${result.serviceName}\` was deleted already (its ttl, or by hand)`
}
