// The Express service controllers: one per service, owning every status change after the handlers recorded
// intent (EXPRESS.md, "Statuses, and what moves them"). A controller runs the service's tasks as ordinary ECS
// tasks (RunTask's own path, group service:NAME, startedBy ecs-svc/N), registers them on the service's front
// and moves the deployments with nextDeployment, driven only by task status changes, the front's health results
// and the bake timer: never by fixed sleeps.
import { randomInt, randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import type { Context, RequestInfo, ServiceLauncher } from './context.js'
import { Front } from './front.js'
import { ecsHandlers, findTaskDefinition } from './services/ecs.js'
import type { Cluster, Task, TaskDefinition } from './state/ecs.js'
import {
  circuitBreakerThreshold,
  isFinal,
  nextDeployment,
  type ExpressConfiguration,
  type ExpressService,
  type ServiceDeployment,
  type ServiceRevision
} from './state/express.js'

/** The container every Express task definition runs (and a customer's task definition must have). */
export const MAIN_CONTAINER = 'Main'

/**
 * Registers the task definition of a new revision (family: the service's name) from its configuration, or
 * takes the customer's, and returns the revision. Throws the ECS error of a task definition ECS would refuse.
 */
export function newRevision(
  ctx: Context,
  svc: Pick<ExpressService, 'serviceName' | 'clusterName' | 'region'>,
  configuration: ExpressConfiguration,
  req: RequestInfo
): ServiceRevision {
  const arn = `arn:aws:ecs:${svc.region}:${ctx.accountId}:service-revision/${svc.clusterName}/${svc.serviceName}/${randomDigits(19)}`
  if (configuration.customTaskDefinitionArn) {
    const td = findTaskDefinition(ctx, configuration.customTaskDefinitionArn)!
    const main = td.containerDefinitions.find((c) => c.name === MAIN_CONTAINER)
    const setsPort = (main?.environment as Array<{ name?: string }> | undefined)?.some(
      (e) => e.name === 'PORT'
    )
    const containerPort = (main?.portMappings as Array<{ containerPort?: number }> | undefined)?.[0]
      ?.containerPort
    return {
      arn,
      configuration,
      taskDefinitionArn: td.taskDefinitionArn,
      fixedPort: setsPort ? containerPort : undefined,
      createdAt: new Date()
    }
  }
  const c = configuration.primaryContainer!
  const logs = c.awsLogsConfiguration ?? {
    logGroup: `/aws/ecs/${svc.clusterName}/${svc.serviceName}`,
    logStreamPrefix: 'ecs'
  }
  const registered = ecsHandlers.RegisterTaskDefinition!(
    ctx,
    {
      family: svc.serviceName,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: configuration.cpu,
      memory: configuration.memory,
      executionRoleArn: configuration.executionRoleArn,
      taskRoleArn: configuration.taskRoleArn,
      runtimePlatform: {
        cpuArchitecture: configuration.cpuArchitecture ?? 'X86_64',
        operatingSystemFamily: 'LINUX'
      },
      containerDefinitions: [
        {
          name: MAIN_CONTAINER,
          image: c.image,
          essential: true,
          portMappings: [{ containerPort: c.containerPort, protocol: 'tcp', name: 'main-port' }],
          command: c.command,
          environment: c.environment ?? [],
          secrets: c.secrets,
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': logs.logGroup,
              'awslogs-region': svc.region,
              'awslogs-stream-prefix': logs.logStreamPrefix,
              'awslogs-create-group': 'true'
            }
          }
        }
      ]
    },
    req
  ) as { taskDefinition: TaskDefinition }
  return {
    arn,
    configuration,
    taskDefinitionArn: registered.taskDefinition.taskDefinitionArn,
    createdAt: new Date()
  }
}

/** The default cluster, made (with the Fargate capacity providers) when it is missing, as Express does. */
export function ensureCluster(ctx: Context, req: RequestInfo): Cluster {
  const existing = ctx.ecs.clusters.get('default')
  if (existing?.status === 'ACTIVE') return existing
  ecsHandlers.CreateCluster!(
    ctx,
    { clusterName: 'default', capacityProviders: ['FARGATE', 'FARGATE_SPOT'] },
    req
  )
  return ctx.ecs.clusters.get('default')!
}

export const randomDigits = (n: number): string =>
  Array.from({ length: n }, (_, i) => randomInt(i === 0 ? 1 : 0, 10)).join('')

interface ServiceTask {
  task: Task
  revisionArn: string
  port: number
  health: 'initial' | 'healthy' | 'unhealthy'
  onFront: boolean
  /** Stopped on purpose (drained, rolled back, failed its health checks): its stop is no new failure. */
  retiring: boolean
}

const live = (t: ServiceTask): boolean => t.task.lastStatus !== 'STOPPED'
const serving = (t: ServiceTask): boolean => live(t) && !t.retiring

class ServiceController {
  private readonly tasks = new Map<string, ServiceTask>()
  private readonly launching = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private front: Front | undefined
  private stepping = false
  private again = false

  constructor(
    private readonly ctx: Context,
    readonly svc: ExpressService,
    private readonly onGone: () => void
  ) {}

  async open(address: string): Promise<void> {
    const t = this.ctx.timings
    this.front = await Front.start({
      address,
      intervalMs: t.healthCheckIntervalMs,
      graceMs: t.healthCheckGraceMs,
      onHealth: (id, health) => this.onHealth(id, health)
    })
    this.svc.endpoint = this.front.endpoint
  }

  owns(task: Task): boolean {
    return this.tasks.has(task.taskId)
  }

  /** A task status change of one of this service's tasks. */
  onTask(task: Task): void {
    const st = this.tasks.get(task.taskId)!
    if (task.lastStatus === 'RUNNING' && !st.onFront && !st.retiring && this.front) {
      st.onFront = true
      const rev = this.revision(st.revisionArn)
      this.front.add(task.taskId, {
        host: task.privateIp,
        port: st.port,
        healthPath: rev.configuration.healthCheckPath,
        routable: this.routable().has(st.revisionArn)
      })
      this.event(
        `(service ${this.svc.serviceName}) registered 1 targets in (target-group ${this.svc.targetGroupArn})`
      )
    }
    if (task.lastStatus === 'STOPPED') {
      if (st.onFront) this.front?.remove(task.taskId)
      st.onFront = false
      if (!st.retiring) {
        this.event(
          `(service ${this.svc.serviceName}) (task ${task.taskId}) stopped: ${task.stoppedReason ?? 'unknown reason'}`
        )
        this.countFailure(st)
      }
    }
    this.reconcile()
  }

  deploy(): void {
    this.reconcile()
  }

  /** DRAINING: the front stops taking requests, every task stops, then INACTIVE. */
  delete(): void {
    const latest = this.latest()
    for (const d of this.svc.deployments)
      if (!isFinal(d.status)) {
        d.status = 'STOPPED'
        d.statusReason = 'The service is being deleted.'
        d.stoppedAt = d.finishedAt = d.updatedAt = new Date()
      }
    for (const timer of this.timers) clearTimeout(timer)
    const front = this.front
    this.front = undefined
    void front?.close()
    for (const st of this.tasks.values()) {
      st.onFront = false
      if (live(st))
        this.retire(st, `Scaling activity initiated by (deployment ${latest?.ecsDeploymentId ?? ''})`)
    }
    this.reconcile()
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    await this.front?.close()
  }

  // ---------------------------------------------------------------- the loop

  private reconcile(): void {
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
        this.onGone()
      }
      return
    }
    const latest = this.latest()
    for (const d of svc.deployments) if (d !== latest && !isFinal(d.status)) this.move(d, true)
    if (latest) this.move(latest, false)

    // Keep the counts: the serving revision (but while its tasks are being cleaned up) and the new one.
    const inProgress = latest && !isFinal(latest.status)
    if (svc.servingRevisionArn && !(inProgress && latest.lifecycleStage === 'CLEAN_UP'))
      this.fill(svc.servingRevisionArn, latest)
    if (latest && latest.status === 'IN_PROGRESS') this.fill(latest.targetRevisionArn, latest)

    // Tasks of a revision that neither serves nor is being deployed stop.
    const wanted = new Set([svc.servingRevisionArn, latest?.targetRevisionArn])
    if (latest?.status === 'ROLLBACK_IN_PROGRESS') wanted.delete(latest.targetRevisionArn)
    for (const st of this.tasks.values())
      if (serving(st) && !wanted.has(st.revisionArn))
        this.retire(st, `Scaling activity initiated by (deployment ${latest?.ecsDeploymentId ?? ''})`)

    const routable = this.routable()
    for (const st of this.tasks.values())
      if (st.onFront && !st.retiring) this.front?.setRoutable(st.task.taskId, routable.has(st.revisionArn))
  }

  /** One deployment's step, and what entering its new status or stage does. */
  private move(d: ServiceDeployment, superseded: boolean): void {
    const target = d.targetRevisionArn
    const of = (arn: string) => [...this.tasks.values()].filter((t) => t.revisionArn === arn)
    for (let guard = 0; guard < 10; guard++) {
      const mine = of(target).filter(serving)
      const desired = this.revision(target).configuration.scalingTarget.minTaskCount
      const next = nextDeployment(d, {
        desired,
        healthy: mine.filter((t) => t.health === 'healthy').length,
        failed: d.circuitBreaker.failureCount,
        threshold: d.circuitBreaker.threshold,
        hasSource: d.sourceRevisionArn !== undefined,
        sourceStopped: ![...this.tasks.values()].some((t) => t.revisionArn !== target && live(t)),
        targetStopped: !of(target).some(live) && (this.launching.get(target) ?? 0) === 0,
        baked: d.baked,
        superseded
      })
      if (next.status === d.status && next.lifecycleStage === d.lifecycleStage) return
      const was = d.status
      const wasStage = d.lifecycleStage
      d.status = next.status
      d.lifecycleStage = next.lifecycleStage
      d.statusReason = next.statusReason
      d.updatedAt = new Date()
      this.enter(d, was, wasStage)
    }
  }

  private enter(d: ServiceDeployment, was: ServiceDeployment['status'], wasStage: string | undefined): void {
    const svc = this.svc
    const name = `(service ${svc.serviceName})`
    const now = new Date()
    if (was === 'PENDING') {
      d.startedAt = now
      const source = svc.servingRevisionArn
      d.sourceRevisionArn = source !== d.targetRevisionArn ? source : undefined
      d.circuitBreaker.threshold = circuitBreakerThreshold(
        this.revision(d.targetRevisionArn).configuration.scalingTarget.minTaskCount
      )
    }
    if (d.status === 'IN_PROGRESS' && d.lifecycleStage === 'BAKE_TIME') {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        d.baked = true
        this.reconcile()
      }, this.ctx.timings.bakeTimeMs)
      this.timers.add(timer)
    }
    if (d.status === 'IN_PROGRESS' && d.lifecycleStage === 'CLEAN_UP') {
      const old = [...this.tasks.values()].filter((t) => t.revisionArn !== d.targetRevisionArn && serving(t))
      if (old.length > 0) this.event(`${name} has begun draining connections on ${old.length} tasks.`)
      for (const st of old) this.retire(st, `Scaling activity initiated by (deployment ${d.ecsDeploymentId})`)
    }
    if (d.status === 'SUCCESSFUL') {
      d.finishedAt = now
      d.circuitBreaker.status = 'MONITORING_COMPLETE'
      svc.servingRevisionArn = d.targetRevisionArn
      this.event(`${name} (deployment ${d.ecsDeploymentId}) deployment completed.`)
      this.event(`${name} has reached a steady state.`)
    }
    if (d.status === 'ROLLBACK_IN_PROGRESS') {
      d.circuitBreaker.status = 'TRIGGERED'
      d.rollback = { reason: d.statusReason ?? '', startedAt: now, serviceRevisionArn: d.sourceRevisionArn! }
      const source = svc.deployments.find((x) => x.targetRevisionArn === d.sourceRevisionArn)
      this.event(`${name} (deployment ${d.ecsDeploymentId}) deployment failed: tasks failed to start.`)
      this.event(`${name} rolling back to deployment ${source?.ecsDeploymentId ?? d.ecsDeploymentId}.`)
      for (const st of this.tasks.values())
        if (st.revisionArn === d.targetRevisionArn && serving(st))
          this.retire(st, `Scaling activity initiated by (deployment ${d.ecsDeploymentId})`)
    }
    if (d.status === 'ROLLBACK_SUCCESSFUL') {
      d.finishedAt = now
      svc.servingRevisionArn = d.sourceRevisionArn
      this.event(`${name} has reached a steady state.`)
    }
    if (d.status === 'STOPPED') {
      d.stoppedAt = d.finishedAt = now
      const shifted = ['PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP'].includes(wasStage ?? '')
      if (was !== 'PENDING' && shifted) svc.servingRevisionArn = d.targetRevisionArn
      if (d.circuitBreaker.failureCount >= d.circuitBreaker.threshold) {
        d.circuitBreaker.status = 'TRIGGERED'
        this.event(`${name} (deployment ${d.ecsDeploymentId}) deployment failed: tasks failed to start.`)
      }
    }
  }

  // ---------------------------------------------------------------- tasks

  /** Starts tasks of the revision until it has its desired count (counting those being started). */
  private fill(revisionArn: string, d: ServiceDeployment | undefined): void {
    const rev = this.revision(revisionArn)
    const have =
      [...this.tasks.values()].filter((t) => t.revisionArn === revisionArn && serving(t)).length +
      (this.launching.get(revisionArn) ?? 0)
    const deployment =
      this.svc.deployments.find((x) => x.targetRevisionArn === revisionArn) ?? d ?? this.latest()!
    for (let i = have; i < rev.configuration.scalingTarget.minTaskCount; i++)
      void this.launch(rev, deployment)
  }

  private async launch(rev: ServiceRevision, d: ServiceDeployment): Promise<void> {
    const svc = this.svc
    this.launching.set(rev.arn, (this.launching.get(rev.arn) ?? 0) + 1)
    let started: Task | undefined
    let port = rev.fixedPort ?? 0
    try {
      if (!rev.fixedPort) port = await this.freePort()
      if (svc.status !== 'ACTIVE') return
      const cfg = rev.configuration
      const out = ecsHandlers.RunTask!(
        this.ctx,
        {
          cluster: svc.clusterName,
          taskDefinition: rev.taskDefinitionArn,
          launchType: 'FARGATE',
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: cfg.networkConfiguration.subnets,
              securityGroups: cfg.networkConfiguration.securityGroups,
              assignPublicIp: 'DISABLED'
            }
          },
          group: `service:${svc.serviceName}`,
          startedBy: d.ecsDeploymentId,
          overrides: rev.fixedPort
            ? {}
            : {
                containerOverrides: [
                  { name: MAIN_CONTAINER, environment: [{ name: 'PORT', value: String(port) }] }
                ]
              }
        },
        { region: svc.region, accessKeyId: 'ecs' }
      ) as { tasks: Array<{ taskArn: string }>; failures: Array<{ reason?: string }> }
      const arn = out.tasks[0]?.taskArn
      started = arn ? this.ctx.ecs.tasks.get(arn.split('/').pop()!) : undefined
      if (!started) {
        this.event(
          `(service ${svc.serviceName}) was unable to place a task. Reason: ${out.failures[0]?.reason ?? 'unknown'}.`
        )
      }
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
        health: 'initial',
        onFront: false,
        retiring: false
      })
      this.event(`(service ${svc.serviceName}) has started 1 tasks: (task ${started.taskId}).`)
    } else {
      // A deployment counts a task it could not place; a steady service does not retry in a loop.
      const deployment = this.latest()
      if (deployment && !isFinal(deployment.status) && deployment.targetRevisionArn === rev.arn)
        deployment.circuitBreaker.failureCount++
      else return
    }
    this.reconcile()
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

  /** Takes a task out of the front (letting in-flight requests finish), then stops it. */
  private retire(st: ServiceTask, reason: string): void {
    if (st.retiring) return
    st.retiring = true
    const stop = () => {
      this.ctx.runner.stop(st.task, reason)
      // The service scheduler, not a user, stops a service's task.
      if (st.task.stopCode === 'UserInitiated') st.task.stopCode = 'ServiceSchedulerInitiated'
      this.event(`(service ${this.svc.serviceName}) has stopped 1 running tasks: (task ${st.task.taskId}).`)
    }
    if (!st.onFront || !this.front) return stop()
    void this.front.drain(st.task.taskId).then(() => {
      st.onFront = false
      this.event(
        `(service ${this.svc.serviceName}) deregistered 1 targets in (target-group ${this.svc.targetGroupArn})`
      )
      stop()
    })
  }

  private onHealth(id: string, health: 'healthy' | 'unhealthy'): void {
    const st = this.tasks.get(id)
    if (!st || st.retiring) return
    st.health = health
    if (health === 'unhealthy') {
      this.event(
        `(service ${this.svc.serviceName}) (port ${st.port}) is unhealthy in (target-group ${this.svc.targetGroupArn}) due to (reason Health checks failed).`
      )
      this.countFailure(st)
      this.retire(st, `Task failed ELB health checks in (target-group ${this.svc.targetGroupArn})`)
    }
    this.reconcile()
  }

  /** A task of the revision being deployed failed: one more for the deployment's circuit breaker. */
  private countFailure(st: ServiceTask): void {
    const d = this.latest()
    if (d && d.status === 'IN_PROGRESS' && d.targetRevisionArn === st.revisionArn)
      d.circuitBreaker.failureCount++
  }

  // ---------------------------------------------------------------- reading

  /** The revisions whose healthy tasks take production traffic now. */
  private routable(): Set<string> {
    const d = this.latest()
    const servingArn = this.svc.servingRevisionArn
    if (!d || isFinal(d.status)) return new Set(servingArn ? [servingArn] : [])
    if (d.status === 'ROLLBACK_IN_PROGRESS') return new Set(servingArn ? [servingArn] : [])
    if (!d.sourceRevisionArn && d.status !== 'PENDING') return new Set([d.targetRevisionArn])
    if (d.lifecycleStage === 'SCALE_UP' || d.status === 'PENDING')
      return new Set(servingArn ? [servingArn] : [])
    return new Set([d.targetRevisionArn])
  }

  private latest(): ServiceDeployment | undefined {
    return this.svc.deployments.at(-1)
  }

  private revision(arn: string): ServiceRevision {
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

/** Every service's controller in one local AWS (ServiceLauncher for the handlers); fronts on 127.0.2.N. */
export class ServiceControllers implements ServiceLauncher {
  private readonly controllers = new Map<string, { controller: ServiceController; slot: number }>()
  private ctx!: Context

  attach(ctx: Context): void {
    this.ctx = ctx
    ctx.ecs.taskWatchers.add((task) => {
      for (const { controller } of this.controllers.values())
        if (controller.owns(task)) return controller.onTask(task)
    })
  }

  async open(svc: ExpressService): Promise<void> {
    const used = new Set([...this.controllers.values()].map((c) => c.slot))
    let slot = 2
    while (used.has(slot)) slot++
    const controller = new ServiceController(this.ctx, svc, () => {
      const entry = this.controllers.get(svc.serviceArn)
      if (entry?.controller === controller) this.controllers.delete(svc.serviceArn)
    })
    this.controllers.set(svc.serviceArn, { controller, slot })
    await controller.open(`127.0.2.${slot}`)
  }

  deploy(svc: ExpressService): void {
    this.controllers.get(svc.serviceArn)?.controller.deploy()
  }

  delete(svc: ExpressService): void {
    this.controllers.get(svc.serviceArn)?.controller.delete()
  }

  /** Closes every front (before the task runner removes the containers). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.controllers.values()].map(({ controller }) => controller.close()))
  }
}
