// The standard service controllers: one per service made with CreateService, owning every status change after
// the handlers recorded intent (SERVICES.md). A controller runs the service's tasks as ordinary ECS tasks
// (RunTask's own path, group service:NAME, startedBy ecs-svc/N), registers them on one local front per target
// group, weights the fronts' traffic between revisions and moves the deployments with nextStandardDeployment,
// driven only by task status changes, the fronts' health results and the bake timers: never by fixed sleeps.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import type { Context, StandardLauncher } from './context.js'
import { Front } from './front.js'
import {
  activeCluster,
  checkRoles,
  ecsHandlers,
  findTaskDefinition,
  validateLaunch,
  validateNetwork
} from './services/ecs.js'
import type { Task } from './state/ecs.js'
import { isFinal } from './state/express.js'
import {
  hookStagesOf,
  nextStandardDeployment,
  type HookRun,
  type StandardDeployment,
  type StandardRevision,
  type StandardService
} from './state/standard.js'

/**
 * The ECS rules a service's tasks must pass (RunTask's), for the standard service handlers, which import no other
 * service module.
 */
export const taskRules = { activeCluster, checkRoles, findTaskDefinition, validateLaunch, validateNetwork }

interface ServiceTask {
  task: Task
  revisionArn: string
  port: number
  /** Health per target group (all healthy: the task is healthy); empty without a load balancer. */
  health: Map<string, 'initial' | 'healthy' | 'unhealthy'>
  /** Target groups the task is registered in. */
  registered: Set<string>
  /** Stopped on purpose (drained, replaced, rolled back, failed its health checks): its stop is no new failure. */
  retiring: boolean
}

const live = (t: ServiceTask): boolean => t.task.lastStatus !== 'STOPPED'
const serving = (t: ServiceTask): boolean => live(t) && !t.retiring
const BLUE_GREEN_TEST_STAGES = [
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP'
]

class StandardController {
  private readonly tasks = new Map<string, ServiceTask>()
  private readonly launching = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  /** targetGroupArn → its front; test: the alternate target groups of blue/green (test traffic). */
  private readonly fronts = new Map<string, { front: Front; test: boolean }>()
  private stepping = false
  private again = false
  private closed = false

  constructor(
    private readonly ctx: Context,
    readonly svc: StandardService,
    private readonly address: () => string,
    private readonly onGone: () => void
  ) {}

  /** Starts a front for every target group (production and alternate) the service names that has none yet. */
  async openFronts(): Promise<void> {
    const wanted = new Map<string, boolean>()
    for (const r of [...this.svc.revisions.slice(-2), { loadBalancers: this.svc.loadBalancers }])
      for (const lb of r.loadBalancers) {
        wanted.set(lb.targetGroupArn, false)
        const alt = lb.advancedConfiguration?.alternateTargetGroupArn
        if (alt && !wanted.has(alt)) wanted.set(alt, true)
      }
    for (const [arn, test] of wanted) {
      if (this.fronts.has(arn) || this.closed) continue
      const graceSeconds = this.svc.healthCheckGracePeriodSeconds
      const front = await Front.start({
        address: this.address(),
        intervalMs: this.ctx.timings.healthCheckIntervalMs,
        graceMs: graceSeconds
          ? (graceSeconds * this.ctx.timings.minuteMs) / 60
          : this.ctx.timings.healthCheckGraceMs,
        onHealth: (id, health) => this.onHealth(arn, id, health)
      })
      this.fronts.set(arn, { front, test })
      this.svc.fronts[arn] = front.endpoint
    }
  }

  owns(task: Task): boolean {
    return this.tasks.has(task.taskId)
  }

  /** A task status change of one of this service's tasks. */
  onTask(task: Task): void {
    const st = this.tasks.get(task.taskId)!
    if (task.lastStatus === 'RUNNING' && !st.retiring) this.register(st)
    if (task.lastStatus === 'STOPPED') {
      for (const tg of st.registered) this.fronts.get(tg)?.front.remove(task.taskId)
      st.registered.clear()
      if (!st.retiring) {
        this.event(
          `(service ${this.svc.serviceName}) (task ${task.taskId}) stopped: ${task.stoppedReason ?? 'unknown reason'}`
        )
        this.countFailure(st)
      }
    }
    this.reconcile()
  }

  /** DRAINING: every task stops (draining from the fronts), the fronts close, then INACTIVE. */
  delete(): void {
    const latest = this.latest()
    for (const d of this.svc.deployments)
      if (!isFinal(d.status)) {
        d.status = 'STOPPED'
        d.statusReason = 'The service is being deleted.'
        d.stoppedAt = d.finishedAt = d.updatedAt = new Date()
      }
    for (const timer of this.timers) clearTimeout(timer)
    for (const st of this.tasks.values())
      if (serving(st))
        this.retire(st, `Scaling activity initiated by (deployment ${latest?.ecsDeploymentId ?? ''})`)
    this.reconcile()
  }

  async close(): Promise<void> {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    await Promise.all([...this.fronts.values()].map(({ front }) => front.close()))
  }

  // ---------------------------------------------------------------- the loop

  reconcile(): void {
    // Steps may start tasks whose changes call back in: one loop at a time, run again when asked meanwhile.
    if (this.stepping) {
      this.again = true
      return
    }
    this.stepping = true
    try {
      do {
        this.again = false
        this.step()
      } while (this.again)
    } finally {
      this.stepping = false
    }
  }

  private step(): void {
    const svc = this.svc
    if (svc.status !== 'ACTIVE') {
      if (svc.status === 'DRAINING' && ![...this.tasks.values()].some(live) && this.launchingCount() === 0) {
        svc.status = 'INACTIVE'
        svc.updatedAt = new Date()
        void this.close()
        this.onGone()
      }
      return
    }
    const latest = this.latest()
    for (const d of svc.deployments) if (d !== latest && !isFinal(d.status)) this.move(d, true)
    if (latest) this.move(latest, false)
    this.schedule(latest)
    this.route(latest)
    if (latest?.alarms.status === 'MONITORING' && !isFinal(latest.status)) this.watchAlarms()
  }

  private alarmTimer: NodeJS.Timeout | undefined

  /** Looks at the monitored alarms again after a health check interval, as ECS polls CloudWatch. */
  private watchAlarms(): void {
    if (this.alarmTimer || this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.alarmTimer = undefined
      this.reconcile()
    }, this.ctx.timings.healthCheckIntervalMs)
    this.alarmTimer = timer
    this.timers.add(timer)
  }

  /** One deployment's steps, and what entering each new status, stage or traffic step does. */
  private move(d: StandardDeployment, superseded: boolean): void {
    for (let guard = 0; guard < 20; guard++) {
      const target = d.targetRevisionArn
      const source = d.sourceRevisionArn
      const alarm =
        d.alarms.status === 'MONITORING'
          ? d.alarms.alarmNames.find((n) => this.ctx.behaviour.alarmsInAlarm.includes(n))
          : undefined
      const next = nextStandardDeployment(
        d,
        {
          desired: d.desiredCount,
          targetHealthy: this.of(target).filter((t) => serving(t) && this.healthy(t)).length,
          sourceHealthy: source ? this.of(source).filter((t) => serving(t) && this.healthy(t)).length : 0,
          failed: d.circuitBreaker.failureCount,
          threshold: d.circuitBreaker.threshold,
          hasSource:
            source !== undefined || (d.status === 'PENDING' && this.svc.servingRevisionArn !== undefined),
          sourceStopped: ![...this.tasks.values()].some((t) => t.revisionArn !== target && live(t)),
          targetStopped: !this.of(target).some(live) && (this.launching.get(target) ?? 0) === 0,
          waited: d.waited,
          superseded,
          alarm,
          paused: d.hooks.some((h) => h.stage === d.lifecycleStage && h.status === 'AWAITING_ACTION')
        },
        d.configuration
      )
      if (
        next.status === d.status &&
        next.lifecycleStage === d.lifecycleStage &&
        next.trafficPercent === d.trafficPercent
      )
        return
      const was = d.status
      d.status = next.status
      d.lifecycleStage = next.lifecycleStage
      d.statusReason = next.statusReason ?? (next.status.startsWith('ROLLBACK') ? d.statusReason : undefined)
      d.trafficPercent = next.trafficPercent
      d.updatedAt = new Date()
      d.waited = false
      d.history.push(`${d.status}${d.lifecycleStage ? ` ${d.lifecycleStage}` : ''} ${d.trafficPercent}%`)
      if (alarm && next.status !== 'IN_PROGRESS' && was === 'IN_PROGRESS') {
        d.alarms.status = 'TRIGGERED'
        d.alarms.triggeredAlarmNames = [alarm]
      }
      if (next.waitMinutes !== undefined) {
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          if (
            d.status === next.status &&
            d.lifecycleStage === next.lifecycleStage &&
            d.trafficPercent === next.trafficPercent
          ) {
            d.waited = true
            this.reconcile()
          }
        }, next.waitMinutes * this.ctx.timings.minuteMs)
        this.timers.add(timer)
      }
      if (
        d.status === 'IN_PROGRESS' &&
        d.lifecycleStage &&
        !d.hooks.some((h) => h.stage === d.lifecycleStage)
      )
        this.runHooks(d)
      this.enter(d, was)
    }
  }

  /**
   * The lifecycle hooks of the stage just entered: a PAUSE hook waits for ContinueServiceDeployment (or its
   * timeout's action); a Lambda hook is recorded as SUCCEEDED without being invoked (no Lambda locally).
   */
  private runHooks(d: StandardDeployment): void {
    const stage = d.lifecycleStage!
    const stages = hookStagesOf(stage)
    for (const hook of d.configuration.lifecycleHooks ?? []) {
      if (!hook.lifecycleStages?.some((x) => stages.includes(x))) continue
      const pause = hook.targetType === 'PAUSE'
      const minutes = hook.timeoutConfiguration?.timeoutInMinutes
      const run: HookRun = {
        hookId: randomUUID(),
        targetType: pause ? 'PAUSE' : 'AWS_LAMBDA',
        targetArn: pause ? undefined : hook.hookTargetArn,
        stage,
        status: pause ? 'AWAITING_ACTION' : 'SUCCEEDED',
        // In local minutes (minuteMs). Without a timeout configuration a pause waits for ever (guess).
        expiresAt: pause && minutes ? new Date(Date.now() + minutes * this.ctx.timings.minuteMs) : undefined,
        timeoutAction: pause && minutes ? (hook.timeoutConfiguration?.action ?? 'ROLLBACK') : undefined
      }
      d.hooks.push(run)
      if (pause)
        this.event(
          `(service ${this.svc.serviceName}) (deployment ${d.ecsDeploymentId}) paused at ${stage}: lifecycle hook ${run.hookId} awaits ContinueServiceDeployment.`
        )
      if (pause && minutes) {
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          if (run.status !== 'AWAITING_ACTION' || isFinal(d.status)) return
          run.status = 'TIMED_OUT'
          if (run.timeoutAction === 'ROLLBACK') {
            d.status = 'ROLLBACK_REQUESTED'
            d.statusReason = `The lifecycle hook ${run.hookId} timed out.`
          }
          this.reconcile()
        }, minutes * this.ctx.timings.minuteMs)
        this.timers.add(timer)
      }
    }
  }

  private enter(d: StandardDeployment, was: StandardDeployment['status']): void {
    const svc = this.svc
    const name = `(service ${svc.serviceName})`
    const now = new Date()
    if (was === 'PENDING') {
      d.startedAt = now
      const source = svc.servingRevisionArn
      d.sourceRevisionArn = source !== d.targetRevisionArn ? source : undefined
      if (d.status === 'ROLLBACK_IN_PROGRESS') d.rollback = this.rollbackOf(d, now)
    }
    if (
      d.status === 'IN_PROGRESS' &&
      d.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT' &&
      d.trafficPercent < 100
    )
      // Local wording: AWS's event for a traffic step is not documented.
      this.event(
        `${name} (deployment ${d.ecsDeploymentId}) shifted ${d.trafficPercent}% of production traffic to the new service revision.`
      )
    if (d.status === 'IN_PROGRESS' && d.lifecycleStage === 'CLEAN_UP') {
      const old = [...this.tasks.values()].filter((t) => t.revisionArn !== d.targetRevisionArn && serving(t))
      if (old.length > 0) this.event(`${name} has begun draining connections on ${old.length} tasks.`)
    }
    if (d.status === 'SUCCESSFUL') {
      d.finishedAt = now
      if (d.circuitBreaker.status === 'MONITORING') d.circuitBreaker.status = 'MONITORING_COMPLETE'
      if (d.alarms.status === 'MONITORING') d.alarms.status = 'MONITORING_COMPLETE'
      svc.servingRevisionArn = d.targetRevisionArn
      this.event(`${name} (deployment ${d.ecsDeploymentId}) deployment completed.`)
      this.event(`${name} has reached a steady state.`)
    }
    if (d.status === 'ROLLBACK_IN_PROGRESS' && was !== 'ROLLBACK_IN_PROGRESS') {
      d.rollback = this.rollbackOf(d, now)
      // The service returns to the source revision's definition at once (its task definition, network, targets).
      const back = svc.revisions.find((r) => r.arn === d.rollback!.serviceRevisionArn)
      if (back)
        Object.assign(svc, {
          taskDefinitionArn: back.taskDefinitionArn,
          launchType: back.launchType,
          capacityProviderStrategy: back.capacityProviderStrategy,
          platformVersion: back.platformVersion,
          loadBalancers: back.loadBalancers,
          networkConfiguration: back.networkConfiguration
        })
      if (
        d.circuitBreaker.failureCount >= d.circuitBreaker.threshold &&
        d.circuitBreaker.status === 'MONITORING'
      ) {
        d.circuitBreaker.status = 'TRIGGERED'
        this.event(`${name} (deployment ${d.ecsDeploymentId}) deployment failed: tasks failed to start.`)
      } else if (d.alarms.status === 'TRIGGERED')
        this.event(`${name} (deployment ${d.ecsDeploymentId}) deployment failed: alarm(s) detected.`)
      const source = svc.deployments.find((x) => x.targetRevisionArn === d.sourceRevisionArn)
      this.event(`${name} rolling back to deployment ${source?.ecsDeploymentId ?? d.ecsDeploymentId}.`)
    }
    if (d.status === 'ROLLBACK_SUCCESSFUL') {
      d.finishedAt = now
      svc.servingRevisionArn = d.sourceRevisionArn
      this.event(`${name} has reached a steady state.`)
    }
    if (d.status === 'STOPPED') {
      d.stoppedAt = d.finishedAt = now
      if (
        d.circuitBreaker.failureCount >= d.circuitBreaker.threshold &&
        d.circuitBreaker.status === 'MONITORING'
      ) {
        d.circuitBreaker.status = 'TRIGGERED'
        this.event(`${name} (deployment ${d.ecsDeploymentId}) deployment failed: tasks failed to start.`)
      }
      // Traffic already fully on the target stays there; else the previous revision keeps serving.
      if (d.trafficPercent >= 100 && d.statusReason === 'A newer service deployment started.')
        svc.servingRevisionArn = d.targetRevisionArn
    }
  }

  private rollbackOf(d: StandardDeployment, now: Date): StandardDeployment['rollback'] {
    return {
      reason: d.statusReason ?? '',
      startedAt: now,
      serviceRevisionArn: d.sourceRevisionArn ?? this.svc.servingRevisionArn ?? ''
    }
  }

  // ---------------------------------------------------------------- tasks

  /** How many tasks of which revision should run now, and which tasks to stop. */
  private schedule(latest: StandardDeployment | undefined): void {
    const svc = this.svc
    const keep = new Set<string>()
    const reason = `Scaling activity initiated by (deployment ${latest?.ecsDeploymentId ?? ''})`
    const inProgress = latest && !isFinal(latest.status) && latest.status !== 'PENDING'
    if (!latest || !inProgress) {
      const arn = svc.servingRevisionArn
      if (arn) {
        keep.add(arn)
        this.fillTo(arn, svc.desiredCount, latest)
        this.trimTo(arn, svc.desiredCount, reason)
      }
    } else if (latest.status === 'ROLLBACK_IN_PROGRESS' || latest.status === 'ROLLBACK_REQUESTED') {
      const source = latest.sourceRevisionArn ?? svc.servingRevisionArn
      if (source) {
        keep.add(source)
        this.fillTo(source, latest.desiredCount, latest)
      }
      const sourceHealthy = source ? this.of(source).filter((t) => serving(t) && this.healthy(t)).length : 0
      for (const st of this.of(latest.targetRevisionArn))
        if (serving(st) && (!this.healthy(st) || sourceHealthy >= latest.desiredCount))
          this.retire(st, reason)
      keep.add(latest.targetRevisionArn)
    } else if (latest.configuration.strategy === 'ROLLING') {
      this.rollingStep(latest, reason)
      keep.add(latest.targetRevisionArn)
      for (const st of this.tasks.values()) keep.add(st.revisionArn)
    } else {
      const source = latest.sourceRevisionArn
      const cleaning = latest.lifecycleStage === 'CLEAN_UP'
      if (source && !cleaning) {
        keep.add(source)
        this.fillTo(source, latest.desiredCount, latest)
      }
      keep.add(latest.targetRevisionArn)
      if (latest.lifecycleStage !== 'PRE_SCALE_UP' && latest.lifecycleStage !== 'RECONCILE_SERVICE')
        this.fillTo(latest.targetRevisionArn, latest.desiredCount, latest)
    }
    for (const st of this.tasks.values())
      if (serving(st) && !keep.has(st.revisionArn)) this.retire(st, reason)
  }

  /**
   * A rolling update's batch: new tasks start while the live tasks stay within maximumPercent of the desired
   * count; an old task drains and stops when a healthy one can take its place within minimumHealthyPercent.
   */
  private rollingStep(d: StandardDeployment, reason: string): void {
    const desired = d.desiredCount
    const maxLive = Math.max(desired, Math.floor((desired * d.configuration.maximumPercent) / 100))
    const minHealthy = Math.ceil((desired * d.configuration.minimumHealthyPercent) / 100)
    const target = d.targetRevisionArn
    for (let guard = 0; guard < 1000; guard++) {
      const fresh = this.of(target).filter(serving)
      const old = [...this.tasks.values()].filter((t) => t.revisionArn !== target && serving(t))
      const freshCount = fresh.length + (this.launching.get(target) ?? 0)
      const healthy = fresh.filter((t) => this.healthy(t)).length + old.filter((t) => this.healthy(t)).length
      if (freshCount < desired && freshCount + old.length < maxLive) {
        void this.launch(this.revision(target), d)
        continue
      }
      const total = freshCount + old.length
      const victim = old.find((t) => !this.healthy(t)) ?? old[0]
      const victimHealthy = victim ? this.healthy(victim) : false
      if (
        victim &&
        healthy - (victimHealthy ? 1 : 0) >= minHealthy &&
        (total > desired || (total >= maxLive && freshCount < desired))
      ) {
        this.retire(victim, reason)
        continue
      }
      if (freshCount > desired) {
        const extra = fresh.find((t) => !this.healthy(t)) ?? fresh[0]!
        this.retire(extra, reason)
        continue
      }
      return
    }
  }

  private fillTo(revisionArn: string, count: number, d: StandardDeployment | undefined): void {
    const have = this.of(revisionArn).filter(serving).length + (this.launching.get(revisionArn) ?? 0)
    const deployment =
      [...this.svc.deployments].reverse().find((x) => x.targetRevisionArn === revisionArn) ?? d
    for (let i = have; i < count && deployment; i++) void this.launch(this.revision(revisionArn), deployment)
  }

  private trimTo(revisionArn: string, count: number, reason: string): void {
    const mine = this.of(revisionArn).filter(serving)
    const extra = mine.length - count
    // The ones not yet healthy go first.
    mine.sort((a, b) => Number(this.healthy(a)) - Number(this.healthy(b)))
    for (const st of mine.slice(0, Math.max(0, extra))) this.retire(st, reason)
  }

  private async launch(rev: StandardRevision, d: StandardDeployment): Promise<void> {
    const svc = this.svc
    this.launching.set(rev.arn, (this.launching.get(rev.arn) ?? 0) + 1)
    let started: Task | undefined
    let port = 0
    try {
      const portContainer = this.portContainer(rev)
      port = portContainer?.fixed ?? (await this.freePort())
      if (svc.status !== 'ACTIVE' || !this.wanted(rev.arn)) return
      await this.openFronts()
      const out = ecsHandlers.RunTask!(
        this.ctx,
        {
          cluster: svc.clusterName,
          taskDefinition: rev.taskDefinitionArn,
          ...(rev.capacityProviderStrategy
            ? { capacityProviderStrategy: rev.capacityProviderStrategy }
            : { launchType: rev.launchType ?? 'FARGATE' }),
          networkConfiguration: rev.networkConfiguration,
          group: `service:${svc.serviceName}`,
          startedBy: d.ecsDeploymentId,
          overrides:
            portContainer && portContainer.fixed === undefined
              ? {
                  containerOverrides: [
                    { name: portContainer.name, environment: [{ name: 'PORT', value: String(port) }] }
                  ]
                }
              : {}
        },
        { region: svc.region, accessKeyId: 'ecs' }
      ) as { tasks: Array<{ taskArn: string }>; failures: Array<{ reason?: string }> }
      const arn = out.tasks[0]?.taskArn
      started = arn ? this.ctx.ecs.tasks.get(arn.split('/').pop()!) : undefined
      if (!started)
        this.event(
          `(service ${svc.serviceName}) was unable to place a task. Reason: ${out.failures[0]?.reason ?? 'unknown'}.`
        )
    } catch (err) {
      this.event(`(service ${svc.serviceName}) was unable to place a task. Reason: ${(err as Error).message}`)
    } finally {
      this.launching.set(rev.arn, (this.launching.get(rev.arn) ?? 1) - 1)
    }
    if (started) {
      this.tasks.set(started.taskId, {
        task: started,
        revisionArn: rev.arn,
        port,
        health: new Map(),
        registered: new Set(),
        retiring: false
      })
      this.event(`(service ${svc.serviceName}) has started 1 tasks: (task ${started.taskId}).`)
    } else {
      // A deployment counts a task it could not place; a steady service does not retry in a loop.
      const latest = this.latest()
      if (latest && latest.status === 'IN_PROGRESS' && latest.targetRevisionArn === rev.arn)
        latest.circuitBreaker.failureCount++
      else return
    }
    this.reconcile()
  }

  /** The container the load balancer targets (else the first with a port mapping), and a PORT it fixes itself. */
  private portContainer(rev: StandardRevision): { name: string; fixed?: number } | undefined {
    const td = [...this.ctx.ecs.taskDefinitions.values()]
      .flat()
      .find((t) => t.taskDefinitionArn === rev.taskDefinitionArn)
    const lb = rev.loadBalancers[0]
    const container = lb
      ? td?.containerDefinitions.find((c) => c.name === lb.containerName)
      : td?.containerDefinitions.find((c) => ((c.portMappings as unknown[] | undefined) ?? []).length > 0)
    if (!container) return undefined
    const setsPort = (container.environment as Array<{ name?: string }> | undefined)?.some(
      (e) => e.name === 'PORT'
    )
    const containerPort =
      lb?.containerPort ?? (container.portMappings as Array<{ containerPort?: number }>)[0]?.containerPort
    return { name: String(container.name), fixed: setsPort ? containerPort : undefined }
  }

  /** A free port on the host network: tasks share it here, so each gets its own PORT. */
  private async freePort(): Promise<number> {
    const taken = new Set([...this.tasks.values()].filter(live).map((t) => t.port))
    for (;;) {
      const port = await new Promise<number>((resolve, reject) => {
        const probe = createServer()
        probe.once('error', reject)
        probe.listen(0, '0.0.0.0', () => {
          const p = (probe.address() as { port: number }).port
          probe.close(() => resolve(p))
        })
      })
      if (!taken.has(port)) return port
    }
  }

  /** Puts a RUNNING task in its revision's target groups (the alternate ones too). */
  private register(st: ServiceTask): void {
    const rev = this.revision(st.revisionArn)
    for (const lb of rev.loadBalancers)
      for (const tg of [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn]) {
        const entry = tg ? this.fronts.get(tg) : undefined
        if (!tg || !entry || st.registered.has(tg)) continue
        st.registered.add(tg)
        if (!entry.test) st.health.set(tg, 'initial')
        entry.front.add(st.task.taskId, {
          host: st.task.privateIp,
          port: st.port,
          // ELBv2 is not emulated: the target group's health check path is a switch, else an ALB's default, /.
          healthPath: this.ctx.behaviour.targetGroupHealthCheckPaths[tg] ?? '/',
          routable: true,
          group: st.revisionArn
        })
        this.event(`(service ${this.svc.serviceName}) registered 1 targets in (target-group ${tg})`)
      }
  }

  /** Takes a task out of its target groups (letting in-flight requests finish), then stops it. */
  private retire(st: ServiceTask, reason: string): void {
    if (st.retiring) return
    st.retiring = true
    const stop = () => {
      if (st.task.lastStatus === 'STOPPED') return
      this.ctx.runner.stop(st.task, reason)
      // The service scheduler, not a user, stops a service's task.
      if (st.task.stopCode === 'UserInitiated') st.task.stopCode = 'ServiceSchedulerInitiated'
      this.event(`(service ${this.svc.serviceName}) has stopped 1 running tasks: (task ${st.task.taskId}).`)
    }
    const groups = [...st.registered]
    if (groups.length === 0) return stop()
    void Promise.all(
      groups.map((tg) =>
        (this.fronts.get(tg)?.front.drain(st.task.taskId) ?? Promise.resolve()).then(() => {
          st.registered.delete(tg)
          this.event(`(service ${this.svc.serviceName}) deregistered 1 targets in (target-group ${tg})`)
        })
      )
    ).then(stop)
  }

  private onHealth(tg: string, id: string, health: 'healthy' | 'unhealthy'): void {
    const st = this.tasks.get(id)
    if (!st || st.retiring || !st.health.has(tg)) return
    st.health.set(tg, health)
    if (health === 'unhealthy') {
      this.event(
        `(service ${this.svc.serviceName}) (port ${st.port}) is unhealthy in (target-group ${tg}) due to (reason Health checks failed).`
      )
      this.countFailure(st)
      this.retire(st, `Task failed ELB health checks in (target-group ${tg})`)
    }
    this.reconcile()
  }

  /** A task of the revision being deployed failed: one more for the deployment's circuit breaker. */
  private countFailure(st: ServiceTask): void {
    const d = this.latest()
    if (d && d.status === 'IN_PROGRESS' && d.targetRevisionArn === st.revisionArn)
      d.circuitBreaker.failureCount++
  }

  // ---------------------------------------------------------------- traffic

  /** Weights every front's traffic between the revisions, as the deployment's stage and traffic step say. */
  private route(latest: StandardDeployment | undefined): void {
    const servingArn = this.svc.servingRevisionArn
    let production: Record<string, number> | undefined
    let test: Record<string, number> | undefined
    const only = (arn: string | undefined) => (arn ? { [arn]: 100 } : {})
    if (!latest || isFinal(latest.status) || latest.status === 'PENDING') {
      production = only(
        servingArn ?? (latest?.status === 'SUCCESSFUL' ? latest.targetRevisionArn : undefined)
      )
    } else if (latest.status.startsWith('ROLLBACK')) {
      const source = latest.sourceRevisionArn ?? servingArn
      const sourceHealthy = source ? this.of(source).filter((t) => serving(t) && this.healthy(t)).length : 0
      production =
        latest.configuration.strategy === 'ROLLING' && sourceHealthy < latest.desiredCount
          ? undefined
          : only(source)
    } else if (latest.configuration.strategy === 'ROLLING') {
      // Every healthy task of any revision takes its share.
      production = undefined
    } else {
      const source = latest.sourceRevisionArn
      production = source
        ? { [source]: 100 - latest.trafficPercent, [latest.targetRevisionArn]: latest.trafficPercent }
        : only(latest.targetRevisionArn)
      if (BLUE_GREEN_TEST_STAGES.includes(latest.lifecycleStage ?? '')) test = only(latest.targetRevisionArn)
    }
    for (const { front, test: isTest } of this.fronts.values())
      front.setWeights(isTest ? (test ?? production) : production)
  }

  // ---------------------------------------------------------------- reading

  /** Whether tasks of the revision are still to start (a launch that waited for a port may be too late). */
  private wanted(revisionArn: string): boolean {
    const d = this.latest()
    if (!d || isFinal(d.status) || d.status === 'PENDING') return revisionArn === this.svc.servingRevisionArn
    if (d.status.startsWith('ROLLBACK'))
      return revisionArn === (d.sourceRevisionArn ?? this.svc.servingRevisionArn)
    return revisionArn === d.targetRevisionArn || revisionArn === d.sourceRevisionArn
  }

  private healthy(t: ServiceTask): boolean {
    if (t.task.lastStatus !== 'RUNNING') return false
    return [...t.health.values()].every((h) => h === 'healthy')
  }

  private of(revisionArn: string): ServiceTask[] {
    return [...this.tasks.values()].filter((t) => t.revisionArn === revisionArn)
  }

  private latest(): StandardDeployment | undefined {
    return this.svc.deployments.at(-1)
  }

  private revision(arn: string): StandardRevision {
    return this.svc.revisions.find((r) => r.arn === arn)!
  }

  private launchingCount(): number {
    return [...this.launching.values()].reduce((a, b) => a + b, 0)
  }

  private event(message: string): void {
    this.svc.events.unshift({ id: randomUUID(), createdAt: new Date(), message })
    if (this.svc.events.length > 100) this.svc.events.length = 100
  }
}

/** Every standard service's controller in one local AWS (StandardLauncher); fronts on 127.0.3.N. */
export class StandardControllers implements StandardLauncher {
  private readonly controllers = new Map<string, StandardController>()
  private readonly usedSlots = new Set<number>()
  private ctx!: Context

  attach(ctx: Context): void {
    this.ctx = ctx
    ctx.ecs.taskWatchers.add((task) => {
      for (const controller of this.controllers.values())
        if (controller.owns(task)) return controller.onTask(task)
    })
  }

  async open(svc: StandardService): Promise<void> {
    const slots: number[] = []
    const controller = new StandardController(
      this.ctx,
      svc,
      () => {
        let slot = 2
        while (this.usedSlots.has(slot)) slot++
        this.usedSlots.add(slot)
        slots.push(slot)
        return `127.0.3.${slot}`
      },
      () => {
        if (this.controllers.get(svc.serviceArn) === controller) this.controllers.delete(svc.serviceArn)
        for (const s of slots) this.usedSlots.delete(s)
      }
    )
    this.controllers.set(svc.serviceArn, controller)
    await controller.openFronts()
  }

  reconcile(svc: StandardService): void {
    const controller = this.controllers.get(svc.serviceArn)
    if (!controller) return
    // New target groups (an update's loadBalancers) get their fronts before tasks register in them.
    void controller.openFronts().then(() => controller.reconcile())
  }

  delete(svc: StandardService): void {
    this.controllers.get(svc.serviceArn)?.delete()
  }

  /** Closes every front (before the task runner removes the containers). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.controllers.values()].map((c) => c.close()))
  }
}
