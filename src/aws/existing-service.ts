// ECS services the action did not make (Terraform, CDK, CloudFormation, the console): telling such a
// standard service apart from an Express Mode service and from a missing one, and UpdateService with the
// new revision. The deployment the update starts is watched by express-deployment.ts, as Express Mode's is.
import {
  DescribeExpressGatewayServiceCommand,
  DescribeServicesCommand,
  UpdateServiceCommand,
  type ECSClient,
  type Service,
  type UpdateServiceCommandInput
} from '@aws-sdk/client-ecs'
import { ActionError } from '../explain/action-error.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { deploymentArns, isNotFound } from './express-service.js'

/**
 * What `service: NAME` names in the cluster:
 * - missing: no such service (or cluster), or one deleted (INACTIVE): Express Mode's create, as before;
 * - draining: being deleted; neither a create nor an update can run until it is INACTIVE;
 * - express: an Express Mode service (Express Mode's update);
 * - standard: a service made with CreateService, which the action updates with a new revision;
 * - unsupported: a standard service whose deployments another controller owns (CODE_DEPLOY, EXTERNAL);
 * - unmarked: an ACTIVE service whose answer has no resourceManagementType (an older API, or a local AWS
 *   without it): only DescribeExpressGatewayService can tell (lookUpService asks it).
 */
export type ServiceKind =
  | { kind: 'missing'; serviceArn?: string }
  | { kind: 'draining'; service: Service }
  | { kind: 'express'; service: Service }
  | { kind: 'standard'; service: Service }
  | { kind: 'unsupported'; service: Service; reason: string; hint: string }
  | { kind: 'unmarked'; service: Service }

const CODE_DEPLOY_HINT =
  'CodeDeploy owns the deployments of this service: a new revision reaches it through a CodeDeploy deployment ' +
  'with an AppSpec (aws-actions/amazon-ecs-deploy-task-definition with codedeploy-appspec does that), not ' +
  "UpdateService. ECS's own blue/green (deployment controller ECS, strategy BLUE_GREEN, 2025-07) does the same " +
  'without CodeDeploy, and this action follows it stage by stage.'

const EXTERNAL_HINT =
  'A third-party controller owns the task sets of this service (deployment controller EXTERNAL): deploy through ' +
  'that controller. This action updates services whose deployment controller is ECS (rolling, blue/green, ' +
  'linear or canary).'

/**
 * Classifies DescribeServices' answer for the service (undefined: not in the answer). Express Mode marks its
 * services with resourceManagementType ECS (the API's model: "an Express Service managed by ECS"); a
 * service made with CreateService says CUSTOMER.
 */
export function classifyService(service: Service | undefined): ServiceKind {
  if (!service?.serviceArn) return { kind: 'missing' }
  if (service.status === 'INACTIVE') return { kind: 'missing', serviceArn: service.serviceArn }
  if (service.status === 'DRAINING') return { kind: 'draining', service }
  if (service.resourceManagementType === 'ECS') return { kind: 'express', service }
  const controller = service.deploymentController?.type ?? 'ECS'
  if (controller === 'CODE_DEPLOY') {
    return {
      kind: 'unsupported',
      service,
      reason: 'its deployment controller is CODE_DEPLOY',
      hint: CODE_DEPLOY_HINT
    }
  }
  if (controller === 'EXTERNAL') {
    return {
      kind: 'unsupported',
      service,
      reason: 'its deployment controller is EXTERNAL',
      hint: EXTERNAL_HINT
    }
  }
  if (service.resourceManagementType === 'CUSTOMER') return { kind: 'standard', service }
  return { kind: 'unmarked', service }
}

/** The error for a service this action cannot update, naming it and why. */
export function unsupportedServiceError(
  target: { serviceName: string; cluster: string },
  kind: { reason: string; hint: string }
): ActionError {
  return new ActionError(
    `ECS service '${target.serviceName}' in cluster '${target.cluster}' cannot be updated by this action: ${kind.reason}`,
    { hint: kind.hint }
  )
}

/**
 * The service named in the cluster, described with its tags and classified. A missing cluster is a missing
 * service (Express Mode's create makes both). An unmarked service is an Express one when
 * DescribeExpressGatewayService knows it, else a standard one: never `unmarked` here.
 */
export async function lookUpService(
  ecs: ECSClient,
  target: { serviceName: string; cluster: string }
): Promise<ServiceKind> {
  let service: Service | undefined
  try {
    const answer = await ecs.send(
      new DescribeServicesCommand({
        cluster: target.cluster,
        services: [target.serviceName],
        include: ['TAGS']
      })
    )
    // A service that does not exist is a failure with reason MISSING, not an error.
    service = answer.services?.[0]
  } catch (error) {
    if (error instanceof Error && error.name === 'ClusterNotFoundException') return { kind: 'missing' }
    throw error
  }
  const kind = classifyService(service)
  if (kind.kind !== 'unmarked') return kind
  try {
    const { service: express } = await ecs.send(
      new DescribeExpressGatewayServiceCommand({ serviceArn: kind.service.serviceArn })
    )
    return express ? { kind: 'express', service: kind.service } : { kind: 'standard', service: kind.service }
  } catch (error) {
    if (isNotFound(error)) return { kind: 'standard', service: kind.service }
    throw error
  }
}

export interface StandardUpdate {
  /** Cluster name or ARN. */
  cluster: string
  serviceArn: string
  /**
   * The revision to deploy (registered or reused). Absent: the service keeps its revision, and only
   * desiredCount changes (a desired-count-only update, or scaling a service to zero on stop).
   */
  taskDefinitionArn?: string
  /** Absent: the service keeps its count (and its auto scaling keeps deciding it). */
  desiredCount?: number
  /**
   * A new deployment although the revision is the one the service runs (a redeploy of the same image). Without
   * it, ECS starts no deployment for an update that changes nothing (documented for forceNewDeployment).
   */
  forceNewDeployment?: boolean
}

/**
 * UpdateService with only what the action changes: every other setting of the service (load balancers,
 * network, deployment configuration, capacity, Service Connect, tags) stays as Terraform or the console set it,
 * because UpdateService leaves unchanged what it is not sent.
 */
export function buildStandardUpdateInput(update: StandardUpdate): UpdateServiceCommandInput {
  return {
    cluster: update.cluster,
    service: update.serviceArn,
    ...(update.taskDefinitionArn === undefined ? {} : { taskDefinition: update.taskDefinitionArn }),
    ...(update.desiredCount === undefined ? {} : { desiredCount: update.desiredCount }),
    ...(update.forceNewDeployment ? { forceNewDeployment: true } : {})
  }
}

export interface StandardServiceChange {
  serviceArn: string
  /** The clock's time just before UpdateService: the deployment to wait for started after it. */
  requestedAt: number
  /** The service's deployments before the update: never this run's. */
  previousDeployments: string[]
  /**
   * The deployment the update started, when UpdateService's answer names a new one (currentServiceDeployment
   * not among the previous ones); undefined: the wait finds it with ListServiceDeployments.
   */
  deploymentArn?: string
  /** UpdateService's answer. */
  service?: Service
}

export interface StandardUpdateOptions {
  clock?: Clock
}

/**
 * Updates the service and returns what the deployment wait needs (DeploymentWaitOptions: serviceArn,
 * startedAfter = requestedAt, knownDeployments = previousDeployments, deploymentArn).
 */
export async function updateStandardService(
  ecs: ECSClient,
  update: StandardUpdate,
  options: StandardUpdateOptions = {}
): Promise<StandardServiceChange> {
  const clock = options.clock ?? systemClock
  const previousDeployments = await deploymentArns(ecs, update.serviceArn, update.cluster)
  const requestedAt = clock.now()
  const { service } = await ecs.send(new UpdateServiceCommand(buildStandardUpdateInput(update)))
  // AWS documents currentServiceDeployment as "the ARN of the current service deployment"; that it names the
  // new one in UpdateService's own answer is our reading, so an old one (or none) falls back to the list.
  const current = service?.currentServiceDeployment
  const deploymentArn = current && !previousDeployments.includes(current) ? current : undefined
  return { serviceArn: update.serviceArn, requestedAt, previousDeployments, deploymentArn, service }
}
