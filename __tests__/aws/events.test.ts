// A scheduled job's failure notifications on a mocked EventBridge: the event pattern, the message, the rule
// and its SNS target made or moved, a rejected target, and the delete.
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException
} from '@aws-sdk/client-eventbridge'
import { mockClient } from 'aws-sdk-client-mock'
import { ActionError } from '../../src/explain/action-error.js'
import {
  buildFailureRuleInput,
  buildFailureTargetsInput,
  deleteFailureNotifications,
  ensureFailureNotifications,
  failureEventPattern,
  failureMessageTransformer,
  type NotificationSpec
} from '../../src/aws/events.js'

const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs'
const NAME = 'efd-job-nightly-etl-5f8f671e'
const RULE_ARN = `arn:aws:events:us-east-1:123456789012:rule/${NAME}`
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts'
const mock = mockClient(EventBridgeClient)
const events = new EventBridgeClient({ region: 'us-east-1' })
const spec: NotificationSpec = {
  clusterArn: CLUSTER_ARN,
  family: 'nightly-etl',
  topicArn: TOPIC,
  tags: [{ key: 'team', value: 'data' }]
}
const notFound = () =>
  new ResourceNotFoundException({ message: `Rule ${NAME} does not exist.`, $metadata: {} })

beforeEach(() => mock.reset())

test("the pattern: the family's tasks in the cluster that stopped with a non-zero exit code or never started", () => {
  expect(failureEventPattern(spec)).toEqual({
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: {
      clusterArn: [CLUSTER_ARN],
      taskDefinitionArn: [{ prefix: 'arn:aws:ecs:us-east-1:123456789012:task-definition/nightly-etl:' }],
      lastStatus: ['STOPPED'],
      $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }]
    }
  })
})

test('scheduledRunsOnly: the job task group too', () => {
  expect(failureEventPattern({ ...spec, scheduledRunsOnly: true }).detail).toMatchObject({
    group: [`schedule:${NAME}`]
  })
})

test('the message: one readable line with the event fields and the cluster tasks page', () => {
  const transformer = failureMessageTransformer(spec)
  expect(transformer.InputPathsMap).toEqual({
    time: '$.time',
    task: '$.detail.taskArn',
    stopCode: '$.detail.stopCode',
    reason: '$.detail.stoppedReason',
    container: '$.detail.containers[0].name',
    exitCode: '$.detail.containers[0].exitCode'
  })
  expect(JSON.parse(transformer.InputTemplate)).toBe(
    'ecs-fargate-deploy: a task of nightly-etl failed in cluster jobs at <time>. Stop code: <stopCode>; ' +
      'reason: <reason>; container <container> exit code: <exitCode>. Task: <task>. ' +
      'Tasks: https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/jobs/tasks?region=us-east-1'
  )
})

test('the rule and its target', () => {
  expect(buildFailureRuleInput({ ...spec, runUrl: 'https://github.com/o/r/actions/runs/1' })).toEqual({
    Name: NAME,
    EventPattern: JSON.stringify(failureEventPattern(spec)),
    State: 'ENABLED',
    Description: `ecs-fargate-deploy: failed tasks of nightly-etl in cluster jobs to ${TOPIC}; set by https://github.com/o/r/actions/runs/1`,
    Tags: [{ Key: 'team', Value: 'data' }]
  })
  expect(buildFailureTargetsInput(spec)).toEqual({
    Rule: NAME,
    Targets: [
      { Id: 'ecs-fargate-deploy-notify', Arn: TOPIC, InputTransformer: failureMessageTransformer(spec) }
    ]
  })
})

test('ensure: PutRule, then PutTargets; the rule ARN back', async () => {
  mock.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN })
  mock.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] })
  expect(await ensureFailureNotifications(events, spec)).toEqual({ ruleName: NAME, ruleArn: RULE_ARN })
  expect(mock.commandCalls(PutRuleCommand)[0]!.args[0].input).toEqual(buildFailureRuleInput(spec))
  expect(mock.commandCalls(PutTargetsCommand)[0]!.args[0].input).toEqual(buildFailureTargetsInput(spec))
})

test('a target EventBridge rejects (in its answer, not as an error) fails with its reason', async () => {
  mock.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN })
  mock.on(PutTargetsCommand).resolves({
    FailedEntryCount: 1,
    FailedEntries: [
      { TargetId: 'ecs-fargate-deploy-notify', ErrorCode: 'ValidationException', ErrorMessage: 'bad arn' }
    ]
  })
  const error = await ensureFailureNotifications(events, spec).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ActionError)
  expect((error as ActionError).message).toBe(
    `EventBridge did not accept the SNS topic ${TOPIC} as the target of rule ${NAME}`
  )
  expect((error as ActionError).details).toBe('ValidationException: bad arn')
})

test('delete: the target, then the rule', async () => {
  mock.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 })
  mock.on(DeleteRuleCommand).resolves({})
  expect(await deleteFailureNotifications(events, { cluster: 'jobs', family: 'nightly-etl' })).toBe(true)
  expect(mock.commandCalls(RemoveTargetsCommand)[0]!.args[0].input).toEqual({
    Rule: NAME,
    Ids: ['ecs-fargate-deploy-notify']
  })
  expect(mock.commandCalls(DeleteRuleCommand)[0]!.args[0].input).toEqual({ Name: NAME })
})

test('delete: a rule already gone is fine', async () => {
  mock.on(RemoveTargetsCommand).rejects(notFound())
  expect(await deleteFailureNotifications(events, { cluster: CLUSTER_ARN, family: 'nightly-etl' })).toBe(
    false
  )
  expect(mock.commandCalls(DeleteRuleCommand)).toHaveLength(0)
})

test('delete: other errors are thrown', async () => {
  mock.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 })
  mock.on(DeleteRuleCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
  await expect(
    deleteFailureNotifications(events, { cluster: 'jobs', family: 'nightly-etl' })
  ).rejects.toThrow('denied')
})
