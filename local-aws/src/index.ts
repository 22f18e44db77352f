// The local AWS: one HTTP server that the real AWS SDK v3 clients reach through AWS_ENDPOINT_URL. It routes by
// the SigV4 credential scope's service, speaks each service's wire protocol, runs ECS tasks as Docker containers
// and fronts a real registry as ECR. Control endpoints under /_local/ drive failure tests.
// This file is the public API; startLocalAws puts the pieces together (README, "Files").
import { hex, type Behaviour, type SchedulerClockSetting, type TaskTimings } from './context.js'
import { createControlApi } from './control-api.js'
import { createControls, type CallRecord, type Fault } from './controls.js'
import { createDispatcher } from './dispatch.js'
import { startHttpServer } from './http-server.js'
import { buildContext, snapshot } from './instance-state.js'
import type { PolicyDocument } from './policy.js'
import { ScheduleRunner } from './schedule-runner.js'
import { createScheduleTargets } from './schedule-targets.js'
import { shutDown } from './shutdown.js'
import { newEcrState } from './state/ecr.js'
import type { BusEvent, SnsMessage } from './state/events.js'
import type { Invocation } from './state/scheduler.js'
import { startStorage } from './storage.js'
import { ServiceControllers } from './service-controller.js'
import { StandardControllers } from './standard-controller.js'
import { TaskRunner } from './task-runner.js'

export type { Behaviour, SchedulerClockSetting } from './context.js'
export type { CallRecord, Fault } from './controls.js'
export type { PolicyDocument, PolicyStatement } from './policy.js'
export type { Invocation } from './state/scheduler.js'
export type { BusEvent, SnsMessage } from './state/events.js'

export interface LocalAwsOptions {
  port?: number
  registryPort?: number
  dataDir?: string
  accountId?: string
  latencyMs?: number
  taskTimings?: Partial<TaskTimings>
  /** EventBridge Scheduler's clock: e.g. `{ speed: 60 }` makes a scheduler minute pass in a real second. */
  schedulerClock?: SchedulerClockSetting
  log?: (line: string) => void
}

export interface LocalAws {
  endpoint: string
  registryHost: string
  accountId: string
  calls(): CallRecord[]
  clearCalls(): void
  injectFault(f: Fault): void
  clearFaults(): void
  setBehaviour(b: Partial<Behaviour>): void
  /** Stretch: restrict an access key to an identity-based policy (undefined: unrestricted again). */
  setPolicy(accessKeyId: string, policy: PolicyDocument | undefined): void
  configure(o: Partial<Pick<LocalAwsOptions, 'latencyMs' | 'taskTimings'>>): void
  state(): unknown
  /** Every attempt EventBridge Scheduler made at a schedule's target, oldest first (GET /_local/scheduler/invocations). */
  schedulerInvocations(): Invocation[]
  /** Reads EventBridge Scheduler's clock, after speeding it up or moving it (POST /_local/scheduler/clock). */
  schedulerClock(setting?: SchedulerClockSetting): { now: string; speed: number }
  /** What the SNS stand-in received from EventBridge rules, oldest first; only `topic`'s when given (GET /_local/sns/messages?topic=). */
  snsMessages(topic?: string): SnsMessage[]
  /** Every event the local AWS put on the default event bus, oldest first (GET /_local/events). */
  busEvents(): BusEvent[]
  stop(): Promise<void>
}

export async function startLocalAws(opts: LocalAwsOptions = {}): Promise<LocalAws> {
  const log = opts.log ?? (() => undefined)
  const accountId = opts.accountId ?? '123456789012'
  const ecr = newEcrState()
  const storage = await startStorage({
    dataDir: opts.dataDir,
    registryPort: opts.registryPort,
    accountId,
    ecr,
    log
  })
  const runner = new TaskRunner(hex(6))
  const services = new ServiceControllers()
  const standardServices = new StandardControllers()
  const schedules = new ScheduleRunner()
  const ctx = buildContext({
    accountId,
    registry: storage.registry,
    runner,
    services,
    standardServices,
    schedules,
    ecr,
    taskTimings: opts.taskTimings,
    log
  })
  runner.attach(ctx)
  services.attach(ctx)
  standardServices.attach(ctx)
  const controls = createControls(ctx, opts.latencyMs ?? 0)
  schedules.attach(ctx, createScheduleTargets(ctx, controls, log))
  if (opts.schedulerClock) schedules.clock(opts.schedulerClock)
  let endpoint = ''
  const server = await startHttpServer(
    opts.port ?? 0,
    { aws: createDispatcher(ctx, controls, log), control: createControlApi(ctx, controls, () => endpoint) },
    log
  )
  endpoint = server.endpoint
  log(`local AWS at ${endpoint}, registry at ${storage.registry.host}`)

  let stopping: Promise<void> | undefined
  return {
    endpoint,
    registryHost: storage.registry.host,
    accountId: ctx.accountId,
    calls: controls.calls,
    clearCalls: controls.clearCalls,
    injectFault: controls.injectFault,
    clearFaults: controls.clearFaults,
    setBehaviour: controls.setBehaviour,
    setPolicy: controls.setPolicy,
    configure: controls.configure,
    state: () => snapshot(ctx),
    schedulerInvocations: () => [...ctx.scheduler.invocations],
    schedulerClock: (setting) => schedules.clock(setting),
    snsMessages: (topic) => ctx.events.snsMessages.filter((m) => !topic || m.topicArn === topic),
    busEvents: () => [...ctx.events.events],
    stop() {
      stopping ??= shutDown({ runner, services, standardServices, schedules, storage, server })
      return stopping
    }
  }
}
