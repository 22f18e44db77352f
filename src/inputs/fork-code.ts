// Fork code where the base repository's credentials are: a pull_request_target run (and a workflow_run
// triggered by a pull request) runs with the base repository's secrets and OIDC token, so building or deploying
// a fork's code there hands both to whoever opened the pull request (the "pwn request"). Such a run is refused
// here, with the inputs, before any AWS call or docker build, unless allow-fork-code says the workflow knows.
import { DEFAULTS } from './defaults.js'
import type { Reader } from './reader.js'
import type { ForkCodeInputs, ModeRules, ParseContext } from './types.js'

/** The events that run with the base repository's credentials whatever the head of the pull request is. */
export const BASE_CREDENTIAL_EVENTS = ['pull_request_target', 'workflow_run'] as const

type Json = Record<string, unknown>
const object = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {}
const fullName = (repo: unknown): string => {
  const name = object(repo)['full_name']
  return typeof name === 'string' ? name : ''
}

/** Where the code of a run comes from: its head repository, and whether that is a fork of the base. */
export interface CodeOrigin {
  /** owner/repo of the code's head; '' when the fork was deleted. */
  headRepository: string
  baseRepository: string
  fork: boolean
  /** The pull request's number, when the payload names it. */
  pullRequest?: number
  /** A pull request closed: nothing of it is built or run (a preview is only torn down). */
  closed: boolean
}

/**
 * The origin of the code of a pull_request_target or workflow_run event payload; undefined for other events,
 * and for a workflow_run whose head is the base repository (a push, a schedule, a same-repository branch).
 */
export function codeOrigin(event: string, payload: unknown): CodeOrigin | undefined {
  const body = object(payload)
  if (event === 'pull_request_target') {
    const pull = object(body['pull_request'])
    const head = object(pull['head'])
    const headRepository = fullName(head['repo'])
    const baseRepository = fullName(object(pull['base'])['repo']) || fullName(body['repository'])
    const number = body['number'] ?? pull['number']
    return {
      headRepository,
      baseRepository,
      // A deleted fork has no head repo: it was a fork all the same.
      fork: object(head['repo'])['fork'] === true || headRepository !== baseRepository,
      pullRequest: typeof number === 'number' ? number : undefined,
      closed: body['action'] === 'closed'
    }
  }
  if (event === 'workflow_run') {
    const run = object(body['workflow_run'])
    const headRepository = fullName(run['head_repository'])
    const baseRepository = fullName(run['repository']) || fullName(body['repository'])
    const pulls = Array.isArray(run['pull_requests']) ? run['pull_requests'] : []
    const number = object(pulls[0])['number']
    return {
      headRepository,
      baseRepository,
      fork: headRepository !== baseRepository,
      pullRequest: typeof number === 'number' ? number : undefined,
      closed: false
    }
  }
  return undefined
}

const WHAT_TO_DO =
  'Deploy pull requests on pull_request instead (a fork gets no credentials there) and gate the deploying ' +
  'workflow on a label a maintainer adds after reading the code; or, if this workflow checks out and builds ' +
  'only trusted code (the base branch), set allow-fork-code: true'

/** The refusal of a fork's code in a run with the base repository's credentials, or undefined when allowed. */
export function forkCodeProblem(
  event: string,
  readPayload: () => unknown,
  allowForkCode: boolean
): string | undefined {
  if (allowForkCode || !(BASE_CREDENTIAL_EVENTS as readonly string[]).includes(event)) return undefined
  let payload: unknown
  try {
    payload = readPayload()
  } catch (error) {
    // Without the payload the head cannot be told from the base: refused rather than guessed.
    return (
      `is false, and this ${event} run's event payload cannot be read (${(error as Error).message}), so ` +
      `whether it runs a fork's code is unknown. ${WHAT_TO_DO}`
    )
  }
  const origin = codeOrigin(event, payload)
  if (!origin?.fork || origin.closed) return undefined
  const pull = origin.pullRequest === undefined ? 'a pull request' : `pull request #${origin.pullRequest}`
  const from = origin.headRepository ? `the fork ${origin.headRepository}` : 'a deleted fork'
  return (
    `is false, and this ${event} run is for ${pull} from ${from}: ${event} runs with ` +
    `${origin.baseRepository || 'the base repository'}'s secrets and OIDC token, so building or deploying the ` +
    `fork's code here would hand them to its author. ${WHAT_TO_DO}`
  )
}

export function readForkCodeInputs(r: Reader, rules: ModeRules, context: ParseContext): ForkCodeInputs {
  const allowForkCode = r.boolean('allow-fork-code', DEFAULTS['allow-fork-code'])
  // Only a deploy builds and runs code: stop and permissions modes run nothing of the pull request.
  if (rules.mode === 'deploy') {
    const event = context.env['GITHUB_EVENT_NAME'] ?? ''
    const path = context.env['GITHUB_EVENT_PATH'] ?? ''
    const problem = forkCodeProblem(
      event,
      () => {
        if (!path) throw new Error('GITHUB_EVENT_PATH is not set')
        return JSON.parse(context.readFile(path)) as unknown
      },
      allowForkCode
    )
    if (problem) r.fail('allow-fork-code', problem)
  }
  return { allowForkCode }
}
