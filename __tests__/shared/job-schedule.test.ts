// A scheduled job's names: one per job (family in cluster), valid for a schedule, a rule and a role.
import {
  JOB_PREFIX,
  jobName,
  jobRuleArn,
  jobScheduleArn,
  jobTaskGroup,
  scheduleGroupArn,
  topicPolicyStatement
} from '../../src/shared/job-schedule.js'

const WHERE = { partition: 'aws', region: 'us-east-1', account: '123456789012' }

describe('jobName', () => {
  test('efd-job-FAMILY-HASH, the same on every deploy of the family to the cluster', () => {
    expect(jobName('jobs', 'nightly-etl')).toBe('efd-job-nightly-etl-5f8f671e')
    expect(jobName('jobs', 'nightly-etl')).toBe(jobName('jobs', 'nightly-etl'))
  })

  test('a cluster ARN names the same job as the cluster name', () => {
    expect(jobName('arn:aws:ecs:us-east-1:123456789012:cluster/jobs', 'nightly-etl')).toBe(
      jobName('jobs', 'nightly-etl')
    )
  })

  test('the same family in another cluster is another job', () => {
    expect(jobName('other', 'nightly-etl')).not.toBe(jobName('jobs', 'nightly-etl'))
  })

  test.each([1, 46, 47, 48, 255])(
    'a family of %i characters gives a name of at most 64, valid for a schedule, a rule and a role',
    (length) => {
      const family = 'a_-'.repeat(90).slice(0, length)
      const name = jobName('jobs', family)
      expect(name.length).toBeLessThanOrEqual(64)
      expect(name.startsWith(JOB_PREFIX)).toBe(true)
      expect(name).toMatch(/^[0-9a-zA-Z-_.]+$/) // Scheduler Name
      expect(name).toMatch(/^[.\-_A-Za-z0-9]+$/) // EventBridge RuleName
      expect(name).toMatch(/^[\w+=,.@-]+$/) // IAM RoleName
    }
  )

  test('two long families that share their first 47 characters stay apart', () => {
    const stem = 'x'.repeat(47)
    expect(jobName('jobs', `${stem}-a`)).not.toBe(jobName('jobs', `${stem}-b`))
  })
})

test('the task group the schedule runs the tasks in', () => {
  expect(jobTaskGroup('efd-job-nightly-etl-5f8f671e')).toBe('schedule:efd-job-nightly-etl-5f8f671e')
})

test.each([
  [
    'schedule group',
    scheduleGroupArn(WHERE, 'default'),
    'arn:aws:scheduler:us-east-1:123456789012:schedule-group/default'
  ],
  [
    'schedule',
    jobScheduleArn(WHERE, 'default', 'efd-job-x-1'),
    'arn:aws:scheduler:us-east-1:123456789012:schedule/default/efd-job-x-1'
  ],
  [
    'rule',
    jobRuleArn({ ...WHERE, partition: 'aws-cn' }, 'efd-job-x-1'),
    'arn:aws-cn:events:us-east-1:123456789012:rule/efd-job-x-1'
  ]
])('the %s ARN', (_, arn, expected) => {
  expect(arn).toBe(expected)
})

test("the statement the notify topic's policy needs: EventBridge publishes for this rule only", () => {
  expect(
    topicPolicyStatement(
      'arn:aws:sns:us-east-1:123456789012:alerts',
      'arn:aws:events:us-east-1:123456789012:rule/efd-job-x-1'
    )
  ).toEqual({
    Sid: 'AllowEcsFargateDeployJobFailures',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: 'arn:aws:sns:us-east-1:123456789012:alerts',
    Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/efd-job-x-1' } }
  })
})
