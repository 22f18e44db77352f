// Plan: `service: NAME` names a standard ECS service that Terraform, CDK, CloudFormation or the console made
// (issue 20). Told apart from an Express Mode service, and from a missing one, by one look-up
// (DescribeServices); those two stay Express Mode's plans. Deploy updates its revision and follows the
// deployment (modes/existing-service.ts); stop refuses to delete it, or scales it to zero (scale-to-zero).
import type { Service } from '@aws-sdk/client-ecs'
import { createDeployClients, createStopClients } from '../aws/clients.js'
import {
  lookUpService,
  unsupportedServiceError,
  updateStandardService,
  type ServiceKind
} from '../aws/existing-service.js'
import {
  ExistingServiceCancelledError,
  existingServiceSummary,
  refuseToDelete,
  updateExistingService
} from '../modes/existing-service.js'
import { ActionError } from '../explain/action-error.js'
import type { Inputs } from '../inputs/inputs.js'
import type { Lifecycle, Outcome, Plan } from '../runner/lifecycle.js'
import { STATE, type SavedDeployment } from '../runner/state.js'

/** DescribeServices (and, for an answer without resourceManagementType, DescribeExpressGatewayService). */
type LookUp = (region: string, target: { serviceName: string; cluster: string }) => Promise<ServiceKind>

const lookUpInRegion: LookUp = async (region, target) =>
  lookUpService((await createStopClients(region)).ecs, target)

/** What a service plan does once the look-up found a standard service. */
type StandardPlan = (life: Lifecycle, service: Service) => Promise<Outcome>

/**
 * The plan for `service: NAME`: the look-up first; a standard service gets `standard`, anything else (missing,
 * Express Mode, draining) the Express plan as before. A service another deployment controller owns is refused.
 */
export function orExistingService(
  serviceName: string,
  express: Plan,
  standard: StandardPlan,
  lookUp: LookUp = lookUpInRegion
): Plan {
  return async (life) => {
    const target = { serviceName, cluster: life.inputs.cluster }
    const found = await lookUp(life.inputs.region, target)
    if (found.kind === 'unsupported') throw unsupportedServiceError(target, found)
    if (found.kind === 'standard') return standard(life, found.service)
    const misplaced = standardOnlyInputs(life.inputs)
    if (misplaced.length > 0) throw expressRefusesError(target, found.kind, misplaced)
    return express(life)
  }
}

/** The inputs only an existing standard service takes, as given. */
export function standardOnlyInputs(
  inputs: Pick<Inputs, 'desiredCount' | 'rollbackOnTimeout' | 'scaleToZero' | 'releaseCommand'>
): string[] {
  return [
    inputs.desiredCount === undefined ? undefined : 'desired-count',
    inputs.rollbackOnTimeout ? 'rollback-on-timeout' : undefined,
    inputs.scaleToZero ? 'scale-to-zero' : undefined,
    inputs.releaseCommand === undefined ? undefined : 'release-command'
  ].filter((name): name is string => name !== undefined)
}

/**
 * Inputs for an existing standard service, given for an Express Mode service or a missing one (which Express
 * Mode would create): refused before anything changes, rather than ignored.
 */
function expressRefusesError(
  target: { serviceName: string; cluster: string },
  kind: 'missing' | 'express' | 'draining' | 'unmarked',
  names: readonly string[]
): ActionError {
  const what =
    kind === 'missing'
      ? 'does not exist (deploy would create it as an ECS Express Mode service)'
      : kind === 'draining'
        ? 'is being deleted'
        : 'is an ECS Express Mode service'
  return new ActionError(
    `Service '${target.serviceName}' in cluster '${target.cluster}' ${what}: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} only for an existing standard ECS service`,
    {
      hint:
        'Check service and cluster when you meant a service made with Terraform, CDK, CloudFormation or the console; ' +
        'for an Express Mode service, leave these inputs out (min-tasks and max-tasks set its count).'
    }
  )
}

export async function deployExistingService(life: Lifecycle, service: Service): Promise<Outcome> {
  const { inputs, reporter } = life
  const start = life.deployStart()
  const { signal } = start.cancellation
  signal.addEventListener('abort', () =>
    reporter.warning(
      `Received ${String(signal.reason)}: the run is cancelled; ` +
        (inputs.stopOnCancel
          ? 'rolling back the deployment this step started (stop-on-cancel)'
          : 'the deployment goes on (stop-on-cancel is false)')
    )
  )
  const clients = await createDeployClients(inputs.region)
  const result = await updateExistingService(inputs, {
    ...start,
    clients,
    service,
    // At once, for the post step: a step killed before its deployment succeeded has it rolled back there.
    onDeployment: (deploymentArn) => {
      if (!inputs.stopOnCancel || inputs.waitFor === 'none') return
      const saved: SavedDeployment = { region: inputs.region, deploymentArn }
      life.save(STATE.serviceDeployment, JSON.stringify(saved))
    },
    onDeployed: () => life.save(STATE.serviceDeployed, 'true')
  }).catch((error: unknown) => {
    // The post step rolls the deployment back only when a cancelled run's own rollback failed.
    if (error instanceof ExistingServiceCancelledError && error.outcome === 'not-rolled-back')
      life.leaveForPost()
    throw error
  })
  return { summary: () => life.writeSummary(existingServiceSummary(inputs.region, result)) }
}

export async function stopExistingService(life: Lifecycle, service: Service): Promise<Outcome> {
  const { inputs, reporter } = life
  const serviceName = service.serviceName ?? inputs.cluster
  reporter.setOutput('service-arn', service.serviceArn ?? '')
  if (!inputs.scaleToZero) throw refuseToDelete(serviceName, inputs.cluster)
  const { ecs } = await createStopClients(inputs.region)
  await updateStandardService(ecs, {
    cluster: service.clusterArn ?? inputs.cluster,
    serviceArn: service.serviceArn!,
    desiredCount: 0
  })
  reporter.info(
    `Service ${serviceName} scaled to 0 tasks (scale-to-zero); it is not deleted, and its auto scaling, if any, may raise the count again`
  )
  await life.writeSummary(
    `### Service ${serviceName} scaled to 0 tasks\n\nIt was not deleted: this action did not make it.`
  )
  return { closeEnvironment: '' }
}
