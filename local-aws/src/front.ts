// The local stand-in for an Express service's Application Load Balancer: one HTTP server on its own loopback
// address that round-robins requests over the healthy, routable targets and health-checks every target on its
// health path, the way an ALB target group does (EXPRESS.md, "The local load balancer"). It knows nothing of ECS:
// the service controller adds and removes targets and hears the health transitions.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type TargetHealth = 'initial' | 'healthy' | 'unhealthy' | 'draining'

export interface FrontOptions {
  /** The loopback address to listen on (127.0.2.N); the port is a free one. */
  address: string
  /** Milliseconds between two health checks of a target (an ALB's default is 30 s). */
  intervalMs: number
  /** Consecutive passes that make a target healthy (ALB default 5; 2 locally). */
  healthyThreshold?: number
  /** Consecutive failures that make a target unhealthy (ALB default 2). */
  unhealthyThreshold?: number
  /** Failures in this long after a target is added do not count (ECS's health check grace period). */
  graceMs?: number
  /** Called on every health transition of a target (not for draining). */
  onHealth: (id: string, health: 'healthy' | 'unhealthy') => void
}

export interface TargetSpec {
  host: string
  port: number
  healthPath: string
  /** Whether the target takes production traffic once healthy. */
  routable: boolean
  /** The target's group (a service revision) for weighted routing (setWeights); ungrouped targets share equally. */
  group?: string
}

export interface TargetView extends TargetSpec {
  id: string
  health: TargetHealth
  inFlight: number
}

interface Target extends TargetView {
  addedAt: number
  passes: number
  failures: number
  checking: boolean
  drained?: () => void
}

export class Front {
  private readonly targets = new Map<string, Target>()
  private next = 0
  /** group → weight, when requests are split by weight between groups (linear and canary traffic shifts). */
  private weights: Record<string, number> | undefined
  /** Requests sent to each group since the weights were set. */
  private served = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private closed = false

  private constructor(
    private readonly server: http.Server,
    private readonly opts: FrontOptions
  ) {}

  static async start(opts: FrontOptions): Promise<Front> {
    const server = http.createServer()
    const front = new Front(server, opts)
    server.on('request', (req, res) => front.route(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, opts.address, () => resolve())
    })
    front.timer = setInterval(() => front.checkAll(), opts.intervalMs)
    return front
  }

  /** `http://ADDRESS:PORT`: plain HTTP where AWS answers an HTTPS host name. */
  get endpoint(): string {
    const { address, port } = this.server.address() as AddressInfo
    return `http://${address}:${port}`
  }

  add(id: string, spec: TargetSpec): void {
    this.targets.set(id, {
      ...spec,
      id,
      health: 'initial',
      inFlight: 0,
      addedAt: Date.now(),
      passes: 0,
      failures: 0,
      checking: false
    })
    this.check(this.targets.get(id)!)
  }

  setRoutable(id: string, routable: boolean): void {
    const t = this.targets.get(id)
    if (t && t.health !== 'draining') t.routable = routable
  }

  /**
   * Splits requests between the targets' groups by weight (any scale; a group with weight 0 gets none), round
   * robin within a group; undefined: round robin over every ready target.
   */
  setWeights(weights: Record<string, number> | undefined): void {
    if (JSON.stringify(weights) === JSON.stringify(this.weights)) return
    this.weights = weights
    this.served.clear()
  }

  /** Takes the target out of rotation at once; resolves when its in-flight requests have finished, then forgets it. */
  drain(id: string): Promise<void> {
    const t = this.targets.get(id)
    if (!t) return Promise.resolve()
    t.health = 'draining'
    t.routable = false
    return new Promise((resolve) => {
      const done = () => {
        this.targets.delete(id)
        resolve()
      }
      if (t.inFlight === 0) done()
      else t.drained = done
    })
  }

  /** Forgets a target at once (its task is already gone). */
  remove(id: string): void {
    this.targets.delete(id)
  }

  list(): TargetView[] {
    return [...this.targets.values()].map(
      ({ id, host, port, healthPath, routable, group, health, inFlight }) => ({
        id,
        host,
        port,
        healthPath,
        routable,
        group,
        health,
        inFlight
      })
    )
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    this.targets.clear()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  // ---------------------------------------------------------------- balancing

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const ready = this.pick()
    if (ready.length === 0) {
      // What an ALB answers when its target group has no healthy target.
      res.writeHead(503, { 'content-type': 'text/html', connection: 'close' })
      res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n')
      return
    }
    const target = ready[this.next++ % ready.length]!
    target.inFlight++
    let settled = false
    const settle = () => {
      if (settled) return
      settled = true
      target.inFlight--
      if (target.inFlight === 0) target.drained?.()
    }
    const headers = { ...req.headers }
    for (const h of ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'])
      delete headers[h]
    const upstream = http.request(
      {
        host: target.host,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        // No keep-alive to targets: a drained target keeps no idle sockets.
        agent: false
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.headers)
        up.pipe(res)
        up.on('error', () => res.destroy())
      }
    )
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/html' })
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>\n')
      } else res.destroy()
    })
    res.on('close', settle)
    req.pipe(upstream)
  }

  /** The ready targets the next request goes to one of: the weighted group's, or all of them. */
  private pick(): Target[] {
    const ready = [...this.targets.values()].filter((t) => t.routable && t.health === 'healthy')
    const weights = this.weights
    if (!weights) return ready
    // The group furthest behind its share gets the request (a smooth weighted round robin).
    let best: { group: string; score: number } | undefined
    for (const group of new Set(ready.map((t) => t.group ?? ''))) {
      const weight = weights[group] ?? 0
      if (weight <= 0) continue
      const score = ((this.served.get(group) ?? 0) + 1) / weight
      if (!best || score < best.score) best = { group, score }
    }
    if (!best) return []
    this.served.set(best.group, (this.served.get(best.group) ?? 0) + 1)
    return ready.filter((t) => (t.group ?? '') === best.group)
  }

  // ---------------------------------------------------------------- health checks

  private checkAll(): void {
    for (const t of this.targets.values()) this.check(t)
  }

  private check(t: Target): void {
    if (t.checking || t.health === 'draining' || this.closed) return
    t.checking = true
    const req = http.get(
      { host: t.host, port: t.port, path: t.healthPath, agent: false, timeout: this.opts.intervalMs * 4 },
      (res) => {
        res.resume()
        const code = res.statusCode ?? 0
        res.on('end', () => this.record(t, code >= 200 && code < 400))
        res.on('error', () => this.record(t, false))
      }
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => this.record(t, false))
  }

  private record(t: Target, passed: boolean): void {
    if (!t.checking) return
    t.checking = false
    if (this.targets.get(t.id) !== t || t.health === 'draining') return
    if (passed) {
      t.passes++
      t.failures = 0
      if (t.health !== 'healthy' && t.passes >= (this.opts.healthyThreshold ?? 2)) {
        t.health = 'healthy'
        this.opts.onHealth(t.id, 'healthy')
      }
      return
    }
    t.passes = 0
    if (Date.now() - t.addedAt < (this.opts.graceMs ?? 0)) return
    t.failures++
    if (t.health !== 'unhealthy' && t.failures >= (this.opts.unhealthyThreshold ?? 2)) {
      t.health = 'unhealthy'
      this.opts.onHealth(t.id, 'unhealthy')
    }
  }
}
