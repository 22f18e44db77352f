import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import {
  ACCOUNT_PLACEHOLDER,
  PERMISSIONS,
  arnsFor,
  executionRoleDocuments,
  partitionOf,
  policyFor,
  rowsFor,
  rowsForOperation,
  scopeFor,
  statementFor,
  statementsFor,
  type PolicyDocument,
  type PolicyStatement
} from '../../src/policy/permissions.js'
import {
  END_MARKER,
  PERMISSIONS_DOC_PATH,
  renderFormattedSection,
  START_MARKER,
  renderPermissionsSection,
  replacePermissionsSection
} from '../../scripts/permissions-doc.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const ACCOUNT = '123456789012'

function inputsWith(given: Record<string, string> = {}): Inputs {
  const all: Record<string, string> = { region: 'eu-west-1', repository: 'myapp', port: '8080', ...given }
  return parseInputs((name) => all[name] ?? '', { env: {}, readFile: () => '' })
}

function actionsOf(policy: PolicyDocument): Set<string> {
  return new Set(policy.Statement.flatMap((statement) => statement.Action))
}

function statement(policy: PolicyDocument, sid: string): PolicyStatement {
  const found = policy.Statement.find((s) => s.Sid === sid)
  if (!found) throw new Error(`no statement ${sid} in ${policy.Statement.map((s) => s.Sid).join(', ')}`)
  return found
}

/** Statements granting this action, for assertions on where and under which condition it is allowed. */
function grantsOf(policy: PolicyDocument, action: string): PolicyStatement[] {
  return policy.Statement.filter((s) => s.Action.includes(action))
}

// Real IAM action names, checked against the Service Authorization Reference (ECR, ECS, EC2, IAM, Logs, STS).
const KNOWN_IAM_ACTIONS = new Set([
  'ecr:GetAuthorizationToken',
  'ecr:DescribeRepositories',
  'ecr:CreateRepository',
  'ecr:TagResource',
  'ecr:DescribeImages',
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'ecr:BatchGetImage',
  'ecs:DescribeClusters',
  'ecs:CreateCluster',
  'ecs:DescribeTaskDefinition',
  'ecs:RegisterTaskDefinition',
  'ecs:RunTask',
  'ecs:DescribeTasks',
  'ecs:ListTasks',
  'ecs:StopTask',
  'ecs:TagResource',
  'ecs:UntagResource',
  'iam:GetRolePolicy',
  'ecs:DescribeServices',
  'ecs:DescribeExpressGatewayService',
  'ecs:CreateExpressGatewayService',
  'ecs:UpdateExpressGatewayService',
  'ecs:DeleteExpressGatewayService',
  'ecs:ListServiceDeployments',
  'ecs:DescribeServiceDeployments',
  'ecs:UpdateService',
  'ecs:StopServiceDeployment',
  'ecs:ListTaskDefinitions',
  'ecs:DeregisterTaskDefinition',
  'ec2:DeleteSecurityGroup',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:CreateSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:DescribeNetworkInterfaces',
  'ec2:CreateTags',
  'iam:GetRole',
  'iam:CreateRole',
  'iam:TagRole',
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:PassRole',
  'iam:CreateServiceLinkedRole',
  'logs:DescribeLogGroups',
  'logs:CreateLogGroup',
  'logs:TagLogGroup',
  'logs:TagResource',
  'logs:GetLogEvents',
  'scheduler:CreateSchedule',
  'scheduler:UpdateSchedule',
  'scheduler:DeleteSchedule',
  // Scheduled jobs.
  'scheduler:GetSchedule',
  'events:PutRule',
  'events:TagResource',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:DeleteRule',
  'sts:GetCallerIdentity'
])

const VARIANTS: Array<[string, Record<string, string>]> = [
  ['defaults', {}],
  [
    'bring everything',
    {
      'create-repository': 'false',
      'create-cluster': 'false',
      'create-execution-role': 'false',
      'execution-role': 'arn:aws:iam::111122223333:role/exec',
      'task-role': 'arn:aws:iam::111122223333:role/app',
      subnets: 'subnet-0123456789abcdef0',
      'security-groups': 'sg-0123456789abcdef0'
    }
  ],
  ['wait-for stopped', { 'wait-for': 'stopped', 'task-role': 'app-role' }],
  ['stop', { mode: 'stop', repository: '', family: 'myapp' }],
  ['permissions', { mode: 'permissions', region: '' }],
  ['China', { region: 'cn-north-1', 'wait-for': 'none' }]
]

describe('policyFor scoping rules', () => {
  test.each<[string, Record<string, string>, string[], string[]]>([
    // name, inputs, actions that must be allowed, actions that must not be
    [
      'a default deploy creates what is missing but roles, and passes the execution role',
      {},
      [
        'ecr:CreateRepository',
        'ecs:CreateCluster',
        'iam:GetRole',
        'ec2:CreateSecurityGroup',
        'logs:CreateLogGroup',
        'iam:PassRole',
        'logs:GetLogEvents',
        // stop-on-cancel: a cancelled run stops the tasks it started.
        'ecs:StopTask'
      ],
      // Creating roles and writing their policies is the one-time setup's (audience 'setup').
      ['ecs:ListTasks', 'sts:GetCallerIdentity', 'iam:CreateRole', 'iam:AttachRolePolicy', 'iam:TagRole']
    ],
    [
      'create-repository false drops ecr:CreateRepository but keeps the push',
      { 'create-repository': 'false' },
      ['ecr:DescribeRepositories', 'ecr:PutImage', 'ecr:GetAuthorizationToken'],
      ['ecr:CreateRepository', 'ecr:TagResource']
    ],
    [
      'security-groups given drops the security group statements',
      { 'security-groups': 'sg-0123456789abcdef0' },
      ['ec2:DescribeSubnets'],
      [
        'ec2:CreateSecurityGroup',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:CreateTags',
        'ec2:DescribeSecurityGroups'
      ]
    ],
    [
      'subnets and security groups given need no network look-up',
      { subnets: 'subnet-0123456789abcdef0', 'security-groups': 'sg-0123456789abcdef0' },
      ['ec2:DescribeNetworkInterfaces'],
      ['ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:CreateSecurityGroup']
    ],
    [
      'no port opens nothing',
      { port: '' },
      ['ec2:CreateSecurityGroup'],
      ['ec2:AuthorizeSecurityGroupIngress']
    ],
    [
      'create-cluster false drops CreateCluster and the service-linked role',
      { 'create-cluster': 'false' },
      ['ecs:DescribeClusters', 'ecs:TagResource'],
      ['ecs:CreateCluster', 'iam:CreateServiceLinkedRole']
    ],
    [
      'an execution role ARN needs no IAM call but PassRole',
      { 'execution-role': 'arn:aws:iam::123456789012:role/exec' },
      ['iam:PassRole'],
      ['iam:GetRole', 'iam:CreateRole', 'iam:AttachRolePolicy', 'iam:TagRole']
    ],
    [
      'create-execution-role false with a name only looks the role up',
      { 'create-execution-role': 'false' },
      ['iam:GetRole', 'iam:PassRole'],
      ['iam:CreateRole', 'iam:AttachRolePolicy']
    ],
    [
      'secrets on a role the action manages: it reads the inline policy, never writes it (the setup does)',
      { secrets: 'DB=arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf' },
      ['iam:GetRolePolicy'],
      ['iam:PutRolePolicy']
    ],
    [
      'secrets on a role given as an ARN, which the user manages: no inline policy',
      {
        secrets: 'DB=arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf',
        'execution-role': 'arn:aws:iam::123456789012:role/exec'
      },
      [],
      ['iam:PutRolePolicy', 'iam:GetRolePolicy']
    ],
    [
      'wait-for none reads no task, address or log',
      { 'wait-for': 'none' },
      ['ecs:RunTask'],
      ['ecs:DescribeTasks', 'ec2:DescribeNetworkInterfaces', 'logs:GetLogEvents', 'ecs:StopTask']
    ],
    [
      'wait-for stopped may stop the tasks on timeout and reads no address',
      { 'wait-for': 'stopped' },
      ['ecs:StopTask', 'logs:GetLogEvents', 'ecs:DescribeTasks'],
      ['ec2:DescribeNetworkInterfaces']
    ],
    [
      'wait-for stopped without stop-on-timeout or stop-on-cancel never stops a task',
      { 'wait-for': 'stopped', 'stop-on-timeout': 'false', 'stop-on-cancel': 'false' },
      ['ecs:DescribeTasks'],
      ['ecs:StopTask']
    ],
    [
      'wait-for running may stop the tasks when the run is cancelled',
      { 'wait-for': 'running' },
      ['ecs:StopTask', 'ecs:DescribeTasks'],
      []
    ],
    [
      'wait-for running without stop-on-cancel never stops a task',
      { 'wait-for': 'running', 'stop-on-cancel': 'false' },
      ['ecs:DescribeTasks'],
      ['ecs:StopTask']
    ],
    [
      'permissions mode is a deploy plus stop',
      { mode: 'permissions' },
      ['ecr:CreateRepository', 'ecs:RunTask', 'ecs:ListTasks', 'ecs:StopTask', 'ecs:DescribeTasks'],
      []
    ]
  ])('%s', (_name, given, allowed, denied) => {
    const actions = actionsOf(policyFor(inputsWith(given), ACCOUNT))
    for (const action of allowed) expect([action, actions.has(action)]).toEqual([action, true])
    for (const action of denied) expect([action, actions.has(action)]).toEqual([action, false])
  })

  test('stop mode has only what stop needs', () => {
    const policy = policyFor(inputsWith({ mode: 'stop', repository: '', family: 'myapp' }), ACCOUNT)
    expect([...actionsOf(policy)].sort()).toEqual(['ecs:DescribeTasks', 'ecs:ListTasks', 'ecs:StopTask'])
    expect(grantsOf(policy, 'ecs:StopTask')[0]!.Resource).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:task/default/*'
    ])
    expect(grantsOf(policy, 'ecs:ListTasks')[0]!.Condition).toEqual({
      ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/default' }
    })
  })

  test('stop mode with task ARNs does not list tasks', () => {
    const inputs = inputsWith({
      mode: 'stop',
      'task-arn': 'arn:aws:ecs:eu-west-1:123456789012:task/default/0123456789abcdef0123456789abcdef'
    })
    expect([...actionsOf(policyFor(inputs, ACCOUNT))].sort()).toEqual(['ecs:DescribeTasks', 'ecs:StopTask'])
  })

  test('a task role adds PassRole on it, only to ECS tasks', () => {
    const policy = policyFor(inputsWith({ 'task-role': 'arn:aws:iam::123456789012:role/app' }), ACCOUNT)
    const passRole = grantsOf(policy, 'iam:PassRole')
    expect(passRole).toHaveLength(1)
    expect(passRole[0]!.Resource).toEqual([
      'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      'arn:aws:iam::123456789012:role/app'
    ])
    expect(passRole[0]!.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }
    })
    expect(actionsOf(policyFor(inputsWith(), ACCOUNT)).has('iam:PassRole')).toBe(true)
    expect(grantsOf(policyFor(inputsWith(), ACCOUNT), 'iam:PassRole')[0]!.Resource).toEqual([
      'arn:aws:iam::123456789012:role/ecsTaskExecutionRole'
    ])
  })

  test('a task role given by name is looked up in IAM', () => {
    const policy = policyFor(inputsWith({ 'task-role': 'app' }), ACCOUNT)
    expect(grantsOf(policy, 'iam:GetRole')[0]!.Resource).toContain('arn:aws:iam::123456789012:role/app')
  })

  test('ARNs carry the partition, region, account and names', () => {
    const policy = policyFor(
      inputsWith({ cluster: 'fargate', family: 'web', 'log-group': '/apps/web' }),
      ACCOUNT
    )
    expect(statement(policy, 'EcrRepository').Resource).toEqual([
      'arn:aws:ecr:eu-west-1:123456789012:repository/myapp'
    ])
    expect(statement(policy, 'EcsCluster').Resource).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:cluster/fargate'
    ])
    expect(statement(policy, 'EcsRunTask')).toEqual({
      Sid: 'EcsRunTask',
      Effect: 'Allow',
      Action: ['ecs:RunTask'],
      Resource: ['arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*'],
      Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/fargate' } }
    })
    expect(statement(policy, 'LogsLogGroup').Resource).toEqual([
      'arn:aws:logs:eu-west-1:123456789012:log-group:/apps/web',
      'arn:aws:logs:eu-west-1:123456789012:log-group:/apps/web:*'
    ])
    expect(statement(policy, 'LogsRead').Resource).toEqual([
      'arn:aws:logs:eu-west-1:123456789012:log-group:/apps/web:log-stream:*'
    ])
    expect(statement(policy, 'EcsTagOnCreate')).toEqual({
      Sid: 'EcsTagOnCreate',
      Effect: 'Allow',
      Action: ['ecs:TagResource'],
      Resource: [
        'arn:aws:ecs:eu-west-1:123456789012:cluster/fargate',
        'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*',
        'arn:aws:ecs:eu-west-1:123456789012:task/fargate/*'
      ],
      Condition: {
        StringEquals: { 'ecs:CreateAction': ['CreateCluster', 'RegisterTaskDefinition', 'RunTask'] }
      }
    })
    expect(statement(policy, 'Ec2TagOnCreate').Condition).toEqual({
      StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' }
    })
    const setup = policyFor(inputsWith({ cluster: 'fargate', family: 'web' }), ACCOUNT, { audience: 'setup' })
    expect(statement(setup, 'IamExecutionRolePolicy').Condition).toEqual({
      ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }
    })
  })

  test('actions AWS cannot scope get Resource "*" and nothing else', () => {
    const policy = policyFor(inputsWith(), ACCOUNT)
    for (const action of [
      'ecr:GetAuthorizationToken',
      'ecs:RegisterTaskDefinition',
      'ecs:DescribeTaskDefinition',
      'ec2:DescribeSubnets',
      'logs:DescribeLogGroups'
    ]) {
      expect([action, grantsOf(policy, action).map((s) => s.Resource)]).toEqual([action, [['*']]])
    }
  })

  test('the account comes from the argument, then role or cluster ARNs, else the placeholder', () => {
    expect(scopeFor(inputsWith(), '999999999999').account).toBe('999999999999')
    expect(scopeFor(inputsWith({ 'execution-role': 'arn:aws:iam::111122223333:role/exec' })).account).toBe(
      '111122223333'
    )
    const clusterArn = 'arn:aws:ecs:eu-west-1:444455556666:cluster/prod'
    expect(scopeFor(inputsWith({ cluster: clusterArn }))).toMatchObject({
      account: '444455556666',
      cluster: 'prod'
    })
    const placeholder = policyFor(inputsWith())
    expect(statement(placeholder, 'EcrRepository').Resource).toEqual([
      `arn:aws:ecr:eu-west-1:${ACCOUNT_PLACEHOLDER}:repository/myapp`
    ])
  })

  test('roles keep their path and account when given as ARNs', () => {
    const scope = scopeFor(
      inputsWith({ 'execution-role': 'arn:aws:iam::111122223333:role/ci/exec' }),
      ACCOUNT
    )
    expect(scope.executionRole).toBe('arn:aws:iam::111122223333:role/ci/exec')
  })

  test('the partition follows the region', () => {
    expect(partitionOf('cn-north-1')).toBe('aws-cn')
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov')
    expect(partitionOf('eu-central-1')).toBe('aws')
    const policy = policyFor(inputsWith({ region: 'cn-north-1' }), ACCOUNT)
    expect(statement(policy, 'EcrRepository').Resource).toEqual([
      'arn:aws-cn:ecr:cn-north-1:123456789012:repository/myapp'
    ])
  })

  test.each(VARIANTS)('%s: a well-formed policy of known IAM actions', (_name, given) => {
    const policy = policyFor(inputsWith(given), ACCOUNT)
    expect(policy.Version).toBe('2012-10-17')
    const sids = policy.Statement.map((s) => s.Sid)
    expect(new Set(sids).size).toBe(sids.length)
    for (const s of policy.Statement) {
      expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/)
      expect(s.Effect).toBe('Allow')
      expect(s.Action).toEqual([...new Set(s.Action)].sort())
      expect(s.Resource.length).toBeGreaterThan(0)
      expect(new Set(s.Resource).size).toBe(s.Resource.length)
      for (const resource of s.Resource)
        expect(resource).toMatch(/^(\*|arn:aws[a-z-]*:[a-z0-9-]+:(REGION|[a-z0-9-]*):(\d{12}|aws)?:.+)$/)
      for (const action of s.Action) {
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/)
        expect([action, KNOWN_IAM_ACTIONS.has(action)]).toEqual([action, true])
      }
    }
  })

  test('every row uses known IAM action names, a step and a Sid', () => {
    for (const row of PERMISSIONS) {
      expect(row.step.length).toBeGreaterThan(5)
      for (const action of row.actions)
        expect([action, KNOWN_IAM_ACTIONS.has(action)]).toEqual([action, true])
      if (row.optional) expect(row.optional.input).toMatch(/^[a-z-]+$/)
    }
  })

  test('rows that share a Sid share the kind of condition, so merging them keeps their meaning', () => {
    const scope = scopeFor(inputsWith({ 'task-role': 'app' }), ACCOUNT)
    const kinds = new Map<string, string>()
    for (const row of PERMISSIONS) {
      const condition = row.condition?.(scope) ?? {}
      const kind = JSON.stringify(Object.entries(condition).map(([op, keys]) => [op, Object.keys(keys)]))
      expect([row.sid, kinds.get(row.sid) ?? kind]).toEqual([row.sid, kind])
      kinds.set(row.sid, kind)
    }
  })

  test('optional inputs name real action inputs', () => {
    const actionYml = readFileSync(join(root, 'action.yml'), 'utf8')
    for (const row of PERMISSIONS.filter((r) => r.optional)) {
      expect(actionYml).toMatch(new RegExp(`^  ${row.optional!.input}:$`, 'm'))
    }
  })
})

describe('statementFor and statementsFor', () => {
  const scope = scopeFor(inputsWith(), ACCOUNT)

  test('statementFor is one row, ready to paste', () => {
    const row = rowsForOperation('ecr', 'CreateRepository')[0]!
    expect(statementFor(row, scope)).toEqual({
      Sid: 'EcrRepository',
      Effect: 'Allow',
      Action: ['ecr:CreateRepository', 'ecr:TagResource'],
      Resource: ['arn:aws:ecr:eu-west-1:123456789012:repository/myapp']
    })
  })

  test('sts:GetCallerIdentity is listed but never granted: AWS allows it to everyone', () => {
    const rows = rowsForOperation('sts', 'GetCallerIdentity')
    expect(rows).toHaveLength(1)
    expect(statementsFor(rows, scope)).toEqual([])
  })
})

describe('executionRoleDocuments', () => {
  test('trust for ECS tasks and the managed policy in the partition', () => {
    expect(executionRoleDocuments()).toEqual({
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
        ]
      },
      managedPolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
    })
    expect(executionRoleDocuments('aws-cn').managedPolicyArn).toBe(
      'arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
    )
  })
})

describe('audiences: the deploy policy and the one-time setup', () => {
  const IAM_ROLE_WRITES = [
    'iam:CreateRole',
    'iam:TagRole',
    'iam:PutRolePolicy',
    'iam:AttachRolePolicy',
    'iam:UpdateAssumeRolePolicy',
    'iam:PutRolePermissionsBoundary',
    'iam:DeleteRolePermissionsBoundary'
  ]

  test('every row that creates or writes a role is a setup row, and only those', () => {
    for (const row of PERMISSIONS) {
      const writesRole = row.actions.some((action) => IAM_ROLE_WRITES.includes(action))
      expect([row.operation, row.actions, row.audience === 'setup']).toEqual([
        row.operation,
        row.actions,
        writesRole
      ])
    }
  })

  test.each([
    ['tasks with secrets', { secrets: 'DB=/app/db' }],
    ['a service with a ttl and a task role', { service: 'shop', ttl: '2h', 'task-role': 'app' }],
    ['a preview', { mode: 'permissions', preview: 'true' }]
  ])('%s: the deploy policy has no role write; deploy plus setup is every call', (_name, given) => {
    const inputs = inputsWith(given)
    const deploy = actionsOf(policyFor(inputs, ACCOUNT))
    const setup = actionsOf(policyFor(inputs, ACCOUNT, { audience: 'setup' }))
    const all = actionsOf(policyFor(inputs, ACCOUNT, { audience: 'all' }))
    for (const action of IAM_ROLE_WRITES) expect([action, deploy.has(action)]).toEqual([action, false])
    expect(setup.has('iam:CreateRole')).toBe(true)
    expect([...all].sort()).toEqual([...new Set([...deploy, ...setup])].sort())
  })
})

/** SDK operations used by a source file: imported `XxxCommand`s, `new XxxCommand(`, paginators and waiters. */
function sdkOperations(source: string): { service?: string; operation: string }[] {
  const services: Record<string, string> = {
    ecr: 'ecr',
    ecs: 'ecs',
    ec2: 'ec2',
    iam: 'iam',
    'cloudwatch-logs': 'logs',
    sts: 'sts',
    scheduler: 'scheduler',
    eventbridge: 'events'
  }
  const waiters: Record<string, { service: string; operation: string }> = {
    TasksRunning: { service: 'ecs', operation: 'DescribeTasks' },
    TasksStopped: { service: 'ecs', operation: 'DescribeTasks' }
  }
  const found: { service?: string; operation: string }[] = []
  const imported = new Set<string>()
  for (const match of source.matchAll(
    /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]@aws-sdk\/client-([a-z0-9-]+)['"]/g
  )) {
    const service = services[match[2]!] ?? `unknown service @aws-sdk/client-${match[2]}`
    for (const raw of match[1]!.split(',')) {
      const name = raw
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!
      const command = /^([A-Z]\w*)Command$/.exec(name)
      const paginator = /^paginate([A-Z]\w*)$/.exec(name)
      const waiter = /^waitUntil([A-Z]\w*)$/.exec(name)
      if (command) found.push({ service, operation: command[1]! })
      if (paginator) found.push({ service, operation: paginator[1]! })
      if (waiter)
        found.push(waiters[waiter[1]!] ?? { service, operation: `waiter ${waiter[1]} (add it to waiters)` })
      if (command) imported.add(command[1]!)
    }
  }
  for (const match of source.matchAll(/new\s+([A-Z]\w*)Command\s*\(/g)) {
    if (!imported.has(match[1]!)) found.push({ operation: match[1]! })
  }
  return found
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : []
  )
}

function missingRows(operations: { service?: string; operation: string }[]): string[] {
  return operations
    .filter(({ service, operation }) =>
      service
        ? rowsForOperation(service, operation).length === 0
        : !PERMISSIONS.some((r) => r.operation === operation)
    )
    .map(({ service, operation }) => `${service ?? '?'}:${operation}`)
}

describe('every AWS call the source makes has a row in the permissions table', () => {
  test('the scanner finds commands, paginators and waiters, and the ones without a row', () => {
    const source = [
      "import { DescribeTasksCommand, StopTaskCommand as Stop, paginateListTasks, type Task } from '@aws-sdk/client-ecs'",
      "import {\n  DeleteLogGroupCommand,\n  type CloudWatchLogsClient\n} from '@aws-sdk/client-cloudwatch-logs'",
      "import { waitUntilTasksStopped } from '@aws-sdk/client-ecs'",
      'await ecs.send(new DescribeTasksCommand({}))',
      'await other.send(new FrobnicateCommand({}))'
    ].join('\n')
    expect(sdkOperations(source)).toEqual([
      { service: 'ecs', operation: 'DescribeTasks' },
      { service: 'ecs', operation: 'StopTask' },
      { service: 'ecs', operation: 'ListTasks' },
      { service: 'logs', operation: 'DeleteLogGroup' },
      { service: 'ecs', operation: 'DescribeTasks' },
      { operation: 'Frobnicate' }
    ])
    expect(missingRows(sdkOperations(source))).toEqual(['logs:DeleteLogGroup', '?:Frobnicate'])
  })

  test('src/**/*.ts', () => {
    const files = sourceFiles(join(root, 'src'))
    expect(files.length).toBeGreaterThan(0)
    const missing = files.flatMap((file) =>
      missingRows(sdkOperations(readFileSync(file, 'utf8'))).map(
        (call) => `${call} in ${file.slice(root.length + 1)}`
      )
    )
    // Add a row to PERMISSIONS in src/policy/permissions.ts for each call listed here.
    expect(missing).toEqual([])
  })
})

describe('docs/permissions.md (scripts/permissions-doc.ts)', () => {
  test('renders the table and the example policy between the markers', () => {
    const section = renderPermissionsSection()
    expect(section.startsWith(START_MARKER)).toBe(true)
    expect(section.endsWith(END_MARKER)).toBe(true)
    expect(section).toContain('| Step | IAM actions | Resource | Optional: bring your own |')
    expect(section).toContain('`create-repository`: set create-repository: false')
    expect(section).toContain('arn:aws:ecs:us-east-1:123456789012:task-definition/myapp:*')
    expect(section).toContain('arn:aws:ecs:us-east-1:123456789012:cluster/fargate-cluster')
    const policy = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)![1]!) as PolicyDocument
    expect(actionsOf(policy).has('ecs:StopTask')).toBe(true)
    expect(actionsOf(policy).has('ec2:AuthorizeSecurityGroupIngress')).toBe(true)
    expect(
      section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Step')).length
    ).toBe(PERMISSIONS.length + 1)
  })

  test('replaces only the section, and says when there are no markers', () => {
    const readme = `# Title\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## After\n`
    const updated = replacePermissionsSection(readme, `${START_MARKER}\nnew\n${END_MARKER}`)
    expect(updated).toBe(`# Title\n\n${START_MARKER}\nnew\n${END_MARKER}\n\n## After\n`)
    expect(replacePermissionsSection(updated!, `${START_MARKER}\nnew\n${END_MARKER}`)).toBe(updated)
    expect(replacePermissionsSection('# no markers', 'x')).toBeUndefined()
  })

  test('docs/permissions.md is up to date (run npx tsx scripts/permissions-doc.ts)', async () => {
    const readme = readFileSync(PERMISSIONS_DOC_PATH, 'utf8')
    expect(replacePermissionsSection(readme, await renderFormattedSection(PERMISSIONS_DOC_PATH))).toBe(readme)
  })
})

describe('previews', () => {
  test('a preview deploy may list, describe and stop the tasks of the cluster, delete its security group and deregister its family; a plain deploy waiting for none may not', () => {
    const preview = inputsWith({ mode: 'permissions', preview: 'true', 'wait-for': 'none' })
    const plain = inputsWith({ 'wait-for': 'none', 'stop-on-cancel': 'false' })
    const previewDeploy = rowsFor(preview, ['deploy']).map((row) => `${row.service}:${row.operation}`)
    const plainDeploy = rowsFor(plain, ['deploy']).map((row) => `${row.service}:${row.operation}`)
    expect(previewDeploy.filter((operation) => !plainDeploy.includes(operation))).toEqual([
      'ecs:ListTasks',
      'ecs:DescribeTasks',
      'ecs:StopTask',
      'ec2:DeleteSecurityGroup',
      'ecs:ListTaskDefinitions',
      'ecs:DeregisterTaskDefinition'
    ])
  })

  test('a preview with its own security groups deletes none; its family is deregistered all the same', () => {
    const rows = (extra: Record<string, string>) =>
      rowsFor(inputsWith({ mode: 'permissions', preview: 'true', ...extra }), ['deploy']).map(
        (row) => `${row.service}:${row.operation}`
      )
    const own = { 'security-groups': 'sg-0123456789abcdef0', subnets: 'subnet-0123456789abcdef0' }
    expect(rows(own)).not.toContain('ec2:DeleteSecurityGroup')
    expect(rows(own)).toContain('ecs:DeregisterTaskDefinition')
    expect(rows({})).toContain('ec2:DeleteSecurityGroup')
    expect(rows({ service: 'shop' })).not.toContain('ecs:DeregisterTaskDefinition')
    expect(rows({ preview: 'false' })).not.toContain('ecs:ListTaskDefinitions')
  })

  test("the close's statements: only groups tagged with a preview's family, the family's calls on *", () => {
    const policy = policyFor(inputsWith({ mode: 'permissions', preview: 'true' }), ACCOUNT)
    expect(statement(policy, 'Ec2PreviewSecurityGroup')).toEqual({
      Sid: 'Ec2PreviewSecurityGroup',
      Effect: 'Allow',
      Action: ['ec2:DeleteSecurityGroup'],
      Resource: [`arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/*`],
      Condition: { StringLike: { 'aws:ResourceTag/ecs-fargate-deploy:family': 'myapp-pr-*' } }
    })
    expect(statement(policy, 'EcsTaskDefinitions')).toMatchObject({
      Action: expect.arrayContaining(['ecs:ListTaskDefinitions', 'ecs:DeregisterTaskDefinition']),
      Resource: ['*']
    })
    expect(statement(policy, 'EcsTaskDefinitions').Condition).toBeUndefined()
  })

  test("outside a pull request, the policy covers every pull request's family, and the app's log group", () => {
    const scope = scopeFor(inputsWith({ mode: 'permissions', preview: 'true' }), ACCOUNT)
    expect(arnsFor(scope).taskDefinitions).toBe(
      `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/myapp-pr-*:*`
    )
    expect(scope.logGroup).toBe('/ecs/myapp')
  })
})

describe('the policy of a service (service input)', () => {
  const policy = policyFor(inputsWith({ service: 'shop', mode: 'permissions', cluster: 'web' }), ACCOUNT)
  const SERVICE = 'arn:aws:ecs:eu-west-1:123456789012:service/web/shop'

  test('the service statements, scoped to the service in the cluster', () => {
    expect(statement(policy, 'EcsService')).toEqual({
      Sid: 'EcsService',
      Effect: 'Allow',
      Action: [
        'ecs:CreateExpressGatewayService',
        'ecs:DeleteExpressGatewayService',
        'ecs:DescribeExpressGatewayService',
        'ecs:DescribeServiceDeployments',
        'ecs:DescribeServices',
        'ecs:ListServiceDeployments',
        'ecs:StopServiceDeployment',
        'ecs:UpdateExpressGatewayService',
        // `service` may name an existing standard service (known only at run time): its update and rollback.
        'ecs:UpdateService'
      ],
      Resource: [SERVICE, 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/web/shop/*'],
      Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/web' } }
    })
  })

  test('the infrastructure role is created, given its policy and passed to ecs.amazonaws.com only', () => {
    const INFRA = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices'
    expect(statement(policy, 'IamInfrastructureRole')).toEqual({
      Sid: 'IamInfrastructureRole',
      Effect: 'Allow',
      Action: ['iam:GetRole'],
      Resource: [INFRA]
    })
    // Creating it and attaching its policy is the one-time setup's.
    const setup = policyFor(inputsWith({ service: 'shop', cluster: 'web' }), ACCOUNT, { audience: 'setup' })
    expect(statement(setup, 'IamInfrastructureRole').Action).toEqual(['iam:CreateRole', 'iam:TagRole'])
    expect(statement(setup, 'IamInfrastructureRolePolicy').Condition).toEqual({
      ArnEquals: {
        'iam:PolicyARN':
          'arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices'
      }
    })
    expect(statement(policy, 'IamPassInfrastructureRole')).toEqual({
      Sid: 'IamPassInfrastructureRole',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [INFRA],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } }
    })
    expect(statement(policy, 'IamPassRoles')).toEqual({
      Sid: 'IamPassRoles',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: ['arn:aws:iam::123456789012:role/ecsTaskExecutionRole'],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
    })
    expect(statement(policy, 'EcsTagOnCreate')).toEqual({
      Sid: 'EcsTagOnCreate',
      Effect: 'Allow',
      Action: ['ecs:TagResource'],
      Resource: [
        'arn:aws:ecs:eu-west-1:123456789012:cluster/web',
        SERVICE,
        // An existing standard service's next revision carries its current revision's tags.
        'arn:aws:ecs:eu-west-1:123456789012:task-definition/myapp:*'
      ],
      Condition: {
        StringEquals: {
          'ecs:CreateAction': ['CreateCluster', 'CreateExpressGatewayService', 'RegisterTaskDefinition']
        }
      }
    })
  })

  test('none of the task-only calls: no RunTask, security groups or StopTask', () => {
    const actions = actionsOf(policy)
    // DescribeTaskDefinition and GetLogEvents are there: `service` may name an existing standard service, whose
    // revision it reads, and whose failed tasks' last log lines it shows.
    for (const action of [
      'ecs:RunTask',
      'ecs:StopTask',
      'ec2:CreateSecurityGroup',
      'ec2:DescribeNetworkInterfaces'
    ])
      expect([action, actions.has(action)]).toEqual([action, false])
  })

  test('an infrastructure role given as an ARN needs no IAM call but its PassRole', () => {
    const arn = 'arn:aws:iam::123456789012:role/infra'
    const byArn = policyFor(inputsWith({ service: 'shop', 'infrastructure-role': arn }), ACCOUNT)
    expect(byArn.Statement.map((s) => s.Sid)).not.toContain('IamInfrastructureRole')
    expect(statement(byArn, 'IamPassInfrastructureRole').Resource).toEqual([arn])
  })

  test('a task-definition template brings back the task definition rows', () => {
    const template = JSON.stringify({ containerDefinitions: [{ name: 'Main' }] })
    const inputs = parseInputs(
      (name) =>
        ({
          region: 'eu-west-1',
          repository: 'myapp',
          port: '8080',
          service: 'shop',
          'task-definition': 'td.json',
          'container-name': 'Main'
        })[name] ?? '',
      { env: {}, readFile: () => template }
    )
    const actions = actionsOf(policyFor(inputs, ACCOUNT))
    expect(actions.has('ecs:RegisterTaskDefinition')).toBe(true)
    expect(actions.has('ecs:RunTask')).toBe(false)
  })

  test("mode stop with service: find, delete, watch the service, delete its ttl's schedule; nothing else", () => {
    const stop = policyFor(inputsWith({ service: 'shop', mode: 'stop', cluster: 'web' }), ACCOUNT)
    expect(stop.Statement).toEqual([
      {
        Sid: 'EcsService',
        Effect: 'Allow',
        Action: [
          'ecs:DeleteExpressGatewayService',
          'ecs:DescribeExpressGatewayService',
          'ecs:DescribeServices'
        ],
        Resource: [SERVICE],
        Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/web' } }
      },
      {
        Sid: 'SchedulerTtl',
        Effect: 'Allow',
        Action: ['scheduler:DeleteSchedule'],
        Resource: ['arn:aws:scheduler:eu-west-1:123456789012:schedule/default/efd-ttl-*']
      }
    ])
  })

  test('a ttl: the ttl role made, passed only to EventBridge Scheduler, the schedules scoped to efd-ttl-*', () => {
    const withTtl = policyFor(inputsWith({ service: 'shop', cluster: 'web', ttl: '2h' }), ACCOUNT)
    const without = policyFor(inputsWith({ service: 'shop', cluster: 'web' }), ACCOUNT)
    const sid = (policy: typeof withTtl, name: string) => policy.Statement.find((s) => s.Sid === name)
    const ttlRole = 'arn:aws:iam::123456789012:role/ecsFargateDeployTtlRole'
    expect(sid(withTtl, 'IamTtlRole')).toEqual({
      Sid: 'IamTtlRole',
      Effect: 'Allow',
      Action: ['iam:GetRole'],
      Resource: [ttlRole]
    })
    const setup = policyFor(inputsWith({ service: 'shop', cluster: 'web', ttl: '2h' }), ACCOUNT, {
      audience: 'setup'
    })
    expect(sid(setup, 'IamTtlRole')?.Action).toEqual(['iam:CreateRole', 'iam:PutRolePolicy', 'iam:TagRole'])
    expect(sid(withTtl, 'IamPassTtlRole')).toEqual({
      Sid: 'IamPassTtlRole',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [ttlRole],
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }
    })
    expect(sid(withTtl, 'SchedulerTtl')).toEqual({
      Sid: 'SchedulerTtl',
      Effect: 'Allow',
      Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule'],
      Resource: ['arn:aws:scheduler:eu-west-1:123456789012:schedule/default/efd-ttl-*']
    })
    expect(sid(withTtl, 'EcsServiceTags')?.Action).toEqual(['ecs:TagResource'])
    for (const name of ['IamTtlRole', 'IamPassTtlRole', 'EcsServiceTags'])
      expect(sid(without, name)).toBeUndefined()
    // Without a ttl, a deploy still removes the ttl an earlier deploy set: its schedule, and only its tag.
    expect(sid(without, 'SchedulerTtl')).toEqual({
      Sid: 'SchedulerTtl',
      Effect: 'Allow',
      Action: ['scheduler:DeleteSchedule'],
      Resource: ['arn:aws:scheduler:eu-west-1:123456789012:schedule/default/efd-ttl-*']
    })
    expect(sid(without, 'EcsServiceUntagExpiry')).toEqual({
      Sid: 'EcsServiceUntagExpiry',
      Effect: 'Allow',
      Action: ['ecs:UntagResource'],
      Resource: [SERVICE],
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': 'ecs-fargate-deploy:expires-at' },
        Null: { 'aws:TagKeys': 'false' }
      }
    })
    // A ttl role given as an ARN: no IAM call, only its PassRole.
    const arn = 'arn:aws:iam::123456789012:role/mine'
    const own = policyFor(
      inputsWith({ service: 'shop', cluster: 'web', ttl: '2h', 'ttl-role': arn }),
      ACCOUNT
    )
    expect(sid(own, 'IamTtlRole')).toBeUndefined()
    expect(sid(own, 'IamPassTtlRole')?.Resource).toEqual([arn])
  })

  test('a service preview: the service is every SERVICE-pr-N in mode permissions, and its close deletes it', () => {
    const preview = policyFor(
      inputsWith({ service: 'shop', cluster: 'web', preview: 'true', mode: 'permissions' }),
      ACCOUNT
    )
    const ecsService = preview.Statement.find((s) => s.Sid === 'EcsService')!
    expect(ecsService.Resource).toContain('arn:aws:ecs:eu-west-1:123456789012:service/web/shop-pr-*')
    expect(ecsService.Action).toContain('ecs:DeleteExpressGatewayService')
    expect(actionsOf(preview).has('ecs:StopTask')).toBe(false)
  })
})

describe('the policy of a scheduled job (schedule input)', () => {
  const JOB = 'efd-job-etl-2e6f47e6'
  const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:job-failures'
  const given = {
    mode: 'permissions',
    repository: 'etl',
    cluster: 'jobs',
    schedule: 'cron(0 3 * * ? *)',
    notify: TOPIC,
    port: ''
  }
  const policy = policyFor(inputsWith(given), ACCOUNT)

  test('the schedule, named once: read, made, moved and deleted', () => {
    expect(statement(policy, 'SchedulerJob')).toEqual({
      Sid: 'SchedulerJob',
      Effect: 'Allow',
      Action: [
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule'
      ],
      Resource: [`arn:aws:scheduler:eu-west-1:123456789012:schedule/default/${JOB}`]
    })
  })

  test('the scheduler role: looked up and passed to EventBridge Scheduler only; made by the one-time setup', () => {
    const ROLE = `arn:aws:iam::123456789012:role/${JOB}`
    expect(statement(policy, 'IamJobRole')).toEqual({
      Sid: 'IamJobRole',
      Effect: 'Allow',
      Action: ['iam:GetRole'],
      Resource: [ROLE]
    })
    expect(statement(policy, 'IamPassJobRole')).toEqual({
      Sid: 'IamPassJobRole',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [ROLE],
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }
    })
    const setup = policyFor(inputsWith(given), ACCOUNT, { audience: 'setup' })
    expect(statement(setup, 'IamJobRole').Action).toEqual([
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'iam:TagRole'
    ])
  })

  test('the failure rule, on its one name, whose target can only be the topic', () => {
    const RULE = `arn:aws:events:eu-west-1:123456789012:rule/${JOB}`
    expect(statement(policy, 'EventsJobRule')).toEqual({
      Sid: 'EventsJobRule',
      Effect: 'Allow',
      Action: ['events:DeleteRule', 'events:PutRule', 'events:RemoveTargets', 'events:TagResource'],
      Resource: [RULE]
    })
    expect(statement(policy, 'EventsJobRuleTarget')).toEqual({
      Sid: 'EventsJobRuleTarget',
      Effect: 'Allow',
      Action: ['events:PutTargets'],
      Resource: [RULE],
      Condition: { 'ForAllValues:ArnLike': { 'events:TargetArn': TOPIC } }
    })
  })

  test('without notify, no rule is made (an earlier one is deleted); without schedule, only the deletes', () => {
    const quiet = policyFor(inputsWith({ ...given, notify: '' }), ACCOUNT)
    expect(statement(quiet, 'EventsJobRule').Action).toEqual(['events:DeleteRule', 'events:RemoveTargets'])
    expect(quiet.Statement.find((s) => s.Sid === 'EventsJobRuleTarget')).toBeUndefined()
    const tasks = policyFor(inputsWith({ repository: 'etl', cluster: 'jobs', mode: 'deploy' }), ACCOUNT)
    expect(statement(tasks, 'SchedulerJob').Action).toEqual(['scheduler:DeleteSchedule'])
    expect(tasks.Statement.find((s) => s.Sid === 'IamPassJobRole')).toBeUndefined()
  })

  test('mode stop with schedule deletes the schedule and the rule, nothing else of the job', () => {
    const stop = policyFor(inputsWith({ ...given, mode: 'stop' }), ACCOUNT)
    expect(statement(stop, 'SchedulerJob').Action).toEqual(['scheduler:DeleteSchedule'])
    expect(statement(stop, 'EventsJobRule').Action).toEqual(['events:DeleteRule', 'events:RemoveTargets'])
    expect(stop.Statement.find((s) => s.Sid === 'IamJobRole')).toBeUndefined()
    expect(stop.Statement.find((s) => s.Sid === 'EcsTasks')).toBeUndefined()
    expect(stop.Statement.find((s) => s.Sid === 'EcsListTasks')).toBeUndefined()
  })
})

describe('the policy of an existing standard service (issue 20)', () => {
  const SERVICE = 'arn:aws:ecs:eu-west-1:123456789012:service/web/shop'
  const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/web'
  const deploy = (given: Record<string, string> = {}) =>
    policyFor(inputsWith({ service: 'shop', cluster: 'web', family: 'shop', ...given }), ACCOUNT)

  test('UpdateService and StopServiceDeployment only on the service (and its deployments) in the cluster', () => {
    const grants = grantsOf(deploy(), 'ecs:UpdateService')
    expect(grants.map((s) => [s.Resource, s.Condition])).toEqual([
      [
        [SERVICE, 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/web/shop/*'],
        { ArnEquals: { 'ecs:cluster': CLUSTER } }
      ]
    ])
    expect(grantsOf(deploy(), 'ecs:StopServiceDeployment')).toEqual(grants)
  })

  test('no rollback permission when nothing rolls back: wait-for none, or stop-on-cancel false and no rollback-on-timeout', () => {
    expect(actionsOf(deploy({ 'wait-for': 'none' })).has('ecs:StopServiceDeployment')).toBe(false)
    expect(actionsOf(deploy({ 'stop-on-cancel': 'false' })).has('ecs:StopServiceDeployment')).toBe(false)
    expect(
      actionsOf(deploy({ 'stop-on-cancel': 'false', 'rollback-on-timeout': 'true' })).has(
        'ecs:StopServiceDeployment'
      )
    ).toBe(true)
  })

  test("a release command: RunTask of the family's revisions in the cluster, its roles passed to ECS tasks only", () => {
    const policy = deploy({ 'release-command': 'npm run migrate', 'task-role': 'app' })
    expect(grantsOf(policy, 'ecs:RunTask')).toEqual([
      {
        Sid: 'EcsRunTask',
        Effect: 'Allow',
        Action: ['ecs:RunTask'],
        Resource: ['arn:aws:ecs:eu-west-1:123456789012:task-definition/shop:*'],
        Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } }
      }
    ])
    expect(statement(policy, 'IamPassRoles')).toEqual({
      Sid: 'IamPassRoles',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: ['arn:aws:iam::123456789012:role/ecsTaskExecutionRole', 'arn:aws:iam::123456789012:role/app'],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
    })
    expect(actionsOf(deploy()).has('ecs:RunTask')).toBe(false)
  })

  test('mode stop: UpdateService only with scale-to-zero (the service is never deleted by an UpdateService)', () => {
    const stop = (given: Record<string, string>) =>
      policyFor(inputsWith({ mode: 'stop', service: 'shop', cluster: 'web', ...given }), ACCOUNT)
    expect(actionsOf(stop({})).has('ecs:UpdateService')).toBe(false)
    expect(actionsOf(stop({ 'scale-to-zero': 'true' })).has('ecs:UpdateService')).toBe(true)
  })
})
