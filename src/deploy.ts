// Deploy mode, step by step: look-ups (together), push, task definition, RunTask, wait.
import { DescribeTasksCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs'
import type { DeployClients } from './clients.js'
import { ensureCluster } from './cluster.js'
import { Docker } from './docker.js'
import { ensureRepository, findImageDigest, getRegistryLogin } from './ecr.js'
import { ActionError, describeStoppedTask, hintForStoppedTask } from './errors.js'
import type { CommandRunner } from './exec.js'
import { UnhealthyError, healthCheckUrl, waitHealthy } from './health.js'
import { ensureExecutionRole, resolveTaskRole } from './iam.js'
import type { Inputs } from './inputs.js'
import { ensureLogGroup } from './log-group.js'
import { LogFollower, lastLogLines, logStreamConsoleUrl, logStreamFor, type LogStream } from './logs.js'
import { readInterfaceAddresses, resolveNetwork } from './network.js'
import type { Reporter } from './report.js'
import {
  TaskStoppedError,
  WaitTimeoutError,
  buildRunTaskInput,
  networkInterfaceId,
  privateIp,
  runTasks,
  systemClock,
  taskId,
  waitForTasks,
  type Clock
} from './run-task.js'
import {
  describeLatestRevision,
  registerOrReuse,
  renderTaskDefinition,
  streamPrefix
} from './task-definition.js'

export interface DeployDeps {
  clients: DeployClients
  runner: CommandRunner
  reporter: Reporter
  dockerConfigDir: string
  /** Remembers the registry the post step logs out of. */
  onLogin: (registryHost: string) => void
  clock?: Clock
}

export interface TaskReport {
  taskArn: string
  lastStatus?: string
  publicIp?: string
  privateIp?: string
  url?: string
  exitCode?: number
  logStream: LogStream
  logUrl: string
}

export interface DeployResult {
  image: string
  tag: string
  digest: string
  repositoryUri: string
  clusterArn: string
  taskDefinitionArn: string
  revision: number
  reused: boolean
  tasks: TaskReport[]
  exitCode?: number
  created: string[]
  phases: Array<{ name: string; ms: number }>
}

export async function deploy(inputs: Inputs, deps: DeployDeps): Promise<DeployResult> {
  const { clients, reporter } = deps
  const clock = deps.clock ?? systemClock
  const phases: DeployResult['phases'] = []
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const start = clock.now()
    try {
      return await reporter.group(name, fn)
    } finally {
      phases.push({ name, ms: clock.now() - start })
    }
  }
  const docker = new Docker(deps.runner, deps.dockerConfigDir)
  const localImage = inputs.context ? undefined : inputs.image
  const created: string[] = []

  const prepared = await timed('Look up and create AWS resources', async () => {
    const build = inputs.context
      ? docker.build(inputs.context, inputs.dockerfile, `${inputs.repository}:${inputs.tag}`)
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
          tags: inputs.tags
        }),
        resolveNetwork(clients.ec2, inputs),
        ensureExecutionRole(clients.iam, {
          role: inputs.executionRole,
          create: inputs.createExecutionRole,
          tags: inputs.tags
        }),
        resolveTaskRole(clients.iam, inputs.taskRole),
        ensureLogGroup(clients.logs, { name: inputs.logGroup, tags: inputs.tags }),
        describeLatestRevision(clients.ecs, inputs.family),
        build
      ])
    reporter.setSecret(login.password)
    if (repository.created) created.push(`ECR repository ${inputs.repository}`)
    if (cluster.created) created.push(`ECS cluster ${cluster.clusterName}`)
    if (network.securityGroupChange === 'created') created.push(`security group ${network.securityGroups[0]}`)
    if (executionRole.created) created.push(`IAM role ${inputs.executionRole}`)
    if (logGroup.created) created.push(`log group ${inputs.logGroup}`)
    for (const thing of created) reporter.info(`Created ${thing}`)
    if (
      inputs.port !== undefined &&
      inputs.securityGroups.length === 0 &&
      inputs.ingressCidr === '0.0.0.0/0'
    ) {
      reporter.warning(
        `Port ${inputs.port} is open to the whole internet (ingress-cidr 0.0.0.0/0); narrow it with ingress-cidr.`
      )
    }
    return { login, repository, cluster, network, executionRole, taskRoleArn, latest }
  })

  const { repositoryUri } = prepared.repository
  const pushedRef = `${repositoryUri}:${inputs.tag}`
  const digest = await timed('Push the image', async () => {
    await docker.login(prepared.login)
    deps.onLogin(prepared.login.registryHost)
    await docker.tag(localImage ?? `${inputs.repository}:${inputs.tag}`, pushedRef)
    const pushed =
      (await docker.push(pushedRef)) ?? (await findImageDigest(clients.ecr, inputs.repository, inputs.tag))
    reporter.info(`Pushed ${pushedRef} (${pushed})`)
    return pushed
  })
  const image = `${repositoryUri}@${digest}`
  reporter.setOutput('image', image)
  reporter.setOutput('cluster-arn', prepared.cluster.clusterArn)

  const rendered = renderTaskDefinition(inputs, {
    image,
    executionRoleArn: prepared.executionRole.roleArn,
    taskRoleArn: prepared.taskRoleArn
  })
  const revision = await timed('Register the task definition', async () => {
    const registered = await registerOrReuse(clients.ecs, rendered, prepared.latest)
    reporter.info(
      registered.reused
        ? `Reusing ${registered.taskDefinitionArn}: it already matches`
        : `Registered ${registered.taskDefinitionArn}`
    )
    return registered
  })
  reporter.setOutput('task-definition-arn', revision.taskDefinitionArn)

  const container = rendered.containerDefinitions!.find((c) => c.name === inputs.containerName)!
  const prefix = streamPrefix(container)
  const started = await timed('Run the task', async () => {
    const input = buildRunTaskInput(inputs, {
      cluster: prepared.cluster.clusterArn,
      taskDefinitionArn: revision.taskDefinitionArn,
      subnets: prepared.network.subnets,
      securityGroups: prepared.network.securityGroups
    })
    const result = await runTasks(clients.ecs, input)
    return result
  })
  const taskArns = started.tasks.map((task) => task.taskArn!)
  // Set before any waiting, so a teardown job can stop the tasks whatever happens next.
  reporter.setOutput('task-arn', taskArns[0])
  reporter.setOutput('task-arns', JSON.stringify(taskArns))
  for (const arn of taskArns) reporter.info(`Started ${arn}`)

  const reports = new Map<string, TaskReport>(
    started.tasks.map((task) => {
      const logStream = logStreamFor({
        logGroup: inputs.logGroup,
        prefix,
        containerName: inputs.containerName,
        taskId: taskId(task.taskArn!)
      })
      const report: TaskReport = {
        taskArn: task.taskArn!,
        lastStatus: task.lastStatus,
        logStream,
        logUrl: logStreamConsoleUrl(inputs.region, logStream)
      }
      return [task.taskArn!, report]
    })
  )
  reporter.setOutput('logs', JSON.stringify([...reports.values()].map((report) => report.logUrl)))
  if (started.failures.length > 0) {
    throw new ActionError(`RunTask started ${taskArns.length} of ${inputs.count} tasks`, {
      details: started.failures
        .map((f) => `${f.arn ?? ''} ${f.reason ?? ''} ${f.detail ?? ''}`.trim())
        .join('\n')
    })
  }

  const deadline = clock.now() + inputs.timeoutSeconds * 1000
  let exitCode: number | undefined
  await timed(`Wait for ${inputs.waitFor}`, async () => {
    try {
      if (inputs.waitFor === 'none') {
        reporter.info('wait-for is none: the public IP is not known yet, so public-ip and url are empty')
        return
      }
      if (inputs.waitFor === 'stopped') {
        exitCode = await waitForJob(
          inputs,
          deps,
          clock,
          prepared.cluster.clusterArn,
          taskArns,
          reports,
          deadline
        )
        return
      }
      const tasks = await waitForTasks(clients.ecs, prepared.cluster.clusterArn, taskArns, {
        until: 'RUNNING',
        deadline,
        clock
      })
      await readAddresses(inputs, deps, clock, tasks, reports, deadline)
      if (inputs.waitFor === 'healthy') {
        await waitForHealthy(
          inputs,
          deps,
          clock,
          prepared.cluster.clusterArn,
          [...reports.values()],
          deadline
        )
      }
    } catch (error) {
      throw await explainWaitFailure(error, inputs, deps, reports)
    } finally {
      setTaskOutputs(reporter, [...reports.values()], exitCode)
    }
  })

  return {
    image,
    tag: inputs.tag,
    digest,
    repositoryUri,
    clusterArn: prepared.cluster.clusterArn,
    taskDefinitionArn: revision.taskDefinitionArn,
    revision: revision.revision,
    reused: revision.reused,
    tasks: [...reports.values()],
    exitCode,
    created,
    phases
  }
}

function setTaskOutputs(reporter: Reporter, reports: TaskReport[], exitCode: number | undefined): void {
  const publicIps = reports.map((report) => report.publicIp ?? '')
  reporter.setOutput('public-ip', publicIps[0] ?? '')
  reporter.setOutput('public-ips', JSON.stringify(publicIps.filter((ip) => ip !== '')))
  reporter.setOutput('private-ip', reports[0]?.privateIp ?? '')
  reporter.setOutput('url', reports[0]?.url ?? '')
  if (exitCode !== undefined) reporter.setOutput('exit-code', String(exitCode))
}

/** Reads each task's addresses; a public IP can appear a little after RUNNING, so it is polled for. */
async function readAddresses(
  inputs: Inputs,
  deps: DeployDeps,
  clock: Clock,
  tasks: Task[],
  reports: Map<string, TaskReport>,
  deadline: number
): Promise<void> {
  for (let delay = 500; ; delay = Math.min(delay * 2, 2000)) {
    const eniIds = tasks.map(networkInterfaceId).filter((id): id is string => id !== undefined)
    const addresses = await readInterfaceAddresses(deps.clients.ec2, eniIds)
    for (const task of tasks) {
      const report = reports.get(task.taskArn!)!
      const eni = addresses.get(networkInterfaceId(task) ?? '')
      report.lastStatus = task.lastStatus
      report.privateIp = eni?.privateIp ?? privateIp(task)
      report.publicIp = eni?.publicIp
      const host = report.publicIp ?? (inputs.assignPublicIp ? undefined : report.privateIp)
      if (host && inputs.port !== undefined) report.url = `http://${host}:${inputs.port}`
    }
    const waiting = inputs.assignPublicIp && [...reports.values()].some((report) => !report.publicIp)
    if (!waiting) return
    if (clock.now() + delay > deadline) {
      throw new ActionError('The task is RUNNING but its network interface has no public IP yet', {
        hint: 'Check that the subnets are public (a route to an internet gateway) and assign-public-ip is true.'
      })
    }
    await clock.sleep(delay)
  }
}

/**
 * wait-for healthy: request every task's url + health-path until each answers 2xx or 3xx. On timeout the error
 * says what each task is doing, since a task that stopped or never served explains the failure.
 */
async function waitForHealthy(
  inputs: Inputs,
  deps: DeployDeps,
  clock: Clock,
  cluster: string,
  reports: TaskReport[],
  deadline: number
): Promise<void> {
  const { reporter, clients } = deps
  try {
    await Promise.all(
      reports.map(async (report) => {
        const url = healthCheckUrl(report.url!, inputs.healthPath)
        const health = await waitHealthy(url, { deadline, clock, log: (line) => reporter.info(line) })
        reporter.info(`${url} answered HTTP ${health.status} after ${health.attempts} request(s)`)
      })
    )
  } catch (error) {
    if (!(error instanceof UnhealthyError)) throw error
    // Best effort: the URL that never answered is the failure; the tasks' state only explains it.
    const { tasks = [] } = await clients.ecs
      .send(new DescribeTasksCommand({ cluster, tasks: reports.map((report) => report.taskArn) }))
      .catch(() => ({ tasks: [] }))
    error.details = tasks
      .map((task) =>
        task.lastStatus === 'STOPPED' ? describeStoppedTask(task) : `${task.taskArn}: ${task.lastStatus}`
      )
      .join('\n')
    error.hint =
      `Check that the container listens on port ${inputs.port} and answers ${inputs.healthPath} with 2xx or 3xx, ` +
      'or raise timeout if it starts slowly. The task(s) were left running: stop them with mode: stop.'
    throw error
  }
}

/**
 * wait-for stopped: follow every task's log until all have stopped, then read the exit codes. The log lines
 * go to the step log as they arrive, labelled with the task when there are several.
 */
async function waitForJob(
  inputs: Inputs,
  deps: DeployDeps,
  clock: Clock,
  cluster: string,
  taskArns: string[],
  reports: Map<string, TaskReport>,
  deadline: number
): Promise<number> {
  const { reporter, clients } = deps
  const labelOf = (taskArn: string): string =>
    taskArns.length > 1 ? `[${taskId(taskArn).slice(0, 8)}] ` : ''
  const followers = taskArns.map((arn) => new LogFollower(clients.logs, reports.get(arn)!.logStream))
  const unreadable = new Set<LogFollower>()
  const follow = async (): Promise<void> => {
    for (const [index, follower] of followers.entries()) {
      if (unreadable.has(follower)) continue
      const label = labelOf(taskArns[index]!)
      try {
        await follower.poll((event) => reporter.info(`${label}${event.message ?? ''}`))
      } catch (error) {
        // The exit code matters more than the log: a throttled read resumes from the cursor next time, and a
        // stream that cannot be read (no logs:GetLogEvents) is given up once, said, and the wait goes on.
        if ((error as Error).name === 'ThrottlingException') continue
        unreadable.add(follower)
        reporter.warning(
          `Cannot read the log stream ${follower.stream.logGroup}/${follower.stream.logStream}: ${(error as Error).message}`
        )
      }
    }
  }
  let tasks: Task[]
  try {
    tasks = await waitForTasks(clients.ecs, cluster, taskArns, {
      until: 'STOPPED',
      deadline,
      clock,
      onPoll: async (seen) => {
        for (const task of seen) reports.get(task.taskArn!)!.lastStatus = task.lastStatus
        await follow()
      }
    })
  } catch (error) {
    if (error instanceof WaitTimeoutError && inputs.stopOnTimeout) {
      const reason = `Stopped by ecs-fargate-deploy: still running when timeout (${inputs.timeoutSeconds} s) ran out`
      await Promise.all(
        taskArns.map((task) => clients.ecs.send(new StopTaskCommand({ cluster, task, reason })))
      )
      reporter.warning(
        `Stopped ${taskArns.join(', ')}: still running when timeout (${inputs.timeoutSeconds} s) ran out`
      )
    }
    // Whatever the job printed up to here belongs in the log, before the error.
    if (error instanceof WaitTimeoutError) await follow()
    throw error
  }
  // The poll that saw STOPPED has read the log already; one more read takes what CloudWatch showed since.
  await follow()
  // In the order the tasks were started, so "the first non-zero" does not depend on DescribeTasks' order.
  const stopped = taskArns.map((arn) => tasks.find((task) => task.taskArn === arn)!)
  const problems: string[] = []
  let exitCode: number | undefined
  let missingExitCode = false
  for (const task of stopped) {
    const container = task.containers?.find((c) => c.name === inputs.containerName) ?? task.containers?.[0]
    const report = reports.get(task.taskArn!)!
    report.lastStatus = task.lastStatus
    report.exitCode = container?.exitCode
    if (container?.exitCode === undefined) {
      missingExitCode = true
      problems.push(describeStoppedTask(task))
      continue
    }
    reporter.info(`${labelOf(task.taskArn!)}${task.taskArn} exited with code ${container.exitCode}`)
    if (container.exitCode !== 0) {
      problems.push(
        `${task.taskArn} exited with code ${container.exitCode} (${task.stoppedReason ?? 'no reason given'})`
      )
      exitCode ??= container.exitCode
    }
  }
  if (exitCode === undefined && !missingExitCode) return 0
  if (exitCode !== undefined) reporter.setOutput('exit-code', String(exitCode))
  throw new ActionError(
    exitCode === undefined
      ? 'The job stopped without an exit code'
      : `The job failed with exit code ${exitCode}`,
    { details: problems.join('\n') }
  )
}

/** Turns a wait that failed into an error that says why: the task's stop reason, hints and its last log lines. */
async function explainWaitFailure(
  error: unknown,
  inputs: Inputs,
  deps: DeployDeps,
  reports: Map<string, TaskReport>
): Promise<unknown> {
  if (error instanceof TaskStoppedError) {
    const report = reports.get(error.task.taskArn!)
    const lines = report ? await lastLogLines(deps.clients.logs, report.logStream) : []
    return new ActionError(`Task ${error.task.taskArn} stopped before it was RUNNING`, {
      details: [describeStoppedTask(error.task), ...logSection(lines)].join('\n'),
      hint: hintForStoppedTask(error.task, {
        assignPublicIp: inputs.assignPublicIp,
        hasExecutionRole: inputs.executionRole !== '',
        logGroup: inputs.logGroup
      })
    })
  }
  if (error instanceof WaitTimeoutError || error instanceof ActionError) {
    const first = [...reports.values()][0]
    const lines = first ? await lastLogLines(deps.clients.logs, first.logStream) : []
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
