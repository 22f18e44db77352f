// The inputs of pull request previews and of the time to live: preview (names derived from the pull request,
// one comment on it, everything stopped when it closes), ttl (tasks stop themselves; a service is deleted by a
// one-time EventBridge Scheduler schedule), timer-image (the image of the tasks' timer container) and ttl-role
// (the role the schedule deletes the service with). runner/pull-request.ts reads the event itself.
import { isArn } from '../shared/arn.js'
import { isRole } from './deploy.js'
import { DEFAULTS } from './defaults.js'
import { PULL_REQUEST_EVENTS, TTL_CONTAINER_NAME, UNIT_SECONDS } from './facts.js'
import type { Reader } from './reader.js'
import type { ModeRules, PreviewInputs } from './types.js'

export { PULL_REQUEST_EVENTS, TTL_CONTAINER_NAME, formatTtl } from './facts.js'

/** The longest ttl: 30 days, so a typo such as 200d is caught rather than run for half a year. */
export const MAX_TTL_SECONDS = 30 * 86400

/** One or more number-and-unit parts, largest unit first: 90s, 30m, 2h, 1h30m, 1d12h. */
const TTL = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/
/** [registry/]name[:tag][@sha256:digest], as docker reads an image reference. */
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/

/** Seconds of a ttl such as 2h, 30m, 90s or 1h30m; a string says what is wrong. */
export function parseTtl(text: string): number | string {
  const match = TTL.exec(text)
  if (!match || text === '') {
    return `'${text}' is not a duration; use a number and a unit (s, m, h or d), such as 90s, 30m, 2h or 1h30m`
  }
  const units = ['d', 'h', 'm', 's'] as const
  const seconds = units.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * UNIT_SECONDS[unit]!, 0)
  if (seconds < 1) return `'${text}' is zero; give at least 1s`
  if (seconds > MAX_TTL_SECONDS) return `'${text}' is longer than 30 days (30d)`
  return seconds
}

/**
 * Whether the action manages the ttl role: given by name (looked up, created when missing) with create-ttl-role
 * true. A role given as an ARN, or with create-ttl-role false, is the user's.
 */
export function managesTtlRole(inputs: Pick<PreviewInputs, 'ttlRole' | 'createTtlRole'>): boolean {
  return !isArn(inputs.ttlRole) && inputs.createTtlRole
}

export function readPreviewInputs(
  r: Reader,
  rules: ModeRules,
  env: NodeJS.ProcessEnv,
  containerName: string,
  serviceName: string | undefined
): PreviewInputs {
  const preview = r.boolean('preview', DEFAULTS.preview)
  // Permissions mode prints the policy of a preview outside any pull request.
  const event = env['GITHUB_EVENT_NAME'] ?? ''
  if (
    preview &&
    rules.mode !== 'permissions' &&
    !(PULL_REQUEST_EVENTS as readonly string[]).includes(event)
  ) {
    r.fail(
      'preview',
      `is true, but this run's event is '${event || 'unknown'}': a preview is named after its pull request, ` +
        'so run it on pull_request (on: pull_request: types: [opened, synchronize, reopened, closed])'
    )
  }

  const ttlText = r.raw('ttl')
  let ttlSeconds: number | undefined
  if (ttlText !== '') {
    const parsed = parseTtl(ttlText)
    if (typeof parsed === 'string') r.fail('ttl', parsed)
    else ttlSeconds = parsed
  }
  // A service has no timer container: its ttl is a schedule that deletes it.
  if (ttlSeconds !== undefined && !serviceName && containerName === TTL_CONTAINER_NAME) {
    r.fail(
      'container-name',
      `'${TTL_CONTAINER_NAME}' is the name of the ttl's timer container; choose another`
    )
  }

  const timerImage = r.raw('timer-image') || DEFAULTS['timer-image']
  r.matching(
    'timer-image',
    timerImage,
    IMAGE_REFERENCE,
    'an image reference such as public.ecr.aws/docker/library/busybox:stable (it needs sh and sleep)'
  )

  const ttlRole = r.raw('ttl-role') || DEFAULTS['ttl-role']
  if (!isRole(ttlRole)) r.fail('ttl-role', `'${ttlRole}' is not an IAM role name or role ARN`)
  const createTtlRole = r.boolean('create-ttl-role', DEFAULTS['create-ttl-role'])
  return { preview, ttlSeconds, timerImage, ttlRole, createTtlRole }
}
