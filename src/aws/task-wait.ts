// Watching the tasks: DescribeTasks polled until every task reaches the state the workflow waits for.
import { DescribeTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs'
import { ActionError } from '../explain/action-error.js'
import { describeRunTaskFailures } from '../explain/task-failures.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { isThrottling } from '../shared/throttling.js'

/**
 * The next poll delay: about 1 s at first, backing off gently. The cap leaves room for a DescribeTasks and a
 * DescribeNetworkInterfaces round trip, so the action still exits within 1.5 s of the task's change.
 */
export function nextPollDelay(previous: number | undefined): number {
  if (previous === undefined) return 1000
  return Math.min(Math.round(previous * 1.1), 1200)
}

export type TaskState = 'RUNNING' | 'STOPPED'

export class WaitTimeoutError extends ActionError {
  constructor(
    what: string,
    readonly lastSeen: Task[]
  ) {
    super(`Timed out waiting for ${what}`, {
      details: lastSeen
        .map((task) => `${task.taskArn}: last status ${task.lastStatus ?? 'unknown'}`)
        .join('\n')
    })
    this.name = 'WaitTimeoutError'
  }
}

export class TaskStoppedError extends ActionError {
  constructor(readonly task: Task) {
    super(`Task ${task.taskArn} stopped before it was RUNNING`)
    this.name = 'TaskStoppedError'
  }
}

export interface WaitOptions {
  until: TaskState
  deadline: number
  clock?: Clock
  /** Called with every DescribeTasks answer (log streaming, public IP look-ups). */
  onPoll?: (tasks: Task[]) => Promise<void>
  /** How long a task may be reported MISSING after RunTask before that counts as a failure. */
  missingGraceMs?: number
}

/**
 * Polls DescribeTasks until every task reaches `until`. A task that stops while we wait for RUNNING fails the
 * wait with the task attached, so the caller can explain why it stopped.
 */
export async function waitForTasks(
  ecs: ECSClient,
  cluster: string,
  taskArns: string[],
  options: WaitOptions
): Promise<Task[]> {
  const clock = options.clock ?? systemClock
  const missingSince = clock.now()
  const missingGraceMs = options.missingGraceMs ?? 30_000
  let lastSeen: Task[] = []
  let delay: number | undefined
  for (;;) {
    let tasks: Task[] | undefined
    try {
      const answer = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }))
      tasks = answer.tasks ?? []
      const missing = (answer.failures ?? []).filter((failure) => failure.reason === 'MISSING')
      // ECS is eventually consistent: a task just started may not be visible yet.
      if (missing.length > 0 && clock.now() - missingSince > missingGraceMs) {
        throw new ActionError(`ECS does not know task(s) ${missing.map((f) => f.arn).join(', ')} (MISSING)`, {
          hint: 'The task may have been started in another cluster or region; check the cluster and region inputs.'
        })
      }
      const otherFailures = (answer.failures ?? []).filter((failure) => failure.reason !== 'MISSING')
      if (otherFailures.length > 0) {
        throw new ActionError('DescribeTasks failed', { details: describeRunTaskFailures(otherFailures) })
      }
    } catch (error) {
      // Throttling that outlasted the SDK's retries: slow down instead of failing the deploy.
      if (!isThrottling(error)) throw error
      delay = Math.min((delay ?? 1000) * 2, 10_000)
    }
    if (tasks) {
      lastSeen = mergeSeen(lastSeen, tasks)
      await options.onPoll?.(tasks)
      if (options.until === 'RUNNING') {
        const stopped = tasks.find(
          (task) => task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED'
        )
        if (stopped) throw new TaskStoppedError(stopped)
      }
      if (tasks.length === taskArns.length && tasks.every((task) => task.lastStatus === options.until))
        return tasks
      delay = nextPollDelay(delay)
    }
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) throw new WaitTimeoutError(`the task(s) to be ${options.until}`, lastSeen)
    await clock.sleep(Math.min(delay!, remaining))
  }
}

function mergeSeen(previous: Task[], latest: Task[]): Task[] {
  const byArn = new Map(previous.map((task) => [task.taskArn, task]))
  for (const task of latest) byArn.set(task.taskArn, task)
  return [...byArn.values()]
}
