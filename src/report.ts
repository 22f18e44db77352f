// What the workflow sees: outputs, log groups, annotations and the job summary.
import * as core from '@actions/core'
import type { DeployResult } from './deploy.js'
import type { ActionError } from './errors.js'
import type { StopResult } from './stop.js'

export interface Reporter {
  info(message: string): void
  warning(message: string): void
  notice(message: string): void
  setOutput(name: string, value: string): void
  setSecret(secret: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

export function coreReporter(): Reporter {
  return {
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    notice: (message) => core.notice(message),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (secret) => core.setSecret(secret),
    group: (name, fn) => core.group(name, fn)
  }
}

const consoleBase = (region: string): string => `https://${region}.console.aws.amazon.com`

export function taskConsoleUrl(region: string, clusterArn: string, taskArn: string): string {
  const cluster = clusterArn.slice(clusterArn.lastIndexOf('/') + 1)
  const id = taskArn.slice(taskArn.lastIndexOf('/') + 1)
  return `${consoleBase(region)}/ecs/v2/clusters/${cluster}/tasks/${id}/configuration?region=${region}`
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

function link(text: string, url: string): string {
  return `<a href="${url}">${text}</a>`
}

export async function writeDeploySummary(region: string, result: DeployResult): Promise<void> {
  const summary = core.summary.addHeading('ECS Fargate deploy', 2)
  summary.addTable([
    [
      { data: 'What', header: true },
      { data: 'Value', header: true }
    ],
    ['Image', `${result.repositoryUri}:${result.tag}<br><code>${result.digest}</code>`],
    [
      'Task definition',
      `<code>${result.taskDefinitionArn.slice(result.taskDefinitionArn.lastIndexOf('/') + 1)}</code> (${
        result.reused ? 'reused: unchanged' : 'new revision'
      })`
    ],
    ['Cluster', `<code>${result.clusterArn}</code>`]
  ])
  summary.addHeading('Tasks', 3)
  summary.addTable([
    ['Task', 'State', 'Public IP', 'URL', 'Exit code', 'Console', 'Logs'].map((data) => ({
      data,
      header: true
    })),
    ...result.tasks.map((task) => [
      `<code>${task.taskArn}</code>`,
      task.lastStatus ?? '',
      task.publicIp ?? '',
      task.url ? link(task.url, task.url) : '',
      task.exitCode === undefined ? '' : String(task.exitCode),
      link('task', taskConsoleUrl(region, result.clusterArn, task.taskArn)),
      link('logs', task.logUrl)
    ])
  ])
  summary.addHeading('Timings', 3)
  summary.addTable([
    [
      { data: 'Phase', header: true },
      { data: 'Time', header: true }
    ],
    ...result.phases.map((phase) => [phase.name, formatSeconds(phase.ms)])
  ])
  if (result.created.length > 0) summary.addRaw('Created: ' + result.created.join(', '), true)
  await summary.write()
}

export async function writeStopSummary(cluster: string, result: StopResult): Promise<void> {
  const rows = [
    ...result.stopped.map((arn) => [
      `<code>${arn}</code>`,
      result.alreadyStopped.includes(arn) ? 'was already stopped' : 'stopped'
    ]),
    ...result.missing.map((arn) => [`<code>${arn}</code>`, 'not found (already gone)'])
  ]
  const summary = core.summary
    .addHeading('ECS Fargate stop', 2)
    .addRaw(`Cluster <code>${cluster}</code>`, true)
  if (rows.length === 0) summary.addRaw('No task to stop.', true)
  else
    summary.addTable([
      [
        { data: 'Task', header: true },
        { data: 'Result', header: true }
      ],
      ...rows
    ])
  await summary.write()
}

export async function writeFailureSummary(error: ActionError): Promise<void> {
  const summary = core.summary.addHeading('ECS Fargate deploy failed', 2).addCodeBlock(error.message)
  if (error.details) summary.addCodeBlock(error.details)
  if (error.hint) summary.addRaw(`<strong>What to do:</strong> ${error.hint}`, true)
  await summary.write()
}
