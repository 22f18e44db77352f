// A local HTTP server playing the GitHub REST endpoints of deployments, recording every request, so the
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

export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  const recorded: RecordedRequest[] = []
  const deployments: StoredDeployment[] = []
  let nextId = 1000
  let refusal: { status: number; message: string } | undefined

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://stand-in')
      const body = await readJson(request)
      recorded.push({
        method: request.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: request.headers.authorization,
        body
      })
      const send = (status: number, data: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
        response.end(JSON.stringify(data))
      }
      if (refusal) {
        send(refusal.status, {
          message: refusal.message,
          documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment'
        })
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
        const perPage = Number(url.searchParams.get('per_page') ?? 30)
        const found = deployments
          .filter((deployment) => environment === null || deployment.environment === environment)
          .reverse() // newest first, as GitHub lists them
          .slice(0, perPage)
        send(
          200,
          found.map(({ id, ref, environment }) => ({ id, ref, environment }))
        )
      } else if (statuses) {
        const deployment = deployments.find((candidate) => candidate.id === Number(statuses[3]))
        if (!deployment) return send(404, { message: 'Not Found' })
        if (request.method === 'POST') {
          const status = { ...(body ?? {}), state: String(body?.['state']) }
          deployment.statuses.push(status)
          send(201, { id: deployment.statuses.length, ...status })
        } else {
          send(200, [...deployment.statuses].reverse())
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
    stop: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
  }
}
