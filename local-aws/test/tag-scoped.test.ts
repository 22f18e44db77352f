// Issue 18's conditions as the local AWS enforces them, through the dispatcher as the SDK sends them: a
// security group's ingress opened only when the group carries the family tag (aws:ResourceTag from the group),
// an untag allowed only for the keys it names (aws:TagKeys), and IAM's GetRolePolicy (URL-encoded, NoSuchEntity).
import { describe, expect, it } from '@jest/globals'
import { createControls } from '../src/controls.js'
import { createDispatcher } from '../src/dispatch.js'
import { buildContext } from '../src/instance-state.js'
import { newEcrState } from '../src/state/ecr.js'
import { emptyRegistry, signedHeaders } from './dispatch-helpers.js'

const KEY = 'AKIDTAGSCOPED'
const ACCOUNT = '123456789012'

function setUp() {
  const ctx = buildContext({
    accountId: ACCOUNT,
    registry: emptyRegistry(),
    runner: { start: () => undefined, stop: () => undefined },
    ecr: newEcrState(),
    log: () => undefined
  })
  const controls = createControls(ctx, 0)
  const dispatch = createDispatcher(ctx, controls, () => undefined)
  const query = async (
    service: string,
    version: string,
    action: string,
    params: Record<string, string>,
    key?: string
  ) => {
    const body = new URLSearchParams({ Action: action, Version: version, ...params }).toString()
    const r = await dispatch(signedHeaders(service, { key }), body)
    return { status: r.status, body: r.body }
  }
  const ec2 = (action: string, params: Record<string, string>, key?: string) =>
    query('ec2', '2016-11-15', action, params, key)
  const iam = (action: string, params: Record<string, string>, key?: string) =>
    query('iam', '2010-05-08', action, params, key)
  return { ctx, controls, ec2, iam }
}

const code = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1]
const groupIdOf = (xml: string) => /<groupId>([^<]+)<\/groupId>/.exec(xml)![1]!
const OPEN_PORT = {
  'IpPermissions.1.IpProtocol': 'tcp',
  'IpPermissions.1.FromPort': '80',
  'IpPermissions.1.ToPort': '80',
  'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0'
}

describe('ec2:AuthorizeSecurityGroupIngress scoped to aws:ResourceTag', () => {
  it("opens a port only in a group carrying the family tag, not in another group (a database's)", async () => {
    const { controls, ec2 } = setUp()
    const tagged = groupIdOf(
      (
        await ec2('CreateSecurityGroup', {
          GroupName: 'ecs-fargate-deploy-web',
          GroupDescription: 'ecs-fargate-deploy: tasks of web',
          'TagSpecification.1.ResourceType': 'security-group',
          'TagSpecification.1.Tag.1.Key': 'ecs-fargate-deploy:family',
          'TagSpecification.1.Tag.1.Value': 'web'
        })
      ).body
    )
    const database = groupIdOf(
      (await ec2('CreateSecurityGroup', { GroupName: 'database', GroupDescription: 'db' })).body
    )
    controls.setPolicy(KEY, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ec2:AuthorizeSecurityGroupIngress',
          Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/*`,
          Condition: { StringLike: { 'aws:ResourceTag/ecs-fargate-deploy:family': 'web' } }
        }
      ]
    })
    expect((await ec2('AuthorizeSecurityGroupIngress', { GroupId: tagged, ...OPEN_PORT }, KEY)).status).toBe(
      200
    )
    const denied = await ec2('AuthorizeSecurityGroupIngress', { GroupId: database, ...OPEN_PORT }, KEY)
    expect([denied.status, code(denied.body)]).toEqual([403, 'UnauthorizedOperation'])
    const revoke = await ec2('RevokeSecurityGroupIngress', { GroupId: database, ...OPEN_PORT }, KEY)
    expect(code(revoke.body)).toBe('UnauthorizedOperation')
  })
})

describe('iam:GetRolePolicy', () => {
  it('returns the inline policy URL-encoded, and NoSuchEntity for a name the role lacks', async () => {
    const { iam } = setUp()
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [] })
    await iam('CreateRole', { RoleName: 'exec', AssumeRolePolicyDocument: trust })
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: '*' }]
    })
    await iam('PutRolePolicy', { RoleName: 'exec', PolicyName: 'secrets', PolicyDocument: document })
    const found = await iam('GetRolePolicy', { RoleName: 'exec', PolicyName: 'secrets' })
    expect(found.status).toBe(200)
    expect(found.body).toContain(`<PolicyDocument>${encodeURIComponent(document)}</PolicyDocument>`)
    const missing = await iam('GetRolePolicy', { RoleName: 'exec', PolicyName: 'other' })
    expect([missing.status, code(missing.body)]).toEqual([404, 'NoSuchEntity'])
  })
})
