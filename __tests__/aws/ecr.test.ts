import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand
} from '@aws-sdk/client-ecr'
import { mockClient } from 'aws-sdk-client-mock'
import { ActionError } from '../../src/explain/action-error.js'
import {
  ensureRepository,
  findImageDigest,
  getRegistryLogin,
  indexPlatforms,
  platformMatches
} from '../../src/aws/ecr.js'

const ecr = mockClient(ECRClient)
const client = new ECRClient({ region: 'us-east-1' })
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const REPOSITORY = {
  repositoryName: 'myapp',
  repositoryUri: `${HOST}/myapp`,
  repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/myapp'
}
const awsError = (name: string) => Object.assign(new Error(`${name} message`), { name })
const token = (text: string) => Buffer.from(text, 'utf8').toString('base64')

beforeEach(() => ecr.reset())

describe('getRegistryLogin', () => {
  test.each([
    ['AWS:simple', 'AWS', 'simple'],
    ['AWS:pass:with:colons', 'AWS', 'pass:with:colons'],
    ['AWS:', 'AWS', '']
  ])('decodes %s into user %s and password %s', async (decoded, username, password) => {
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [{ authorizationToken: token(decoded), proxyEndpoint: `https://${HOST}` }]
    })
    expect(await getRegistryLogin(client)).toEqual({ registryHost: HOST, username, password })
  })

  test('keeps the port of a local registry endpoint', async () => {
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [{ authorizationToken: token('AWS:x'), proxyEndpoint: 'http://localhost:4566/' }]
    })
    expect((await getRegistryLogin(client)).registryHost).toBe('localhost:4566')
  })

  test.each([
    [{}],
    [{ authorizationData: [] }],
    [{ authorizationData: [{ proxyEndpoint: `https://${HOST}` }] }]
  ])('fails clearly on an answer without a token: %j', async (answer) => {
    ecr.on(GetAuthorizationTokenCommand).resolves(answer)
    await expect(getRegistryLogin(client)).rejects.toThrow(
      new ActionError('ECR GetAuthorizationToken returned no authorization data')
    )
  })
})

describe('ensureRepository', () => {
  const options = { name: 'myapp', create: true, tags: [{ key: 'team', value: 'data' }] }

  test('finds an existing repository and creates nothing', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [REPOSITORY] })
    expect(await ensureRepository(client, options)).toEqual({
      repositoryUri: REPOSITORY.repositoryUri,
      repositoryArn: REPOSITORY.repositoryArn,
      created: false
    })
    expect(ecr.commandCalls(DescribeRepositoriesCommand)[0]!.args[0].input).toEqual({
      repositoryNames: ['myapp']
    })
    expect(ecr.commandCalls(CreateRepositoryCommand)).toHaveLength(0)
  })

  test('creates a missing repository with scan on push and the tags in ECR shape', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'))
    ecr.on(CreateRepositoryCommand).resolves({ repository: REPOSITORY })
    expect(await ensureRepository(client, options)).toEqual({
      repositoryUri: REPOSITORY.repositoryUri,
      repositoryArn: REPOSITORY.repositoryArn,
      created: true
    })
    expect(ecr.commandCalls(CreateRepositoryCommand)[0]!.args[0].input).toEqual({
      repositoryName: 'myapp',
      imageScanningConfiguration: { scanOnPush: true },
      tags: [{ Key: 'team', Value: 'data' }]
    })
  })

  test('with create-repository false, names the input to change and how to create it', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'))
    const error = (await ensureRepository(client, { ...options, create: false }).catch(
      (e: unknown) => e
    )) as ActionError
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe("ECR repository 'myapp' does not exist and create-repository is false")
    expect(error.hint).toBe(
      'Create it (aws ecr create-repository --repository-name myapp) or set create-repository: true.'
    )
    expect(ecr.commandCalls(CreateRepositoryCommand)).toHaveLength(0)
  })

  test('a concurrent job creating it first is not an error: the repository is described again', async () => {
    ecr
      .on(DescribeRepositoriesCommand)
      .rejectsOnce(awsError('RepositoryNotFoundException'))
      .resolves({ repositories: [REPOSITORY] })
    ecr.on(CreateRepositoryCommand).rejects(awsError('RepositoryAlreadyExistsException'))
    expect(await ensureRepository(client, options)).toEqual({
      repositoryUri: REPOSITORY.repositoryUri,
      repositoryArn: REPOSITORY.repositoryArn,
      created: false
    })
    expect(ecr.commandCalls(DescribeRepositoriesCommand)).toHaveLength(2)
  })

  test('RepositoryAlreadyExists for a repository ECR then does not show: the error passes through', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'))
    ecr.on(CreateRepositoryCommand).rejects(awsError('RepositoryAlreadyExistsException'))
    await expect(ensureRepository(client, options)).rejects.toThrow(
      'RepositoryAlreadyExistsException message'
    )
    expect(ecr.commandCalls(DescribeRepositoriesCommand)).toHaveLength(2)
  })

  test('other errors pass through unchanged', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(awsError('AccessDeniedException'))
    await expect(ensureRepository(client, options)).rejects.toThrow('AccessDeniedException message')

    ecr.reset()
    ecr.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'))
    ecr.on(CreateRepositoryCommand).rejects(awsError('InvalidTagParameterException'))
    await expect(ensureRepository(client, options)).rejects.toThrow('InvalidTagParameterException message')
  })
})

describe('findImageDigest', () => {
  const digest = `sha256:${'c'.repeat(64)}`

  test('asks ECR for the tag and returns its digest', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: digest, imageTags: ['v1'] }] })
    expect(await findImageDigest(client, 'myapp', 'v1')).toBe(digest)
    expect(ecr.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toEqual({
      repositoryName: 'myapp',
      imageIds: [{ imageTag: 'v1' }]
    })
  })

  test('fails naming the image when ECR has none', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] })
    await expect(findImageDigest(client, 'myapp', 'v1')).rejects.toThrow(
      'ECR has no image myapp:v1 after the push'
    )
  })
})

describe('the platforms of a pushed image', () => {
  test.each([
    [
      'an OCI index: each image platform, attestations left out',
      {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { platform: { os: 'linux', architecture: 'amd64' } },
          { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { platform: { os: 'unknown', architecture: 'unknown' } }
        ]
      },
      ['linux/amd64', 'linux/arm64/v8']
    ],
    ["a single image's manifest: not in it", { schemaVersion: 2, config: { digest: 'sha256:c' } }, undefined]
  ])('%s', (_name, manifest, expected) => {
    expect(indexPlatforms(JSON.stringify(manifest))).toEqual(expected)
  })

  test('a manifest that is not JSON has no platforms to read', () => {
    expect(indexPlatforms('not json')).toBeUndefined()
  })

  test.each([
    ['linux/arm64', 'linux/arm64', true],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64', 'linux/amd64', false],
    ['linux/amd64', 'linux/amd64/v2', true],
    ['linux/amd64', 'windows/amd64', false]
  ])('%s is served by %s: %s', (wanted, offered, expected) => {
    expect(platformMatches(wanted, offered)).toBe(expected)
  })
})
