// wait-for healthy: RUNNING is not the same as serving, so request the URL until it answers 2xx or 3xx.
import { ActionError } from '../explain/action-error.js'
import { systemClock, type Clock } from '../shared/clock.js'

export interface HealthOptions {
  deadline: number
  clock?: Clock
  requestTimeoutMs?: number
  fetch?: typeof fetch
  /** Sees one line per failed request: it holds the app's answer, so print it as untrusted text. */
  log?: (message: string) => void
}

export interface HealthResult {
  status: number
  attempts: number
}

/** What the last health-check request got: an HTTP status (with the start of its body) or a connection error. */
export type HealthAnswer = { status: number; body: string } | { error: string }

export class UnhealthyError extends ActionError {
  constructor(
    readonly url: string,
    readonly lastAnswer: HealthAnswer,
    readonly attempts: number
  ) {
    super(
      `The health check failed: ${url} did not answer 2xx or 3xx before the timeout ` +
        `(${attempts} request${attempts === 1 ? '' : 's'}; last: ${describeHealthAnswer(lastAnswer)})`,
      { hint: unhealthyHint(url, lastAnswer) }
    )
    this.name = 'UnhealthyError'
  }
}

/** `HTTP 503: "start of the body"`, or the connection error (ECONNREFUSED, a timeout…). */
export function describeHealthAnswer(answer: HealthAnswer): string {
  if ('error' in answer) return answer.error
  return answer.body === ''
    ? `HTTP ${answer.status}`
    : `HTTP ${answer.status}: ${JSON.stringify(answer.body)}`
}

/** What to check, from what the last request got. */
export function unhealthyHint(url: string, answer: HealthAnswer): string {
  const { port, pathname, search } = new URL(url)
  const path = `${pathname}${search}`
  const slow = 'or raise timeout if the app starts slowly.'
  if ('status' in answer) {
    return answer.status === 404
      ? `The app answers, but not at ${path}: set health-path to a path it serves with 2xx or 3xx, ${slow}`
      : `The app answers ${path} with HTTP ${answer.status}: check its log for why, or set health-path to a ` +
          `path that answers 2xx or 3xx when it is ready, ${slow}`
  }
  if (answer.error === 'ECONNREFUSED') {
    return (
      `Nothing accepted the connection on port ${port}: check that port is the one the container listens on, ` +
      `on all interfaces (0.0.0.0, not only 127.0.0.1), ${slow}`
    )
  }
  return (
    `The request got no answer (${answer.error}): check that the security group lets the runner reach ` +
    `port ${port} (ingress-cidr) and that the container listens on it and answers ${path} promptly, ${slow}`
  )
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
  let lastAnswer: HealthAnswer = { error: 'no request made' }
  let attempts = 0
  let delay: number | undefined
  for (;;) {
    attempts++
    try {
      // Bounded by the time left, but never so short that the last request cannot be answered.
      const signal = AbortSignal.timeout(
        Math.min(requestTimeoutMs, Math.max(1000, options.deadline - clock.now()))
      )
      const response = await fetchUrl(url, { redirect: 'manual', signal })
      if (response.status >= 200 && response.status < 400) {
        await response.body?.cancel()
        return { status: response.status, attempts }
      }
      lastAnswer = { status: response.status, body: await bodyStart(response) }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      lastAnswer = { error: cause ?? (error as Error).message }
    }
    // The answer is the app's text: the caller prints it as data.
    options.log?.(`${url}: ${describeHealthAnswer(lastAnswer)}`)
    delay = nextHealthDelay(delay)
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) throw new UnhealthyError(url, lastAnswer, attempts)
    await clock.sleep(Math.min(delay, remaining))
  }
}

/** The first 200 characters of a body, on one line: enough to recognise an error page, never a whole file. */
async function bodyStart(response: Response, maxBytes = 1024): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } catch {
    // A body cut off (the request timed out) still tells what arrived.
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes))
  return text.replace(/\s+/g, ' ').trim().slice(0, 200)
}
