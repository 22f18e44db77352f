// An existing standard ECS service on mocked clients (issue 20): the next revision made from the service's own
// (the image by digest in its container, the sidecar kept), UpdateService with only the revision (and the
// desired count when given), the deployment followed stage by stage; nothing updated when the service already
// runs the revision; a failing release command stops before UpdateService; a timeout rolled back with
// rollback-on-timeout; a cancelled run's deployment rolled back; mode stop's refusal.
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { EC2Client } from '@aws-sdk/client-ec2'
import {
  BatchGetImageCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand
} from '@aws-sdk/client-ecr'
import {
  DescribeServiceDeploymentsCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type Service,
  type ServiceDeploymentStatus,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { IAMClient } from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { RecordingReporter } from '../../__fixtures__/reporter.js'
import { FakeRunner } from '../../__fixtures__/runner.js'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import {
  ExistingServiceCancelledError,
  ReleaseFailedError,
  existingServiceSummary,
  platformOfRevision,
  refuseToDelete,
  updateExistingService,
  type ExistingServiceDeps
} from '../../src/modes/existing-service.js'

const ACCOUNT = '123456789012'
const HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`
const REPOSITORY_URI = `${HOST}/shop`
const DIGEST = `sha256:${'d'.repeat(64)}`
const IMAGE = `${REPOSITORY_URI}@${DIGEST}`
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`
const SERVICE_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/web/shop`
const CURRENT = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/shop:7`
const NEXT = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/shop:8`
const DEPLOYMENT_OLD = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/web/shop/old`
const DEPLOYMENT_NEW = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/web/shop/new`
const TASK_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/0123456789abcdef`

const ecr = mockClient(ECRClient)
const ecs = mockClient(ECSClient)
const logs = mockClient(CloudWatchLogsClient)
const clients = {
  ecr: new ECRClient({ region: 'us-east-1' }),
  ecs: new ECSClient({ region: 'us-east-1' }),
  ec2: new EC2Client({ region: 'us-east-1' }),
  iam: new IAMClient({ region: 'us-east-1' }),
  logs: new CloudWatchLogsClient({ region: 'us-east-1' })
}

const SERVICE: Service = {
  serviceArn: SERVICE_ARN,
  serviceName: 'shop',
  clusterArn: CLUSTER_ARN,
  status: 'ACTIVE',
  taskDefinition: CURRENT,
  launchType: 'FARGATE',
  resourceManagementType: 'CUSTOMER',
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' }
  }
}

/** The service's revision, as Terraform registered it: app (from the pushed repository) and a sidecar. */
const REVISION: TaskDefinition = {
  taskDefinitionArn: CURRENT,
  family: 'shop',
  revision: 7,
  status: 'ACTIVE',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
  enableFaultInjection: false,
  registeredAt: new Date(1),
  registeredBy: 'terraform',
  compatibilities: ['EC2', 'FARGATE'],
  containerDefinitions: [
    {
      name: 'app',
      image: `${REPOSITORY_URI}:v0`,
      essential: true,
      environment: [{ name: 'GREETING', value: 'hello' }],
      healthCheck: { command: ['CMD-SHELL', 'true'] },
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/shop',
          'awslogs-stream-prefix': 'ecs',
          'awslogs-region': 'us-east-1'
        }
      }
    },
    { name: 'sidecar', image: 'envoy:1', essential: false }
  ]
}

function inputsWith(given: Record<string, string> = {}): Inputs {
  const all: Record<string, string> = {
    repository: 'shop',
    tag: 'v1',
    cluster: 'web',
    service: 'shop',
    ...given
  }
  return parseInputs((name) => all[name] ?? '', { env: { AWS_REGION: 'us-east-1' }, readFile: () => '' })
}

function depsWith(
  extra: Partial<ExistingServiceDeps> = {}
): ExistingServiceDeps & { reporter: RecordingReporter } {
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
    service: SERVICE,
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
      deploymentConfiguration: {
        strategy: 'ROLLING' as const,
        minimumHealthyPercent: 100,
        maximumPercent: 200
      },
      targetServiceRevision: { requestedTaskCount: 2, runningTaskCount: status === 'SUCCESSFUL' ? 2 : 1 },
      ...extra
    }
  ]
})

beforeEach(() => {
  ecr.reset()
  ecs.reset()
  logs.reset()
  ecr.on(GetAuthorizationTokenCommand).resolves({
    authorizationData: [
      { authorizationToken: Buffer.from('AWS:secret').toString('base64'), proxyEndpoint: `https://${HOST}` }
    ]
  })
  ecr
    .on(DescribeRepositoriesCommand)
    .resolves({ repositories: [{ repositoryName: 'shop', repositoryUri: REPOSITORY_URI }] })
  ecs
    .on(DescribeTaskDefinitionCommand)
    .resolves({ taskDefinition: REVISION, tags: [{ key: 'team', value: 'web' }] })
  ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: NEXT, revision: 8 } })
  ecs
    .on(ListServiceDeploymentsCommand)
    .resolves({ serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT_OLD }] })
  ecs.on(UpdateServiceCommand).resolves({ service: { ...SERVICE, currentServiceDeployment: DEPLOYMENT_NEW } })
  ecs
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(deploymentIn('IN_PROGRESS'))
    .resolves(deploymentIn('SUCCESSFUL'))
})

describe('an existing standard service updated', () => {
  test("the next revision from the service's own, UpdateService with only the revision, the deployment followed", async () => {
    const deps = depsWith()
    const result = await updateExistingService(inputsWith(), deps)
    const registered = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input
    expect(registered.containerDefinitions).toEqual([
      { ...REVISION.containerDefinitions![0], image: IMAGE },
      REVISION.containerDefinitions![1]
    ])
    // Every field kept, the read-only ones dropped; cpu and memory not given, so the revision's.
    expect(registered).toMatchObject({
      family: 'shop',
      cpu: '256',
      memory: '512',
      enableFaultInjection: false
    })
    expect(registered).not.toHaveProperty('registeredBy')
    expect(registered.tags).toEqual([{ key: 'team', value: 'web' }])
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER_ARN, service: SERVICE_ARN, taskDefinition: NEXT }
    ])
    expect(deps.reporter.outputs).toEqual({
      image: IMAGE,
      'cluster-arn': CLUSTER_ARN,
      'task-definition-arn': NEXT,
      'service-arn': SERVICE_ARN,
      'deployment-arn': DEPLOYMENT_NEW
    })
    expect(deps.reporter.untrustedLines).toEqual([
      'Deployment strategy: rolling (min 100% healthy, max 200%)',
      'IN_PROGRESS: new revision 1/2 running',
      'SUCCESSFUL: new revision 2/2 running'
    ])
    expect(result).toMatchObject({ updated: true, deploymentStatus: 'SUCCESSFUL', containerName: 'app' })
    expect(result.phases.map((phase) => phase.name)).toEqual([
      'Look up and create AWS resources',
      'Push the image',
      'Register the task definition',
      'Update the service',
      'Wait for the deployment'
    ])
    expect(existingServiceSummary('us-east-1', result)).toContain(
      `- Container app: \`${REPOSITORY_URI}:v0\` → \`${IMAGE}\``
    )
  })

  test('cpu, memory and container-name change the revision only when given; desired-count goes to UpdateService', async () => {
    await updateExistingService(
      inputsWith({ cpu: '512', memory: '1024', 'container-name': 'app', 'desired-count': '3' }),
      depsWith()
    )
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input).toMatchObject({
      cpu: '512',
      memory: '1024'
    })
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: CLUSTER_ARN,
      service: SERVICE_ARN,
      taskDefinition: NEXT,
      desiredCount: 3
    })
  })

  test('the service already runs this revision: nothing updated, no deployment', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        ...REVISION,
        containerDefinitions: [
          { ...REVISION.containerDefinitions![0], image: IMAGE },
          REVISION.containerDefinitions![1]!
        ]
      }
    })
    const deps = depsWith()
    const result = await updateExistingService(inputsWith(), deps)
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toEqual([])
    expect(ecs.commandCalls(UpdateServiceCommand)).toEqual([])
    expect(result.updated).toBe(false)
    expect(deps.reporter.lines).toContain(
      'Service shop already runs shop:7 with this image: nothing to update'
    )
  })

  test('a rolled-back deployment fails with the circuit breaker named', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves(
      deploymentIn('ROLLBACK_SUCCESSFUL', {
        statusReason: 'ECS deployment circuit breaker: 3 tasks failed to become healthy.',
        deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 }
      })
    )
    const error = (await updateExistingService(inputsWith(), depsWith()).catch((e: unknown) => e)) as Error
    expect(error.message).toBe(
      'Service deployment new ended ROLLBACK_SUCCESSFUL: ECS deployment circuit breaker: 3 tasks failed to become healthy.\n' +
        'ECS rolled back: the previous revision still serves.'
    )
  })
})

describe('the release command', () => {
  function releaseTask(exitCode: number) {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING' }] })
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [{ taskArn: TASK_ARN, lastStatus: 'STOPPED', containers: [{ name: 'app', exitCode }] }]
    })
    logs.on(GetLogEventsCommand).resolves({ events: [{ message: 'migrating' }], nextForwardToken: 'f1' })
  }

  test("runs once on the service's network with the new revision, before UpdateService", async () => {
    releaseTask(0)
    const deps = depsWith()
    const result = await updateExistingService(inputsWith({ 'release-command': 'npm run migrate' }), deps)
    const run = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input
    expect(run).toMatchObject({
      cluster: CLUSTER_ARN,
      taskDefinition: NEXT,
      count: 1,
      launchType: 'FARGATE',
      networkConfiguration: SERVICE.networkConfiguration,
      overrides: { containerOverrides: [{ name: 'app', command: ['npm', 'run', 'migrate'] }] },
      startedBy: 'release/shop'
    })
    expect(deps.reporter.untrustedLines).toContain('migrating')
    expect(deps.reporter.outputs['release-exit-code']).toBe('0')
    expect(result.releaseExitCode).toBe(0)
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1)
  })

  test('a non-zero exit fails the step before UpdateService: no deployment', async () => {
    releaseTask(3)
    const deps = depsWith()
    const error = await updateExistingService(
      inputsWith({ 'release-command': 'npm run migrate' }),
      deps
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReleaseFailedError)
    expect((error as Error).message).toBe(
      'The release command exited 3: the service was not updated (no deployment started)'
    )
    expect(deps.reporter.outputs['release-exit-code']).toBe('3')
    expect(ecs.commandCalls(UpdateServiceCommand)).toEqual([])
  })
})

describe('timeout and cancellation', () => {
  test('rollback-on-timeout: a deployment still running at the timeout is stopped with a rollback', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves(deploymentIn('IN_PROGRESS'))
    ecs.on(StopServiceDeploymentCommand).callsFake(async () => {
      ecs.on(DescribeServiceDeploymentsCommand).resolves(deploymentIn('ROLLBACK_SUCCESSFUL'))
      return { serviceDeploymentArn: DEPLOYMENT_NEW }
    })
    const error = (await updateExistingService(
      inputsWith({ timeout: '30', 'rollback-on-timeout': 'true' }),
      depsWith()
    ).catch((e: unknown) => e)) as Error
    expect(ecs.commandCalls(StopServiceDeploymentCommand)[0]!.args[0].input).toEqual({
      serviceDeploymentArn: DEPLOYMENT_NEW,
      stopType: 'ROLLBACK'
    })
    expect(error.message).toBe(
      'Deployment new did not finish within timeout (30 s) and was rolled back: it ended ROLLBACK_SUCCESSFUL'
    )
  })

  test('without rollback-on-timeout the deployment is left to ECS: no StopServiceDeployment', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves(deploymentIn('IN_PROGRESS'))
    const error = (await updateExistingService(inputsWith({ timeout: '30' }), depsWith()).catch(
      (e: unknown) => e
    )) as Error
    expect(error.name).toBe('ServiceDeploymentTimeoutError')
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toEqual([])
  })

  test('a cancelled run rolls back the deployment it started (stop-on-cancel)', async () => {
    const controller = new AbortController()
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(async () => {
      controller.abort('SIGINT')
      return deploymentIn('IN_PROGRESS')
    })
    ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: DEPLOYMENT_NEW })
    const saved: string[] = []
    const deps = depsWith({
      cancellation: { signal: controller.signal, stopReason: 'cancelled' },
      onDeployment: (arn) => saved.push(arn)
    })
    const error = (await updateExistingService(inputsWith(), deps).catch(
      (e: unknown) => e
    )) as ExistingServiceCancelledError
    expect(error).toBeInstanceOf(ExistingServiceCancelledError)
    expect(error.outcome).toBe('rolled-back')
    expect(error.message).toBe(
      'The run was cancelled (SIGINT): deployment new is being rolled back (StopServiceDeployment ROLLBACK): the previous revision serves'
    )
    expect(saved).toEqual([DEPLOYMENT_NEW])
    expect(ecs.commandCalls(StopServiceDeploymentCommand)[0]!.args[0].input).toEqual({
      serviceDeploymentArn: DEPLOYMENT_NEW,
      stopType: 'ROLLBACK'
    })
  })

  test('stop-on-cancel false leaves the deployment to ECS', async () => {
    const controller = new AbortController()
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(async () => {
      controller.abort('SIGINT')
      return deploymentIn('IN_PROGRESS')
    })
    const deps = depsWith({ cancellation: { signal: controller.signal, stopReason: 'cancelled' } })
    const error = (await updateExistingService(inputsWith({ 'stop-on-cancel': 'false' }), deps).catch(
      (e: unknown) => e
    )) as ExistingServiceCancelledError
    expect(error.outcome).toBe('left')
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toEqual([])
  })
})

test('mode stop refuses to delete a service the action did not make, and says what to do', () => {
  const error = refuseToDelete('shop', 'web')
  expect(error.message).toBe(
    'Service shop in cluster web is a standard ECS service this action did not make: mode stop does not delete it'
  )
  expect(error.hint).toContain('scale-to-zero: true')
})

test("the image is checked against the platform the service's revision runs on, before UpdateService", async () => {
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      ...REVISION,
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' }
    }
  })
  ecr.on(BatchGetImageCommand).resolves({ images: [] })
  const error = (await updateExistingService(inputsWith(), depsWith()).catch((e: unknown) => e)) as Error
  expect(error.message).toBe(
    `The image ${REPOSITORY_URI}:v1 is for linux/amd64, not linux/arm64 (the service's task definition's runtimePlatform): Fargate could not run it`
  )
  expect(ecs.commandCalls(UpdateServiceCommand)).toEqual([])
  expect(platformOfRevision({})).toBe('linux/amd64')
})
