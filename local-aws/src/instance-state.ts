// The state of one local AWS: built fresh at start (every service empty but EC2's default VPC, the default
// switches and task timings), and the snapshot that state() and GET /_local/state answer.
import {
  defaultBehaviour,
  type Context,
  type ScheduleLauncher,
  type ServiceLauncher,
  type StandardLauncher,
  type TaskLauncher,
  type TaskTimings
} from './context.js'
import type { Registry } from './registry.js'
import { ecrSnapshot } from './services/ecr.js'
import { ecsSnapshot } from './services/ecs.js'
import { expressSnapshot } from './services/express.js'
import { iamSnapshot } from './services/iam.js'
import { logsSnapshot } from './services/logs.js'
import { taskView } from './services/ecs.js'
import { eventsSnapshot } from './services/events.js'
import { schedulerSnapshot } from './services/scheduler.js'
import { standardSnapshot } from './services/standard.js'
import { newEc2State } from './state/ec2.js'
import type { EcrState } from './state/ecr.js'
import { newEcsState } from './state/ecs.js'
import { newExpressState } from './state/express.js'
import { newIamState } from './state/iam.js'
import { newLogsState } from './state/logs.js'
import { ecsTaskStateChange, newEventsState, putEvent } from './state/events.js'
import { newSchedulerState } from './state/scheduler.js'
import { newStandardState } from './state/standard.js'

export interface ContextParts {
  accountId: string
  registry: Registry
  runner: TaskLauncher
  /** The Express service controllers; without them (unit tests) services are recorded but never move. */
  services?: ServiceLauncher
  /** The standard service controllers; without them (unit tests) services are recorded but never move. */
  standardServices?: StandardLauncher
  /** The schedule runner; without it (unit tests) schedules are recorded but never fire. */
  schedules?: ScheduleLauncher
  /** Made before the registry, which asks it whether a repository exists. */
  ecr: EcrState
  taskTimings?: Partial<TaskTimings>
  log: (line: string) => void
}

export function buildContext(parts: ContextParts): Context {
  const ctx = contextOf(parts)
  publishTaskStateChanges(ctx)
  return ctx
}

/**
 * ECS sends an "ECS Task State Change" event to EventBridge each time a task's lastStatus changes: the local AWS
 * puts it on the default bus, where matching rules deliver it (EVENTS.md).
 */
function publishTaskStateChanges(ctx: Context): void {
  const reported = new Map<string, string>()
  ctx.ecs.taskWatchers.add((task) => {
    if (reported.get(task.taskArn) === task.lastStatus) return
    reported.set(task.taskArn, task.lastStatus)
    const region = task.taskArn.split(':')[3] ?? 'us-east-1'
    const event = ecsTaskStateChange(ctx.accountId, region, taskView(ctx, task, false), new Date())
    putEvent(ctx.events, event, ctx.log)
  })
}

function contextOf(parts: ContextParts): Context {
  const timings: TaskTimings = {
    provisioningMs: 100,
    pendingMs: 100,
    stopGraceSeconds: 2,
    healthCheckIntervalMs: 250,
    healthCheckGraceMs: 1000,
    bakeTimeMs: 1000,
    minuteMs: 60000,
    scheduleRetries: 2,
    scheduleRetryBackoffMs: 200,
    ...parts.taskTimings
  }
  return {
    accountId: parts.accountId,
    behaviour: defaultBehaviour(),
    timings,
    registry: parts.registry,
    runner: parts.runner,
    services: parts.services ?? {
      open: () => Promise.resolve(),
      deploy: () => undefined,
      delete: () => undefined
    },
    standardServices: parts.standardServices ?? {
      open: () => Promise.resolve(),
      reconcile: () => undefined,
      delete: () => undefined
    },
    schedules: parts.schedules ?? {
      clock: () => ({ now: new Date().toISOString(), speed: 1 }),
      arm: () => undefined,
      cancel: () => undefined,
      canInvoke: () => true
    },
    ecs: newEcsState(),
    express: newExpressState(),
    standard: newStandardState(),
    ec2: newEc2State(),
    iam: newIamState(),
    logs: newLogsState(),
    ecr: parts.ecr,
    scheduler: newSchedulerState(),
    events: newEventsState(),
    log: parts.log
  }
}

export const snapshot = (ctx: Context): unknown => ({
  accountId: ctx.accountId,
  registryHost: ctx.registry.host,
  repositories: ecrSnapshot(ctx),
  ...(ecsSnapshot(ctx) as object),
  expressServices: expressSnapshot(ctx),
  standardServices: standardSnapshot(ctx),
  vpc: ctx.ec2.vpc,
  subnets: ctx.ec2.subnets,
  securityGroups: [...ctx.ec2.securityGroups.values()],
  networkInterfaces: [...ctx.ec2.enis.values()],
  roles: iamSnapshot(ctx),
  logGroups: logsSnapshot(ctx),
  schedules: schedulerSnapshot(ctx),
  eventRules: eventsSnapshot(ctx),
  snsMessages: ctx.events.snsMessages,
  behaviour: ctx.behaviour
})
