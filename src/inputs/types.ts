// The typed result of reading the inputs, one part per concern; every mode gets the whole Inputs.
// Type imports only: every layer above may use these types cheaply.
import type { ScaleOn } from '../shared/express-scaling.js'
import type { Run } from './run.js'

export type Mode = 'deploy' | 'stop' | 'permissions'
export type WaitFor = 'none' | 'running' | 'healthy' | 'stopped'

export type Capacity = 'on-demand' | 'spot'
export type Platform = 'linux/amd64' | 'linux/arm64'

export const MODES: readonly Mode[] = ['deploy', 'stop', 'permissions']
export const CAPACITIES: readonly Capacity[] = ['on-demand', 'spot']
export const PLATFORMS: readonly Platform[] = ['linux/amd64', 'linux/arm64']
export const WAIT_FOR: readonly WaitFor[] = ['none', 'running', 'healthy', 'stopped']

export interface KeyValue {
  name: string
  value: string
}

export interface Secret {
  name: string
  valueFrom: string
}

export interface Tag {
  key: string
  value: string
}

/** A task definition JSON used as a template (as `aws ecs describe-task-definition` or the console prints it). */
export type TaskDefinitionTemplate = Record<string, unknown> & {
  containerDefinitions?: Array<Record<string, unknown>>
}

/** What the parser needs from the world: the environment (region, GITHUB_SHA) and a way to read files. */
export interface ParseContext {
  env: NodeJS.ProcessEnv
  readFile: (path: string) => string
}

/**
 * What a mode cannot do without. Every mode reads and validates every input given (a typo fails whichever mode
 * runs, and errors are explained with the deploy's names), so these are the only differences between modes.
 */
export interface ModeRules {
  mode: Mode
  /** It calls AWS in a region, so the region must be known. */
  needsRegion: boolean
  /** It pushes an image, so repository must be given. */
  needsRepository: boolean
  /** It acts on the tasks named in task-arn. */
  takesTaskArns: boolean
}

/** What every mode reads (common.ts). */
export interface CommonInputs {
  mode: Mode
  region: string
  cluster: string
  startedBy: string
  tags: Tag[]
  timeoutSeconds: number
  environmentName?: string
  githubToken: string
}

/** What a deploy reads (deploy.ts): the image, the task definition, the network, the wait. */
export interface DeployInputs {
  repository: string
  createRepository: boolean
  image: string
  context?: string
  dockerfile?: string
  tag: string
  createCluster: boolean
  family: string
  containerName: string
  taskDefinitionPath?: string
  taskDefinitionTemplate?: TaskDefinitionTemplate
  cpu: number
  memory: number
  port?: number
  environment: KeyValue[]
  secrets: Secret[]
  command?: string[]
  executionRole: string
  createExecutionRole: boolean
  taskRole?: string
  logGroup: string
  subnets: string[]
  securityGroups: string[]
  ingressCidr: string
  assignPublicIp: boolean
  count: number
  waitFor: WaitFor
  healthPath: string
  stopOnTimeout: boolean
  stopOnCancel: boolean
}

/** What the tasks run on (capacity.ts): Fargate or Fargate Spot, and the CPU architecture. */
export interface CapacityInputs {
  capacity: Capacity
  platform: Platform
}

/** Pull request previews and the time to live (preview.ts). */
export interface PreviewInputs {
  /** Names derived from the pull request, one comment on it, everything stopped when it closes. */
  preview: boolean
  /**
   * Tasks stop themselves this many seconds after they start (a timer container exits); a service is deleted
   * this long after the deploy, by a one-time EventBridge Scheduler schedule.
   */
  ttlSeconds?: number
  /** The timer container's image: it needs sh and sleep. */
  timerImage: string
  /** Name or ARN of the role the schedule deletes an expired service with (service and ttl). */
  ttlRole: string
  createTtlRole: boolean
}

/** What stop mode reads (stop.ts) beyond the common inputs and the family. */
export interface StopInputs {
  taskArns: string[]
}

/**
 * What service mode reads (service.ts): with `service` set, deploy creates or updates that ECS Express Mode
 * service and stop deletes it; without it, the action runs tasks as before.
 */
export interface ServiceInputs {
  serviceName?: string
  /** Name or ARN of the role Express Mode manages the load balancer, scaling and networking with. */
  infrastructureRole: string
  createInfrastructureRole: boolean
  minTasks: number
  maxTasks: number
  scaleOn?: ScaleOn
  scaleTarget?: number
}

/** A scheduled job (schedule.ts): with schedule, deploy makes or moves the job's schedule and stop deletes it. */
export interface ScheduleInputs {
  /** cron(…) or rate(…), EventBridge Scheduler's syntax. */
  schedule?: string
  /** The IANA time zone the expression is read in. */
  scheduleTimezone: string
  /** Also run the job once now and wait for it as wait-for stopped does. */
  runNow: boolean
  /** The SNS topic failed runs are sent to. */
  notify?: string
  /** The schedule's retry policy: attempts, and the seconds after which a run is not started any more. */
  scheduleRetries: number
  scheduleMaxAge: number
}

/**
 * An existing standard ECS service (existing-service.ts): read whenever `service` is set, used when the look-up
 * finds a service made with CreateService (Terraform, CDK, CloudFormation, the console).
 */
export interface ExistingServiceInputs {
  /** UpdateService's desiredCount; absent, the service (and its auto scaling) keeps its count. */
  desiredCount?: number
  /** A deployment still running at the timeout is stopped with a rollback (StopServiceDeployment ROLLBACK). */
  rollbackOnTimeout: boolean
  /** mode stop: scale the service to 0 tasks instead of refusing (it is never deleted). */
  scaleToZero: boolean
  /** Run once as a one-off task of the new revision before the update; a non-zero exit stops the deploy. */
  releaseCommand?: string[]
  /** Which inputs with a tasks default were given: only those change the service's revision. */
  given: { containerName: boolean; cpu: boolean; memory: boolean }
}

/** Whether a deploy may run a fork's code with the base repository's credentials (fork-code.ts). */
export interface ForkCodeInputs {
  allowForkCode: boolean
}

export interface Inputs
  extends
    CommonInputs,
    DeployInputs,
    CapacityInputs,
    StopInputs,
    PreviewInputs,
    ServiceInputs,
    ExistingServiceInputs,
    ForkCodeInputs,
    ScheduleInputs {
  /** The kind of run, decided once from mode, service and preview: what picks the plan (plans/factory.ts). */
  run: Run
}
