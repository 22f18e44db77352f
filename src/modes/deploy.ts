// Deploy mode, step by step: look-ups (together), push, task definition, RunTask, wait.
import type { DeployClients } from '../aws/clients.js'
import { ensureCluster } from '../aws/cluster.js'
import { Docker } from '../docker/docker.js'
import { ensureRepository, findImageDigest, getRegistryLogin } from '../aws/ecr.js'
import { ActionError } from '../explain/action-error.js'
import type { CommandRunner } from '../docker/command-runner.js'
import { ensureExecutionRole, grantSecrets, resolveTaskRole } from '../aws/iam.js'
import { managesExecutionRole, type Inputs } from '../inputs/inputs.js'
import { ensureLogGroup } from '../aws/log-group.js'
import { logStreamConsoleUrl, logStreamFor } from '../aws/log-events.js'
import { resolveNetwork } from '../aws/network.js'
import { buildRunTaskInput, runTasks, taskId } from '../aws/tasks.js'
import { systemClock, type Clock } from '../shared/clock.js'
import {
  describeLatestRevision,
  registerOrReuse,
  renderTaskDefinition,
  streamPrefix
} from '../aws/task-definition.js'
import { waitAsAsked } from './wait.js'
import type { DeployResult, Reporter, TaskReport } from './types.js'

export interface DeployDeps {
  clients: DeployClients
  runner: CommandRunner
  reporter: Reporter
  dockerConfigDir: string
  /** Remembers the registry the post step logs out of. */
  onLogin: (registryHost: string) => void
  clock?: Clock
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

  // A build needs no AWS: it runs alongside the look-ups, in the same log group.
  const firstPhase = inputs.context
    ? 'Build the image; look up and create AWS resources'
    : 'Look up and create AWS resources'
  const prepared = await timed(firstPhase, async () => {
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
        }).then(async (role) => {
          // The managed policy lets a role pull images and write logs, not read secrets.
          if (inputs.secrets.length > 0 && managesExecutionRole(inputs)) {
            const { family, secrets, region } = inputs
            await grantSecrets(clients.iam, { roleArn: role.roleArn, family, secrets, region })
          }
          return role
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
    const result = await runTasks(clients.ecs, input, { newRole: prepared.executionRole.isNew, clock })
    for (const task of result.tasks) reporter.info(`Started ${task.taskArn}`)
    return result
  })
  const taskArns = started.tasks.map((task) => task.taskArn!)
  // Set before any waiting, so a teardown job can stop the tasks whatever happens next.
  reporter.setOutput('task-arn', taskArns[0])
  reporter.setOutput('task-arns', JSON.stringify(taskArns))

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

  const exitCode = await timed(`Wait for ${inputs.waitFor}`, () =>
    waitAsAsked({
      inputs,
      clients,
      reporter,
      clock,
      cluster: prepared.cluster.clusterArn,
      reports,
      deadline: clock.now() + inputs.timeoutSeconds * 1000
    })
  )

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
