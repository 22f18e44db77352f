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
    writeFile: (path, content) => writeFile(path, content),
    readExistingService: async () => {
      const service = inputs.serviceName
      if (service === undefined) return undefined
      const [{ createStopClients }, { lookUpService }, { describeRevision, scopeOfRevision }] =
        await Promise.all([
          import('../aws/clients.js'),
          import('../aws/existing-service.js'),
          import('../aws/service-revision.js')
        ])
      const { ecs } = await createStopClients(inputs.region)
      const found = await lookUpService(ecs, { serviceName: service, cluster: inputs.cluster })
      if (found.kind !== 'standard' || !found.service.taskDefinition) return undefined
      return scopeOfRevision(await describeRevision(ecs, found.service.taskDefinition))
    }
  })
  return {}
}
