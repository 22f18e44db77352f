// The ECR side of a push: the registry login and the repository.
import {
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
