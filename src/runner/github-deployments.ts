// GitHub deployments for environment-name: the deployment and its statuses (in_progress, then success with
// the URL or failure), and inactive for stop mode. @actions/github is loaded only when environment-name is
// set, so a plain deploy does not pay for Octokit at start-up.
import { ActionError } from '../explain/action-error.js'
import type { Inputs } from '../inputs/inputs.js'

/** One REST call, as Octokit's `request(route, parameters)` makes it; tests pass a fake. */
export type GitHubRequest = (
  route: string,
  parameters: Record<string, unknown>
) => Promise<{ status: number; data: unknown }>

/** Octokit's paginate: every item of a list endpoint, following GitHub's Link headers page by page. */
export type GitHubPaginate = (route: string, parameters: Record<string, unknown>) => Promise<unknown[]>

/** The two REST calls the action makes: one request, and a list read to its end. */
export interface GitHubClient {
  request: GitHubRequest
  paginate: GitHubPaginate
}

export interface GitHubTarget {
  owner: string
  repo: string
  /** The commit deployed. */
  ref: string
  environment: string
  /** The workflow run, linked from every status. */
  logUrl?: string
}

/** GitHub cuts a status description at 140 characters. */
const DESCRIPTION_LIMIT = 140

export function truncateDescription(text: string): string {
  const line = text.split('\n')[0]!.trim()
  return line.length <= DESCRIPTION_LIMIT ? line : `${line.slice(0, DESCRIPTION_LIMIT - 1)}…`
}

/** Turns GitHub's refusal into an error naming the permission to add; other errors say which call failed. */
export function explainGitHubError(error: unknown, doing: string): ActionError {
  const status = (error as { status?: unknown } | null)?.status
  const message = error instanceof Error ? error.message : String(error)
  if (status === 403) {
    return new ActionError(`GitHub refused to ${doing} (HTTP ${String(status)}: ${message})`, {
      cause: error,
      hint:
        'The token needs the deployments write permission: add `permissions: deployments: write` ' +
        '(and `contents: read`) to the job, or pass a github-token that has it. ' +
        'Leave environment-name empty to skip GitHub deployments.'
    })
  }
  return new ActionError(`Failed to ${doing}: ${message}`, { cause: error })
}

async function call(request: GitHubRequest, doing: string, route: string, parameters: object) {
  try {
    return await request(route, parameters as Record<string, unknown>)
  } catch (error) {
    throw explainGitHubError(error, doing)
  }
}

export class GitHubDeployment {
  constructor(
    private readonly request: GitHubRequest,
    private readonly target: GitHubTarget,
    readonly id: number
  ) {}

  /**
   * Creates the deployment for the commit and marks it in_progress. A transient environment (a pull request's
   * preview) is one GitHub expects to go away: it is never production.
   */
  static async start(
    request: GitHubRequest,
    target: GitHubTarget,
    description: string,
    options: { transient?: boolean } = {}
  ) {
    const created = await call(
      request,
      `create a deployment for environment '${target.environment}'`,
      'POST /repos/{owner}/{repo}/deployments',
      {
        owner: target.owner,
        repo: target.repo,
        ref: target.ref,
        environment: target.environment,
        description: truncateDescription(description),
        // Deploy exactly this commit: no merging of the default branch, no wait for commit statuses.
        auto_merge: false,
        required_contexts: [],
        transient_environment: options.transient ?? false,
        ...(options.transient ? { production_environment: false } : {})
      }
    )
    const id = (created.data as { id?: unknown }).id
    if (typeof id !== 'number') {
      throw new ActionError(`GitHub did not create a deployment (HTTP ${created.status})`, {
        details: JSON.stringify(created.data)
      })
    }
    const deployment = new GitHubDeployment(request, target, id)
    await deployment.setStatus('in_progress', { description: 'Deploying to ECS Fargate' })
    return deployment
  }

  async succeed(url: string | undefined): Promise<void> {
    await this.setStatus('success', {
      description: url ? `Serving at ${url}` : 'Deployed',
      // The environment links to the app when it has a URL, else to the run that deployed it.
      environment_url: url || this.target.logUrl,
      auto_inactive: true
    })
  }

  async fail(reason: string): Promise<void> {
    await this.setStatus('failure', { description: truncateDescription(reason) })
  }

  private async setStatus(state: string, fields: Record<string, unknown>): Promise<void> {
    await call(
      this.request,
      `set deployment ${this.id} to ${state}`,
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      {
        owner: this.target.owner,
        repo: this.target.repo,
        deployment_id: this.id,
        state,
        ...(this.target.logUrl ? { log_url: this.target.logUrl } : {}),
        ...fields
      }
    )
  }
}

/** Every item of a list endpoint, 100 a page (GitHub's largest: the fewest calls), errors explained as call's. */
async function listAll<T>(paginate: GitHubPaginate, doing: string, route: string, parameters: object) {
  try {
    return (await paginate(route, { ...parameters, per_page: 100 })) as T[]
  } catch (error) {
    throw explainGitHubError(error, doing)
  }
}

/**
 * Marks every active deployment of the environment (latest status success) inactive, so the Environments page
 * stops offering a URL that no longer answers; those already inactive (or failed) are left as they are.
 * Returns the deployment IDs marked.
 */
export async function deactivateEnvironment(
  { request, paginate }: GitHubClient,
  target: Omit<GitHubTarget, 'ref'>,
  description = 'Stopped by ecs-fargate-deploy (mode: stop)'
): Promise<number[]> {
  // Every page first, then the statuses: pages read between the marks would shift if a deployment were created.
  const listed = await listAll<{ id: number }>(
    paginate,
    `list the deployments of environment '${target.environment}'`,
    'GET /repos/{owner}/{repo}/deployments',
    { owner: target.owner, repo: target.repo, environment: target.environment }
  )
  const ids = listed.map((deployment) => deployment.id)
  const deactivated: number[] = []
  for (const id of ids) {
    const statuses = await call(
      request,
      `read the status of deployment ${id}`,
      'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      { owner: target.owner, repo: target.repo, deployment_id: id, per_page: 1 }
    )
    const latest = (statuses.data as Array<{ state: string }>)[0]?.state
    if (latest !== 'success') continue
    await call(
      request,
      `set deployment ${id} to inactive`,
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      {
        owner: target.owner,
        repo: target.repo,
        deployment_id: id,
        state: 'inactive',
        description: truncateDescription(description),
        ...(target.logUrl ? { log_url: target.logUrl } : {})
      }
    )
    deactivated.push(id)
  }
  return deactivated
}

/** The client and the target from the runner's environment (GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_API_URL…). */
export async function gitHubFromEnvironment(
  token: string,
  environment: string
): Promise<GitHubClient & { target: GitHubTarget }> {
  const { context, getOctokit } = await import('@actions/github')
  // getOctokit reads GITHUB_API_URL, so GitHub Enterprise Server works unchanged.
  const octokit = getOctokit(token)
  const { owner, repo } = context.repo
  const pullRequestHead = (context.payload.pull_request as { head?: { sha?: string } } | undefined)?.head?.sha
  const runId = context.runId
  return {
    request: (route, parameters) => octokit.request(route, parameters),
    paginate: (route, parameters) => octokit.paginate(route, parameters),
    target: {
      owner,
      repo,
      // On a pull request GITHUB_SHA is the merge commit; the head commit is the one the pull request shows.
      ref: pullRequestHead ?? context.sha,
      environment,
      logUrl: Number.isFinite(runId)
        ? `${context.serverUrl}/${owner}/${repo}/actions/runs/${runId}`
        : undefined
    }
  }
}

/** Deploy mode: the deployment of this commit to environment-name, already in_progress. */
export async function startGitHubDeployment(
  inputs: Pick<Inputs, 'githubToken' | 'repository' | 'tag' | 'cluster'>,
  environment: string,
  options: { transient?: boolean } = {}
): Promise<GitHubDeployment> {
  const { request, target } = await gitHubFromEnvironment(inputs.githubToken, environment)
  const description = `${inputs.repository}:${inputs.tag} on ECS Fargate (cluster ${inputs.cluster})`
  return GitHubDeployment.start(request, target, description, options)
}

/** Stop mode: environment-name's active deployments marked inactive. */
export async function deactivateGitHubEnvironment(
  githubToken: string,
  environment: string,
  description?: string
): Promise<number[]> {
  const { target, ...github } = await gitHubFromEnvironment(githubToken, environment)
  return deactivateEnvironment(github, target, description)
}
