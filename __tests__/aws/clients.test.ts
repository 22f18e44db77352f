import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs'
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { SchedulerClient } from '@aws-sdk/client-scheduler'
import type { FinalizeHandlerArguments, MiddlewareStack } from '@smithy/types'
import {
  MAX_ATTEMPTS,
  clientConfig,
  createDeployClients,
  createStopClients,
  createStsClient,
  lazySchedulerClient
} from '../../src/aws/clients.js'
import { awsCallOf } from '../../src/explain/aws-errors.js'

/** How annotateAwsErrors' middleware shows in `middlewareStack.identify()`. */
const ANNOTATE_MIDDLEWARE = 'ecsFargateDeployAnnotateErrors - initialize'

/** The parts of an SDK v3 client whose settings these tests read: its resolved config and its middleware. */
interface ConfiguredClient {
  config: {
    region: () => Promise<string>
    maxAttempts: () => Promise<number>
    retryStrategy: () => Promise<unknown>
    customUserAgent?: unknown
  }
  middlewareStack: { identify(): string[] }
}

async function settingsOf(client: ConfiguredClient) {
  const retryStrategy = (await client.config.retryStrategy()) as { mode?: string }
  return {
    region: await client.config.region(),
    maxAttempts: await client.config.maxAttempts(),
    retryMode: retryStrategy.mode,
    customUserAgent: client.config.customUserAgent,
    annotated: client.middlewareStack.identify().includes(ANNOTATE_MIDDLEWARE)
  }
}

const configured = (region: string) => ({
  region,
  maxAttempts: 8,
  retryMode: 'standard',
  customUserAgent: [['ecs-fargate-deploy']],
  annotated: true
})

test('clientConfig: the region, 8 attempts with the standard retry strategy, and the action as user agent', () => {
  expect(MAX_ATTEMPTS).toBe(8)
  expect(clientConfig('eu-west-3')).toEqual({
    region: 'eu-west-3',
    maxAttempts: 8,
    retryMode: 'standard',
    customUserAgent: 'ecs-fargate-deploy'
  })
})

test('createDeployClients: five clients in the region, retrying as configured, with errors annotated', async () => {
  const { scheduler, events, ...clients } = await createDeployClients('eu-west-3')
  expect(Object.keys(clients).sort()).toEqual(['ec2', 'ecr', 'ecs', 'iam', 'logs'])
  expect(typeof scheduler).toBe('function')
  expect(typeof events).toBe('function')
  expect(clients.ecr).toBeInstanceOf(ECRClient)
  expect(clients.ecs).toBeInstanceOf(ECSClient)
  expect(clients.ec2).toBeInstanceOf(EC2Client)
  expect(clients.iam).toBeInstanceOf(IAMClient)
  expect(clients.logs).toBeInstanceOf(CloudWatchLogsClient)
  for (const [name, client] of Object.entries(clients)) {
    expect({ name, ...(await settingsOf(client)) }).toEqual({ name, ...configured('eu-west-3') })
  }
})

test('createStopClients: only ECS, configured and annotated (EventBridge Scheduler and EC2 only when asked for)', async () => {
  const clients = await createStopClients('ap-southeast-2')
  expect(Object.keys(clients)).toEqual(['ecs', 'scheduler', 'ec2'])
  expect(clients.ecs).toBeInstanceOf(ECSClient)
  expect(await settingsOf(clients.ecs)).toEqual(configured('ap-southeast-2'))
  const ec2 = await clients.ec2!()
  expect(ec2).toBeInstanceOf(EC2Client)
  expect(await clients.ec2!()).toBe(ec2)
  expect(await settingsOf(ec2)).toEqual(configured('ap-southeast-2'))
})

test('lazySchedulerClient: one SchedulerClient, made on first use, configured like the others', async () => {
  const scheduler = lazySchedulerClient('eu-north-1')
  const first = await scheduler()
  expect(first).toBeInstanceOf(SchedulerClient)
  expect(await scheduler()).toBe(first)
  expect(await settingsOf(first)).toEqual(configured('eu-north-1'))
})

test.each([
  ['eu-central-1', 'eu-central-1'],
  ['', 'us-east-1']
])('createStsClient(%j) uses region %s', async (region, expected) => {
  const sts = await createStsClient(region)
  expect(sts).toBeInstanceOf(STSClient)
  expect(await settingsOf(sts)).toEqual(configured(expected))
})

describe('a request sent by each client', () => {
  const saved = { ...process.env }
  beforeAll(() => {
    // Static credentials so the request is signed without looking for a profile or instance role.
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDEXAMPLE'
    process.env['AWS_SECRET_ACCESS_KEY'] = 'secret'
    delete process.env['AWS_SESSION_TOKEN']
    delete process.env['AWS_PROFILE']
  })
  afterAll(() => {
    process.env = saved
  })

  /** Stops the request where it would go on the network: records its headers and fails it as AWS would. */
  function failBeforeTheNetwork(client: { middlewareStack: object }): { headers: Record<string, string> } {
    const seen = { headers: {} as Record<string, string> }
    ;(client.middlewareStack as MiddlewareStack<object, object>).add(
      () => async (args) => {
        seen.headers = (
          (args as FinalizeHandlerArguments<object>).request as { headers: Record<string, string> }
        ).headers
        throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' })
      },
      { step: 'deserialize', priority: 'low', name: 'testFailBeforeTheNetwork' }
    )
    return seen
  }

  test.each([
    ['ecr', new DescribeRepositoriesCommand({ repositoryNames: ['app'] }), 'DescribeRepositories'],
    ['ecs', new ListClustersCommand({}), 'ListClusters'],
    ['ec2', new DescribeVpcsCommand({}), 'DescribeVpcs'],
    ['iam', new GetRoleCommand({ RoleName: 'ecsTaskExecutionRole' }), 'GetRole'],
    ['logs', new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/app' }), 'DescribeLogGroups']
  ] as const)(
    '%s: the error names the call it came from, and the user agent names the action',
    async (service, command, operation) => {
      const clients = await createDeployClients('eu-west-3')
      const client = clients[service]
      const seen = failBeforeTheNetwork(client)
      const send = client.send.bind(client) as (command: unknown) => Promise<unknown>
      const error = await send(command).catch((e: unknown) => e)
      expect((error as Error).name).toBe('AccessDeniedException')
      expect(awsCallOf(error)).toEqual({ service, operation, input: command.input })
      expect(seen.headers['x-amz-user-agent']).toContain('ecs-fargate-deploy')
    }
  )

  test('stop mode ECS and STS errors are annotated too', async () => {
    const { ecs } = await createStopClients('eu-west-3')
    const sts = await createStsClient('')
    const stopping = failBeforeTheNetwork(ecs)
    failBeforeTheNetwork(sts)
    const ecsError = await ecs.send(new ListClustersCommand({})).catch((e: unknown) => e)
    const stsError = await sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e)
    expect(awsCallOf(ecsError)).toEqual({ service: 'ecs', operation: 'ListClusters', input: {} })
    expect(awsCallOf(stsError)).toEqual({ service: 'sts', operation: 'GetCallerIdentity', input: {} })
    expect(stopping.headers['x-amz-user-agent']).toContain('ecs-fargate-deploy')
  })
})
