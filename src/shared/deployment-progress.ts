// A service deployment told in the log stage by stage: the strategy once, then a line whenever the lifecycle
// stage, the task counts, the traffic shifted, the bake time left (to the minute), the circuit breaker or the
// alarms change; and a deployment paused at a lifecycle hook, with how to continue it. Pure: the caller gives
// the time and prints the lines (AWS's text in them is data: alarm names, hook ids).
import type {
  DeploymentConfiguration,
  DeploymentLifecycleHookDetail,
  ServiceDeployment,
  ServiceRevisionSummary
} from '@aws-sdk/client-ecs'

const MINUTE = 60_000

/** "12.5" for 12.5, "10" for 10: traffic weights and percents as AWS gives them, without float noise. */
function percent(value: number): string {
  return `${Math.round(value * 10) / 10}%`
}

/**
 * The strategy in words, e.g. "canary: 10% for 5 min, then the rest; bake time 15 min". Rolling is the
 * default when the configuration names none.
 */
export function describeStrategy(configuration: DeploymentConfiguration | undefined): string {
  const strategy = configuration?.strategy ?? 'ROLLING'
  const bake =
    configuration?.bakeTimeInMinutes === undefined ? '' : `; bake time ${configuration.bakeTimeInMinutes} min`
  switch (strategy) {
    case 'ROLLING': {
      const parts = ['rolling']
      const { minimumHealthyPercent: min, maximumPercent: max } = configuration ?? {}
      if (min !== undefined || max !== undefined) {
        parts.push(`(min ${min ?? '?'}% healthy, max ${max ?? '?'}%)`)
      }
      return parts.join(' ')
    }
    case 'BLUE_GREEN':
      return `blue/green${bake}`
    case 'LINEAR': {
      const linear = configuration?.linearConfiguration
      const step = linear?.stepPercent === undefined ? 'in steps' : `${percent(linear.stepPercent)} a step`
      const wait =
        linear?.stepBakeTimeInMinutes === undefined ? '' : `, ${linear.stepBakeTimeInMinutes} min apart`
      return `linear: ${step}${wait}${bake}`
    }
    case 'CANARY': {
      const canary = configuration?.canaryConfiguration
      const share = canary?.canaryPercent === undefined ? 'a share' : percent(canary.canaryPercent)
      const wait =
        canary?.canaryBakeTimeInMinutes === undefined ? '' : ` for ${canary.canaryBakeTimeInMinutes} min`
      return `canary: ${share}${wait}, then the rest${bake}`
    }
    default:
      return `${String(strategy).toLowerCase()}${bake}`
  }
}

/** How the deployment fails, e.g. "circuit breaker with rollback; alarms high-5xx, p99 with rollback". */
export function describeSafeguards(configuration: DeploymentConfiguration | undefined): string | undefined {
  const parts: string[] = []
  const breaker = configuration?.deploymentCircuitBreaker
  if (breaker?.enable) parts.push(`circuit breaker${breaker.rollback ? ' with rollback' : ' (no rollback)'}`)
  const alarms = configuration?.alarms
  if (alarms?.enable && (alarms.alarmNames ?? []).length > 0) {
    parts.push(
      `alarms ${alarms.alarmNames!.join(', ')}${alarms.rollback ? ' with rollback' : ' (no rollback)'}`
    )
  }
  return parts.length > 0 ? parts.join('; ') : undefined
}

function revisionCounts(label: string, revision: ServiceRevisionSummary | undefined): string | undefined {
  if (revision?.requestedTaskCount === undefined && revision?.runningTaskCount === undefined) return undefined
  const pending = revision.pendingTaskCount ? `, ${revision.pendingTaskCount} pending` : ''
  return `${label} ${revision.runningTaskCount ?? 0}/${revision.requestedTaskCount ?? 0} running${pending}`
}

/**
 * The traffic the new revision gets, where it means something: not for a rolling deployment (its weights say
 * nothing while tasks are replaced); test traffic only until production traffic starts to shift.
 */
function traffic(deployment: ServiceDeployment): string | undefined {
  const revision = deployment.targetServiceRevision
  const strategy = deployment.deploymentConfiguration?.strategy
  if (!revision || strategy === 'ROLLING' || (!strategy && !deployment.lifecycleStage)) return undefined
  const production = revision.requestedProductionTrafficWeight
  const test = revision.requestedTestTrafficWeight
  const parts: string[] = []
  if (test !== undefined && !production) parts.push(`test traffic ${percent(test)}`)
  if (production !== undefined) parts.push(`production traffic ${percent(production)}`)
  return parts.length > 0 ? `${parts.join(', ')} to the new revision` : undefined
}

/** "4 min left", "less than a minute left": minutes, rounded up, so the line changes once a minute. */
function timeLeft(ms: number): string {
  if (ms <= 0) return 'ending'
  if (ms < MINUTE) return 'less than a minute left'
  return `${Math.ceil(ms / MINUTE)} min left`
}

/** When the stages that wait began, as the caller saw them: the API gives no start time per stage. */
export interface StageClock {
  now: number
  /** When the deployment was first seen in its current lifecycle stage. */
  stageSince?: number
  /** When the production traffic weight last changed (a linear or canary step). */
  stepSince?: number
}

function waiting(deployment: ServiceDeployment, clock: StageClock): string | undefined {
  const configuration = deployment.deploymentConfiguration
  if (deployment.lifecycleStage === 'BAKE_TIME' && configuration?.bakeTimeInMinutes !== undefined) {
    const since = clock.stageSince ?? clock.now
    return `bake time ${timeLeft(configuration.bakeTimeInMinutes * MINUTE - (clock.now - since))}`
  }
  if (deployment.lifecycleStage !== 'PRODUCTION_TRAFFIC_SHIFT') return undefined
  const weight = deployment.targetServiceRevision?.requestedProductionTrafficWeight
  if (weight === undefined || weight >= 100) return undefined
  const step =
    configuration?.strategy === 'LINEAR'
      ? configuration.linearConfiguration?.stepBakeTimeInMinutes
      : configuration?.strategy === 'CANARY'
        ? configuration.canaryConfiguration?.canaryBakeTimeInMinutes
        : undefined
  if (step === undefined) return undefined
  const since = clock.stepSince ?? clock.now
  return `next shift: ${timeLeft(step * MINUTE - (clock.now - since))}`
}

function hooks(details: readonly DeploymentLifecycleHookDetail[] | undefined): string | undefined {
  const running = (details ?? []).filter((hook) => hook.status === 'IN_PROGRESS')
  if (running.length === 0) return undefined
  return running
    .map((hook) => `hook ${hook.targetArn ? lastPart(hook.targetArn) : (hook.hookId ?? '?')} running`)
    .join(', ')
}

function lastPart(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1)
}

/**
 * One line for the deployment's state now, e.g. "IN_PROGRESS, stage BAKE_TIME (bake time 4 min left): new
 * revision 2/2 running, old revision 2/0 running; production traffic 100% to the new revision; circuit breaker
 * 0/3 failures".
 */
export function formatDeploymentProgress(deployment: ServiceDeployment, clock: StageClock): string {
  const stage = deployment.lifecycleStage
  const wait = waiting(deployment, clock)
  const hook = hooks(deployment.lifecycleHookDetails)
  const head = [
    deployment.status ?? 'PENDING',
    stage ? `stage ${stage}${wait || hook ? ` (${[wait, hook].filter(Boolean).join(', ')})` : ''}` : undefined
  ]
    .filter(Boolean)
    .join(', ')
  const sources = deployment.sourceServiceRevisions ?? []
  const counts = [
    revisionCounts('new revision', deployment.targetServiceRevision),
    ...sources.map((source) => revisionCounts('old revision', source))
  ].filter(Boolean)
  const details = [counts.join(', ') || undefined, traffic(deployment)]
  const breaker = deployment.deploymentCircuitBreaker
  if (breaker && breaker.status !== 'DISABLED' && breaker.threshold !== undefined) {
    details.push(`circuit breaker ${breaker.failureCount ?? 0}/${breaker.threshold} failures`)
  }
  const triggered = deployment.alarms?.triggeredAlarmNames ?? []
  if (triggered.length > 0) details.push(`alarms in ALARM: ${triggered.join(', ')}`)
  const rest = details.filter(Boolean).join('; ')
  return rest ? `${head}: ${rest}` : head
}

/** The hooks a deployment waits on: a PAUSE hook AWAITING_ACTION waits for a person (or a script). */
export function pausedHooks(deployment: ServiceDeployment): DeploymentLifecycleHookDetail[] {
  return (deployment.lifecycleHookDetails ?? []).filter(
    (hook) => hook.targetType === 'PAUSE' && hook.status === 'AWAITING_ACTION'
  )
}

/** What to say about a paused deployment: the stage, until when, what ECS does then, and how to continue. */
export function describePause(deployment: ServiceDeployment, hook: DeploymentLifecycleHookDetail): string {
  const arn = deployment.serviceDeploymentArn ?? 'DEPLOYMENT_ARN'
  const id = hook.hookId ?? 'HOOK_ID'
  const until = hook.expiresAt
    ? ` until ${hook.expiresAt.toISOString()} (then ECS will ${hook.timeoutAction === 'CONTINUE' ? 'continue' : 'roll back'})`
    : ''
  return (
    `The deployment is paused at stage ${deployment.lifecycleStage ?? 'unknown'} by lifecycle hook ${id}${until}. ` +
    `Continue it with: aws ecs continue-service-deployment --service-deployment-arn ${arn} --hook-id ${id} ` +
    '--action CONTINUE (or --action ROLLBACK to roll it back).'
  )
}

/**
 * Follows one deployment's answers and returns the lines to print: the strategy first, then the progress line
 * whenever it changes, and each pause once. The stage and step times are those of the first answer that
 * showed them.
 */
export class DeploymentProgress {
  private lastLine: string | undefined
  private stage: string | undefined
  private stageSince: number | undefined
  private weight: number | undefined
  private stepSince: number | undefined
  private readonly pausesSaid = new Set<string>()
  private strategySaid = false

  update(deployment: ServiceDeployment, now: number): string[] {
    const lines: string[] = []
    if (!this.strategySaid && deployment.deploymentConfiguration) {
      this.strategySaid = true
      const safeguards = describeSafeguards(deployment.deploymentConfiguration)
      lines.push(
        `Deployment strategy: ${describeStrategy(deployment.deploymentConfiguration)}${safeguards ? `; ${safeguards}` : ''}`
      )
    }
    if (deployment.lifecycleStage !== this.stage) {
      this.stage = deployment.lifecycleStage
      this.stageSince = now
    }
    const weight = deployment.targetServiceRevision?.requestedProductionTrafficWeight
    if (weight !== this.weight) {
      this.weight = weight
      this.stepSince = now
    }
    const line = formatDeploymentProgress(deployment, {
      now,
      stageSince: this.stageSince,
      stepSince: this.stepSince
    })
    if (line !== this.lastLine) {
      this.lastLine = line
      lines.push(line)
    }
    for (const hook of pausedHooks(deployment)) {
      const key = `${hook.hookId ?? ''}@${deployment.lifecycleStage ?? ''}`
      if (this.pausesSaid.has(key)) continue
      this.pausesSaid.add(key)
      lines.push(describePause(deployment, hook))
    }
    return lines
  }
}
