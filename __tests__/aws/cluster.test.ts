import { CreateClusterCommand, DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { clusterName, ensureCluster } from '../../src/aws/cluster.js'
import { ActionError } from '../../src/explain/action-error.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })
const ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/web'
const options = { cluster: 'web', create: true, tags: [{ key: 'team', value: 'data' }] }

beforeEach(() => ecs.reset())

test('finds an ACTIVE cluster and creates nothing', async () => {
  ecs.on(DescribeClustersCommand).resolves({
    clusters: [{ clusterArn: ARN, clusterName: 'web', status: 'ACTIVE' }]
  })
  expect(await ensureCluster(client, options)).toEqual({
    clusterArn: ARN,
    clusterName: 'web',
    created: false
  })
  expect(ecs.commandCalls(DescribeClustersCommand)[0]!.args[0].input).toEqual({ clusters: ['web'] })
  expect(ecs.commandCalls(CreateClusterCommand)).toHaveLength(0)
})

test('creates a missing cluster with the Fargate capacity providers and the tags in ECS shape', async () => {
  ecs.on(DescribeClustersCommand).resolves({ clusters: [], failures: [{ arn: ARN, reason: 'MISSING' }] })
  ecs
    .on(CreateClusterCommand)
    .resolves({ cluster: { clusterArn: ARN, clusterName: 'web', status: 'ACTIVE' } })
  expect(await ensureCluster(client, options)).toEqual({ clusterArn: ARN, clusterName: 'web', created: true })
  expect(ecs.commandCalls(CreateClusterCommand)[0]!.args[0].input).toEqual({
    clusterName: 'web',
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    tags: [{ key: 'team', value: 'data' }]
  })
})

test('treats an INACTIVE (deleted) cluster as missing and creates it again', async () => {
  ecs.on(DescribeClustersCommand).resolves({
    clusters: [{ clusterArn: ARN, clusterName: 'web', status: 'INACTIVE' }]
  })
  ecs.on(CreateClusterCommand).resolves({ cluster: { clusterArn: ARN, clusterName: 'web' } })
  expect(await ensureCluster(client, options)).toMatchObject({ created: true })
  expect(ecs.commandCalls(CreateClusterCommand)).toHaveLength(1)
})

test('a cluster given by ARN is described by ARN and created by its name', async () => {
  ecs.on(DescribeClustersCommand).resolves({ clusters: [] })
  ecs.on(CreateClusterCommand).resolves({ cluster: { clusterArn: ARN, clusterName: 'web' } })
  expect(await ensureCluster(client, { ...options, cluster: ARN })).toEqual({
    clusterArn: ARN,
    clusterName: 'web',
    created: true
  })
  expect(ecs.commandCalls(DescribeClustersCommand)[0]!.args[0].input).toEqual({ clusters: [ARN] })
  expect(ecs.commandCalls(CreateClusterCommand)[0]!.args[0].input.clusterName).toBe('web')
})

test('with create-cluster false, a missing or INACTIVE cluster fails naming the input to change', async () => {
  ecs.on(DescribeClustersCommand).resolves({
    clusters: [{ clusterArn: ARN, clusterName: 'web', status: 'INACTIVE' }]
  })
  const error = (await ensureCluster(client, { ...options, cluster: ARN, create: false }).catch(
    (e: unknown) => e
  )) as ActionError
  expect(error).toBeInstanceOf(ActionError)
  expect(error.message).toBe(
    `ECS cluster '${ARN}' does not exist (or is INACTIVE) and create-cluster is false`
  )
  expect(error.hint).toBe(
    'Create it (aws ecs create-cluster --cluster-name web) or set create-cluster: true.'
  )
  expect(ecs.commandCalls(CreateClusterCommand)).toHaveLength(0)
})

test.each([
  ['web', 'web'],
  [ARN, 'web'],
  ['arn:aws-cn:ecs:cn-north-1:123456789012:cluster/my_cluster-2', 'my_cluster-2']
])('clusterName(%s) is %s', (cluster, expected) => {
  expect(clusterName(cluster)).toBe(expected)
})
