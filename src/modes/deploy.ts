// Deploy mode, phase by phase: each phase a function that takes what it needs and returns what it made:
// prepareResources (the look-ups, together) → pushImage → registerRevision → startTasks → waitAsAsked.
import type { DeployClients } from '../aws/clients.js'
import { ensureCluster } from '../aws/cluster.js'
import { Docker } from '../docker/docker.js'
import { checkPushedPlatform, ensureRepository, findImageDigest, getRegistryLogin } from '../aws/ecr.js'
import { ActionError } from '../explain/action-error.js'
import type { CommandRunner } from '../docker/command-runner.js'
import { ensureExecutionRole, grantSecrets, resolveTaskRole } from '../aws/iam.js'
import { managesExecutionRole, type Inputs } from '../inputs/inputs.js'
import { ensureLogGroup } from '../aws/log-group.js'
import { logStreamConsoleUrl, logStreamFor } from '../aws/log-events.js'
import { resolveNetwork } from '../aws/network.js'
import { buildRunTaskInput, runTasks, stopEach, taskId } from '../aws/tasks.js'
import { systemClock, type Clock } from '../shared/clock.js'
import {
  describeLatestRevision,
  registerOrReuse,
  renderTaskDefinition,
  streamPrefix
} from '../aws/task-definition.js'
import type { Task } from '@aws-sdk/client-ecs'
import { waitAsAsked } from './wait.js'
import { deployCost, failureCost } from './cost.js'
import { dollarsOutput } from '../shared/cost.js'
import {
  CancelledError,
  abortableClock,
  CANCEL_STOP_TIMEOUT_MS,
  signalNameOf,
  unlessAborted,
  type Cancellation
} from './cancel.js'
import {
  DeployFailure,
  type DeployResult,
  type Reporter,
  type StartedTasks,
  type TaskReport
} from './types.js'

export interface DeployDeps {
  clients: DeployClients
  runner: CommandRunner
  reporter: Reporter
  dockerConfigDir: string
  /** Remembers the registry the post step logs out of. */
  onLogin: (registryHost: string) => void
  /** Told the tasks as soon as RunTask returns, so that the post step can stop them if this step is killed. */
  onStarted?: (started: StartedTasks) => void
  /** The run's cancellation (SIGINT, SIGTERM); without it the deploy runs to its end. */
  cancellation?: Cancellation
  clock?: Clock
}

type Timed = <T>(name: string, fn: () => Promise<T>) => Promise<T>

/**
 * The phases of a deploy (tasks or service) as the step log and the summary show them: each in its log group,
 * timed, and ended at once by a cancellation before anything was started (nothing to stop then).
 */
export function phaseRunner(deps: Pick<DeployDeps, 'reporter' | 'cancellation' | 'clock'>) {
  const signal = deps.cancellation?.signal ?? new AbortController().signal
  // A cancelled run ends its waits at once: their sleeps end when the signal is aborted.
  const clock = abortableClock(deps.clock ?? systemClock, signal)
  const phases: Array<{ name: string; ms: number }> = []
  const timed: Timed = async (name, fn) => {
    const start = clock.now()
    try {
      return await unlessAborted(signal, deps.reporter.group(name, fn))
    } catch (error) {
      if (signal.aborted) throw new CancelledError(signalNameOf(signal), [])
      throw error
    } finally {
      phases.push({ name, ms: clock.now() - start })
    }
  }
  return { signal, clock, phases, timed }
}

/** The first phase: a build needs no AWS, so it runs alongside the look-ups, in the same log group. */
export function firstPhaseName(inputs: Pick<Inputs, 'context'>): string {
  return inputs.context
    ? 'Build the image; look up and create AWS resources'
    : 'Look up and create AWS resources'
}

export async function deploy(inputs: Inputs, deps: DeployDeps): Promise<DeployResult> {
  const { reporter } = deps
  const { signal, clock, phases, timed } = phaseRunner(deps)
  const docker = new Docker(deps.runner, deps.dockerConfigDir)

  const prepared = await timed(firstPhaseName(inputs), () => prepareResources(inputs, deps, docker))
  const pushed = await timed('Push the image', () => pushImage(inputs, deps, docker, prepared))
  reporter.setOutput('image', pushed.image)
  reporter.setOutput('cluster-arn', prepared.cluster.clusterArn)

  const revision = await timed('Register the task definition', async () => {
    const [registered] = await Promise.all([
      registerRevision(inputs, deps, prepared, pushed.image),
      checkPlatform(inputs, deps, docker, pushed)
    ])
    return registered
  })
  reporter.setOutput('task-definition-arn', revision.taskDefinitionArn)

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
    reporter.setOutput('hourly-cost', cost.hourly ? dollarsOutput(cost.hourly.dollars) : '')
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

/** The failure with the tasks as last seen and what they cost; hourly-cost is what is left running. */
function pricedFailure(
  inputs: Inputs,
  reporter: Reporter,
  failure: DeployFailure,
  tasks: TaskReport[]
): DeployFailure {
  const cost = failureCost(inputs, tasks, failure.stopped)
  // Empty, as for a deploy that succeeded, when the price table has no prices for the region.
  reporter.setOutput('hourly-cost', cost.hourly ? dollarsOutput(cost.hourly.dollars) : '')
  return new DeployFailure(failure.cause, { ...failure.started, tasks }, failure.stopped, cost)
}

/**
 * The run was cancelled before the deploy reached what it waits for: stop its tasks (stop-on-cancel), and
 * fail with what was stopped and what was left running.
 */
async function cancelStarted(
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

/** The look-ups and creates, together (with the build, when there is one); what was created, said once. */
export async function prepareResources(
  inputs: Inputs,
  deps: Pick<DeployDeps, 'clients' | 'reporter'>,
  docker: Docker
) {
  const { clients, reporter } = deps
  const build = inputs.context
    ? docker.build(inputs.context, inputs.dockerfile, `${inputs.repository}:${inputs.tag}`, inputs.platform)
    : Promise.resolve()
  const [login, repository, cluster, network, executionRole, taskRoleArn, logGroup, latest] =
    await Promise.all([
      getRegistryLogin(clients.ecr),
      ensureRepository(clients.ecr, {
        name: inputs.repository,
        create: inputs.createRepository,
        tags: inputs.tags
      }),
      ensureCluster(clients.ecs, {
        cluster: inputs.cluster,
        create: inputs.createCluster,
        tags: inputs.tags,
        spot: inputs.capacity === 'spot'
      }),
      resolveNetwork(clients.ec2, inputs),
      prepareExecutionRole(inputs, clients),
      resolveTaskRole(clients.iam, inputs.taskRole),
      ensureLogGroup(clients.logs, { name: inputs.logGroup, tags: inputs.tags }),
      describeLatestRevision(clients.ecs, inputs.family),
      build
    ])
  reporter.setSecret(login.password)
  const created = [
    repository.created ? `ECR repository ${inputs.repository}` : undefined,
    cluster.created ? `ECS cluster ${cluster.clusterName}` : undefined,
    network.securityGroupChange === 'created' ? `security group ${network.securityGroups[0]}` : undefined,
    executionRole.created ? `IAM role ${inputs.executionRole}` : undefined,
    logGroup.created ? `log group ${inputs.logGroup}` : undefined
  ].filter((thing): thing is string => thing !== undefined)
  for (const thing of created) reporter.info(`Created ${thing}`)
  if (inputs.port !== undefined && inputs.securityGroups.length === 0 && inputs.ingressCidr === '0.0.0.0/0') {
    reporter.warning(
      `Port ${inputs.port} is open to the whole internet (ingress-cidr 0.0.0.0/0); narrow it with ingress-cidr.`
    )
  }
  return { login, repository, cluster, network, executionRole, taskRoleArn, latest, created }
}

type Prepared = Awaited<ReturnType<typeof prepareResources>>

/** The execution role, created when missing; allowed to read the secrets when the action manages it. */
export async function prepareExecutionRole(inputs: Inputs, clients: Pick<DeployClients, 'iam'>) {
  const role = await ensureExecutionRole(clients.iam, {
    role: inputs.executionRole,
    create: inputs.createExecutionRole,
    tags: inputs.tags
  })
  // The managed policy lets a role pull images and write logs, not read secrets.
  if (inputs.secrets.length > 0 && managesExecutionRole(inputs)) {
    const { family, secrets, region } = inputs
    await grantSecrets(clients.iam, { roleArn: role.roleArn, family, secrets, region })
  }
  return role
}

/** Logs in, tags and pushes; returns the image by digest (from the push, or ECR when docker did not print it). */
export async function pushImage(
  inputs: Inputs,
  deps: Pick<DeployDeps, 'clients' | 'reporter' | 'onLogin'>,
  docker: Docker,
  prepared: Pick<Prepared, 'login' | 'repository'>
): Promise<{ image: string; digest: string; ref: string }> {
  const { repositoryUri } = prepared.repository
  const pushedRef = `${repositoryUri}:${inputs.tag}`
  await docker.login(prepared.login)
  deps.onLogin(prepared.login.registryHost)
  const localImage = inputs.context ? `${inputs.repository}:${inputs.tag}` : inputs.image
  await docker.tag(localImage, pushedRef)
  const digest =
    (await docker.push(pushedRef)) ?? (await findImageDigest(deps.clients.ecr, inputs.repository, inputs.tag))
  deps.reporter.info(`Pushed ${pushedRef} (${digest})`)
  return { image: `${repositoryUri}@${digest}`, digest, ref: pushedRef }
}

/**
 * Fails before anything runs when the pushed image is not for the platform input. It needs only the push, so the
 * callers run it beside the next AWS call rather than before it (one round fewer before RunTask).
 */
export async function checkPlatform(
  inputs: Inputs,
  deps: Pick<DeployDeps, 'clients'>,
  docker: Docker,
  pushed: { digest: string; ref: string }
): Promise<void> {
  const localImage = inputs.context ? `${inputs.repository}:${inputs.tag}` : inputs.image
  await checkPushedPlatform(deps.clients.ecr, () => docker.imagePlatform(localImage), {
    repository: inputs.repository,
    digest: pushed.digest,
    image: pushed.ref,
    platform: inputs.platform
  })
}

/** Registers the task definition for the image, or reuses the latest revision when it already matches. */
export async function registerRevision(
  inputs: Inputs,
  deps: Pick<DeployDeps, 'clients' | 'reporter'>,
  prepared: Pick<Prepared, 'executionRole' | 'taskRoleArn' | 'latest'>,
  image: string
) {
  const rendered = renderTaskDefinition(inputs, {
    image,
    executionRoleArn: prepared.executionRole.roleArn,
    taskRoleArn: prepared.taskRoleArn
  })
  const registered = await registerOrReuse(deps.clients.ecs, rendered, prepared.latest)
  deps.reporter.info(
    registered.reused
      ? `Reusing ${registered.taskDefinitionArn}: it already matches`
      : `Registered ${registered.taskDefinitionArn}`
  )
  const container = rendered.containerDefinitions!.find((c) => c.name === inputs.containerName)!
  return { ...registered, streamPrefix: streamPrefix(container) }
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
