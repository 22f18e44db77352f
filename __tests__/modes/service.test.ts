// Service mode end to end on mocked clients: create, update, the wait (success, rollback, none, healthy),
// the outputs set as soon as known, and cancellation (a created service deleted, an existing one left).
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { EC2Client } from '@aws-sdk/client-ec2'
import {
  BatchGetImageCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand
} from '@aws-sdk/client-ecr'
import {
  CreateExpressGatewayServiceCommand,
  DeleteExpressGatewayServiceCommand,
  DescribeClustersCommand,
  DescribeExpressGatewayServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateExpressGatewayServiceCommand,
  type ServiceDeploymentStatus
} from '@aws-sdk/client-ecs'
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand
} from '@aws-sdk/client-scheduler'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { RecordingReporter } from '../../__fixtures__/reporter.js'
import { FakeRunner } from '../../__fixtures__/runner.js'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import {
  ServiceCancelledError,
  deployService,
  deploymentLine,
  stopService,
  type ServiceDeployDeps
} from '../../src/modes/service.js'
import { ServiceDeployFailure } from '../../src/modes/types.js'
import { ServiceDeploymentFailedError } from '../../src/aws/express-deployment.js'

const ACCOUNT = '123456789012'
const HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`
const REPOSITORY_URI = `${HOST}/shop`
const DIGEST = `sha256:${'d'.repeat(64)}`
const IMAGE = `${REPOSITORY_URI}@${DIGEST}`
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`
const EXECUTION_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`
const INFRA_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ecsInfrastructureRoleForExpressServices`
const SERVICE_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/web/shop`
const DEPLOYMENT_OLD = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/web/shop/old`
const DEPLOYMENT_NEW = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/web/shop/new`
const REVISION_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-revision/web/shop/r2`
const ENDPOINT = 'sh-0123.ecs.us-east-1.on.aws'

const ecr = mockClient(ECRClient)
const ecs = mockClient(ECSClient)
const ec2 = mockClient(EC2Client)
const iam = mockClient(IAMClient)
const logs = mockClient(CloudWatchLogsClient)
const schedulerMock = mockClient(SchedulerClient)
const schedulerClient = new SchedulerClient({ region: 'us-east-1' })
const clients = {
  ecr: new ECRClient({ region: 'us-east-1' }),
  ecs: new ECSClient({ region: 'us-east-1' }),
  ec2: new EC2Client({ region: 'us-east-1' }),
  iam: new IAMClient({ region: 'us-east-1' }),
  logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
  scheduler: async () => schedulerClient
}
const awsError = (name: string, message = `${name} message`) => Object.assign(new Error(message), { name })

function inputsWith(given: Record<string, string> = {}): Inputs {
  const all: Record<string, string> = {
    repository: 'shop',
    tag: 'v1',
    cluster: 'web',
    port: '8080',
    service: 'shop',
    ...given
  }
  return parseInputs((name) => all[name] ?? '', { env: { AWS_REGION: 'us-east-1' }, readFile: () => '' })
}

function depsWith(
  extra: Partial<ServiceDeployDeps> = {}
): ServiceDeployDeps & { reporter: RecordingReporter } {
  return {
    clients,
    runner: new FakeRunner()
      .on(['docker', 'push'], {
        stdout: `The push refers to repository [${REPOSITORY_URI}]\nv1: digest: ${DIGEST} size: 528\n`
      })
      .on(['docker', 'image', 'inspect'], { stdout: 'linux/amd64\n' }),
    dockerConfigDir: '/tmp/runner/docker-test',
    onLogin: () => undefined,
    clock: new FakeClock(),
    serviceName: 'shop',
    ...extra,
    reporter: new RecordingReporter()
  }
}

const deploymentIn = (status: ServiceDeploymentStatus, extra: object = {}) => ({
  serviceDeployments: [
    {
      serviceDeploymentArn: DEPLOYMENT_NEW,
      serviceArn: SERVICE_ARN,
      status,
      createdAt: new Date(2_000_000),
      targetServiceRevision: {
        arn: REVISION_ARN,
        requestedTaskCount: 2,
        runningTaskCount: 2,
        pendingTaskCount: 0
      },
      ...extra
    }
  ]
})

/** Everything exists but the service (or, with `existing`, the service too, with one old deployment). */
function stack(existing = false): void {
  ecr.on(GetAuthorizationTokenCommand).resolves({
    authorizationData: [
      { authorizationToken: Buffer.from('AWS:secret').toString('base64'), proxyEndpoint: `https://${HOST}` }
    ]
  })
  ecr.on(DescribeRepositoriesCommand).resolves({
    repositories: [{ repositoryName: 'shop', repositoryUri: REPOSITORY_URI }]
  })
  // A single image's manifest: its platform is read from the local image (docker image inspect).
  ecr.on(BatchGetImageCommand).resolves({
    images: [{ imageManifest: JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:c' } }) }]
  })
  ecs.on(DescribeClustersCommand).resolves({
    clusters: [{ clusterArn: CLUSTER_ARN, clusterName: 'web', status: 'ACTIVE' }]
  })
  iam
    .on(GetRoleCommand, { RoleName: 'ecsTaskExecutionRole' })
    .resolves({ Role: { Arn: EXECUTION_ROLE_ARN } } as never)
  iam
    .on(GetRoleCommand, { RoleName: 'ecsInfrastructureRoleForExpressServices' })
    .resolves({ Role: { Arn: INFRA_ROLE_ARN } } as never)
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/ecs/shop' }] })
  const express = {
    service: {
      serviceArn: SERVICE_ARN,
      status: { statusCode: 'ACTIVE' as const },
      activeConfigurations: [
        {
          serviceRevisionArn: REVISION_ARN,
          ingressPaths: [{ accessType: 'PUBLIC' as const, endpoint: ENDPOINT }]
        }
      ]
    }
  }
  if (existing) {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceArn: SERVICE_ARN, status: 'ACTIVE', runningCount: 2, desiredCount: 2 }]
    })
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolvesOnce({ serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT_OLD }] })
      .resolves({
        serviceDeployments: [
          { serviceDeploymentArn: DEPLOYMENT_OLD },
          { serviceDeploymentArn: DEPLOYMENT_NEW }
        ]
      })
  } else {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [], failures: [{ reason: 'MISSING' }] })
      .resolves({
        services: [{ serviceArn: SERVICE_ARN, status: 'ACTIVE', runningCount: 2, desiredCount: 2 }]
      })
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT_NEW }] })
  }
  ecs.on(CreateExpressGatewayServiceCommand).resolves({ service: { serviceArn: SERVICE_ARN } })
  ecs.on(UpdateExpressGatewayServiceCommand).resolves({ service: { serviceArn: SERVICE_ARN } })
  ecs.on(TagResourceCommand).resolves({})
  ecs.on(DescribeExpressGatewayServiceCommand).resolves(express)
  ecs
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(deploymentIn('IN_PROGRESS', { lifecycleStage: 'SCALE_UP' }))
    .resolves(deploymentIn('SUCCESSFUL'))
  ecs.on(ListTasksCommand).resolves({ taskArns: [] })
}

beforeEach(() => {
  for (const mock of [ecr, ecs, ec2, iam, logs, schedulerMock]) mock.reset()
})

test('platform linux/arm64 reaches the service as cpuArchitecture ARM64', async () => {
  stack()
  const deps = depsWith({
    runner: new FakeRunner()
      .on(['docker', 'push'], { stdout: `v1: digest: ${DIGEST} size: 528\n` })
      .on(['docker', 'image', 'inspect'], { stdout: 'linux/arm64\n' })
  })
  await deployService(inputsWith({ platform: 'linux/arm64' }), deps)
  expect(ecs.commandCalls(CreateExpressGatewayServiceCommand)[0]!.args[0].input.cpuArchitecture).toBe('ARM64')
})

test('creates the service, waits for its deployment and sets every output', async () => {
  stack()
  const deps = depsWith()
  const result = await deployService(
    inputsWith({ 'min-tasks': '2', 'max-tasks': '4', 'scale-on': 'cpu', 'scale-target': '70' }),
    deps
  )
  expect(deps.reporter.outputs).toEqual({
    image: IMAGE,
    'cluster-arn': CLUSTER_ARN,
    'service-arn': SERVICE_ARN,
    'deployment-arn': DEPLOYMENT_NEW,
    url: `https://${ENDPOINT}`,
    // 2 × 0.0123425 (0.25 vCPU, 0.5 GB x86) + 4 × 0.005 (2 tasks', 2 load balancer addresses) + 0.0225
    'hourly-cost': '0.067185'
  })
  expect(ecs.commandCalls(CreateExpressGatewayServiceCommand)[0]!.args[0].input).toEqual({
    serviceName: 'shop',
    cluster: CLUSTER_ARN,
    infrastructureRoleArn: INFRA_ROLE_ARN,
    primaryContainer: {
      image: IMAGE,
      containerPort: 8080,
      awsLogsConfiguration: { logGroup: '/ecs/shop', logStreamPrefix: 'ecs' },
      environment: [],
      secrets: []
    },
    executionRoleArn: EXECUTION_ROLE_ARN,
    cpu: '256',
    cpuArchitecture: 'X86_64',
    memory: '512',
    healthCheckPath: '/',
    scalingTarget: {
      minTaskCount: 2,
      maxTaskCount: 4,
      autoScalingMetric: 'AVERAGE_CPU',
      autoScalingTargetValue: 70
    }
  })
  expect(result).toMatchObject({
    serviceName: 'shop',
    serviceArn: SERVICE_ARN,
    createdService: true,
    url: `https://${ENDPOINT}`,
    deploymentArn: DEPLOYMENT_NEW,
    deploymentStatus: 'SUCCESSFUL',
    revisionArn: REVISION_ARN,
    runningCount: 2,
    desiredCount: 2,
    scaling: { minTasks: 2, maxTasks: 4, scaleOn: 'cpu', scaleTarget: 70 }
  })
  expect(result.phases.map((phase) => phase.name)).toEqual([
    'Look up and create AWS resources',
    'Push the image',
    'Create the service',
    'Wait for running'
  ])
  expect(deps.reporter.lines).toContain('Deployment new: IN_PROGRESS (SCALE_UP), 2 of 2 tasks running')
  // No task definition without a template: Express Mode makes its own.
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0)
  expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0)
})

test('updates an existing service and tags it; waits for the new deployment, not the old one', async () => {
  stack(true)
  const deps = depsWith()
  const result = await deployService(inputsWith({ tags: 'team=web' }), deps)
  expect(ecs.commandCalls(CreateExpressGatewayServiceCommand)).toHaveLength(0)
  expect(ecs.commandCalls(UpdateExpressGatewayServiceCommand)[0]!.args[0].input).toMatchObject({
    serviceArn: SERVICE_ARN,
    primaryContainer: { image: IMAGE, containerPort: 8080 }
  })
  expect(ecs.commandCalls(TagResourceCommand)[0]!.args[0].input).toEqual({
    resourceArn: SERVICE_ARN,
    tags: [{ key: 'team', value: 'web' }]
  })
  expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)[0]!.args[0].input).toEqual({
    serviceDeploymentArns: [DEPLOYMENT_NEW]
  })
  expect(result).toMatchObject({ createdService: false, deploymentArn: DEPLOYMENT_NEW })
})

test('a deployment that rolls back fails with its reason, and the service ARN is already an output', async () => {
  stack(true)
  ecs.on(DescribeServiceDeploymentsCommand).resolves(
    deploymentIn('ROLLBACK_SUCCESSFUL', {
      statusReason: 'tasks failed to start',
      rollback: {
        reason: 'circuit breaker',
        serviceRevisionArn: 'arn:aws:ecs:us-east-1:1:service-revision/web/shop/r1'
      }
    })
  )
  const deps = depsWith()
  const error = (await deployService(inputsWith(), deps).catch((e: unknown) => e)) as ServiceDeployFailure
  expect(error).toBeInstanceOf(ServiceDeployFailure)
  expect(error.cause).toBeInstanceOf(ServiceDeploymentFailedError)
  expect((error.cause as Error).message).toBe(
    'Service deployment new ended ROLLBACK_SUCCESSFUL: tasks failed to start\nECS rolled back: the previous revision (revision r1) still serves.'
  )
  expect(error.serviceArn).toBe(SERVICE_ARN)
  expect(error.createdService).toBe(false)
  expect(deps.reporter.outputs['service-arn']).toBe(SERVICE_ARN)
  expect(deps.reporter.outputs['deployment-arn']).toBe(DEPLOYMENT_NEW)
  // The previous revision serves on: what the service costs per hour is still said, and in the output.
  expect(error.cost?.hourly?.dollars).toBeGreaterThan(0)
  expect(Number(deps.reporter.outputs['hourly-cost'])).toBeCloseTo(error.cost!.hourly!.dollars, 5)
})

test('the cost of a service: its desired tasks, their addresses and the load balancer, at its architecture', async () => {
  stack()
  const deps = depsWith({
    runner: new FakeRunner()
      .on(['docker', 'push'], { stdout: `v1: digest: ${DIGEST} size: 528\n` })
      .on(['docker', 'image', 'inspect'], { stdout: 'linux/arm64\n' })
  })
  const result = await deployService(
    inputsWith({
      platform: 'linux/arm64',
      'min-tasks': '3',
      'wait-for': 'none',
      subnets: 'subnet-0a1a1a1a,subnet-0b2b2b2b,subnet-0c3c3c3c'
    }),
    deps
  )
  // wait-for none: min-tasks. 3 × 0.009875 (0.25 vCPU, 0.5 GB ARM) + 6 × 0.005 (3 tasks', 3 zones') + 0.0225
  expect(deps.reporter.outputs['hourly-cost']).toBe('0.082125')
  expect(result.cost?.hourly?.lines.map((line) => line.item)).toEqual([
    '3 tasks × (0.25 vCPU, 0.5 GB), Linux/ARM',
    '6 public IPv4 addresses',
    '1 Application Load Balancer (hourly base, without LCUs)'
  ])
})

test('the post step is told the created service at once, and when its deployment succeeded', async () => {
  stack()
  const told: string[] = []
  const deps = depsWith({
    onService: (change, clusterArn) =>
      told.push(`service ${change.serviceArn} in ${clusterArn}, created ${change.created}`),
    onDeployed: () => told.push('deployed')
  })
  await deployService(inputsWith(), deps)
  expect(told).toEqual([`service ${SERVICE_ARN} in ${CLUSTER_ARN}, created true`, 'deployed'])
})

test('a deployment that rolls back is never told deployed', async () => {
  stack(true)
  ecs.on(DescribeServiceDeploymentsCommand).resolves(deploymentIn('ROLLBACK_SUCCESSFUL'))
  const told: string[] = []
  const deps = depsWith({
    onService: (change) => told.push(`created ${change.created}`),
    onDeployed: () => told.push('deployed')
  })
  await expect(deployService(inputsWith(), deps)).rejects.toBeInstanceOf(ServiceDeployFailure)
  expect(told).toEqual(['created false'])
})

test('wait-for none returns after the call, without watching the deployment', async () => {
  stack()
  const deps = depsWith()
  const result = await deployService(inputsWith({ 'wait-for': 'none' }), deps)
  expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(0)
  expect(result.deploymentArn).toBeUndefined()
  expect(deps.reporter.outputs['service-arn']).toBe(SERVICE_ARN)
})

test('wait-for healthy requests the endpoint + health-path after the deployment succeeded', async () => {
  stack()
  const requested: string[] = []
  const fetch = (async (url: string) => {
    requested.push(url)
    return new Response('ok', { status: requested.length < 2 ? 503 : 200 })
  }) as unknown as typeof globalThis.fetch
  const deps = depsWith({ fetch })
  await deployService(inputsWith({ 'wait-for': 'healthy', 'health-path': '/healthz' }), deps)
  expect(requested).toEqual([`https://${ENDPOINT}/healthz`, `https://${ENDPOINT}/healthz`])
})

test('a task-definition template registers a revision, passed as taskDefinitionArn', async () => {
  stack()
  const TD_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/shop:3`
  ecs.on(DescribeTaskDefinitionCommand).rejects(awsError('ClientException'))
  ecs
    .on(RegisterTaskDefinitionCommand)
    .resolves({ taskDefinition: { taskDefinitionArn: TD_ARN, revision: 3 } })
  const template = JSON.stringify({
    containerDefinitions: [
      { name: 'Main', image: 'x' },
      { name: 'envoy', image: 'e' }
    ]
  })
  const inputs = parseInputs(
    (name) =>
      ({
        repository: 'shop',
        tag: 'v1',
        cluster: 'web',
        port: '8080',
        service: 'shop',
        'task-definition': 'td.json',
        'container-name': 'Main'
      })[name] ?? '',
    { env: { AWS_REGION: 'us-east-1' }, readFile: () => template }
  )
  const deps = depsWith()
  await deployService(inputs, deps)
  const create = ecs.commandCalls(CreateExpressGatewayServiceCommand)[0]!.args[0].input
  expect(create.taskDefinitionArn).toBe(TD_ARN)
  expect(create.primaryContainer).toBeUndefined()
  expect(create.executionRoleArn).toBeUndefined()
  const registered = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input
  expect(registered.containerDefinitions!.map((c) => [c.name, c.image])).toEqual([
    ['Main', IMAGE],
    ['envoy', 'e']
  ])
  expect(deps.reporter.outputs['task-definition-arn']).toBe(TD_ARN)
})

describe('cancellation', () => {
  test('a service this run created and never saw healthy is deleted', async () => {
    stack()
    const controller = new AbortController()
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(async () => {
      controller.abort('SIGINT')
      return deploymentIn('IN_PROGRESS')
    })
    ecs.on(DeleteExpressGatewayServiceCommand).resolves({})
    const deps = depsWith({ cancellation: { signal: controller.signal, stopReason: 'cancelled' } })
    const error = (await deployService(inputsWith(), deps).catch((e: unknown) => e)) as ServiceDeployFailure
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)[0]!.args[0].input).toEqual({
      serviceArn: SERVICE_ARN
    })
    expect(error.deleted).toBe(true)
    expect(error.cost).toBeUndefined()
    expect((error.cause as ServiceCancelledError).message).toBe(
      'The run was cancelled (SIGINT): deleted service shop, which this run created and never saw healthy'
    )
  })

  test("a created service deleted on cancel takes its ttl's schedule with it", async () => {
    stack()
    iam
      .on(GetRoleCommand, { RoleName: 'ecsFargateDeployTtlRole' })
      .resolves({ Role: { Arn: `arn:aws:iam::${ACCOUNT}:role/ecsFargateDeployTtlRole` } } as never)
    schedulerMock
      .on(UpdateScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', Message: 'none', $metadata: {} }))
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' })
    schedulerMock.on(DeleteScheduleCommand).resolves({})
    const controller = new AbortController()
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(async () => {
      controller.abort('SIGINT')
      return deploymentIn('IN_PROGRESS')
    })
    ecs.on(DeleteExpressGatewayServiceCommand).resolves({})
    const deps = depsWith({ cancellation: { signal: controller.signal, stopReason: 'cancelled' } })
    const error = (await deployService(inputsWith({ ttl: '2h' }), deps).catch(
      (e: unknown) => e
    )) as ServiceDeployFailure
    expect(error.deleted).toBe(true)
    expect(schedulerMock.commandCalls(DeleteScheduleCommand)[0]!.args[0].input.Name).toBe(
      schedulerMock.commandCalls(CreateScheduleCommand)[0]!.args[0].input.Name
    )
  })

  test('an existing service is left to its own deployment and rollback', async () => {
    stack(true)
    const controller = new AbortController()
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(async () => {
      controller.abort('SIGTERM')
      return deploymentIn('IN_PROGRESS')
    })
    const deps = depsWith({ cancellation: { signal: controller.signal, stopReason: 'cancelled' } })
    const error = (await deployService(inputsWith(), deps).catch((e: unknown) => e)) as ServiceDeployFailure
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)).toHaveLength(0)
    expect((error.cause as Error).message).toBe(
      'The run was cancelled (SIGTERM): service shop existed before this run: its deployment goes on, and ECS rolls it back if it fails'
    )
    expect(deps.reporter.warnings).toEqual([(error.cause as Error).message])
  })
})

describe('stopService', () => {
  test('deletes the service and waits until it is INACTIVE', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'ACTIVE' }] })
    ecs
      .on(DescribeExpressGatewayServiceCommand)
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'ACTIVE' } } })
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'DRAINING' } } })
      .resolves({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'INACTIVE' } } })
    ecs.on(DeleteExpressGatewayServiceCommand).resolves({})
    const log: string[] = []
    const result = await stopService(clients.ecs, {
      serviceName: 'shop',
      cluster: 'web',
      deadline: 2_000_000,
      clock: new FakeClock(),
      log: (line) => log.push(line)
    })
    expect(result).toEqual({ serviceName: 'shop', serviceArn: SERVICE_ARN, deleted: true })
    expect(log).toEqual([`Deleted service ${SERVICE_ARN}: it is INACTIVE`])
  })

  test('a service that is gone is a success: stopping twice is safe', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] })
    const log: string[] = []
    const result = await stopService(clients.ecs, {
      serviceName: 'shop',
      cluster: 'web',
      deadline: 2_000_000,
      log: (line) => log.push(line)
    })
    expect(result).toEqual({ serviceName: 'shop', serviceArn: undefined, deleted: false })
    expect(log).toEqual(['Service shop in web is already deleted (or never existed)'])
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)).toHaveLength(0)
  })
})

test.each([
  [{ serviceDeploymentArn: DEPLOYMENT_NEW, status: 'PENDING' as const }, 'Deployment new: PENDING'],
  [
    {
      serviceDeploymentArn: DEPLOYMENT_NEW,
      status: 'IN_PROGRESS' as const,
      lifecycleStage: 'BAKE_TIME' as const,
      targetServiceRevision: { requestedTaskCount: 3, runningTaskCount: 1 }
    },
    'Deployment new: IN_PROGRESS (BAKE_TIME), 1 of 3 tasks running'
  ]
])('deploymentLine %#', (deployment, line) => {
  expect(deploymentLine(deployment)).toBe(line)
})

describe('ttl: an EventBridge Scheduler schedule deletes the service', () => {
  const TTL_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ecsFargateDeployTtlRole`
  const scheduleNotFound = () =>
    new ResourceNotFoundException({ message: 'none', Message: 'none', $metadata: {} })

  test('a new service is tagged with its expiry and a schedule made; the ttl role created when missing', async () => {
    stack()
    iam
      .on(GetRoleCommand, { RoleName: 'ecsFargateDeployTtlRole' })
      .rejects(Object.assign(new Error('no role'), { name: 'NoSuchEntityException' }))
    iam.on(CreateRoleCommand).resolves({ Role: { Arn: TTL_ROLE_ARN } } as never)
    iam.on(PutRolePolicyCommand).resolves({})
    schedulerMock.on(UpdateScheduleCommand).rejects(scheduleNotFound())
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' })
    const clock = new FakeClock(Date.parse('2026-12-01T12:00:00Z'))
    const deps = depsWith({ clock })
    const result = await deployService(inputsWith({ ttl: '2h' }), deps)

    const expires = '2026-12-01T14:00:00Z'
    expect(ecs.commandCalls(CreateExpressGatewayServiceCommand)[0]!.args[0].input.tags).toEqual([
      { key: 'ecs-fargate-deploy:expires-at', value: expires }
    ])
    const created = schedulerMock.commandCalls(CreateScheduleCommand)[0]!.args[0].input
    expect(created).toMatchObject({
      ScheduleExpression: 'at(2026-12-01T14:00:00)',
      Target: { RoleArn: TTL_ROLE_ARN, Input: JSON.stringify({ ServiceArn: SERVICE_ARN }) }
    })
    // The role trusts EventBridge Scheduler of the cluster's account, and may delete tagged services only.
    const role = iam.commandCalls(CreateRoleCommand)[0]!.args[0].input
    expect(JSON.parse(role.AssumeRolePolicyDocument!).Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ACCOUNT }
    })
    expect(
      JSON.parse(iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input.PolicyDocument!)
    ).toMatchObject({
      Statement: [
        { Action: 'ecs:DeleteExpressGatewayService', Resource: `arn:aws:ecs:*:${ACCOUNT}:service/*/*` }
      ]
    })
    expect(result.expiry).toEqual({ scheduleName: created.Name, expiresAt: new Date(expires) })
    expect(result.created).toContain('IAM role ecsFargateDeployTtlRole')
    expect(result.phases.map((phase) => phase.name)).toContain('Schedule the ttl')
    expect(deps.reporter.lines.join('\n')).toContain(`it deletes the service at ${expires} (ttl 2h)`)
  })

  test('an update moves the schedule and re-tags the service', async () => {
    stack(true)
    iam
      .on(GetRoleCommand, { RoleName: 'ecsFargateDeployTtlRole' })
      .resolves({ Role: { Arn: TTL_ROLE_ARN } } as never)
    schedulerMock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' })
    const result = await deployService(inputsWith({ ttl: '30m' }), depsWith())
    expect(result.expiry).toBeDefined()
    expect(schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(0)
    expect(ecs.commandCalls(TagResourceCommand)[0]!.args[0].input.tags).toEqual([
      expect.objectContaining({ key: 'ecs-fargate-deploy:expires-at' })
    ])
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0)
  })

  test('a deploy without ttl of a service that had one: the schedule deleted and the tag taken off', async () => {
    stack(true)
    ecs.on(DescribeExpressGatewayServiceCommand).resolves({
      service: {
        serviceArn: SERVICE_ARN,
        status: { statusCode: 'ACTIVE' },
        tags: [{ key: 'ecs-fargate-deploy:expires-at', value: '2026-12-01T14:00:00Z' }]
      }
    })
    ecs.on(UntagResourceCommand).resolves({})
    schedulerMock.on(DeleteScheduleCommand).resolves({})
    const result = await deployService(inputsWith(), depsWith())
    expect(result.expiryRemoved).toBe(true)
    expect(result.expiry).toBeUndefined()
    expect(schedulerMock.commandCalls(DeleteScheduleCommand)).toHaveLength(1)
    expect(ecs.commandCalls(UntagResourceCommand)[0]!.args[0].input).toEqual({
      resourceArn: SERVICE_ARN,
      tagKeys: ['ecs-fargate-deploy:expires-at']
    })
  })

  test('a deploy without ttl of a service that never had one calls no EventBridge Scheduler', async () => {
    stack(true)
    const result = await deployService(inputsWith(), depsWith())
    expect(result.expiryRemoved).toBeUndefined()
    expect(schedulerMock.calls()).toHaveLength(0)
    expect(result.phases.map((phase) => phase.name)).not.toContain('Remove the ttl')
  })

  test('a schedule that cannot be made fails the deploy, naming the service it made', async () => {
    stack()
    iam
      .on(GetRoleCommand, { RoleName: 'ecsFargateDeployTtlRole' })
      .resolves({ Role: { Arn: TTL_ROLE_ARN } } as never)
    schedulerMock
      .on(UpdateScheduleCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }))
    const failure = await deployService(inputsWith({ ttl: '2h' }), depsWith()).catch((error) => error)
    expect(failure).toBeInstanceOf(ServiceDeployFailure)
    expect(failure).toMatchObject({ serviceArn: SERVICE_ARN, createdService: true })
  })

  const taggedService = () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'ACTIVE' }] })
    ecs
      .on(DescribeExpressGatewayServiceCommand)
      .resolvesOnce({
        service: {
          serviceArn: SERVICE_ARN,
          status: { statusCode: 'ACTIVE' },
          tags: [{ key: 'ecs-fargate-deploy:expires-at', value: '2026-12-01T14:00:00Z' }]
        }
      })
      .resolves({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'INACTIVE' } } })
    ecs.on(DeleteExpressGatewayServiceCommand).resolves({})
  }

  test("stopService deletes a tagged service's schedule too", async () => {
    taggedService()
    schedulerMock.on(DeleteScheduleCommand).resolves({})
    const result = await stopService(clients.ecs, {
      serviceName: 'shop',
      cluster: 'web',
      deadline: 2_000_000,
      clock: new FakeClock(),
      scheduler: clients.scheduler
    })
    expect(result).toEqual({
      serviceName: 'shop',
      serviceArn: SERVICE_ARN,
      deleted: true,
      expirySchedule: 'deleted'
    })
  })

  test('a schedule stop cannot delete is a warning, not a failure: it fails harmlessly later', async () => {
    taggedService()
    schedulerMock
      .on(DeleteScheduleCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }))
    const warnings: string[] = []
    const result = await stopService(clients.ecs, {
      serviceName: 'shop',
      cluster: 'web',
      deadline: 2_000_000,
      clock: new FakeClock(),
      scheduler: clients.scheduler,
      warn: (line) => warnings.push(line)
    })
    expect(result.expirySchedule).toBe('left')
    expect(warnings).toEqual([
      expect.stringMatching(/Could not delete the ttl's schedule of service shop \(not allowed\)/)
    ])
  })
})
