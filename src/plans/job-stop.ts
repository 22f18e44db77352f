// Plan: stop a scheduled job (mode stop with schedule): delete its schedule and its failure rule (either
// already gone is fine). Its running tasks are left to finish; mode stop without schedule stops them.
import { createStopClients, lazyEventBridgeClient, lazySchedulerClient } from '../aws/clients.js'
import { deleteJob } from '../modes/job-remove.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'
import { escapeHtml } from '../runner/summaries.js'

export async function stopScheduledJob(life: Lifecycle): Promise<Outcome> {
  const { inputs, reporter } = life
  const clients = await createStopClients(inputs.region)
  const result = await deleteJob(
    {
      scheduler: clients.scheduler ?? lazySchedulerClient(inputs.region),
      events: lazyEventBridgeClient(inputs.region)
    },
    { cluster: inputs.cluster, family: inputs.family },
    reporter
  )
  return {
    closeEnvironment: '',
    summary: () =>
      life.writeSummary(
        `<h2>Scheduled job ${escapeHtml(result.scheduleName)} stopped</h2>\n<p>Schedule ${
          result.scheduleDeleted ? 'deleted' : 'already gone'
        }; failure notifications ${result.ruleDeleted ? 'deleted' : 'none'}.</p>\n`
      )
  }
}
