// The step environment of a pull_request run, for the preview e2e files: the event payload written where
// GITHUB_EVENT_PATH points (as the runner does), and the GitHub variables pointing at the stand-in.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface PullRequestOf {
  number: number
  sha: string
  /** owner/repo of the head branch: another than octo/app makes it a fork. */
  head?: string
}

export function pullRequestEnv(
  where: { eventDir: string; apiUrl: string; runId: string },
  action: string,
  pr: PullRequestOf,
  base: Record<string, string>
): Record<string, string> {
  const path = join(where.eventDir, `${pr.number}-${action}-${pr.sha.slice(0, 7)}.json`)
  const head = pr.head ?? 'octo/app'
  writeFileSync(
    path,
    JSON.stringify({
      action,
      number: pr.number,
      pull_request: {
        number: pr.number,
        html_url: `https://github.com/octo/app/pull/${pr.number}`,
        head: { sha: pr.sha, ref: 'feature', repo: { full_name: head, fork: head !== 'octo/app' } },
        base: { sha: 'c'.repeat(40), ref: 'main', repo: { full_name: 'octo/app', fork: false } }
      }
    })
  )
  return {
    ...base,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: path,
    GITHUB_API_URL: where.apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: where.runId
  }
}
