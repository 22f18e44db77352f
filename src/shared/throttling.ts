// The error names AWS services use for throttling: the SDK retries them, and a wait that outlasts its retries
// slows down instead of failing.

export const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown'
])

/** True for an AWS error that means: slow down and try again. */
export function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING_NAMES.has(error.name)
}
