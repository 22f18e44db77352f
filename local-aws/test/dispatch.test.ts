// The request path without HTTP or Docker: a context with a stand-in registry and task launcher, the test
// controls, and the dispatcher answering signed-looking requests.
import { describe, expect, it } from '@jest/globals'
import type { IncomingHttpHeaders } from 'node:http'
import { createControls, faultError } from '../src/controls.js'
import { createDispatcher } from '../src/dispatch.js'
import { buildContext, snapshot } from '../src/instance-state.js'
import { newEcrState } from '../src/state/ecr.js'
import { emptyRegistry, signedHeaders } from './dispatch-helpers.js'

const headers = (service: string, target?: string, key = 'AKIDLOCAL'): IncomingHttpHeaders =>
  signedHeaders(service, { target, key })

function setUp() {
  const registry = emptyRegistry()
  const started: string[] = []
  const ctx = buildContext({
    accountId: '123456789012',
    registry,
    runner: { start: (t) => void started.push(t.taskId), stop: () => undefined },
    ecr: newEcrState(),
    log: () => undefined
  })
  const controls = createControls(ctx, 0)
  return { ctx, controls, dispatch: createDispatcher(ctx, controls, () => undefined) }
}

const ECS = 'AmazonEC2ContainerServiceV20141113'

describe('dispatcher', () => {
  it('answers a JSON operation from its handler and logs the call', async () => {
    const { controls, dispatch } = setUp()
    const r = await dispatch(headers('ecs', `${ECS}.CreateCluster`), '{"clusterName":"c1"}')
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body).cluster.clusterArn).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/c1')
    expect(controls.calls()).toEqual([
      expect.objectContaining({
        service: 'ecs',
        operation: 'CreateCluster',
        params: { clusterName: 'c1' },
        accessKeyId: 'AKIDLOCAL'
      })
    ])
  })

  it.each([
    ['an unsigned request', { 'x-amz-target': `${ECS}.ListClusters` }, 403, 'MissingAuthenticationToken'],
    ['a service it does not provide', headers('s3', 'S3.ListBuckets'), 400, 'UnrecognizedClientException'],
    ['a wrong target prefix', headers('ecs', 'Logs_20140328.ListClusters'), 400, 'UnknownOperationException'],
    ['an operation with no handler', headers('ecs', `${ECS}.CreateTaskSet`), 400, 'UnknownOperationException']
  ])('rejects %s', async (_what, h, status, code) => {
    const { controls, dispatch } = setUp()
    const r = await dispatch(h, '{}')
    expect([r.status, r.headers['x-amzn-errortype']]).toEqual([status, code])
    expect(controls.calls()[0]?.error).toBe(code)
  })

  it('answers a body that is not JSON with SerializationException', async () => {
    const { dispatch } = setUp()
    const r = await dispatch(headers('ecs', `${ECS}.ListClusters`), '{not json')
    expect(JSON.parse(r.body)).toEqual({
      __type: 'SerializationException',
      message: 'Start of structure or map found where not expected.'
    })
  })

  it('answers an unknown query action with InvalidAction', async () => {
    const { dispatch } = setUp()
    const r = await dispatch(headers('iam'), 'Action=ListUsers&Version=2010-05-08')
    expect(r.status).toBe(400)
    expect(r.body).toContain('<Code>InvalidAction</Code>')
    expect(r.body).toContain('The action ListUsers is not valid for this web service.')
  })

  it('answers an injected fault the given number of times, matched with or without the service', async () => {
    const { controls, dispatch } = setUp()
    controls.injectFault({ operation: 'ecs:ListClusters', code: 'ThrottlingException', times: 2 })
    controls.injectFault({ operation: 'ListClusters', code: 'ServerException' })
    const codes: Array<string | undefined> = []
    for (let i = 0; i < 4; i++) {
      const r = await dispatch(headers('ecs', `${ECS}.ListClusters`), '{}')
      codes.push(r.headers['x-amzn-errortype'] ?? String(r.status))
    }
    expect(codes).toEqual(['ThrottlingException', 'ThrottlingException', 'ServerException', '200'])
  })

  it('enforces the policy of the key, but never on GetCallerIdentity', async () => {
    const { controls, dispatch } = setUp()
    controls.setPolicy('AKIDLIMITED', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*' }]
    })
    const allowed = await dispatch(headers('ecs', `${ECS}.ListClusters`, 'AKIDLIMITED'), '{}')
    const denied = await dispatch(headers('ecs', `${ECS}.CreateCluster`, 'AKIDLIMITED'), '{}')
    const identity = await dispatch(
      headers('sts', undefined, 'AKIDLIMITED'),
      'Action=GetCallerIdentity&Version=2011-06-15'
    )
    expect([allowed.status, denied.status, identity.status]).toEqual([200, 400, 200])
    expect(JSON.parse(denied.body).__type).toBe('AccessDeniedException')
    expect(JSON.parse(denied.body).message).toContain(
      'User: arn:aws:iam::123456789012:user/AKIDLIMITED is not authorized to perform: ecs:CreateCluster'
    )
  })

  it.each([
    // [what, statement, call, body, status]
    [
      'ecs:cluster of another cluster denies StopTask',
      {
        Action: 'ecs:StopTask',
        Resource: '*',
        Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/other' } }
      },
      'StopTask',
      '{"cluster":"c1","task":"arn:aws:ecs:us-east-1:123456789012:task/c1/0123456789abcdef0123456789abcdef"}',
      400
    ],
    [
      'a tag the policy does not allow denies CreateCluster (aws:TagKeys)',
      {
        Action: ['ecs:CreateCluster', 'ecs:TagResource'],
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }
      },
      'CreateCluster',
      '{"clusterName":"c1","tags":[{"key":"owner","value":"me"}]}',
      400
    ],
    [
      'an allowed tag lets CreateCluster through, tag on create included',
      {
        Action: ['ecs:CreateCluster', 'ecs:TagResource'],
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }
      },
      'CreateCluster',
      '{"clusterName":"c1","tags":[{"key":"team","value":"web"}]}',
      200
    ],
    [
      'iam:PassRole to another service denies RegisterTaskDefinition',
      [
        { Action: 'ecs:RegisterTaskDefinition', Resource: '*' },
        {
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } }
        }
      ],
      'RegisterTaskDefinition',
      '{"family":"web","executionRoleArn":"arn:aws:iam::123456789012:role/exec","containerDefinitions":[{"name":"web","image":"busybox"}]}',
      400
    ]
  ])('evaluates Conditions against the request: %s', async (_what, statement, operation, body, status) => {
    const { controls, dispatch } = setUp()
    const statements = (Array.isArray(statement) ? statement : [statement]).map((s) => ({
      Effect: 'Allow' as const,
      ...s
    }))
    controls.setPolicy('AKIDLIMITED', { Version: '2012-10-17', Statement: statements })
    const r = await dispatch(headers('ecs', `${ECS}.${operation}`, 'AKIDLIMITED'), body)
    expect(r.status).toBe(status)
    if (status === 400) expect(JSON.parse(r.body).__type).toBe('AccessDeniedException')
  })
})

describe('state snapshot', () => {
  it('lists the repositories with their images', async () => {
    const { ctx, dispatch } = setUp()
    await dispatch(
      headers('ecr', 'AmazonEC2ContainerRegistry_V20150921.CreateRepository'),
      '{"repositoryName":"app"}'
    )
    const state = JSON.parse(JSON.stringify(snapshot(ctx))) as { repositories: unknown }
    expect(state.repositories).toEqual([
      expect.objectContaining({ repositoryName: 'app', repositoryUri: '127.0.0.1:5999/app', images: [] })
    ])
  })
})

describe('controls', () => {
  it.each([
    ['json', 'ThrottlingException', 400, 'Rate exceeded'],
    ['json', 'ServiceUnavailableException', 500, 'Injected fault ServiceUnavailableException'],
    ['ec2', 'RequestLimitExceeded', 503, 'Request limit exceeded.'],
    ['ec2', 'UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'],
    ['query', 'Throttling', 400, 'Rate exceeded'],
    ['query', 'AccessDenied', 403, 'You are not authorized to perform this operation.']
  ] as const)('a %s fault %s answers %d "%s"', (protocol, code, status, message) => {
    const err = faultError({ operation: 'X', code }, protocol)
    expect([err.code, err.status, err.message]).toEqual([code, status, message])
  })

  it('configure changes the latency and merges task timings', () => {
    const { ctx, controls } = setUp()
    controls.configure({ latencyMs: 25, taskTimings: { pendingMs: 7 } })
    expect(controls.latencyMs()).toBe(25)
    expect(ctx.timings).toEqual({
      provisioningMs: 100,
      pendingMs: 7,
      stopGraceSeconds: 2,
      healthCheckIntervalMs: 250,
      healthCheckGraceMs: 1000,
      bakeTimeMs: 1000,
      minuteMs: 60000,
      scheduleRetries: 2,
      scheduleRetryBackoffMs: 200
    })
  })
})
