// A local HTTP server playing the GitHub REST endpoints of deployments and issue comments, recording every
// request, so the
// end-to-end tests can point GITHUB_API_URL at it and assert what the bundled action sent.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  /** The path without the query string. */
  path: string
  query: Record<string, string>
  authorization?: string
  body?: Record<string, unknown>
}

interface StoredDeployment {
  id: number
  owner: string
  repo: string
  ref: string
  environment: string
  statuses: Array<{ state: string; [field: string]: unknown }>
}

export interface StoredComment {
  id: number
  issue: number
  body: string
  created_at: string
  updated_at: string
}

const COMMENTS_DOCS = 'https://docs.github.com/rest/issues/comments'

export interface GitHubStandIn {
  /** The value for GITHUB_API_URL. */
  apiUrl: string
  requests(): RecordedRequest[]
  clear(): void
  /** Answer every request with this status and GitHub's message (403 to play a token without permission). */
  refuseWith(status: number | undefined, message?: string): void
  /** A deployment as if an earlier run made it, with its statuses (newest last). */
  addDeployment(environment: string, states: string[]): number
  deployment(id: number): StoredDeployment | undefined
  /** Answer creating and updating comments with 403, as for a token without pull-requests write (listing works). */
  refuseCommentWrites(refuse: boolean): void
  /** The comments of an issue or pull request, oldest first. */
  comments(issue: number): StoredComment[]
  /** A comment as if someone wrote it earlier. */
  addComment(issue: number, body: string): number
  stop(): Promise<void>
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve, reject) => {
    let text = ''
    request.on('data', (chunk: Buffer) => (text += chunk.toString()))
    request.on('end', () => resolve(text ? (JSON.parse(text) as Record<string, unknown>) : undefined))
    request.on('error', reject)
  })
}

/** GitHub's page sizes: per_page defaults to 30 and is capped at 100. */
const DEFAULT_PER_PAGE = 30
const MAX_PER_PAGE = 100

/**
 * One page of a list as GitHub answers it: per_page (default 30, at most 100) and page (from 1), and, when the
 * list has more than one page, a Link header with next and last (on all but the last page) and prev and first
 * (on all but the first).
 */
export function paginate<T>(all: readonly T[], url: URL): { items: T[]; headers: Record<string, string> } {
  const asked = Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE)
  const perPage = Math.min(
    Math.max(Number.isInteger(asked) && asked > 0 ? asked : DEFAULT_PER_PAGE, 1),
    MAX_PER_PAGE
  )
  const askedPage = Number(url.searchParams.get('page') ?? 1)
  const page = Number.isInteger(askedPage) && askedPage > 0 ? askedPage : 1
  const last = Math.max(1, Math.ceil(all.length / perPage))
  const items = all.slice((page - 1) * perPage, page * perPage)
  if (last === 1) return { items, headers: {} }
  const at = (n: number): string => {
    const linked = new URL(url.toString())
    linked.searchParams.set('per_page', String(perPage))
    linked.searchParams.set('page', String(n))
    return `<${linked.toString()}>`
  }
  const links = [
    ...(page < last ? [`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`] : []),
    ...(page > 1 ? [`${at(Math.min(page - 1, last))}; rel="prev"`, `${at(1)}; rel="first"`] : [])
  ]
  return { items, headers: links.length > 0 ? { link: links.join(', ') } : {} }
}

export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  const recorded: RecordedRequest[] = []
  const deployments: StoredDeployment[] = []
  let nextId = 1000
  let refusal: { status: number; message: string } | undefined
  const comments: StoredComment[] = []
  let refuseCommentWrites = false
  const storeComment = (issue: number, body: string): StoredComment => {
    const now = new Date().toISOString()
    const comment = { id: nextId++, issue, body, created_at: now, updated_at: now }
    comments.push(comment)
    return comment
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'stand-in'}`)
      const body = await readJson(request)
      recorded.push({
        method: request.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: request.headers.authorization,
        body
      })
      const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        response.end(JSON.stringify(data))
      }
      const host = `http://${request.headers.host ?? 'stand-in'}`
      const commentJson = (comment: StoredComment, owner: string, repo: string) => ({
        id: comment.id,
        url: `${host}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
        html_url: `https://github.com/${owner}/${repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
        body: comment.body,
        user: { login: 'github-actions[bot]', type: 'Bot' },
        created_at: comment.created_at,
        updated_at: comment.updated_at
      })
      if (refusal) {
        send(refusal.status, {
          message: refusal.message,
          documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment'
        })
        return
      }
      const issueComments = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname)
      const oneComment = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)
      const writesComment =
        (issueComments && request.method === 'POST') || (oneComment && request.method === 'PATCH')
      if (writesComment && refuseCommentWrites) {
        // What GitHub answers a GITHUB_TOKEN without pull-requests (or issues) write.
        send(403, {
          message: 'Resource not accessible by integration',
          documentation_url: `${COMMENTS_DOCS}#${issueComments ? 'create' : 'update'}-an-issue-comment`,
          status: '403'
        })
        return
      }
      if (writesComment && typeof body?.['body'] !== 'string') {
        send(422, {
          message: "Invalid request.\n\nFor 'properties/body', nil is not a string.",
          documentation_url: `${COMMENTS_DOCS}#${issueComments ? 'create' : 'update'}-an-issue-comment`,
          status: '422'
        })
        return
      }
      if (issueComments && request.method === 'GET') {
        const all = comments.filter((comment) => comment.issue === Number(issueComments[3]))
        const { items, headers } = paginate(all, url)
        send(
          200,
          items.map((comment) => commentJson(comment, issueComments[1]!, issueComments[2]!)),
          headers
        )
        return
      }
      if (issueComments && request.method === 'POST') {
        const comment = storeComment(Number(issueComments[3]), String(body?.['body']))
        send(201, commentJson(comment, issueComments[1]!, issueComments[2]!))
        return
      }
      if (oneComment && request.method === 'PATCH') {
        const comment = comments.find((candidate) => candidate.id === Number(oneComment[3]))
        if (!comment) {
          send(404, {
            message: 'Not Found',
            documentation_url: `${COMMENTS_DOCS}#update-an-issue-comment`,
            status: '404'
          })
          return
        }
        comment.body = String(body?.['body'])
        comment.updated_at = new Date().toISOString()
        send(200, commentJson(comment, oneComment[1]!, oneComment[2]!))
        return
      }
      const list = /^\/repos\/([^/]+)\/([^/]+)\/deployments$/.exec(url.pathname)
      const statuses = /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/.exec(url.pathname)
      if (list && request.method === 'POST') {
        const deployment: StoredDeployment = {
          id: nextId++,
          owner: list[1]!,
          repo: list[2]!,
          ref: String(body?.['ref']),
          environment: String(body?.['environment'] ?? 'production'),
          statuses: []
        }
        deployments.push(deployment)
        send(201, { id: deployment.id, ref: deployment.ref, environment: deployment.environment })
      } else if (list && request.method === 'GET') {
        const environment = url.searchParams.get('environment')
        const found = deployments
          .filter((deployment) => environment === null || deployment.environment === environment)
          .reverse() // newest first, as GitHub lists them
        const { items, headers } = paginate(found, url)
        send(
          200,
          items.map(({ id, ref, environment }) => ({ id, ref, environment })),
          headers
        )
      } else if (statuses) {
        const deployment = deployments.find((candidate) => candidate.id === Number(statuses[3]))
        if (!deployment) return send(404, { message: 'Not Found' })
        if (request.method === 'POST') {
          const status = { ...(body ?? {}), state: String(body?.['state']) }
          deployment.statuses.push(status)
          send(201, { id: deployment.statuses.length, ...status })
        } else {
          const { items, headers } = paginate([...deployment.statuses].reverse(), url)
          send(200, items, headers)
        }
      } else {
        send(404, { message: 'Not Found' })
      }
    })().catch((error: unknown) => {
      response.writeHead(500)
      response.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    apiUrl: `http://127.0.0.1:${port}`,
    requests: () => [...recorded],
    clear: () => {
      recorded.length = 0
    },
    refuseWith: (status, message = 'Resource not accessible by integration') => {
      refusal = status === undefined ? undefined : { status, message }
    },
    addDeployment: (environment, states) => {
      const deployment: StoredDeployment = {
        id: nextId++,
        owner: 'octo',
        repo: 'app',
        ref: 'earlier',
        environment,
        statuses: states.map((state) => ({ state }))
      }
      deployments.push(deployment)
      return deployment.id
    },
    deployment: (id) => deployments.find((deployment) => deployment.id === id),
    refuseCommentWrites: (refuse) => {
      refuseCommentWrites = refuse
    },
    comments: (issue) => comments.filter((comment) => comment.issue === issue).map((c) => ({ ...c })),
    addComment: (issue, body) => storeComment(issue, body).id,
    stop: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
  }
}
