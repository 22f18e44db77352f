// Fires EventBridge Scheduler schedules: an ENABLED at() schedule's timer goes off at its time in its time zone,
// to the second (at once when the time has passed); the target is invoked through the given ScheduleTargets
// (the server's, which calls the local service as the schedule's role and logs the call). A failed attempt is
// retried after a doubling backoff, at most `scheduleRetries` times (fewer when the target's RetryPolicy says
// so); then the schedule has completed, and ActionAfterCompletion DELETE deletes it. An update re-arms the
// timer, a delete cancels it, closeAll (at shutdown) cancels them all. Timers never hold the process open.
import type { Context, ScheduleLauncher } from './context.js'
import {
  atInstant,
  parseScheduleExpression,
  scheduleKey,
  type Invocation,
  type Schedule
} from './state/scheduler.js'

/** One call of a universal target, as the server made it (and logged it). */
export interface TargetCall {
  service: string
  operation: string
  params: unknown
  error?: string
  errorMessage?: string
}

/** What the runner asks of the server: whether it can call an operation, and to call a schedule's target. */
export interface ScheduleTargets {
  canInvoke(service: string, operation: string): boolean
  invoke(schedule: Schedule, attempt: number): Promise<TargetCall>
}

/** setTimeout's longest delay (about 24.8 days); a later schedule waits in several steps. */
const MAX_DELAY_MS = 2 ** 31 - 1

export class ScheduleRunner implements ScheduleLauncher {
  private ctx?: Context
  private targets?: ScheduleTargets
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private closed = false

  attach(ctx: Context, targets: ScheduleTargets): void {
    this.ctx = ctx
    this.targets = targets
  }

  canInvoke(service: string, operation: string): boolean {
    return this.targets?.canInvoke(service, operation) ?? false
  }

  arm(schedule: Schedule): void {
    const key = scheduleKey(schedule.GroupName, schedule.Name)
    this.clear(key)
    if (this.closed || schedule.State !== 'ENABLED') return
    const expression = parseScheduleExpression(schedule.ScheduleExpression)
    // rate() and cron() schedules are stored but never fire locally (SCHEDULER.md).
    if (expression?.kind !== 'at') return
    const at = atInstant(expression, schedule.ScheduleExpressionTimezone)
    this.wait(key, at - Date.now(), () => void this.fire(key, schedule.generation, 1))
  }

  cancel(schedule: Schedule): void {
    this.clear(scheduleKey(schedule.GroupName, schedule.Name))
  }

  /** Cancels every timer and retry; nothing fires after this. */
  closeAll(): void {
    this.closed = true
    for (const key of [...this.timers.keys()]) this.clear(key)
  }

  /** How many timers are armed (tests: none after a delete or a shutdown). */
  armed(): number {
    return this.timers.size
  }

  private clear(key: string): void {
    clearTimeout(this.timers.get(key))
    this.timers.delete(key)
  }

  private wait(key: string, ms: number, then: () => void): void {
    const step = Math.min(Math.max(ms, 0), MAX_DELAY_MS)
    const timer = setTimeout(() => {
      this.timers.delete(key)
      if (ms > MAX_DELAY_MS) this.wait(key, ms - MAX_DELAY_MS, then)
      else then()
    }, step)
    timer.unref()
    this.timers.set(key, timer)
  }

  /** The schedule, if it still exists as the generation the timer was armed for. */
  private current(key: string, generation: number): Schedule | undefined {
    const schedule = this.ctx?.scheduler.schedules.get(key)
    return !this.closed && schedule?.generation === generation ? schedule : undefined
  }

  private async fire(key: string, generation: number, attempt: number): Promise<void> {
    const ctx = this.ctx
    const schedule = this.current(key, generation)
    if (!ctx || !this.targets || !schedule) return
    const call = await this.targets.invoke(schedule, attempt)
    const retries = Math.min(
      schedule.Target.RetryPolicy?.MaximumRetryAttempts ?? Infinity,
      ctx.timings.scheduleRetries
    )
    const retry = call.error !== undefined && attempt <= retries
    const invocation: Invocation = {
      time: Date.now(),
      scheduleArn: schedule.Arn,
      scheduleName: schedule.Name,
      groupName: schedule.GroupName,
      role: schedule.Target.RoleArn,
      target: schedule.Target.Arn,
      ...call,
      attempt,
      final: !retry
    }
    ctx.scheduler.invocations.push(invocation)
    // Updated or deleted while the call ran: the new generation has its own timer (or none).
    if (!this.current(key, generation)) return
    if (retry) {
      const backoff = ctx.timings.scheduleRetryBackoffMs * 2 ** (attempt - 1)
      this.wait(key, backoff, () => void this.fire(key, generation, attempt + 1))
      return
    }
    schedule.completedAt = new Date()
    if (schedule.ActionAfterCompletion === 'DELETE') ctx.scheduler.schedules.delete(key)
    ctx.log(
      `scheduler: ${schedule.Arn} completed${call.error ? ` after ${attempt} failed attempts` : ''}${schedule.ActionAfterCompletion === 'DELETE' ? ', deleted' : ''}`
    )
  }
}
