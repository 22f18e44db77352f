// Waiting as wait-for says: for RUNNING (and the public IPs), for the URL to answer, or for a job to finish
// with its log streamed; and, when a wait fails, an error that says why.
import type { Task } from '@aws-sdk/client-ecs'
import type { DeployClients } from '../aws/clients.js'
import { ActionError } from '../explain/action-error.js'
import {
  SPOT_INTERRUPTION_HINT,
  TTL_STOP_HINT,
  describeStoppedTask,
  describeTtlStop,
  hintForStoppedTask,
  isSpotInterruption,
  stoppedByTtl
} from '../explain/task-failures.js'
import { UnhealthyError, healthCheckUrl, waitHealthy } from './health.js'
import { isThrottling } from '../shared/throttling.js'
import type { Inputs } from '../inputs/inputs.js'
import { LogFollower, lastLogLines } from '../aws/log-events.js'
import { readInterfaceAddresses } from '../aws/network.js'
import { TaskStoppedError, WaitTimeoutError, waitForTasks } from '../aws/task-wait.js'
import { describeTasks, networkInterfaceId, privateIp, stopEach, taskId } from '../aws/tasks.js'
import { type Clock } from '../shared/clock.js'
import type { Reporter, TaskReport, WaitOutcome } from './types.js'

export interface WaitContext {
  inputs: Inputs
  clients: Pick<DeployClients, 'ecs' | 'ec2' | 'logs'>
  reporter: Reporter
  clock: Clock
  cluster: string
  /** The tasks started, in the order RunTask returned them (the outputs follow it). */
  tasks: TaskReport[]
  deadline: number
  /** Told what the wait learnt about the tasks, whatever happens: a failed deploy's cost comes from it. */
  onLearnt?: (outcome: WaitOutcome) => void
}

/**
 * Waits as wait-for says and sets the address outputs (and exit-code) whatever happens. Returns what it learnt
 * about the tasks, and the job's exit code for wait-for stopped.
 */
export async function waitAsAsked(context: WaitContext): Promise<WaitOutcome> {
  const { inputs, clients, reporter, clock, cluster, deadline } = context
  const taskArns = context.tasks.map((task) => task.taskArn)
  // What the outputs show, whatever happens: the tasks as last learnt.
  let learnt: WaitOutcome = { tasks: context.tasks }
  // The tasks this wait stopped itself (stop-on-timeout).
  const stopping = new Set<string>()
  try {
    if (inputs.waitFor === 'none') {
      reporter.info('wait-for is none: the public IP is not known yet, so public-ip and url are empty')
      return learnt
    }
    if (inputs.waitFor === 'stopped') {
      const job = await waitForJob(context, taskArns, stopping)
      learnt = { tasks: job.tasks, exitCode: job.exitCode }
      if (job.failure) throw job.failure
      return learnt
    }
    const running = await waitForTasks(clients.ecs, cluster, taskArns, { until: 'RUNNING', deadline, clock })
    const addressed = await readAddresses(context, running)
    learnt = { tasks: addressed.tasks }
    if (addressed.missing.length > 0) throw noPublicIpError(addressed.missing)
    if (inputs.waitFor === 'healthy') await waitForHealthy(context, learnt.tasks)
    return learnt
  } catch (error) {
    learnt = { ...learnt, tasks: seenBy(error, learnt.tasks, stopping) }
    throw await explainWaitFailure(error, context)
  } finally {
    setTaskOutputs(reporter, learnt)
    context.onLearnt?.(learnt)
  }
}

/**
 * The tasks with what a failed wait saw of them last (the task that stopped, or each task when it timed out),
 * and those it stopped itself as STOPPING.
 */
function seenBy(error: unknown, reports: TaskReport[], stopping: ReadonlySet<string>): TaskReport[] {
  const seen =
    error instanceof TaskStoppedError ? [error.task] : error instanceof WaitTimeoutError ? error.lastSeen : []
  return reports.map((report) => {
    const task = seen.find((candidate) => candidate.taskArn === report.taskArn)
    const updated: TaskReport = task
      ? {
          ...report,
          lastStatus: task.lastStatus,
          ...(task.pullStartedAt ? { pullStartedAt: task.pullStartedAt } : {}),
          ...(task.startedAt ? { startedAt: task.startedAt } : {}),
          ...(task.stoppedAt ? { stoppedAt: task.stoppedAt } : {})
        }
      : report
    // The last poll saw it before the StopTask.
    return stopping.has(report.taskArn) && !updated.stoppedAt
      ? { ...updated, lastStatus: 'STOPPING' }
      : updated
  })
}

/** The one place the address outputs and exit-code are set. */
function setTaskOutputs(reporter: Reporter, { tasks: reports, exitCode }: WaitOutcome): void {
  const publicIps = reports.map((report) => report.publicIp ?? '')
  reporter.setOutput('public-ip', publicIps[0] ?? '')
  reporter.setOutput('public-ips', JSON.stringify(publicIps.filter((ip) => ip !== '')))
  reporter.setOutput('private-ip', reports[0]?.privateIp ?? '')
  reporter.setOutput('url', reports[0]?.url ?? '')
  if (exitCode !== undefined) reporter.setOutput('exit-code', String(exitCode))
}

/**
 * Reads each task's addresses; a public IP can appear a little after RUNNING, so it is polled for until the
 * deadline. Returns the tasks with their addresses, and those still without the public IP asked for.
 */
async function readAddresses(
  context: WaitContext,
  running: Task[]
): Promise<{ tasks: TaskReport[]; missing: Task[] }> {
  const { inputs, clients, clock, deadline } = context
  for (let delay = 500; ; delay = Math.min(delay * 2, 2000)) {
    const eniIds = running.map(networkInterfaceId).filter((id): id is string => id !== undefined)
    const addresses = await readInterfaceAddresses(clients.ec2, eniIds)
    const tasks = context.tasks.map((report): TaskReport => {
      const task = running.find((seen) => seen.taskArn === report.taskArn)!
      const eni = addresses.get(networkInterfaceId(task) ?? '')
      const addressed = {
        ...report,
        lastStatus: task.lastStatus,
        privateIp: eni?.privateIp ?? privateIp(task),
        publicIp: eni?.publicIp
      }
      const host = addressed.publicIp ?? (inputs.assignPublicIp ? undefined : addressed.privateIp)
      return host && inputs.port !== undefined
        ? { ...addressed, url: `http://${host}:${inputs.port}` }
        : addressed
    })
    const missing = inputs.assignPublicIp
      ? running.filter((task) => !tasks.find((report) => report.taskArn === task.taskArn)?.publicIp)
      : []
    if (missing.length === 0 || clock.now() + delay > deadline) return { tasks, missing }
    await clock.sleep(delay)
  }
}

function noPublicIpError(missing: Task[]): ActionError {
  return new ActionError('The task is RUNNING but its network interface has no public IP yet', {
    details: missing
      .map((task) => `${task.taskArn}: network interface ${networkInterfaceId(task) ?? 'unknown'}`)
      .join('\n'),
    hint: 'Check that the subnets are public (a route to an internet gateway) and assign-public-ip is true.'
  })
}

/**
 * wait-for healthy: request every task's url + health-path until each answers 2xx or 3xx. On timeout the error
 * says what each task is doing, since a task that stopped or never served explains the failure.
 */
async function waitForHealthy(context: WaitContext, reports: TaskReport[]): Promise<void> {
  const { inputs, clients, reporter, clock, cluster, deadline } = context
  try {
    await Promise.all(
      reports.map(async (report) => {
        const url = healthCheckUrl(report.url!, inputs.healthPath)
        const health = await waitHealthy(url, { deadline, clock, log: (line) => reporter.untrusted([line]) })
        reporter.info(`${url} answered HTTP ${health.status} after ${health.attempts} request(s)`)
      })
    )
  } catch (error) {
    if (!(error instanceof UnhealthyError)) throw error
    // Best effort: the URL that never answered is the failure; the tasks' state only explains it.
    const tasks = await describeTasks(
      clients.ecs,
      cluster,
      reports.map((report) => report.taskArn)
    ).catch((): Task[] => [])
    error.details = tasks
      .map((task) =>
        task.lastStatus === 'STOPPED' ? describeStoppedTask(task) : `${task.taskArn}: ${task.lastStatus}`
      )
      .join('\n')
    error.hint = `${error.hint} The task(s) were left running: stop them with mode: stop.`
    throw error
  }
}

/**
 * wait-for stopped: follow every task's log until all have stopped (followJobLogs), stop the tasks when the
 * timeout runs out (stopOnTimeout), then judge the exit codes (judgeExitCodes). The log lines go to the step log
 * as they arrive, labelled with the task when there are several.
 */
async function waitForJob(
  context: WaitContext,
  taskArns: string[],
  stopping: Set<string>
): Promise<WaitOutcome & { failure?: ActionError }> {
  const { clients, clock, cluster, deadline } = context
  const { follow, labelOf } = followJobLogs(context, taskArns)
  let tasks: Task[]
  try {
    tasks = await waitForTasks(clients.ecs, cluster, taskArns, {
      until: 'STOPPED',
      deadline,
      clock,
      onPoll: follow
    })
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      await stopOnTimeout(context, error, taskArns, stopping)
      // Whatever the job printed up to here belongs in the log, before the error.
      await follow()
    }
    throw error
  }
  // The poll that saw STOPPED has read the log already; one more read takes what CloudWatch showed since.
  await follow()
  return judgeExitCodes(context, taskArns, tasks, labelOf)
}

/** Follows the job's log streams: each call prints what CloudWatch has shown since the last one. */
function followJobLogs(
  context: WaitContext,
  taskArns: string[]
): { follow: () => Promise<void>; labelOf: (taskArn: string) => string } {
  const { clients, reporter } = context
  const labelOf = (taskArn: string): string =>
    taskArns.length > 1 ? `[${taskId(taskArn).slice(0, 8)}] ` : ''
  const followers = context.tasks.map((report) => new LogFollower(clients.logs, report.logStream))
  const unreadable = new Set<LogFollower>()
  const follow = async (): Promise<void> => {
    for (const [index, follower] of followers.entries()) {
      if (unreadable.has(follower)) continue
      const label = labelOf(taskArns[index]!)
      // The job's lines are its own text: printed as data, never as workflow commands.
      const lines: string[] = []
      try {
        await follower.poll((event) => lines.push(`${label}${event.message ?? ''}`))
        reporter.untrusted(lines)
      } catch (error) {
        reporter.untrusted(lines)
        // The exit code matters more than the log: a throttled read resumes from the cursor next time, and a
        // stream that cannot be read (no logs:GetLogEvents) is given up once, said, and the wait goes on.
        if (isThrottling(error)) continue
        unreadable.add(follower)
        reporter.warning(
          `Cannot read the log stream ${follower.stream.logGroup}/${follower.stream.logStream}: ${(error as Error).message}`
        )
      }
    }
  }
  return { follow, labelOf }
}

/** With stop-on-timeout: the job's tasks stopped, each on its own; those that could not be are named in the hint. */
async function stopOnTimeout(
  context: WaitContext,
  error: WaitTimeoutError,
  taskArns: string[],
  stopping: Set<string>
): Promise<void> {
  const { inputs, clients, reporter, cluster } = context
  if (!inputs.stopOnTimeout) return
  const reason = `Stopped by ecs-fargate-deploy: still running when timeout (${inputs.timeoutSeconds} s) ran out`
  // Each stop on its own: a StopTask that fails (no ecs:StopTask) must not hide the timeout itself.
  const { stopped: stoppedArns, failed } = await stopEach(clients.ecs, cluster, taskArns, reason)
  const running = failed.map((failure) => failure.taskArn)
  // StopTask was accepted: those tasks are stopping, not left running.
  for (const taskArn of stoppedArns) stopping.add(taskArn)
  if (stoppedArns.length > 0) {
    reporter.warning(
      `Stopped ${stoppedArns.join(', ')}: still running when timeout (${inputs.timeoutSeconds} s) ran out`
    )
  }
  for (const { taskArn, error: stopError } of failed)
    reporter.warning(`Could not stop ${taskArn}: ${stopError.message}`)
  if (running.length > 0) {
    error.hint =
      `timeout (${inputs.timeoutSeconds} s) ran out and ${running.join(', ')} could not be stopped: they run ` +
      "(and are billed) until stopped; stop them with mode: stop and this step's task-arns output."
  }
}

/** The job's stopped tasks judged: exit codes, Fargate Spot interruptions and the ttl, in the order started. */
function judgeExitCodes(
  context: WaitContext,
  taskArns: string[],
  tasks: Task[],
  labelOf: (taskArn: string) => string
): WaitOutcome & { failure?: ActionError } {
  const { inputs, reporter } = context
  // In the order the tasks were started, so "the first non-zero" does not depend on DescribeTasks' order.
  const stopped = taskArns.map((arn) => tasks.find((task) => task.taskArn === arn)!)
  const problems: string[] = []
  let exitCode: number | undefined
  let missingExitCode = false
  const reports = context.tasks.map((report, index): TaskReport => {
    const task = stopped[index]!
    const container = task.containers?.find((c) => c.name === inputs.containerName) ?? task.containers?.[0]
    return {
      ...report,
      lastStatus: task.lastStatus,
      exitCode: container?.exitCode,
      pullStartedAt: task.pullStartedAt,
      startedAt: task.startedAt,
      stoppedAt: task.stoppedAt,
      ...(isSpotInterruption(task) ? { spotInterrupted: true } : {})
    }
  })
  // A task Fargate Spot interrupted exits on the SIGTERM it was sent: its exit code says nothing of the job.
  const interrupted = stopped.filter(isSpotInterruption)
  for (const task of interrupted) {
    reporter.warning(`${labelOf(task.taskArn!)}${task.taskArn} was interrupted by Fargate Spot`)
  }
  if (interrupted.length > 0) {
    const failure = new ActionError(
      `The job was interrupted by Fargate Spot: AWS took back the capacity of ${interrupted.length} of ${stopped.length} task(s)`,
      { details: interrupted.map(describeStoppedTask).join('\n'), hint: SPOT_INTERRUPTION_HINT }
    )
    return { tasks: reports, failure }
  }
  // A task whose ttl ran out was stopped by ECS: its exit code is the SIGTERM's, so the ttl is named instead.
  let firstFailure: Task | undefined
  const ttlStopped: Task[] = []
  for (const task of stopped) {
    const container = task.containers?.find((c) => c.name === inputs.containerName) ?? task.containers?.[0]
    const byTtl = container?.exitCode !== 0 && stoppedByTtl(task, inputs.ttlSeconds)
    if (byTtl) ttlStopped.push(task)
    if (container?.exitCode === undefined) {
      missingExitCode = true
      firstFailure ??= task
      problems.push(
        byTtl
          ? `${task.taskArn}: ${describeTtlStop(inputs.ttlSeconds!, undefined)}`
          : describeStoppedTask(task)
      )
      continue
    }
    reporter.info(`${labelOf(task.taskArn!)}${task.taskArn} exited with code ${container.exitCode}`)
    if (container.exitCode !== 0) {
      problems.push(
        byTtl
          ? `${task.taskArn} exited with code ${container.exitCode}: ${describeTtlStop(inputs.ttlSeconds!, container.exitCode)}`
          : `${task.taskArn} exited with code ${container.exitCode} (${task.stoppedReason ?? 'no reason given'})`
      )
      if (exitCode === undefined) firstFailure = task
      exitCode ??= container.exitCode
    }
  }
  if (exitCode === undefined && !missingExitCode) return { tasks: reports, exitCode: 0 }
  const hint = ttlStopped.length > 0 ? TTL_STOP_HINT : undefined
  // The ttl is the message when it stopped the task whose exit code the step reports.
  const message =
    firstFailure && ttlStopped.includes(firstFailure)
      ? describeTtlStop(
          inputs.ttlSeconds!,
          exitCode,
          ttlStopped.length === stopped.length ? stopped.length : 1
        )
      : exitCode === undefined
        ? 'The job stopped without an exit code'
        : `The job failed with exit code ${exitCode}`
  const failure = new ActionError(message, { details: problems.join('\n'), hint })
  return { tasks: reports, exitCode, failure }
}

/** Turns a wait that failed into an error that says why: the task's stop reason, hints and its last log lines. */
async function explainWaitFailure(error: unknown, context: WaitContext): Promise<unknown> {
  const { inputs, clients } = context
  if (error instanceof TaskStoppedError) {
    const report = context.tasks.find((task) => task.taskArn === error.task.taskArn)
    const lines = report ? await lastLogLines(clients.logs, report.logStream) : []
    return new ActionError(`Task ${error.task.taskArn} stopped before it was RUNNING`, {
      details: [describeStoppedTask(error.task), ...logSection(lines)].join('\n'),
      hint: hintForStoppedTask(error.task, {
        assignPublicIp: inputs.assignPublicIp,
        hasExecutionRole: inputs.executionRole !== '',
        logGroup: inputs.logGroup,
        ttlSeconds: inputs.ttlSeconds
      })
    })
  }
  // A job's lines were streamed into the log already; other waits show the last lines here.
  if ((error instanceof WaitTimeoutError || error instanceof ActionError) && inputs.waitFor !== 'stopped') {
    const first = context.tasks[0]
    const lines = first ? await lastLogLines(clients.logs, first.logStream) : []
    if (lines.length > 0) error.details = [error.details, ...logSection(lines)].filter(Boolean).join('\n')
  }
  if (error instanceof WaitTimeoutError && !error.hint) error.hint = timeoutHint(inputs)
  return error
}

/** After a timeout the tasks run on (and are billed) unless stop-on-timeout stopped them: say how to end them. */
function timeoutHint(inputs: Inputs): string {
  const timeout = `timeout (${inputs.timeoutSeconds} s)`
  if (inputs.waitFor === 'stopped' && inputs.stopOnTimeout) {
    return `The tasks were stopped because ${timeout} ran out (stop-on-timeout); raise timeout if the job needs longer.`
  }
  return (
    `The tasks were left running when ${timeout} ran out, and Fargate bills them until they stop: ` +
    "stop them in a later step with mode: stop, task-arn set to this step's task-arns output and if: always(); " +
    'or raise timeout.'
  )
}

function logSection(lines: string[]): string[] {
  return lines.length > 0 ? ['Last log lines:', ...lines.map((line) => `  ${line}`)] : []
}
