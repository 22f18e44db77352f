// Cancellation: the run is cancelled (the runner's SIGINT, then SIGTERM) and the deploy stops what it started
// before it reached what the run waits for. The signal comes in as an AbortSignal, so tests can drive it.
import { ActionError } from '../explain/action-error.js'
import type { Clock } from '../shared/clock.js'

/** ECS refuses a StopTask reason longer than this. */
export const STOP_REASON_LIMIT = 255

/** What deploy needs to react to a cancelled run. */
export interface Cancellation {
  /** Aborted when the run is cancelled; its reason is the signal's name ('SIGINT'). */
  signal: AbortSignal
  /** The StopTask reason for the tasks stopped because the run was cancelled. */
  stopReason: string
}

/** The workflow run's page, from the runner's variables; undefined outside a workflow run. */
export function runUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined
}

/** "<what happened>: <run URL>", within ECS's 255 characters: the URL is dropped before the words are cut. */
export function stopReasonFor(what: string, url: string | undefined): string {
  const full = url ? `${what}: ${url}` : what
  if (full.length <= STOP_REASON_LIMIT) return full
  return what.length <= STOP_REASON_LIMIT ? what : `${what.slice(0, STOP_REASON_LIMIT - 1)}…`
}

export function cancelStopReason(url: string | undefined): string {
  return stopReasonFor('Stopped by ecs-fargate-deploy: the workflow run was cancelled', url)
}

/** The run was cancelled: says what was stopped, and what could not be (it runs, and bills, until stopped). */
export class CancelledError extends ActionError {
  constructor(
    readonly signalName: string,
    readonly stopped: string[],
    readonly notStopped: string[] = []
  ) {
    const what =
      stopped.length + notStopped.length === 0
        ? 'before any task was started'
        : stopped.length > 0
          ? `stopped ${stopped.join(', ')}`
          : 'the tasks were left running'
    super(`The run was cancelled (${signalName}): ${what}`, {
      hint:
        notStopped.length > 0
          ? `${notStopped.join(', ')} could not be stopped or stop-on-cancel is false: they run (and are billed) ` +
            "until stopped; stop them with mode: stop and this step's task-arns output."
          : undefined
    })
    this.name = 'CancelledError'
  }
}

/** The signal's name, as the abort reason carries it. */
export function signalNameOf(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'cancelled'
}

/** Settles with `work`, or rejects with the abort reason as soon as the signal is aborted. */
export function unlessAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) {
    // The work is left behind: its own failure, later, is no longer anyone's to handle.
    work.catch(() => undefined)
    return Promise.reject(signal.reason as unknown)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as unknown)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** A clock whose sleeps end (rejecting) when the signal is aborted, so a wait left behind stops polling. */
export function abortableClock(clock: Clock, signal: AbortSignal): Clock {
  return {
    now: () => clock.now(),
    sleep: (ms) => unlessAborted(signal, clock.sleep(ms))
  }
}

/** How long each StopTask may take when cancelled: the runner kills the step 7.5 s after its SIGINT. */
export const CANCEL_STOP_TIMEOUT_MS = 4000
