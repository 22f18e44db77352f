// Whether AWS refused a call for lack of permission, and whether a policy's resource pattern covers an ARN: what
// the aws/ layer asks while it works (a role write refused, a group it may not open), kept apart from
// aws-errors.ts so that asking does not load the permissions table that explaining a failure needs.

/** Whether an IAM resource pattern (with * and ?) matches an ARN. */
export function resourceMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${regex}$`).test(arn)
}

const ACCESS_DENIED_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'Forbidden',
  'ForbiddenException'
])

/** Whether AWS refused a call for lack of permission (each service names it its own way). */
export function isAccessDenied(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false
  const { name = '', message = '' } = error as { name?: unknown; message?: unknown }
  return ACCESS_DENIED_NAMES.has(String(name)) || /is not authorized to perform:/.test(String(message))
}
