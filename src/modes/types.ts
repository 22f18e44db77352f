// What the modes hand back and what they report through: the runner interface they are given, and their results.
import type { LogStream } from '../aws/log-events.js'
import type { CostEstimate } from '../shared/cost.js'

/** The runner as the modes see it; runner/reporter.ts implements it on @actions/core, tests with a fake. */
export interface Reporter {
  info(message: string): void
  /**
   * Prints text from a container or AWS (log lines, health-check answers) verbatim, one entry a line, such
   * that the runner takes none of it as a workflow command.
   */
  untrusted(lines: readonly string[]): void
  warning(message: string): void
  notice(message: string): void
  setOutput(name: string, value: string): void
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
    readonly started: StartedTasks,
    /** The tasks this run stopped itself (cancelled), of those started. */
    readonly stopped: string[] = []
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
}

export interface StopResult {
  /** Every named or found task that is STOPPED now. */
  stopped: string[]
  /** Of those, the ones that were already STOPPED before this run. */
  alreadyStopped: string[]
  /** Named tasks that ECS no longer knows (stopped long ago, or never in this cluster). */
  missing: string[]
}
