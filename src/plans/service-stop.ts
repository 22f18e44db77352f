// Plan: delete a service (mode: stop with service), waiting until it is INACTIVE, with its ttl's schedule; a
// service already gone is no error. Then the environment's GitHub deployments marked inactive (by the lifecycle).
import { createStopClients, type StopClients } from '../aws/clients.js'
import { stopService as deleteService } from '../modes/service.js'
import type { ServiceStopResult } from '../modes/types.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'
import { writeServiceStopSummary } from '../runner/summaries.js'

export async function stopService(life: Lifecycle, serviceName: string): Promise<Outcome> {
  await deleteServiceOf(life, serviceName, await createStopClients(life.inputs.region))
  return { closeEnvironment: '' }
}

/** The service deleted (waiting until INACTIVE) with its ttl's schedule; the output and the summary written. */
export async function deleteServiceOf(
  life: Lifecycle,
  serviceName: string,
  clients: StopClients
): Promise<ServiceStopResult> {
  const { inputs, reporter } = life
  const result = await deleteService(clients.ecs, {
    serviceName,
    cluster: inputs.cluster,
    deadline: Date.now() + inputs.timeoutSeconds * 1000,
    log: (message) => reporter.info(message),
    warn: (message) => reporter.warning(message),
    scheduler: clients.scheduler
  })
  reporter.setOutput('service-arn', result.serviceArn ?? '')
  await writeServiceStopSummary(inputs.region, inputs.cluster, result)
  return result
}
