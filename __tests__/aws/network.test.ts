import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type SecurityGroup
} from '@aws-sdk/client-ec2'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { ActionError } from '../../src/explain/action-error.js'
import {
  allowsIngress,
  deleteSecurityGroup,
  findFamilySecurityGroup,
  notCreatedByAction,
  readInterfaceAddresses,
  resolveNetwork,
  securityGroupName
} from '../../src/aws/network.js'

const ec2 = mockClient(EC2Client)
const client = new EC2Client({ region: 'us-east-1' })
const base = { family: 'myapp', subnets: [], securityGroups: [], ingressCidr: '0.0.0.0/0', tags: [] }

beforeEach(() => {
  ec2.reset()
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-default' }] })
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-b' }, { SubnetId: 'subnet-a' }] })
})

describe('resolveNetwork', () => {
  test('makes no call when subnets and security groups are given', async () => {
    expect(
      await resolveNetwork(client, { ...base, subnets: ['subnet-1'], securityGroups: ['sg-1'], port: 80 })
    ).toEqual({
      subnets: ['subnet-1'],
      securityGroups: ['sg-1']
    })
    expect(ec2.calls()).toHaveLength(0)
  })

  test('creates a security group in the default VPC that opens the port', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] })
    ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-new' })
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({})
    const result = await resolveNetwork(client, {
      ...base,
      port: 5000,
      tags: [{ key: 'team', value: 'data' }]
    })
    expect(result).toEqual({
      subnets: ['subnet-a', 'subnet-b'],
      securityGroups: ['sg-new'],
      securityGroupChange: 'created'
    })
    expect(ec2.commandCalls(DescribeVpcsCommand)[0]!.args[0].input).toEqual({
      Filters: [{ Name: 'is-default', Values: ['true'] }]
    })
    expect(ec2.commandCalls(CreateSecurityGroupCommand)[0]!.args[0].input).toMatchObject({
      GroupName: 'ecs-fargate-deploy-myapp',
      VpcId: 'vpc-default',
      // The tags input, and the family: a closed preview's group may be deleted only with it.
      TagSpecifications: [
        {
          ResourceType: 'security-group',
          Tags: [
            { Key: 'team', Value: 'data' },
            { Key: 'ecs-fargate-deploy:family', Value: 'myapp' }
          ]
        }
      ]
    })
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]!.args[0].input).toEqual({
      GroupId: 'sg-new',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 5000,
          ToPort: 5000,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ecs-fargate-deploy' }]
        }
      ]
    })
  })

  test('reuses the family group in the same VPC and does not re-open an open port', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        { GroupId: 'sg-other-vpc', VpcId: 'vpc-other' },
        {
          GroupId: 'sg-mine',
          VpcId: 'vpc-default',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 5000, ToPort: 5000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }
          ]
        }
      ]
    })
    const result = await resolveNetwork(client, { ...base, port: 5000 })
    expect(result).toEqual({
      subnets: ['subnet-a', 'subnet-b'],
      securityGroups: ['sg-mine'],
      securityGroupChange: undefined
    })
    expect(ec2.commandCalls(CreateSecurityGroupCommand)).toHaveLength(0)
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0)
  })

  test('opens a new port in the existing group, tolerating a duplicate rule', async () => {
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-mine', VpcId: 'vpc-default' }] })
    ec2
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejects(
        Object.assign(new Error('the specified rule already exists'), { name: 'InvalidPermission.Duplicate' })
      )
    const result = await resolveNetwork(client, { ...base, port: 8080 })
    expect(result.securityGroups).toEqual(['sg-mine'])
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(1)
  })

  test('a group a concurrent run created first (InvalidGroup.Duplicate) is described again and used', async () => {
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [] })
      .resolves({
        SecurityGroups: [
          { GroupId: 'sg-theirs-other-vpc', VpcId: 'vpc-other' },
          { GroupId: 'sg-theirs', VpcId: 'vpc-default', IpPermissions: [] }
        ]
      })
    ec2.on(CreateSecurityGroupCommand).rejects(
      Object.assign(new Error("The security group 'ecs-fargate-deploy-myapp' already exists for VPC"), {
        name: 'InvalidGroup.Duplicate'
      })
    )
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({})
    const result = await resolveNetwork(client, { ...base, port: 5000 })
    // Not created by this run; the port it opened in the adopted group is its change.
    expect(result).toEqual({
      subnets: ['subnet-a', 'subnet-b'],
      securityGroups: ['sg-theirs'],
      securityGroupChange: 'opened-port'
    })
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand).map((call) => call.args[0].input)).toEqual([
      { Filters: [{ Name: 'group-name', Values: ['ecs-fargate-deploy-myapp'] }] },
      { Filters: [{ Name: 'group-name', Values: ['ecs-fargate-deploy-myapp'] }] }
    ])
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]!.args[0].input.GroupId).toBe('sg-theirs')
  })

  test('an adopted group whose creator already opened the port gets no second rule', async () => {
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [] })
      .resolves({
        SecurityGroups: [
          {
            GroupId: 'sg-theirs',
            VpcId: 'vpc-default',
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 5000, ToPort: 5000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }
            ]
          }
        ]
      })
    ec2
      .on(CreateSecurityGroupCommand)
      .rejects(Object.assign(new Error('already exists'), { name: 'InvalidGroup.Duplicate' }))
    const result = await resolveNetwork(client, { ...base, port: 5000 })
    expect(result).toEqual({
      subnets: ['subnet-a', 'subnet-b'],
      securityGroups: ['sg-theirs'],
      securityGroupChange: undefined
    })
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0)
  })

  test('a created group whose rule a concurrent run added first (InvalidPermission.Duplicate) is a success', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] })
    ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-new' })
    ec2
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejects(
        Object.assign(new Error('the specified rule already exists'), { name: 'InvalidPermission.Duplicate' })
      )
    expect(await resolveNetwork(client, { ...base, port: 5000 })).toEqual({
      subnets: ['subnet-a', 'subnet-b'],
      securityGroups: ['sg-new'],
      securityGroupChange: 'created'
    })
  })

  test('InvalidGroup.Duplicate with no group to be found in the VPC, and other errors, pass through', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] })
    ec2
      .on(CreateSecurityGroupCommand)
      .rejectsOnce(Object.assign(new Error('already exists'), { name: 'InvalidGroup.Duplicate' }))
      .rejects(
        Object.assign(new Error('You have exceeded the limit'), { name: 'SecurityGroupLimitExceeded' })
      )
    await expect(resolveNetwork(client, { ...base, port: 5000 })).rejects.toThrow('already exists')
    await expect(resolveNetwork(client, { ...base, port: 5000 })).rejects.toThrow(
      'You have exceeded the limit'
    )
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0)
    ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-new' })
    ec2
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejects(
        Object.assign(new Error('rules per group exceeded'), { name: 'RulesPerSecurityGroupLimitExceeded' })
      )
    await expect(resolveNetwork(client, { ...base, port: 5000 })).rejects.toThrow('rules per group exceeded')
  })

  test('security groups given (without subnets) are used, never described or changed', async () => {
    const result = await resolveNetwork(client, { ...base, securityGroups: ['sg-mine'], port: 80 })
    expect(result).toEqual({ subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-mine'] })
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(0)
    expect(ec2.commandCalls(CreateSecurityGroupCommand)).toHaveLength(0)
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0)
  })

  const untagged: SecurityGroup = {
    GroupId: 'sg-old',
    GroupName: 'ecs-fargate-deploy-myapp',
    VpcId: 'vpc-default',
    IpPermissions: []
  }

  test("an untagged group of the action's name (an older version's) that allows the port is used as it is", async () => {
    const open = {
      ...untagged,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]
    }
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [open] })
    const result = await resolveNetwork(client, { ...base, port: 80 })
    expect(result.securityGroups).toEqual(['sg-old'])
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0)
  })

  test('an untagged group without the port, which the deploy policy may not open: says how to tag it', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [untagged] })
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation'
      })
    )
    const error = (await resolveNetwork(client, { ...base, port: 80 }).catch(
      (e: unknown) => e
    )) as ActionError
    expect(error).toBeInstanceOf(ActionError)
    expect(error.summary).toBe(
      'Security group sg-old (ecs-fargate-deploy-myapp) does not allow port 80 from 0.0.0.0/0, and this AWS ' +
        'identity may not open it: the group does not carry the tag ecs-fargate-deploy:family=myapp, and the ' +
        'deploy policy changes only groups that do (the action tags the groups it creates)'
    )
    expect(error.hint).toContain(
      'aws ec2 create-tags --resources sg-old --tags Key=ecs-fargate-deploy:family,Value=myapp'
    )
  })

  test('an untagged group the identity may open (an admin): opened, as before', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [untagged] })
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({})
    expect((await resolveNetwork(client, { ...base, port: 80 })).securityGroupChange).toBe('opened-port')
  })

  test('a tagged group the identity may not open: the AWS error passes through (explained upstream)', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [{ ...untagged, Tags: [{ Key: 'ecs-fargate-deploy:family', Value: 'myapp' }] }]
    })
    ec2
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }))
    await expect(resolveNetwork(client, { ...base, port: 80 })).rejects.toMatchObject({
      name: 'UnauthorizedOperation'
    })
  })

  test('uses the VPC of the subnets given', async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-mine' }] })
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] })
    ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-new' })
    const result = await resolveNetwork(client, { ...base, subnets: ['subnet-1'] })
    expect(result.subnets).toEqual(['subnet-1'])
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(0)
    expect(ec2.commandCalls(CreateSecurityGroupCommand)[0]!.args[0].input.VpcId).toBe('vpc-mine')
    // No port: no ingress rule to add.
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0)
  })

  test('explains a region without a default VPC', async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] })
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] })
    await expect(resolveNetwork(client, base)).rejects.toThrow(
      'This region has no default VPC to run the task in'
    )
  })

  test('rejects subnets from different VPCs', async () => {
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: 'subnet-1', VpcId: 'vpc-a' },
        { SubnetId: 'subnet-2', VpcId: 'vpc-b' }
      ]
    })
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] })
    await expect(resolveNetwork(client, { ...base, subnets: ['subnet-1', 'subnet-2'] })).rejects.toThrow(
      'are not all in one VPC'
    )
  })
})

describe('allowsIngress', () => {
  const group = (permission: object): SecurityGroup => ({ IpPermissions: [permission] })
  test.each([
    [{ IpProtocol: 'tcp', FromPort: 5000, ToPort: 5000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, true],
    [{ IpProtocol: 'tcp', FromPort: 4000, ToPort: 6000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, true],
    [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, true],
    [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, false],
    [{ IpProtocol: 'tcp', FromPort: 5000, ToPort: 5000, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, false],
    [{ IpProtocol: 'udp', FromPort: 5000, ToPort: 5000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, false]
  ])('%j allows tcp 5000 from 0.0.0.0/0: %s', (permission, expected) => {
    expect(allowsIngress(group(permission), 5000, '0.0.0.0/0')).toBe(expected)
  })
})

test('securityGroupName names the group after the family', () => {
  expect(securityGroupName('web')).toBe('ecs-fargate-deploy-web')
})

test('readInterfaceAddresses reads every interface in one call', async () => {
  ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-1', PrivateIpAddress: '10.0.0.1', Association: { PublicIp: '203.0.113.1' } },
      { NetworkInterfaceId: 'eni-2', PrivateIpAddress: '10.0.0.2' }
    ]
  })
  const addresses = await readInterfaceAddresses(client, ['eni-1', 'eni-2'])
  expect(Object.fromEntries(addresses)).toEqual({
    'eni-1': { publicIp: '203.0.113.1', privateIp: '10.0.0.1' },
    'eni-2': { publicIp: undefined, privateIp: '10.0.0.2' }
  })
  expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(1)
  expect(await readInterfaceAddresses(client, [])).toEqual(new Map())
})

describe('a closed preview: its security group found and deleted', () => {
  const ours = (extra: Partial<SecurityGroup> = {}): SecurityGroup => ({
    GroupId: 'sg-ours',
    GroupName: 'ecs-fargate-deploy-web-pr-12',
    VpcId: 'vpc-default',
    Description: 'ecs-fargate-deploy: tasks of web-pr-12',
    ...extra
  })
  const error = (name: string) => Object.assign(new Error(`${name} from EC2`), { name })

  test("findFamilySecurityGroup: the exact name, in the default VPC, not another VPC's group of that name", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [ours({ GroupId: 'sg-elsewhere', VpcId: 'vpc-other' }), ours()]
    })
    const group = await findFamilySecurityGroup(client, { family: 'web-pr-12', subnets: [] })
    expect(group?.GroupId).toBe('sg-ours')
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0]!.args[0].input).toEqual({
      Filters: [{ Name: 'group-name', Values: ['ecs-fargate-deploy-web-pr-12'] }]
    })
    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(0)
  })

  test("findFamilySecurityGroup: given subnets, the subnets' VPC; none there is undefined", async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-mine' }] })
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [ours()] })
    expect(await findFamilySecurityGroup(client, { family: 'web-pr-12', subnets: ['subnet-1'] })).toBe(
      undefined
    )
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(0)
  })

  test.each<[string, Partial<SecurityGroup>, Array<{ key: string; value: string }>, string | undefined]>([
    ['its description and no tags asked for', {}, [], undefined],
    [
      'the tags input carried',
      {
        Tags: [
          { Key: 'team', Value: 'web' },
          { Key: 'other', Value: 'x' }
        ]
      },
      [{ key: 'team', value: 'web' }],
      undefined
    ],
    [
      'another description (made by hand, adopted by the deploy)',
      { Description: 'mine' },
      [],
      "its description is 'mine', not 'ecs-fargate-deploy: tasks of web-pr-12'"
    ],
    [
      'a tag of the input missing or different',
      { Tags: [{ Key: 'team', Value: 'api' }] },
      [{ key: 'team', value: 'web' }],
      'it does not carry the tags team=web'
    ]
  ])('notCreatedByAction: %s', (_, extra, tags, reason) => {
    expect(notCreatedByAction(ours(extra), 'web-pr-12', tags)).toBe(reason)
  })

  test('deleteSecurityGroup: deleted at once', async () => {
    ec2.on(DeleteSecurityGroupCommand).resolves({})
    const clock = new FakeClock()
    expect(await deleteSecurityGroup(client, 'sg-ours', { deadline: clock.now() + 60_000, clock })).toBe(
      'deleted'
    )
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)[0]!.args[0].input).toEqual({ GroupId: 'sg-ours' })
    expect(clock.sleeps).toEqual([])
  })

  test('deleteSecurityGroup: DependencyViolation retried with backoff until the interface lets go', async () => {
    ec2
      .on(DeleteSecurityGroupCommand)
      .rejectsOnce(error('DependencyViolation'))
      .rejectsOnce(error('DependencyViolation'))
      .rejectsOnce(error('DependencyViolation'))
      .resolves({})
    const clock = new FakeClock()
    const log: string[] = []
    const outcome = await deleteSecurityGroup(client, 'sg-ours', {
      deadline: clock.now() + 60_000,
      clock,
      log: (message) => log.push(message)
    })
    expect(outcome).toBe('deleted')
    expect(clock.sleeps).toEqual([2_000, 4_000, 8_000])
    expect(log[0]).toBe('Security group sg-ours is still in use; deleting it again in 2 s')
  })

  test('deleteSecurityGroup: DependencyViolation past the deadline is thrown, the waits capped at 15 s', async () => {
    ec2.on(DeleteSecurityGroupCommand).rejects(error('DependencyViolation'))
    const clock = new FakeClock()
    const start = clock.now()
    await expect(
      deleteSecurityGroup(client, 'sg-ours', { deadline: start + 60_000, clock })
    ).rejects.toMatchObject({ name: 'DependencyViolation' })
    expect(clock.sleeps).toEqual([2_000, 4_000, 8_000, 15_000, 15_000, 15_000])
    expect(clock.now() - start).toBeLessThanOrEqual(60_000)
  })

  test('deleteSecurityGroup: a group gone already is absent; another error is thrown at once', async () => {
    ec2
      .on(DeleteSecurityGroupCommand)
      .rejectsOnce(error('InvalidGroup.NotFound'))
      .rejects(error('UnauthorizedOperation'))
    const clock = new FakeClock()
    expect(await deleteSecurityGroup(client, 'sg-ours', { deadline: clock.now() + 60_000, clock })).toBe(
      'absent'
    )
    await expect(
      deleteSecurityGroup(client, 'sg-ours', { deadline: clock.now() + 60_000, clock })
    ).rejects.toMatchObject({ name: 'UnauthorizedOperation' })
    expect(clock.sleeps).toEqual([])
  })
})
