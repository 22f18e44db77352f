// wait-for healthy: RUNNING is not the same as serving, so request the URL until it answers 2xx or 3xx.
import { ActionError } from '../explain/action-error.js'
import { systemClock, type Clock } from '../shared/clock.js'

export interface HealthOptions {
  deadline: number
  clock?: Clock
  requestTimeoutMs?: number
  fetch?: typeof fetch
  log?: (message: string) => void
}

export interface HealthResult {
  status: number
  attempts: number
}

export class UnhealthyError extends ActionError {
  constructor(
    readonly url: string,
    readonly lastResult: string,
    readonly attempts: number
  ) {
    super(`${url} did not answer 2xx or 3xx before the timeout (${attempts} requests; last: ${lastResult})`)
    this.name = 'UnhealthyError'
  }
}

/** The URL to request: the task's url with health-path, "/" adding nothing. */
export function healthCheckUrl(taskUrl: string, healthPath: string): string {
  return healthPath === '/' ? taskUrl : `${taskUrl}${healthPath}`
}

export function nextHealthDelay(previous: number | undefined): number {
  return previous === undefined ? 500 : Math.min(Math.round(previous * 1.5), 5000)
}

export async function waitHealthy(url: string, options: HealthOptions): Promise<HealthResult> {
  const clock = options.clock ?? systemClock
  const fetchUrl = options.fetch ?? fetch
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000
  let lastResult = 'no request made'
  let attempts = 0
  let delay: number | undefined
  for (;;) {
    attempts++
    try {
      const response = await fetchUrl(url, {
        redirect: 'manual',
        // Bounded by the time left, but never so short that the last request cannot be answered.
        signal: AbortSignal.timeout(
          Math.min(requestTimeoutMs, Math.max(1000, options.deadline - clock.now()))
        )
      })
      await response.body?.cancel()
      if (response.status >= 200 && response.status < 400) return { status: response.status, attempts }
      lastResult = `HTTP ${response.status}`
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      lastResult = cause ?? (error as Error).message
    }
    options.log?.(`${url}: ${lastResult}`)
    delay = nextHealthDelay(delay)
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) throw new UnhealthyError(url, lastResult, attempts)
    await clock.sleep(Math.min(delay, remaining))
  }
}
