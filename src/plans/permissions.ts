// Plan: print the least-privilege policy for the inputs (modes/permissions.ts); changes nothing in AWS.
import { readAccountId } from '../aws/clients.js'
import { runPermissionsMode } from '../modes/permissions.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'

export async function printPolicy(life: Lifecycle): Promise<Outcome> {
  const { inputs, reporter } = life
  await runPermissionsMode(inputs, {
    getAccountId: () => readAccountId(inputs.region),
    setOutput: (name, value) => reporter.setOutput(name, value),
    writeSummary: (markdown) => life.writeSummary(markdown),
    info: (message) => reporter.info(message)
  })
  return {}
}
