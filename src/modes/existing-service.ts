// An existing standard ECS service (made with Terraform, CDK, CloudFormation or the console), updated phase by
// phase: the look-ups (the service's revision, the repository) with the build → push → the next revision,
// made from the service's own (aws/service-revision.ts) → the release command, when given, as a one-off task
// on the service's network → UpdateService → the deployment this run started, followed stage by stage
// (aws/express-deployment.ts, shared/deployment-progress.ts). A timeout may roll it back
// (rollback-on-timeout), and so does a cancelled run (stop-on-cancel). The action never creates, deletes or
// reconfigures such a service: it changes its revision and, when asked, its desired count.
import type { Service, ServiceDeployment } from '@aws-sdk/client-ecs'
import { ensureRepository, getRegistryLogin } from '../aws/ecr.js'
import { updateStandardService, type StandardServiceChange } from '../aws/existing-service.js'
import { ServiceDeploymentTimeoutError, waitForServiceDeployment } from '../aws/express-deployment.js'
import { stopDeploymentWithRollback, waitUntilSettled } from '../aws/deployment-rollback.js'
import { placementOfService } from '../aws/release-task.js'
import { serviceTaskLogLines } from '../aws/service-logs.js'
import {
  buildNextRevision,
  describeRevision,
  registerNextRevision,
  type DescribedRevision
} from '../aws/service-revision.js'
import { describeLatestRevision, familyOfArn } from '../aws/task-definition.js'
import { Docker } from '../docker/docker.js'
import { ActionError } from '../explain/action-error.js'
import type { Inputs, Platform } from '../inputs/inputs.js'
import { lastSegment } from '../shared/arn.js'
import type { Clock } from '../shared/clock.js'
import { DeploymentProgress } from '../shared/deployment-progress.js'
import { ecsTags } from '../shared/tags.js'
import { CANCEL_STOP_TIMEOUT_MS, signalNameOf } from './cancel.js'
import {
  checkPlatform,
  firstPhaseName,
  phaseRunner,
  pushImage,
  reportPushed,
  type PhaseDeps
} from './phases.js'
import { awslogsOf, runRelease } from './release.js'

export { ReleaseFailedError } from './release.js'

export interface ExistingServiceDeps extends PhaseDeps {
  /** The service as the look-up described it (plans/factory.ts → lookUpService). */
  service: Service
  /** Told the deployment this run started as soon as it is known (the post step rolls it back if killed). */
  onDeployment?: (deploymentArn: string) => void
  /** Told as soon as the deployment succeeded. */
  onDeployed?: () => void
}

/** What the update did, for the summary. */
export interface ExistingServiceResult {
  serviceName: string
  serviceArn: string
  clusterArn: string
  image: string
  previousImage?: string
  containerName: string
  taskDefinitionArn: string
  previousTaskDefinitionArn: string
  reused: boolean
  /** False when the service already ran this exact revision and nothing else was asked: no deployment. */
  updated: boolean
  deploymentArn?: string
  deploymentStatus?: string
  releaseExitCode?: number
  phases: Array<{ name: string; ms: number }>
}

/** How long a rollback asked for at the timeout is followed, at most, before the step fails anyway. */
const ROLLBACK_FOLLOW_MS = 5 * 60_000

/** The run was cancelled during the deployment: rolled back (stop-on-cancel), or left to ECS. */
export class ExistingServiceCancelledError extends ActionError {
  constructor(
    signalName: string,
    readonly deploymentArn: string | undefined,
    readonly outcome: 'rolled-back' | 'left' | 'not-started' | 'not-rolled-back',
    reason?: string
  ) {
    const id = deploymentArn ? lastSegment(deploymentArn) : ''
    const what = {
      'rolled-back': `deployment ${id} is being rolled back (StopServiceDeployment ROLLBACK): the previous revision serves`,
      left: `deployment ${id} goes on in ECS (stop-on-cancel is false)`,
      'not-started': 'before the service was updated: nothing changed',
      'not-rolled-back': `deployment ${id} could not be rolled back${reason ? ` (${reason})` : ''}: it goes on in ECS`
    }[outcome]
    super(`The run was cancelled (${signalName}): ${what}`)
    this.name = 'ExistingServiceCancelledError'
  }
}

export async function updateExistingService(
  inputs: Inputs,
  deps: ExistingServiceDeps
): Promise<ExistingServiceResult> {
  const { reporter, clients, service } = deps
  const { signal, clock, phases, timed } = phaseRunner(deps)
  const docker = new Docker(deps.runner, deps.dockerConfigDir)
  const serviceArn = service.serviceArn!
  const serviceName = service.serviceName ?? lastSegment(serviceArn)
  const clusterArn = service.clusterArn ?? inputs.cluster
  const currentArn = service.taskDefinition
  if (!currentArn) throw new ActionError(`Service ${serviceName} names no task definition to update`)

  const prepared = await timed(firstPhaseName(inputs), async () => {
    // The image is built for the platform the service's revision runs on, so the build waits for the revision.
    const revision = describeRevision(clients.ecs, currentArn)
    const build = inputs.context
      ? revision.then((current) =>
          docker.build(
            inputs.context!,
            inputs.dockerfile,
            `${inputs.repository}:${inputs.tag}`,
            platformOfRevision(current)
          )
        )
      : Promise.resolve()
    const [login, repository, current] = await Promise.all([
      getRegistryLogin(clients.ecr),
      ensureRepository(clients.ecr, {
        name: inputs.repository,
        create: inputs.createRepository,
        tags: inputs.tags
      }),
      revision,
      build
    ])
    reporter.setSecret(login.password)
    if (repository.created) reporter.info(`Created ECR repository ${inputs.repository}`)
    reporter.info(
      `Service ${serviceName} is a standard ECS service (${service.launchType ?? 'capacity providers'}, ` +
        `deployment controller ${service.deploymentController?.type ?? 'ECS'}): updating its revision ` +
        `${lastSegment(currentArn)}`
    )
    return { login, repository, current }
  })
  const pushed = await timed('Push the image', () => pushImage(inputs, deps, docker, prepared))
  reportPushed(reporter, pushed, { cluster: { clusterArn } })

  const { current } = prepared
  const next = await timed('Register the task definition', async () => {
    const built = buildNextRevision(current, {
      image: pushed.image,
      repository: prepared.repository.repositoryUri,
      containerName: inputs.given.containerName ? inputs.containerName : undefined,
      environment: inputs.environment.length > 0 ? inputs.environment : undefined,
      secrets: inputs.secrets.length > 0 ? inputs.secrets : undefined,
      command: inputs.command,
      cpu: inputs.given.cpu ? inputs.cpu : undefined,
      memory: inputs.given.memory ? inputs.memory : undefined,
      tags: ecsTags(inputs.tags)
    })
    const family = current.family ?? familyOfArn(currentArn)
    const latest = (await describeLatestRevision(clients.ecs, family)) as DescribedRevision | undefined
    const [registered] = await Promise.all([
      registerNextRevision(clients.ecs, built.input, [current, latest]),
      checkPlatform(
        { ...inputs, platform: platformOfRevision(current) },
        deps,
        docker,
        pushed,
        "the service's task definition's runtimePlatform"
      )
    ])
    reporter.info(
      `Container ${built.containerName}: ${built.previousImage ?? 'no image'} → ${pushed.image}; ` +
        (registered.reused
          ? `reusing ${registered.taskDefinitionArn}: it already matches`
          : `registered ${registered.taskDefinitionArn}`)
    )
    reporter.setOutput('task-definition-arn', registered.taskDefinitionArn)
    return { ...built, ...registered }
  })

  const result: ExistingServiceResult = {
    serviceName,
    serviceArn,
    clusterArn,
    image: pushed.image,
    previousImage: next.previousImage,
    containerName: next.containerName,
    taskDefinitionArn: next.taskDefinitionArn,
    previousTaskDefinitionArn: currentArn,
    reused: next.reused,
    updated: false,
    phases
  }
  reporter.setOutput('service-arn', serviceArn)

  if (inputs.releaseCommand) {
    const container = current.containerDefinitions?.find((c) => c.name === next.containerName)
    result.releaseExitCode = await timed('Run the release command', () =>
      runRelease(deps, {
        cluster: clusterArn,
        name: serviceName,
        what: 'the service was not updated (no deployment started)',
        taskDefinitionArn: next.taskDefinitionArn,
        containerName: next.containerName,
        command: inputs.releaseCommand!,
        placement: placementOfService(deps.service),
        tags: inputs.tags,
        log: container && awslogsOf(container),
        deadline: clock.now() + inputs.timeoutSeconds * 1000,
        clock
      })
    )
  }

  // Re-running a deploy of the image the service runs changes nothing: no deployment (ECS would start none for
  // an UpdateService that changes nothing either, unless forced).
  if (next.taskDefinitionArn === currentArn && inputs.desiredCount === undefined) {
    reporter.info(
      `Service ${serviceName} already runs ${lastSegment(currentArn)} with this image: nothing to update`
    )
    return result
  }

  if (signal.aborted) throw new ExistingServiceCancelledError(signalNameOf(signal), undefined, 'not-started')
  // Not cut short by a cancellation: the deployment it starts must be known, to be rolled back.
  const updateStart = clock.now()
  const change = await reporter.group(`Update service ${serviceName}`, async () => {
    const made = await updateStandardService(
      clients.ecs,
      {
        cluster: clusterArn,
        serviceArn,
        taskDefinitionArn: next.taskDefinitionArn,
        desiredCount: inputs.desiredCount
      },
      { clock }
    )
    reporter.info(
      `Updated service ${serviceArn}: ${lastSegment(currentArn)} → ${lastSegment(next.taskDefinitionArn)}` +
        (inputs.desiredCount === undefined ? '' : `, desired count ${inputs.desiredCount}`)
    )
    return made
  })
  phases.push({ name: 'Update the service', ms: clock.now() - updateStart })
  result.updated = true
  let deploymentArn = change.deploymentArn
  const known = (arn: string) => {
    if (deploymentArn === arn && result.deploymentArn) return
    deploymentArn = arn
    result.deploymentArn = arn
    reporter.setOutput('deployment-arn', arn)
    deps.onDeployment?.(arn)
  }
  if (deploymentArn) known(deploymentArn)

  if (inputs.waitFor === 'none') {
    reporter.info('wait-for is none: the deployment goes on in ECS')
    return result
  }
  const waitStart = clock.now()
  try {
    const deployment = await reporter.group('Wait for the deployment', () =>
      followDeployment(inputs, deps, clock, change, current, next.taskDefinitionArn, known)
    )
    result.deploymentStatus = deployment.status
    deps.onDeployed?.()
    return result
  } catch (error) {
    if (!signal.aborted) throw error
    throw await rollBackOnCancel(inputs, deps, signalNameOf(signal), deploymentArn)
  } finally {
    phases.push({ name: 'Wait for the deployment', ms: clock.now() - waitStart })
  }
}

/** The deployment followed stage by stage; at the timeout, rolled back when rollback-on-timeout asks for it. */
async function followDeployment(
  inputs: Inputs,
  deps: ExistingServiceDeps,
  clock: Clock,
  change: StandardServiceChange,
  current: DescribedRevision,
  nextArn: string,
  known: (arn: string) => void
): Promise<ServiceDeployment> {
  const { clients, reporter } = deps
  const progress = new DeploymentProgress()
  const onPoll = (deployment: ServiceDeployment) => {
    if (deployment.serviceDeploymentArn) known(deployment.serviceDeploymentArn)
    // AWS's text (alarm names, hook ids) is data: printed so that the runner takes none of it as a command.
    const lines = progress.update(deployment, clock.now())
    if (lines.length > 0) reporter.untrusted(lines)
  }
  const deadline = clock.now() + inputs.timeoutSeconds * 1000
  try {
    const { deployment } = await waitForServiceDeployment(clients.ecs, {
      serviceArn: change.serviceArn,
      cluster: deps.service.clusterArn ?? inputs.cluster,
      startedAfter: change.requestedAt,
      knownDeployments: change.previousDeployments,
      deploymentArn: change.deploymentArn,
      deadline,
      clock,
      onPoll,
      hintContext: {
        assignPublicIp: deps.service.networkConfiguration?.awsvpcConfiguration?.assignPublicIp === 'ENABLED',
        hasExecutionRole: current.executionRoleArn !== undefined,
        logGroup: (current.containerDefinitions ?? []).map(awslogsOf).find(Boolean)?.logGroup
      },
      lastLogLines: serviceTaskLogLines(
        clients.logs,
        [{ ...current, taskDefinitionArn: nextArn }, current],
        inputs.region
      )
    })
    return deployment
  } catch (error) {
    if (
      !(error instanceof ServiceDeploymentTimeoutError) ||
      !inputs.rollbackOnTimeout ||
      !error.deploymentArn
    )
      throw error
    const id = lastSegment(error.deploymentArn)
    reporter.warning(`Deployment ${id} did not finish within timeout: rolling it back (rollback-on-timeout)`)
    const stopped = await stopDeploymentWithRollback(clients.ecs, error.deploymentArn)
    if (!stopped.stopped) {
      error.details = [error.details, `The rollback was refused (${stopped.reason}): ${stopped.message}`]
        .filter(Boolean)
        .join('\n')
      throw error
    }
    const settled = await waitUntilSettled(clients.ecs, error.deploymentArn, {
      deadline: clock.now() + ROLLBACK_FOLLOW_MS,
      clock,
      onPoll
    })
    throw new ActionError(
      `Deployment ${id} did not finish within timeout (${inputs.timeoutSeconds} s) and was rolled back` +
        (settled?.status ? `: it ended ${settled.status}` : ' (still rolling back when the step ended)'),
      {
        details: error.details,
        hint: 'Raise timeout when the deployment needs longer (bake times count too).'
      }
    )
  }
}

/** A cancelled run: the deployment this run started stopped with a rollback (stop-on-cancel), in time. */
async function rollBackOnCancel(
  inputs: Inputs,
  deps: ExistingServiceDeps,
  signalName: string,
  deploymentArn: string | undefined
): Promise<ExistingServiceCancelledError> {
  const fail = (outcome: ExistingServiceCancelledError['outcome'], reason?: string) => {
    const error = new ExistingServiceCancelledError(signalName, deploymentArn, outcome, reason)
    deps.reporter.warning(error.message)
    return error
  }
  if (!deploymentArn) return fail('not-rolled-back', 'the deployment was not known yet')
  if (!inputs.stopOnCancel) return fail('left')
  try {
    const stopped = await Promise.race([
      stopDeploymentWithRollback(deps.clients.ecs, deploymentArn),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('timed out')), CANCEL_STOP_TIMEOUT_MS).unref()
      )
    ])
    return stopped.stopped ? fail('rolled-back') : fail('not-rolled-back', stopped.message)
  } catch (error) {
    return fail('not-rolled-back', (error as Error).message)
  }
}

/** The platform a revision runs on: its runtimePlatform's, else Fargate's default, linux/amd64 (X86_64). */
export function platformOfRevision(revision: Pick<DescribedRevision, 'runtimePlatform'>): Platform {
  return revision.runtimePlatform?.cpuArchitecture === 'ARM64' ? 'linux/arm64' : 'linux/amd64'
}

/** mode stop with a standard service: refused (never deleted), or scaled to zero with scale-to-zero. */
export function refuseToDelete(serviceName: string, cluster: string): ActionError {
  return new ActionError(
    `Service ${serviceName} in cluster ${cluster} is a standard ECS service this action did not make: mode stop does not delete it`,
    {
      hint:
        'Delete it where it was made (terraform destroy, cdk destroy, the CloudFormation stack, the console), ' +
        'or set scale-to-zero: true to have this step scale it to 0 tasks (desired count 0; its auto scaling ' +
        'may raise it again).'
    }
  )
}

/** The step summary of an existing service's update. */
export function existingServiceSummary(region: string, result: ExistingServiceResult): string {
  const console = `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${lastSegment(result.clusterArn)}/services/${result.serviceName}/health?region=${region}`
  const lines = [
    `### Service ${result.serviceName} ${result.updated ? 'updated' : 'unchanged'}`,
    '',
    `- Service: [${result.serviceName}](${console})`,
    `- Container ${result.containerName}: \`${result.previousImage ?? 'none'}\` → \`${result.image}\``,
    `- Revision: ${lastSegment(result.previousTaskDefinitionArn)} → ${lastSegment(result.taskDefinitionArn)}${result.reused ? ' (reused)' : ''}`,
    ...(result.releaseExitCode === undefined ? [] : [`- Release command: exited ${result.releaseExitCode}`]),
    ...(result.deploymentArn
      ? [
          `- Deployment ${lastSegment(result.deploymentArn)}: ${result.deploymentStatus ?? 'started (not waited for)'}`
        ]
      : []),
    '',
    '| Phase | Time |',
    '| --- | --- |',
    ...result.phases.map((phase) => `| ${phase.name} | ${(phase.ms / 1000).toFixed(1)} s |`)
  ]
  return lines.join('\n')
}
