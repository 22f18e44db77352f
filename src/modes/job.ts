// A scheduled job, phase by phase: the task deploy's look-ups, push and revision (phases.ts), then the job's
// parts (its scheduler role, its EventBridge Scheduler schedule moved to the revision, its failure rule), then
// what the step reports (the next runs, the monthly cost, the recent scheduled runs) and, with run-now, one run
// started now and waited for as wait-for stopped waits. Stop deletes the schedule and the rule.
import type { Task } from '@aws-sdk/client-ecs'
import type { DeployClients, EventBridgeFactory, SchedulerFactory } from '../aws/clients.js'
import { deleteFailureNotifications, ensureFailureNotifications } from '../aws/events.js'
import { describeRun, findRecentRuns, runReport, type RunReport } from '../aws/job-runs.js'
import { ensureJobSchedule, type JobSchedule } from '../aws/job-schedule.js'
import { ensureJobSchedulerRole } from '../aws/job-scheduler-role.js'
import { Docker } from '../docker/docker.js'
import { ActionError } from '../explain/action-error.js'
import { CPU_ARCHITECTURES } from '../inputs/facts.js'
import type { Inputs } from '../inputs/inputs.js'
import { lastSegment, parseArn } from '../shared/arn.js'
import { systemClock } from '../shared/clock.js'
import type { CostEstimate } from '../shared/cost.js'
import { describeMonthlyCost, monthlyJobCost } from '../shared/job-cost.js'
import {
  JOB_SCHEDULE_GROUP,
  jobName,
  jobScheduleTag,
  jobRuleArn,
  topicPolicyStatement
} from '../shared/job-schedule.js'
import {
  nextRuns,
  parseScheduleExpression,
  runsPerMonth,
  type ScheduleExpression
} from '../shared/schedule-expression.js'
import { cancelStarted, startTasks, startedTasks } from './deploy.js'
import {
  checkPlatform,
  firstPhaseName,
  phaseRunner,
  prepareResources,
  pushImage,
  registerRevision,
  reportPushed,
  type PhaseDeps,
  type Prepared
} from './phases.js'
import { DeployFailure, type Reporter, type StartedTasks, type WaitOutcome } from './types.js'
import { waitAsAsked } from './wait.js'

export interface JobClients extends DeployClients {
  scheduler: SchedulerFactory
  events: EventBridgeFactory
}

export interface JobDeps extends PhaseDeps {
  clients: JobClients
  runUrl?: string
  /** Told run-now's tasks as soon as RunTask returns, so that the post step can stop them. */
  onStarted?: (started: StartedTasks) => void
}

export interface JobDeployResult {
  image: string
  digest: string
  clusterArn: string
  taskDefinitionArn: string
  reused: boolean
  schedule: JobSchedule
  expression: string
  timezone: string
  nextRuns: Date[]
  /** The failure rule's ARN, when notify is set. */
  ruleArn?: string
  recentRuns: RunReport[]
  cost?: CostEstimate
  /** run-now's run: its tasks as the wait left them, and the exit code. */
  ranNow?: WaitOutcome
  phases: Array<{ name: string; ms: number }>
}

/** How many next runs and recent runs the step reports. */
const NEXT_RUNS = 3
const RECENT_RUNS = 5

export async function deployJob(inputs: Inputs, deps: JobDeps): Promise<JobDeployResult> {
  const { reporter } = deps
  const expression = parsedExpression(inputs)
  const runner = phaseRunner(deps)
  const { clock, phases, timed } = runner
  const docker = new Docker(deps.runner, deps.dockerConfigDir)
  const prepared = await timed(firstPhaseName(inputs), () => prepareResources(inputs, deps, docker))
  const pushed = await timed('Push the image', () => pushImage(inputs, deps, docker, prepared))
  reportPushed(reporter, pushed, prepared)
  const { clusterArn } = prepared.cluster
  // The revision carries the job's name: a later deploy of the family without schedule finds it on the latest
  // revision and deletes the schedule (GitHub cannot tell schedule: '' from no schedule input at all).
  const tagged = { ...inputs, tags: [...inputs.tags, jobScheduleTag(jobName(clusterArn, inputs.family))] }
  const revision = await timed('Register the task definition', async () => {
    const [registered] = await Promise.all([
      registerRevision(tagged, deps, prepared, pushed.image),
      checkPlatform(inputs, deps, docker, pushed)
    ])
    return registered
  })
  reporter.setOutput('task-definition-arn', revision.taskDefinitionArn)
  const scheduled = await timed('Schedule the job', () => scheduleJob(inputs, deps, prepared, revision))
  const report = await reportJob(inputs, deps, { clusterArn, expression, now: clock.now(), revision })
  const result: JobDeployResult = {
    image: pushed.image,
    digest: pushed.digest,
    clusterArn,
    taskDefinitionArn: revision.taskDefinitionArn,
    reused: revision.reused,
    ...scheduled,
    expression: inputs.schedule!,
    timezone: inputs.scheduleTimezone,
    ...report,
    phases
  }
  if (!inputs.runNow) return result
  return { ...result, ranNow: await runNow(inputs, deps, runner, prepared, revision) }
}

/**
 * The job's parts: its scheduler role (looked up, or made on the quick path), its schedule made or moved to
 * the revision, and its failure rule made (notify) or deleted (no notify any more).
 */
async function scheduleJob(
  inputs: Inputs,
  deps: JobDeps,
  prepared: Pick<Prepared, 'cluster' | 'network' | 'executionRole' | 'taskRoleArn'>,
  revision: { taskDefinitionArn: string }
): Promise<{ schedule: JobSchedule; ruleArn?: string }> {
  const { reporter, clients } = deps
  const { clusterArn } = prepared.cluster
  const name = jobName(clusterArn, inputs.family)
  const arn = parseArn(clusterArn)
  const where = { partition: arn?.partition ?? 'aws', region: inputs.region, account: arn?.account ?? '' }
  const role = await ensureJobSchedulerRole(clients.iam, {
    role: name,
    create: true,
    tags: inputs.tags,
    scope: { ...where, cluster: lastSegment(clusterArn), family: inputs.family, group: JOB_SCHEDULE_GROUP },
    passRoles: [prepared.executionRole.roleArn, ...(prepared.taskRoleArn ? [prepared.taskRoleArn] : [])]
  })
  if (role.created) reporter.info(`Created IAM role ${name} (EventBridge Scheduler runs the job as it)`)
  const schedule = await ensureJobSchedule(
    await clients.scheduler(),
    {
      clusterArn,
      family: inputs.family,
      taskDefinitionArn: revision.taskDefinitionArn,
      roleArn: role.roleArn,
      expression: inputs.schedule!,
      timezone: inputs.scheduleTimezone,
      count: inputs.count,
      capacity: inputs.capacity === 'spot' ? 'spot' : 'fargate',
      subnets: prepared.network.subnets,
      securityGroups: prepared.network.securityGroups,
      assignPublicIp: inputs.assignPublicIp,
      tags: inputs.tags,
      maximumRetryAttempts: inputs.scheduleRetries,
      maximumEventAgeSeconds: inputs.scheduleMaxAge,
      runUrl: deps.runUrl
    },
    { newRole: role.isNew, clock: deps.clock ?? systemClock }
  )
  reporter.setOutput('schedule-arn', schedule.scheduleArn)
  const runs = lastSegment(revision.taskDefinitionArn)
  const when = `${inputs.schedule} (${inputs.scheduleTimezone})`
  reporter.info(
    schedule.created
      ? `Created schedule ${name}: ${when} runs ${runs}`
      : `Moved schedule ${name} from ${lastSegment(schedule.previousTaskDefinitionArn ?? 'none')} to ${runs}: ${when}`
  )
  const events = await clients.events()
  if (!inputs.notify) {
    if (await deleteFailureNotifications(events, { cluster: clusterArn, family: inputs.family }))
      reporter.info(`Deleted the failure notifications of ${name}: notify is not set any more`)
    return { schedule }
  }
  const rule = await ensureFailureNotifications(events, {
    clusterArn,
    family: inputs.family,
    topicArn: inputs.notify,
    tags: inputs.tags,
    runUrl: deps.runUrl
  })
  const ruleArn = rule.ruleArn || jobRuleArn(where, name)
  reporter.info(
    `Failed runs go to ${inputs.notify} (rule ${rule.ruleName}); the topic's access policy must allow: ` +
      JSON.stringify(topicPolicyStatement(inputs.notify, ruleArn))
  )
  return { schedule, ruleArn }
}

/** What the step reports: the next runs, the recent scheduled runs, and the monthly cost from the last one. */
async function reportJob(
  inputs: Inputs,
  deps: Pick<JobDeps, 'clients' | 'reporter'>,
  job: { clusterArn: string; expression: ScheduleExpression; now: number; revision: { streamPrefix: string } }
): Promise<Pick<JobDeployResult, 'nextRuns' | 'recentRuns' | 'cost'>> {
  const { reporter } = deps
  const now = new Date(job.now)
  const upcoming = nextRuns(job.expression, inputs.scheduleTimezone, now, NEXT_RUNS)
  reporter.info(`Next runs: ${upcoming.map((date) => date.toISOString()).join(', ')}`)
  const recent = await findRecentRuns(deps.clients.ecs, {
    cluster: job.clusterArn,
    family: inputs.family,
    limit: RECENT_RUNS
  })
  const recentRuns = recent.map((task) =>
    runReport(task, {
      region: inputs.region,
      logGroup: inputs.logGroup,
      prefix: job.revision.streamPrefix,
      containerName: inputs.containerName
    })
  )
  reportRecentRuns(reporter, recentRuns)
  const cost = monthlyJobCost(inputs.region, {
    cpu: inputs.cpu,
    memory: inputs.memory,
    architecture: CPU_ARCHITECTURES[inputs.platform],
    runsPerMonth: runsPerMonth(job.expression, inputs.scheduleTimezone, now),
    tasksPerRun: inputs.count,
    lastRunSeconds: billedSeconds(recent),
    timeoutSeconds: inputs.timeoutSeconds,
    publicIpPerTask: inputs.assignPublicIp,
    spot: inputs.capacity === 'spot'
  })
  if (cost) reporter.info(`Estimated cost: ${describeMonthlyCost(cost)}`)
  return { nextRuns: upcoming, recentRuns, cost }
}

/** run-now: one run of the new revision now, waited for as wait-for stopped waits (logs, exit code). */
async function runNow(
  inputs: Inputs,
  deps: JobDeps,
  runner: ReturnType<typeof phaseRunner>,
  prepared: Pick<Prepared, 'cluster' | 'network' | 'executionRole'>,
  revision: { taskDefinitionArn: string; streamPrefix: string }
): Promise<WaitOutcome> {
  const { reporter } = deps
  const { signal, clock, timed } = runner
  const { clusterArn } = prepared.cluster
  const job = { ...inputs, waitFor: 'stopped' as const }
  const run = await reporter.group('Run the job now', () =>
    startTasks(job, { ...deps, clock: deps.clock ?? systemClock }, prepared, revision)
  )
  const started = startedTasks(inputs, clusterArn, revision.streamPrefix, run.tasks)
  deps.onStarted?.(started)
  const taskArns = started.tasks.map((task) => task.taskArn)
  if (taskArns.length > 0) {
    reporter.setOutput('task-arn', taskArns[0]!)
    reporter.setOutput('task-arns', JSON.stringify(taskArns))
    reporter.setOutput('logs', JSON.stringify(started.tasks.map((task) => task.logUrl)))
  }
  try {
    if (run.failures.length > 0 || taskArns.length === 0) {
      throw new ActionError(`RunTask started ${taskArns.length} of ${inputs.count} tasks`, {
        details: run.failures
          .map((f) => `${f.arn ?? ''} ${f.reason ?? ''} ${f.detail ?? ''}`.trim())
          .join('\n')
      })
    }
    return await timed('Wait for the run to stop', () =>
      waitAsAsked({
        inputs: job,
        clients: deps.clients,
        reporter,
        clock,
        cluster: clusterArn,
        tasks: started.tasks,
        deadline: clock.now() + inputs.timeoutSeconds * 1000
      })
    )
  } catch (error) {
    // A cancelled run stops run-now's tasks (stop-on-cancel), as a cancelled task deploy does.
    if (signal.aborted && deps.cancellation) throw await cancelStarted(job, deps, started, deps.cancellation)
    throw new DeployFailure(error, started)
  }
}

/** The expression the inputs validated (they refuse a schedule that does not parse). */
function parsedExpression(inputs: Pick<Inputs, 'schedule'>) {
  const parsed = parseScheduleExpression(inputs.schedule ?? '')
  if ('problem' in parsed) throw new ActionError(`schedule: ${parsed.problem}`)
  return parsed.expression
}

/**
 * What Fargate billed the newest run that stopped, per task: from the image pull (Fargate bills from then) to
 * the stop; undefined when no run stopped yet.
 */
export function billedSeconds(tasks: readonly Task[]): number | undefined {
  const run = tasks.find((task) => task.stoppedAt && (task.pullStartedAt ?? task.startedAt))
  if (!run) return undefined
  const from = (run.pullStartedAt ?? run.startedAt)!.getTime()
  return Math.max(0, (run.stoppedAt!.getTime() - from) / 1000)
}

function reportRecentRuns(reporter: Pick<Reporter, 'info' | 'untrusted'>, runs: readonly RunReport[]): void {
  if (runs.length === 0) {
    reporter.info('Recent scheduled runs: none that ECS still lists')
    return
  }
  reporter.info(`Recent scheduled runs (newest first, ${runs.length}):`)
  // A stop reason is ECS's text, which may quote the container: data, never a workflow command.
  reporter.untrusted(runs.map(describeRun))
}
