// The phases both deploy plans are made of, as peers: the look-ups and creates (with the build), the push, the
// platform check and the task definition's revision, each timed in its log group by phaseRunner.
import type { DeployClients } from '../aws/clients.js'
import { ensureCluster } from '../aws/cluster.js'
import { checkPushedPlatform, ensureRepository, findImageDigest, getRegistryLogin } from '../aws/ecr.js'
import { ensureExecutionRole, grantSecrets, resolveTaskRole } from '../aws/iam.js'
import { ensureLogGroup } from '../aws/log-group.js'
import { resolveNetwork } from '../aws/network.js'
import {
  describeLatestRevision,
  registerOrReuse,
  renderTaskDefinition,
  streamPrefix
} from '../aws/task-definition.js'
import type { CommandRunner } from '../docker/command-runner.js'
import type { Docker } from '../docker/docker.js'
import { managesExecutionRole } from '../inputs/facts.js'
import type { Inputs } from '../inputs/inputs.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { CancelledError, abortableClock, signalNameOf, unlessAborted, type Cancellation } from './cancel.js'
import type { Reporter } from './types.js'

export interface PhaseDeps {
  clients: DeployClients
  runner: CommandRunner
  reporter: Reporter
  dockerConfigDir: string
  /** Remembers the registry the post step logs out of. */
  onLogin: (registryHost: string) => void
  /** The run's cancellation (SIGINT, SIGTERM); without it the deploy runs to its end. */
  cancellation?: Cancellation
  clock?: Clock
}

type Timed = <T>(name: string, fn: () => Promise<T>) => Promise<T>

/**
 * The phases of a deploy (tasks or service) as the step log and the summary show them: each in its log group,
 * timed, and ended at once by a cancellation before anything was started (nothing to stop then).
 */
export function phaseRunner(deps: Pick<PhaseDeps, 'reporter' | 'cancellation' | 'clock'>) {
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

/** The look-ups and creates, together (with the build, when there is one); what was created, said once. */
export async function prepareResources(
  inputs: Inputs,
  deps: Pick<PhaseDeps, 'clients' | 'reporter'>,
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

export type Prepared = Awaited<ReturnType<typeof prepareResources>>

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
  deps: Pick<PhaseDeps, 'clients' | 'reporter' | 'onLogin'>,
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
  deps: Pick<PhaseDeps, 'clients'>,
  docker: Docker,
  pushed: { digest: string; ref: string },
  /** Where inputs.platform comes from, for the error (an existing service's revision, say). */
  source?: string
): Promise<void> {
  const localImage = inputs.context ? `${inputs.repository}:${inputs.tag}` : inputs.image
  await checkPushedPlatform(
    deps.clients.ecr,
    () => docker.imagePlatform(localImage),
    {
      repository: inputs.repository,
      digest: pushed.digest,
      image: pushed.ref,
      platform: inputs.platform
    },
    source
  )
}

/** Registers the task definition for the image, or reuses the latest revision when it already matches. */
export async function registerRevision(
  inputs: Inputs,
  deps: Pick<PhaseDeps, 'clients' | 'reporter'>,
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

/** The image and cluster outputs, set once the image is pushed (both deploy plans). */
export function reportPushed(
  reporter: Pick<Reporter, 'setOutput'>,
  pushed: { image: string },
  prepared: { cluster: { clusterArn: string } }
): void {
  reporter.setOutput('image', pushed.image)
  reporter.setOutput('cluster-arn', prepared.cluster.clusterArn)
}
