// Plan: deploy a scheduled job (tasks with schedule). Push the image, register the revision, make or move the
// job's EventBridge Scheduler schedule (and its failure rule), report the next runs, the monthly cost and the
// recent runs; with run-now, run the job once and wait for it (modes/job.ts). The lifecycle does the rest.
import { createDeployClients, lazyEventBridgeClient, lazySchedulerClient } from '../aws/clients.js'
import { deployJob, type JobDeployResult } from '../modes/job.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'
import { escapeHtml, htmlTable, link } from '../runner/summaries.js'
import { lastSegment } from '../shared/arn.js'
import { formatDollars } from '../shared/cost.js'

export async function deployScheduledJob(life: Lifecycle): Promise<Outcome> {
  const { inputs } = life
  const start = life.deployStart()
  const clients = await createDeployClients(inputs.region)
  let result: JobDeployResult
  try {
    result = await deployJob(inputs, {
      ...start,
      clients: {
        ...clients,
        scheduler: clients.scheduler ?? lazySchedulerClient(inputs.region),
        events: lazyEventBridgeClient(inputs.region)
      },
      // run-now's tasks, at once, for the post step (as a task deploy saves its tasks).
      onStarted: (started) => {
        if (!inputs.stopOnCancel) return
        life.saveStartedTasks(started)
      }
    })
  } catch (error) {
    if (inputs.stopOnCancel) life.leaveUnstoppedForPost(error)
    throw error
  }
  return { summary: () => life.writeSummary(jobSummary(result)) }
}

/** The job summary: the schedule, its next runs, the cost, the recent runs and run-now's outcome. */
export function jobSummary(result: JobDeployResult): string {
  const rows: string[][] = [
    ['Schedule', `<code>${escapeHtml(result.expression)}</code> (${escapeHtml(result.timezone)})`],
    ['Schedule ARN', `<code>${escapeHtml(result.schedule.scheduleArn)}</code>`],
    [
      'Runs',
      `${escapeHtml(lastSegment(result.taskDefinitionArn))} (${result.reused ? 'reused: unchanged' : 'new revision'})` +
        (result.schedule.previousTaskDefinitionArn &&
        result.schedule.previousTaskDefinitionArn !== result.taskDefinitionArn
          ? `, moved from ${escapeHtml(lastSegment(result.schedule.previousTaskDefinitionArn))}`
          : '')
    ],
    ['Image', `<code>${escapeHtml(result.image)}</code>`],
    ['Next runs', result.nextRuns.map((date) => escapeHtml(date.toISOString())).join('<br>')],
    [
      'Failures go to',
      result.ruleArn ? `<code>${escapeHtml(result.ruleArn)}</code>` : 'nobody (notify is not set)'
    ],
    [
      'Estimated cost',
      result.cost
        ? `${formatDollars(result.cost.dollars)} a month (${escapeHtml(result.cost.lines.map((line) => line.item).join('; '))}; prices as of ${escapeHtml(result.cost.pricesDate)})`
        : 'no prices for this region'
    ]
  ]
  if (result.ranNow) {
    const exit = result.ranNow.exitCode
    rows.push(['Run now', `exit code ${exit ?? 'unknown'}`])
  }
  const recent =
    result.recentRuns.length === 0
      ? '<p>No scheduled run that ECS still lists.</p>'
      : htmlTable(
          ['Started', 'Outcome', 'Stop reason', 'Logs'],
          result.recentRuns.map((run) => [
            escapeHtml((run.startedAt ?? run.createdAt)?.toISOString() ?? 'not started'),
            escapeHtml(
              run.outcome === 'succeeded' || run.outcome === 'failed'
                ? `${run.outcome} (exit code ${run.exitCode ?? 'unknown'})`
                : run.outcome
            ),
            escapeHtml(run.stoppedReason ?? ''),
            link('log stream', run.logUrl)
          ])
        )
  return `<h2>Scheduled job ${escapeHtml(result.schedule.scheduleName)}</h2>\n${htmlTable(['', ''], rows)}\n<h3>Recent scheduled runs</h3>\n${recent}\n`
}
