import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { FakeClock } from '../../__fixtures__/clock.js'
import { UnhealthyError, healthCheckUrl, nextHealthDelay, waitHealthy } from '../../src/modes/health.js'

let server: Server
let url: string
let statuses: number[]
let requests: string[]

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '')
    const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!
    response.writeHead(status, status === 302 ? { location: '/elsewhere' } : {}).end('body')
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((done) => server.close(done)))
beforeEach(() => {
  requests = []
})

test('returns once the URL answers 2xx, after retrying 5xx', async () => {
  statuses = [503, 500, 200]
  const clock = new FakeClock()
  expect(await waitHealthy(`${url}/health`, { deadline: clock.now() + 60_000, clock })).toEqual({
    status: 200,
    attempts: 3
  })
  expect(requests).toEqual(['/health', '/health', '/health'])
  expect(clock.sleeps).toEqual([500, 750])
})

test('counts a redirect as healthy without following it', async () => {
  statuses = [302]
  const clock = new FakeClock()
  expect(await waitHealthy(url, { deadline: clock.now() + 60_000, clock })).toEqual({
    status: 302,
    attempts: 1
  })
  expect(requests).toEqual(['/'])
})

test('fails at the deadline with the last status seen', async () => {
  statuses = [404]
  const clock = new FakeClock()
  const error = await waitHealthy(`${url}/missing`, { deadline: clock.now() + 3000, clock }).catch(
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(UnhealthyError)
  expect((error as Error).message).toMatch(
    /did not answer 2xx or 3xx before the timeout \(\d+ requests; last: HTTP 404\)/
  )
})

test('reports a connection error when nothing listens', async () => {
  const closed = createServer()
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done))
  const port = (closed.address() as AddressInfo).port
  await new Promise((done) => closed.close(done))
  const clock = new FakeClock()
  await expect(
    waitHealthy(`http://127.0.0.1:${port}/`, { deadline: clock.now() + 1000, clock })
  ).rejects.toThrow('last: ECONNREFUSED')
})

test('backs off from 0.5 s to at most 5 s', () => {
  const delays = [nextHealthDelay(undefined)]
  for (let i = 0; i < 7; i++) delays.push(nextHealthDelay(delays.at(-1)))
  expect(delays).toEqual([500, 750, 1125, 1688, 2532, 3798, 5000, 5000])
})

test.each([
  ['/', 'http://203.0.113.7:8080'],
  ['/health', 'http://203.0.113.7:8080/health'],
  ['/api/ready?full=1', 'http://203.0.113.7:8080/api/ready?full=1']
])('health-path %s is requested as %s', (healthPath, expected) => {
  expect(healthCheckUrl('http://203.0.113.7:8080', healthPath)).toBe(expected)
})
