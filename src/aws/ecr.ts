// The ECR side of a push: the registry login and the repository.
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  type ECRClient,
  type Repository
} from '@aws-sdk/client-ecr'
import { registryHostFromEndpoint, type RegistryLogin } from '../docker/docker.js'
import { ActionError } from '../explain/action-error.js'
import { keyValueTags, type Tag } from '../shared/tags.js'

export async function getRegistryLogin(ecr: ECRClient): Promise<RegistryLogin> {
  const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}))
  const data = authorizationData?.[0]
  if (!data?.authorizationToken || !data.proxyEndpoint) {
    throw new ActionError('ECR GetAuthorizationToken returned no authorization data')
  }
  const [username, ...rest] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':')
  return { registryHost: registryHostFromEndpoint(data.proxyEndpoint), username, password: rest.join(':') }
}

export interface RepositoryResult {
  repositoryUri: string
  repositoryArn: string
  created: boolean
}

export async function ensureRepository(
  ecr: ECRClient,
  options: { name: string; create: boolean; tags: Tag[] }
): Promise<RepositoryResult> {
  const existing = await describeRepository(ecr, options.name)
  if (existing) return toResult(existing, false)
  if (!options.create) {
    throw new ActionError(`ECR repository '${options.name}' does not exist and create-repository is false`, {
      hint: `Create it (aws ecr create-repository --repository-name ${options.name}) or set create-repository: true.`
    })
  }
  try {
    const { repository } = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: options.name,
        imageScanningConfiguration: { scanOnPush: true },
        tags: keyValueTags(options.tags)
      })
    )
    return toResult(repository!, true)
  } catch (error) {
    // A concurrent run created it between our describe and create: use theirs.
    if ((error as Error).name !== 'RepositoryAlreadyExistsException') throw error
    const adopted = await describeRepository(ecr, options.name)
    if (!adopted) throw error
    return toResult(adopted, false)
  }
}

async function describeRepository(ecr: ECRClient, name: string): Promise<Repository | undefined> {
  try {
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))
    return repositories?.[0]
  } catch (error) {
    if ((error as Error).name === 'RepositoryNotFoundException') return undefined
    throw error
  }
}

function toResult(repository: Repository, created: boolean): RepositoryResult {
  return { repositoryUri: repository.repositoryUri!, repositoryArn: repository.repositoryArn!, created }
}

/** The digest of a pushed tag, for when docker push's output did not show it. */
export async function findImageDigest(ecr: ECRClient, repository: string, tag: string): Promise<string> {
  const { imageDetails } = await ecr.send(
    new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] })
  )
  const digest = imageDetails?.[0]?.imageDigest
  if (!digest) throw new ActionError(`ECR has no image ${repository}:${tag} after the push`)
  return digest
}

/** The manifest types BatchGetImage may answer with: an image, or an index of images, Docker's or OCI's. */
const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json'
]

interface ManifestJson {
  manifests?: Array<{ platform?: { os?: string; architecture?: string; variant?: string } }>
}

/**
 * The platforms (os/architecture[/variant]) an image index or manifest list offers; undefined for a single
 * image's manifest, whose platform is in its configuration rather than in the manifest.
 */
export function indexPlatforms(manifest: string): string[] | undefined {
  let parsed: ManifestJson
  try {
    parsed = JSON.parse(manifest) as ManifestJson
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed.manifests)) return undefined
  return parsed.manifests
    .map((entry) => entry.platform)
    .filter((platform) => platform?.os && platform.architecture && platform.os !== 'unknown')
    .map((platform) => [platform!.os, platform!.architecture, platform!.variant].filter(Boolean).join('/'))
}

/** Whether an image platform serves the platform asked for: linux/arm64 takes linux/arm64/v8 too. */
export function platformMatches(wanted: string, offered: string): boolean {
  return offered === wanted || offered.startsWith(`${wanted}/`)
}

/**
 * Fails before RunTask when the pushed image has no build for the platform the task definition asks for:
 * Fargate would pull it and stop the task with "exec format error" (or CannotPullContainerError for an index
 * without it). The platforms come from the pushed manifest when it is an index (BatchGetImage), otherwise
 * from the configuration of the local image that was pushed.
 */
export async function checkPushedPlatform(
  ecr: ECRClient,
  localPlatform: () => Promise<string>,
  pushed: { repository: string; digest: string; image: string; platform: string },
  /** Where the platform comes from, for the error. */
  source = 'the platform input'
): Promise<void> {
  // The local image that was pushed answers for a single image without an AWS call (the common case, and no round
  // before RunTask); only when it differs may the pushed manifest be an index that holds the platform.
  const local = await localPlatform().catch(() => undefined)
  if (local !== undefined && platformMatches(pushed.platform, local)) return
  const { images } = await ecr.send(
    new BatchGetImageCommand({
      repositoryName: pushed.repository,
      imageIds: [{ imageDigest: pushed.digest }],
      acceptedMediaTypes: MANIFEST_MEDIA_TYPES
    })
  )
  const manifest = images?.[0]?.imageManifest
  const offered = (manifest ? indexPlatforms(manifest) : undefined) ?? (local === undefined ? [] : [local])
  if (offered.some((platform) => platformMatches(pushed.platform, platform))) return
  throw new ActionError(
    `The image ${pushed.image} is for ${offered.join(', ') || 'no platform'}, not ${pushed.platform} (${source}): Fargate could not run it`,
    {
      hint:
        `Build the image for ${pushed.platform} (docker build --platform ${pushed.platform}, or give context and ` +
        `let the action build it), or set platform to the image's (${offered[0] ?? 'linux/amd64'}).`
    }
  )
}
