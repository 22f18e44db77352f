// Starting the tasks and watching them: RunTask, then DescribeTasks polled until they reach the state
// the workflow waits for.
import { randomUUID } from 'node:crypto'
import {
  DescribeTasksCommand,
  RunTaskCommand,
  type ECSClient,
  type Failure,
  type RunTaskCommandInput,
  type Task
} from '@aws-sdk/client-ecs'
import { lastSegment } from './arn.js'
import { ActionError, describeRunTaskFailures } from './errors.js'
import type { Inputs } from './inputs.js'
import { ecsTags } from './task-definition.js'

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

export interface RunTarget {
  cluster: string
  taskDefinitionArn: string
  subnets: string[]
  securityGroups: string[]
}

export function buildRunTaskInput(
  inputs: Pick<Inputs, 'count' | 'assignPublicIp' | 'startedBy' | 'tags'>,
  target: RunTarget,
  clientToken: string = randomUUID()
): RunTaskCommandInput {
  const tags = ecsTags(inputs)
  return {
    cluster: target.cluster,
    taskDefinition: target.taskDefinitionArn,
    count: inputs.count,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: target.subnets,
        securityGroups: target.securityGroups,
        assignPublicIp: inputs.assignPublicIp ? 'ENABLED' : 'DISABLED'
      }
    },
    startedBy: inputs.startedBy,
    tags: tags.length > 0 ? tags : undefined,
    // The SDK retries RunTask on transient errors; the token keeps a retry from starting the tasks twice.
    clientToken
  }
}

export interface RunResult {
  tasks: Task[]
  failures: Failure[]
}

/** ECS's answer when it cannot assume a role yet: IAM is eventually consistent, and a new role takes seconds. */
const ROLE_NOT_ASSUMABLE = /unable to assume the role/i

export interface RunOptions {
  /** The execution role was created by this run: retry while ECS cannot assume it yet. */
  newRole?: boolean
  clock?: Clock
  /** How many times to retry a role ECS cannot assume yet, waiting 2, 4, 6… s in between. */
  roleRetries?: number
}

/** Runs the tasks; fails only when none started (a partial start is reported by the caller after outputs). */
export async function runTasks(
  ecs: ECSClient,
  input: RunTaskCommandInput,
  options: RunOptions = {}
): Promise<RunResult> {
  const clock = options.clock ?? systemClock
  const retries = options.newRole ? (options.roleRetries ?? 5) : 0
  let answer
  for (let attempt = 1; ; attempt++) {
    try {
      // The same clientToken on a retry: a RunTask that was rejected started nothing to duplicate.
      answer = await ecs.send(new RunTaskCommand(input))
      break
    } catch (error) {
      if (attempt > retries || !ROLE_NOT_ASSUMABLE.test((error as Error).message)) throw error
      await clock.sleep(2000 * attempt)
    }
  }
  const { tasks = [], failures = [] } = answer
  if (tasks.length === 0) {
    throw new ActionError(`RunTask started no task${failures.length > 0 ? '' : ' and reported no failure'}`, {
      details: failures.length > 0 ? describeRunTaskFailures(failures) : undefined
    })
  }
  return { tasks, failures }
}

export function taskId(taskArn: string): string {
  return lastSegment(taskArn)
}

export function networkInterfaceId(task: Task): string | undefined {
  const eni = task.attachments?.find((attachment) => attachment.type === 'ElasticNetworkInterface')
  return eni?.details?.find((detail) => detail.name === 'networkInterfaceId')?.value
}

export function privateIp(task: Task): string | undefined {
  const eni = task.attachments?.find((attachment) => attachment.type === 'ElasticNetworkInterface')
  return eni?.details?.find((detail) => detail.name === 'privateIPv4Address')?.value
}

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
      if ((error as Error).name !== 'ThrottlingException') throw error
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
