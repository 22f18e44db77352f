// What a closed preview's cleanup calls, without HTTP or Docker: DeleteSecurityGroup (gone, in use by a
// running task's network interface, free once the interface is released), ListTaskDefinitions (familyPrefix,
// status, pages) and DeregisterTaskDefinition, through the dispatcher as the SDK sends them.
import { describe, expect, it } from '@jest/globals'
import type { IncomingHttpHeaders } from 'node:http'
import { createControls } from '../src/controls.js'
import { createDispatcher } from '../src/dispatch.js'
import { buildContext } from '../src/instance-state.js'
import { newEcrState } from '../src/state/ecr.js'
import { emptyRegistry, signedHeaders } from './dispatch-helpers.js'

const ECS = 'AmazonEC2ContainerServiceV20141113'

const headers = (service: string, target?: string): IncomingHttpHeaders => signedHeaders(service, { target })

function setUp() {
  const registry = emptyRegistry()
  const ctx = buildContext({
    accountId: '123456789012',
    registry,
    runner: { start: () => undefined, stop: () => undefined },
    ecr: newEcrState(),
    log: () => undefined
  })
  const dispatch = createDispatcher(ctx, createControls(ctx, 0), () => undefined)
  const ecs = async (operation: string, body: object) => {
    const r = await dispatch(headers('ecs', `${ECS}.${operation}`), JSON.stringify(body))
    return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown> }
  }
  const ec2 = async (action: string, params: Record<string, string>) => {
    const query = new URLSearchParams({ Action: action, Version: '2016-11-15', ...params }).toString()
    const r = await dispatch(headers('ec2'), query)
    return { status: r.status, body: r.body }
  }
  return { ctx, ecs, ec2 }
}

const code = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1]
const groupIdOf = (xml: string) => /<groupId>([^<]+)<\/groupId>/.exec(xml)![1]!

const taskDefinition = (family: string) => ({
  family,
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'app', image: 'busybox', essential: true }]
})

describe('DeleteSecurityGroup', () => {
  it('deletes a free group; a group that does not exist (any more) is InvalidGroup.NotFound', async () => {
    const { ec2 } = setUp()
    const created = await ec2('CreateSecurityGroup', { GroupName: 'free', GroupDescription: 'free' })
    const groupId = groupIdOf(created.body)
    expect((await ec2('DeleteSecurityGroup', { GroupId: groupId })).status).toBe(200)
    const again = await ec2('DeleteSecurityGroup', { GroupId: groupId })
    expect([again.status, code(again.body)]).toEqual([400, 'InvalidGroup.NotFound'])
    const described = await ec2('DescribeSecurityGroups', {
      'Filter.1.Name': 'group-name',
      'Filter.1.Value.1': 'free'
    })
    expect(described.body).not.toContain(groupId)
    // By name: a group of the default VPC.
    await ec2('CreateSecurityGroup', { GroupName: 'named', GroupDescription: 'named' })
    expect((await ec2('DeleteSecurityGroup', { GroupName: 'named' })).status).toBe(200)
    expect(code((await ec2('DeleteSecurityGroup', { GroupName: 'named' })).body)).toBe(
      'InvalidGroup.NotFound'
    )
  })

  it('answers DependencyViolation while a running task uses the group, and deletes it once the task is gone', async () => {
    const { ctx, ecs, ec2 } = setUp()
    const groupId = groupIdOf(
      (await ec2('CreateSecurityGroup', { GroupName: 'web-pr-12', GroupDescription: 'preview' })).body
    )
    const other = groupIdOf(
      (await ec2('CreateSecurityGroup', { GroupName: 'other', GroupDescription: 'x' })).body
    )
    await ecs('CreateCluster', { clusterName: 'c' })
    await ecs('RegisterTaskDefinition', taskDefinition('web-pr-12'))
    const run = await ecs('RunTask', {
      cluster: 'c',
      taskDefinition: 'web-pr-12',
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: [ctx.ec2.subnets[0]!.SubnetId], securityGroups: [groupId] }
      }
    })
    expect(run.status).toBe(200)
    const inUse = await ec2('DeleteSecurityGroup', { GroupId: groupId })
    expect([inUse.status, code(inUse.body)]).toEqual([400, 'DependencyViolation'])
    expect(inUse.body).toContain(`resource ${groupId} has a dependent object`)
    // A group no task uses is free all the same.
    expect((await ec2('DeleteSecurityGroup', { GroupId: other })).status).toBe(200)
    // The task runner releases a task's interface when the task is STOPPED (task-runner.ts finish).
    const task = [...ctx.ecs.tasks.values()][0]!
    ctx.ec2.enis.delete(task.eniId)
    expect((await ec2('DeleteSecurityGroup', { GroupId: groupId })).status).toBe(200)
  })

  it('an interface being torn down (eniHoldsGroupDeletes) holds the group for its count of calls, then lets go', async () => {
    const { ctx, ecs, ec2 } = setUp()
    const groupId = groupIdOf(
      (await ec2('CreateSecurityGroup', { GroupName: 'held', GroupDescription: 'held' })).body
    )
    await ecs('CreateCluster', { clusterName: 'c' })
    await ecs('RegisterTaskDefinition', taskDefinition('held'))
    await ecs('RunTask', {
      cluster: 'c',
      taskDefinition: 'held',
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: [ctx.ec2.subnets[0]!.SubnetId], securityGroups: [groupId] }
      }
    })
    // As the task runner leaves the interface of a task STOPPED under eniHoldsGroupDeletes: 2.
    const eni = ctx.ec2.enis.get([...ctx.ecs.tasks.values()][0]!.eniId)!
    Object.assign(eni, { Status: 'available', releasedAfterDeletes: 2 })
    const codes: Array<string | undefined> = []
    for (let i = 0; i < 3; i++)
      codes.push(code((await ec2('DeleteSecurityGroup', { GroupId: groupId })).body))
    expect(codes).toEqual(['DependencyViolation', 'DependencyViolation', undefined])
    expect(ctx.ec2.enis.has(eni.NetworkInterfaceId)).toBe(false)
    expect(ctx.ec2.securityGroups.has(groupId)).toBe(false)
  })
})

describe('ListTaskDefinitions and DeregisterTaskDefinition', () => {
  it('lists the exact family by familyPrefix, ACTIVE by default, in pages; deregistered revisions are INACTIVE', async () => {
    const { ecs } = setUp()
    for (let i = 0; i < 3; i++) await ecs('RegisterTaskDefinition', taskDefinition('web-pr-12'))
    await ecs('RegisterTaskDefinition', taskDefinition('web-pr-123'))
    const revisions = (arns: unknown) => (arns as string[]).map((arn) => arn.split('/')[1])
    const first = await ecs('ListTaskDefinitions', { familyPrefix: 'web-pr-12', maxResults: 2 })
    expect(revisions(first.body.taskDefinitionArns)).toEqual(['web-pr-12:1', 'web-pr-12:2'])
    expect(first.body.nextToken).toEqual(expect.any(String))
    const second = await ecs('ListTaskDefinitions', {
      familyPrefix: 'web-pr-12',
      maxResults: 2,
      nextToken: first.body.nextToken
    })
    expect(revisions(second.body.taskDefinitionArns)).toEqual(['web-pr-12:3'])
    expect(second.body.nextToken).toBeUndefined()

    const deregistered = await ecs('DeregisterTaskDefinition', { taskDefinition: 'web-pr-12:2' })
    expect((deregistered.body.taskDefinition as { status: string }).status).toBe('INACTIVE')
    const active = await ecs('ListTaskDefinitions', { familyPrefix: 'web-pr-12', status: 'ACTIVE' })
    expect(revisions(active.body.taskDefinitionArns)).toEqual(['web-pr-12:1', 'web-pr-12:3'])
    const inactive = await ecs('ListTaskDefinitions', { familyPrefix: 'web-pr-12', status: 'INACTIVE' })
    expect(revisions(inactive.body.taskDefinitionArns)).toEqual(['web-pr-12:2'])
    // Deregistering again is no error in ECS: the revision stays INACTIVE.
    expect((await ecs('DeregisterTaskDefinition', { taskDefinition: 'web-pr-12:2' })).status).toBe(200)
    const missing = await ecs('DeregisterTaskDefinition', { taskDefinition: 'web-pr-12:9' })
    expect([missing.status, missing.body.__type]).toEqual([400, 'ClientException'])
    const noRevision = await ecs('DeregisterTaskDefinition', { taskDefinition: 'web-pr-12' })
    expect([noRevision.status, noRevision.body.__type]).toEqual([400, 'ClientException'])
  })

  it.each([0, 101])('rejects maxResults %d (1 to 100) with InvalidParameterException', async (maxResults) => {
    const { ecs } = setUp()
    const r = await ecs('ListTaskDefinitions', { maxResults })
    expect([r.status, r.body.__type]).toEqual([400, 'InvalidParameterException'])
  })

  it('rejects a status that is none of ACTIVE, INACTIVE, DELETE_IN_PROGRESS', async () => {
    const { ecs } = setUp()
    const r = await ecs('ListTaskDefinitions', { status: 'ALL' })
    expect([r.status, r.body.__type]).toEqual([400, 'InvalidParameterException'])
  })
})
