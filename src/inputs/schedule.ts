// The inputs of a scheduled job (tasks only): schedule (an EventBridge Scheduler expression, checked here with
// the same parser that computes the next runs), schedule-timezone, run-now (also run the job once now and wait
// for it), notify (an SNS topic for failed runs) and the schedule's retry policy. With schedule, deploy makes or
// moves the job's schedule and stop deletes it; the rest of the inputs describe the task as for any task deploy.
import { isAwsPartition, parseArn } from '../shared/arn.js'
import { JOB_RETRY_LIMITS } from '../shared/job-schedule.js'
import {
  SCHEDULE_EXPRESSION_FORMS,
  parseScheduleExpression,
  timeZoneProblem
} from '../shared/schedule-expression.js'
import { DEFAULTS } from './defaults.js'
import type { Reader } from './reader.js'
import type { ModeRules, ScheduleInputs } from './types.js'

/** An SNS topic's name: letters, digits, - and _, at most 256 (a FIFO topic's ends in .fifo). */
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/
const NOTIFY_FORM = 'arn:aws:sns:REGION:ACCOUNT:TOPIC (the ARN of an SNS topic in the deploy region)'

/** What is wrong with a notify topic ARN, or undefined. */
export function topicArnProblem(value: string, region: string): string | undefined {
  const arn = parseArn(value)
  if (!arn || !isAwsPartition(arn.partition) || arn.service !== 'sns') return `it is not ${NOTIFY_FORM}`
  if (!/^\d{12}$/.test(arn.account)) return `the account '${arn.account}' is not 12 digits`
  if (!TOPIC_NAME.test(arn.resource)) return `the topic name '${arn.resource}' is not an SNS topic name`
  // An EventBridge rule targets topics of its own region only.
  if (region && arn.region !== region) return `the topic is in ${arn.region}, not in the region ${region}`
  return undefined
}

export function readScheduleInputs(
  r: Reader,
  rules: ModeRules,
  context: { region: string; serviceName?: string; preview: boolean }
): ScheduleInputs {
  const schedule = r.optional('schedule')
  if (schedule !== undefined) {
    const parsed = parseScheduleExpression(schedule)
    if ('problem' in parsed)
      r.fail(
        'schedule',
        `'${schedule}' is not a schedule: ${parsed.problem}; write ${SCHEDULE_EXPRESSION_FORMS}`
      )
    else if (parsed.expression.kind === 'at')
      r.fail(
        'schedule',
        `'${schedule}' runs once; a scheduled job recurs: write ${SCHEDULE_EXPRESSION_FORMS}`
      )
  }
  const scheduleTimezone = r.raw('schedule-timezone') || DEFAULTS['schedule-timezone']
  const zoneProblem = timeZoneProblem(scheduleTimezone)
  if (zoneProblem) r.fail('schedule-timezone', zoneProblem)
  const runNow = r.boolean('run-now', DEFAULTS['run-now'])
  const notify = r.optional('notify')
  if (notify !== undefined) {
    const problem = topicArnProblem(notify, context.region)
    if (problem) r.fail('notify', `'${notify}': ${problem}`)
  }
  const { maximumRetryAttempts: attempts, maximumEventAgeSeconds: age } = JOB_RETRY_LIMITS
  const scheduleRetries = r.integer(
    'schedule-retries',
    DEFAULTS['schedule-retries'],
    attempts.min,
    attempts.max
  )
  const scheduleMaxAge = r.integer('schedule-max-age', DEFAULTS['schedule-max-age'], age.min, age.max)

  if (schedule !== undefined) {
    if (context.serviceName !== undefined)
      r.fail(
        'schedule',
        'is for tasks: a service runs all the time (leave service empty for a scheduled job)'
      )
    if (context.preview)
      r.fail('schedule', 'is not for previews: a pull request is no place for a recurring job')
  } else if (rules.mode !== 'permissions') {
    // Inputs that only a schedule uses would be ignored: say so rather than deploy without a schedule.
    // The runner passes action.yml's defaults when an input is not set: only another value is a mix-up.
    const defaults: Record<string, string> = {
      'run-now': String(DEFAULTS['run-now']),
      notify: '',
      'schedule-retries': String(DEFAULTS['schedule-retries']),
      'schedule-max-age': String(DEFAULTS['schedule-max-age'])
    }
    for (const [name, fallback] of Object.entries(defaults)) {
      if (r.raw(name) !== '' && r.raw(name) !== fallback) r.fail(name, 'is only used with schedule')
    }
  }
  return { schedule, scheduleTimezone, runNow, notify, scheduleRetries, scheduleMaxAge }
}
