// A fork's code never runs where the base repository's credentials are: pull_request_target and a workflow_run
// of a fork's pull request are refused at the inputs (before any AWS call or build) unless allow-fork-code.
import { InputError, parseInputs, type Inputs } from '../../src/inputs/inputs.js'

const BASE = 'octo/app'

function pullRequestPayload(head: string | null, action = 'opened'): unknown {
  return {
    action,
    number: 7,
    pull_request: {
      number: 7,
      head: { sha: 'a'.repeat(40), repo: head === null ? null : { full_name: head, fork: head !== BASE } },
      base: { sha: 'b'.repeat(40), repo: { full_name: BASE, fork: false } }
    },
    repository: { full_name: BASE }
  }
}

function workflowRunPayload(head: string | null, event = 'pull_request'): unknown {
  return {
    action: 'completed',
    workflow_run: {
      event,
      head_repository: head === null ? null : { full_name: head },
      repository: { full_name: BASE },
      pull_requests: head === BASE ? [{ number: 7 }] : []
    },
    repository: { full_name: BASE }
  }
}

/** The problems of a deploy on this event, or [] when it is accepted. */
function problems(
  event: string,
  payload: unknown,
  given: Record<string, string> = {},
  mode = 'deploy'
): string[] {
  const inputs: Record<string, string> = { mode, repository: 'web', ...given }
  try {
    parseInputs((name) => inputs[name] ?? '', {
      env: { AWS_REGION: 'us-east-1', GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: '/event.json' },
      readFile: (path) => {
        if (path !== '/event.json' || payload === undefined) throw new Error(`ENOENT: ${path}`)
        return JSON.stringify(payload)
      }
    })
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

const WHAT_TO_DO =
  'Deploy pull requests on pull_request instead (a fork gets no credentials there) and gate the deploying ' +
  'workflow on a label a maintainer adds after reading the code; or, if this workflow checks out and builds ' +
  'only trusted code (the base branch), set allow-fork-code: true'

const FORK_TARGET =
  "allow-fork-code: is false, and this pull_request_target run is for pull request #7 from the fork mallory/app: pull_request_target runs with octo/app's secrets and OIDC token, so building or deploying the fork's code here would hand them to its author. " +
  WHAT_TO_DO

test.each<[string, string, unknown, string[]]>([
  ['pull_request from a fork (no credentials there)', 'pull_request', pullRequestPayload('mallory/app'), []],
  ['pull_request from the same repository', 'pull_request', pullRequestPayload(BASE), []],
  [
    'pull_request_target from a fork',
    'pull_request_target',
    pullRequestPayload('mallory/app'),
    [FORK_TARGET]
  ],
  [
    'pull_request_target from a deleted fork',
    'pull_request_target',
    pullRequestPayload(null),
    [
      "allow-fork-code: is false, and this pull_request_target run is for pull request #7 from a deleted fork: pull_request_target runs with octo/app's secrets and OIDC token, so building or deploying the fork's code here would hand them to its author. " +
        WHAT_TO_DO
    ]
  ],
  ['pull_request_target from the same repository', 'pull_request_target', pullRequestPayload(BASE), []],
  [
    'pull_request_target of a fork, closed (nothing is built: a preview is only torn down)',
    'pull_request_target',
    pullRequestPayload('mallory/app', 'closed'),
    []
  ],
  [
    "workflow_run of a fork's pull request",
    'workflow_run',
    workflowRunPayload('mallory/app'),
    [
      "allow-fork-code: is false, and this workflow_run run is for a pull request from the fork mallory/app: workflow_run runs with octo/app's secrets and OIDC token, so building or deploying the fork's code here would hand them to its author. " +
        WHAT_TO_DO
    ]
  ],
  ['workflow_run of a same-repository pull request', 'workflow_run', workflowRunPayload(BASE), []],
  ['workflow_run of a push', 'workflow_run', workflowRunPayload(BASE, 'push'), []],
  ['push', 'push', { ref: 'refs/heads/main' }, []],
  ['workflow_dispatch', 'workflow_dispatch', { inputs: {} }, []]
])('%s', (_name, event, payload, expected) => {
  expect(problems(event, payload)).toEqual(expected)
})

test('allow-fork-code: true lets a pull_request_target fork run through', () => {
  expect(
    problems('pull_request_target', pullRequestPayload('mallory/app'), { 'allow-fork-code': 'true' })
  ).toEqual([])
})

test('a pull_request_target run whose payload cannot be read is refused, not guessed', () => {
  expect(problems('pull_request_target', undefined)).toEqual([
    "allow-fork-code: is false, and this pull_request_target run's event payload cannot be read (ENOENT: /event.json), so whether it runs a fork's code is unknown. " +
      WHAT_TO_DO
  ])
})

test.each(['stop', 'permissions'])('mode %s runs nothing of the pull request: not refused', (mode) => {
  expect(problems('pull_request_target', pullRequestPayload('mallory/app'), {}, mode)).toEqual([])
})

test('the refusal is reported with the other input problems', () => {
  expect(problems('pull_request_target', pullRequestPayload('mallory/app'), { count: 'many' })).toEqual([
    "count: 'many' is not a whole number from 1 to 10",
    FORK_TARGET
  ])
})

test('allow-fork-code is parsed as a boolean, false by default', () => {
  const parse = (given: Record<string, string>): Inputs =>
    parseInputs((name) => ({ repository: 'web', ...given })[name] ?? '', {
      env: { AWS_REGION: 'us-east-1' },
      readFile: () => ''
    })
  expect(parse({}).allowForkCode).toBe(false)
  expect(parse({ 'allow-fork-code': 'true' }).allowForkCode).toBe(true)
  expect(problems('push', {}, { 'allow-fork-code': 'yes' })).toEqual([
    "allow-fork-code: 'yes' is not a boolean; use true or false"
  ])
})
