import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  GetLogEventsCommand
} from '@aws-sdk/client-cloudwatch-logs'
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client
} from '@aws-sdk/client-ec2'
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand
} from '@aws-sdk/client-ecr'
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam'
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand
} from '@aws-sdk/client-eventbridge'
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient
} from '@aws-sdk/client-scheduler'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { RecordingReporter } from '../../__fixtures__/reporter.js'
import { FakeRunner } from '../../__fixtures__/runner.js'
import { deploy, type DeployDeps } from '../../src/modes/deploy.js'
import { deployJob } from '../../src/modes/job.js'
import { ActionError } from '../../src/explain/action-error.js'
import { DeployFailure } from '../../src/modes/types.js'
import { CancelledError } from '../../src/modes/cancel.js'
import { CommandError } from '../../src/docker/command-runner.js'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import { jobName } from '../../src/shared/job-schedule.js'

const ACCOUNT = '123456789012'
const HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`
const REPOSITORY_URI = `${HOST}/myapp`
const DIGEST = `sha256:${'d'.repeat(64)}`
const IMAGE = `${REPOSITORY_URI}@${DIGEST}`
const PASSWORD = 'eyJwYXlsb2FkIjoi:part:after:colons'
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`
const EXECUTION_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`
const TASK_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app`
const TD_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/myapp:7`
const TASK_ID = '0123456789abcdef0123456789abcdef'
const TASK_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/${TASK_ID}`
const TASK_ARN_2 = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/fedcba9876543210fedcba9876543210`
const CONFIG_DIR = '/tmp/runner/ecs-fargate-deploy-docker-test'
const LOG_URL =
  'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/' +
  `$252Fecs$252Fmyapp/log-events/ecs$252Fmyapp$252F${TASK_ID}`

/** The latest revision as ECS describes it: what this deploy would register, for `image`, with ECS's defaults. */
function describedRevision(image: string, revision: number): TaskDefinition {
  return {
    family: 'myapp',
    taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/myapp:${revision}`,
    revision,
    status: 'ACTIVE',
    requiresCompatibilities: ['FARGATE'],
    compatibilities: ['EC2', 'FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    executionRoleArn: EXECUTION_ROLE_ARN,
    taskRoleArn: TASK_ROLE_ARN,
    containerDefinitions: [
      {
        name: 'myapp',
        image,
        essential: true,
        environment: [],
        secrets: [],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/myapp',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'ecs'
          }
        },
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp', name: 'port-8080' }]
      }
    ],
    runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
    registeredAt: new Date(0)
  }
}

const ecr = mockClient(ECRClient)
const ecs = mockClient(ECSClient)
const ec2 = mockClient(EC2Client)
const iam = mockClient(IAMClient)
const logs = mockClient(CloudWatchLogsClient)
const clients = {
  ecr: new ECRClient({ region: 'us-east-1' }),
  ecs: new ECSClient({ region: 'us-east-1' }),
  ec2: new EC2Client({ region: 'us-east-1' }),
  iam: new IAMClient({ region: 'us-east-1' }),
  logs: new CloudWatchLogsClient({ region: 'us-east-1' })
}

const awsError = (name: string) => Object.assign(new Error(`${name} message`), { name })

function inputsWith(given: Record<string, string> = {}): Inputs {
  const all: Record<string, string> = {
    repository: 'myapp',
    tag: 'v1',
    cluster: 'web',
    port: '8080',
    'task-role': 'app',
    ...given
  }
  return parseInputs((name) => all[name] ?? '', { env: { AWS_REGION: 'us-east-1' }, readFile: () => '' })
}

function runningTask(taskArn = TASK_ARN, eni = 'eni-1', ip = '10.0.1.5'): Task {
  return {
    taskArn,
    lastStatus: 'RUNNING',
    attachments: [
      {
        type: 'ElasticNetworkInterface',
        details: [
          { name: 'networkInterfaceId', value: eni },
          { name: 'privateIPv4Address', value: ip }
        ]
      }
    ]
  }
}

/**
 * An account where everything exists except a task definition for the family. `hold` runs before every
 * answer, so a test can keep calls unanswered to see which were sent together.
 */
function existingStack(hold: (name: string) => Promise<void> = async () => {}): void {
  const reply =
    <T>(name: string, answer: T) =>
    async (): Promise<T> => {
      await hold(name)
      return answer
    }
  const fail = (name: string, error: Error) => async (): Promise<never> => {
    await hold(name)
    throw error
  }
  ecr.on(GetAuthorizationTokenCommand).callsFake(
    reply('GetAuthorizationToken', {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
          proxyEndpoint: `https://${HOST}`
        }
      ]
    })
  )
  ecr.on(DescribeRepositoriesCommand).callsFake(
    reply('DescribeRepositories', {
      repositories: [
        {
          repositoryName: 'myapp',
          repositoryUri: REPOSITORY_URI,
          repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/myapp`
        }
      ]
    })
  )
  // A single image's manifest: its platform is in the local image's configuration (docker image inspect).
  ecr.on(BatchGetImageCommand).callsFake(
    reply('BatchGetImage', {
      images: [{ imageManifest: JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:c' } }) }]
    })
  )
  ecs.on(DescribeClustersCommand).callsFake(
    reply('DescribeClusters', {
      clusters: [{ clusterArn: CLUSTER_ARN, clusterName: 'web', status: 'ACTIVE' }]
    })
  )
  ecs.on(DescribeTaskDefinitionCommand).callsFake(fail('DescribeTaskDefinition', awsError('ClientException')))
  ecs
    .on(RegisterTaskDefinitionCommand)
    .callsFake(
      reply('RegisterTaskDefinition', { taskDefinition: { taskDefinitionArn: TD_ARN, revision: 7 } })
    )
  ecs
    .on(RunTaskCommand)
    .callsFake(reply('RunTask', { tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING' }], failures: [] }))
  ecs.on(DescribeTasksCommand).callsFake(reply('DescribeTasks', { tasks: [runningTask()] }))
  ec2.on(DescribeVpcsCommand).callsFake(reply('DescribeVpcs', { Vpcs: [{ VpcId: 'vpc-default' }] }))
  ec2
    .on(DescribeSubnetsCommand)
    .callsFake(reply('DescribeSubnets', { Subnets: [{ SubnetId: 'subnet-b' }, { SubnetId: 'subnet-a' }] }))
  ec2.on(DescribeSecurityGroupsCommand).callsFake(
    reply('DescribeSecurityGroups', {
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          VpcId: 'vpc-default',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }
          ]
        }
      ]
    })
  )
  ec2.on(DescribeNetworkInterfacesCommand).callsFake(
    reply('DescribeNetworkInterfaces', {
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-1',
          PrivateIpAddress: '10.0.1.5',
          Association: { PublicIp: '203.0.113.10' }
        }
      ]
    })
  )
  iam
    .on(GetRoleCommand, { RoleName: 'ecsTaskExecutionRole' })
    .callsFake(reply('GetRole ecsTaskExecutionRole', { Role: { Arn: EXECUTION_ROLE_ARN } }))
  iam
    .on(GetRoleCommand, { RoleName: 'app' })
    .callsFake(reply('GetRole app', { Role: { Arn: TASK_ROLE_ARN } }))
  logs
    .on(DescribeLogGroupsCommand)
    .callsFake(reply('DescribeLogGroups', { logGroups: [{ logGroupName: '/ecs/myapp' }] }))
  logs.on(GetLogEventsCommand).callsFake(reply('GetLogEvents', { events: [] }))
}

function depsWith(runner = pushingRunner()): DeployDeps & {
  runner: FakeRunner
  reporter: RecordingReporter
  logins: string[]
  clock: FakeClock
} {
  const logins: string[] = []
  return {
    clients,
    runner,
    reporter: new RecordingReporter(),
    dockerConfigDir: CONFIG_DIR,
    onLogin: (registryHost) => logins.push(registryHost),
    clock: new FakeClock(),
    logins
  }
}

function pushingRunner(platform = 'linux/amd64'): FakeRunner {
  return new FakeRunner()
    .on(['docker', 'push'], {
      stdout: `The push refers to repository [${REPOSITORY_URI}]\nv1: digest: ${DIGEST} size: 528\n`
    })
    .on(['docker', 'image', 'inspect'], { stdout: `${platform}\n` })
}

beforeEach(() => {
  for (const mock of [ecr, ecs, ec2, iam, logs]) mock.reset()
  existingStack()
})

test('deploys: pushes, registers, runs, and sets every output', async () => {
  const deps = depsWith()
  const result = await deploy(inputsWith(), deps)

  const stream = { logGroup: '/ecs/myapp', logStream: `ecs/myapp/${TASK_ID}` }
  expect(deps.reporter.outputs).toEqual({
    image: IMAGE,
    'cluster-arn': CLUSTER_ARN,
    'task-definition-arn': TD_ARN,
    'task-arn': TASK_ARN,
    'task-arns': JSON.stringify([TASK_ARN]),
    'public-ip': '203.0.113.10',
    'public-ips': JSON.stringify(['203.0.113.10']),
    'private-ip': '10.0.1.5',
    url: 'http://203.0.113.10:8080',
    logs: JSON.stringify([LOG_URL]),
    // us-east-1: 0.25 vCPU × $0.04048 + 0.5 GB × $0.004445 + one public IPv4 address × $0.005.
    'hourly-cost': '0.017343'
  })
  expect(result).toMatchObject({
    image: IMAGE,
    digest: DIGEST,
    repositoryUri: REPOSITORY_URI,
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: TD_ARN,
    revision: 7,
    reused: false,
    created: [],
    tasks: [
      {
        taskArn: TASK_ARN,
        lastStatus: 'RUNNING',
        publicIp: '203.0.113.10',
        privateIp: '10.0.1.5',
        url: 'http://203.0.113.10:8080',
        logStream: stream,
        logUrl: LOG_URL
      }
    ]
  })
})

test('masks the registry password and gives it to docker on stdin only, in the action config folder', async () => {
  const deps = depsWith()
  await deploy(inputsWith(), deps)
  expect(deps.reporter.secrets).toContain(PASSWORD)
  expect(deps.runner.lines).toEqual([
    `docker login --username AWS --password-stdin ${HOST}`,
    `docker tag myapp ${REPOSITORY_URI}:v1`,
    `docker push ${REPOSITORY_URI}:v1`,
    'docker image inspect --format {{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}} myapp'
  ])
  expect(deps.runner.calls[0]!.input).toBe(PASSWORD)
  for (const call of deps.runner.calls) {
    expect(call.args.join(' ')).not.toContain(PASSWORD)
    expect(call.env).toEqual({ DOCKER_CONFIG: CONFIG_DIR })
  }
  expect(deps.logins).toEqual([HOST])
})

test('registers the pushed digest with the roles found, and runs it in the network resolved', async () => {
  await deploy(inputsWith(), depsWith())
  const registered = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input
  expect(registered).toMatchObject({
    family: 'myapp',
    executionRoleArn: EXECUTION_ROLE_ARN,
    taskRoleArn: TASK_ROLE_ARN,
    containerDefinitions: [{ name: 'myapp', image: IMAGE }]
  })
  expect(ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input)).toEqual([
    {
      cluster: CLUSTER_ARN,
      taskDefinition: TD_ARN,
      count: 1,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'ENABLED'
        }
      },
      startedBy: 'ecs-fargate-deploy',
      clientToken: expect.any(String)
    }
  ])
})

test('secrets: the execution role the action manages may read exactly them; a role given as an ARN is left alone', async () => {
  iam.on(GetRolePolicyCommand).rejects(awsError('NoSuchEntityException'))
  iam.on(PutRolePolicyCommand).resolves({})
  const secrets = `DB=arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`
  await deploy(inputsWith({ secrets }), depsWith())
  const put = iam.commandCalls(PutRolePolicyCommand).map((call) => call.args[0].input)
  expect(put).toEqual([
    {
      RoleName: 'ecsTaskExecutionRole',
      PolicyName: 'ecs-fargate-deploy-secrets-myapp',
      PolicyDocument: expect.stringContaining(
        `"arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf"`
      )
    }
  ])
  expect(
    ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input.containerDefinitions![0]!.secrets
  ).toEqual([{ name: 'DB', valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf` }])

  iam.resetHistory()
  await deploy(inputsWith({ secrets, 'execution-role': EXECUTION_ROLE_ARN }), depsWith())
  expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0)
})

test('secrets the role lacks and the identity may not grant: fails before registering or running anything', async () => {
  iam.on(GetRolePolicyCommand).rejects(awsError('NoSuchEntityException'))
  iam.on(PutRolePolicyCommand).rejects(awsError('AccessDenied'))
  const secrets = `DB=arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`
  const error = await deploy(inputsWith({ secrets }), depsWith()).catch((caught: unknown) => caught)
  expect(String((error as Error).message)).toContain(
    `The execution role 'ecsTaskExecutionRole' may not read the secrets arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`
  )
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0)
  expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0)
})

test('sends all the look-ups together, before any of them is answered', async () => {
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const sent: string[] = []
  for (const mock of [ecr, ecs, ec2, iam, logs]) mock.reset()
  existingStack(async (name) => {
    sent.push(name)
    await gate
  })

  const deploying = deploy(inputsWith(), depsWith())
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
  expect([...sent].sort()).toEqual([
    'DescribeClusters',
    'DescribeLogGroups',
    'DescribeRepositories',
    'DescribeSecurityGroups',
    'DescribeTaskDefinition',
    'DescribeVpcs',
    'GetAuthorizationToken',
    'GetRole app',
    'GetRole ecsTaskExecutionRole'
  ])
  open()
  await expect(deploying).resolves.toMatchObject({ taskDefinitionArn: TD_ARN })
})

test('builds the image alongside the look-ups when a context is given, and pushes the build', async () => {
  const deps = depsWith()
  await deploy(inputsWith({ context: './web', dockerfile: 'web/Dockerfile' }), deps)
  expect(deps.runner.lines).toEqual([
    'docker build --file web/Dockerfile --platform linux/amd64 --tag myapp:v1 ./web',
    `docker login --username AWS --password-stdin ${HOST}`,
    `docker tag myapp:v1 ${REPOSITORY_URI}:v1`,
    `docker push ${REPOSITORY_URI}:v1`,
    'docker image inspect --format {{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}} myapp:v1'
  ])
  expect(deps.reporter.groups[0]).toBe('Build the image; look up and create AWS resources')
})

describe('capacity and platform', () => {
  test('platform linux/arm64: built for it, registered with runtimePlatform ARM64, priced at the ARM rates', async () => {
    const deps = depsWith(pushingRunner('linux/arm64'))
    await deploy(inputsWith({ context: './web', platform: 'linux/arm64' }), deps)
    expect(deps.runner.lines[0]).toBe('docker build --platform linux/arm64 --tag myapp:v1 ./web')
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input.runtimePlatform).toEqual({
      cpuArchitecture: 'ARM64',
      operatingSystemFamily: 'LINUX'
    })
    // 0.25 × $0.03238 + 0.5 × $0.00356 + $0.005 (public IPv4).
    expect(deps.reporter.outputs['hourly-cost']).toBe('0.014875')
  })

  test('an image built for another platform fails before RunTask, saying what it is and what to do', async () => {
    const deps = depsWith(pushingRunner('linux/amd64'))
    const failure = deploy(inputsWith({ platform: 'linux/arm64' }), deps)
    await expect(failure).rejects.toThrow(
      `The image ${REPOSITORY_URI}:v1 is for linux/amd64, not linux/arm64 (the platform input): Fargate could not run it`
    )
    await expect(failure).rejects.toMatchObject({
      hint: expect.stringContaining('docker build --platform linux/arm64')
    })
    expect(ecr.commandCalls(BatchGetImageCommand)[0]!.args[0].input).toMatchObject({
      repositoryName: 'myapp',
      imageIds: [{ imageDigest: DIGEST }]
    })
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0)
  })

  test("when the local image is another platform, a pushed index's platforms are read from the manifest", async () => {
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageManifest: JSON.stringify({
            manifests: [
              { platform: { os: 'linux', architecture: 'amd64' } },
              { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
              { platform: { os: 'unknown', architecture: 'unknown' } }
            ]
          })
        }
      ]
    })
    const deps = depsWith(pushingRunner('linux/amd64'))
    await deploy(inputsWith({ platform: 'linux/arm64' }), deps)
    expect(ecr.commandCalls(BatchGetImageCommand)).toHaveLength(1)
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1)
  })

  test('a local image of the platform asked for needs no AWS call to check', async () => {
    const deps = depsWith(pushingRunner('linux/amd64'))
    await deploy(inputsWith(), deps)
    expect(deps.runner.lines.some((line) => line.startsWith('docker image inspect'))).toBe(true)
    expect(ecr.commandCalls(BatchGetImageCommand)).toHaveLength(0)
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1)
  })

  test('capacity spot: RunTask uses the FARGATE_SPOT strategy', async () => {
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [
        {
          clusterArn: CLUSTER_ARN,
          clusterName: 'web',
          status: 'ACTIVE',
          capacityProviders: ['FARGATE', 'FARGATE_SPOT']
        }
      ]
    })
    await deploy(inputsWith({ capacity: 'spot' }), depsWith())
    const input = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input
    expect(input.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }])
    expect(input.launchType).toBeUndefined()
  })

  test('capacity spot with a cluster that lacks FARGATE_SPOT fails before the push, saying how to add it', async () => {
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [
        { clusterArn: CLUSTER_ARN, clusterName: 'web', status: 'ACTIVE', capacityProviders: ['FARGATE'] }
      ]
    })
    const deps = depsWith()
    const failure = deploy(inputsWith({ capacity: 'spot' }), deps)
    await expect(failure).rejects.toThrow(
      "ECS cluster 'web' has no FARGATE_SPOT capacity provider, which capacity: spot needs"
    )
    await expect(failure).rejects.toMatchObject({
      hint: expect.stringContaining('aws ecs put-cluster-capacity-providers --cluster web')
    })
    expect(deps.runner.lines.some((line) => line.startsWith('docker push'))).toBe(false)
  })
})

test('asks ECR for the digest when docker push did not print it', async () => {
  const other = `sha256:${'e'.repeat(64)}`
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: other }] })
  const deps = depsWith(pushingRunner().on(['docker', 'push'], { stdout: 'Pushed\n' }))
  await deploy(inputsWith(), deps)
  expect(ecr.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toEqual({
    repositoryName: 'myapp',
    imageIds: [{ imageTag: 'v1' }]
  })
  expect(deps.reporter.outputs['image']).toBe(`${REPOSITORY_URI}@${other}`)
})

test('reuses the latest revision when it already matches: nothing is registered', async () => {
  const latest = describedRevision(IMAGE, 6)
  ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: latest, tags: [] })

  const deps = depsWith()
  const result = await deploy(inputsWith(), deps)
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0)
  expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0]!.args[0].input).toEqual({
    taskDefinition: 'myapp',
    include: ['TAGS']
  })
  expect(result).toMatchObject({ taskDefinitionArn: latest.taskDefinitionArn, revision: 6, reused: true })
  expect(deps.reporter.outputs['task-definition-arn']).toBe(latest.taskDefinitionArn)
  expect(ecs.commandCalls(RunTaskCommand)[0]!.args[0].input.taskDefinition).toBe(latest.taskDefinitionArn)
})

test('registers a new revision when the latest one runs another image', async () => {
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: describedRevision(`${REPOSITORY_URI}@sha256:${'0'.repeat(64)}`, 6),
    tags: []
  })
  const result = await deploy(inputsWith(), depsWith())
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1)
  expect(result).toMatchObject({ taskDefinitionArn: TD_ARN, reused: false })
})

test('creates what is missing, says so, and warns that the port is open to the internet', async () => {
  ecr.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'))
  ecr.on(CreateRepositoryCommand).resolves({
    repository: {
      repositoryUri: REPOSITORY_URI,
      repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/myapp`
    }
  })
  ecs.on(DescribeClustersCommand).resolves({ clusters: [] })
  ecs.on(CreateClusterCommand).resolves({ cluster: { clusterArn: CLUSTER_ARN, clusterName: 'web' } })
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] })
  ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-new' })
  ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({})
  iam.on(GetRoleCommand, { RoleName: 'ecsTaskExecutionRole' }).rejects(awsError('NoSuchEntityException'))
  iam.on(CreateRoleCommand).resolves({ Role: { Arn: EXECUTION_ROLE_ARN } as never })
  iam.on(AttachRolePolicyCommand).resolves({})
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] })
  logs.on(CreateLogGroupCommand).resolves({})

  const deps = depsWith()
  const result = await deploy(inputsWith(), deps)
  const created = [
    'ECR repository myapp',
    'ECS cluster web',
    'security group sg-new',
    'IAM role ecsTaskExecutionRole',
    'log group /ecs/myapp'
  ]
  expect(result.created).toEqual(created)
  expect(deps.reporter.lines).toEqual(expect.arrayContaining(created.map((thing) => `Created ${thing}`)))
  expect(deps.reporter.warnings).toEqual([
    'Port 8080 is open to the whole internet (ingress-cidr 0.0.0.0/0); narrow it with ingress-cidr.'
  ])
  expect(ecs.commandCalls(RunTaskCommand)[0]!.args[0].input.networkConfiguration).toEqual({
    awsvpcConfiguration: {
      subnets: ['subnet-a', 'subnet-b'],
      securityGroups: ['sg-new'],
      assignPublicIp: 'ENABLED'
    }
  })
})

test('no open-port warning when the ingress is narrowed or security groups are given', async () => {
  const narrowed = depsWith()
  await deploy(inputsWith({ 'ingress-cidr': '203.0.113.0/24' }), narrowed)
  expect(narrowed.reporter.warnings).toEqual([])
  const own = depsWith()
  await deploy(inputsWith({ 'security-groups': 'sg-0123456789abcdef0' }), own)
  expect(own.reporter.warnings).toEqual([])
})

test('a missing repository with create-repository false fails before any docker command or task', async () => {
  ecr.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'))
  const deps = depsWith()
  const error = (await deploy(inputsWith({ 'create-repository': 'false' }), deps).catch(
    (e: unknown) => e
  )) as ActionError
  expect(error).toBeInstanceOf(ActionError)
  expect(error.message).toBe("ECR repository 'myapp' does not exist and create-repository is false")
  expect(deps.runner.calls).toEqual([])
  expect(ecr.commandCalls(CreateRepositoryCommand)).toHaveLength(0)
  expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0)
  expect(deps.reporter.outputs).toEqual({})
})

test('a failed docker login stops the deploy with its stderr, and the post step is not told to log out', async () => {
  const deps = depsWith(
    new FakeRunner().fails(['docker', 'login'], 1, 'Error response from daemon: login attempt failed')
  )
  await expect(deploy(inputsWith(), deps)).rejects.toThrow(
    new CommandError('docker login --username', 1, 'Error response from daemon: login attempt failed')
  )
  expect(deps.logins).toEqual([])
  expect(deps.runner.lines).toHaveLength(1)
  expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0)
})

test('wait-for none returns once the task is started, without polling it', async () => {
  const deps = depsWith()
  const result = await deploy(inputsWith({ 'wait-for': 'none' }), deps)
  expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0)
  expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0)
  expect(deps.reporter.outputs).toMatchObject({
    'task-arn': TASK_ARN,
    'task-arns': JSON.stringify([TASK_ARN]),
    'public-ip': '',
    url: ''
  })
  expect(result.tasks).toMatchObject([{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING' }])
})

test('a task that stops before RUNNING: task-arn is already set, and the error says why and what to do', async () => {
  const stopped: Task = {
    taskArn: TASK_ARN,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'TaskFailedToStart',
    stoppedReason:
      'ResourceInitializationError: unable to pull secrets or registry auth: dial tcp 52.1.2.3:443: i/o timeout',
    containers: [{ name: 'myapp', lastStatus: 'STOPPED' }],
    pullStartedAt: new Date('2026-06-01T12:00:00Z'),
    stoppedAt: new Date('2026-06-01T12:00:40Z')
  }
  const deps = depsWith()
  let outputsWhenWaiting: Record<string, string> | undefined
  ecs.on(DescribeTasksCommand).callsFake(async () => {
    outputsWhenWaiting ??= { ...deps.reporter.outputs }
    return { tasks: [stopped] }
  })
  logs.on(GetLogEventsCommand).resolves({ events: [{ message: 'starting up', timestamp: 1 }] })

  const failure = (await deploy(inputsWith(), deps).catch((e: unknown) => e)) as DeployFailure
  expect(failure).toBeInstanceOf(DeployFailure)
  expect(failure.started).toEqual({
    clusterArn: CLUSTER_ARN,
    tasks: [
      {
        taskArn: TASK_ARN,
        // As the wait saw it last: stopped, with the times it is billed for.
        lastStatus: 'STOPPED',
        pullStartedAt: stopped.pullStartedAt,
        stoppedAt: stopped.stoppedAt,
        logStream: { logGroup: '/ecs/myapp', logStream: `ecs/myapp/${TASK_ID}` },
        logUrl: LOG_URL
      }
    ]
  })
  // Billed the minute's minimum, and nothing is left running.
  expect(failure.cost?.job?.lines.map((line) => line.item)).toEqual([
    '1 task × (0.25 vCPU, 0.5 GB), Linux/x86, 60 s billed',
    'public IPv4 address, 60 s'
  ])
  expect(failure.cost?.jobTitle).toBe('What the task that stopped cost')
  expect(failure.cost?.hourly?.lines).toEqual([])
  expect(deps.reporter.outputs['hourly-cost']).toBe('0')
  const error = failure.cause as ActionError
  expect(outputsWhenWaiting).toMatchObject({ 'task-arn': TASK_ARN, 'task-arns': JSON.stringify([TASK_ARN]) })
  expect(deps.reporter.outputs['task-arn']).toBe(TASK_ARN)
  expect(error).toBeInstanceOf(ActionError)
  expect(error.message).toContain(TASK_ARN)
  expect(error.message).toContain('stopped before it was RUNNING')
  expect(error.details).toContain('TaskFailedToStart')
  expect(error.details).toContain('dial tcp 52.1.2.3:443: i/o timeout')
  expect(error.details).toContain('starting up')
  // The task has a public IP, so the hint points at the subnets' route to the internet.
  expect(error.hint).toContain('internet gateway')
})

test('a partial start fails after setting the outputs of the tasks that did start', async () => {
  ecs.on(RunTaskCommand).resolves({
    tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING' }],
    failures: [{ reason: 'RESOURCE:ENI', detail: 'no free addresses' }]
  })
  const deps = depsWith()
  const failure = (await deploy(inputsWith({ count: '2' }), deps).catch((e: unknown) => e)) as DeployFailure
  expect(failure).toBeInstanceOf(DeployFailure)
  expect(failure.started.tasks.map((task) => task.taskArn)).toEqual([TASK_ARN])
  const error = failure.cause as ActionError
  expect(error).toBeInstanceOf(ActionError)
  expect(error.message).toBe('RunTask started 1 of 2 tasks')
  expect(error.details).toContain('RESOURCE:ENI')
  expect(deps.reporter.outputs['task-arns']).toBe(JSON.stringify([TASK_ARN]))
  expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0)
  // The task that started runs on: its hour, and its public IPv4 address's (0.25 × $0.04048 + 0.5 × $0.004445 + $0.005).
  expect(deps.reporter.outputs['hourly-cost']).toBe('0.017343')
})

test('several tasks: every task address is reported, the first one is the url', async () => {
  ecs.on(RunTaskCommand).resolves({
    tasks: [
      { taskArn: TASK_ARN, lastStatus: 'PROVISIONING' },
      { taskArn: TASK_ARN_2, lastStatus: 'PROVISIONING' }
    ]
  })
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [runningTask(), runningTask(TASK_ARN_2, 'eni-2', '10.0.1.6')]
  })
  ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-1',
        PrivateIpAddress: '10.0.1.5',
        Association: { PublicIp: '203.0.113.10' }
      },
      { NetworkInterfaceId: 'eni-2', PrivateIpAddress: '10.0.1.6', Association: { PublicIp: '203.0.113.11' } }
    ]
  })
  const deps = depsWith()
  await deploy(inputsWith({ count: '2' }), deps)
  expect(ecs.commandCalls(RunTaskCommand)[0]!.args[0].input.count).toBe(2)
  expect(deps.reporter.outputs).toMatchObject({
    'task-arns': JSON.stringify([TASK_ARN, TASK_ARN_2]),
    'public-ip': '203.0.113.10',
    'public-ips': JSON.stringify(['203.0.113.10', '203.0.113.11']),
    url: 'http://203.0.113.10:8080'
  })
  expect(JSON.parse(deps.reporter.outputs['logs']!)).toHaveLength(2)
})

describe('a cancelled run', () => {
  const stopReason =
    'Stopped by ecs-fargate-deploy: the workflow run was cancelled: https://github.com/o/r/actions/runs/7'

  test('cancelled while waiting: every task started is stopped with the reason, and the failure says so', async () => {
    const controller = new AbortController()
    ecs.on(DescribeTasksCommand).callsFake(async () => {
      controller.abort('SIGINT')
      return { tasks: [{ taskArn: TASK_ARN, lastStatus: 'PENDING' }] }
    })
    ecs.on(StopTaskCommand).resolves({})
    const deps = depsWith()
    const saved: unknown[] = []
    const failure = (await deploy(inputsWith(), {
      ...deps,
      cancellation: { signal: controller.signal, stopReason },
      onStarted: (started) => saved.push(started.tasks.map((task) => task.taskArn))
    }).catch((e: unknown) => e)) as DeployFailure

    expect(saved).toEqual([[TASK_ARN]])
    expect(ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER_ARN, task: TASK_ARN, reason: stopReason }
    ])
    expect(failure).toBeInstanceOf(DeployFailure)
    expect(failure.stopped).toEqual([TASK_ARN])
    expect(failure.cause).toBeInstanceOf(CancelledError)
    expect((failure.cause as Error).message).toBe(`The run was cancelled (SIGINT): stopped ${TASK_ARN}`)
    expect(deps.reporter.warnings).toContain(`The run was cancelled (SIGINT): stopped ${TASK_ARN}`)
    // One DescribeTasks: the wait ended with the signal, without another poll.
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(1)
    // Stopped by this run: not left running, and its cost unknown (its stop time was not read).
    expect(deps.reporter.outputs['hourly-cost']).toBe('0')
    expect(failure.cost?.job).toBeUndefined()
    expect(failure.cost?.notes).toEqual([
      '1 task(s) stopped (or stopping) without a stop time read are not counted: they are billed from their image pull until they stopped'
    ])
  })

  test('cancelled before RunTask: nothing is started, nothing to stop', async () => {
    const controller = new AbortController()
    const runner = pushingRunner().on(['docker', 'push'], () => {
      controller.abort('SIGTERM')
      return new Promise(() => undefined)
    })
    const error = await deploy(inputsWith(), {
      ...depsWith(runner),
      cancellation: { signal: controller.signal, stopReason }
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect((error as Error).message).toBe('The run was cancelled (SIGTERM): before any task was started')
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0)
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0)
  })

  test('stop-on-cancel false: the tasks are left running, and the failure says how to stop them', async () => {
    const controller = new AbortController()
    ecs.on(DescribeTasksCommand).callsFake(async () => {
      controller.abort('SIGINT')
      return { tasks: [{ taskArn: TASK_ARN, lastStatus: 'PENDING' }] }
    })
    const failure = (await deploy(inputsWith({ 'stop-on-cancel': 'false' }), {
      ...depsWith(),
      cancellation: { signal: controller.signal, stopReason }
    }).catch((e: unknown) => e)) as DeployFailure
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0)
    expect(failure.stopped).toEqual([])
    expect((failure.cause as CancelledError).message).toBe(
      'The run was cancelled (SIGINT): the tasks were left running'
    )
    expect((failure.cause as CancelledError).hint).toContain(
      `${TASK_ARN} could not be stopped or stop-on-cancel is false`
    )
    expect(failure.cost?.hourly?.lines.map((line) => line.item)).toEqual([
      '1 task × (0.25 vCPU, 0.5 GB), Linux/x86',
      '1 public IPv4 address'
    ])
  })

  test('a signal after the deploy reached wait-for changes nothing', async () => {
    const controller = new AbortController()
    const result = await deploy(inputsWith(), {
      ...depsWith(),
      cancellation: { signal: controller.signal, stopReason }
    })
    controller.abort('SIGINT')
    expect(result.tasks).toMatchObject([{ taskArn: TASK_ARN, lastStatus: 'RUNNING' }])
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0)
  })
})

describe("a deploy without schedule of a family whose latest revision was a scheduled job's", () => {
  const scheduler = mockClient(SchedulerClient)
  const events = mockClient(EventBridgeClient)
  const JOB = jobName(CLUSTER_ARN, 'myapp')

  function depsWithJobClients() {
    const deps = depsWith()
    return {
      ...deps,
      clients: {
        ...clients,
        scheduler: async () => new SchedulerClient({ region: 'us-east-1' }),
        events: async () => new EventBridgeClient({ region: 'us-east-1' })
      }
    }
  }

  beforeEach(() => {
    scheduler.reset()
    events.reset()
    scheduler.on(DeleteScheduleCommand).resolves({})
    events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 })
    events.on(DeleteRuleCommand).resolves({})
  })

  test("deletes the job's schedule and failure rule, and says so", async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: describedRevision(IMAGE, 6),
      tags: [{ key: 'ecs-fargate-deploy:schedule', value: JOB }]
    })
    const deps = depsWithJobClients()
    await deploy(inputsWith(), deps)
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { Name: JOB, GroupName: 'default' }
    ])
    expect(events.commandCalls(DeleteRuleCommand).map((call) => call.args[0].input)).toEqual([{ Name: JOB }])
    expect(deps.reporter.lines).toContain(
      `The family's latest revision was the scheduled job ${JOB}'s and this deploy has no schedule: deleting the job's schedule`
    )
    expect(deps.reporter.lines).toContain(`Deleted schedule ${JOB}`)
  })

  test("leaves alone another cluster's job, and a family that had none", async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: describedRevision(IMAGE, 6),
      tags: [{ key: 'ecs-fargate-deploy:schedule', value: jobName('other', 'myapp') }]
    })
    await deploy(inputsWith(), depsWithJobClients())
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: describedRevision(IMAGE, 6), tags: [] })
    await deploy(inputsWith(), depsWithJobClients())
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(0)
    expect(events.calls()).toHaveLength(0)
  })
})

describe('deployJob: a scheduled job', () => {
  const scheduler = mockClient(SchedulerClient)
  const events = mockClient(EventBridgeClient)
  const JOB = jobName(CLUSTER_ARN, 'myapp')
  const JOB_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${JOB}`
  const SCHEDULE_ARN = `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/${JOB}`
  const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:failures`

  function jobDeps() {
    return {
      ...depsWith(),
      clients: {
        ...clients,
        scheduler: async () => new SchedulerClient({ region: 'us-east-1' }),
        events: async () => new EventBridgeClient({ region: 'us-east-1' })
      }
    }
  }

  beforeEach(() => {
    scheduler.reset()
    events.reset()
    iam.on(GetRoleCommand, { RoleName: JOB }).resolves({ Role: { Arn: JOB_ROLE_ARN } } as never)
    scheduler
      .on(GetScheduleCommand)
      .rejects(Object.assign(new Error('none'), { name: 'ResourceNotFoundException' }))
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: SCHEDULE_ARN })
    events.on(PutRuleCommand).resolves({ RuleArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/${JOB}` })
    events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] })
    events
      .on(RemoveTargetsCommand)
      .rejects(Object.assign(new Error('none'), { name: 'ResourceNotFoundException' }))
    ecs.on(ListTasksCommand).resolves({ taskArns: [] })
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [
        { clusterArn: CLUSTER_ARN, clusterName: 'web', status: 'ACTIVE', capacityProviders: ['FARGATE_SPOT'] }
      ]
    })
  })

  const given = {
    schedule: 'rate(1 hour)',
    notify: TOPIC,
    port: '',
    tags: 'team=data',
    capacity: 'spot',
    'schedule-retries': '2'
  }

  test('registers the revision tagged with the job, schedules it as the role, and points the rule at the topic', async () => {
    const deps = jobDeps()
    const result = await deployJob(inputsWith(given), deps)
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input.tags).toEqual([
      { key: 'team', value: 'data' },
      { key: 'ecs-fargate-deploy:schedule', value: JOB }
    ])
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input
    expect(input).toMatchObject({
      Name: JOB,
      GroupName: 'default',
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: CLUSTER_ARN,
        RoleArn: JOB_ROLE_ARN,
        EcsParameters: {
          TaskDefinitionArn: TD_ARN,
          TaskCount: 1,
          CapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
          Group: `schedule:${JOB}`,
          Tags: [{ key: 'team', value: 'data' }],
          NetworkConfiguration: {
            awsvpcConfiguration: { SecurityGroups: ['sg-1'], AssignPublicIp: 'ENABLED' }
          }
        },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }
      }
    })
    expect(events.commandCalls(PutTargetsCommand)[0]!.args[0].input.Targets![0]!.Arn).toBe(TOPIC)
    expect(deps.reporter.outputs['schedule-arn']).toBe(SCHEDULE_ARN)
    expect(result).toMatchObject({
      ruleArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/${JOB}`,
      recentRuns: []
    })
    expect(result.nextRuns).toHaveLength(3)
    expect(deps.reporter.lines).toContain(`Created schedule ${JOB}: rate(1 hour) (UTC) runs myapp:7`)
    expect(deps.reporter.lines).toContain('Recent scheduled runs: none that ECS still lists')
    // No run yet: 730 runs a month × the 600 s timeout, each at least a minute.
    expect(result.cost?.lines[0]?.item).toBe(
      '730 runs a month × 1 task × (0.25 vCPU, 0.5 GB), Linux/x86, the timeout, 600 s'
    )
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0)
  })

  test('without notify the rule an earlier deploy made is deleted (none is fine)', async () => {
    await deployJob(inputsWith({ ...given, notify: '' }), jobDeps())
    expect(events.commandCalls(PutRuleCommand)).toHaveLength(0)
    expect(events.commandCalls(RemoveTargetsCommand)[0]!.args[0].input.Rule).toBe(JOB)
  })
})
