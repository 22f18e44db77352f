// The local load balancer against small HTTP servers on 127.0.0.1: round-robin over healthy routable targets,
// 503 without one, health transitions after two checks, draining that lets in-flight requests finish.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from '@jest/globals'
import { Front } from '../src/front.js'

interface Backend {
  port: number
  close(): Promise<void>
  /** Resolves the pending /slow request. */
  release(): void
}

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()))
})

async function backend(name: string, healthStatus = 200): Promise<Backend> {
  let release = () => undefined as void
  const server = http.createServer((req, res) => {
    if (req.url === '/health') return void res.writeHead(healthStatus).end('ok')
    if (req.url === '/slow') {
      release = () => void res.end(`${name} slow`)
      return void res.writeHead(200)
    }
    res.end(name)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const b = {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((r) => server.close(() => r()))
    },
    release: () => release()
  }
  open.push(b)
  return b
}

/** A front whose health transitions can be awaited. */
async function front(): Promise<{ front: Front; seen: string[]; health: (entry: string) => Promise<void> }> {
  const seen: string[] = []
  const waiters: Array<() => void> = []
  const f = await Front.start({
    address: '127.0.2.250',
    intervalMs: 40,
    onHealth: (id, health) => {
      seen.push(`${id} ${health}`)
      for (const w of waiters.splice(0)) w()
    }
  })
  open.push(f)
  const health = async (entry: string) => {
    while (!seen.includes(entry)) await new Promise<void>((r) => waiters.push(r))
  }
  return { front: f, seen, health }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url)
  return { status: res.status, body: await res.text() }
}

const target = (port: number, routable = true) => ({
  host: '127.0.0.1',
  port,
  healthPath: '/health',
  routable
})

describe('the local front', () => {
  it('listens on its own loopback address and answers 503 with no healthy target', async () => {
    const { front: f } = await front()
    expect(f.endpoint).toMatch(/^http:\/\/127\.0\.2\.250:\d+$/)
    expect(await get(`${f.endpoint}/`)).toEqual({
      status: 503,
      body: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n'
    })
  })

  it('round-robins over the healthy routable targets only', async () => {
    const [a, b, c] = await Promise.all([backend('a'), backend('b'), backend('c')])
    const { front: f, health } = await front()
    f.add('a', target(a.port))
    f.add('b', target(b.port))
    f.add('c', target(c.port, false))
    await Promise.all([health('a healthy'), health('b healthy'), health('c healthy')])
    const bodies: string[] = []
    for (let i = 0; i < 4; i++) bodies.push((await get(`${f.endpoint}/`)).body)
    expect(bodies.sort()).toEqual(['a', 'a', 'b', 'b'])
    f.setRoutable('c', true)
    f.setRoutable('a', false)
    f.setRoutable('b', false)
    expect(await get(`${f.endpoint}/x`)).toEqual({ status: 200, body: 'c' })
  })

  it('marks a target whose health path fails unhealthy and sends it nothing', async () => {
    const [good, bad] = await Promise.all([backend('good'), backend('bad', 404)])
    const { front: f, seen, health } = await front()
    f.add('good', target(good.port))
    f.add('bad', target(bad.port))
    await Promise.all([health('good healthy'), health('bad unhealthy')])
    for (let i = 0; i < 3; i++) expect(await get(`${f.endpoint}/`)).toEqual({ status: 200, body: 'good' })
    expect(seen).not.toContain('bad healthy')
    expect(f.list().map((t) => [t.id, t.health])).toEqual([
      ['good', 'healthy'],
      ['bad', 'unhealthy']
    ])
  })

  it('turns a healthy target unhealthy once it stops answering', async () => {
    const a = await backend('a')
    const { front: f, health } = await front()
    f.add('a', target(a.port))
    await health('a healthy')
    await a.close()
    await health('a unhealthy')
    expect((await get(`${f.endpoint}/`)).status).toBe(503)
  })

  it('drains a target: no new requests, the in-flight one finishes, then it is gone', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')])
    const { front: f, health } = await front()
    f.add('a', target(a.port))
    await health('a healthy')
    const slow = get(`${f.endpoint}/slow`)
    while (f.list()[0]!.inFlight === 0) await new Promise((r) => setImmediate(r))
    f.add('b', target(b.port))
    await health('b healthy')
    let drained = false
    const draining = f.drain('a').then(() => (drained = true))
    expect(await get(`${f.endpoint}/`)).toEqual({ status: 200, body: 'b' })
    expect(drained).toBe(false)
    a.release()
    expect(await slow).toEqual({ status: 200, body: 'a slow' })
    await draining
    expect(f.list().map((t) => t.id)).toEqual(['b'])
  })
})
