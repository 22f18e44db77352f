// Plan: deploy an ECS Express Mode service. Create or update it (modes/service.ts); a cancelled run deletes a
// service it created and never saw healthy. An existing standard ECS service will be a plan of its own, picked
// here (or in the factory) after a DescribeServices look-up.
import { createDeployClients } from '../aws/clients.js'
import { ServiceCancelledError, deployService as deployExpressService } from '../modes/service.js'
import { ServiceDeployFailure } from '../modes/types.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'
import { STATE, type SavedService } from '../runner/state.js'
import { writeServiceSummary } from '../runner/summaries.js'

export async function deployService(life: Lifecycle, serviceName: string): Promise<Outcome> {
  const { inputs, reporter } = life
  const start = life.deployStart()
  const { signal } = start.cancellation
  signal.addEventListener('abort', () =>
    reporter.warning(
      `Received ${String(signal.reason)}: the run is cancelled; deleting the service if this step created it and it is not healthy yet`
    )
  )
  const clients = await createDeployClients(inputs.region)
  try {
    const result = await deployExpressService(inputs, {
      ...start,
      serviceName,
      clients,
      // At once, for the post step: a step killed before the deployment succeeded leaves the service to it.
      // Only a service this run created, and only when a cancelled run would delete it (as deploy does).
      onService: (change, clusterArn) => {
        if (!change.created || !inputs.stopOnCancel || inputs.waitFor === 'none') return
        const saved: SavedService = { region: inputs.region, clusterArn, serviceArn: change.serviceArn }
        life.save(STATE.createdService, JSON.stringify(saved))
      },
      onDeployed: () => life.save(STATE.serviceDeployed, 'true')
    })
    return {
      url: result.url,
      comment: life.pullRequest && {
        name: result.serviceName,
        image: result.image,
        howToStop: (await import('../runner/pull-request.js')).serviceStopInstructions(
          inputs.region,
          result.serviceArn
        ),
        state: {
          kind: 'running',
          url: result.url,
          stopsAt: result.expiry?.expiresAt,
          ttlSeconds: inputs.ttlSeconds,
          expirySchedule: result.expiry?.scheduleName
        }
      },
      summary: (pullRequest) =>
        writeServiceSummary(inputs.region, result, {
          ttlSeconds: inputs.ttlSeconds,
          stopsAt: result.expiry?.expiresAt,
          expirySchedule: result.expiry?.scheduleName,
          service: true,
          pullRequest
        })
    }
  } catch (error) {
    // The post step deletes the saved service only when a cancelled run's own delete failed.
    const cause = error instanceof ServiceDeployFailure ? error.cause : undefined
    if (cause instanceof ServiceCancelledError && cause.outcome === 'not-deleted') life.leaveForPost()
    throw error
  }
}
