import {
  DescribeExpressGatewayServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
  type Service
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import {
  buildStandardUpdateInput,
  classifyService,
  lookUpService,
  unsupportedServiceError,
  updateStandardService,
  type ServiceKind
} from '../../src/aws/existing-service.js'
import { formatActionError } from '../../src/explain/action-error.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/web/shop'
const OLD = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/web/shop/old1'
const NEW = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/web/shop/new2'
const REVISION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:8'

const service = (extra: Partial<Service> = {}): Service => ({
  serviceArn: SERVICE_ARN,
  serviceName: 'shop',
  status: 'ACTIVE',
  ...extra
})

const awsError = (name: string, message = `${name} message`) => Object.assign(new Error(message), { name })

beforeEach(() => ecs.reset())

describe('classifyService', () => {
  test.each<[string, Service | undefined, ServiceKind['kind']]>([
    ['absent from the answer', undefined, 'missing'],
    ['without an ARN', {}, 'missing'],
    ['INACTIVE (deleted)', service({ status: 'INACTIVE', resourceManagementType: 'CUSTOMER' }), 'missing'],
    ['DRAINING', service({ status: 'DRAINING', resourceManagementType: 'CUSTOMER' }), 'draining'],
    ['Express Mode (managed by ECS)', service({ resourceManagementType: 'ECS' }), 'express'],
    ['made with CreateService (CUSTOMER)', service({ resourceManagementType: 'CUSTOMER' }), 'standard'],
    [
      'deployment controller ECS, blue/green',
      service({
        resourceManagementType: 'CUSTOMER',
        deploymentController: { type: 'ECS' },
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }
      }),
      'standard'
    ],
    ['EC2 launch type', service({ resourceManagementType: 'CUSTOMER', launchType: 'EC2' }), 'standard'],
    [
      'CODE_DEPLOY controller',
      service({ resourceManagementType: 'CUSTOMER', deploymentController: { type: 'CODE_DEPLOY' } }),
      'unsupported'
    ],
    [
      'EXTERNAL controller',
      service({ resourceManagementType: 'CUSTOMER', deploymentController: { type: 'EXTERNAL' } }),
      'unsupported'
    ],
    [
      'CODE_DEPLOY without a management type',
      service({ deploymentController: { type: 'CODE_DEPLOY' } }),
      'unsupported'
    ],
    ['ACTIVE without a management type', service(), 'unmarked']
  ])('%s → %s', (_name, described, kind) => {
    expect(classifyService(described).kind).toBe(kind)
  })

  test('an INACTIVE service keeps its ARN (a create replaces it)', () => {
    expect(classifyService(service({ status: 'INACTIVE' }))).toEqual({
      kind: 'missing',
      serviceArn: SERVICE_ARN
    })
  })

  test('CODE_DEPLOY: the error says why and what to do instead', () => {
    const kind = classifyService(service({ deploymentController: { type: 'CODE_DEPLOY' } }))
    if (kind.kind !== 'unsupported') throw new Error(`expected unsupported, got ${kind.kind}`)
    const text = formatActionError(unsupportedServiceError({ serviceName: 'shop', cluster: 'web' }, kind))
    expect(text).toContain(
      "ECS service 'shop' in cluster 'web' cannot be updated by this action: its deployment controller is CODE_DEPLOY"
    )
    expect(text).toContain('CodeDeploy owns the deployments of this service')
    expect(text).toContain('strategy BLUE_GREEN')
  })
})

describe('lookUpService', () => {
  const target = { serviceName: 'shop', cluster: 'web' }

  test('describes the service by name with its tags and classifies it', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [service({ resourceManagementType: 'CUSTOMER', tags: [{ key: 'team', value: 'a' }] })]
    })
    const kind = await lookUpService(client, target)
    expect(kind.kind).toBe('standard')
    expect(ecs.commandCalls(DescribeServicesCommand)[0]!.args[0].input).toEqual({
      cluster: 'web',
      services: ['shop'],
      include: ['TAGS']
    })
    expect(ecs.commandCalls(DescribeExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('a service the answer lists as a MISSING failure is missing', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [],
      failures: [{ arn: SERVICE_ARN, reason: 'MISSING' }]
    })
    expect(await lookUpService(client, target)).toEqual({ kind: 'missing' })
  })

  test('a missing cluster is a missing service', async () => {
    ecs.on(DescribeServicesCommand).rejects(awsError('ClusterNotFoundException', 'Cluster not found.'))
    expect(await lookUpService(client, target)).toEqual({ kind: 'missing' })
  })

  test('other errors are thrown', async () => {
    ecs.on(DescribeServicesCommand).rejects(awsError('AccessDeniedException'))
    await expect(lookUpService(client, target)).rejects.toThrow('AccessDeniedException message')
  })

  test.each([
    ['Express Mode knows it', 'express', { resolves: { service: { serviceArn: SERVICE_ARN } } }],
    ['Express Mode does not know it', 'standard', { rejects: awsError('ResourceNotFoundException') }],
    [
      'Express Mode answers "resource not found"',
      'standard',
      { rejects: awsError('InvalidParameterException', 'Resource not found: service shop') }
    ]
  ])('unmarked: %s → %s', async (_name, expected, answer) => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] })
    const probe = ecs.on(DescribeExpressGatewayServiceCommand, { serviceArn: SERVICE_ARN })
    if ('resolves' in answer) probe.resolves(answer.resolves)
    else probe.rejects(answer.rejects)
    expect((await lookUpService(client, target)).kind).toBe(expected)
  })
})

describe('buildStandardUpdateInput', () => {
  test.each([
    ['only the revision', {}, { cluster: 'web', service: SERVICE_ARN, taskDefinition: REVISION }],
    [
      'with a desired count',
      { desiredCount: 3 },
      { cluster: 'web', service: SERVICE_ARN, taskDefinition: REVISION, desiredCount: 3 }
    ],
    [
      'a desired count of zero is sent',
      { desiredCount: 0 },
      { cluster: 'web', service: SERVICE_ARN, taskDefinition: REVISION, desiredCount: 0 }
    ],
    [
      'scaling only (to zero, on stop): no revision',
      { taskDefinitionArn: undefined, desiredCount: 0 },
      { cluster: 'web', service: SERVICE_ARN, desiredCount: 0 }
    ],
    [
      'a redeploy of the same revision',
      { forceNewDeployment: true },
      { cluster: 'web', service: SERVICE_ARN, taskDefinition: REVISION, forceNewDeployment: true }
    ]
  ])('%s', (_name, extra, expected) => {
    expect(
      buildStandardUpdateInput({
        cluster: 'web',
        serviceArn: SERVICE_ARN,
        taskDefinitionArn: REVISION,
        ...extra
      })
    ).toEqual(expected)
  })
})

describe('updateStandardService', () => {
  const update = { cluster: 'web', serviceArn: SERVICE_ARN, taskDefinitionArn: REVISION }

  test('lists the deployments before the update, then names the one the update started', async () => {
    const clock = new FakeClock(5_000)
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: OLD }] })
    ecs.on(UpdateServiceCommand).resolves({ service: service({ currentServiceDeployment: NEW }) })
    const change = await updateStandardService(client, update, { clock })
    expect(change).toMatchObject({
      serviceArn: SERVICE_ARN,
      requestedAt: 5_000,
      previousDeployments: [OLD],
      deploymentArn: NEW
    })
    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toEqual({
      service: SERVICE_ARN,
      cluster: 'web',
      maxResults: 100
    })
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: 'web',
      service: SERVICE_ARN,
      taskDefinition: REVISION
    })
  })

  test.each([
    ['an answer naming a previous deployment', OLD],
    ['an answer naming none', undefined]
  ])('%s: the wait finds the new one itself', async (_name, current) => {
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: OLD }] })
    ecs.on(UpdateServiceCommand).resolves({ service: service({ currentServiceDeployment: current }) })
    const change = await updateStandardService(client, update, { clock: new FakeClock() })
    expect(change.deploymentArn).toBeUndefined()
  })

  test("UpdateService's errors are thrown as AWS gave them", async () => {
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] })
    ecs.on(UpdateServiceCommand).rejects(awsError('ServiceNotActiveException', 'Service was not ACTIVE.'))
    await expect(updateStandardService(client, update)).rejects.toThrow('Service was not ACTIVE.')
  })
})
