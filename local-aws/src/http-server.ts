// The one HTTP server on 127.0.0.1: reads each request's body, sends /_local/ paths to the control API and
// everything else to the AWS dispatcher, and writes the answer with its length.
import http from 'node:http'
import type { ControlHandler } from './control-api.js'
import type { AwsDispatcher } from './dispatch.js'
import type { WireResponse } from './protocol.js'

export interface HttpServer {
  endpoint: string
  /** Drops open connections and resolves once the server has closed. */
  close(): Promise<void>
}

export interface Routes {
  aws: AwsDispatcher
  control: ControlHandler
}

export async function startHttpServer(
  port: number,
  routes: Routes,
  log: (line: string) => void
): Promise<HttpServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const url = req.url ?? '/'
      const answer = url.startsWith('/_local/')
        ? Promise.resolve().then(() => routes.control(req.method ?? 'GET', url, body))
        : routes.aws(req.headers, body, { method: req.method ?? 'GET', url })
      answer
        .catch((err: unknown): WireResponse => ({
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: String(err) })
        }))
        .then((r) => {
          res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) })
          res.end(r.body)
        })
        .catch((err: unknown) => log(`response error: ${String(err)}`))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
