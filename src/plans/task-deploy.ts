// Plan: deploy tasks. Push the image, register the revision, run the tasks and wait as asked (modes/deploy.ts);
// a preview then stops the previous commit's tasks. The lifecycle does the rest (GitHub, comment, summary).
import { createDeployClients } from '../aws/clients.js'
import { formatTtl } from '../inputs/facts.js'
import { deploy } from '../modes/deploy.js'
import type { DeployResult } from '../modes/types.js'
import type { Lifecycle, Outcome } from '../runner/lifecycle.js'
import { formatStopTime, writeDeploySummary } from '../runner/summaries.js'
import type { DeployClients } from '../aws/clients.js'

export async function deployTasks(life: Lifecycle): Promise<Outcome> {
  const { inputs, reporter, pullRequest } = life
  const start = life.deployStart()
  const { signal } = start.cancellation
  signal.addEventListener('abort', () =>
    reporter.warning(
      `Received ${String(signal.reason)}: the run is cancelled; stopping what this step started`
    )
  )
  const clients = await createDeployClients(inputs.region)
  let result: DeployResult
  try {
    result = await deploy(inputs, {
      ...start,
      clients,
      // At once, for the post step: a step killed before it stopped its tasks leaves them to the post step.
      onStarted: (started) => {
        if (!inputs.stopOnCancel || inputs.waitFor === 'none') return
        life.saveStartedTasks(started)
      }
    })
  } catch (error) {
    if (inputs.stopOnCancel) life.leaveUnstoppedForPost(error)
    throw error
  }
  // The timer started before the deploy ended: the ttl runs out by then at the latest.
  const { ttlSeconds } = inputs
  const stopsAt = ttlSeconds === undefined ? undefined : new Date(Date.now() + ttlSeconds * 1000)
  if (stopsAt && ttlSeconds !== undefined)
    reporter.info(`Stops by itself by ${formatStopTime(stopsAt)} (ttl ${formatTtl(ttlSeconds)})`)
  const taskArns = result.tasks.map((task) => task.taskArn)
  const url = result.tasks[0]?.url
  return {
    url,
    comment: pullRequest && {
      image: result.image,
      howToStop: await replaceEarlierPreview(life, clients, result, taskArns),
      state: { kind: 'running', url, stopsAt, ttlSeconds }
    },
    summary: (pullRequestLine) =>
      writeDeploySummary(inputs.region, result, { ttlSeconds, stopsAt, pullRequest: pullRequestLine })
  }
}

/**
 * A preview deployed: the previous commit's tasks stopped (the new ones answer already); a failure warns.
 * Returns how to stop the new ones, for the comment. The preview's code is loaded for a preview only.
 */
async function replaceEarlierPreview(
  life: Lifecycle,
  clients: DeployClients,
  result: DeployResult,
  keep: string[]
): Promise<string[]> {
  const { inputs, reporter, pullRequest } = life
  const [{ stopEarlierTasks, replacedReason }, { taskStopInstructions }] = await Promise.all([
    import('../modes/preview.js'),
    import('../runner/pull-request.js')
  ])
  const howToStop = taskStopInstructions(inputs.region, inputs.cluster, keep)
  if (!pullRequest) return howToStop
  try {
    const stopped = await stopEarlierTasks(clients.ecs, {
      cluster: result.clusterArn,
      family: inputs.family,
      startedBy: inputs.startedBy,
      keep,
      reason: replacedReason(pullRequest.number, pullRequest.headSha),
      deadline: Date.now() + inputs.timeoutSeconds * 1000,
      log: (message) => reporter.info(message)
    })
    if (stopped.length > 0) reporter.info(`Replaced the earlier preview: stopping ${stopped.join(', ')}`)
  } catch (error) {
    const [{ explainError }, { scopeFor }, { formatActionError }] = await Promise.all([
      import('../explain/aws-errors.js'),
      import('../policy/permissions.js'),
      import('../explain/action-error.js')
    ])
    const explained = explainError(error, scopeFor(inputs))
    reporter.warning(
      `Could not stop the earlier preview of ${inputs.family}: ${formatActionError(explained)}`
    )
  }
  return howToStop
}
