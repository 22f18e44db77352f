// The release command (database migrations and the like): the new revision run once as a one-off task with the
// command in place of its container's, before anything serves it: for an existing service on the service's own
// network (modes/existing-service.ts), for tasks on the tasks' network (modes/deploy.ts). Its log is streamed as
// a job's is; a non-zero exit fails the step before the update (or before the tasks start).
import type { ContainerDefinition, Task } from '@aws-sdk/client-ecs'
import { LogFollower, logStreamFor } from '../aws/log-events.js'
import { buildReleaseTaskInput, releaseExitCode, type TaskPlacement } from '../aws/release-task.js'
import { streamPrefix } from '../aws/task-definition.js'
import { runTasks, taskId } from '../aws/tasks.js'
import { waitForTasks } from '../aws/task-wait.js'
import { ActionError } from '../explain/action-error.js'
import type { Tag } from '../inputs/inputs.js'
import type { Clock } from '../shared/clock.js'
import type { PhaseDeps } from './phases.js'

/** The release task failed: nothing that serves changed. */
export class ReleaseFailedError extends ActionError {
  constructor(
    readonly exitCode: number | undefined,
    readonly task: Task,
    what: string
  ) {
    super(
      exitCode === undefined
        ? `The release command's task ${taskId(task.taskArn ?? '')} stopped before its container ran (${task.stoppedReason ?? 'no reason given'}): ${what}`
        : `The release command exited ${exitCode}: ${what}`,
      {
        hint: 'The new revision is registered but serves nothing; fix the release command (or what it migrates) and run again.'
      }
    )
    this.name = 'ReleaseFailedError'
  }
}

/** Where an awslogs container writes: its group and stream prefix; undefined for another log driver. */
export interface ReleaseLog {
  logGroup: string
  prefix: string
}

export function awslogsOf(container: ContainerDefinition): ReleaseLog | undefined {
  const options =
    container.logConfiguration?.logDriver === 'awslogs' ? container.logConfiguration.options : undefined
  const group = options?.['awslogs-group']
  return group && options['awslogs-stream-prefix']
    ? { logGroup: group, prefix: streamPrefix(container) }
    : undefined
}

export interface ReleaseSpec {
  cluster: string
  /** The service's name or the family: startedBy release/NAME. */
  name: string
  /** What a failure leaves unchanged, in words ("the service was not updated …"). */
  what: string
  taskDefinitionArn: string
  containerName: string
  command: readonly string[]
  placement: TaskPlacement
  tags: readonly Tag[]
  log?: ReleaseLog
  deadline: number
  clock: Clock
  /** The execution role was created by this run: RunTask retries while ECS cannot assume it yet. */
  newRole?: boolean
}

/**
 * Runs the release task and follows it to its end, its log streamed; sets release-exit-code. Returns 0;
 * anything else throws ReleaseFailedError.
 */
export async function runRelease(
  deps: Pick<PhaseDeps, 'clients' | 'reporter'>,
  spec: ReleaseSpec
): Promise<number> {
  const { clients, reporter } = deps
  const input = buildReleaseTaskInput({
    cluster: spec.cluster,
    serviceName: spec.name,
    taskDefinitionArn: spec.taskDefinitionArn,
    containerName: spec.containerName,
    command: spec.command,
    placement: spec.placement,
    tags: spec.tags
  })
  const { tasks } = await runTasks(clients.ecs, input, { clock: spec.clock, newRole: spec.newRole })
  const task = tasks[0]!
  const taskArn = task.taskArn!
  reporter.info(`Release task ${taskArn} started: ${JSON.stringify(spec.command)}`)
  const follower = spec.log
    ? new LogFollower(
        clients.logs,
        logStreamFor({ ...spec.log, containerName: spec.containerName, taskId: taskId(taskArn) })
      )
    : undefined
  // The container's lines are data: printed so that the runner takes none of them as a workflow command.
  const print = async () => {
    await follower?.poll((event) => reporter.untrusted([event.message ?? ''])).catch(() => 0)
  }
  const [stopped] = await waitForTasks(clients.ecs, spec.cluster, [taskArn], {
    until: 'STOPPED',
    deadline: spec.deadline,
    clock: spec.clock,
    onPoll: print
  })
  await print()
  const exitCode = releaseExitCode(stopped ?? task, spec.containerName)
  if (exitCode !== undefined) reporter.setOutput('release-exit-code', String(exitCode))
  if (exitCode !== 0) throw new ReleaseFailedError(exitCode, stopped ?? task, spec.what)
  reporter.info('The release command exited 0')
  return exitCode
}
