// What the workflow sees: outputs, log groups, annotations and the job summary. The summaries are built by
// pure functions (data in, HTML out) so they can be tested from tables; the writers only hand them to core.
import * as core from './commands.js'
import { lastSegment } from '../shared/arn.js'
import { escapeHtml } from './input-summary.js'
import type {
  DeployCost,
  DeployResult,
  ServiceDeployResult,
  ServiceStopResult,
  StartedTasks,
  StopResult,
  TaskReport
} from '../modes/types.js'
import type { CostEstimate } from '../shared/cost.js'
import type { ActionError } from '../explain/action-error.js'
import { formatTtl } from '../inputs/facts.js'
import { SERVICE_COST_NOTE } from '../modes/cost.js'

const consoleBase = (region: string): string => `https://${region}.console.aws.amazon.com`

/** The ECS console page of a task; the cluster and task may be given as ARNs or as a name and an ID. */
export function taskConsoleUrl(region: string, cluster: string, taskArn: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${lastSegment(cluster)}/tasks/${lastSegment(taskArn)}/configuration?region=${region}`
}

export function clusterConsoleUrl(region: string, cluster: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${lastSegment(cluster)}/tasks?region=${region}`
}

/** 850 ms → "0.9 s", 83 400 ms → "1 min 23.4 s". */
export function formatDuration(ms: number): string {
  // Whole tenths first: 850 / 1000 is 0.8499… in floating point and would print 0.8.
  const tenths = Math.round(ms / 100)
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`
  const minutes = Math.floor(tenths / 600)
  return `${minutes} min ${((tenths - minutes * 600) / 10).toFixed(1)} s`
}

export { escapeHtml }

export function link(text: string, url: string): string {
  return `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`
}

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`

/** An HTML table (the job summary renders HTML); cells are HTML already, the header is text. */
export function htmlTable(header: string[], rows: string[][]): string {
  const head = header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n')
  return `<table>\n<tr>${head}</tr>\n${body}\n</table>`
}

/** "web:7 (new revision)" or "web:7 (reused: unchanged)". */
export function describeRevision(taskDefinitionArn: string, reused: boolean): string {
  return `${lastSegment(taskDefinitionArn)} (${reused ? 'reused: unchanged' : 'new revision'})`
}

export function taskRow(region: string, clusterArn: string, task: TaskReport): string[] {
  return [
    code(lastSegment(task.taskArn)),
    escapeHtml(task.lastStatus ?? ''),
    task.publicIp ? code(task.publicIp) : '',
    task.url ? link(task.url, task.url) : '',
    task.exitCode === undefined ? '' : String(task.exitCode),
    `${link('task', taskConsoleUrl(region, clusterArn, task.taskArn))} · ${link('logs', task.logUrl)}`
  ]
}

/** Mermaid's gantt syntax reserves ':' (name from data), ';' and '#' (comments): a phase name loses them. */
function ganttName(name: string): string {
  return name.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim()
}

/**
 * The phases as a Mermaid gantt chart (GitHub renders ```mermaid blocks in Markdown, the job summary too): one
 * bar per phase, one after the other (the phases run in sequence), on an axis of minutes and seconds since the
 * start. Undefined when a picture says no more than the table: fewer than two phases.
 */
export function phaseTimeline(phases: ReadonlyArray<{ name: string; ms: number }>): string | undefined {
  if (phases.length < 2) return undefined
  let start = 0
  const bars = phases.map((phase, index) => {
    // A bar of 0 ms is invisible: give it the width of 0.1 s, the table's precision.
    const end = start + Math.max(phase.ms, 100)
    const bar = `    ${ganttName(phase.name)} (${formatDuration(phase.ms)}) :p${index}, ${start}, ${end}`
    start += phase.ms
    return bar
  })
  return [
    '',
    '```mermaid',
    'gantt',
    '    dateFormat x',
    '    axisFormat %M:%S',
    '    section Deploy',
    ...bars,
    '```',
    ''
  ].join('\n')
}

/** A deploy's phases as a timeline and with their times and total, and what it created: tasks and services. */
function timingsAndCreated(result: {
  phases: ReadonlyArray<{ name: string; ms: number }>
  created: readonly string[]
}): string[] {
  const totalMs = result.phases.reduce((sum, phase) => sum + phase.ms, 0)
  const timings = htmlTable(
    ['Phase', 'Time'],
    [
      ...result.phases.map((phase) => [escapeHtml(phase.name), formatDuration(phase.ms)]),
      ['<strong>Total</strong>', `<strong>${formatDuration(totalMs)}</strong>`]
    ]
  )
  const created =
    result.created.length > 0
      ? `<p>Created: ${result.created.map(escapeHtml).join(', ')}</p>`
      : '<p>Created: nothing (everything existed)</p>'
  const timeline = phaseTimeline(result.phases)
  // With the picture, the table is the detail: folded, for the exact figures.
  return timeline
    ? [
        '<h3>Timings</h3>',
        timeline,
        `<details><summary>Phase times</summary>\n\n${timings}\n\n</details>`,
        created
      ]
    : ['<h3>Timings</h3>', timings, created]
}

/** The sum of the phases' times: how long the deploy took. */
export function totalTime(phases: ReadonlyArray<{ ms: number }>): string {
  return formatDuration(phases.reduce((sum, phase) => sum + phase.ms, 0))
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`

/**
 * The first line a reader sees: whether the deploy worked, and in a phrase what it did. A job (every task
 * stopped with an exit code) says it finished; tasks left running say they run; others their state.
 */
export function deployHeadline(result: DeployResult): string {
  const revision = lastSegment(result.taskDefinitionArn)
  const cluster = lastSegment(result.clusterArn)
  const took = totalTime(result.phases)
  const tasks = result.tasks
  const job =
    tasks.length > 0 && tasks.every((task) => task.lastStatus === 'STOPPED' && task.exitCode !== undefined)
  if (job) {
    const codes = [...new Set(tasks.map((task) => task.exitCode))].join(', ')
    return `✅ Job finished: ${plural(tasks.length, 'task')} of ${revision} exited ${codes} (${took})`
  }
  const states = [...new Set(tasks.map((task) => (task.lastStatus ?? 'started').toLowerCase()))].join(' / ')
  return `✅ Deployed: ${plural(tasks.length, 'task')} of ${revision} ${states} in cluster ${cluster} (${took})`
}

/** The URLs the deploy serves at, second after the headline; nothing when no task has one. */
function urlLine(urls: ReadonlyArray<string | undefined>): string[] {
  const known = urls.filter((url): url is string => Boolean(url))
  if (known.length === 0) return []
  return [`<p><strong>URL:</strong> ${known.map((url) => link(url, url)).join(' · ')}</p>`]
}

export function deploySummary(region: string, result: DeployResult): string {
  const overview = htmlTable(
    ['What', 'Value'],
    [
      ['Image', `${code(`${result.repositoryUri}:${result.tag}`)}<br>${code(result.digest)}`],
      ['Task definition', escapeHtml(describeRevision(result.taskDefinitionArn, result.reused))],
      ['Cluster', link(lastSegment(result.clusterArn), clusterConsoleUrl(region, result.clusterArn))]
    ]
  )
  const tasks = withoutEmptyColumns(
    ['Task', 'State', 'Public IP', 'URL', 'Exit code', 'AWS console'],
    result.tasks.map((task) => taskRow(region, result.clusterArn, task))
  )
  return [
    `<h2>${escapeHtml(deployHeadline(result))}</h2>`,
    ...urlLine(result.tasks.map((task) => task.url)),
    ...costLine(result.cost),
    overview,
    '<h3>Tasks</h3>',
    tasks,
    ...timingsAndCreated(result),
    ...(result.cost ? [costSummary(result.cost)] : []),
    ''
  ].join('\n')
}

/** AWS's pricing month: 730 hours. */
const HOURS_PER_MONTH = 730

/** A table without the columns no row has anything in (a job's public IP and URL). */
export function withoutEmptyColumns(header: string[], rows: string[][]): string {
  const kept = header.map((_, index) => rows.some((row) => row[index] !== ''))
  const keep = <T>(cells: T[]): T[] => cells.filter((_, index) => kept[index])
  return htmlTable(keep(header), rows.map(keep))
}

/**
 * The cost in one line, under the URL: what a job's run cost, or what is left running per hour and per month;
 * the cost section below has the lines it is made of. Nothing when the region has no prices.
 */
export function costLine(cost: DeployCost | undefined): string[] {
  if (!cost) return []
  const hourly = cost.hourly && cost.hourly.lines.length > 0 ? cost.hourly : undefined
  const parts: string[] = []
  if (cost.job) parts.push(`${formatCost(cost.job.dollars, 'run')} for this run`)
  if (hourly)
    parts.push(
      `${formatCost(hourly.dollars, 'hour')} an hour (${formatCost(hourly.dollars * HOURS_PER_MONTH, 'month')} ` +
        'a month) while it runs'
    )
  else if (cost.hourly) parts.push('nothing left running')
  return parts.length > 0 ? [`<p><strong>Cost:</strong> ${parts.join('; ')}.</p>`] : []
}

/**
 * Dollars at one precision per column: hours and runs to the hundredth of a cent ($0.0123, $0.0050), months to
 * the cent ($8.98), so figures side by side line up and compare.
 */
export function formatCost(dollars: number, per: 'run' | 'hour' | 'month'): string {
  return `$${dollars.toFixed(per === 'month' ? 2 : 4)}`
}

function jobCostTable(estimate: CostEstimate): string {
  return htmlTable(
    ['What', 'Cost'],
    [
      ...estimate.lines.map((line) => [escapeHtml(line.item), formatCost(line.dollars, 'run')]),
      ['<strong>Total</strong>', `<strong>${formatCost(estimate.dollars, 'run')}</strong>`]
    ]
  )
}

/** What keeps running: per hour, and per month (730 hours) should it run all month. */
function hourlyCostTable(estimate: CostEstimate): string {
  const row = (item: string, dollars: number, strong = false): string[] => {
    const cell = (text: string) => (strong ? `<strong>${text}</strong>` : text)
    return [
      cell(item),
      cell(formatCost(dollars, 'hour')),
      cell(formatCost(dollars * HOURS_PER_MONTH, 'month'))
    ]
  }
  return htmlTable(
    ['What', 'Per hour', 'Per month (730 h)'],
    [
      ...estimate.lines.map((line) => row(escapeHtml(line.item), line.dollars)),
      row('Total', estimate.dollars, true)
    ]
  )
}

/**
 * The cost section: what a job's run cost, and what the deploy leaves running per hour and per month, at the
 * price table's on-demand prices (dated), or why there is no figure.
 */
export function costSummary(cost: DeployCost, notes: readonly string[] = []): string {
  const estimate = cost.job ?? cost.hourly
  if (!estimate) {
    return `<h3>Cost</h3>\n<p>No estimate: the action's price table has no prices for ${escapeHtml(cost.region)}.</p>`
  }
  const parts = ['<h3>Cost</h3>']
  if (cost.job)
    parts.push(
      `<p>${escapeHtml(cost.jobTitle ?? 'What the job cost')} (billed per second, at least a minute per task):</p>`,
      jobCostTable(cost.job)
    )
  if (cost.hourly && cost.hourly.lines.length > 0) {
    parts.push('<p>What keeps running:</p>', hourlyCostTable(cost.hourly))
  } else if (cost.hourly) {
    parts.push('<p>Left running: nothing ($0 per hour).</p>')
  }
  if (estimate.note) parts.push(`<p>${escapeHtml(estimate.note)}.</p>`)
  for (const note of [...(cost.notes ?? []), ...notes]) parts.push(`<p>${escapeHtml(note)}.</p>`)
  parts.push(
    `<p>Estimated at on-demand prices in ${escapeHtml(cost.region)} as of ${escapeHtml(estimate.pricesDate)}; data transfer, logs and storage are not counted.</p>`
  )
  return parts.join('\n')
}

/** removed: what a closed preview removed besides its tasks, in words ("security group sg-1 … removed"). */
export function stopSummary(region: string, cluster: string, result: StopResult, removed = ''): string {
  const taskLinks = (arn: string): string => link('task', taskConsoleUrl(region, cluster, arn))
  const rows = [
    ...result.stopped.map((arn) => [
      code(arn),
      result.alreadyStopped.includes(arn) ? 'was already stopped' : 'stopped',
      taskLinks(arn)
    ]),
    ...result.missing.map((arn) => [code(arn), 'not found (already gone)', ''])
  ]
  const counts = [
    `${result.stopped.length - result.alreadyStopped.length} stopped`,
    `${result.alreadyStopped.length} already stopped`,
    `${result.missing.length} gone`
  ].join(', ')
  const stoppedNow = result.stopped.length - result.alreadyStopped.length
  const headline =
    rows.length === 0
      ? '✅ Stopped: nothing to stop'
      : `✅ Stopped: ${plural(stoppedNow, 'task')} stopped by this run in cluster ${lastSegment(cluster)}`
  return [
    `<h2>${escapeHtml(headline)}</h2>`,
    `<p>Cluster ${link(lastSegment(cluster), clusterConsoleUrl(region, cluster))}: ${counts}</p>`,
    rows.length === 0 ? '<p>No task to stop.</p>' : htmlTable(['Task', 'Result', 'AWS console'], rows),
    ...(removed ? [`<p>Also ${removed}.</p>`] : []),
    ''
  ].join('\n')
}

/** What was known when the action failed: the mode, and the tasks started before the failure, if any. */
export interface FailureContext {
  mode: string
  region: string
  started?: StartedTasks
  /** Of the tasks started, those the action stopped itself (the run was cancelled). */
  stopped?: string[]
  /** Service mode: the service the deploy had created or updated before it failed. */
  service?: { serviceArn: string; created: boolean; deleted: boolean }
  /** What the started tasks cost until the failure, and what is left running per hour. */
  cost?: DeployCost
}

/** A failure's reason in a phrase for the headline: the message's first line, cut at a word near 100 characters. */
export function failurePhrase(message: string): string {
  const first = (message.split('\n')[0] ?? '').trim().replace(/[.:]$/, '')
  if (first.length <= 100) return first
  const cut = first.slice(0, 100)
  return `${cut.slice(0, cut.lastIndexOf(' ') > 60 ? cut.lastIndexOf(' ') : 100)}…`
}

const MODE_NAMES: Record<string, string> = { deploy: 'Deploy', stop: 'Stop', permissions: 'Permissions' }

export function failureSummary(error: ActionError, context: FailureContext): string {
  const mode = MODE_NAMES[context.mode] ?? context.mode
  const phrase = failurePhrase(error.message)
  // The whole message when the headline could not say it all.
  const parts = [
    `<h2>${escapeHtml(`❌ ${mode} failed: ${phrase}`)}</h2>`,
    ...(error.message.trim().replace(/[.:]$/, '') === phrase
      ? []
      : [`<pre>${escapeHtml(error.message)}</pre>`])
  ]
  if (error.details) parts.push('<h3>Details</h3>', `<pre>${escapeHtml(error.details)}</pre>`)
  if (error.hint) parts.push(`<p><strong>What to do:</strong> ${escapeHtml(error.hint)}</p>`)
  const started = context.started
  if (started && started.tasks.length > 0) {
    // Tasks started before the failure keep running (and costing) until stopped: say which.
    parts.push(
      '<h3>Tasks started</h3>',
      htmlTable(
        ['Task', 'AWS console'],
        started.tasks.map((task) => [
          code(task.taskArn),
          `${link('task', taskConsoleUrl(context.region, started.clusterArn, task.taskArn))} · ${link('logs', task.logUrl)}`
        ])
      ),
      started.tasks.every((task) => context.stopped?.includes(task.taskArn))
        ? '<p>Stopped: the run was cancelled before they reached <code>wait-for</code> (<code>stop-on-cancel</code>).</p>'
        : started.tasks.every((task) => task.lastStatus === 'STOPPED')
          ? '<p>They have stopped: nothing is left running.</p>'
          : '<p>Stop them with <code>mode: stop</code> and <code>task-arn: ${{ steps.ID.outputs.task-arns }}</code>.</p>'
    )
  }
  if (context.service) parts.push(serviceFailureSection(context.service))
  if (context.cost) parts.push(costSummary(context.cost))
  parts.push('')
  return parts.join('\n')
}

/** What a failed service deploy leaves: the service, and how to delete it when this run created it. */
export function serviceFailureSection(service: NonNullable<FailureContext['service']>): string {
  const name = lastSegment(service.serviceArn)
  const what = service.deleted
    ? 'This run created it and deleted it again (the run was cancelled).'
    : service.created
      ? `This run created it; it stays (and is billed) until deleted with <code>mode: stop</code> and <code>service: ${escapeHtml(name)}</code>.`
      : 'It existed before this run; ECS keeps the previous revision serving when a deployment rolls back.'
  return ['<h3>Service</h3>', `<p>${code(service.serviceArn)}: ${what}</p>`].join('\n')
}

async function writeSummary(html: string): Promise<void> {
  await core.summary.addRaw(html, true).write()
}

/** "2025-01-02 14:30:05 UTC": when a preview or a task with a ttl stops. */
export function formatStopTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** How long what a deploy left running lives: its ttl, and the pull request whose preview it is. */
export interface Lifetime {
  ttlSeconds?: number
  /** When the ttl runs out, at the latest (the timer started before the deploy ended). */
  stopsAt?: Date
  /** What ends it when the ttl runs out: a service's schedule (its name), else the tasks' timer container. */
  expirySchedule?: string
  /** A service preview: deleted, rather than stopped, when its pull request closes. */
  service?: boolean
  pullRequest?: { number: number; environment: string; comment?: 'created' | 'updated' }
}

export function lifetimeSummary(lifetime: Lifetime): string {
  const parts: string[] = []
  const schedule = lifetime.expirySchedule
  if (lifetime.stopsAt && lifetime.ttlSeconds !== undefined) {
    const ttl = `ttl ${formatTtl(lifetime.ttlSeconds)}`
    parts.push(
      schedule
        ? `<p>Deleted at <strong>${formatStopTime(lifetime.stopsAt)}</strong> (${ttl}) by the EventBridge ` +
            `Scheduler schedule ${code(schedule)}, counted from this deploy: a later deploy moves it.</p>`
        : `<p>Stops by itself by <strong>${formatStopTime(lifetime.stopsAt)}</strong> at the latest ` +
            `(${ttl}: its timer container exits).</p>`
    )
  }
  const pr = lifetime.pullRequest
  if (pr) {
    const comment = pr.comment ? `; its comment ${pr.comment}` : '; no comment written (see the warning)'
    parts.push(
      `<p>Preview of pull request #${pr.number} in environment ${code(pr.environment)}${comment}. ` +
        `It ${schedule !== undefined || lifetime.service ? 'is deleted' : 'stops'} when the pull request closes.</p>`
    )
  }
  return parts.length > 0 ? `<h3>Lifetime</h3>\n${parts.join('\n')}\n` : ''
}

export async function writeDeploySummary(
  region: string,
  result: DeployResult,
  lifetime?: Lifetime
): Promise<void> {
  await writeSummary(deploySummary(region, result) + (lifetime ? lifetimeSummary(lifetime) : ''))
}

export async function writeStopSummary(
  region: string,
  cluster: string,
  result: StopResult,
  removed = ''
): Promise<void> {
  await writeSummary(stopSummary(region, cluster, result, removed))
}

export async function writeFailureSummary(error: ActionError, context: FailureContext): Promise<void> {
  await writeSummary(failureSummary(error, context))
}

// Service mode (ECS Express Mode): the service, its URL, the deployment, the tasks and the scaling.

/** The ECS console page of a service. */
export function serviceConsoleUrl(region: string, cluster: string, serviceName: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${lastSegment(cluster)}/services/${serviceName}/health?region=${region}`
}

/** "1 to 4 tasks, scaling on cpu at 70", "2 tasks (no scaling)". */
export function describeScaling(scaling: ServiceDeployResult['scaling']): string {
  if (scaling.maxTasks === scaling.minTasks) {
    return `${scaling.minTasks} task${scaling.minTasks === 1 ? '' : 's'} (no scaling)`
  }
  const metric = scaling.scaleOn ?? 'cpu'
  const unit = metric === 'requests' ? ' requests per task per minute' : '%'
  const target =
    scaling.scaleTarget === undefined ? 'the default target (60)' : `${scaling.scaleTarget}${unit}`
  return `${scaling.minTasks} to ${scaling.maxTasks} tasks, scaling on ${metric} at ${target}`
}

/** Whether the service deploy worked, and in a phrase what it did. */
export function serviceHeadline(result: ServiceDeployResult): string {
  const verb = result.createdService ? 'created' : 'updated'
  const took = totalTime(result.phases)
  const tasks =
    result.runningCount === undefined
      ? 'not waited for'
      : `${result.runningCount} of ${result.desiredCount ?? '?'} tasks running`
  return `✅ Service ${result.serviceName} ${verb}: ${tasks} (${took})`
}

export function serviceSummary(region: string, result: ServiceDeployResult): string {
  const tasks =
    result.runningCount === undefined
      ? 'not known (wait-for none)'
      : `${result.runningCount} running of ${result.desiredCount ?? '?'} desired`
  const deployment = result.deploymentArn
    ? `${code(lastSegment(result.deploymentArn))} ${escapeHtml(result.deploymentStatus ?? '')}`
    : 'not watched (wait-for none)'
  const rows = [
    [
      'Service',
      `${link(result.serviceName, serviceConsoleUrl(region, result.clusterArn, result.serviceName))} (${result.createdService ? 'created' : 'updated'})`
    ],
    // The URL is the line under the headline; the table says only that it is not known yet.
    ...(result.url ? [] : [['URL', 'not known yet']]),
    ['Deployment', deployment],
    ['Revision', result.revisionArn ? code(lastSegment(result.revisionArn)) : ''],
    ['Tasks', escapeHtml(tasks)],
    ['Scaling', escapeHtml(describeScaling(result.scaling))],
    ['Image', `${code(`${result.repositoryUri}:${result.tag}`)}<br>${code(result.digest)}`],
    ...(result.taskDefinitionArn ? [['Task definition', code(lastSegment(result.taskDefinitionArn))]] : []),
    ['Cluster', link(lastSegment(result.clusterArn), clusterConsoleUrl(region, result.clusterArn))]
  ]
  return [
    `<h2>${escapeHtml(serviceHeadline(result))}</h2>`,
    ...urlLine([result.url]),
    ...costLine(result.cost),
    htmlTable(['What', 'Value'], rows),
    ...timingsAndCreated(result),
    ...(result.expiryRemoved
      ? ['<p>No ttl: the expiry an earlier deploy set is removed; the service runs until deleted.</p>']
      : []),
    ...(result.cost ? [costSummary(result.cost, [SERVICE_COST_NOTE])] : []),
    ''
  ].join('\n')
}

export function serviceStopSummary(region: string, cluster: string, result: ServiceStopResult): string {
  const name = link(result.serviceName, serviceConsoleUrl(region, cluster, result.serviceName))
  const what = result.deleted
    ? `Service ${name} deleted: it is INACTIVE.`
    : `Service ${name} was already deleted (or never existed): nothing to do.`
  const schedule = {
    deleted: "<p>Its ttl's schedule deleted too.</p>",
    none: "<p>Its ttl's schedule was gone already.</p>",
    left: "<p>Its ttl's schedule could not be deleted (see the warning): it fails harmlessly when its time comes, then deletes itself.</p>"
  }
  const headline = result.deleted
    ? `✅ Service ${result.serviceName} deleted`
    : `✅ Service ${result.serviceName}: already gone, nothing to do`
  return [
    `<h2>${escapeHtml(headline)}</h2>`,
    `<p>${what}</p>`,
    ...(result.expirySchedule ? [schedule[result.expirySchedule]] : []),
    ''
  ].join('\n')
}

export async function writeServiceSummary(
  region: string,
  result: ServiceDeployResult,
  lifetime?: Lifetime
): Promise<void> {
  await writeSummary(serviceSummary(region, result) + (lifetime ? lifetimeSummary(lifetime) : ''))
}

export async function writeServiceStopSummary(
  region: string,
  cluster: string,
  result: ServiceStopResult
): Promise<void> {
  await writeSummary(serviceStopSummary(region, cluster, result))
}
