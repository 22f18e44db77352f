// Pull request previews, the GitHub side: the pull request read from the event payload (GITHUB_EVENT_PATH),
// the names derived from it, the fork check, and the one comment on the pull request, created once and
// updated in place. Everything here is shared by task and service previews: the names take any base name,
// the comment takes what is running and how to stop it as data.
import { ActionError } from '../explain/action-error.js'
import { PULL_REQUEST_EVENTS, formatTtl } from '../inputs/facts.js'
import type { Inputs } from '../inputs/inputs.js'
import type { GitHubClient } from './github-deployments.js'
import { formatStopTime } from './summaries.js'

export interface PullRequest {
  /** pull_request or pull_request_target. */
  event: string
  /** opened, synchronize, reopened, closed… */
  action: string
  number: number
  /** The commit the pull request shows (GITHUB_SHA is the merge commit). */
  headSha: string
  /** owner/repo of the head branch and of the base: they differ for a fork. */
  headRepository: string
  baseRepository: string
  fork: boolean
  url?: string
}

/** The one action that stops the preview; every other action (opened, synchronize, reopened…) deploys it. */
export const CLOSED = 'closed'

type Json = Record<string, unknown>
const object = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {}

/** The pull request of an event payload, or a string saying what is missing. */
export function parsePullRequestEvent(event: string, payload: unknown): PullRequest | string {
  const pull = object(object(payload)['pull_request'])
  const number = object(payload)['number'] ?? pull['number']
  const head = object(pull['head'])
  const base = object(pull['base'])
  const headRepository = String(object(head['repo'])['full_name'] ?? '')
  const baseRepository = String(object(base['repo'])['full_name'] ?? '')
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1)
    return 'the payload has no pull request number'
  if (typeof head['sha'] !== 'string') return 'the payload has no pull_request.head.sha'
  return {
    event,
    action: String(object(payload)['action'] ?? ''),
    number,
    headSha: head['sha'],
    headRepository,
    baseRepository,
    // A deleted fork has no head repo: it was a fork all the same.
    fork: object(head['repo'])['fork'] === true || headRepository !== baseRepository,
    url: typeof pull['html_url'] === 'string' ? pull['html_url'] : undefined
  }
}

/** The pull request this run is for, from GITHUB_EVENT_NAME and the payload at GITHUB_EVENT_PATH. */
export function readPullRequestEvent(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string
): PullRequest {
  const event = env['GITHUB_EVENT_NAME'] ?? ''
  const path = env['GITHUB_EVENT_PATH'] ?? ''
  const hint = 'preview: true runs on pull_request events, where the runner gives the event payload'
  if (!(PULL_REQUEST_EVENTS as readonly string[]).includes(event))
    throw new ActionError(`preview needs a pull_request event; this run's event is '${event}'`, { hint })
  let payload: unknown
  try {
    payload = JSON.parse(readFile(path))
  } catch (error) {
    throw new ActionError(
      `Cannot read the event payload GITHUB_EVENT_PATH='${path}': ${(error as Error).message}`,
      { hint }
    )
  }
  const pullRequest = parsePullRequestEvent(event, payload)
  if (typeof pullRequest === 'string')
    throw new ActionError(`The ${event} event payload at ${path}: ${pullRequest}`, { hint })
  return pullRequest
}

/** "web" → "web-pr-12", cut so that the suffix always fits in maxLength (ECS names: 255). */
export function previewName(base: string, pullRequest: number, maxLength = 255): string {
  const suffix = `-pr-${pullRequest}`
  return `${base.slice(0, maxLength - suffix.length)}${suffix}`
}

/** The GitHub environment of a preview: pr-N, or ENVIRONMENT-pr-N when environment-name is given. */
export function previewEnvironment(environmentName: string | undefined, pullRequest: number): string {
  return environmentName ? previewName(environmentName, pullRequest) : `pr-${pullRequest}`
}

/**
 * The inputs of the preview: the family (and so the security group the action creates, which is named
 * after it), the container when it defaulted to the family, the service (service mode) and the environment,
 * all named after the pull request. The log group stays the app's: the streams are named after the container.
 */
export function previewInputs(inputs: Inputs, pullRequest: PullRequest): Inputs {
  const family = previewName(inputs.family, pullRequest.number)
  return {
    ...inputs,
    family,
    containerName: inputs.containerName === inputs.family ? family : inputs.containerName,
    serviceName: inputs.serviceName && previewName(inputs.serviceName, pullRequest.number),
    environmentName: previewEnvironment(inputs.environmentName, pullRequest.number)
  }
}

/** The name a preview runs as, in its comment and logs: the service in service mode, else the family. */
export function previewSubject(inputs: Pick<Inputs, 'serviceName' | 'family'>): string {
  return inputs.serviceName ?? inputs.family
}

/** The variables the AWS SDK takes credentials from, other than instance metadata. */
const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'
]

/**
 * A fork's pull_request run has no secrets and no OIDC token, so no AWS credentials: said as such, before the
 * SDK would fail with a credential error that names neither the fork nor what to do.
 */
export function forkWithoutCredentials(
  pullRequest: PullRequest,
  env: Record<string, string | undefined>
): ActionError | undefined {
  if (!pullRequest.fork || pullRequest.event !== 'pull_request') return undefined
  if (CREDENTIAL_VARIABLES.some((name) => env[name])) return undefined
  return new ActionError(
    `Pull request #${pullRequest.number} comes from the fork ${pullRequest.headRepository || '(deleted)'}: ` +
      'GitHub gives pull_request workflows of forks no secrets and no OIDC token, so this run has no AWS credentials',
    {
      hint:
        'Skip the preview for forks (if: github.event.pull_request.head.repo.full_name == github.repository), ' +
        "or push the branch to this repository. Do not switch to pull_request_target for credentials: it would run the fork's code with them."
    }
  )
}

// ---------------------------------------------------------------- the comment

/** What the comment says about the preview. */
export type PreviewState =
  | {
      kind: 'running'
      url?: string
      /** When the ttl runs out, at the latest. */
      stopsAt?: Date
      ttlSeconds?: number
      /** A service's ttl: the EventBridge Scheduler schedule that deletes it then. */
      expirySchedule?: string
    }
  | { kind: 'failed'; reason: string }
  | {
      kind: 'stopped'
      /** What closing did, in words: "2 task(s) stopped", "service web-pr-3 deleted". */
      what: string
      environment?: string
    }

export interface PreviewComment {
  /** The family (task previews) or service the preview runs as: one comment per name and pull request. */
  name: string
  commit: string
  image?: string
  runUrl?: string
  /** Markdown lines saying how to stop the preview now (see taskStopInstructions). */
  howToStop: string[]
  state: PreviewState
}

/** The hidden first line that finds the comment again. */
export function previewCommentMarker(name: string): string {
  return `<!-- ecs-fargate-deploy preview ${name} -->`
}

/** Code spans hold any text: a backtick in the value gets a longer fence. */
const code = (text: string): string => {
  const fence = text.includes('`') ? '``' : '`'
  return `${fence}${text.replace(/\r?\n/g, ' ')}${fence}`
}

const HEADINGS: Record<PreviewState['kind'], string> = {
  running: 'is running',
  failed: 'failed to deploy',
  stopped: 'is stopped'
}

/** The comment's Markdown, from the preview's state. */
export function previewCommentBody(comment: PreviewComment): string {
  const { state } = comment
  const rows: Array<[string, string]> = []
  if (state.kind === 'running') rows.push(['URL', state.url ?? 'none (no port)'])
  rows.push(['Commit', code(comment.commit)])
  if (comment.image) rows.push(['Image', code(comment.image)])
  if (state.kind === 'running') {
    rows.push([
      'Stops',
      !state.stopsAt
        ? 'when the pull request closes'
        : state.expirySchedule
          ? `deleted from ${formatStopTime(state.stopsAt)} (ttl ${formatTtl(state.ttlSeconds ?? 0)}, by the EventBridge Scheduler schedule ${code(state.expirySchedule)}; each push moves it), or when the pull request closes`
          : `by ${formatStopTime(state.stopsAt)} at the latest (ttl ${formatTtl(state.ttlSeconds ?? 0)}), or when the pull request closes`
    ])
  }
  if (comment.runUrl) rows.push(['Run', `[workflow run](${comment.runUrl})`])
  const lines = [
    previewCommentMarker(comment.name),
    `### Preview ${code(comment.name)} ${HEADINGS[state.kind]}`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([what, value]) => `| ${what} | ${value.replace(/\|/g, '\\|')} |`),
    ''
  ]
  if (state.kind === 'running')
    lines.push('**To stop it now:** close the pull request, or', ...comment.howToStop)
  if (state.kind === 'failed') {
    lines.push(
      'The preview of the previous commit, if there is one, still runs.',
      '',
      '```text',
      state.reason.replace(/```/g, "'''"),
      '```'
    )
  }
  if (state.kind === 'stopped') {
    lines.push(
      `The pull request is closed: ${state.what}` +
        (state.environment ? `, the deployments of ${code(state.environment)} marked inactive.` : '.')
    )
  }
  return lines.join('\n') + '\n'
}

/** How to stop a task preview by hand: the AWS CLI, one line per task. */
export function taskStopInstructions(region: string, cluster: string, taskArns: string[]): string[] {
  return [
    '',
    '```sh',
    ...taskArns.map((arn) => `aws ecs stop-task --region ${region} --cluster ${cluster} --task ${arn}`),
    '```'
  ]
}

/** How to delete a service preview by hand: the AWS CLI. */
export function serviceStopInstructions(region: string, serviceArn: string): string[] {
  return [
    '',
    '```sh',
    `aws ecs delete-express-gateway-service --region ${region} --service-arn ${serviceArn}`,
    '```'
  ]
}

/** The REST calls the comment needs: one request, and Octokit's paginate for the list. */
export type GitHubApi = GitHubClient

export interface IssueTarget {
  owner: string
  repo: string
  number: number
}

/**
 * Updates the preview's comment in place, or creates it (unless createIfMissing is false: a pull request closed
 * before any deploy gets no comment). Returns the comment's id and what was done.
 */
export async function upsertPreviewComment(
  api: GitHubApi,
  target: IssueTarget,
  name: string,
  body: string,
  createIfMissing = true
): Promise<{ id?: number; change: 'created' | 'updated' | 'none' }> {
  const comments = (await api.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.number,
    per_page: 100
  })) as Array<{ id: number; body?: string }>
  const marker = previewCommentMarker(name)
  const existing = comments.find((comment) => comment.body?.startsWith(marker))
  if (existing) {
    await api.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner: target.owner,
      repo: target.repo,
      comment_id: existing.id,
      body
    })
    return { id: existing.id, change: 'updated' }
  }
  if (!createIfMissing) return { change: 'none' }
  const created = await api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.number,
    body
  })
  return { id: (created.data as { id?: number }).id, change: 'created' }
}

/** The warning for a comment GitHub refused: the permission to add, and that the deploy goes on. */
export function commentWarning(error: unknown, pullRequest: number): string {
  const status = (error as { status?: unknown } | null)?.status
  const message = error instanceof Error ? error.message : String(error)
  const base = `Could not write the preview comment on pull request #${pullRequest}`
  if (status === 403) {
    return (
      `${base} (HTTP ${String(status)}: ${message}): the token needs the pull-requests write permission; ` +
      'add `permissions: pull-requests: write` to the job, or pass a github-token that has it. The deploy goes on without the comment.'
    )
  }
  return `${base}: ${message}. The deploy goes on without the comment.`
}

/** The API and the pull request's issue from the runner's environment (GITHUB_REPOSITORY, GITHUB_API_URL). */
export async function gitHubApiFromEnvironment(
  token: string,
  pullRequest: number
): Promise<{ api: GitHubApi; target: IssueTarget }> {
  const { context, getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token)
  return {
    api: {
      request: (route, parameters) => octokit.request(route, parameters),
      paginate: (route, parameters) => octokit.paginate(route, parameters)
    },
    target: { ...context.repo, number: pullRequest }
  }
}

/** Writes the comment, turning any refusal into a warning: a comment must never fail the deploy. */
export async function writePreviewComment(
  token: string,
  pullRequest: number,
  comment: PreviewComment,
  warn: (message: string) => void,
  createIfMissing = true
): Promise<{ id?: number; change: 'created' | 'updated' | 'none' } | undefined> {
  try {
    const { api, target } = await gitHubApiFromEnvironment(token, pullRequest)
    return await upsertPreviewComment(api, target, comment.name, previewCommentBody(comment), createIfMissing)
  } catch (error) {
    warn(commentWarning(error, pullRequest))
    return undefined
  }
}
