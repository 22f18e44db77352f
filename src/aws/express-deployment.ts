// Watching a service's deployment, Express Mode's or a standard service's (rolling, blue/green, linear,
// canary): the one this run started, found with ListServiceDeployments (or named by UpdateService's answer),
// polled with DescribeServiceDeployments until it succeeds, stops or rolls back; a failure carries the reason,
// the rollback, the circuit breaker or alarms that fired, the service's recent events and the stopped tasks'
// reasons and last log lines.
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  type ECSClient,
  type ServiceDeployment,
  type ServiceDeploymentStatus,
  type ServiceEvent,
  type Task
} from '@aws-sdk/client-ecs'
import { ActionError } from '../explain/action-error.js'
import { describeStoppedTask, hintForStoppedTask, type StoppedTaskContext } from '../explain/task-failures.js'
import { lastSegment } from '../shared/arn.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { describePause, pausedHooks } from '../shared/deployment-progress.js'
import { isThrottling } from '../shared/throttling.js'
import { WaitTimeoutError, nextPollDelay } from './task-wait.js'

/** How far the runner's clock may be ahead of AWS's when filtering deployments by creation time. */
export const CLOCK_SKEW_MS = 60_000
/** How many of the service's events and stopped tasks a failure shows. */
export const RECENT_EVENTS = 10
export const RECENT_STOPPED_TASKS = 5
/** How many of those stopped tasks show their last log lines (the newest first). */
export const LOG_LINES_OF_TASKS = 2

export interface DeploymentWaitOptions {
  serviceArn: string
  cluster: string
  /** The clock's time just before the create or update (ServiceChange.requestedAt). */
  startedAfter: number
  /** Deployments that existed before the call (ServiceChange.previousDeployments): never this run's. */
  knownDeployments: readonly string[]
  deadline: number
  clock?: Clock
  /** Called with every DescribeServiceDeployments answer (progress lines, summaries). */
  onPoll?: (deployment: ServiceDeployment) => Promise<void> | void
  /**
   * Keep polling a deployment that is rolling back until the rollback ends, to tell whether the previous
   * revision serves again (default true). False fails at the first ROLLBACK_* or STOP_REQUESTED status.
   */
  settleRollback?: boolean
  /** For hints on the stopped tasks, as for one-off tasks. */
  hintContext?: StoppedTaskContext
  /**
   * The deployment this run started, when the update's answer named it (StandardServiceChange.deploymentArn):
   * polled at once, without looking for it in ListServiceDeployments.
   */
  deploymentArn?: string
  /**
   * The last log lines of a stopped task (service-logs.ts), shown under it in a failure; best effort: an
   * empty list shows nothing. Absent: no log lines (Express Mode's failures, as before).
   */
  lastLogLines?: (task: Task) => Promise<string[]>
}

export interface DeploymentSuccess {
  deploymentArn: string
  deployment: ServiceDeployment
}

type Outcome = 'waiting' | 'success' | 'failure'

const ROLLING_BACK: ReadonlySet<string> = new Set(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'])
const FAILED: ReadonlySet<string> = new Set(['STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'])

/** What a deployment status means for the wait. The API has no FAILED: failures end STOPPED or ROLLBACK_*. */
export function deploymentOutcome(
  status: ServiceDeploymentStatus | undefined,
  settleRollback = true
): Outcome {
  if (status === 'SUCCESSFUL') return 'success'
  if (status && FAILED.has(status)) return 'failure'
  if (!settleRollback && status && (ROLLING_BACK.has(status) || status === 'STOP_REQUESTED')) return 'failure'
  return 'waiting'
}

/** The deployment this run started: the newest one created after the call that was not there before it. */
async function findNewDeployment(
  ecs: ECSClient,
  options: DeploymentWaitOptions
): Promise<string | undefined> {
  const { serviceDeployments = [] } = await ecs.send(
    new ListServiceDeploymentsCommand({
      service: options.serviceArn,
      cluster: options.cluster,
      createdAt: { after: new Date(options.startedAfter - CLOCK_SKEW_MS) },
      maxResults: 100
    })
  )
  const known = new Set(options.knownDeployments)
  const fresh = serviceDeployments.filter(
    (deployment) => deployment.serviceDeploymentArn && !known.has(deployment.serviceDeploymentArn)
  )
  fresh.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
  return fresh[0]?.serviceDeploymentArn
}

/**
 * Waits for the deployment the create or update started to be SUCCESSFUL. Polls about every second at first,
 * backing off gently; throttling that outlasts the SDK's retries slows the polls instead of failing.
 * Throws ServiceDeploymentFailedError when it ends STOPPED or ROLLBACK_*, ServiceDeploymentTimeoutError
 * (a WaitTimeoutError) at the deadline.
 */
export async function waitForServiceDeployment(
  ecs: ECSClient,
  options: DeploymentWaitOptions
): Promise<DeploymentSuccess> {
  const clock = options.clock ?? systemClock
  const settleRollback = options.settleRollback ?? true
  let deploymentArn: string | undefined = options.deploymentArn
  let last: ServiceDeployment | undefined
  let delay: number | undefined
  for (;;) {
    let outcome: Outcome = 'waiting'
    try {
      deploymentArn ??= await findNewDeployment(ecs, options)
      if (deploymentArn) {
        const answer = await ecs.send(
          new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [deploymentArn] })
        )
        // Just created, a deployment may be listed before it can be described: keep polling.
        const deployment = answer.serviceDeployments?.[0]
        if (deployment) {
          last = deployment
          await options.onPoll?.(deployment)
          outcome = deploymentOutcome(deployment.status, settleRollback)
        }
      }
      delay = nextPollDelay(delay)
    } catch (error) {
      if (!isThrottling(error)) throw error
      delay = Math.min((delay ?? 1000) * 2, 10_000)
    }
    if (outcome === 'success') return { deploymentArn: deploymentArn!, deployment: last! }
    if (outcome === 'failure') throw await deploymentFailure(ecs, last!, options)
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) {
      // Out of time while rolling back is still a failed deployment, and says more than a timeout.
      if (last?.status && (ROLLING_BACK.has(last.status) || last.status === 'STOP_REQUESTED'))
        throw await deploymentFailure(ecs, last, options)
      throw new ServiceDeploymentTimeoutError(options.serviceArn, deploymentArn, last)
    }
    await clock.sleep(Math.min(delay, remaining))
  }
}

export class ServiceDeploymentTimeoutError extends WaitTimeoutError {
  constructor(
    readonly serviceArn: string,
    readonly deploymentArn: string | undefined,
    readonly lastDeployment: ServiceDeployment | undefined
  ) {
    super(
      deploymentArn
        ? `service deployment ${lastSegment(deploymentArn)} to be SUCCESSFUL (last status ${lastDeployment?.status ?? 'unknown'})`
        : `the deployment of service ${lastSegment(serviceArn)} to appear in ListServiceDeployments`,
      []
    )
    this.name = 'ServiceDeploymentTimeoutError'
    this.details = lastDeployment
      ? [
          deploymentProgress(lastDeployment),
          ...pausedHooks(lastDeployment).map((hook) => describePause(lastDeployment, hook))
        ].join('\n')
      : undefined
  }
}

/** A deployment's task counts, e.g. "target revision: 1 of 2 tasks running, 1 pending". */
function deploymentProgress(deployment: ServiceDeployment): string {
  const target = deployment.targetServiceRevision
  if (!target) return `status ${deployment.status ?? 'unknown'}`
  return `target revision ${lastSegment(target.arn ?? 'unknown')}: ${target.runningTaskCount ?? 0} of ${target.requestedTaskCount ?? 0} tasks running, ${target.pendingTaskCount ?? 0} pending`
}

export class ServiceDeploymentFailedError extends ActionError {
  constructor(
    readonly deployment: ServiceDeployment,
    /** True when ECS rolled back and the previous revision serves again (ROLLBACK_SUCCESSFUL). */
    readonly previousRevisionServes: boolean,
    readonly events: ServiceEvent[],
    readonly stoppedTasks: Task[],
    options: { details?: string; hint?: string }
  ) {
    const status = deployment.status ?? 'unknown'
    const reason = deployment.statusReason ? `: ${deployment.statusReason}` : ''
    const id = lastSegment(deployment.serviceDeploymentArn ?? 'unknown')
    super(`Service deployment ${id} ended ${status}${reason}\n${rollbackLine(deployment)}`, options)
    this.name = 'ServiceDeploymentFailedError'
  }

  get status(): ServiceDeploymentStatus | undefined {
    return this.deployment.status
  }
}

function rollbackLine(deployment: ServiceDeployment): string {
  const to = deployment.rollback?.serviceRevisionArn
    ? ` (revision ${lastSegment(deployment.rollback.serviceRevisionArn)})`
    : ''
  switch (deployment.status) {
    case 'ROLLBACK_SUCCESSFUL':
      return `ECS rolled back: the previous revision${to} still serves.`
    case 'ROLLBACK_FAILED':
      return 'The rollback failed too: the service may not be serving; look at its events below.'
    case 'ROLLBACK_REQUESTED':
    case 'ROLLBACK_IN_PROGRESS':
      return `ECS is rolling back to the previous revision${to}.`
    default:
      return 'The deployment was stopped before it completed.'
  }
}

/** Builds the failure: the deployment's own story, then the service's events and the stopped tasks. */
async function deploymentFailure(
  ecs: ECSClient,
  deployment: ServiceDeployment,
  options: DeploymentWaitOptions
): Promise<ServiceDeploymentFailedError> {
  const since = deployment.createdAt?.getTime() ?? options.startedAfter - CLOCK_SKEW_MS
  const [events, tasks] = await Promise.all([
    recentEvents(ecs, options, since),
    stoppedTasks(ecs, options, since)
  ])
  const lines: string[] = []
  if (deployment.rollback?.reason) lines.push(`Rollback reason: ${deployment.rollback.reason}`)
  const breaker = deployment.deploymentCircuitBreaker
  if (breaker?.status === 'TRIGGERED') {
    lines.push(
      `Circuit breaker triggered: ${breaker.failureCount ?? '?'} failed tasks (threshold ${breaker.threshold ?? '?'})`
    )
  }
  const alarms = deployment.alarms?.triggeredAlarmNames ?? []
  if (alarms.length > 0) lines.push(`Alarms triggered: ${alarms.join(', ')}`)
  if (events.error) lines.push(`(The service's events could not be read: ${events.error})`)
  if (events.items.length > 0) {
    lines.push('Recent service events:')
    for (const event of events.items) {
      lines.push(`  ${event.createdAt?.toISOString() ?? ''} ${event.message ?? ''}`.trimEnd())
    }
  }
  if (tasks.error) lines.push(`(The stopped tasks could not be read: ${tasks.error})`)
  if (tasks.items.length > 0) {
    lines.push('Stopped tasks:')
    const logLines = await Promise.all(
      tasks.items.map((task, index) =>
        index < LOG_LINES_OF_TASKS && options.lastLogLines
          ? options.lastLogLines(task).catch(() => [])
          : Promise.resolve([])
      )
    )
    tasks.items.forEach((task, index) => {
      lines.push(describeStoppedTask(task))
      const logs = logLines[index] ?? []
      if (logs.length > 0) {
        lines.push('  last log lines:')
        for (const line of logs) lines.push(`    ${line}`)
      }
    })
  }
  const hints = options.hintContext
    ? tasks.items.map((task) => hintForStoppedTask(task, options.hintContext!)).filter(Boolean)
    : []
  return new ServiceDeploymentFailedError(
    deployment,
    deployment.status === 'ROLLBACK_SUCCESSFUL',
    events.items,
    tasks.items,
    {
      details: lines.length > 0 ? lines.join('\n') : undefined,
      hint: [...new Set(hints)].join('\n') || undefined
    }
  )
}

interface Gathered<T> {
  items: T[]
  /** Why they could not be read (e.g. AccessDenied): said, without hiding the deployment's failure. */
  error?: string
}

async function recentEvents(
  ecs: ECSClient,
  options: DeploymentWaitOptions,
  since: number
): Promise<Gathered<ServiceEvent>> {
  try {
    const { services = [] } = await ecs.send(
      new DescribeServicesCommand({ cluster: options.cluster, services: [options.serviceArn] })
    )
    const events = (services[0]?.events ?? []).filter((event) => (event.createdAt?.getTime() ?? 0) >= since)
    return { items: events.slice(0, RECENT_EVENTS) }
  } catch (error) {
    return { items: [], error: (error as Error).message }
  }
}

async function stoppedTasks(
  ecs: ECSClient,
  options: DeploymentWaitOptions,
  since: number
): Promise<Gathered<Task>> {
  try {
    const { taskArns = [] } = await ecs.send(
      new ListTasksCommand({
        cluster: options.cluster,
        serviceName: lastSegment(options.serviceArn),
        desiredStatus: 'STOPPED',
        maxResults: 100
      })
    )
    if (taskArns.length === 0) return { items: [] }
    const { tasks = [] } = await ecs.send(
      new DescribeTasksCommand({ cluster: options.cluster, tasks: taskArns })
    )
    const recent = tasks
      .filter((task) => (task.createdAt?.getTime() ?? 0) >= since)
      .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
    return { items: recent.slice(0, RECENT_STOPPED_TASKS) }
  } catch (error) {
    return { items: [], error: (error as Error).message }
  }
}
