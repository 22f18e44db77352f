// A task deploy, phase by phase: each phase a function that takes what it needs and returns what it made:
// prepareResources (the look-ups, together) → pushImage → registerRevision (phases.ts, shared with the service
// deploy) → the release command, when given (release.ts) → startTasks → waitAsAsked.
import { Docker } from '../docker/docker.js'
import { ActionError } from '../explain/action-error.js'
import type { Inputs } from '../inputs/inputs.js'
import { logStreamConsoleUrl, logStreamFor } from '../aws/log-events.js'
import { buildRunTaskInput, runTasks, stopEach, taskId } from '../aws/tasks.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { JOB_SCHEDULE_TAG, jobName } from '../shared/job-schedule.js'
import type { Task } from '@aws-sdk/client-ecs'
import { runRelease } from './release.js'
import { waitAsAsked } from './wait.js'
import {
  checkPlatform,
  firstPhaseName,
  phaseRunner,
  prepareResources,
  pushImage,
  registerRevision,
  reportPushed,
  type PhaseDeps,
  type Prepared
} from './phases.js'
import { deployCost, failureCost, reportHourlyCost } from './cost.js'
import { CancelledError, CANCEL_STOP_TIMEOUT_MS, signalNameOf, type Cancellation } from './cancel.js'
import {
  DeployFailure,
  type DeployResult,
  type Reporter,
  type StartedTasks,
  type TaskReport
} from './types.js'

export interface DeployDeps extends PhaseDeps {
  /** Told the tasks as soon as RunTask returns, so that the post step can stop them if this step is killed. */
  onStarted?: (started: StartedTasks) => void
}

export async function deploy(inputs: Inputs, deps: DeployDeps): Promise<DeployResult> {
  const { reporter } = deps
  const { signal, clock, phases, timed } = phaseRunner(deps)
  const docker = new Docker(deps.runner, deps.dockerConfigDir)

  const prepared = await timed(firstPhaseName(inputs), () => prepareResources(inputs, deps, docker))
  const pushed = await timed('Push the image', () => pushImage(inputs, deps, docker, prepared))
  reportPushed(reporter, pushed, prepared)

  const revision = await timed('Register the task definition', async () => {
    const [registered] = await Promise.all([
      registerRevision(inputs, deps, prepared, pushed.image),
      checkPlatform(inputs, deps, docker, pushed)
    ])
    return registered
  })
  reporter.setOutput('task-definition-arn', revision.taskDefinitionArn)
  if (!inputs.preview) await removeDroppedSchedule(inputs, deps, prepared)

  if (inputs.releaseCommand) {
    // The release runs where the tasks will, before any of them starts.
    const { networkConfiguration, launchType, capacityProviderStrategy, platformVersion } = buildRunTaskInput(
      inputs,
      {
        cluster: prepared.cluster.clusterArn,
        taskDefinitionArn: revision.taskDefinitionArn,
        subnets: prepared.network.subnets,
        securityGroups: prepared.network.securityGroups
      }
    )
    await timed('Run the release command', () =>
      runRelease(deps, {
        cluster: prepared.cluster.clusterArn,
        name: inputs.family,
        what: 'no task was started',
        taskDefinitionArn: revision.taskDefinitionArn,
        containerName: inputs.containerName,
        command: inputs.releaseCommand!,
        placement: { networkConfiguration, launchType, capacityProviderStrategy, platformVersion },
        tags: inputs.tags,
        log: { logGroup: inputs.logGroup, prefix: revision.streamPrefix },
        deadline: clock.now() + inputs.timeoutSeconds * 1000,
        clock,
        newRole: prepared.executionRole.isNew
      })
    )
  }

  // Not cut short by a cancellation: the tasks RunTask starts must be known, to be stopped.
  const run = await reporter.group('Run the task', async () => {
    const start = clock.now()
    const result = await startTasks(inputs, { ...deps, clock: deps.clock ?? systemClock }, prepared, revision)
    phases.push({ name: 'Run the task', ms: clock.now() - start })
    return result
  })
  const started = startedTasks(inputs, prepared.cluster.clusterArn, revision.streamPrefix, run.tasks)
  deps.onStarted?.(started)
  const taskArns = started.tasks.map((task) => task.taskArn)
  // Set before any waiting, so a teardown job can stop the tasks whatever happens next.
  reporter.setOutput('task-arn', taskArns[0]!)
  reporter.setOutput('task-arns', JSON.stringify(taskArns))
  reporter.setOutput('logs', JSON.stringify(started.tasks.map((task) => task.logUrl)))
  // The tasks as the wait last saw them, for the cost of a deploy that fails.
  let learnt = started.tasks

  try {
    if (signal.aborted) throw signal.reason
    if (run.failures.length > 0) {
      throw new ActionError(`RunTask started ${taskArns.length} of ${inputs.count} tasks`, {
        details: run.failures
          .map((f) => `${f.arn ?? ''} ${f.reason ?? ''} ${f.detail ?? ''}`.trim())
          .join('\n')
      })
    }
    const waited = await timed(`Wait for ${inputs.waitFor}`, () =>
      waitAsAsked({
        inputs,
        clients: deps.clients,
        reporter,
        clock,
        cluster: started.clusterArn,
        tasks: started.tasks,
        deadline: clock.now() + inputs.timeoutSeconds * 1000,
        onLearnt: (outcome) => (learnt = outcome.tasks)
      })
    )
    const cost = deployCost(inputs, waited.tasks)
    reportHourlyCost(reporter, cost)
    return {
      image: pushed.image,
      tag: inputs.tag,
      digest: pushed.digest,
      repositoryUri: prepared.repository.repositoryUri,
      clusterArn: started.clusterArn,
      taskDefinitionArn: revision.taskDefinitionArn,
      revision: revision.revision,
      reused: revision.reused,
      tasks: waited.tasks,
      exitCode: waited.exitCode,
      created: prepared.created,
      phases,
      cost
    }
  } catch (error) {
    const failure =
      !signal.aborted || !deps.cancellation
        ? new DeployFailure(error, started)
        : await cancelStarted(inputs, deps, started, deps.cancellation)
    throw pricedFailure(inputs, reporter, failure, learnt)
  }
}

/**
 * The family's latest revision was a scheduled job's (its tag names the job) and this deploy has no schedule:
 * the job's schedule and failure rule are deleted, and the log says so. GitHub passes `schedule: ''` as no
 * input at all, so the revision's tag is how a deploy knows the family had a schedule.
 */
async function removeDroppedSchedule(
  inputs: Inputs,
  deps: Pick<DeployDeps, 'clients' | 'reporter'>,
  prepared: Pick<Prepared, 'latest' | 'cluster'>
): Promise<void> {
  // describeLatestRevision puts the revision's tags beside its fields.
  const tags = (prepared.latest as { tags?: Array<{ key?: string; value?: string }> } | undefined)?.tags
  const job = tags?.find((tag) => tag.key === JOB_SCHEDULE_TAG)?.value
  if (job === undefined || inputs.schedule !== undefined) return
  const { scheduler, events } = deps.clients
  if (!scheduler || !events) return
  // The job of this family in another cluster is not this deploy's to delete (nor in its policy).
  if (job !== jobName(prepared.cluster.clusterArn, inputs.family)) return
  const { deleteJob } = await import('./job-remove.js')
  deps.reporter.info(
    `The family's latest revision was the scheduled job ${job}'s and this deploy has no schedule: deleting the job's schedule`
  )
  await deleteJob(
    { scheduler, events },
    { cluster: prepared.cluster.clusterArn, family: inputs.family },
    deps.reporter
  )
}

/** The failure with the tasks as last seen and what they cost; hourly-cost is what is left running. */
function pricedFailure(
  inputs: Inputs,
  reporter: Reporter,
  failure: DeployFailure,
  tasks: TaskReport[]
): DeployFailure {
  const cost = failureCost(inputs, tasks, failure.stopped)
  // Empty, as for a deploy that succeeded, when the price table has no prices for the region.
  reportHourlyCost(reporter, cost)
  return new DeployFailure(failure.cause, { ...failure.started, tasks }, failure.stopped, cost)
}

/**
 * The run was cancelled before the deploy reached what it waits for: stop its tasks (stop-on-cancel), and
 * fail with what was stopped and what was left running.
 */
export async function cancelStarted(
  inputs: Inputs,
  deps: Pick<DeployDeps, 'clients' | 'reporter'>,
  started: StartedTasks,
  cancellation: Cancellation
): Promise<DeployFailure> {
  const taskArns = started.tasks.map((task) => task.taskArn)
  const signalName = signalNameOf(cancellation.signal)
  if (!inputs.stopOnCancel) {
    deps.reporter.warning(
      `The run was cancelled (${signalName}); stop-on-cancel is false: ${taskArns.join(', ')} left running`
    )
    return new DeployFailure(new CancelledError(signalName, [], taskArns), started)
  }
  const { stopped, failed } = await stopEach(
    deps.clients.ecs,
    started.clusterArn,
    taskArns,
    cancellation.stopReason,
    CANCEL_STOP_TIMEOUT_MS
  )
  if (stopped.length > 0)
    deps.reporter.warning(`The run was cancelled (${signalName}): stopped ${stopped.join(', ')}`)
  for (const { taskArn, error } of failed)
    deps.reporter.warning(`Could not stop ${taskArn}: ${error.message}`)
  const notStopped = failed.map((failure) => failure.taskArn)
  return new DeployFailure(new CancelledError(signalName, stopped, notStopped), started, stopped)
}

/** RunTask in the cluster and network prepared; fails only when no task started. */
export async function startTasks(
  inputs: Inputs,
  deps: Pick<DeployDeps, 'clients' | 'reporter'> & { clock: Clock },
  prepared: Pick<Prepared, 'cluster' | 'network' | 'executionRole'>,
  revision: { taskDefinitionArn: string }
) {
  const input = buildRunTaskInput(inputs, {
    cluster: prepared.cluster.clusterArn,
    taskDefinitionArn: revision.taskDefinitionArn,
    subnets: prepared.network.subnets,
    securityGroups: prepared.network.securityGroups
  })
  const result = await runTasks(deps.clients.ecs, input, {
    newRole: prepared.executionRole.isNew,
    clock: deps.clock
  })
  for (const task of result.tasks) deps.reporter.info(`Started ${task.taskArn}`)
  return result
}

/** The record of the tasks RunTask started, each with its log stream and the stream's console page. */
export function startedTasks(
  inputs: Pick<Inputs, 'logGroup' | 'containerName' | 'region'>,
  clusterArn: string,
  prefix: string,
  tasks: Task[]
): StartedTasks {
  return {
    clusterArn,
    tasks: tasks.map((task): TaskReport => {
      const logStream = logStreamFor({
        logGroup: inputs.logGroup,
        prefix,
        containerName: inputs.containerName,
        taskId: taskId(task.taskArn!)
      })
      return {
        taskArn: task.taskArn!,
        lastStatus: task.lastStatus,
        logStream,
        logUrl: logStreamConsoleUrl(inputs.region, logStream)
      }
    })
  }
}
