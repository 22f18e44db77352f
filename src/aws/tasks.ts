// The tasks' ECS calls: RunTask (retried while a new execution role propagates), the one StopTask, DescribeTasks
// in batches and ListTasks; and what a task's ARN and network attachment say about it.
import { randomUUID } from 'node:crypto'
import {
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  paginateListTasks,
  type ECSClient,
  type Failure,
  type RunTaskCommandInput,
  type Task
} from '@aws-sdk/client-ecs'
import { lastSegment } from '../shared/arn.js'
import { ActionError } from '../explain/action-error.js'
import { describeRunTaskFailures } from '../explain/task-failures.js'
import type { Inputs } from '../inputs/inputs.js'
import { retryWhileRoleIsNew } from '../shared/role-retries.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { ecsTags } from '../shared/tags.js'

export interface RunTarget {
  cluster: string
  taskDefinitionArn: string
  subnets: string[]
  securityGroups: string[]
}

/** Fargate Spot is a capacity provider: RunTask takes it as a strategy, instead of a launch type. */
export const SPOT_STRATEGY = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]

export function buildRunTaskInput(
  inputs: Pick<Inputs, 'count' | 'assignPublicIp' | 'startedBy' | 'tags' | 'capacity'>,
  target: RunTarget,
  clientToken: string = randomUUID()
): RunTaskCommandInput {
  return {
    cluster: target.cluster,
    taskDefinition: target.taskDefinitionArn,
    count: inputs.count,
    ...(inputs.capacity === 'spot' ? { capacityProviderStrategy: SPOT_STRATEGY } : { launchType: 'FARGATE' }),
    platformVersion: 'LATEST',
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: target.subnets,
        securityGroups: target.securityGroups,
        assignPublicIp: inputs.assignPublicIp ? 'ENABLED' : 'DISABLED'
      }
    },
    startedBy: inputs.startedBy,
    tags: ecsTags(inputs.tags),
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
  // The same clientToken on a retry: a RunTask that was rejected started nothing to duplicate.
  const answer = await retryWhileRoleIsNew(
    () => ecs.send(new RunTaskCommand(input)),
    (error) => ROLE_NOT_ASSUMABLE.test(error.message),
    { ...options, clock: options.clock ?? systemClock }
  )
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
 * StopTask for each task, each on its own: one refused must not keep the others running. The action's one
 * StopTask, with one failure rule: nothing is thrown, the tasks it could not stop are returned with the error,
 * and the caller says what that means (a cancelled run or a timeout warns; mode: stop fails). A timeout bounds
 * each call when the runner's kill is near (a cancelled run).
 */
export async function stopEach(
  ecs: ECSClient,
  cluster: string,
  taskArns: readonly string[],
  reason: string,
  timeoutMs?: number
): Promise<{ stopped: string[]; failed: Array<{ taskArn: string; error: Error }> }> {
  const results = await Promise.allSettled(
    taskArns.map((task) =>
      ecs.send(
        new StopTaskCommand({ cluster, task, reason }),
        timeoutMs === undefined ? undefined : { abortSignal: AbortSignal.timeout(timeoutMs) }
      )
    )
  )
  return {
    stopped: taskArns.filter((_, index) => results[index]!.status === 'fulfilled'),
    failed: results.flatMap((result, index) =>
      result.status === 'rejected' ? [{ taskArn: taskArns[index]!, error: result.reason as Error }] : []
    )
  }
}

/** DescribeTasks for any number of tasks, 100 (the API's limit) at a time. */
export async function describeTasks(
  ecs: ECSClient,
  cluster: string,
  taskArns: readonly string[]
): Promise<Task[]> {
  const tasks: Task[] = []
  for (let i = 0; i < taskArns.length; i += 100) {
    const answer = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(i, i + 100) }))
    tasks.push(...(answer.tasks ?? []))
  }
  return tasks
}

/** The RUNNING tasks of the cluster started by `startedBy`, every page of ListTasks. */
export async function listRunningTasks(
  ecs: ECSClient,
  cluster: string,
  startedBy: string
): Promise<string[]> {
  const arns: string[] = []
  for await (const page of paginateListTasks(
    { client: ecs },
    { cluster, startedBy, desiredStatus: 'RUNNING' }
  )) {
    arns.push(...(page.taskArns ?? []))
  }
  return arns
}
