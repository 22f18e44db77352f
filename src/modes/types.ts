// What the modes hand back and what they report through: the runner interface they are given, and their results.
import type { LogStream } from '../aws/log-events.js'
import type { CostEstimate } from '../shared/cost.js'
import type { OutputName } from '../shared/outputs.js'

/** The runner as the modes see it; runner/reporter.ts implements it on the runner commands (runner/commands.ts), tests with a fake. */
export interface Reporter {
  info(message: string): void
  /**
   * Prints text from a container or AWS (log lines, health-check answers) verbatim, one entry a line, such
   * that the runner takes none of it as a workflow command.
   */
  untrusted(lines: readonly string[]): void
  warning(message: string): void
  notice(message: string): void
  /** Each output the moment its value is known, so a step killed later still leaves it. */
  setOutput(name: OutputName, value: string): void
  setSecret(secret: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

export interface TaskReport {
  taskArn: string
  lastStatus?: string
  publicIp?: string
  privateIp?: string
  url?: string
  exitCode?: number
  /** A stopped task's times, as DescribeTasks gives them: what a job is billed for. */
  pullStartedAt?: Date
  startedAt?: Date
  stoppedAt?: Date
  /** The task stopped because Fargate Spot took its capacity back. */
  spotInterrupted?: boolean
  logStream: LogStream
  logUrl: string
}

/** What RunTask started: the tasks (with their log streams) and the cluster they run in. */
export interface StartedTasks {
  clusterArn: string
  tasks: TaskReport[]
}

/** What a wait learnt about the tasks: their state and addresses, and a job's exit code. */
export interface WaitOutcome {
  tasks: TaskReport[]
  exitCode?: number
}

/**
 * A deploy that failed after its tasks were started: the cause, and the record of what had started (tasks that
 * run, and bill, until stopped), for the failure summary.
 */
export class DeployFailure extends Error {
  constructor(
    override readonly cause: unknown,
    /** The tasks started, as the wait last saw them (their status, and a stopped task's times). */
    readonly started: StartedTasks,
    /** The tasks this run stopped itself (cancelled), of those started. */
    readonly stopped: string[] = [],
    /** What the tasks cost until the failure, and what is left running per hour (modes/cost.ts failureCost). */
    readonly cost?: DeployCost
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'DeployFailure'
  }
}

export interface DeployResult {
  image: string
  tag: string
  digest: string
  repositoryUri: string
  clusterArn: string
  taskDefinitionArn: string
  revision: number
  reused: boolean
  tasks: TaskReport[]
  exitCode?: number
  created: string[]
  phases: Array<{ name: string; ms: number }>
  /** Absent when the deploy was not priced. */
  cost?: DeployCost
}

/** What the deploy costs: per hour for what it leaves running, and what a job that ran to its end cost. */
export interface DeployCost {
  /** Undefined when the price table has no prices for the region. */
  hourly?: CostEstimate
  job?: CostEstimate
  region: string
  /** Said above the job's figure: "What the job cost" when absent. */
  jobTitle?: string
  /** Said below the figures: what they leave out. */
  notes?: string[]
}

export interface StopResult {
  /** Every named or found task that is STOPPED now. */
  stopped: string[]
  /** Of those, the ones that were already STOPPED before this run. */
  alreadyStopped: string[]
  /** Named tasks that ECS no longer knows (stopped long ago, or never in this cluster). */
  missing: string[]
}

/** What a service deploy (service mode) did: the image, the service, its deployment and its scaling. */
export interface ServiceDeployResult {
  image: string
  tag: string
  digest: string
  repositoryUri: string
  clusterArn: string
  serviceName: string
  serviceArn: string
  /** True when this run created the service, false when it updated it. */
  createdService: boolean
  /** The endpoint (https:// in AWS), when known. */
  url?: string
  /** The deployment this run started and its last status (absent with wait-for none). */
  deploymentArn?: string
  deploymentStatus?: string
  /** The service revision serving after the deployment. */
  revisionArn?: string
  runningCount?: number
  desiredCount?: number
  scaling: { minTasks: number; maxTasks: number; scaleOn?: string; scaleTarget?: number }
  /** The task definition registered from the task-definition template, when one was given. */
  taskDefinitionArn?: string
  /** The resources this run created (repository, cluster, roles, log group), in words. */
  created: string[]
  phases: Array<{ name: string; ms: number }>
  /** What the service costs per hour (modes/cost.ts serviceCost). */
  cost?: DeployCost
  /** With a ttl: the EventBridge Scheduler schedule that deletes the service, and when. */
  expiry?: { scheduleName: string; expiresAt: Date }
  /** This deploy had no ttl, and removed the one an earlier deploy had set. */
  expiryRemoved?: boolean
}

/** What stop mode did to a service: the ARN it had, and whether this run deleted it or it was already gone. */
export interface ServiceStopResult {
  serviceName: string
  serviceArn?: string
  deleted: boolean
  /** The ttl's schedule: deleted with the service, none left (it had fired, or there was no ttl), or left. */
  expirySchedule?: 'deleted' | 'none' | 'left'
}

/**
 * A service deploy that failed once the service existed: the cause, and the service, so that the failure
 * summary can say what is left (a created service stays, and bills, until deleted with mode: stop).
 */
export class ServiceDeployFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly serviceArn: string,
    readonly createdService: boolean,
    /** True when the run was cancelled and this run deleted the service it had created. */
    readonly deleted = false,
    /** What the service left behind costs per hour (absent when it was deleted). */
    readonly cost?: DeployCost
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'ServiceDeployFailure'
  }
}
