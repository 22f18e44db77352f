// The scheduled job's inputs: the expression and time zone validated before any AWS call with the right form
// shown, notify a topic ARN of the region, the retry policy's limits, and what does not go with a schedule.
import { InputError, parseInputs, topicArnProblem, type Inputs } from '../../src/inputs/inputs.js'

function parse(given: Record<string, string>): Inputs {
  return parseInputs((name) => given[name] ?? '', {
    env: { AWS_REGION: 'eu-west-1', GITHUB_EVENT_NAME: 'push' },
    readFile: () => ''
  })
}

function problems(given: Record<string, string>): string[] {
  try {
    parse({ repository: 'etl', ...given })
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected the inputs to be rejected')
}

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:job-failures'

describe('schedule inputs', () => {
  test('without schedule: a task deploy, the schedule defaults filled in', () => {
    const inputs = parse({ repository: 'etl' })
    expect(inputs).toMatchObject({
      schedule: undefined,
      scheduleTimezone: 'UTC',
      runNow: false,
      notify: undefined,
      scheduleRetries: 5,
      scheduleMaxAge: 3600
    })
    expect(inputs.run).toEqual({ action: 'deploy', target: { kind: 'tasks' }, preview: false })
  })

  test('with schedule: the run is a scheduled job, deploy and stop', () => {
    const given = {
      repository: 'etl',
      schedule: 'cron(0 3 * * ? *)',
      'schedule-timezone': 'Europe/Berlin',
      'run-now': 'true',
      notify: TOPIC,
      'schedule-retries': '0',
      'schedule-max-age': '60'
    }
    expect(parse(given)).toMatchObject({
      schedule: 'cron(0 3 * * ? *)',
      scheduleTimezone: 'Europe/Berlin',
      runNow: true,
      notify: TOPIC,
      scheduleRetries: 0,
      scheduleMaxAge: 60
    })
    expect(parse(given).run).toEqual({
      action: 'deploy',
      target: { kind: 'tasks', schedule: 'cron(0 3 * * ? *)' },
      preview: false
    })
    expect(parse({ ...given, mode: 'stop', 'run-now': '' }).run).toEqual({
      action: 'stop',
      target: { kind: 'tasks', schedule: 'cron(0 3 * * ? *)' },
      preview: false
    })
  })

  test.each([
    [
      'cron(0 3 * * *)',
      "schedule: 'cron(0 3 * * *)' is not a schedule: cron() takes 6 fields (minutes hours day-of-month month day-of-week year), not 5 (a Unix cron has 5: add the year, as in cron(0 3 * * ? *)); write cron(0 3 * * ? *) or rate(1 hour)"
    ],
    [
      'rate(1 hours)',
      "schedule: 'rate(1 hours)' is not a schedule: write rate(1 hour): the unit is singular for 1; write cron(0 3 * * ? *) or rate(1 hour)"
    ],
    [
      '0 3 * * *',
      "schedule: '0 3 * * *' is not a schedule: it is none of cron(...), rate(...) and at(...); write cron(0 3 * * ? *) or rate(1 hour)"
    ],
    [
      'at(2030-01-01T03:00:00)',
      "schedule: 'at(2030-01-01T03:00:00)' runs once; a scheduled job recurs: write cron(0 3 * * ? *) or rate(1 hour)"
    ]
  ])('schedule %s is refused with the right form', (schedule, problem) => {
    expect(problems({ schedule })).toEqual([problem])
  })

  test('every problem together: time zone, topic, retries, and a schedule with a service', () => {
    expect(
      problems({
        schedule: 'rate(1 hour)',
        'schedule-timezone': 'Mars/Olympus',
        notify: 'arn:aws:sqs:eu-west-1:123456789012:q',
        'schedule-retries': '186',
        'schedule-max-age': '59',
        service: 'web'
      })
    ).toEqual([
      'schedule-timezone: Mars/Olympus is not an IANA time zone name (write one such as UTC, Europe/Berlin or America/New_York)',
      "notify: 'arn:aws:sqs:eu-west-1:123456789012:q': it is not arn:aws:sns:REGION:ACCOUNT:TOPIC (the ARN of an SNS topic in the deploy region)",
      "schedule-retries: '186' is not a whole number from 0 to 185",
      "schedule-max-age: '59' is not a whole number from 60 to 86400",
      'schedule: is for tasks: a service runs all the time (leave service empty for a scheduled job)'
    ])
  })

  test("a schedule's inputs without schedule are refused; action.yml's defaults are not", () => {
    expect(problems({ 'run-now': 'true', notify: TOPIC, 'schedule-retries': '3' })).toEqual([
      'run-now: is only used with schedule',
      'notify: is only used with schedule',
      'schedule-retries: is only used with schedule'
    ])
    expect(parse({ repository: 'etl', 'run-now': 'false', 'schedule-retries': '5' }).schedule).toBeUndefined()
  })

  test.each([
    [TOPIC, 'eu-west-1', undefined],
    ['arn:aws:sns:eu-west-1:123456789012:jobs.fifo', 'eu-west-1', undefined],
    [TOPIC, 'us-east-1', 'the topic is in eu-west-1, not in the region us-east-1'],
    ['arn:aws:sns:eu-west-1:12345:t', 'eu-west-1', "the account '12345' is not 12 digits"],
    ['arn:aws:sns:eu-west-1:123456789012:a/b', 'eu-west-1', "the topic name 'a/b' is not an SNS topic name"],
    [
      'job-failures',
      'eu-west-1',
      'it is not arn:aws:sns:REGION:ACCOUNT:TOPIC (the ARN of an SNS topic in the deploy region)'
    ]
  ])('topicArnProblem(%s, %s)', (arn, region, problem) => {
    expect(topicArnProblem(arn, region)).toBe(problem)
  })
})
