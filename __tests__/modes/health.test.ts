import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { FakeClock } from '../../__fixtures__/clock.js'
import {
  UnhealthyError,
  describeHealthAnswer,
  healthCheckUrl,
  nextHealthDelay,
  unhealthyHint,
  waitHealthy
} from '../../src/modes/health.js'

let server: Server
let url: string
let statuses: number[]
let requests: string[]
let body = 'body'

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '')
    const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!
    response.writeHead(status, status === 302 ? { location: '/elsewhere' } : {}).end(body)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((done) => server.close(done)))
beforeEach(() => {
  requests = []
  body = 'body'
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

test('fails at the deadline naming the health check, the URL, the last status and the start of the body', async () => {
  statuses = [404]
  body = '<html>\n  <h1>Not   Found</h1>\n</html>'
  const clock = new FakeClock()
  const logged: string[] = []
  const error = await waitHealthy(`${url}/missing`, {
    deadline: clock.now() + 3000,
    clock,
    log: (line) => logged.push(line)
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UnhealthyError)
  const unhealthy = error as UnhealthyError
  expect(unhealthy.message).toBe(
    `The health check failed: ${url}/missing did not answer 2xx or 3xx before the timeout ` +
      `(${unhealthy.attempts} requests; last: HTTP 404: "<html> <h1>Not Found</h1> </html>")`
  )
  expect(unhealthy.attempts).toBeGreaterThan(1)
  expect(unhealthy.hint).toBe(
    'The app answers, but not at /missing: set health-path to a path it serves with 2xx or 3xx, ' +
      'or raise timeout if the app starts slowly.'
  )
  expect(logged[0]).toBe(`${url}/missing: HTTP 404: "<html> <h1>Not Found</h1> </html>"`)
  expect(logged).toHaveLength(unhealthy.attempts)
})

test('reads no more than the start of a long body', async () => {
  statuses = [500]
  body = 'x'.repeat(100_000)
  const clock = new FakeClock()
  const error = (await waitHealthy(url, { deadline: clock.now(), clock }).catch(
    (e: unknown) => e
  )) as UnhealthyError
  expect(error.lastAnswer).toEqual({ status: 500, body: 'x'.repeat(200) })
  expect(error.message).toBe(
    `The health check failed: ${url} did not answer 2xx or 3xx before the timeout (1 request; last: HTTP 500: "${'x'.repeat(200)}")`
  )
})

test('reports a connection error when nothing listens, and says what to check', async () => {
  const closed = createServer()
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done))
  const port = (closed.address() as AddressInfo).port
  await new Promise((done) => closed.close(done))
  const clock = new FakeClock()
  const error = (await waitHealthy(`http://127.0.0.1:${port}/`, {
    deadline: clock.now() + 1000,
    clock
  }).catch((e: unknown) => e)) as UnhealthyError
  expect(error.message).toMatch(
    new RegExp(
      `^The health check failed: http://127\\.0\\.0\\.1:${port}/ did not answer .*last: ECONNREFUSED\\)$`
    )
  )
  expect(error.hint).toBe(
    `Nothing accepted the connection on port ${port}: check that port is the one the container listens on, ` +
      'on all interfaces (0.0.0.0, not only 127.0.0.1), or raise timeout if the app starts slowly.'
  )
})

test.each<[Parameters<typeof describeHealthAnswer>[0], string]>([
  [{ status: 503, body: '' }, 'HTTP 503'],
  [{ status: 500, body: 'oops "quoted"' }, 'HTTP 500: "oops \\"quoted\\""'],
  [{ error: 'ECONNREFUSED' }, 'ECONNREFUSED']
])('describeHealthAnswer(%j) is %s', (answer, expected) => {
  expect(describeHealthAnswer(answer)).toBe(expected)
})

test.each<[Parameters<typeof unhealthyHint>[1], string]>([
  [
    { status: 503, body: '' },
    'The app answers /ready?x=1 with HTTP 503: check its log for why, or set health-path to a path that answers ' +
      '2xx or 3xx when it is ready, or raise timeout if the app starts slowly.'
  ],
  [
    { error: 'The operation was aborted due to timeout' },
    'The request got no answer (The operation was aborted due to timeout): check that the security group lets ' +
      'the runner reach port 8080 (ingress-cidr) and that the container listens on it and answers /ready?x=1 ' +
      'promptly, or raise timeout if the app starts slowly.'
  ]
])('unhealthyHint for %j', (answer, expected) => {
  expect(unhealthyHint('http://203.0.113.7:8080/ready?x=1', answer)).toBe(expected)
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
