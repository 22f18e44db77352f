// ECR control plane (awsJson1_1, target prefix AmazonEC2ContainerRegistry_V20150921). Image data lives in the
// real registry; DescribeImages reads it from there so pushed images appear with their digests and tags.
import type { Context, Handler, RequestInfo } from '../context.js'
import { arr, requireStr, str } from '../context.js'
import { AwsError } from '../protocol.js'
import type { Repository } from '../state/ecr.js'

const NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/

function notFound(ctx: Context, name: string): AwsError {
  return new AwsError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${ctx.accountId}'`
  )
}

function getRepo(ctx: Context, p: Record<string, unknown>): Repository {
  const name = requireStr(p, 'repositoryName')
  const repo = ctx.ecr.repositories.get(name)
  if (!repo) throw notFound(ctx, name)
  return repo
}

const publicRepo = ({ tags: _tags, ...r }: Repository): Omit<Repository, 'tags'> => r

const GetAuthorizationToken: Handler = (ctx) => ({
  authorizationData: [
    {
      authorizationToken: Buffer.from(`AWS:${ctx.registry.password}`).toString('base64'),
      expiresAt: new Date(Date.now() + 12 * 3600 * 1000),
      proxyEndpoint: `http://${ctx.registry.host}`
    }
  ]
})

const DescribeRepositories: Handler = (ctx, p) => {
  const names = arr<string>(p, 'repositoryNames')
  if (names.length === 0) return { repositories: [...ctx.ecr.repositories.values()].map(publicRepo) }
  return { repositories: names.map((n) => publicRepo(getRepo(ctx, { repositoryName: n }))) }
}

const CreateRepository: Handler = (ctx, p, req: RequestInfo) => {
  const name = requireStr(p, 'repositoryName')
  if (name.length < 2 || name.length > 256 || !NAME_RE.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`
    )
  }
  if (ctx.ecr.repositories.has(name)) {
    throw new AwsError(
      'RepositoryAlreadyExistsException',
      `The repository with name '${name}' already exists in the registry with id '${ctx.accountId}'`
    )
  }
  const scan = p.imageScanningConfiguration as { scanOnPush?: boolean } | undefined
  const repo: Repository = {
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:${req.region}:${ctx.accountId}:repository/${name}`,
    registryId: ctx.accountId,
    repositoryUri: `${ctx.registry.host}/${name}`,
    createdAt: new Date(),
    imageTagMutability: str(p, 'imageTagMutability') ?? 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: scan?.scanOnPush ?? false },
    encryptionConfiguration: { encryptionType: 'AES256' },
    tags: arr(p, 'tags')
  }
  ctx.ecr.repositories.set(name, repo)
  return { repository: publicRepo(repo) }
}

const DeleteRepository: Handler = async (ctx, p) => {
  const repo = getRepo(ctx, p)
  const images = ctx.registry.images(repo.repositoryName)
  if (images.length > 0 && p.force !== true) {
    throw new AwsError(
      'RepositoryNotEmptyException',
      `The repository with name '${repo.repositoryName}' in registry with id '${ctx.accountId}' cannot be deleted because it still contains images`
    )
  }
  await ctx.registry.deleteRepository(repo.repositoryName)
  ctx.ecr.repositories.delete(repo.repositoryName)
  return { repository: publicRepo(repo) }
}

interface ImageId {
  imageTag?: string
  imageDigest?: string
}

const DescribeImages: Handler = (ctx, p) => {
  const repo = getRepo(ctx, p)
  const images = ctx.registry.images(repo.repositoryName)
  const ids = arr<ImageId>(p, 'imageIds')
  const detail = (i: (typeof images)[number]) => ({
    registryId: ctx.accountId,
    repositoryName: repo.repositoryName,
    imageDigest: i.digest,
    imageTags: i.tags.length ? i.tags : undefined,
    imageSizeInBytes: i.sizeBytes,
    imagePushedAt: i.pushedAt,
    imageManifestMediaType: i.mediaType,
    artifactMediaType: 'application/vnd.docker.container.image.v1+json'
  })
  if (ids.length === 0) {
    const filter = p.filter as { tagStatus?: string } | undefined
    const wanted = images.filter((i) =>
      filter?.tagStatus === 'TAGGED'
        ? i.tags.length > 0
        : filter?.tagStatus === 'UNTAGGED'
          ? i.tags.length === 0
          : true
    )
    return { imageDetails: wanted.map(detail) }
  }
  const found = ids.map((id) => {
    const image = images.find(
      (i) =>
        (id.imageDigest === undefined || i.digest === id.imageDigest) &&
        (id.imageTag === undefined || i.tags.includes(id.imageTag))
    )
    if (!image) {
      throw new AwsError(
        'ImageNotFoundException',
        `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.repositoryName}' in the registry with id '${ctx.accountId}'`
      )
    }
    return detail(image)
  })
  return { imageDetails: found }
}

const BatchGetImage: Handler = (ctx, p) => {
  const repo = getRepo(ctx, p)
  const images = ctx.registry.images(repo.repositoryName)
  const result = { images: [] as unknown[], failures: [] as unknown[] }
  for (const id of arr<ImageId>(p, 'imageIds')) {
    const image = images.find(
      (i) =>
        (id.imageDigest === undefined || i.digest === id.imageDigest) &&
        (id.imageTag === undefined || i.tags.includes(id.imageTag))
    )
    if (image)
      result.images.push({
        registryId: ctx.accountId,
        repositoryName: repo.repositoryName,
        imageId: { imageDigest: image.digest, imageTag: id.imageTag },
        imageManifest: ctx.registry.manifest?.(repo.repositoryName, image.digest),
        imageManifestMediaType: image.mediaType
      })
    else
      result.failures.push({
        imageId: id,
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found'
      })
  }
  return result
}

const ListTagsForResource: Handler = (ctx, p) => {
  const arn = requireStr(p, 'resourceArn')
  const repo = [...ctx.ecr.repositories.values()].find((r) => r.repositoryArn === arn)
  if (!repo) throw notFound(ctx, arn.split('/').slice(1).join('/'))
  return { tags: repo.tags }
}

export const ecrHandlers: Record<string, Handler> = {
  GetAuthorizationToken,
  DescribeRepositories,
  CreateRepository,
  DeleteRepository,
  DescribeImages,
  BatchGetImage,
  ListTagsForResource
}

export const ecrSnapshot = (ctx: Context): unknown =>
  [...ctx.ecr.repositories.values()].map((r) => ({
    ...r,
    images: ctx.registry.images(r.repositoryName).map((i) => ({ digest: i.digest, tags: i.tags }))
  }))
