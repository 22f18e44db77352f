// Starting the tasks: RunTask (retried while a new execution role propagates), and what a task's ARN and
// network attachment say about it.
import { randomUUID } from 'node:crypto'
import {
  RunTaskCommand,
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
