// Plan: print the least-privilege policy for the inputs (modes/permissions.ts); changes nothing in AWS.
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { readAccountId } from '../aws/clients.js'
import { runPermissionsMode } from '../modes/permissions.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'

export async function printPolicy(life: Lifecycle): Promise<Outcome> {
  const { inputs, reporter } = life
  await runPermissionsMode(inputs, {
    getAccountId: () => readAccountId(inputs.region),
    setOutput: (name, value) => reporter.setOutput(name, value),
    writeSummary: (markdown) => life.writeSummary(markdown),
    info: (message) => reporter.info(message),
    env: life.env,
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, content) => writeFile(path, content)
  })
  return {}
}
