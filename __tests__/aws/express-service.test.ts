import {
  CreateExpressGatewayServiceCommand,
  DeleteExpressGatewayServiceCommand,
  DescribeExpressGatewayServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  TagResourceCommand,
  UpdateExpressGatewayServiceCommand
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import {
  ServiceDeleteTimeoutError,
  buildCreateServiceInput,
  buildUpdateServiceInput,
  createOrUpdateService,
  deleteService,
  findService,
  ingressUrl,
  type ServiceSpec
} from '../../src/aws/express-service.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/web/shop'
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@sha256:' + 'a'.repeat(64)
const EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole'
const INFRASTRUCTURE_ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices'
const TASK_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7'
const DEPLOYMENT_1 = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/web/shop/d1'
const HOST = 'sh-0123456789abcdef.ecs.us-east-1.on.aws'

const awsError = (name: string, message = `${name} message`) => Object.assign(new Error(message), { name })

/** The smallest spec: what the inputs layer gives with no optional input set. */
const minimal: ServiceSpec = {
  serviceName: 'shop',
  cluster: 'web',
  image: IMAGE,
  port: 8080,
  environment: [],
  secrets: [],
  executionRoleArn: EXECUTION_ROLE,
  infrastructureRoleArn: INFRASTRUCTURE_ROLE,
  subnets: [],
  securityGroups: [],
  tags: [],
  minTasks: 1,
  maxTasks: 1
}

/** Every optional input set. */
const full: ServiceSpec = {
  ...minimal,
  healthPath: '/healthz',
  cpu: 512,
  memory: 1024,
  environment: [{ name: 'MODE', value: 'prod' }],
  secrets: [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }],
  command: ['node', 'server.js'],
  taskRoleArn: 'arn:aws:iam::123456789012:role/shop-task',
  logGroup: '/ecs/shop',
  subnets: ['subnet-1', 'subnet-2'],
  securityGroups: ['sg-1'],
  tags: [{ key: 'team', value: 'web' }],
  minTasks: 2,
  maxTasks: 6,
  scaleOn: 'requests',
  scaleTarget: 500,
  cpuArchitecture: 'ARM64'
}

beforeEach(() => ecs.reset())

describe('buildCreateServiceInput', () => {
  test.each<[string, ServiceSpec, object]>([
    [
      'the smallest spec: the API defaults everything else',
      minimal,
      {
        serviceName: 'shop',
        cluster: 'web',
        infrastructureRoleArn: INFRASTRUCTURE_ROLE,
        primaryContainer: { image: IMAGE, containerPort: 8080, environment: [], secrets: [] },
        executionRoleArn: EXECUTION_ROLE,
        scalingTarget: { minTaskCount: 1, maxTaskCount: 1 }
      }
    ],
    [
      'every input',
      full,
      {
        serviceName: 'shop',
        cluster: 'web',
        infrastructureRoleArn: INFRASTRUCTURE_ROLE,
        primaryContainer: {
          image: IMAGE,
          containerPort: 8080,
          awsLogsConfiguration: { logGroup: '/ecs/shop', logStreamPrefix: 'ecs' },
          command: ['node', 'server.js'],
          environment: [{ name: 'MODE', value: 'prod' }],
          secrets: [
            { name: 'DB', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }
          ]
        },
        executionRoleArn: EXECUTION_ROLE,
        taskRoleArn: 'arn:aws:iam::123456789012:role/shop-task',
        cpu: '512',
        memory: '1024',
        cpuArchitecture: 'ARM64',
        healthCheckPath: '/healthz',
        networkConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'] },
        scalingTarget: {
          minTaskCount: 2,
          maxTaskCount: 6,
          autoScalingMetric: 'REQUEST_COUNT_PER_TARGET',
          autoScalingTargetValue: 500
        },
        tags: [{ key: 'team', value: 'web' }]
      }
    ],
    [
      'a custom task definition replaces the container, roles, size and architecture',
      { ...full, taskDefinitionArn: TASK_DEFINITION, cpuArchitecture: undefined },
      {
        serviceName: 'shop',
        cluster: 'web',
        infrastructureRoleArn: INFRASTRUCTURE_ROLE,
        taskDefinitionArn: TASK_DEFINITION,
        healthCheckPath: '/healthz',
        networkConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'] },
        scalingTarget: {
          minTaskCount: 2,
          maxTaskCount: 6,
          autoScalingMetric: 'REQUEST_COUNT_PER_TARGET',
          autoScalingTargetValue: 500
        },
        tags: [{ key: 'team', value: 'web' }]
      }
    ],
    [
      'security groups alone keep the default subnets; a log stream prefix of its own',
      { ...minimal, securityGroups: ['sg-9'], logGroup: '/svc', logStreamPrefix: 'web' },
      {
        serviceName: 'shop',
        cluster: 'web',
        infrastructureRoleArn: INFRASTRUCTURE_ROLE,
        primaryContainer: {
          image: IMAGE,
          containerPort: 8080,
          awsLogsConfiguration: { logGroup: '/svc', logStreamPrefix: 'web' },
          environment: [],
          secrets: []
        },
        executionRoleArn: EXECUTION_ROLE,
        networkConfiguration: { securityGroups: ['sg-9'] },
        scalingTarget: { minTaskCount: 1, maxTaskCount: 1 }
      }
    ]
  ])('%s', (_name, spec, expected) => {
    expect(buildCreateServiceInput(spec)).toEqual(expected)
  })

  test.each([
    ['cpu', 'AVERAGE_CPU'],
    ['memory', 'AVERAGE_MEMORY'],
    ['requests', 'REQUEST_COUNT_PER_TARGET']
  ] as const)('scale-on %s is the metric %s', (scaleOn, metric) => {
    expect(buildCreateServiceInput({ ...minimal, scaleOn, scaleTarget: 40 }).scalingTarget).toEqual({
      minTaskCount: 1,
      maxTaskCount: 1,
      autoScalingMetric: metric,
      autoScalingTargetValue: 40
    })
  })
})

describe('buildUpdateServiceInput', () => {
  test.each<[string, ServiceSpec, object]>([
    [
      'the smallest spec',
      minimal,
      {
        serviceArn: SERVICE_ARN,
        primaryContainer: { image: IMAGE, containerPort: 8080, environment: [], secrets: [] },
        executionRoleArn: EXECUTION_ROLE,
        scalingTarget: { minTaskCount: 1, maxTaskCount: 1 }
      }
    ],
    [
      'every input: no name, cluster, infrastructure role or tags (they cannot change here)',
      full,
      {
        serviceArn: SERVICE_ARN,
        primaryContainer: {
          image: IMAGE,
          containerPort: 8080,
          awsLogsConfiguration: { logGroup: '/ecs/shop', logStreamPrefix: 'ecs' },
          command: ['node', 'server.js'],
          environment: [{ name: 'MODE', value: 'prod' }],
          secrets: [
            { name: 'DB', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }
          ]
        },
        executionRoleArn: EXECUTION_ROLE,
        taskRoleArn: 'arn:aws:iam::123456789012:role/shop-task',
        cpu: '512',
        memory: '1024',
        cpuArchitecture: 'ARM64',
        healthCheckPath: '/healthz',
        networkConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'] },
        scalingTarget: {
          minTaskCount: 2,
          maxTaskCount: 6,
          autoScalingMetric: 'REQUEST_COUNT_PER_TARGET',
          autoScalingTargetValue: 500
        }
      }
    ],
    [
      'a custom task definition',
      { ...minimal, taskDefinitionArn: TASK_DEFINITION },
      {
        serviceArn: SERVICE_ARN,
        taskDefinitionArn: TASK_DEFINITION,
        scalingTarget: { minTaskCount: 1, maxTaskCount: 1 }
      }
    ]
  ])('%s', (_name, spec, expected) => {
    expect(buildUpdateServiceInput(SERVICE_ARN, spec)).toEqual(expected)
  })
})

describe('ingressUrl', () => {
  test.each([
    [
      'a host name becomes an HTTPS URL',
      [{ ingressPaths: [{ accessType: 'PUBLIC', endpoint: HOST }] }],
      `https://${HOST}`
    ],
    [
      'the public path wins over a private one',
      [
        { ingressPaths: [{ accessType: 'PRIVATE', endpoint: 'internal.example' }] },
        { ingressPaths: [{ accessType: 'PUBLIC', endpoint: HOST }] }
      ],
      `https://${HOST}`
    ],
    [
      'a URL is kept',
      [{ ingressPaths: [{ accessType: 'PUBLIC', endpoint: `https://${HOST}/` }] }],
      `https://${HOST}/`
    ],
    ['no ingress path yet', [{}, undefined], undefined]
  ] as const)('%s', (_name, configurations, expected) => {
    expect(ingressUrl(configurations as never)).toBe(expected)
  })
})

/** ECS's answers for a service that exists and is ACTIVE, with its URL. */
function activeService() {
  ecs
    .on(DescribeServicesCommand, { cluster: 'web', services: ['shop'] })
    .resolves({ services: [{ serviceArn: SERVICE_ARN, serviceName: 'shop', status: 'ACTIVE' }] })
  ecs.on(DescribeExpressGatewayServiceCommand, { serviceArn: SERVICE_ARN }).resolves({
    service: {
      serviceArn: SERVICE_ARN,
      status: { statusCode: 'ACTIVE' },
      activeConfigurations: [{ ingressPaths: [{ accessType: 'PUBLIC', endpoint: HOST }] }]
    }
  })
}

describe('findService', () => {
  test('an ACTIVE service, with its URL', async () => {
    activeService()
    expect(await findService(client, { serviceName: 'shop', cluster: 'web' })).toEqual({
      serviceArn: SERVICE_ARN,
      status: 'ACTIVE',
      url: `https://${HOST}`
    })
  })

  test('no such service: DescribeServices reports it MISSING', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [], failures: [{ arn: SERVICE_ARN, reason: 'MISSING' }] })
    expect(await findService(client, { serviceName: 'shop', cluster: 'web' })).toBeUndefined()
    expect(ecs.commandCalls(DescribeExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('no such cluster', async () => {
    ecs.on(DescribeServicesCommand).rejects(awsError('ClusterNotFoundException'))
    expect(await findService(client, { serviceName: 'shop', cluster: 'web' })).toBeUndefined()
  })

  test('a deleted service is INACTIVE, and not described further', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'INACTIVE' }] })
    expect(await findService(client, { serviceName: 'shop', cluster: 'web' })).toEqual({
      serviceArn: SERVICE_ARN,
      status: 'INACTIVE'
    })
    expect(ecs.commandCalls(DescribeExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('a plain ECS service of that name is not ours to change', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'ACTIVE' }] })
    ecs.on(DescribeExpressGatewayServiceCommand).rejects(awsError('ResourceNotFoundException'))
    await expect(findService(client, { serviceName: 'shop', cluster: 'web' })).rejects.toThrow(
      "ECS service 'shop' in cluster 'web' exists but is not an Express Mode service"
    )
  })
})

describe('createOrUpdateService', () => {
  test('creates a missing service', async () => {
    const clock = new FakeClock(5_000)
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] })
    ecs.on(CreateExpressGatewayServiceCommand).resolves({
      service: {
        serviceArn: SERVICE_ARN,
        status: { statusCode: 'ACTIVE' },
        activeConfigurations: [{ ingressPaths: [{ accessType: 'PUBLIC', endpoint: HOST }] }]
      }
    })
    expect(await createOrUpdateService(client, full, { clock })).toEqual({
      serviceArn: SERVICE_ARN,
      created: true,
      adopted: false,
      url: `https://${HOST}`,
      requestedAt: 5_000,
      previousDeployments: []
    })
    const sent = ecs.commandCalls(CreateExpressGatewayServiceCommand)[0]!.args[0].input
    expect([sent.serviceName, sent.cluster, sent.infrastructureRoleArn]).toEqual([
      'shop',
      'web',
      INFRASTRUCTURE_ROLE
    ])
    expect(sent.tags).toEqual([{ key: 'team', value: 'web' }])
    expect(ecs.commandCalls(UpdateExpressGatewayServiceCommand)).toHaveLength(0)
    expect(ecs.commandCalls(TagResourceCommand)).toHaveLength(0)
  })

  test('creates over an INACTIVE service of the same name', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'INACTIVE' }] })
    ecs.on(CreateExpressGatewayServiceCommand).resolves({ service: { serviceArn: SERVICE_ARN } })
    const change = await createOrUpdateService(client, minimal, { clock: new FakeClock() })
    expect(change.created).toBe(true)
    expect(change.url).toBeUndefined()
  })

  test('updates an ACTIVE service, then tags it, and remembers its earlier deployments', async () => {
    const clock = new FakeClock(7_000)
    activeService()
    ecs
      .on(ListServiceDeploymentsCommand, { service: SERVICE_ARN, cluster: 'web' })
      .resolves({ serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT_1, status: 'SUCCESSFUL' }] })
    ecs.on(UpdateExpressGatewayServiceCommand).resolves({
      service: { serviceArn: SERVICE_ARN, status: { statusCode: 'ACTIVE' }, targetConfiguration: {} }
    })
    ecs.on(TagResourceCommand).resolves({})
    expect(await createOrUpdateService(client, full, { clock })).toEqual({
      serviceArn: SERVICE_ARN,
      created: false,
      adopted: false,
      url: `https://${HOST}`,
      requestedAt: 7_000,
      previousDeployments: [DEPLOYMENT_1]
    })
    const sent = ecs.commandCalls(UpdateExpressGatewayServiceCommand)[0]!.args[0].input
    expect([sent.serviceArn, sent.primaryContainer?.image, sent.scalingTarget?.maxTaskCount]).toEqual([
      SERVICE_ARN,
      IMAGE,
      6
    ])
    expect(ecs.commandCalls(TagResourceCommand)[0]!.args[0].input).toEqual({
      resourceArn: SERVICE_ARN,
      tags: [{ key: 'team', value: 'web' }]
    })
    expect(ecs.commandCalls(CreateExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('an update without tags makes no TagResource call', async () => {
    activeService()
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] })
    ecs.on(UpdateExpressGatewayServiceCommand).resolves({ service: { serviceArn: SERVICE_ARN } })
    await createOrUpdateService(client, minimal, { clock: new FakeClock() })
    expect(ecs.commandCalls(TagResourceCommand)).toHaveLength(0)
  })

  test('adopts a service a concurrent run created between the look-up and the create', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [], failures: [{ reason: 'MISSING' }] })
      .resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'ACTIVE' }] })
    ecs.on(DescribeExpressGatewayServiceCommand).resolves({
      service: { serviceArn: SERVICE_ARN, status: { statusCode: 'ACTIVE' } }
    })
    ecs
      .on(CreateExpressGatewayServiceCommand)
      .rejects(awsError('InvalidParameterException', 'Creation of service was not idempotent.'))
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT_1 }] })
    ecs.on(UpdateExpressGatewayServiceCommand).resolves({ service: { serviceArn: SERVICE_ARN } })
    expect(await createOrUpdateService(client, minimal, { clock: new FakeClock(9) })).toEqual({
      serviceArn: SERVICE_ARN,
      created: false,
      adopted: true,
      requestedAt: 9,
      previousDeployments: [DEPLOYMENT_1]
    })
    expect(ecs.commandCalls(UpdateExpressGatewayServiceCommand)).toHaveLength(1)
  })

  test('a bad request for a service that still does not exist fails as AWS said', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] })
    ecs
      .on(CreateExpressGatewayServiceCommand)
      .rejects(awsError('InvalidParameterException', 'The container port must be between 1 and 65535.'))
    await expect(createOrUpdateService(client, minimal, { clock: new FakeClock() })).rejects.toThrow(
      'The container port must be between 1 and 65535.'
    )
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(2)
    expect(ecs.commandCalls(UpdateExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('a DRAINING service is being deleted: the deploy says to run again', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'DRAINING' }] })
    ecs.on(DescribeExpressGatewayServiceCommand).resolves({
      service: { serviceArn: SERVICE_ARN, status: { statusCode: 'DRAINING' } }
    })
    await expect(createOrUpdateService(client, minimal)).rejects.toThrow(
      "ECS service 'shop' in cluster 'web' is being deleted (DRAINING)"
    )
    expect(ecs.commandCalls(CreateExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('retries a create while a role created moments ago cannot be assumed, then succeeds', async () => {
    const clock = new FakeClock()
    ecs.on(DescribeServicesCommand).resolves({ services: [] })
    ecs
      .on(CreateExpressGatewayServiceCommand)
      .rejectsOnce(
        awsError('AccessDeniedException', 'ECS was unable to assume the role arn:aws:iam::1:role/x')
      )
      .rejectsOnce(
        awsError('ClientException', 'AWS was not able to validate the provided access credentials')
      )
      .resolves({ service: { serviceArn: SERVICE_ARN } })
    const change = await createOrUpdateService(client, minimal, { clock, newRole: true })
    expect(change.created).toBe(true)
    expect(clock.sleeps).toEqual([2000, 4000])
  })

  test('does not retry a role error when no role was created by this run', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [] })
    ecs
      .on(CreateExpressGatewayServiceCommand)
      .rejects(awsError('AccessDeniedException', 'ECS was unable to assume the role arn:aws:iam::1:role/x'))
    await expect(createOrUpdateService(client, minimal, { clock: new FakeClock() })).rejects.toThrow(
      'unable to assume the role'
    )
    expect(ecs.commandCalls(CreateExpressGatewayServiceCommand)).toHaveLength(1)
  })
})

describe('deleteService', () => {
  test('deletes an ACTIVE service and waits until it is INACTIVE', async () => {
    const clock = new FakeClock(0)
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'ACTIVE' }] })
    ecs
      .on(DescribeExpressGatewayServiceCommand)
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'ACTIVE' } } })
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'DRAINING' } } })
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'DRAINING' } } })
      .resolves({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'INACTIVE' } } })
    ecs.on(DeleteExpressGatewayServiceCommand).resolves({})
    expect(
      await deleteService(client, { serviceName: 'shop', cluster: 'web', deadline: 60_000, clock })
    ).toEqual({ serviceArn: SERVICE_ARN, deleted: true, hadExpiry: false })
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)[0]!.args[0].input).toEqual({
      serviceArn: SERVICE_ARN
    })
    expect(clock.sleeps).toEqual([1000, 1100])
  })

  test('a service that is gone succeeds without a delete', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] })
    expect(await deleteService(client, { serviceName: 'shop', cluster: 'web', deadline: 1 })).toEqual({
      serviceArn: undefined,
      deleted: false
    })
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('deleting again: an INACTIVE service succeeds without a delete', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'INACTIVE' }] })
    expect(await deleteService(client, { serviceName: 'shop', cluster: 'web', deadline: 1 })).toEqual({
      serviceArn: SERVICE_ARN,
      deleted: false
    })
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('a concurrent delete (ServiceNotActiveException) is waited for, not an error', async () => {
    const clock = new FakeClock(0)
    activeService()
    ecs
      .on(DeleteExpressGatewayServiceCommand)
      .rejects(awsError('ServiceNotActiveException', 'Service is in DRAINING status'))
    ecs
      .on(DescribeExpressGatewayServiceCommand, { serviceArn: SERVICE_ARN })
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'ACTIVE' } } })
      .rejects(awsError('InvalidParameterException', 'Resource not found'))
    expect(
      await deleteService(client, { serviceName: 'shop', cluster: 'web', deadline: 60_000, clock })
    ).toEqual({ serviceArn: SERVICE_ARN, deleted: false, hadExpiry: false })
  })

  test('a DRAINING service is waited for without a second delete', async () => {
    const clock = new FakeClock(0)
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE_ARN, status: 'DRAINING' }] })
    ecs
      .on(DescribeExpressGatewayServiceCommand)
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'DRAINING' } } })
      .resolves({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'INACTIVE' } } })
    expect(
      await deleteService(client, { serviceName: 'shop', cluster: 'web', deadline: 60_000, clock })
    ).toEqual({ serviceArn: SERVICE_ARN, deleted: false, hadExpiry: false })
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('throttled polls slow down instead of failing', async () => {
    const clock = new FakeClock(0)
    activeService()
    ecs.on(DeleteExpressGatewayServiceCommand).resolves({})
    ecs
      .on(DescribeExpressGatewayServiceCommand, { serviceArn: SERVICE_ARN })
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'ACTIVE' } } })
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'INACTIVE' } } })
    await deleteService(client, { serviceName: 'shop', cluster: 'web', deadline: 60_000, clock })
    expect(clock.sleeps).toEqual([2000, 4000])
  })

  test('times out with the last status when the service stays DRAINING', async () => {
    const clock = new FakeClock(0)
    activeService()
    ecs.on(DeleteExpressGatewayServiceCommand).resolves({})
    ecs
      .on(DescribeExpressGatewayServiceCommand, { serviceArn: SERVICE_ARN })
      .resolvesOnce({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'ACTIVE' } } })
      .resolves({ service: { serviceArn: SERVICE_ARN, status: { statusCode: 'DRAINING' } } })
    const error = await deleteService(client, {
      serviceName: 'shop',
      cluster: 'web',
      deadline: 5_000,
      clock
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServiceDeleteTimeoutError)
    expect((error as Error).message).toBe(
      'Timed out waiting for service shop to be INACTIVE (last status DRAINING)'
    )
    expect(clock.now()).toBe(5_000)
  })
})
