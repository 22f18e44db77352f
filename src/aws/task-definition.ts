// The task definition: rendered from the inputs (over an optional template), compared with the family's
// latest ACTIVE revision, and registered only when it differs.
import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  paginateListTaskDefinitions,
  type ContainerDefinition,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Tag as EcsTag,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { CPU_ARCHITECTURES, TTL_CONTAINER_NAME } from '../inputs/facts.js'
import type { Inputs } from '../inputs/inputs.js'
import { ecsTags } from '../shared/tags.js'

export interface RenderContext {
  /** registry/repository@sha256:digest: the task runs exactly what was pushed. */
  image: string
  executionRoleArn: string
  taskRoleArn?: string
}

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not take. */
export const DESCRIBE_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt'
]

export const DEFAULT_STREAM_PREFIX = 'ecs'

export function renderTaskDefinition(
  inputs: Inputs,
  context: RenderContext
): RegisterTaskDefinitionCommandInput {
  const template: Record<string, unknown> = { ...(inputs.taskDefinitionTemplate ?? {}) }
  for (const key of [...DESCRIBE_ONLY, 'tags']) delete template[key]
  const templateContainers = (inputs.taskDefinitionTemplate?.containerDefinitions ??
    []) as ContainerDefinition[]
  const base = templateContainers.find((c) => c.name === inputs.containerName) ?? {}

  const container: ContainerDefinition = {
    ...base,
    name: inputs.containerName,
    image: context.image,
    essential: base.essential ?? true,
    environment: mergeByName(base.environment ?? [], inputs.environment),
    secrets: mergeByName(base.secrets ?? [], inputs.secrets),
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        ...(base.logConfiguration?.logDriver === 'awslogs' ? base.logConfiguration.options : {}),
        'awslogs-group': inputs.logGroup,
        'awslogs-region': inputs.region,
        'awslogs-stream-prefix': streamPrefix(base)
      }
    }
  }
  if (inputs.port !== undefined) {
    container.portMappings = [
      { containerPort: inputs.port, hostPort: inputs.port, protocol: 'tcp', name: `port-${inputs.port}` }
    ]
  }
  if (inputs.command) container.command = inputs.command

  const withApp = templateContainers.some((c) => c.name === inputs.containerName)
    ? templateContainers.map((c) => (c.name === inputs.containerName ? container : c))
    : [container, ...templateContainers]
  // A template copied from a revision with a timer has one already: this run's ttl replaces it.
  const containers =
    inputs.ttlSeconds === undefined
      ? withApp
      : [
          ...withApp.filter((c) => c.name !== TTL_CONTAINER_NAME),
          timerContainer(inputs.ttlSeconds, inputs.timerImage)
        ]

  return {
    ...template,
    family: inputs.family,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: String(inputs.cpu),
    memory: String(inputs.memory),
    executionRoleArn: context.executionRoleArn,
    taskRoleArn: context.taskRoleArn ?? (template['taskRoleArn'] as string | undefined),
    containerDefinitions: containers,
    // The platform input (or the template's) decides: Fargate runs the task on that architecture.
    runtimePlatform: { cpuArchitecture: CPU_ARCHITECTURES[inputs.platform], operatingSystemFamily: 'LINUX' },
    tags: ecsTags(inputs.tags)
  }
}

/**
 * The ttl: an essential container that sleeps for the ttl and exits, and an essential container that exits
 * stops the task (ECS stops the others), even if no workflow runs again. The shell exits at once on SIGTERM,
 * so a task stopped earlier (StopTask, a newer preview) does not wait out the stop timeout for it.
 */
export function timerContainer(ttlSeconds: number, image: string): ContainerDefinition {
  return {
    name: TTL_CONTAINER_NAME,
    image,
    essential: true,
    entryPoint: ['sh', '-c'],
    command: [`trap 'exit 0' TERM; sleep ${ttlSeconds} & wait`]
  }
}

export function streamPrefix(container: ContainerDefinition): string {
  return container.logConfiguration?.options?.['awslogs-stream-prefix'] ?? DEFAULT_STREAM_PREFIX
}

function mergeByName<T extends { name?: string }>(base: T[], overrides: T[]): T[] {
  const merged = new Map<string | undefined, T>()
  for (const item of [...base, ...overrides]) merged.set(item.name, item)
  return [...merged.values()]
}

/**
 * A canonical form for comparing a rendered definition with a registered one: AWS fills in defaults
 * (hostPort, protocol, essential, empty lists) and may order lists differently.
 */
export function canonicalTaskDefinition(
  definition: RegisterTaskDefinitionCommandInput | TaskDefinition
): string {
  const copy: Record<string, unknown> = { ...definition }
  for (const key of DESCRIBE_ONLY) delete copy[key]
  // Defaults ECS reports on a revision though nobody asked for them.
  if (copy['enableFaultInjection'] === false) delete copy['enableFaultInjection']
  copy['containerDefinitions'] = (definition.containerDefinitions ?? []).map((container) => {
    const c: Record<string, unknown> = { essential: true, ...container }
    if (c['cpu'] === 0) delete c['cpu']
    if (c['versionConsistency'] === 'enabled') delete c['versionConsistency']
    c['portMappings'] = (container.portMappings ?? []).map((mapping) => ({
      ...mapping,
      hostPort: mapping.hostPort ?? mapping.containerPort,
      protocol: mapping.protocol ?? 'tcp'
    }))
    for (const list of ['environment', 'secrets'] as const) {
      c[list] = [...(container[list] ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))
    }
    return c
  })
  copy['tags'] = [...((definition as { tags?: EcsTag[] }).tags ?? [])].sort((a, b) =>
    (a.key ?? '').localeCompare(b.key ?? '')
  )
  return JSON.stringify(sortKeys(prune(copy)))
}

/** Drops undefined, null, empty lists and empty objects. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((item) => item !== undefined)
    return items.length > 0 ? items : undefined
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, prune(item)] as const)
      .filter(([, item]) => item !== undefined)
    return entries.length > 0 ? Object.fromEntries(entries) : undefined
  }
  return value === null ? undefined : value
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])])
    )
  }
  return value
}

/** The family's latest ACTIVE revision, or undefined when the family has none. */
export async function describeLatestRevision(
  ecs: ECSClient,
  family: string
): Promise<TaskDefinition | undefined> {
  try {
    const { taskDefinition, tags } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] })
    )
    return taskDefinition ? ({ ...taskDefinition, tags } as TaskDefinition) : undefined
  } catch (error) {
    // ECS answers ClientException "Unable to describe task definition." for a family with no revision.
    if ((error as Error).name === 'ClientException') return undefined
    throw error
  }
}

export interface RegisteredRevision {
  taskDefinitionArn: string
  revision: number
  reused: boolean
}

export async function registerOrReuse(
  ecs: ECSClient,
  rendered: RegisterTaskDefinitionCommandInput,
  latest: TaskDefinition | undefined
): Promise<RegisteredRevision> {
  if (latest?.status === 'ACTIVE' && canonicalTaskDefinition(latest) === canonicalTaskDefinition(rendered)) {
    return { taskDefinitionArn: latest.taskDefinitionArn!, revision: latest.revision!, reused: true }
  }
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(rendered))
  return {
    taskDefinitionArn: taskDefinition!.taskDefinitionArn!,
    revision: taskDefinition!.revision!,
    reused: false
  }
}

/** "arn:aws:ecs:REGION:ACCOUNT:task-definition/web-pr-12:3" → "web-pr-12". */
export function familyOfArn(taskDefinitionArn: string): string {
  return taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1).replace(/:\d+$/, '')
}

/** The family's ACTIVE revisions, every page; familyPrefix is checked too, so no other family is listed. */
export async function listActiveRevisions(ecs: ECSClient, family: string): Promise<string[]> {
  const arns: string[] = []
  for await (const page of paginateListTaskDefinitions(
    { client: ecs },
    { familyPrefix: family, status: 'ACTIVE' }
  )) {
    arns.push(...(page.taskDefinitionArns ?? []).filter((arn) => familyOfArn(arn) === family))
  }
  return arns
}

export interface FamilyDeregistration {
  deregistered: string[]
  /** Revisions whose DeregisterTaskDefinition failed, with the error. */
  failed: Array<{ taskDefinitionArn: string; error: unknown }>
}

/** At most this many DeregisterTaskDefinition calls at once: a long-lived family can have many revisions. */
const DEREGISTER_CONCURRENCY = 5

/**
 * Every ACTIVE revision of the family deregistered (INACTIVE: no new task can run it; tasks running it go
 * on). One revision that fails does not stop the others: it is returned in failed.
 */
export async function deregisterFamily(ecs: ECSClient, family: string): Promise<FamilyDeregistration> {
  const revisions = await listActiveRevisions(ecs, family)
  const result: FamilyDeregistration = { deregistered: [], failed: [] }
  for (let start = 0; start < revisions.length; start += DEREGISTER_CONCURRENCY) {
    const batch = revisions.slice(start, start + DEREGISTER_CONCURRENCY)
    const settled = await Promise.allSettled(
      batch.map((taskDefinition) => ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition })))
    )
    settled.forEach((outcome, index) => {
      const taskDefinitionArn = batch[index]!
      if (outcome.status === 'fulfilled') result.deregistered.push(taskDefinitionArn)
      else result.failed.push({ taskDefinitionArn, error: outcome.reason })
    })
  }
  return result
}
