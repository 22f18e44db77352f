import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import {
  buildNextRevision,
  chooseContainer,
  describeRevision,
  imageRepository,
  registerNextRevision,
  scopeOfRevision,
  type DescribedRevision
} from '../../src/aws/service-revision.js'
import { DESCRIBE_ONLY } from '../../src/aws/task-definition.js'
import { formatActionError } from '../../src/explain/action-error.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const REPOSITORY = `${REGISTRY}/shop`
const DIGEST = 'sha256:' + 'b'.repeat(64)
const IMAGE = `${REPOSITORY}@${DIGEST}`
const CURRENT_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7'
const NEXT_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:8'

/** As DescribeTaskDefinition (include TAGS) answers for a revision Terraform registered. */
function current(): DescribedRevision {
  return {
    taskDefinitionArn: CURRENT_ARN,
    family: 'shop',
    revision: 7,
    status: 'ACTIVE',
    taskRoleArn: 'arn:aws:iam::123456789012:role/shop-task',
    executionRoleArn: 'arn:aws:iam::123456789012:role/shop-execution',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    registeredAt: new Date('2026-11-01T10:00:00Z'),
    registeredBy: 'arn:aws:sts::123456789012:assumed-role/terraform/ci',
    cpu: '512',
    memory: '1024',
    runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    volumes: [{ name: 'cache', host: {} }],
    ephemeralStorage: { sizeInGiB: 30 },
    enableFaultInjection: true,
    // A field of a future API: kept because the copy is by key.
    ...({ someFieldAwsAddsIn2027: { mode: 'on' } } as object),
    containerDefinitions: [
      {
        name: 'app',
        image: `${REPOSITORY}:v41`,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp', name: 'http' }],
        environment: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'REGION', value: 'us-east-1' }
        ],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' }
        ],
        healthCheck: { command: ['CMD-SHELL', 'curl -f localhost:8080/health'], interval: 10, retries: 3 },
        mountPoints: [{ sourceVolume: 'cache', containerPath: '/cache' }],
        command: ['serve'],
        dependsOn: [{ containerName: 'envoy', condition: 'HEALTHY' }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/shop',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'app'
          }
        }
      },
      {
        name: 'envoy',
        image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29',
        essential: true,
        healthCheck: { command: ['CMD-SHELL', 'curl -s localhost:9901/ready'], interval: 5, retries: 3 }
      }
    ],
    tags: [
      { key: 'team', value: 'payments' },
      { key: 'aws:cloudformation:stack-name', value: 'shop' }
    ]
  }
}

beforeEach(() => ecs.reset())

test("the read-only fields are the model's TaskDefinition members that RegisterTaskDefinition does not take", () => {
  // botocore's ecs service-2.json: TaskDefinition's members minus RegisterTaskDefinitionRequest's.
  expect([...DESCRIBE_ONLY].sort()).toEqual([
    'compatibilities',
    'deleteRequestedAt',
    'deregisteredAt',
    'registeredAt',
    'registeredBy',
    'requiresAttributes',
    'revision',
    'status',
    'taskDefinitionArn'
  ])
})

describe('imageRepository', () => {
  test.each([
    [`${REPOSITORY}:v41`, REPOSITORY],
    [`${REPOSITORY}@${DIGEST}`, REPOSITORY],
    [`${REPOSITORY}:v41@${DIGEST}`, REPOSITORY],
    [REPOSITORY, REPOSITORY],
    ['localhost:5000/shop:1', 'localhost:5000/shop'],
    ['localhost:5000/shop', 'localhost:5000/shop'],
    ['nginx:1.27', 'nginx']
  ])('%s → %s', (image, repository) => {
    expect(imageRepository(image)).toBe(repository)
  })
})

describe('chooseContainer', () => {
  const app: ContainerDefinition = { name: 'app', image: `${REPOSITORY}:v1`, essential: true }
  const worker: ContainerDefinition = { name: 'worker', image: `${REPOSITORY}:v1`, essential: false }
  const envoy: ContainerDefinition = { name: 'envoy', image: 'envoyproxy/envoy:v1.29', essential: true }
  const agent: ContainerDefinition = { name: 'agent', image: 'datadog/agent:7', essential: false }
  const other: ContainerDefinition = { name: 'other', image: `${REGISTRY}/other:v1`, essential: true }

  test.each<[string, string, ContainerDefinition[], string | undefined]>([
    ['container-name given', 'envoy', [app, envoy], 'envoy'],
    ['the only container of the pushed repository', 'app', [envoy, app, agent], undefined],
    ['a pinned image of the pushed repository', 'app', [{ ...app, image: IMAGE }, envoy], undefined],
    ['no container of the repository: the only essential one', 'other', [other, agent], undefined],
    ['one container, another repository', 'web', [{ name: 'web', image: 'nginx:1' }], undefined]
  ])('%s → %s', (_name, expected, containers, containerName) => {
    expect(chooseContainer(containers, { containerName, repository: REPOSITORY })).toBe(expected)
  })

  test.each<[string, ContainerDefinition[], string | undefined, string]>([
    [
      'two containers of the repository',
      [app, worker, envoy],
      undefined,
      `container-name is needed in task definition shop: 2 containers run images of ${REPOSITORY}, so the action cannot tell which to update`
    ],
    [
      'none of the repository and two essential',
      [other, envoy],
      undefined,
      `container-name is needed in task definition shop: no container runs an image of ${REPOSITORY} and 2 containers are essential, so the action cannot tell which to update`
    ],
    [
      'a container-name that is not there',
      [app, envoy],
      'api',
      "container-name: no container named 'api' in task definition shop"
    ]
  ])('%s: an input error listing the containers', (_name, containers, containerName, message) => {
    let thrown: unknown
    try {
      chooseContainer(containers, { containerName, repository: REPOSITORY, family: 'shop' })
    } catch (error) {
      thrown = error
    }
    const text = formatActionError(thrown)
    expect(text.split('\n')[0]).toBe(message)
    expect(text).toContain('The containers:\n')
    for (const container of containers) {
      expect(text).toContain(
        `  ${container.name}: ${container.image}${container.essential === false ? '\n' : ' (essential)'}`
      )
    }
    expect(text).toContain('container-name')
  })
})

describe('buildNextRevision', () => {
  test('puts the image in the container and keeps every other field, known or not', () => {
    const next = buildNextRevision(current(), { image: IMAGE, repository: REPOSITORY })
    expect(next.containerName).toBe('app')
    expect(next.previousImage).toBe(`${REPOSITORY}:v41`)
    const expected: Record<string, unknown> = { ...current() }
    for (const key of [
      'taskDefinitionArn',
      'revision',
      'status',
      'requiresAttributes',
      'compatibilities',
      'registeredAt',
      'registeredBy'
    ]) {
      delete expected[key]
    }
    const [app, envoy] = current().containerDefinitions!
    expect(next.input).toEqual({
      ...expected,
      containerDefinitions: [{ ...app, image: IMAGE }, envoy],
      tags: [{ key: 'team', value: 'payments' }]
    })
    expect(next.input).toHaveProperty('enableFaultInjection', true)
    expect(next.input).toHaveProperty('someFieldAwsAddsIn2027', { mode: 'on' })
  })

  test('does not change the revision it is given', () => {
    const revision = current()
    buildNextRevision(revision, {
      image: IMAGE,
      repository: REPOSITORY,
      environment: [{ name: 'A', value: '1' }]
    })
    expect(revision).toEqual(current())
  })

  test.each([
    [
      'environment: given names replace, the others are kept',
      {
        environment: [
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'FEATURE', value: 'on' }
        ]
      },
      {
        environment: [
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'REGION', value: 'us-east-1' },
          { name: 'FEATURE', value: 'on' }
        ]
      }
    ],
    [
      'secrets: merged by name',
      { secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/key' }] },
      {
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' },
          { name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/key' }
        ]
      }
    ],
    ['command: replaced', { command: ['serve', '--port', '8080'] }, { command: ['serve', '--port', '8080'] }],
    ['an empty environment list changes nothing', { environment: [] }, {}]
  ])('%s', (_name, changes, containerFields) => {
    const next = buildNextRevision(current(), { image: IMAGE, repository: REPOSITORY, ...changes })
    const [app, envoy] = current().containerDefinitions!
    expect(next.input.containerDefinitions).toEqual([{ ...app, image: IMAGE, ...containerFields }, envoy])
  })

  test.each([
    ['cpu and memory given', { cpu: 1024, memory: 2048 }, { cpu: '1024', memory: '2048' }],
    ['only memory', { memory: 4096 }, { cpu: '512', memory: '4096' }],
    ['neither: kept', {}, { cpu: '512', memory: '1024' }]
  ])('task size: %s', (_name, changes, expected) => {
    const next = buildNextRevision(current(), { image: IMAGE, repository: REPOSITORY, ...changes })
    expect({ cpu: next.input.cpu, memory: next.input.memory }).toEqual(expected)
  })

  test("the action's tags are added; aws: tags (CloudFormation's) are left out, as ECS refuses them", () => {
    const next = buildNextRevision(current(), {
      image: IMAGE,
      repository: REPOSITORY,
      tags: [
        { key: 'team', value: 'checkout' },
        { key: 'deployed-by', value: 'ecs-fargate-deploy' }
      ]
    })
    expect(next.input.tags).toEqual([
      { key: 'team', value: 'checkout' },
      { key: 'deployed-by', value: 'ecs-fargate-deploy' }
    ])
  })

  test('no tags at all: no tags field', () => {
    const revision = current()
    delete revision.tags
    expect(buildNextRevision(revision, { image: IMAGE, repository: REPOSITORY }).input).not.toHaveProperty(
      'tags'
    )
  })

  test("another family (an Express service's release): the same definition under that family", () => {
    const next = buildNextRevision(current(), {
      image: IMAGE,
      repository: REPOSITORY,
      family: 'shop-release'
    })
    expect(next.input.family).toBe('shop-release')
    expect(next.input.containerDefinitions![0]!.image).toBe(IMAGE)
    expect(next.input.taskRoleArn).toBe('arn:aws:iam::123456789012:role/shop-task')
  })

  test('the sidecar named by container-name gets the image', () => {
    const next = buildNextRevision(current(), {
      image: IMAGE,
      repository: REPOSITORY,
      containerName: 'envoy'
    })
    expect(next.input.containerDefinitions!.map((c) => [c.name, c.image])).toEqual([
      ['app', `${REPOSITORY}:v41`],
      ['envoy', IMAGE]
    ])
  })
})

describe('describeRevision', () => {
  test('asks for the tags and returns them with the definition', async () => {
    const { tags, ...definition } = current()
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: definition, tags })
    const described = await describeRevision(client, CURRENT_ARN)
    expect(described).toEqual(current())
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0]!.args[0].input).toEqual({
      taskDefinition: CURRENT_ARN,
      include: ['TAGS']
    })
  })
})

describe('registerNextRevision', () => {
  test('a changed image registers a new revision', async () => {
    ecs
      .on(RegisterTaskDefinitionCommand)
      .resolves({ taskDefinition: { taskDefinitionArn: NEXT_ARN, revision: 8 } })
    const { input } = buildNextRevision(current(), { image: IMAGE, repository: REPOSITORY })
    expect(await registerNextRevision(client, input, [current()])).toEqual({
      taskDefinitionArn: NEXT_ARN,
      revision: 8,
      reused: false
    })
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input).toEqual(input)
  })

  test('the same image again reuses the revision the service runs, aws: tags aside', async () => {
    const running = current()
    running.containerDefinitions![0]!.image = IMAGE
    const { input } = buildNextRevision(running, { image: IMAGE, repository: REPOSITORY })
    expect(await registerNextRevision(client, input, [running])).toEqual({
      taskDefinitionArn: CURRENT_ARN,
      revision: 7,
      reused: true
    })
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0)
  })

  test("the family's latest revision is reused when an earlier run registered it", async () => {
    const latest: DescribedRevision = {
      ...current(),
      taskDefinitionArn: NEXT_ARN,
      revision: 8,
      containerDefinitions: [
        { ...current().containerDefinitions![0]!, image: IMAGE },
        current().containerDefinitions![1]!
      ],
      tags: [{ key: 'team', value: 'payments' }]
    }
    const { input } = buildNextRevision(current(), { image: IMAGE, repository: REPOSITORY })
    expect(await registerNextRevision(client, input, [current(), latest])).toMatchObject({
      taskDefinitionArn: NEXT_ARN,
      reused: true
    })
  })

  test('an INACTIVE twin is not reused', async () => {
    ecs
      .on(RegisterTaskDefinitionCommand)
      .resolves({ taskDefinition: { taskDefinitionArn: NEXT_ARN, revision: 8 } })
    const running = { ...current(), status: 'INACTIVE' as const }
    running.containerDefinitions = [
      { ...running.containerDefinitions![0]!, image: IMAGE },
      running.containerDefinitions![1]!
    ]
    const { input } = buildNextRevision(running, { image: IMAGE, repository: REPOSITORY })
    expect((await registerNextRevision(client, input, [running, undefined])).reused).toBe(false)
  })
})

describe('scopeOfRevision', () => {
  test('the family, both roles and the log groups, each once', () => {
    const revision = current()
    revision.containerDefinitions![1]!.logConfiguration = {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/shop', 'awslogs-stream-prefix': 'envoy' }
    }
    expect(scopeOfRevision(revision)).toEqual({
      family: 'shop',
      executionRoleArn: 'arn:aws:iam::123456789012:role/shop-execution',
      taskRoleArn: 'arn:aws:iam::123456789012:role/shop-task',
      logGroups: ['/ecs/shop']
    })
  })

  test('no roles and another log driver: none named', () => {
    const revision: DescribedRevision = {
      family: 'shop',
      containerDefinitions: [{ name: 'app', logConfiguration: { logDriver: 'awsfirelens' } }]
    }
    expect(scopeOfRevision(revision)).toEqual({ family: 'shop', logGroups: [] })
  })
})
