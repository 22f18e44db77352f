// The local AWS as the real SDK v3 clients see it: success and error shapes of every protocol, the strict
// validation rules, RunTask rejections, faults, switches and the call log. No task containers are started here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
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
  DescribeVpcsCommand
} from '@aws-sdk/client-ec2'
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand
} from '@aws-sdk/client-ecr'
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type RegisterTaskDefinitionCommandInput,
  type RunTaskCommandInput
} from '@aws-sdk/client-ecs'
import {
  AttachRolePolicyCommand,
  PutRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import type { LocalAws } from '../src/index.js'
import { clients, rejects, start, TRUST_ECS_TASKS, type Clients } from './helpers.js'

let aws: LocalAws
let c: Clients
let subnets: string[]
let sg: string
let execRoleArn: string

beforeAll(async () => {
  aws = await start()
  c = clients(aws)
  const vpc = (
    await c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] }))
  ).Vpcs![0]!
  subnets = (
    await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))
  ).Subnets!.map((s) => s.SubnetId!)
  sg = (
    await c.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'api-test', Description: 'api test', VpcId: vpc.VpcId })
    )
  ).GroupId!
  const role = await c.iam.send(
    new CreateRoleCommand({ RoleName: 'apiExec', AssumeRolePolicyDocument: TRUST_ECS_TASKS })
  )
  execRoleArn = role.Role!.Arn!
  await c.ecs.send(new CreateClusterCommand({ clusterName: 'api' }))
})

afterAll(async () => {
  await aws?.stop()
})

const baseTd = (
  over: Partial<RegisterTaskDefinitionCommandInput> = {}
): RegisterTaskDefinitionCommandInput => ({
  family: 'api-td',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'app', image: 'busybox:stable', portMappings: [{ containerPort: 8080 }] }],
  ...over
})

describe('protocol shapes and auth', () => {
  it('rejects unsigned requests like AWS (query and JSON shapes)', async () => {
    const q = await fetch(aws.endpoint, {
      method: 'POST',
      body: 'Action=GetCallerIdentity&Version=2011-06-15'
    })
    expect(q.status).toBe(403)
    expect(await q.text()).toContain('<Code>MissingAuthenticationToken</Code>')
    const j = await fetch(aws.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
      body: '{}'
    })
    expect(j.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationToken')
    const bad = await fetch(aws.endpoint, {
      method: 'POST',
      headers: { authorization: 'AWS4-HMAC-SHA256 Foo=bar' },
      body: 'Action=X'
    })
    expect(await bad.text()).toContain('IncompleteSignature')
  })

  it('STS GetCallerIdentity derives the ARN from the access key', async () => {
    const id = await c.sts.send(new GetCallerIdentityCommand({}))
    expect(id).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/AKIDLOCAL' })
  })

  it('ECR success and error shapes (awsJson1_1)', async () => {
    const created = await c.ecr.send(
      new CreateRepositoryCommand({ repositoryName: 'shapes/app', tags: [{ Key: 'k', Value: 'v' }] })
    )
    expect(created.repository).toMatchObject({
      repositoryName: 'shapes/app',
      repositoryUri: `${aws.registryHost}/shapes/app`,
      registryId: '123456789012'
    })
    expect(created.repository!.createdAt).toBeInstanceOf(Date)
    const dup = await rejects(
      c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'shapes/app' })),
      'RepositoryAlreadyExistsException'
    )
    expect(dup.$metadata.httpStatusCode).toBe(400)
    const missing = await rejects(
      c.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })),
      'RepositoryNotFoundException'
    )
    expect(missing.message).toBe(
      "The repository with name 'nope' does not exist in the registry with id '123456789012'"
    )
    await rejects(
      c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad Name' })),
      'InvalidParameterException'
    )
    await rejects(
      c.ecr.send(new DescribeImagesCommand({ repositoryName: 'shapes/app', imageIds: [{ imageTag: 'x' }] })),
      'ImageNotFoundException'
    )
    const token = await c.ecr.send(new GetAuthorizationTokenCommand({}))
    const data = token.authorizationData![0]!
    expect(Buffer.from(data.authorizationToken!, 'base64').toString()).toMatch(/^AWS:.+/)
    expect(data.proxyEndpoint).toBe(`http://${aws.registryHost}`)
    expect(data.expiresAt).toBeInstanceOf(Date)
  })

  it('EC2 default VPC, subnets, security groups and errors (ec2 query)', async () => {
    const vpcs = await c.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] })
    )
    expect(vpcs.Vpcs).toHaveLength(1)
    expect(vpcs.Vpcs![0]!.IsDefault).toBe(true)
    const defaults = await c.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] })
    )
    expect(defaults.Subnets).toHaveLength(2)
    expect(defaults.Subnets![0]!.DefaultForAz).toBe(true)
    const e = await rejects(
      c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-nope'] })),
      'InvalidSubnetID.NotFound'
    )
    expect(e.$metadata.httpStatusCode).toBe(400)
    const created = await c.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'web',
        Description: 'web',
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'app', Value: 'x' }] }]
      })
    )
    expect(created.GroupId).toMatch(/^sg-[0-9a-f]{17}$/)
    expect(created.Tags).toEqual([{ Key: 'app', Value: 'x' }])
    await rejects(
      c.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'again' })),
      'InvalidGroup.Duplicate'
    )
    const perm = { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }
    const auth = await c.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: created.GroupId, IpPermissions: [perm] })
    )
    expect(auth.Return).toBe(true)
    const dup = await rejects(
      c.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: created.GroupId, IpPermissions: [perm] })
      ),
      'InvalidPermission.Duplicate'
    )
    expect(dup.message).toBe(
      'the specified rule "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" already exists'
    )
    const byName = await c.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web'] }] })
    )
    expect(byName.SecurityGroups).toHaveLength(1)
    expect(byName.SecurityGroups![0]).toMatchObject({
      GroupId: created.GroupId,
      Description: 'web',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]
    })
    expect(byName.SecurityGroups![0]!.Tags).toEqual([{ Key: 'app', Value: 'x' }])
    await rejects(
      c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-00000000000000000'] })),
      'InvalidGroup.NotFound'
    )
    const def = await c.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] })
    )
    expect(def.SecurityGroups).toHaveLength(1)
    await rejects(
      c.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-nope'] })),
      'InvalidNetworkInterfaceID.NotFound'
    )
  })

  it('IAM roles and errors (awsQuery)', async () => {
    const e = await rejects(c.iam.send(new GetRoleCommand({ RoleName: 'ghost' })), 'NoSuchEntityException') // the SDK names the modeled NoSuchEntity code so
    expect(e.$metadata.httpStatusCode).toBe(404)
    expect(e.message).toBe('The role with name ghost cannot be found.')
    const created = await c.iam.send(
      new CreateRoleCommand({
        RoleName: 'r1',
        AssumeRolePolicyDocument: TRUST_ECS_TASKS,
        Tags: [{ Key: 'k', Value: 'v' }]
      })
    )
    expect(created.Role).toMatchObject({
      RoleName: 'r1',
      Arn: 'arn:aws:iam::123456789012:role/r1',
      Path: '/'
    })
    expect(created.Role!.CreateDate).toBeInstanceOf(Date)
    const got = await c.iam.send(new GetRoleCommand({ RoleName: 'r1' }))
    expect(JSON.parse(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!))).toEqual(
      JSON.parse(TRUST_ECS_TASKS)
    )
    expect(got.Role!.Tags).toEqual([{ Key: 'k', Value: 'v' }])
    await rejects(
      c.iam.send(new CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: TRUST_ECS_TASKS })),
      'EntityAlreadyExistsException'
    )
    const arn = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
    await c.iam.send(new AttachRolePolicyCommand({ RoleName: 'r1', PolicyArn: arn }))
    const listed = await c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'r1' }))
    expect(listed.AttachedPolicies).toEqual([
      { PolicyName: 'AmazonECSTaskExecutionRolePolicy', PolicyArn: arn }
    ])
    await rejects(
      c.iam.send(new AttachRolePolicyCommand({ RoleName: 'ghost', PolicyArn: arn })),
      'NoSuchEntityException'
    )
    const inline = JSON.stringify({ Version: '2012-10-17', Statement: [] })
    await c.iam.send(
      new PutRolePolicyCommand({ RoleName: 'r1', PolicyName: 'secrets', PolicyDocument: inline })
    )
    const state = aws.state() as {
      roles: Array<{ RoleName: string; InlinePolicies: Record<string, string> }>
    }
    expect(state.roles.find((role) => role.RoleName === 'r1')!.InlinePolicies).toEqual({ secrets: inline })
    await rejects(
      c.iam.send(new PutRolePolicyCommand({ RoleName: 'r1', PolicyName: 'bad', PolicyDocument: '{' })),
      'MalformedPolicyDocumentException'
    )
  })

  it('CloudWatch Logs groups and errors', async () => {
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/api', tags: { a: 'b' } }))
    await rejects(
      c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/api' })),
      'ResourceAlreadyExistsException'
    )
    const groups = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/a' }))
    expect(groups.logGroups!.map((g) => g.logGroupName)).toEqual(['/ecs/api'])
    const e = await rejects(
      c.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/api', logStreamName: 'x' })),
      'ResourceNotFoundException'
    )
    expect(e.message).toBe('The specified log stream does not exist.')
  })

  it('ECS clusters: MISSING failures, INACTIVE after delete', async () => {
    const d = await c.ecs.send(new DescribeClustersCommand({ clusters: ['api', 'ghost'], include: ['TAGS'] }))
    expect(d.clusters!.map((x) => [x.clusterName, x.status])).toEqual([['api', 'ACTIVE']])
    expect(d.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/ghost', reason: 'MISSING' }
    ])
    await c.ecs.send(
      new CreateClusterCommand({
        clusterName: 'doomed',
        capacityProviders: ['FARGATE'],
        tags: [{ key: 'a', value: 'b' }]
      })
    )
    await c.ecs.send(new DeleteClusterCommand({ cluster: 'doomed' }))
    const after = await c.ecs.send(new DescribeClustersCommand({ clusters: ['doomed'], include: ['TAGS'] }))
    expect(after.clusters![0]).toMatchObject({ status: 'INACTIVE', tags: [{ key: 'a', value: 'b' }] })
    const rt = await rejects(
      c.ecs.send(new RunTaskCommand({ cluster: 'doomed', taskDefinition: 'x', launchType: 'FARGATE' })),
      'ClusterNotFoundException'
    )
    expect(rt.message).toBe('Cluster not found.')
  })

  it('ECS task definitions: revisions, tags, list order, deregister', async () => {
    const r1 = await c.ecs.send(
      new RegisterTaskDefinitionCommand(baseTd({ family: 'fam', tags: [{ key: 't', value: '1' }] }))
    )
    const r2 = await c.ecs.send(new RegisterTaskDefinitionCommand(baseTd({ family: 'fam' })))
    expect([r1.taskDefinition!.revision, r2.taskDefinition!.revision]).toEqual([1, 2])
    expect(r1.taskDefinition!.compatibilities).toEqual(['EC2', 'FARGATE'])
    expect(r1.taskDefinition!.containerDefinitions![0]!.portMappings).toEqual([
      { containerPort: 8080, hostPort: 8080, protocol: 'tcp' }
    ])
    const latest = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'fam' }))
    expect(latest.taskDefinition!.revision).toBe(2)
    const first = await c.ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: r1.taskDefinition!.taskDefinitionArn,
        include: ['TAGS']
      })
    )
    expect(first.tags).toEqual([{ key: 't', value: '1' }])
    const list = await c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'fam', sort: 'DESC' }))
    expect(list.taskDefinitionArns!.map((a) => a.split('/')[1])).toEqual(['fam:2', 'fam:1'])
    await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'fam:2' }))
    expect(
      (await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'fam' }))).taskDefinition!
        .revision
    ).toBe(1)
    expect(
      (await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'fam:2' }))).taskDefinition!
        .status
    ).toBe('INACTIVE')
    const e = await rejects(
      c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nothing' })),
      'ClientException'
    )
    expect(e.message).toBe('Unable to describe task definition.')
  })
})

describe('RegisterTaskDefinition is strict like Fargate', () => {
  const awslogs = {
    logDriver: 'awslogs' as const,
    options: { 'awslogs-group': '/g', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'p' }
  }
  const cases: Array<[string, Partial<RegisterTaskDefinitionCommandInput>, string | undefined]> = [
    ['valid 256/512', {}, undefined],
    ['valid 1 vCPU / 2 GB', { cpu: '1 vCPU', memory: '2 GB' }, undefined],
    ['valid 16384/122880', { cpu: '16384', memory: '122880' }, undefined],
    ['bridge network mode', { networkMode: 'bridge' }, 'Fargate only supports network mode ‘awsvpc’.'],
    ['no cpu', { cpu: undefined }, "Fargate requires that 'cpu' be defined at the task level."],
    ['no memory', { memory: undefined }, "Fargate requires that 'memory' be defined at the task level."],
    ['256/4096', { memory: '4096' }, 'No Fargate configuration exists for given values.'],
    ['512/1536', { cpu: '512', memory: '1536' }, 'No Fargate configuration exists for given values.'],
    [
      '8192/18432 (step 4096)',
      { cpu: '8192', memory: '18432' },
      'No Fargate configuration exists for given values.'
    ],
    [
      'hostPort != containerPort',
      {
        containerDefinitions: [
          { name: 'a', image: 'i', portMappings: [{ containerPort: 80, hostPort: 8080 }] }
        ]
      },
      'When networkMode=awsvpc, the host ports and container ports in port mappings must match.'
    ],
    [
      'awslogs without execution role',
      { containerDefinitions: [{ name: 'a', image: 'i', logConfiguration: awslogs }] },
      'Fargate requires task definition to have execution role ARN to support log driver awslogs.'
    ],
    [
      'secrets without execution role',
      {
        containerDefinitions: [
          {
            name: 'a',
            image: 'i',
            secrets: [{ name: 'S', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/x' }]
          }
        ]
      },
      'Fargate requires task definition to have execution role ARN to support secrets.'
    ],
    ['no containers', { containerDefinitions: [] }, 'Container list cannot be empty.'],
    [
      'container without image',
      { containerDefinitions: [{ name: 'a' }] },
      'Container.image should not be null or empty.'
    ],
    [
      'container without name',
      { containerDefinitions: [{ image: 'i' }] },
      'Container.name should not be null or empty.'
    ]
  ]
  it.each(cases)('%s', async (_name, over, message) => {
    const p = c.ecs.send(new RegisterTaskDefinitionCommand(baseTd({ family: 'strict', ...over })))
    if (message === undefined) {
      await expect(p).resolves.toBeDefined()
    } else {
      const e = await rejects(p, 'ClientException')
      expect(e.message).toBe(message)
    }
  })

  it('awslogs with an execution role is accepted', async () => {
    await expect(
      c.ecs.send(
        new RegisterTaskDefinitionCommand(
          baseTd({
            executionRoleArn: execRoleArn,
            containerDefinitions: [{ name: 'a', image: 'i', logConfiguration: awslogs }]
          })
        )
      )
    ).resolves.toBeDefined()
  })
})

describe('RunTask rejections', () => {
  let tdArn: string
  beforeAll(async () => {
    tdArn = (await c.ecs.send(new RegisterTaskDefinitionCommand(baseTd({ family: 'rt' })))).taskDefinition!
      .taskDefinitionArn!
  })
  const run = (over: Partial<RunTaskCommandInput>): Promise<unknown> =>
    c.ecs.send(
      new RunTaskCommand({
        cluster: 'api',
        taskDefinition: tdArn,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets, securityGroups: [sg], assignPublicIp: 'ENABLED' }
        },
        ...over
      })
    )
  const cases: Array<[string, () => Partial<RunTaskCommandInput>, string, string]> = [
    ['missing cluster', () => ({ cluster: 'ghost' }), 'ClusterNotFoundException', 'Cluster not found.'],
    [
      'missing task definition',
      () => ({ taskDefinition: 'ghost:1' }),
      'InvalidParameterException',
      'TaskDefinition not found.'
    ],
    [
      'no network configuration',
      () => ({ networkConfiguration: undefined }),
      'InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    ],
    [
      'unknown subnet',
      () => ({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } } }),
      'InvalidParameterException',
      "Error retrieving subnet information for [subnet-0123456789abcdef0]: The subnet ID 'subnet-0123456789abcdef0' does not exist (ErrorCode: InvalidSubnetID.NotFound)"
    ],
    [
      'unknown security group',
      () => ({
        networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: ['sg-0123456789abcdef0'] } }
      }),
      'InvalidParameterException',
      "Error retrieving security group information for [sg-0123456789abcdef0]: The security group 'sg-0123456789abcdef0' does not exist (ErrorCode: InvalidGroup.NotFound)"
    ],
    [
      'EC2 launch type',
      () => ({ launchType: 'EC2' }),
      'InvalidParameterException',
      'No Container Instances were found in your cluster.'
    ],
    ['count 11', () => ({ count: 11 }), 'InvalidParameterException', 'Count must be between 1 and 10.'],
    [
      'launch type and capacity provider',
      () => ({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }),
      'InvalidParameterException',
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.'
    ]
  ]
  it.each(cases)('%s', async (_n, over, name, message) => {
    const e = await rejects(run(over()), name)
    expect(e.message).toBe(message)
  })

  it('an execution role that does not exist cannot be assumed', async () => {
    const td = await c.ecs.send(
      new RegisterTaskDefinitionCommand(
        baseTd({ family: 'rt-role', executionRoleArn: 'arn:aws:iam::123456789012:role/ghost' })
      )
    )
    const e = await rejects(run({ taskDefinition: td.taskDefinition!.taskDefinitionArn }), 'ClientException')
    expect(e.message).toMatch(/^ECS was unable to assume the role 'arn:aws:iam::123456789012:role\/ghost'/)
  })
})

describe('switches and faults', () => {
  let tdArn: string
  beforeAll(async () => {
    // A long provisioning phase keeps these tasks from ever starting a container.
    aws.configure({ taskTimings: { provisioningMs: 60000 } })
    tdArn = (await c.ecs.send(new RegisterTaskDefinitionCommand(baseTd({ family: 'sw' })))).taskDefinition!
      .taskDefinitionArn!
  })
  afterAll(() => {
    aws.configure({ taskTimings: { provisioningMs: 50 } })
    aws.setBehaviour({ describeTasksMissingTimes: 0, publicIpDelayDescribes: 0, runTaskFailures: [] })
  })
  const runTask = () =>
    c.ecs.send(
      new RunTaskCommand({
        cluster: 'api',
        taskDefinition: tdArn,
        launchType: 'FARGATE',
        startedBy: 'tests',
        tags: [{ key: 'k', value: 'v' }],
        networkConfiguration: {
          awsvpcConfiguration: { subnets, securityGroups: [sg], assignPublicIp: 'ENABLED' }
        }
      })
    )

  it('runTaskFailures answers failures[] and no tasks', async () => {
    aws.setBehaviour({
      runTaskFailures: [
        {
          reason:
            'Capacity is unavailable at this time. Please try again later or in a different availability zone'
        }
      ]
    })
    const out = await runTask()
    expect(out.tasks).toEqual([])
    expect(out.failures![0]!.reason).toMatch(/^Capacity is unavailable/)
    aws.setBehaviour({ runTaskFailures: [] })
  })

  it('describeTasksMissingTimes and publicIpDelayDescribes delay visibility; StopTask before start', async () => {
    aws.setBehaviour({ describeTasksMissingTimes: 2, publicIpDelayDescribes: 1 })
    const task = (await runTask()).tasks![0]!
    expect(task.lastStatus).toBe('PROVISIONING')
    expect(task.tags).toEqual([{ key: 'k', value: 'v' }])
    const describe = () =>
      c.ecs.send(new DescribeTasksCommand({ cluster: 'api', tasks: [task.taskArn!], include: ['TAGS'] }))
    expect((await describe()).failures).toEqual([{ arn: task.taskArn, reason: 'MISSING' }])
    expect((await describe()).failures).toHaveLength(1)
    const seen = (await describe()).tasks![0]!
    expect(seen).toMatchObject({
      startedBy: 'tests',
      group: 'family:sw',
      desiredStatus: 'RUNNING',
      tags: [{ key: 'k', value: 'v' }]
    })
    const eniId = seen.attachments![0]!.details!.find((d) => d.name === 'networkInterfaceId')!.value!
    const eni1 = await c.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))
    expect(eni1.NetworkInterfaces![0]!.Association).toBeUndefined()
    const eni2 = await c.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))
    expect(eni2.NetworkInterfaces![0]!.Association!.PublicIp).toMatch(/^127\.0\.0\.\d+$/)
    expect(eni2.NetworkInterfaces![0]!.PrivateIpAddress).toMatch(/^127\.0\.1\.\d+$/)

    const stopped = await c.ecs.send(
      new StopTaskCommand({ cluster: 'api', task: task.taskArn!, reason: 'cleanup' })
    )
    expect(stopped.task!.desiredStatus).toBe('STOPPED')
    const after = (await describe()).tasks![0]!
    expect(after).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'cleanup'
    })
  })

  it('injected faults fail the next calls in each protocol shape; throttling is retried by the SDK', async () => {
    aws.clearCalls()
    aws.injectFault({ operation: 'ecs:DescribeClusters', code: 'ThrottlingException', times: 2 })
    const ok = await c.ecs.send(new DescribeClustersCommand({ clusters: ['api'] }))
    expect(ok.clusters).toHaveLength(1)
    expect(aws.calls().map((x) => x.error ?? 'ok')).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ok'
    ])

    aws.injectFault({ operation: 'CreateRepository', code: 'AccessDeniedException', message: 'denied' })
    const ecrErr = await rejects(
      c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'denied' })),
      'AccessDeniedException'
    )
    expect([ecrErr.message, ecrErr.$metadata.httpStatusCode]).toEqual(['denied', 400])

    aws.injectFault({ operation: 'DescribeVpcs', code: 'UnauthorizedOperation' })
    const ec2Err = await rejects(c.ec2.send(new DescribeVpcsCommand({})), 'UnauthorizedOperation')
    expect(ec2Err.$metadata.httpStatusCode).toBe(403)

    aws.injectFault({ operation: 'GetRole', code: 'AccessDenied' })
    const iamErr = await rejects(c.iam.send(new GetRoleCommand({ RoleName: 'r1' })), 'AccessDenied')
    expect(iamErr.$metadata.httpStatusCode).toBe(403)

    aws.injectFault({ operation: 'GetRole', code: 'Throttling', times: 1 })
    await expect(c.iam.send(new GetRoleCommand({ RoleName: 'r1' }))).resolves.toBeDefined()
  })

  it('control endpoints mirror the API', async () => {
    const post = (p: string, body: unknown) =>
      fetch(aws.endpoint + p, { method: 'POST', body: JSON.stringify(body) })
    expect(((await (await fetch(`${aws.endpoint}/_local/health`)).json()) as { ok: boolean }).ok).toBe(true)
    await post('/_local/faults', { operation: 'ListTaskDefinitions', code: 'ServerException' })
    await rejects(c.ecs.send(new ListTaskDefinitionsCommand({})), 'ServerException').catch(() => undefined)
    await fetch(`${aws.endpoint}/_local/faults`, { method: 'DELETE' })
    await post('/_local/behaviour', { publicIpDelayDescribes: 0 })
    await post('/_local/configure', { latencyMs: 0 })
    await fetch(`${aws.endpoint}/_local/calls`, { method: 'DELETE' })
    await c.sts.send(new GetCallerIdentityCommand({}))
    const calls = (await (await fetch(`${aws.endpoint}/_local/calls`)).json()) as Array<{
      service: string
      operation: string
      accessKeyId: string
    }>
    expect(calls).toEqual([
      expect.objectContaining({ service: 'sts', operation: 'GetCallerIdentity', accessKeyId: 'AKIDLOCAL' })
    ])
    const state = (await (await fetch(`${aws.endpoint}/_local/state`)).json()) as {
      clusters: unknown[]
      roles: unknown[]
    }
    expect(state.clusters.length).toBeGreaterThan(0)
    expect(state.roles.length).toBeGreaterThan(0)
  })

  it('records every call with params, access key and duration; latency applies', async () => {
    aws.clearCalls()
    aws.configure({ latencyMs: 150 })
    const other = clients(aws, 'AKIDOTHER')
    const t0 = Date.now()
    await other.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['shapes/app'] }))
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150)
    aws.configure({ latencyMs: 0 })
    const [call] = aws.calls()
    expect(call).toMatchObject({
      service: 'ecr',
      operation: 'DescribeRepositories',
      params: { repositoryNames: ['shapes/app'] },
      accessKeyId: 'AKIDOTHER'
    })
    expect(call!.durationMs).toBeGreaterThanOrEqual(150)
  })
})

describe('policy enforcement per access key (setPolicy)', () => {
  afterAll(() => aws.setPolicy('AKIDLIMITED', undefined))

  it('answers each service’s access-denied error with IAM’s sentence', async () => {
    aws.setPolicy('AKIDLIMITED', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ecr:Describe*', 'ecs:RunTask', 'ecs:Describe*'], Resource: '*' }
      ]
    })
    const limited = clients(aws, 'AKIDLIMITED')
    await expect(limited.ecr.send(new DescribeRepositoriesCommand({}))).resolves.toBeDefined()
    const ecr = await rejects(
      limited.ecr.send(new CreateRepositoryCommand({ repositoryName: 'nope' })),
      'AccessDeniedException'
    )
    expect(ecr.message).toBe(
      'User: arn:aws:iam::123456789012:user/AKIDLIMITED is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:123456789012:repository/nope because no identity-based policy allows the ecr:CreateRepository action'
    )
    expect(ecr.$metadata.httpStatusCode).toBe(400)
    const ec2 = await rejects(limited.ec2.send(new DescribeVpcsCommand({})), 'UnauthorizedOperation')
    expect(ec2.$metadata.httpStatusCode).toBe(403)
    const iam = await rejects(limited.iam.send(new GetRoleCommand({ RoleName: 'r1' })), 'AccessDenied')
    expect(iam.message).toMatch(
      /is not authorized to perform: iam:GetRole on resource: arn:aws:iam::123456789012:role\/r1/
    )
    await expect(limited.sts.send(new GetCallerIdentityCommand({}))).resolves.toBeDefined()

    // RunTask is allowed, but handing the execution role to ECS needs iam:PassRole.
    const td = await c.ecs.send(
      new RegisterTaskDefinitionCommand(baseTd({ family: 'pass', executionRoleArn: execRoleArn }))
    )
    const pass = await rejects(
      limited.ecs.send(
        new RunTaskCommand({
          cluster: 'api',
          taskDefinition: td.taskDefinition!.taskDefinitionArn,
          launchType: 'FARGATE',
          networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [sg] } }
        })
      ),
      'AccessDeniedException'
    )
    expect(pass.message).toMatch(
      /not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role\/apiExec/
    )
  })
})
