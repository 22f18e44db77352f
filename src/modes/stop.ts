// Stop mode: stop the tasks named (or found by startedBy and family), wait until they are STOPPED.
// Safe to run twice: tasks already stopped or gone, and a cluster that no longer exists, are not errors.
import type { ECSClient, Task } from '@aws-sdk/client-ecs'
import { waitForTasks } from '../aws/task-wait.js'
import { describeTasks as describe, listRunningTasks, stopEach, taskId } from '../aws/tasks.js'
import { type Clock } from '../shared/clock.js'
import type { Reporter, StopResult } from './types.js'

export interface StopOptions {
  cluster: string
  taskArns: string[]
  family: string
  startedBy: string
  deadline: number
  clock?: Clock
  log?: (message: string) => void
  /** The StopTask reason; STOP_REASON (mode: stop) unless given. */
  reason?: string
  /** Wait until the tasks are STOPPED (true unless given); the post step only asks them to stop. */
  waitUntilStopped?: boolean
}

export const STOP_REASON = 'Stopped by ecs-fargate-deploy (mode: stop)'

export async function stopTasks(ecs: ECSClient, options: StopOptions): Promise<StopResult> {
  const log = options.log ?? (() => undefined)
  let taskArns = options.taskArns
  try {
    if (taskArns.length === 0) taskArns = await findRunningTasks(ecs, options)
    if (taskArns.length === 0) {
      log(
        `No running task of ${options.family || 'any family'} started by '${options.startedBy}' in ${options.cluster}`
      )
      return { stopped: [], alreadyStopped: [], missing: [] }
    }
    const tasks = await describe(ecs, options.cluster, taskArns)
    const known = new Set(tasks.flatMap((task) => [task.taskArn!, taskId(task.taskArn!)]))
    const missing = taskArns.filter((arn) => !known.has(arn))
    const alreadyStopped = tasks.filter((task) => task.lastStatus === 'STOPPED').map((task) => task.taskArn!)
    const toStop = tasks.filter((task) => task.lastStatus !== 'STOPPED').map((task) => task.taskArn!)
    // Every task is asked to stop; a refusal then fails the stop (the user asked for exactly this).
    const { failed } = await stopEach(ecs, options.cluster, toStop, options.reason ?? STOP_REASON)
    if (failed[0]) throw failed[0].error
    for (const arn of toStop) log(`Stopping ${arn}`)
    for (const arn of alreadyStopped) log(`${arn} was already stopped`)
    for (const arn of missing) log(`${arn} is not known to ECS in ${options.cluster} (already gone)`)
    if (toStop.length > 0 && options.waitUntilStopped !== false) {
      await waitForTasks(ecs, options.cluster, toStop, {
        until: 'STOPPED',
        deadline: options.deadline,
        clock: options.clock
      })
    }
    return { stopped: [...toStop, ...alreadyStopped], alreadyStopped, missing }
  } catch (error) {
    if ((error as Error).name === 'ClusterNotFoundException') {
      log(`Cluster ${options.cluster} does not exist: nothing to stop`)
      return { stopped: [], alreadyStopped: [], missing: taskArns }
    }
    throw error
  }
}

/** ListTasks filters by startedBy; the family is checked on the described tasks (ListTasks takes one or the other). */
export async function findRunningTasks(ecs: ECSClient, options: StopOptions): Promise<string[]> {
  const arns = await listRunningTasks(ecs, options.cluster, options.startedBy)
  if (!options.family || arns.length === 0) return arns
  const tasks = await describe(ecs, options.cluster, arns)
  return tasks.filter((task) => familyOf(task) === options.family).map((task) => task.taskArn!)
}

export function familyOf(task: Task): string | undefined {
  // arn:aws:ecs:region:account:task-definition/FAMILY:REVISION
  return /task-definition\/([^:]+):\d+$/.exec(task.taskDefinitionArn ?? '')?.[1]
}

/** The stopped-task-arns output, written here only (mode: stop, and a task preview's close). */
export function reportStopped(reporter: Pick<Reporter, 'setOutput'>, result: StopResult): void {
  reporter.setOutput('stopped-task-arns', JSON.stringify(result.stopped))
}
