// Service mode (the service input): deploy an ECS Express Mode service, phase by phase, reusing deploy's push
// and roles: prepareServiceResources (the look-ups and creates, with the infrastructure role) → pushImage →
// registerRevision (a task-definition template only) → createOrUpdateService → waitForService. Stop mode's
// side is deleteService (aws/express-service.ts); main.ts wires both.
import type { ServiceDeployment } from '@aws-sdk/client-ecs'
import type { SchedulerFactory } from '../aws/clients.js'
import { ensureCluster } from '../aws/cluster.js'
import { ensureRepository, getRegistryLogin } from '../aws/ecr.js'
import { waitForServiceDeployment } from '../aws/express-deployment.js'
import {
  createOrUpdateService,
  deleteService,
  requestServiceDelete,
  describeServiceState,
  removeExpiryTag,
  type ServiceChange,
  type ServiceSpec,
  type ServiceState
} from '../aws/express-service.js'
import { ensureInfrastructureRole, ensureTtlRole, resolveTaskRole } from '../aws/iam.js'
import { deleteServiceExpiry, scheduleServiceExpiry, type Expiry } from '../aws/scheduler.js'
import { ensureLogGroup } from '../aws/log-group.js'
import { describeLatestRevision } from '../aws/task-definition.js'
import { Docker } from '../docker/docker.js'
import { ActionError } from '../explain/action-error.js'
import { CPU_ARCHITECTURES, formatTtl } from '../inputs/facts.js'
import type { Inputs } from '../inputs/inputs.js'
import { lastSegment, parseArn } from '../shared/arn.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { ecsTags } from '../shared/tags.js'
import { EXPIRES_AT_TAG, expiryTime } from '../shared/ttl-role.js'
import { signalNameOf, type Cancellation } from './cancel.js'
import { SERVICE_COST_NOTE, reportHourlyCost, serviceCost } from './cost.js'
import {
  checkPlatform,
  firstPhaseName,
  phaseRunner,
  prepareExecutionRole,
  pushImage,
  registerRevision,
  reportPushed,
  type PhaseDeps
} from './phases.js'
import { healthCheckUrl, waitHealthy } from './health.js'
import { ServiceDeployFailure, type ServiceDeployResult, type ServiceStopResult } from './types.js'

export interface ServiceDeployDeps extends PhaseDeps {
  /** The service, as the run's target names it (a preview's name derived from its pull request). */
  serviceName: string
  /** Told the service as soon as the create or update returns (the service-arn output is set then too). */
  onService?: (change: ServiceChange, clusterArn: string) => void
  /** Told as soon as the deployment this run started succeeded (before any health check of wait-for healthy). */
  onDeployed?: () => void
  /** For wait-for healthy; the global fetch unless given. */
  fetch?: typeof fetch
  /** Said in the ttl schedule's description. */
  runUrl?: string
}

/** How long the delete of a cancelled run's service may take: the runner kills the step 7.5 s after SIGINT. */
const CANCEL_DELETE_TIMEOUT_MS = 4000

/** The run was cancelled during a service deploy: what became of the service. */
export class ServiceCancelledError extends ActionError {
  constructor(
    readonly signalName: string,
    readonly serviceArn: string,
    readonly outcome: 'deleted' | 'deployed' | 'left' | 'kept' | 'not-deleted',
    reason?: string
  ) {
    const name = lastSegment(serviceArn)
    const what = {
      deleted: `deleted service ${name}, which this run created and never saw healthy`,
      deployed: `service ${name} was deployed (its deployment succeeded) and is left running`,
      left: `service ${name} existed before this run: its deployment goes on, and ECS rolls it back if it fails`,
      kept: `service ${name} was left as it is (stop-on-cancel is false)`,
      'not-deleted': `service ${name}, which this run created, could not be deleted${reason ? ` (${reason})` : ''}`
    }[outcome]
    super(`The run was cancelled (${signalName}): ${what}`, {
      hint:
        outcome === 'not-deleted' || outcome === 'kept'
          ? `The service runs (and is billed) until deleted: run this action with mode: stop and service: ${name}.`
          : undefined
    })
    this.name = 'ServiceCancelledError'
  }
}

export async function deployService(inputs: Inputs, deps: ServiceDeployDeps): Promise<ServiceDeployResult> {
  const { reporter } = deps
  const { serviceName } = deps
  const { signal, clock, phases, timed } = phaseRunner(deps)
  const docker = new Docker(deps.runner, deps.dockerConfigDir)

  const prepared = await timed(firstPhaseName(inputs), () => prepareServiceResources(inputs, deps, docker))
  const pushed = await timed('Push the image', async () => {
    const image = await pushImage(inputs, deps, docker, prepared)
    // With a template the check runs beside the registration instead.
    if (!inputs.taskDefinitionTemplate) await checkPlatform(inputs, deps, docker, image)
    return image
  })
  reportPushed(reporter, pushed, prepared)

  let taskDefinitionArn: string | undefined
  if (inputs.taskDefinitionTemplate) {
    const revision = await timed('Register the task definition', async () => {
      const [registered] = await Promise.all([
        registerRevision(inputs, deps, prepared, pushed.image),
        checkPlatform(inputs, deps, docker, pushed)
      ])
      return registered
    })
    taskDefinitionArn = revision.taskDefinitionArn
    reporter.setOutput('task-definition-arn', taskDefinitionArn)
  }

  // The ttl counts from this deploy: the tag and the schedule carry the same time.
  const expiresAt =
    inputs.ttlSeconds === undefined ? undefined : new Date(clock.now() + inputs.ttlSeconds * 1000)
  const spec = serviceSpec(inputs, {
    serviceName,
    clusterArn: prepared.cluster.clusterArn,
    image: pushed.image,
    executionRoleArn: prepared.executionRole.roleArn,
    taskRoleArn: prepared.taskRoleArn,
    infrastructureRoleArn: prepared.infrastructureRole.roleArn,
    taskDefinitionArn,
    expiresAt
  })
  // Not cut short by a cancellation: the service the call makes must be known, to be cleaned up.
  const changeStart = clock.now()
  const change = await reporter.group(`Create or update service ${serviceName}`, async () => {
    const made = await createOrUpdateService(deps.clients.ecs, spec, {
      clock: deps.clock ?? systemClock,
      newRole: prepared.executionRole.isNew || prepared.infrastructureRole.isNew
    })
    reporter.info(
      made.created
        ? `Created service ${made.serviceArn}`
        : `Updated service ${made.serviceArn}${made.adopted ? ' (created by a concurrent run)' : ''}`
    )
    return made
  })
  phases.push({
    name: change.created ? 'Create the service' : 'Update the service',
    ms: clock.now() - changeStart
  })
  // At once, whatever happens next: a teardown job can delete the service with it.
  reporter.setOutput('service-arn', change.serviceArn)
  if (change.url) reporter.setOutput('url', change.url)
  deps.onService?.(change, prepared.cluster.clusterArn)

  let succeeded = false
  // Known once made, for a cancelled run that deletes the service: its schedule goes too.
  let expiry: Expiry | undefined
  try {
    if (signal.aborted) throw signal.reason
    const ttl =
      expiresAt || change.previousExpiry
        ? await timed(expiresAt ? 'Schedule the ttl' : 'Remove the ttl', () =>
            setOrRemoveExpiry(inputs, deps, change, prepared.ttlRole, expiresAt)
          )
        : {}
    expiry = ttl.expiry
    const waited = await timed(`Wait for ${inputs.waitFor}`, () =>
      waitForService(inputs, { ...deps, clock }, prepared.cluster.clusterArn, change, () => {
        succeeded = true
        deps.onDeployed?.()
      })
    )
    const url = waited.state?.url ?? change.url
    if (url) reporter.setOutput('url', url)
    const cost = serviceCost(inputs, waited.state?.desiredCount)
    reportHourlyCost(reporter, cost)
    return {
      image: pushed.image,
      tag: inputs.tag,
      digest: pushed.digest,
      repositoryUri: prepared.repository.repositoryUri,
      clusterArn: prepared.cluster.clusterArn,
      serviceName,
      serviceArn: change.serviceArn,
      createdService: change.created,
      url,
      deploymentArn: waited.deployment?.serviceDeploymentArn,
      deploymentStatus: waited.deployment?.status,
      revisionArn: waited.state?.revisionArn ?? waited.deployment?.targetServiceRevision?.arn,
      runningCount: waited.state?.runningCount,
      desiredCount: waited.state?.desiredCount,
      scaling: {
        minTasks: inputs.minTasks,
        maxTasks: inputs.maxTasks,
        scaleOn: inputs.scaleOn,
        scaleTarget: inputs.scaleTarget
      },
      taskDefinitionArn,
      created: prepared.created,
      phases,
      cost,
      expiry: ttl.expiry && { scheduleName: ttl.expiry.scheduleName, expiresAt: ttl.expiry.expiresAt },
      expiryRemoved: ttl.removed
    }
  } catch (error) {
    const failure =
      !signal.aborted || !deps.cancellation
        ? new ServiceDeployFailure(error, change.serviceArn, change.created)
        : await cancelService(inputs, deps, change, succeeded, deps.cancellation, expiry)
    if (failure.deleted) throw failure
    // The service stays (an update's previous revision serves on): what it costs, as a deploy that succeeded says.
    const cost = { ...serviceCost(inputs, undefined), notes: [SERVICE_COST_NOTE] }
    reportHourlyCost(reporter, cost)
    throw new ServiceDeployFailure(failure.cause, failure.serviceArn, failure.createdService, false, cost)
  }
}

/** The look-ups and creates, together (with the build, when there is one); what was created, said once. */
export async function prepareServiceResources(
  inputs: Inputs,
  deps: Pick<PhaseDeps, 'clients' | 'reporter'>,
  docker: Docker
) {
  const { clients, reporter } = deps
  const build = inputs.context
    ? docker.build(inputs.context, inputs.dockerfile, `${inputs.repository}:${inputs.tag}`)
    : Promise.resolve()
  const clusterReady = ensureCluster(clients.ecs, {
    cluster: inputs.cluster,
    create: inputs.createCluster,
    tags: inputs.tags
  })
  // The ttl role's trust and policy name the account, which the cluster's ARN gives.
  const ttlRoleReady =
    inputs.ttlSeconds === undefined
      ? Promise.resolve(undefined)
      : clusterReady.then((made) => {
          const { partition = 'aws', account = '' } = parseArn(made.clusterArn) ?? {}
          return ensureTtlRole(clients.iam, {
            role: inputs.ttlRole,
            create: inputs.createTtlRole,
            tags: inputs.tags,
            partition,
            account
          })
        })
  const [
    login,
    repository,
    cluster,
    executionRole,
    infrastructureRole,
    taskRoleArn,
    logGroup,
    latest,
    ttlRole
  ] = await Promise.all([
    getRegistryLogin(clients.ecr),
    ensureRepository(clients.ecr, {
      name: inputs.repository,
      create: inputs.createRepository,
      tags: inputs.tags
    }),
    clusterReady,
    prepareExecutionRole(inputs, clients),
    ensureInfrastructureRole(clients.iam, {
      role: inputs.infrastructureRole,
      create: inputs.createInfrastructureRole,
      tags: inputs.tags
    }),
    resolveTaskRole(clients.iam, inputs.taskRole),
    ensureLogGroup(clients.logs, { name: inputs.logGroup, tags: inputs.tags }),
    // Only a template registers a task definition; otherwise Express Mode makes its own.
    inputs.taskDefinitionTemplate ? describeLatestRevision(clients.ecs, inputs.family) : undefined,
    ttlRoleReady,
    build
  ])
  reporter.setSecret(login.password)
  const created = [
    repository.created ? `ECR repository ${inputs.repository}` : undefined,
    cluster.created ? `ECS cluster ${cluster.clusterName}` : undefined,
    executionRole.created ? `IAM role ${inputs.executionRole}` : undefined,
    infrastructureRole.created ? `IAM role ${inputs.infrastructureRole}` : undefined,
    ttlRole?.created ? `IAM role ${inputs.ttlRole}` : undefined,
    logGroup.created ? `log group ${inputs.logGroup}` : undefined
  ].filter((thing): thing is string => thing !== undefined)
  for (const thing of created) reporter.info(`Created ${thing}`)
  return {
    login,
    repository,
    cluster,
    executionRole,
    infrastructureRole,
    taskRoleArn,
    latest,
    ttlRole,
    created
  }
}

/** The service as Express Mode takes it, from the inputs and what the first phases made. */
export function serviceSpec(
  inputs: Inputs,
  made: {
    serviceName: string
    clusterArn: string
    image: string
    executionRoleArn: string
    taskRoleArn?: string
    infrastructureRoleArn: string
    taskDefinitionArn?: string
    /** With a ttl: the service is tagged with it, which lets the ttl role delete it. */
    expiresAt?: Date
  }
): ServiceSpec {
  const tags = [
    ...(ecsTags(inputs.tags) ?? []),
    ...(made.expiresAt ? [{ key: EXPIRES_AT_TAG, value: expiryTime(made.expiresAt) }] : [])
  ]
  return {
    serviceName: made.serviceName,
    cluster: made.clusterArn,
    image: made.image,
    port: inputs.port ?? 80,
    healthPath: inputs.healthPath,
    cpu: inputs.cpu,
    memory: inputs.memory,
    environment: inputs.environment,
    secrets: inputs.secrets,
    command: inputs.command,
    executionRoleArn: made.executionRoleArn,
    taskRoleArn: made.taskRoleArn,
    infrastructureRoleArn: made.infrastructureRoleArn,
    logGroup: inputs.logGroup,
    subnets: inputs.subnets,
    securityGroups: inputs.securityGroups,
    tags,
    minTasks: inputs.minTasks,
    maxTasks: inputs.maxTasks,
    scaleOn: inputs.scaleOn,
    scaleTarget: inputs.scaleTarget,
    // A template's revision carries its own runtimePlatform (registerRevision sets it from platform).
    cpuArchitecture: made.taskDefinitionArn ? undefined : CPU_ARCHITECTURES[inputs.platform],
    taskDefinitionArn: made.taskDefinitionArn
  }
}

/**
 * With a ttl: the schedule that deletes the service moved to the new expiry (or made). Without: a ttl an earlier
 * deploy set is removed (its schedule deleted, the tag taken off), so the service is not deleted under the user.
 */
async function setOrRemoveExpiry(
  inputs: Inputs,
  deps: Pick<ServiceDeployDeps, 'clients' | 'reporter' | 'clock' | 'runUrl'>,
  change: ServiceChange,
  ttlRole: { roleArn: string; isNew: boolean } | undefined,
  expiresAt: Date | undefined
): Promise<{ expiry?: Expiry; removed?: boolean }> {
  const { clients, reporter } = deps
  const scheduler = () => {
    if (!clients.scheduler) throw new Error('No EventBridge Scheduler client was given')
    return clients.scheduler()
  }
  if (expiresAt && ttlRole) {
    const expiry = await scheduleServiceExpiry(
      await scheduler(),
      {
        serviceArn: change.serviceArn,
        roleArn: ttlRole.roleArn,
        expiresAt,
        ttl: formatTtl(inputs.ttlSeconds!),
        runUrl: deps.runUrl
      },
      { clock: deps.clock ?? systemClock, newRole: ttlRole.isNew }
    )
    reporter.info(
      `EventBridge Scheduler schedule ${expiry.scheduleName} ${expiry.created ? 'made' : 'moved'}: ` +
        `it deletes the service at ${expiryTime(expiresAt)} (ttl ${formatTtl(inputs.ttlSeconds!)})`
    )
    return { expiry }
  }
  if (!change.previousExpiry) return {}
  const deleted = await deleteServiceExpiry(await scheduler(), change.serviceArn)
  await removeExpiryTag(clients.ecs, change.serviceArn)
  reporter.info(
    `No ttl: the service no longer expires at ${change.previousExpiry}` +
      (deleted ? ' (its schedule deleted)' : ' (its schedule was gone already)')
  )
  return { removed: true }
}

interface ServiceWaited {
  deployment?: ServiceDeployment
  state?: ServiceState
}

/**
 * wait-for as asked: none returns; running waits for this run's deployment to be SUCCESSFUL (a STOPPED or
 * ROLLBACK_* one fails, with its reason, events and stopped tasks); healthy also requests URL + health-path.
 */
async function waitForService(
  inputs: Inputs,
  deps: Pick<ServiceDeployDeps, 'clients' | 'reporter' | 'fetch'> & { clock: Clock },
  cluster: string,
  change: ServiceChange,
  onSucceeded: () => void
): Promise<ServiceWaited> {
  const { clients, reporter, clock } = deps
  if (inputs.waitFor === 'none') {
    reporter.info('wait-for is none: the deployment goes on in ECS; deployment-arn is not set')
    return {}
  }
  const deadline = clock.now() + inputs.timeoutSeconds * 1000
  let reportedArn: string | undefined
  let lastLine: string | undefined
  const { deployment } = await waitForServiceDeployment(clients.ecs, {
    serviceArn: change.serviceArn,
    cluster,
    startedAfter: change.requestedAt,
    knownDeployments: change.previousDeployments,
    deadline,
    clock,
    hintContext: { assignPublicIp: true, hasExecutionRole: true, logGroup: inputs.logGroup },
    onPoll: (polled) => {
      if (!reportedArn && polled.serviceDeploymentArn) {
        reportedArn = polled.serviceDeploymentArn
        reporter.setOutput('deployment-arn', reportedArn)
      }
      const line = deploymentLine(polled)
      if (line !== lastLine) reporter.info(line)
      lastLine = line
    }
  })
  onSucceeded()
  const state = await describeServiceState(clients.ecs, { serviceArn: change.serviceArn, cluster })
  if (inputs.waitFor === 'healthy') {
    const base = state.url ?? change.url
    if (!base) {
      throw new ActionError(`Service ${lastSegment(change.serviceArn)} has no endpoint to request`, {
        hint: "ECS reported no ingress path for it; use wait-for 'running', or look at the service in the console."
      })
    }
    const url = healthCheckUrl(base, inputs.healthPath)
    const health = await waitHealthy(url, {
      deadline,
      clock,
      fetch: deps.fetch,
      log: (line) => reporter.untrusted([line])
    })
    reporter.info(`${url} answered HTTP ${health.status} after ${health.attempts} request(s)`)
  }
  return { deployment, state }
}

/** "Deployment ID: IN_PROGRESS (SCALE_UP), 1 of 2 tasks running". */
export function deploymentLine(deployment: ServiceDeployment): string {
  const id = lastSegment(deployment.serviceDeploymentArn ?? 'unknown')
  const stage = deployment.lifecycleStage ? ` (${deployment.lifecycleStage})` : ''
  const target = deployment.targetServiceRevision
  const tasks = target
    ? `, ${target.runningTaskCount ?? 0} of ${target.requestedTaskCount ?? 0} tasks running`
    : ''
  return `Deployment ${id}: ${deployment.status ?? 'unknown'}${stage}${tasks}`
}

/**
 * The run was cancelled before the deploy reached what it waits for: a service this run created and never saw
 * healthy is deleted (stop-on-cancel); an existing one is left to its own deployment and rollback.
 */
async function cancelService(
  inputs: Inputs,
  deps: Pick<ServiceDeployDeps, 'clients' | 'reporter'>,
  change: ServiceChange,
  succeeded: boolean,
  cancellation: Cancellation,
  expiry?: Expiry
): Promise<ServiceDeployFailure> {
  const signalName = signalNameOf(cancellation.signal)
  const fail = (outcome: ServiceCancelledError['outcome'], reason?: string) => {
    const error = new ServiceCancelledError(signalName, change.serviceArn, outcome, reason)
    deps.reporter.warning(error.message)
    return new ServiceDeployFailure(error, change.serviceArn, change.created, outcome === 'deleted')
  }
  if (!change.created) return fail('left')
  if (succeeded) return fail('deployed')
  if (!inputs.stopOnCancel) return fail('kept')
  try {
    // A service gone already (deleted by hand meanwhile) is as good as deleted.
    await requestServiceDelete(deps.clients.ecs, change.serviceArn, {
      abortSignal: AbortSignal.timeout(CANCEL_DELETE_TIMEOUT_MS)
    })
    // The schedule would only fail when its time comes: deleted too if there is time, else left to fail.
    if (expiry && deps.clients.scheduler) {
      await deleteServiceExpiry(await deps.clients.scheduler(), change.serviceArn, {
        abortSignal: AbortSignal.timeout(CANCEL_DELETE_TIMEOUT_MS / 2)
      }).catch(() => undefined)
    }
    return fail('deleted')
  } catch (error) {
    return fail('not-deleted', (error as Error).message)
  }
}

/**
 * mode: stop with service: deletes the service and waits until it is INACTIVE. A service that is gone (or
 * INACTIVE) already is a success, so stopping twice is safe.
 */
export async function stopService(
  ecs: ServiceDeployDeps['clients']['ecs'],
  options: {
    serviceName: string
    cluster: string
    deadline: number
    clock?: Clock
    log?: (message: string) => void
    warn?: (message: string) => void
    /** For the ttl's schedule, when the service had one. */
    scheduler?: SchedulerFactory
  }
): Promise<ServiceStopResult> {
  const log = options.log ?? (() => undefined)
  const result = await deleteService(ecs, options)
  log(
    result.deleted
      ? `Deleted service ${result.serviceArn}: it is INACTIVE`
      : `Service ${options.serviceName} in ${options.cluster} is already deleted (or never existed)`
  )
  const stopped: ServiceStopResult = {
    serviceName: options.serviceName,
    serviceArn: result.serviceArn,
    deleted: result.deleted
  }
  if (!result.hadExpiry || !result.serviceArn || !options.scheduler) return stopped
  // The service is gone: its schedule would only fail (and retry for a day) when its time comes.
  try {
    const deleted = await deleteServiceExpiry(await options.scheduler(), result.serviceArn)
    if (deleted) log(`Deleted the ttl's schedule of service ${options.serviceName}`)
    return { ...stopped, expirySchedule: deleted ? 'deleted' : 'none' }
  } catch (error) {
    ;(options.warn ?? log)(
      `Could not delete the ttl's schedule of service ${options.serviceName} (${(error as Error).message}): ` +
        'it fails harmlessly when its time comes (the service is gone), then deletes itself'
    )
    return { ...stopped, expirySchedule: 'left' }
  }
}
