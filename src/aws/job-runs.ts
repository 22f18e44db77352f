// A scheduled job's recent runs, for the step's report: the family's tasks in the cluster that ran in the job's
// task group (the schedule's EcsParameters.Group, shared/job-schedule.ts), newest first, each with its start,
// exit code, stop reason and the console page of its log stream. ECS lists a stopped task for a while only
// (at least an hour after it stops, as DescribeTasks and ListTasks document), so older runs are not found.
import { DescribeTasksCommand, ListTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs'
import { lastSegment } from '../shared/arn.js'
import { jobName, jobTaskGroup } from '../shared/job-schedule.js'
import { logStreamConsoleUrl, logStreamFor, type LogStream } from './log-events.js'

export interface RecentRunsQuery {
  cluster: string
  family: string
  /** How many runs to give at most (the newest). */
  limit?: number
}

/** DescribeTasks takes at most 100 tasks. */
const DESCRIBE_LIMIT = 100

/**
 * The job's runs ECS still lists, newest first: ListTasks by family (it filters by family or startedBy, not by
 * group), running and stopped, one page each, then DescribeTasks and the job's group. What startedBy EventBridge
 * Scheduler sets on the tasks is not documented, so the group we set is what tells a run of the schedule from
 * the family's other tasks.
 */
export async function findRecentRuns(ecs: ECSClient, query: RecentRunsQuery): Promise<Task[]> {
  const group = jobTaskGroup(jobName(query.cluster, query.family))
  const arns: string[] = []
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const { taskArns = [] } = await ecs.send(
      new ListTasksCommand({ cluster: query.cluster, family: query.family, desiredStatus, maxResults: 100 })
    )
    arns.push(...taskArns)
  }
  const tasks: Task[] = []
  for (let start = 0; start < arns.length; start += DESCRIBE_LIMIT) {
    const answer = await ecs.send(
      new DescribeTasksCommand({ cluster: query.cluster, tasks: arns.slice(start, start + DESCRIBE_LIMIT) })
    )
    tasks.push(...(answer.tasks ?? []))
  }
  const time = (task: Task): number => (task.startedAt ?? task.createdAt ?? new Date(0)).getTime()
  return tasks
    .filter((task) => task.group === group)
    .sort((a, b) => time(b) - time(a))
    .slice(0, query.limit ?? 5)
}

export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'failed to start'

export interface RunReport {
  taskArn: string
  outcome: RunOutcome
  createdAt?: Date
  startedAt?: Date
  stoppedAt?: Date
  /** The app container's exit code. */
  exitCode?: number
  stopCode?: string
  stoppedReason?: string
  logStream: LogStream
  logUrl: string
}

export interface LogSettings {
  region: string
  logGroup: string
  /** The awslogs stream prefix of the app container. */
  prefix: string
  containerName: string
}

/** What one run did, from its described task: the app container's exit code decides the outcome. */
export function runReport(task: Task, logs: LogSettings): RunReport {
  const taskArn = task.taskArn ?? ''
  const container = task.containers?.find((c) => c.name === logs.containerName)
  const exitCode = container?.exitCode
  const stopped = task.lastStatus === 'STOPPED' || task.stoppedAt !== undefined
  const outcome: RunOutcome = !stopped
    ? 'running'
    : task.stopCode === 'TaskFailedToStart' || (exitCode === undefined && !task.startedAt)
      ? 'failed to start'
      : exitCode === 0
        ? 'succeeded'
        : 'failed'
  const logStream = logStreamFor({
    logGroup: logs.logGroup,
    prefix: logs.prefix,
    containerName: logs.containerName,
    taskId: lastSegment(taskArn)
  })
  return {
    taskArn,
    outcome,
    createdAt: task.createdAt,
    startedAt: task.startedAt,
    stoppedAt: task.stoppedAt,
    exitCode,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    logStream,
    logUrl: logStreamConsoleUrl(logs.region, logStream)
  }
}

/** 2026-12-06T03:00:04.512Z → 2026-12-06 03:00:04 UTC. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** 134 → 2m 14s; 3725 → 1h 2m 5s. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const [hours, minutes, rest] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60]
  if (hours > 0) return `${hours}h ${minutes}m ${rest}s`
  if (minutes > 0) return `${minutes}m ${rest}s`
  return `${rest}s`
}

/**
 * One line per run, for the log and the summary: when it started, what came of it, how long it ran, why it
 * stopped and where its logs are. The stop reason is ECS's text (it may quote the container): the caller
 * prints it as data (inside stop-commands, or escaped in the summary), as it does every AWS text.
 */
export function describeRun(run: RunReport): string {
  const when = run.startedAt ?? run.createdAt
  const head = when ? formatTime(when) : 'not started'
  const outcome =
    run.outcome === 'succeeded' || run.outcome === 'failed'
      ? `${run.outcome} (exit code ${run.exitCode ?? 'unknown'})`
      : run.outcome
  const took =
    run.startedAt && run.stoppedAt
      ? `, ran ${formatDuration((run.stoppedAt.getTime() - run.startedAt.getTime()) / 1000)}`
      : ''
  const reason = run.outcome !== 'running' && run.stoppedReason ? `: ${run.stoppedReason}` : ''
  return `${head}: ${outcome}${took}${reason}. Logs: ${run.logUrl}`
}
