// The next task definition revision of an existing service, made from the revision it runs now (not from a
// file in the repository): the pushed image in one container, the given settings, and every other field kept.
import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type ECSClient,
  type KeyValuePair,
  type RegisterTaskDefinitionCommandInput,
  type Secret,
  type Tag as EcsTag,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { ActionError } from '../explain/action-error.js'
import { lastSegment } from '../shared/arn.js'
import { DESCRIBE_ONLY, canonicalTaskDefinition, type RegisteredRevision } from './task-definition.js'

/** A revision as DescribeTaskDefinition (include TAGS) answers it: the definition and its tags together. */
export type DescribedRevision = TaskDefinition & { tags?: EcsTag[] }

/** What the deploy changes; everything absent stays as the current revision has it. */
export interface RevisionChanges {
  /** The pushed image, pinned by digest: registry/repository@sha256:… */
  image: string
  /** The pushed repository's URI (registry/repository): finds the container when containerName is absent. */
  repository: string
  /** The container-name input. */
  containerName?: string
  /** Merged by name into the container's: a given name replaces its value, the others are kept. */
  environment?: readonly KeyValuePair[]
  /** Merged by name, as environment. */
  secrets?: readonly Secret[]
  /** Replaces the container's command. */
  command?: readonly string[]
  /** Task-level CPU units and memory (MiB). */
  cpu?: number
  memory?: number
  /** Added to the revision's tags; a given key replaces its value. */
  tags?: readonly EcsTag[]
  /**
   * Register under another family: the release task of an Express Mode service, whose own family Express Mode
   * manages (its next revision is registered by UpdateExpressGatewayService, after the release).
   */
  family?: string
}

export interface NextRevision {
  input: RegisterTaskDefinitionCommandInput
  /** The container that receives the image (and the release command). */
  containerName: string
  /** The image that container had: for the summary ("image: …:v1 → …@sha256:…"). */
  previousImage?: string
}

/**
 * The repository of an image reference: "registry/name:tag", "registry/name@sha256:…" and
 * "registry/name:tag@sha256:…" → "registry/name". A ':' after the last '/' starts a tag; before it, a port.
 */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0]!
  const colon = withoutDigest.lastIndexOf(':')
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest
}

function describeContainers(containers: readonly ContainerDefinition[]): string {
  return containers
    .map((c) => `  ${c.name ?? '?'}: ${c.image ?? 'no image'}${c.essential === false ? '' : ' (essential)'}`)
    .join('\n')
}

/**
 * The container that receives the pushed image: the one named by container-name; else the only container whose
 * image is in the pushed repository; else the only essential container (ECS treats an absent essential as
 * true). Anything else is ambiguous, and the error lists the containers so container-name can be set.
 */
export function chooseContainer(
  containers: readonly ContainerDefinition[],
  options: { containerName?: string; repository: string; family?: string }
): string {
  const where = options.family ? ` in task definition ${options.family}` : ''
  if (options.containerName !== undefined) {
    if (containers.some((c) => c.name === options.containerName)) return options.containerName
    throw new ActionError(`container-name: no container named '${options.containerName}'${where}`, {
      details: `The containers:\n${describeContainers(containers)}`,
      hint: 'Set container-name to one of the containers above.'
    })
  }
  const repository = imageRepository(options.repository)
  const fromRepository = containers.filter((c) => c.image && imageRepository(c.image) === repository)
  if (fromRepository.length === 1) return fromRepository[0]!.name!
  const essential = containers.filter((c) => c.essential !== false)
  if (fromRepository.length === 0 && essential.length === 1) return essential[0]!.name!
  const why =
    fromRepository.length > 1
      ? `${fromRepository.length} containers run images of ${repository}`
      : `no container runs an image of ${repository} and ${essential.length} containers are essential`
  throw new ActionError(
    `container-name is needed${where}: ${why}, so the action cannot tell which to update`,
    {
      details: `The containers:\n${describeContainers(containers)}`,
      hint: 'Set container-name to the container that should run the pushed image.'
    }
  )
}

function mergeByName<T extends { name?: string }>(base: readonly T[], overrides: readonly T[]): T[] {
  const merged = new Map<string | undefined, T>()
  for (const item of [...base, ...overrides]) merged.set(item.name, item)
  return [...merged.values()]
}

/** Tag keys starting with aws: are AWS's (CloudFormation's stack tags, for one): RegisterTaskDefinition refuses them. */
function isAwsTag(tag: EcsTag): boolean {
  return (tag.key ?? '').toLowerCase().startsWith('aws:')
}

function mergeTags(base: readonly EcsTag[], added: readonly EcsTag[]): EcsTag[] | undefined {
  const merged = new Map<string | undefined, EcsTag>()
  for (const tag of [...base.filter((tag) => !isAwsTag(tag)), ...added]) merged.set(tag.key, tag)
  return merged.size > 0 ? [...merged.values()] : undefined
}

/**
 * The RegisterTaskDefinition input for the next revision. Every key of the current revision is copied except
 * the read-only ones DescribeTaskDefinition adds (DESCRIBE_ONLY in task-definition.ts), so sidecars, volumes,
 * health checks, roles, placement and fields this code does not name (enableFaultInjection, whatever AWS adds)
 * are kept: the copy is by key, not by a list of known fields. (The SDK itself drops, both ways, a field newer
 * than its own model: keeping the bundled SDK current keeps such fields.)
 */
export function buildNextRevision(current: DescribedRevision, changes: RevisionChanges): NextRevision {
  const containers = current.containerDefinitions ?? []
  const containerName = chooseContainer(containers, {
    containerName: changes.containerName,
    repository: changes.repository,
    family: current.family
  })
  const copy: Record<string, unknown> = { ...current }
  for (const key of DESCRIBE_ONLY) delete copy[key]
  delete copy['tags']

  let previousImage: string | undefined
  const containerDefinitions = containers.map((container) => {
    if (container.name !== containerName) return container
    previousImage = container.image
    const updated: ContainerDefinition = { ...container, image: changes.image }
    if (changes.environment)
      updated.environment = mergeByName(container.environment ?? [], changes.environment)
    if (changes.secrets) updated.secrets = mergeByName(container.secrets ?? [], changes.secrets)
    if (changes.command) updated.command = [...changes.command]
    return updated
  })

  const input = {
    ...copy,
    family: changes.family ?? current.family,
    containerDefinitions,
    ...(changes.cpu === undefined ? {} : { cpu: String(changes.cpu) }),
    ...(changes.memory === undefined ? {} : { memory: String(changes.memory) })
  } as RegisterTaskDefinitionCommandInput
  const tags = mergeTags(current.tags ?? [], changes.tags ?? [])
  if (tags) input.tags = tags
  return { input, containerName, previousImage }
}

/** The service's revision, with its tags (they go to the next revision). */
export async function describeRevision(ecs: ECSClient, taskDefinition: string): Promise<DescribedRevision> {
  const { taskDefinition: definition, tags } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })
  )
  if (!definition)
    throw new ActionError(`DescribeTaskDefinition returned no task definition for ${taskDefinition}`)
  return { ...definition, ...(tags && tags.length > 0 ? { tags } : {}) }
}

/** A revision compared without the aws: tags the next one cannot carry. */
function comparable(revision: DescribedRevision): DescribedRevision {
  return revision.tags ? { ...revision, tags: revision.tags.filter((tag) => !isAwsTag(tag)) } : revision
}

/**
 * Registers the next revision, or reuses an ACTIVE candidate identical to it (the service's current revision,
 * when the image and settings are the ones it runs; the family's latest, when an earlier run registered it),
 * compared as the one-off tasks compare theirs (canonicalTaskDefinition).
 */
export async function registerNextRevision(
  ecs: ECSClient,
  input: RegisterTaskDefinitionCommandInput,
  candidates: readonly (DescribedRevision | undefined)[]
): Promise<RegisteredRevision> {
  const wanted = canonicalTaskDefinition(input)
  const same = candidates.find(
    (candidate) =>
      candidate?.status === 'ACTIVE' &&
      candidate.taskDefinitionArn &&
      canonicalTaskDefinition(comparable(candidate)) === wanted
  )
  if (same) return { taskDefinitionArn: same.taskDefinitionArn!, revision: same.revision!, reused: true }
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(input))
  if (!taskDefinition?.taskDefinitionArn) {
    throw new ActionError(`RegisterTaskDefinition returned no revision for family ${input.family}`)
  }
  return {
    taskDefinitionArn: taskDefinition.taskDefinitionArn,
    revision: taskDefinition.revision ?? Number(lastSegment(taskDefinition.taskDefinitionArn).split(':')[1]),
    reused: false
  }
}

/** What a policy for deploying over this revision names: its family, the roles it passes, its log groups. */
export interface RevisionScope {
  family: string
  /** The execution role's and the task role's ARNs, as the revision names them (iam:PassRole). */
  executionRoleArn?: string
  taskRoleArn?: string
  /** The awslogs groups its containers write to (logs:GetLogEvents for the release and failed tasks). */
  logGroups: string[]
}

/** For mode: permissions with credentials: the names the existing service's revision gives the policy. */
export function scopeOfRevision(revision: DescribedRevision): RevisionScope {
  const logGroups = (revision.containerDefinitions ?? []).flatMap((container) => {
    const configuration = container.logConfiguration
    const group =
      configuration?.logDriver === 'awslogs' ? configuration.options?.['awslogs-group'] : undefined
    return group ? [group] : []
  })
  return {
    family: revision.family ?? '',
    ...(revision.executionRoleArn ? { executionRoleArn: revision.executionRoleArn } : {}),
    ...(revision.taskRoleArn ? { taskRoleArn: revision.taskRoleArn } : {}),
    logGroups: [...new Set(logGroups)]
  }
}
