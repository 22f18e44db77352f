// Fires EventBridge Scheduler schedules on the scheduler clock (real time unless a test speeds it up or moves it):
// an ENABLED at() schedule once at its time, to the second (at once when the time has passed); a rate() or cron()
// schedule at each of its times between StartDate and EndDate, in its time zone (FLEXIBLE: somewhere in its
// window). The target is invoked through the given ScheduleTargets (the server's, which calls the local service
// as the schedule's role and logs the call). A failed attempt is retried after a doubling backoff, at most
// `scheduleRetries` times (fewer when the target's RetryPolicy says so), and not once the event is older than
// MaximumEventAgeInSeconds; a schedule with no run left has completed, and ActionAfterCompletion DELETE deletes
// it. An update re-arms the timer, a delete cancels it, closeAll (at shutdown) cancels them all. Timers never hold
// the process open.
import type { Context, ScheduleLauncher, SchedulerClockSetting } from './context.js'
import {
  nextFireTime,
  parseScheduleExpression,
  scheduleKey,
  type Invocation,
  type Schedule
} from './state/scheduler.js'

/** One call of a schedule's target, as the server made it (and logged it). */
export interface TargetCall {
  service: string
  operation: string
  params: unknown
  error?: string
  errorMessage?: string
  /** ECS RunTask targets: the tasks started. */
  taskArns?: string[]
}

/** What the runner asks of the server: whether it can call an operation, and to call a schedule's target. */
export interface ScheduleTargets {
  canInvoke(service: string, operation: string): boolean
  invoke(schedule: Schedule, attempt: number): Promise<TargetCall>
}

/** setTimeout's longest delay (about 24.8 days); a later schedule waits in several steps. */
const MAX_DELAY_MS = 2 ** 31 - 1
/** AWS's RetryPolicy defaults. */
const DEFAULT_RETRY_ATTEMPTS = 185
const DEFAULT_EVENT_AGE_SECONDS = 86_400

export class ScheduleRunner implements ScheduleLauncher {
  private ctx?: Context
  private targets?: ScheduleTargets
  /** `KEY` → the next firing's timer; `KEY\0TIME` → a pending retry of the firing due at TIME. */
  private readonly timers = new Map<string, NodeJS.Timeout>()
  /** Per schedule: the generation armed, when (scheduler clock: a rate() without StartDate counts from it), and the last firing's time. */
  private readonly armings = new Map<string, { generation: number; armedAt: number; lastFired?: number }>()
  private closed = false
  /** The scheduler clock: `virtual` at real time `real`, moving `speed` times as fast. */
  private base = { virtual: Date.now(), real: Date.now() }
  private speed = 1

  attach(ctx: Context, targets: ScheduleTargets): void {
    this.ctx = ctx
    this.targets = targets
  }

  canInvoke(service: string, operation: string): boolean {
    return this.targets?.canInvoke(service, operation) ?? false
  }

  /** The scheduler clock's time (epoch ms). */
  now(): number {
    return this.base.virtual + (Date.now() - this.base.real) * this.speed
  }

  clock(setting?: SchedulerClockSetting): { now: string; speed: number } {
    if (setting) {
      let virtual = this.now()
      if (setting.now !== undefined) virtual = new Date(setting.now).getTime()
      if (!Number.isFinite(virtual)) throw new Error(`scheduler clock: ${String(setting.now)} is not a time`)
      virtual += setting.advanceMs ?? 0
      if (setting.speed !== undefined && !(setting.speed > 0))
        throw new Error(`scheduler clock: the speed must be above 0, not ${setting.speed}`)
      this.speed = setting.speed ?? this.speed
      this.base = { virtual, real: Date.now() }
      // Every timer was set for the old pace: arm them again (a jump fires each schedule's next run after it,
      // not the runs jumped over; pending retries are dropped).
      for (const schedule of this.ctx?.scheduler.schedules.values() ?? []) this.arm(schedule)
    }
    return { now: new Date(this.now()).toISOString(), speed: this.speed }
  }

  arm(schedule: Schedule): void {
    const key = scheduleKey(schedule.GroupName, schedule.Name)
    this.clear(key)
    const arming = this.armings.get(key)
    if (arming?.generation !== schedule.generation)
      this.armings.set(key, { generation: schedule.generation, armedAt: this.now() })
    if (this.closed || schedule.State !== 'ENABLED' || schedule.completedAt) return
    this.armNext(key, schedule)
  }

  cancel(schedule: Schedule): void {
    const key = scheduleKey(schedule.GroupName, schedule.Name)
    this.clear(key)
    this.armings.delete(key)
  }

  /** Cancels every timer and retry; nothing fires after this. */
  closeAll(): void {
    this.closed = true
    for (const key of [...this.timers.keys()]) this.clearOne(key)
  }

  /** How many timers are armed, retries included (tests: none after a delete or a shutdown). */
  armed(): number {
    return this.timers.size
  }

  /** Clears a schedule's timer and its pending retries. */
  private clear(key: string): void {
    for (const k of [...this.timers.keys()]) if (k === key || k.startsWith(`${key}\0`)) this.clearOne(k)
  }

  private clearOne(key: string): void {
    clearTimeout(this.timers.get(key))
    this.timers.delete(key)
  }

  /** Waits until a scheduler-clock time (`ms` real milliseconds at most per step, re-reading the clock). */
  private waitUntil(key: string, time: number, then: () => void): void {
    const delay = Math.min(Math.max((time - this.now()) / this.speed, 0), MAX_DELAY_MS)
    const timer = setTimeout(() => {
      this.timers.delete(key)
      if (this.now() < time - 1) this.waitUntil(key, time, then)
      else then()
    }, Math.ceil(delay))
    timer.unref()
    this.timers.set(key, timer)
  }

  /** Arms the schedule's next firing after its last one; a schedule with none left completes. */
  private armNext(key: string, schedule: Schedule): void {
    const arming = this.armings.get(key)!
    const recurring = parseScheduleExpression(schedule.ScheduleExpression)?.kind !== 'at'
    // An at() schedule fires once per generation (a clock change re-arms it: it must not fire again).
    if (!recurring && arming.lastFired !== undefined) return
    const from = Math.max(this.now(), arming.lastFired === undefined ? -Infinity : arming.lastFired + 1)
    const due = nextFireTime(schedule, from, arming.armedAt)
    if (due === undefined) {
      if (recurring) this.complete(key, schedule, 'has no run left')
      return
    }
    const window = schedule.FlexibleTimeWindow
    const late =
      window.Mode === 'FLEXIBLE' ? Math.random() * (window.MaximumWindowInMinutes ?? 0) * 60_000 : 0
    this.waitUntil(key, due + late, () => {
      if (!this.current(key, schedule.generation)) return
      arming.lastFired = due
      // The event is made when the scheduler fires (an overdue at() now): its age counts from then.
      void this.fire(key, schedule.generation, due, this.now(), 1)
      if (recurring) this.armNext(key, schedule)
    })
  }

  /** The schedule, if it still exists as the generation the timer was armed for. */
  private current(key: string, generation: number): Schedule | undefined {
    const schedule = this.ctx?.scheduler.schedules.get(key)
    return !this.closed && schedule?.generation === generation ? schedule : undefined
  }

  private complete(key: string, schedule: Schedule, how: string): void {
    const ctx = this.ctx
    if (!ctx || schedule.completedAt) return
    schedule.completedAt = new Date(this.now())
    this.clear(key)
    if (schedule.ActionAfterCompletion === 'DELETE') ctx.scheduler.schedules.delete(key)
    ctx.log(
      `scheduler: ${schedule.Arn} ${how}${schedule.ActionAfterCompletion === 'DELETE' ? ', deleted' : ''}`
    )
  }

  private async fire(
    key: string,
    generation: number,
    due: number,
    eventTime: number,
    attempt: number
  ): Promise<void> {
    const ctx = this.ctx
    const schedule = this.current(key, generation)
    if (!ctx || !this.targets || !schedule) return
    const call = await this.targets.invoke(schedule, attempt)
    const policy = schedule.Target.RetryPolicy
    const retries = Math.min(
      policy?.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
      ctx.timings.scheduleRetries
    )
    const backoff = ctx.timings.scheduleRetryBackoffMs * 2 ** (attempt - 1)
    // The event's age when the retry would be made, on the scheduler clock.
    const age = this.now() + backoff * this.speed - eventTime
    const tooOld = age > (policy?.MaximumEventAgeInSeconds ?? DEFAULT_EVENT_AGE_SECONDS) * 1000
    const retry = call.error !== undefined && attempt <= retries && !tooOld
    const deadLetter = call.error !== undefined && !retry ? schedule.Target.DeadLetterConfig?.Arn : undefined
    const invocation: Invocation = {
      time: Date.now(),
      scheduleArn: schedule.Arn,
      scheduleName: schedule.Name,
      groupName: schedule.GroupName,
      role: schedule.Target.RoleArn,
      target: schedule.Target.Arn,
      ...call,
      attempt,
      final: !retry,
      scheduledTime: due,
      ...(deadLetter ? { deadLetter } : {}),
      ...(call.error !== undefined && attempt <= retries && tooOld
        ? { dropped: `older than MaximumEventAgeInSeconds at its next retry (${Math.round(age / 1000)} s)` }
        : {})
    }
    ctx.scheduler.invocations.push(invocation)
    // Updated or deleted while the call ran: the new generation has its own timer (or none).
    if (!this.current(key, generation)) return
    if (retry) {
      this.waitUntil(
        `${key}\0${eventTime}`,
        this.now() + backoff * this.speed,
        () => void this.fire(key, generation, due, eventTime, attempt + 1)
      )
      return
    }
    if (parseScheduleExpression(schedule.ScheduleExpression)?.kind === 'at')
      this.complete(key, schedule, `completed${call.error ? ` after ${attempt} failed attempts` : ''}`)
  }
}
