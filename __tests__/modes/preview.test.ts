// The AWS side of a preview: the earlier commit's tasks replaced (not those just started, not another family's),
// and every task of the preview stopped when its pull request closes.
import {
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type SecurityGroup
} from '@aws-sdk/client-ec2'
import {
  DeregisterTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  StopTaskCommand
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeClock } from '../../__fixtures__/clock.js'
import { parseInputs } from '../../src/inputs/inputs.js'
import {
  SECURITY_GROUP_RETRY_MS,
  cleanUpPreview,
  closedReason,
  replacedReason,
  stopEarlierTasks,
  stopPreview
} from '../../src/modes/preview.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'us-east-1' })
const arn = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:task/c/${id.padEnd(32, '0')}`
const TD = (family: string): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:3`
const OLD = arn('a')
const NEW = arn('b')
const OTHER = arn('c')

beforeEach(() => ecs.reset())

const base = () => {
  const clock = new FakeClock()
  return {
    cluster: 'c',
    family: 'web-pr-12',
    startedBy: 'ecs-fargate-deploy',
    deadline: clock.now() + 60_000,
    clock,
    log: () => undefined
  }
}

test.each([
  [
    replacedReason(12, 'bbbbbbb2222222'),
    'Replaced by the preview of bbbbbbb (pull request #12), ecs-fargate-deploy'
  ],
  [closedReason(12), 'Pull request #12 closed: preview stopped by ecs-fargate-deploy']
])('the StopTask reason %s', (reason, text) => {
  expect(reason).toBe(text)
})

test("a new preview stops the earlier one of its family, not the tasks just started, not another family's", async () => {
  ecs.on(ListTasksCommand).resolves({ taskArns: [OLD, NEW, OTHER] })
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: [
      { taskArn: OLD, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') },
      { taskArn: NEW, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') },
      { taskArn: OTHER, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-13') }
    ].filter((task) => input.tasks.includes(task.taskArn))
  }))
  ecs.on(StopTaskCommand).resolves({})
  const stopped = await stopEarlierTasks(client, { ...base(), keep: [NEW], reason: 'replaced' })
  expect(stopped).toEqual([OLD])
  expect(ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input)).toEqual([
    { cluster: 'c', task: OLD, reason: 'replaced' }
  ])
  expect(ecs.commandCalls(ListTasksCommand)[0]!.args[0].input).toEqual({
    cluster: 'c',
    startedBy: 'ecs-fargate-deploy',
    desiredStatus: 'RUNNING'
  })
})

test('the first preview of a pull request stops nothing', async () => {
  ecs.on(ListTasksCommand).resolves({ taskArns: [NEW] })
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [{ taskArn: NEW, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') }]
  })
  expect(await stopEarlierTasks(client, { ...base(), keep: [NEW], reason: 'replaced' })).toEqual([])
  expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0)
})

test('closed stops every task of the preview, with the reason, and waits until they are STOPPED', async () => {
  ecs.on(ListTasksCommand).resolves({ taskArns: [NEW] })
  ecs
    .on(DescribeTasksCommand)
    .resolvesOnce({ tasks: [{ taskArn: NEW, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') }] })
    .resolvesOnce({ tasks: [{ taskArn: NEW, lastStatus: 'RUNNING', taskDefinitionArn: TD('web-pr-12') }] })
    .resolves({ tasks: [{ taskArn: NEW, lastStatus: 'STOPPED', taskDefinitionArn: TD('web-pr-12') }] })
  ecs.on(StopTaskCommand).resolves({})
  expect(await stopPreview(client, { ...base(), pullRequest: 12 })).toEqual({
    stopped: [NEW],
    alreadyStopped: [],
    missing: []
  })
  expect(ecs.commandCalls(StopTaskCommand)[0]!.args[0].input).toEqual({
    cluster: 'c',
    task: NEW,
    reason: 'Pull request #12 closed: preview stopped by ecs-fargate-deploy'
  })
})

describe('cleanUpPreview: after the close, the security group and the family removed', () => {
  const ec2 = mockClient(EC2Client)
  const ec2Client = new EC2Client({ region: 'us-east-1' })
  const GROUP: SecurityGroup = {
    GroupId: 'sg-0123456789abcdef0',
    GroupName: 'ecs-fargate-deploy-web-pr-12',
    VpcId: 'vpc-default',
    Description: 'ecs-fargate-deploy: tasks of web-pr-12',
    Tags: [{ Key: 'team', Value: 'web' }]
  }
  const REVISIONS = [TD('web-pr-12').replace(/:3$/, ':1'), TD('web-pr-12')]
  const error = (name: string, message = `${name} from AWS`) => Object.assign(new Error(message), { name })
  const inputs = (given: Record<string, string> = {}) =>
    parseInputs(
      (name) => ({ repository: 'web', family: 'web-pr-12', tags: 'team=web', ...given })[name] ?? '',
      {
        env: { AWS_REGION: 'us-east-1' },
        readFile: () => ''
      }
    )

  beforeEach(() => {
    ec2.reset()
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-default' }] })
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [GROUP] })
    ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: REVISIONS })
    ecs.on(DeregisterTaskDefinitionCommand).resolves({})
  })

  const run = async (given: Record<string, string> = {}, deadlineMs = 600_000) => {
    const clock = new FakeClock()
    const log: string[] = []
    const warnings: string[] = []
    let ec2Asked = 0
    const result = await cleanUpPreview(
      inputs(given),
      {
        ecs: client,
        ec2: async () => {
          ec2Asked += 1
          return ec2Client
        }
      },
      {
        deadline: clock.now() + deadlineMs,
        clock,
        log: (message) => log.push(message),
        warn: (message) => warnings.push(message)
      }
    )
    return { result, log, warnings, clock, ec2Asked }
  }

  test('deletes the group it created (found by name in the default VPC) and deregisters each ACTIVE revision', async () => {
    ec2.on(DeleteSecurityGroupCommand).resolves({})
    const { result, log, warnings } = await run()
    expect(result).toEqual({
      securityGroup: { outcome: 'deleted', groupId: GROUP.GroupId },
      taskDefinitions: { deregistered: 2, left: 0 },
      removed: `security group ${GROUP.GroupId!} and task definition family web-pr-12 removed`
    })
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).map((call) => call.args[0].input)).toEqual([
      { GroupId: GROUP.GroupId }
    ])
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual(
      REVISIONS.map((taskDefinition) => ({ taskDefinition }))
    )
    expect(log).toEqual(
      expect.arrayContaining([
        `Deleted the security group ecs-fargate-deploy-web-pr-12 (${GROUP.GroupId!})`,
        'Deregistered 2 revision(s) of the task definition family web-pr-12'
      ])
    )
    expect(warnings).toEqual([])
  })

  test('security-groups given: no EC2 client is even made, the family is deregistered all the same', async () => {
    const { result, ec2Asked } = await run({
      'security-groups': 'sg-0aaaaaaaaaaaaaaaa',
      subnets: 'subnet-0aaaaaaaaaaaaaaaa'
    })
    expect(ec2Asked).toBe(0)
    expect(ec2.calls()).toHaveLength(0)
    expect(result.securityGroup).toBeUndefined()
    expect(result.removed).toBe('task definition family web-pr-12 removed')
  })

  test('a group still held by a network interface is retried for 60 s, then warned about, naming it and why', async () => {
    ec2
      .on(DeleteSecurityGroupCommand)
      .rejects(error('DependencyViolation', 'resource sg-0123456789abcdef0 has a dependent object'))
    const { result, warnings, clock } = await run()
    expect(result.securityGroup).toEqual({ outcome: 'left', groupId: GROUP.GroupId })
    expect(result.removed).toBe('task definition family web-pr-12 removed')
    expect(clock.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(SECURITY_GROUP_RETRY_MS)
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).length).toBeGreaterThan(3)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(
      `Could not delete the security group ecs-fargate-deploy-web-pr-12 (${GROUP.GroupId!}): a network interface still uses it after 59 s`
    )
    expect(warnings[0]).toContain('has a dependent object')
    expect(warnings[0]).toContain(`aws ec2 delete-security-group --group-id ${GROUP.GroupId!}`)
  })

  test("the step's deadline, when nearer than 60 s, ends the retries", async () => {
    ec2.on(DeleteSecurityGroupCommand).rejects(error('DependencyViolation'))
    const { clock, warnings } = await run({}, 10_000)
    expect(clock.sleeps).toEqual([2_000, 4_000])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('a network interface still uses it after 6 s')
  })

  test('the group let go after a few retries is deleted', async () => {
    ec2
      .on(DeleteSecurityGroupCommand)
      .rejectsOnce(error('DependencyViolation'))
      .rejectsOnce(error('DependencyViolation'))
      .resolves({})
    const { result, warnings, clock } = await run()
    expect(result.securityGroup?.outcome).toBe('deleted')
    expect(clock.sleeps).toEqual([2_000, 4_000])
    expect(warnings).toEqual([])
  })

  test.each([
    [
      'no group of that name',
      () => ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] }),
      {
        outcome: 'absent'
      }
    ],
    [
      'the group deleted already (InvalidGroup.NotFound)',
      () => ec2.on(DeleteSecurityGroupCommand).rejects(error('InvalidGroup.NotFound')),
      { outcome: 'absent', groupId: GROUP.GroupId }
    ]
  ])('%s: success, nothing warned, the comment does not claim the group', async (_, setUp, securityGroup) => {
    setUp()
    const { result, warnings } = await run()
    expect(result.securityGroup).toEqual(securityGroup)
    expect(result.removed).toBe('task definition family web-pr-12 removed')
    expect(warnings).toEqual([])
  })

  test("a group of the family's name the action did not create (other description, tags) is left, warned", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [{ ...GROUP, Description: 'made by hand', Tags: [] }]
    })
    const { result, warnings } = await run()
    expect(result.securityGroup).toEqual({ outcome: 'left', groupId: GROUP.GroupId })
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(0)
    expect(warnings).toEqual([
      `Left the security group ecs-fargate-deploy-web-pr-12 (${GROUP.GroupId!}): its description is 'made by hand', not 'ecs-fargate-deploy: tasks of web-pr-12', so the action did not create it`
    ])
  })

  test('failed calls warn and never throw: the look-up denied, a revision that fails, the listing denied', async () => {
    ec2
      .on(DescribeSecurityGroupsCommand)
      .rejects(error('UnauthorizedOperation', 'You are not authorized to perform this operation.'))
    ecs
      .on(DeregisterTaskDefinitionCommand)
      .resolvesOnce({})
      .rejects(error('ClientException', 'The specified task definition does not exist.'))
    const first = await run()
    expect(first.result).toEqual({
      securityGroup: { outcome: 'left', groupId: undefined },
      taskDefinitions: { deregistered: 1, left: 1 },
      removed: '1 of 2 revisions of task definition family web-pr-12 deregistered'
    })
    expect(first.warnings).toEqual([
      expect.stringMatching(
        /^Could not delete the security group ecs-fargate-deploy-web-pr-12: .*not authorized/is
      ),
      expect.stringMatching(
        new RegExp(`^Could not deregister the task definition ${REVISIONS[1]!}: .*does not exist`)
      )
    ])
    ecs
      .on(ListTaskDefinitionsCommand)
      .rejects(
        error(
          'AccessDeniedException',
          'User: arn:aws:sts::123456789012:assumed-role/ci/run is not authorized to perform: ecs:ListTaskDefinitions on resource: * because no identity-based policy allows the ecs:ListTaskDefinitions action'
        )
      )
    const second = await run({
      'security-groups': 'sg-0aaaaaaaaaaaaaaaa',
      subnets: 'subnet-0aaaaaaaaaaaaaaaa'
    })
    expect(second.result).toEqual({ taskDefinitions: { deregistered: 0, left: 0 }, removed: '' })
    expect(second.warnings).toEqual([
      expect.stringMatching(/^Could not list the task definitions of web-pr-12 to deregister them: /)
    ])
    // The hint is the statement of the row (policy/permissions.ts): what to add to the role.
    expect(second.warnings[0]).toContain('"ecs:ListTaskDefinitions"')
  })
})
