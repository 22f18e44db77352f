// A scheduled job against the local AWS, through the bundled action as the runner runs it, under exactly the
// policy mode permissions prints for its inputs (the harness's default; the scheduler role made beforehand by an
// admin, as the one-time setup does): a rate(1 minute) job runs by itself with the pushed image and its logs are
// found; a re-deploy moves the schedule to the new revision; a failing run reaches the notify topic; run-now
// waits and fails on exit 3; a deploy without schedule and mode stop delete the schedule and the rule.
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { DescribeTasksCommand, ECSClient, type Task } from '@aws-sdk/client-ecs'
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler'
import { jobName } from '../../src/shared/job-schedule.js'
import { runAction } from './harness.js'
import { JOB_IMAGE, REGION, startStack, type Stack } from './stack.js'

const CLUSTER = 'sched-cluster'
const REPOSITORY = 'nightly'
const FAMILY = 'nightly'
const JOB = jobName(CLUSTER, FAMILY)
/** 12 scheduler seconds per real one: rate(1 minute) fires every 5 real seconds. */
const SPEED = 12

let stack: Stack
let ecs: ECSClient
let scheduler: SchedulerClient
let logs: CloudWatchLogsClient
let topic: string

beforeAll(async () => {
  stack = await startStack()
  stack.aws.schedulerClock({ speed: SPEED })
  const config = {
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
  }
  ecs = new ECSClient(config)
  scheduler = new SchedulerClient(config)
  logs = new CloudWatchLogsClient(config)
  topic = `arn:aws:sns:${REGION}:${stack.aws.accountId}:job-failures`
})
afterAll(async () => {
  await stack?.aws.stop()
})

function jobInputs(environment: Record<string, string | number>, extra: Record<string, string> = {}) {
  return {
    repository: REPOSITORY,
    image: JOB_IMAGE,
    cluster: CLUSTER,
    schedule: 'rate(1 minute)',
    notify: topic,
    timeout: '120',
    environment: Object.entries(environment)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    ...extra
  }
}

/** Polls until `check` returns a value, or fails with what `describe` says after withinMs. */
async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  withinMs = 90_000
): Promise<T> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** The schedule's successful firings that started tasks, for one revision. */
function scheduledTaskArns(taskDefinitionArn: string): string[] {
  return stack.aws
    .schedulerInvocations()
    .filter(
      (invocation) =>
        invocation.scheduleName === JOB &&
        !invocation.error &&
        (invocation.params as { taskDefinition?: string }).taskDefinition === taskDefinitionArn
    )
    .flatMap((invocation) => invocation.taskArns ?? [])
}

async function describe1(taskArn: string): Promise<Task> {
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))
  return tasks![0]!
}

async function getSchedule() {
  try {
    return await scheduler.send(new GetScheduleCommand({ Name: JOB }))
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined
    throw error
  }
}

function ruleNames(): string[] {
  const state = stack.aws.state() as { eventRules?: Array<{ Name?: string; name?: string }> }
  return (state.eventRules ?? []).map((rule) => rule.Name ?? rule.name ?? '')
}

describe('a scheduled job', () => {
  let firstRevision = ''

  test('rate(1 minute) runs by itself, twice, with the pushed digest; its logs are found', async () => {
    const run = await runAction(jobInputs({ LINES: 2, EXIT_CODE: 0 }), { env: stack.env })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs['schedule-arn']).toBe(
      `arn:aws:scheduler:${REGION}:${stack.aws.accountId}:schedule/default/${JOB}`
    )
    firstRevision = run.outputs['task-definition-arn']!
    expect(firstRevision).toMatch(new RegExp(`:task-definition/${FAMILY}:\\d+$`))
    expect(run.stdout).toContain(`Created schedule ${JOB}: rate(1 minute) (UTC)`)
    expect(run.stdout).toMatch(/Next runs: \d{4}-\d\d-\d\dT\S+, \S+, \S+/)
    expect(run.stdout).toContain('a month in us-east-1')
    expect(run.stdout).toContain(`Failed runs go to ${topic}`)

    const digest = run.outputs['image']!.split('@')[1]!
    const taskArns = await eventually(async () => {
      const arns = scheduledTaskArns(firstRevision)
      return arns.length >= 2 ? arns : undefined
    }, 'two scheduled runs')
    for (const taskArn of taskArns.slice(0, 2)) {
      const task = await eventually(async () => {
        const described = await describe1(taskArn)
        return described.lastStatus === 'STOPPED' ? described : undefined
      }, `${taskArn} to stop`)
      expect(task.taskDefinitionArn).toBe(firstRevision)
      expect(task.group).toBe(`schedule:${JOB}`)
      expect(task.containers?.[0]?.imageDigest).toBe(digest)
      expect(task.containers?.[0]?.exitCode).toBe(0)
      const { events = [] } = await logs.send(
        new GetLogEventsCommand({
          logGroupName: `/ecs/${FAMILY}`,
          logStreamName: `ecs/${FAMILY}/${taskArn.split('/').pop()}`,
          startFromHead: true
        })
      )
      expect(events.map((event) => event.message)).toEqual(['line 1', 'line 2'])
    }
  })

  test('a re-deploy moves the schedule to the new revision, reports the recent runs; a failing run reaches the topic', async () => {
    const run = await runAction(jobInputs({ LINES: 1, EXIT_CODE: 3 }), { env: stack.env })
    expect(run.errors).toEqual([])
    const revision = run.outputs['task-definition-arn']!
    expect(revision).not.toBe(firstRevision)
    expect(run.stdout).toContain(
      `Moved schedule ${JOB} from ${firstRevision.split('/').pop()} to ${revision.split('/').pop()}`
    )
    expect(run.stdout).toContain('Recent scheduled runs (newest first')
    expect(run.stdout).toContain('succeeded (exit code 0)')
    expect(run.stdout).toContain('billed, as the last run')
    expect((await getSchedule())?.Target?.EcsParameters?.TaskDefinitionArn).toBe(revision)

    const message = await eventually(async () => {
      const messages = stack.aws.snsMessages(topic)
      return messages.find((m) => m.message.includes('exit code: 3'))
    }, 'a failure on the topic')
    expect(message.message).toContain(`ecs-fargate-deploy: a task of ${FAMILY} failed in cluster ${CLUSTER}`)
    expect(message.ruleArn).toBe(`arn:aws:events:${REGION}:${stack.aws.accountId}:rule/${JOB}`)
  })

  test('run-now waits for its run and fails on exit 3', async () => {
    const run = await runAction(jobInputs({ LINES: 3, EXIT_CODE: 3 }, { 'run-now': 'true' }), {
      env: stack.env
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('The job failed with exit code 3')
    expect(run.outputs['exit-code']).toBe('3')
    expect(run.stdout.split('\n').filter((line) => /^line \d$/.test(line))).toEqual([
      'line 1',
      'line 2',
      'line 3'
    ])
    // The schedule was moved before the run: it runs the revision the run proved.
    expect((await getSchedule())?.Target?.EcsParameters?.TaskDefinitionArn).toBe(
      run.outputs['task-definition-arn']
    )
  })

  test('a deploy without schedule deletes the schedule and rule the family had, and says so', async () => {
    const run = await runAction(
      { ...jobInputs({ LINES: 1, EXIT_CODE: 0 }), schedule: '', notify: '', 'wait-for': 'stopped' },
      { env: stack.env }
    )
    expect(run.errors).toEqual([])
    expect(run.stdout).toContain(`was the scheduled job ${JOB}'s and this deploy has no schedule`)
    expect(run.stdout).toContain(`Deleted schedule ${JOB}`)
    expect(await getSchedule()).toBeUndefined()
    expect(ruleNames()).not.toContain(JOB)
  })

  test('mode stop deletes the schedule and its rule; already gone is fine', async () => {
    const deploy = await runAction(jobInputs({ LINES: 1, EXIT_CODE: 0 }), { env: stack.env })
    expect(deploy.errors).toEqual([])
    expect(await getSchedule()).toBeDefined()
    expect(ruleNames()).toContain(JOB)

    const stop = await runAction(
      { mode: 'stop', repository: REPOSITORY, cluster: CLUSTER, schedule: 'rate(1 minute)' },
      { env: stack.env }
    )
    expect(stop.errors).toEqual([])
    expect(stop.stdout).toContain(`Deleted schedule ${JOB}`)
    expect(stop.stdout).toContain(`Deleted the failure notifications of ${JOB}`)
    expect(await getSchedule()).toBeUndefined()
    expect(ruleNames()).not.toContain(JOB)

    const again = await runAction(
      { mode: 'stop', repository: REPOSITORY, cluster: CLUSTER, schedule: 'rate(1 minute)' },
      { env: stack.env }
    )
    expect(again.errors).toEqual([])
    expect(again.stdout).toContain(`Schedule ${JOB} was already gone`)
  })

  test('on the quick path the step creates the scheduler role, and the schedule runs as it at once', async () => {
    const hourly = jobName(CLUSTER, 'hourly')
    const run = await runAction(
      { ...jobInputs({ LINES: 1, EXIT_CODE: 0 }), repository: 'hourly', notify: '' },
      { env: stack.env, identity: 'quick-path' }
    )
    expect(run.errors).toEqual([])
    expect(run.stdout).toContain(`Created IAM role ${hourly} (EventBridge Scheduler runs the job as it)`)
    expect(run.stdout).toContain(`Created schedule ${hourly}`)
    const started = await eventually(async () => {
      const ok = stack.aws
        .schedulerInvocations()
        .find((invocation) => invocation.scheduleName === hourly && !invocation.error)
      return ok?.taskArns?.[0]
    }, 'a run of the new role')
    expect((await describe1(started)).group).toBe(`schedule:${hourly}`)
    const stop = await runAction(
      { mode: 'stop', repository: 'hourly', cluster: CLUSTER, schedule: 'rate(1 minute)' },
      { env: stack.env }
    )
    expect(stop.errors).toEqual([])
  })
})
