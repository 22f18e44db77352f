// The escalation check: the printed deploy policy of every input set in the matrix allows none of the known
// privilege-escalation and exposure primitives (escalation-primitives.ts, with their sources), evaluated with the
// local AWS's own IAM evaluator (local-aws/src/policy.ts), Conditions included.
import { evaluate, type PolicyDocument as EvaluatedPolicy } from '../../local-aws/src/policy.js'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import { arnsFor, policyFor, scopeFor, type PolicyDocument } from '../../src/policy/permissions.js'
import { PRIMITIVES, type Primitive, type Targets } from './escalation-primitives.js'

const ACCOUNT = '123456789012'
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`

function inputsWith(given: Record<string, string>): Inputs {
  const all: Record<string, string> = {
    mode: 'permissions',
    region: 'eu-west-1',
    repository: 'myapp',
    cluster: 'web',
    ...given
  }
  return parseInputs((name) => all[name] ?? '', { env: {}, readFile: () => '' })
}

/** The targets an attacker holding the policy of these inputs aims at. */
export function targetsFor(inputs: Inputs): Targets {
  const scope = scopeFor(inputs, ACCOUNT)
  const arns = arnsFor(scope)
  return {
    partition: scope.partition,
    region: scope.region,
    account: scope.account,
    actionRoles: [
      { arn: scope.executionRole, service: 'ecs-tasks.amazonaws.com' },
      ...(scope.taskRole ? [{ arn: scope.taskRole, service: 'ecs-tasks.amazonaws.com' }] : []),
      { arn: scope.infrastructureRole, service: 'ecs.amazonaws.com' },
      { arn: scope.ttlRole, service: 'scheduler.amazonaws.com' }
    ],
    clusterArn: arns.cluster,
    taskDefinitionArn: arns.taskDefinitions.replace(/:\*$/, ':1'),
    family: scope.family
  }
}

/** The primitives the policy allows: those with a choice whose every request is allowed. */
export function possiblePrimitives(
  policy: PolicyDocument,
  targets: Targets,
  primitives: readonly Primitive[] = PRIMITIVES
): string[] {
  const document = policy as unknown as EvaluatedPolicy
  return primitives
    .filter((primitive) =>
      primitive
        .choices(targets)
        .some((requests) =>
          requests.every(
            (request) =>
              evaluate(document, request.action, request.resource, request.context ?? {}) === 'allow'
          )
        )
    )
    .map((primitive) => primitive.id)
}

/**
 * The matrix: each kind of run the action has, and the six typical input sets issue 18 measured (tasks with a
 * port; tasks with secrets; tasks with a task role; a service; a service with a ttl; a tasks preview).
 */
export const INPUT_SETS: ReadonlyArray<[string, Record<string, string>]> = [
  ['typical 1: tasks with a port', { port: '8080' }],
  ['typical 2: tasks with a port and secrets', { port: '8080', secrets: `DB=${SECRET}` }],
  ['typical 3: tasks with a port and a task role', { port: '8080', 'task-role': 'app' }],
  ['typical 4: a service', { service: 'shop', port: '8080' }],
  ['typical 5: a service with a ttl', { service: 'shop', port: '8080', ttl: '2h' }],
  ['typical 6: a tasks preview with a port', { preview: 'true', port: '8080' }],
  ['tasks without a port, wait-for stopped', { 'wait-for': 'stopped' }],
  [
    'tasks with secrets, a task role, SSM parameters and tags',
    {
      port: '80',
      secrets: `DB=${SECRET}\nTOKEN=/app/token`,
      'task-role': 'app',
      tags: 'team=web'
    }
  ],
  [
    'tasks with security groups and subnets given',
    { port: '80', 'security-groups': 'sg-0123456789abcdef0', subnets: 'subnet-0123456789abcdef0' }
  ],
  [
    'a service with secrets and a task role',
    { service: 'shop', secrets: `DB=${SECRET}`, 'task-role': 'app' }
  ],
  ['a service preview with a ttl', { service: 'shop', preview: 'true', ttl: '1d' }],
  ['roles given as ARNs', { port: '80', 'execution-role': `arn:aws:iam::${ACCOUNT}:role/exec` }],
  [
    'a scheduled job with notifications and run-now',
    {
      schedule: 'cron(0 3 * * ? *)',
      notify: `arn:aws:sns:eu-west-1:${ACCOUNT}:job-failures`,
      'run-now': 'true',
      'task-role': 'app',
      tags: 'team=data'
    }
  ],
  ['stop of a scheduled job', { mode: 'stop', family: 'myapp', schedule: 'rate(1 hour)' }],
  ['stop of tasks', { mode: 'stop', family: 'myapp' }],
  ['stop of a service', { mode: 'stop', service: 'shop' }],
  [
    'an existing service with a release command and rollback on timeout',
    {
      service: 'shop',
      'release-command': 'npm run migrate',
      'rollback-on-timeout': 'true',
      'task-role': 'app'
    }
  ],
  ['tasks with a release command', { port: '8080', 'release-command': 'npm run migrate' }],
  ['stop of an existing service, scaled to zero', { mode: 'stop', service: 'shop', 'scale-to-zero': 'true' }]
]

describe('the printed deploy policy allows no escalation or exposure primitive', () => {
  test.each(INPUT_SETS)('%s', (_name, given) => {
    const inputs = inputsWith(given)
    expect(possiblePrimitives(policyFor(inputs, ACCOUNT), targetsFor(inputs))).toEqual([])
  })
})

describe('the check finds what it looks for (it could fail)', () => {
  test("the quick path's extra rows (audience setup) are escalation paths: why they are the setup's", () => {
    const inputs = inputsWith({ port: '8080', secrets: `DB=${SECRET}`, service: 'shop', ttl: '2h' })
    const setup = policyFor(inputs, ACCOUNT, { audience: 'all' })
    expect(possiblePrimitives(setup, targetsFor(inputs))).toEqual([
      'iam:PutRolePolicy',
      'iam:CreateRole-own-role',
      'scheduler:CreateSchedule-writable-role'
    ])
  })

  test('the policy printed before issue 18, in the shape of its statements: the paths the issue measured', () => {
    const inputs = inputsWith({ port: '8080', secrets: `DB=${SECRET}` })
    const execution = `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`
    const before: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'IamExecutionRoleSecrets',
          Effect: 'Allow',
          Action: ['iam:PutRolePolicy'],
          Resource: [execution]
        },
        {
          Sid: 'IamPassRoles',
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: [execution],
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
        },
        {
          Sid: 'EcsTaskDefinitions',
          Effect: 'Allow',
          Action: ['ecs:RegisterTaskDefinition'],
          Resource: ['*']
        },
        {
          Sid: 'EcsRunTask',
          Effect: 'Allow',
          Action: ['ecs:RunTask'],
          Resource: [`arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/myapp:*`],
          Condition: { ArnEquals: { 'ecs:cluster': `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/web` } }
        },
        {
          Sid: 'Ec2OpenPort',
          Effect: 'Allow',
          Action: ['ec2:AuthorizeSecurityGroupIngress'],
          Resource: [`arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/*`]
        }
      ]
    }
    expect(possiblePrimitives(before, targetsFor(inputs))).toEqual([
      'iam:PutRolePolicy',
      'ecs:RunTask-writable-role',
      'ec2:AuthorizeSecurityGroupIngress-foreign'
    ])
  })

  test.each<[string, PolicyDocument['Statement'][number], string[]]>([
    [
      'PassRole without iam:PassedToService',
      {
        Sid: 'P',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [`arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`]
      },
      ['iam:PassRole-other-service']
    ],
    [
      'PassRole on *',
      {
        Sid: 'P',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: ['*'],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
      },
      // And the infrastructure and ttl roles become passable to ECS tasks, not their own services.
      ['iam:PassRole-foreign', 'iam:PassRole-other-service']
    ],
    [
      'CreateTags on security groups without ec2:CreateAction',
      {
        Sid: 'T',
        Effect: 'Allow',
        Action: ['ec2:CreateTags'],
        Resource: [`arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/*`]
      },
      ['ec2:CreateTags-existing-group']
    ],
    [
      'AttachRolePolicy scoped to one managed policy: not an escalation',
      {
        Sid: 'A',
        Effect: 'Allow',
        Action: ['iam:AttachRolePolicy'],
        Resource: [`arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`],
        Condition: {
          ArnEquals: {
            'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
          }
        }
      },
      []
    ],
    [
      'ingress only on groups carrying the family tag: not an exposure',
      {
        Sid: 'O',
        Effect: 'Allow',
        Action: ['ec2:AuthorizeSecurityGroupIngress'],
        Resource: [`arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/*`],
        Condition: { StringLike: { 'aws:ResourceTag/ecs-fargate-deploy:family': 'myapp' } }
      },
      []
    ]
  ])('%s', (_name, statement, found) => {
    const inputs = inputsWith({ port: '8080' })
    const policy: PolicyDocument = { Version: '2012-10-17', Statement: [statement] }
    expect(possiblePrimitives(policy, targetsFor(inputs))).toEqual(found)
  })
})

test('every primitive names its source and has at least one choice', () => {
  const targets = targetsFor(inputsWith({}))
  for (const primitive of PRIMITIVES) {
    expect([primitive.id, primitive.source.length > 10]).toEqual([primitive.id, true])
    expect([primitive.id, primitive.choices(targets).length > 0]).toEqual([primitive.id, true])
  }
  expect(new Set(PRIMITIVES.map((primitive) => primitive.id)).size).toBe(PRIMITIVES.length)
})
