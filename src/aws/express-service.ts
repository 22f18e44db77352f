// ECS Express Mode services: the spec, the Create/Update requests built from it, and finding, creating or
// updating, and deleting the service. The deployment a create or update starts is watched in
// express-deployment.ts.
import {
  CreateExpressGatewayServiceCommand,
  DeleteExpressGatewayServiceCommand,
  DescribeExpressGatewayServiceCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateExpressGatewayServiceCommand,
  type CreateExpressGatewayServiceCommandInput,
  type ECSClient,
  type ECSExpressGatewayService,
  type ExpressCpuArchitecture,
  type ExpressGatewayContainer,
  type ExpressGatewayScalingTarget,
  type ExpressGatewayServiceConfiguration,
  type ExpressGatewayServiceNetworkConfiguration,
  type KeyValuePair,
  type Secret,
  type Tag,
  type UpdateExpressGatewayServiceCommandInput
} from '@aws-sdk/client-ecs'
import { ActionError } from '../explain/action-error.js'
import { lastSegment } from '../shared/arn.js'
import { retryWhileRoleIsNew } from '../shared/role-retries.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { SCALING_METRIC, type ScalingSettings } from '../shared/express-scaling.js'
import { isThrottling } from '../shared/throttling.js'
import { EXPIRES_AT_TAG } from '../shared/ttl-role.js'
import { nextPollDelay } from './task-wait.js'

/** What the action deploys as an Express Mode service; the inputs layer's values, already validated. */
export interface ServiceSpec extends ScalingSettings {
  serviceName: string
  /** Cluster name or ARN. */
  cluster: string
  /** The pushed image, pinned by digest (repository@sha256:…). */
  image: string
  /** containerPort: the port the load balancer sends traffic to. */
  port: number
  /** The load balancer's health check path; absent: the API's default (/ping). */
  healthPath?: string
  /** Task CPU units and memory in MiB; absent: the API's defaults (256, 512). */
  cpu?: number
  memory?: number
  environment: KeyValuePair[]
  secrets: Secret[]
  command?: string[]
  executionRoleArn: string
  taskRoleArn?: string
  infrastructureRoleArn: string
  /** awslogs group; absent: Express Mode creates a group for the service. */
  logGroup?: string
  logStreamPrefix?: string
  /** Absent (empty): the default VPC's subnets and a security group Express Mode creates. */
  subnets: string[]
  securityGroups: string[]
  tags: Tag[]
  /** Absent: the API's default (X86_64). Not allowed with taskDefinitionArn. */
  cpuArchitecture?: ExpressCpuArchitecture
  /**
   * A task definition registered from the user's template (container `Main`, one named TCP port mapping,
   * FARGATE). Sent instead of primaryContainer, and the API then refuses the roles, cpu, memory and
   * architecture fields, which the task definition carries.
   */
  taskDefinitionArn?: string
}

export const DEFAULT_LOG_STREAM_PREFIX = 'ecs'

function scalingTarget(spec: ServiceSpec): ExpressGatewayScalingTarget {
  return {
    minTaskCount: spec.minTasks,
    maxTaskCount: spec.maxTasks,
    autoScalingMetric: spec.scaleOn ? SCALING_METRIC[spec.scaleOn] : undefined,
    autoScalingTargetValue: spec.scaleTarget
  }
}

function networkConfiguration(spec: ServiceSpec): ExpressGatewayServiceNetworkConfiguration | undefined {
  if (spec.subnets.length === 0 && spec.securityGroups.length === 0) return undefined
  return {
    subnets: spec.subnets.length > 0 ? spec.subnets : undefined,
    securityGroups: spec.securityGroups.length > 0 ? spec.securityGroups : undefined
  }
}

/**
 * The container as Express Mode takes it. environment and secrets are always sent, empty or not, so that an
 * update removes the variables the workflow no longer sets.
 */
export function primaryContainer(spec: ServiceSpec): ExpressGatewayContainer {
  return {
    image: spec.image,
    containerPort: spec.port,
    awsLogsConfiguration: spec.logGroup
      ? { logGroup: spec.logGroup, logStreamPrefix: spec.logStreamPrefix ?? DEFAULT_LOG_STREAM_PREFIX }
      : undefined,
    command: spec.command && spec.command.length > 0 ? spec.command : undefined,
    environment: spec.environment,
    secrets: spec.secrets
  }
}

/** Either the container, roles and size, or the custom task definition that carries them. */
function taskFields(spec: ServiceSpec) {
  if (spec.taskDefinitionArn) return { taskDefinitionArn: spec.taskDefinitionArn }
  return {
    primaryContainer: primaryContainer(spec),
    executionRoleArn: spec.executionRoleArn,
    taskRoleArn: spec.taskRoleArn,
    cpu: spec.cpu === undefined ? undefined : String(spec.cpu),
    memory: spec.memory === undefined ? undefined : String(spec.memory),
    cpuArchitecture: spec.cpuArchitecture
  }
}

export function buildCreateServiceInput(spec: ServiceSpec): CreateExpressGatewayServiceCommandInput {
  return withoutUndefined({
    serviceName: spec.serviceName,
    cluster: spec.cluster,
    infrastructureRoleArn: spec.infrastructureRoleArn,
    ...taskFields(spec),
    healthCheckPath: spec.healthPath,
    networkConfiguration: networkConfiguration(spec),
    scalingTarget: withoutUndefined(scalingTarget(spec)),
    tags: spec.tags.length > 0 ? spec.tags : undefined
  })
}

/** The update: the same settings, minus what cannot change (name, cluster, infrastructure role); tags apart. */
export function buildUpdateServiceInput(
  serviceArn: string,
  spec: ServiceSpec
): UpdateExpressGatewayServiceCommandInput {
  return withoutUndefined({
    serviceArn,
    ...taskFields(spec),
    healthCheckPath: spec.healthPath,
    networkConfiguration: networkConfiguration(spec),
    scalingTarget: withoutUndefined(scalingTarget(spec))
  })
}

/** Drops absent fields from one level, so that requests compare (and print) as the literal payload. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}

export type ServiceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE'

/** A deploy without ttl of a service that had one: the expiry tag goes (its schedule is deleted apart). */
export async function removeExpiryTag(ecs: ECSClient, serviceArn: string): Promise<void> {
  await ecs.send(new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: [EXPIRES_AT_TAG] }))
}

export interface FoundService {
  serviceArn: string
  status: ServiceStatus
  /** The HTTPS URL of the public ingress path, when Express Mode reports one. */
  url?: string
  /** The expiry tag's value (shared/ttl-role.ts): a schedule deletes the service then. */
  expiresAt?: string
}

/** The HTTPS URL of a service configuration's ingress path (public first); AWS gives a host name. */
export function ingressUrl(
  configurations: readonly (ExpressGatewayServiceConfiguration | undefined)[]
): string | undefined {
  const paths = configurations.flatMap((configuration) => configuration?.ingressPaths ?? [])
  const endpoint = (paths.find((path) => path.accessType === 'PUBLIC') ?? paths[0])?.endpoint
  if (!endpoint) return undefined
  return /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`
}

/** Whether ECS answered that the service (or its cluster) is not there, in any of the ways it says so. */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  return (
    error.name === 'ResourceNotFoundException' ||
    error.name === 'ServiceNotFoundException' ||
    (error.name === 'InvalidParameterException' && /resource not found/i.test(error.message))
  )
}

/**
 * The service named in the cluster, or undefined when there is none (or no such cluster). DescribeServices
 * takes the name, so no ARN has to be guessed; an ACTIVE one is then described as an Express service for its
 * URL. A deleted service stays visible as INACTIVE for a while, and is reported as such.
 */
export async function findService(
  ecs: ECSClient,
  target: { serviceName: string; cluster: string }
): Promise<FoundService | undefined> {
  let service
  try {
    const answer = await ecs.send(
      new DescribeServicesCommand({ cluster: target.cluster, services: [target.serviceName] })
    )
    service = answer.services?.[0]
  } catch (error) {
    if (error instanceof Error && error.name === 'ClusterNotFoundException') return undefined
    throw error
  }
  if (!service?.serviceArn) return undefined
  const status = (service.status ?? 'ACTIVE') as ServiceStatus
  if (status === 'INACTIVE') return { serviceArn: service.serviceArn, status }
  let express: ECSExpressGatewayService | undefined
  try {
    express = (
      await ecs.send(
        new DescribeExpressGatewayServiceCommand({ serviceArn: service.serviceArn, include: ['TAGS'] })
      )
    ).service
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  if (!express) {
    throw new ActionError(
      `ECS service '${target.serviceName}' in cluster '${target.cluster}' exists but is not an Express Mode service`,
      {
        hint: 'The action manages Express Mode services only: choose another service name, or delete the existing service.'
      }
    )
  }
  return {
    serviceArn: service.serviceArn,
    status: (express.status?.statusCode ?? status) as ServiceStatus,
    url: ingressUrl(express.activeConfigurations ?? []),
    expiresAt: express.tags?.find((tag) => tag.key === EXPIRES_AT_TAG)?.value
  }
}

export interface ServiceChange {
  serviceArn: string
  /** True when this run created the service (a service this run created may be deleted on cancellation). */
  created: boolean
  /** True when a concurrent run created it between our look-up and our create, and this run updated it. */
  adopted: boolean
  /** The HTTPS URL, when AWS already reports it. */
  url?: string
  /** The clock's time just before the create or update call: the deployment to wait for started after it. */
  requestedAt: number
  /** Deployments of the service that existed before the update (none for a create). */
  previousDeployments: string[]
  /** The expiry tag the service had before this update: a ttl set by an earlier deploy. */
  previousExpiry?: string
}

export interface ChangeOptions {
  clock?: Clock
  /** A role was created by this run: retry while ECS cannot assume it yet (IAM is eventually consistent). */
  newRole?: boolean
  /** How many times to retry a role ECS cannot assume yet, waiting 2, 4, 6… s in between. */
  roleRetries?: number
}

/** ECS's answers while a role created moments ago cannot be assumed yet. */
const ROLE_NOT_ASSUMABLE =
  /unable to assume the role|cannot assume role|not authorized to perform: sts:AssumeRole|not able to validate the provided access credentials/i

/** Error names a create of an existing service may fail with; the service is looked up again to tell. */
const MAY_ALREADY_EXIST = new Set(['InvalidParameterException', 'ClientException'])

/**
 * Creates the service when it is missing (or INACTIVE: AWS creates a new one over it) and updates it when it
 * is ACTIVE; tags go through TagResource on an update. A create that fails because a concurrent run has just
 * created the service becomes an update of that service.
 */
export async function createOrUpdateService(
  ecs: ECSClient,
  spec: ServiceSpec,
  options: ChangeOptions = {}
): Promise<ServiceChange> {
  const clock = options.clock ?? systemClock
  const found = await findService(ecs, spec)
  if (found?.status === 'DRAINING') throw drainingError(spec)
  if (found?.status === 'ACTIVE') return updateService(ecs, found, spec, options, false)

  const requestedAt = clock.now()
  try {
    const { service } = await withRoleRetries(
      () => ecs.send(new CreateExpressGatewayServiceCommand(buildCreateServiceInput(spec))),
      clock,
      options
    )
    return {
      serviceArn: service!.serviceArn!,
      created: true,
      adopted: false,
      url: ingressUrl(service?.activeConfigurations ?? []),
      requestedAt,
      previousDeployments: []
    }
  } catch (error) {
    if (!(error instanceof Error) || !MAY_ALREADY_EXIST.has(error.name)) throw error
    const now = await findService(ecs, spec)
    if (now?.status !== 'ACTIVE') throw error
    return updateService(ecs, now, spec, options, true)
  }
}

async function updateService(
  ecs: ECSClient,
  found: FoundService,
  spec: ServiceSpec,
  options: ChangeOptions,
  adopted: boolean
): Promise<ServiceChange> {
  const clock = options.clock ?? systemClock
  const previousDeployments = await deploymentArns(ecs, found.serviceArn, spec.cluster)
  const requestedAt = clock.now()
  const { service } = await withRoleRetries(
    () => ecs.send(new UpdateExpressGatewayServiceCommand(buildUpdateServiceInput(found.serviceArn, spec))),
    clock,
    options
  )
  if (spec.tags.length > 0) {
    await ecs.send(new TagResourceCommand({ resourceArn: found.serviceArn, tags: spec.tags }))
  }
  return {
    serviceArn: found.serviceArn,
    created: false,
    adopted,
    url: ingressUrl([service?.targetConfiguration]) ?? found.url,
    requestedAt,
    previousDeployments,
    previousExpiry: found.expiresAt
  }
}

/** The ARNs of the service's deployments so far, so that the wait can tell the new one from these. */
export async function deploymentArns(ecs: ECSClient, serviceArn: string, cluster: string): Promise<string[]> {
  const { serviceDeployments = [] } = await ecs.send(
    new ListServiceDeploymentsCommand({ service: serviceArn, cluster, maxResults: 100 })
  )
  return serviceDeployments.flatMap((deployment) =>
    deployment.serviceDeploymentArn ? [deployment.serviceDeploymentArn] : []
  )
}

function withRoleRetries<T>(call: () => Promise<T>, clock: Clock, options: ChangeOptions): Promise<T> {
  return retryWhileRoleIsNew(call, (error) => ROLE_NOT_ASSUMABLE.test(error.message), { ...options, clock })
}

function drainingError(target: { serviceName: string; cluster: string }): ActionError {
  return new ActionError(
    `ECS service '${target.serviceName}' in cluster '${target.cluster}' is being deleted (DRAINING)`,
    { hint: 'Run the deploy again once the deletion has finished (the service is then INACTIVE).' }
  )
}

/** Thrown when the service is still not INACTIVE at the deadline. */
export class ServiceDeleteTimeoutError extends ActionError {
  constructor(
    readonly serviceArn: string,
    readonly lastStatus: string
  ) {
    super(
      `Timed out waiting for service ${lastSegment(serviceArn)} to be INACTIVE (last status ${lastStatus})`,
      {
        hint: 'The deletion goes on in AWS; run mode: stop again later to see it finish, or raise timeout.'
      }
    )
    this.name = 'ServiceDeleteTimeoutError'
  }
}

export interface DeleteOptions {
  serviceName: string
  cluster: string
  deadline: number
  clock?: Clock
}

export interface DeleteResult {
  /** The ARN of the service deleted, or undefined when there was none. */
  serviceArn?: string
  /** False when the service was already gone or INACTIVE. */
  deleted: boolean
  /** The service carried an expiry tag: its schedule may still exist. */
  hadExpiry?: boolean
}

/** The AWS answers that mean: nothing left to delete (the service is gone, INACTIVE or already DRAINING). */
function alreadyDeleting(error: unknown): boolean {
  return isNotFound(error) || (error instanceof Error && error.name === 'ServiceNotActiveException')
}

/**
 * DeleteExpressGatewayService: the action's one delete of a service (mode: stop, a cancelled run, the post
 * step), with one failure rule: 'gone' when the service is deleted, or being deleted, already; any other error
 * is thrown. It does not wait: deleteService does, the cancelled run and the post step have no time to.
 */
export async function requestServiceDelete(
  ecs: ECSClient,
  serviceArn: string,
  options?: { abortSignal?: AbortSignal }
): Promise<'deleted' | 'gone'> {
  try {
    await ecs.send(new DeleteExpressGatewayServiceCommand({ serviceArn }), options)
    return 'deleted'
  } catch (error) {
    if (alreadyDeleting(error)) return 'gone'
    throw error
  }
}

/**
 * Deletes the service and waits until it is INACTIVE (or gone), polling as the task waits do. A service
 * that is already gone or INACTIVE is a success: stopping twice is safe.
 */
export async function deleteService(ecs: ECSClient, options: DeleteOptions): Promise<DeleteResult> {
  const clock = options.clock ?? systemClock
  const found = await findService(ecs, options)
  if (!found || found.status === 'INACTIVE') return { serviceArn: found?.serviceArn, deleted: false }
  // A DRAINING service is being deleted already: wait for it without a second delete.
  let deleted = found.status === 'ACTIVE'
  const hadExpiry = found.expiresAt !== undefined
  if (deleted) deleted = (await requestServiceDelete(ecs, found.serviceArn)) === 'deleted'
  let delay: number | undefined
  let lastStatus: string = found.status
  for (;;) {
    try {
      const { service } = await ecs.send(
        new DescribeExpressGatewayServiceCommand({ serviceArn: found.serviceArn })
      )
      lastStatus = service?.status?.statusCode ?? 'unknown'
      if (!service || lastStatus === 'INACTIVE') return { serviceArn: found.serviceArn, deleted, hadExpiry }
      delay = nextPollDelay(delay)
    } catch (error) {
      if (isNotFound(error)) return { serviceArn: found.serviceArn, deleted, hadExpiry }
      if (!isThrottling(error)) throw error
      delay = Math.min((delay ?? 1000) * 2, 10_000)
    }
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) throw new ServiceDeleteTimeoutError(found.serviceArn, lastStatus)
    await clock.sleep(Math.min(delay, remaining))
  }
}

export interface ServiceState {
  status?: string
  /** The tasks running and desired, as DescribeServices counts them. */
  runningCount?: number
  desiredCount?: number
  /** The endpoint of the active configuration (http:// or https:// as the API gives it; a bare host is https). */
  url?: string
  /** The service revision serving now. */
  revisionArn?: string
}

/** What the summary shows after a deployment: task counts, the URL and the revision serving. */
export async function describeServiceState(
  ecs: ECSClient,
  target: { serviceArn: string; cluster: string }
): Promise<ServiceState> {
  const [described, express] = await Promise.all([
    ecs.send(new DescribeServicesCommand({ cluster: target.cluster, services: [target.serviceArn] })),
    ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn: target.serviceArn }))
  ])
  const service = described.services?.[0]
  const configurations = express.service?.activeConfigurations ?? []
  return {
    status: express.service?.status?.statusCode ?? service?.status,
    runningCount: service?.runningCount,
    desiredCount: service?.desiredCount,
    url: ingressUrl(configurations),
    revisionArn: configurations[0]?.serviceRevisionArn
  }
}
