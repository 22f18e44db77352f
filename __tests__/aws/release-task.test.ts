import type { Service, Task } from '@aws-sdk/client-ecs'
import {
  buildReleaseTaskInput,
  placementOfService,
  releaseExitCode,
  releaseStartedBy,
  type TaskPlacement
} from '../../src/aws/release-task.js'

const REVISION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:8'
const NETWORK = {
  awsvpcConfiguration: {
    subnets: ['subnet-a', 'subnet-b'],
    securityGroups: ['sg-app'],
    assignPublicIp: 'DISABLED' as const
  }
}

describe('placementOfService', () => {
  test.each<[string, Service, TaskPlacement]>([
    [
      'Fargate launch type with a platform version',
      { launchType: 'FARGATE', platformVersion: '1.4.0', networkConfiguration: NETWORK },
      { launchType: 'FARGATE', platformVersion: '1.4.0', networkConfiguration: NETWORK }
    ],
    [
      'a capacity provider strategy (Fargate Spot and on-demand)',
      {
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          { capacityProvider: 'FARGATE', weight: 1, base: 1 }
        ],
        platformVersion: 'LATEST',
        networkConfiguration: NETWORK
      },
      {
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          { capacityProvider: 'FARGATE', weight: 1, base: 1 }
        ],
        platformVersion: 'LATEST',
        networkConfiguration: NETWORK
      }
    ],
    [
      "neither: the cluster's default strategy, as the service",
      { capacityProviderStrategy: [], networkConfiguration: NETWORK },
      { networkConfiguration: NETWORK }
    ],
    ['EC2 with bridge networking: no network configuration', { launchType: 'EC2' }, { launchType: 'EC2' }]
  ])('%s', (_name, service, expected) => {
    expect(placementOfService(service)).toEqual(expected)
  })
})

describe('releaseStartedBy', () => {
  test.each([
    ['shop', 'release/shop'],
    ['shop_v2-blue', 'release/shop_v2-blue'],
    ['a'.repeat(200), `release/${'a'.repeat(120)}`]
  ])('%s → %s', (name, expected) => {
    expect(releaseStartedBy(name)).toBe(expected)
  })
})

describe('buildReleaseTaskInput', () => {
  test("one task of the new revision, the command in the container, in the service's network", () => {
    expect(
      buildReleaseTaskInput(
        {
          cluster: 'web',
          serviceName: 'shop',
          taskDefinitionArn: REVISION,
          containerName: 'app',
          command: ['npm', 'run', 'migrate'],
          placement: { launchType: 'FARGATE', platformVersion: '1.4.0', networkConfiguration: NETWORK },
          tags: [{ key: 'team', value: 'payments' }]
        },
        'token-1'
      )
    ).toEqual({
      cluster: 'web',
      taskDefinition: REVISION,
      count: 1,
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      networkConfiguration: NETWORK,
      overrides: { containerOverrides: [{ name: 'app', command: ['npm', 'run', 'migrate'] }] },
      startedBy: 'release/shop',
      tags: [{ key: 'team', value: 'payments' }],
      clientToken: 'token-1'
    })
  })

  test('no tags: no tags field; a fresh client token each time', () => {
    const spec = {
      cluster: 'web',
      serviceName: 'shop',
      taskDefinitionArn: REVISION,
      containerName: 'app',
      command: ['migrate'],
      placement: {},
      tags: []
    }
    const first = buildReleaseTaskInput(spec)
    expect(first.tags).toBeUndefined()
    expect(first.clientToken).toMatch(/^[0-9a-f-]{36}$/)
    expect(buildReleaseTaskInput(spec).clientToken).not.toBe(first.clientToken)
  })
})

describe('releaseExitCode', () => {
  const task: Task = {
    containers: [
      { name: 'envoy', exitCode: 0 },
      { name: 'app', exitCode: 3 }
    ]
  }
  test.each<[string, Task, number | undefined]>([
    ["the command's container", task, 3],
    ['a container that never started', { containers: [{ name: 'app', lastStatus: 'STOPPED' }] }, undefined],
    ['no containers', {}, undefined]
  ])('%s', (_name, stopped, expected) => {
    expect(releaseExitCode(stopped, 'app')).toBe(expected)
  })
})
