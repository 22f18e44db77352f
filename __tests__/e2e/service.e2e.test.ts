// Service mode (issue 13) through the bundled action against the local AWS's Express Mode, with real containers:
// create; an update to a new image while a client requests the URL throughout, with no failed request; a bad
// image that rolls back, fails the step with the reason while the old version still serves; the scaling inputs
// reaching the service; delete, and delete again; and a deploy and a stop by an identity holding exactly the
// policy mode permissions prints for the same inputs.
import { execFileSync } from 'node:child_process'
import { DescribeExpressGatewayServiceCommand, ECSClient } from '@aws-sdk/client-ecs'
import { runAction, type ActionRun } from './harness.js'
import { REGION, WEB_IMAGE, startStack, type Stack } from './stack.js'

let stack: Stack
const ecs = (): ECSClient =>
  new ECSClient({
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
  })

/** The example web app with /version answering NAME (built FROM the example, no registry pull). */
function versionImage(name: string): string {
  const tag = `efd-service-web:${name}`
  execFileSync('docker', ['build', '--quiet', '--tag', tag, '-'], {
    input: `FROM ${WEB_IMAGE}\nRUN echo ${name} > /www/version\n`,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  return tag
}

/** An image whose container exits at once: every task of it fails, so the deployment rolls back. */
function crashingImage(): string {
  const tag = 'efd-service-web:crashing'
  execFileSync('docker', ['build', '--quiet', '--tag', tag, '-'], {
    input: `FROM ${WEB_IMAGE}\nCMD ["sh", "-c", "echo crashing on purpose; exit 3"]\n`,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  return tag
}

let v1: string
let v2: string
let crashing: string

beforeAll(async () => {
  stack = await startStack()
  v1 = versionImage('v1')
  v2 = versionImage('v2')
  crashing = crashingImage()
})
afterAll(async () => {
  await stack?.aws.stop()
})

const SERVICE = {
  repository: 'svc-web',
  cluster: 'svc-cluster',
  service: 'svc-web',
  port: '5000',
  'health-path': '/health'
}

async function versionAt(url: string): Promise<string> {
  const response = await fetch(`${url}/version`, { signal: AbortSignal.timeout(5000) })
  if (response.status !== 200) throw new Error(`GET /version answered ${response.status}`)
  return (await response.text()).trim()
}

function expectSucceeded(run: ActionRun): void {
  expect(run.errors).toEqual([])
  expect(run.exitCode).toBe(0)
}

describe('an Express Mode service through the action', () => {
  let url: string
  let serviceArn: string

  test('creates the service with the scaling inputs; the URL serves; outputs and summary', async () => {
    const run = await runAction(
      {
        ...SERVICE,
        image: v1,
        'min-tasks': '2',
        'max-tasks': '4',
        'scale-on': 'requests',
        'scale-target': '300'
      },
      { env: stack.env }
    )
    expectSucceeded(run)
    serviceArn = run.outputs['service-arn']!
    expect(serviceArn).toBe('arn:aws:ecs:us-east-1:123456789012:service/svc-cluster/svc-web')
    expect(run.outputs['deployment-arn']).toMatch(
      /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/svc-cluster\/svc-web\/.+$/
    )
    // The local front answers plain HTTP on a loopback address; the action takes the scheme as given.
    url = run.outputs['url']!
    expect(url).toMatch(/^http:\/\/127\.0\.2\.\d+:\d+$/)
    expect(await versionAt(url)).toBe('v1')
    expect(run.summary).toMatch(/^<h2>✅ Service \S+ (created|updated): 2 of 2 tasks running \(/)
    expect(run.summary).toContain(`<p><strong>URL:</strong> <a href="${url}">${url}</a></p>`)
    expect(run.summary).toContain('<tr><td>Tasks</td><td>2 running of 2 desired</td></tr>')
    expect(run.summary).toContain(
      '<tr><td>Scaling</td><td>2 to 4 tasks, scaling on requests at 300 requests per task per minute</td></tr>'
    )
    // 2 tasks × 0.0123425 (0.25 vCPU, 0.5 GB x86) + 4 public IPv4 addresses × 0.005 + the load balancer's 0.0225
    expect(run.outputs['hourly-cost']).toBe('0.067185')
    expect(run.summary).toContain(
      [
        '<h3>Cost</h3>',
        '<p>What keeps running:</p>',
        '<table>',
        '<tr><th>What</th><th>Per hour</th><th>Per month (730 h)</th></tr>',
        '<tr><td>2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86</td><td>$0.0247</td><td>$18.02</td></tr>',
        '<tr><td>4 public IPv4 addresses</td><td>$0.0200</td><td>$14.60</td></tr>',
        '<tr><td>1 Application Load Balancer (hourly base, without LCUs)</td><td>$0.0225</td><td>$16.43</td></tr>',
        '<tr><td><strong>Total</strong></td><td><strong>$0.0672</strong></td><td><strong>$49.05</strong></td></tr>',
        '</table>'
      ].join('\n')
    )

    const { service } = await ecs().send(new DescribeExpressGatewayServiceCommand({ serviceArn }))
    expect(service?.activeConfigurations?.[0]?.scalingTarget).toEqual({
      minTaskCount: 2,
      maxTaskCount: 4,
      autoScalingMetric: 'REQUEST_COUNT_PER_TARGET',
      autoScalingTargetValue: 300
    })
    expect(service?.activeConfigurations?.[0]?.healthCheckPath).toBe('/health')
  })

  test('updates to a new image while a client requests the URL throughout: no failed request', async () => {
    const seen: string[] = []
    const failures: string[] = []
    let done = false
    const client = (async () => {
      const deadline = Date.now() + 120_000
      while (!done && Date.now() < deadline) {
        try {
          seen.push(await versionAt(url))
        } catch (error) {
          failures.push(String(error))
        }
      }
    })()
    const run = await runAction(
      { ...SERVICE, image: v2, 'min-tasks': '2', 'max-tasks': '4' },
      { env: stack.env }
    ).finally(() => {
      done = true
    })
    await client
    expectSucceeded(run)
    expect(run.outputs['service-arn']).toBe(serviceArn)
    expect(run.outputs['url']).toBe(url)
    expect(failures).toEqual([])
    expect(seen.length).toBeGreaterThan(10)
    expect(seen[0]).toBe('v1')
    expect(seen.at(-1)).toBe('v2')
    expect(await versionAt(url)).toBe('v2')
  })

  test('a bad image rolls back: the step fails with the reason, and the old version still serves', async () => {
    const run = await runAction(
      { ...SERVICE, image: crashing, 'min-tasks': '2', 'max-tasks': '4' },
      { env: stack.env }
    )
    expect(run.exitCode).toBe(1)
    expect(run.outputs['service-arn']).toBe(serviceArn)
    expect(run.outputs['deployment-arn']).toBeDefined()
    const error = run.errors.join('\n')
    expect(error).toMatch(/Service deployment \S+ ended ROLLBACK_SUCCESSFUL: ECS deployment circuit breaker/)
    expect(error).toContain('ECS rolled back: the previous revision')
    expect(error).toContain('still serves.')
    expect(error).toContain('Stopped tasks:')
    expect(await versionAt(url)).toBe('v2')
    // What serves on still costs: the failure's summary and hourly-cost say how much, as a success's do.
    expect(Number(run.outputs['hourly-cost'])).toBeGreaterThan(0)
    expect(run.summary).toContain('<h3>Cost</h3>')
    expect(run.summary).toContain(`$${Number(run.outputs['hourly-cost']).toFixed(4)}`)
  })

  test('deletes the service, and deleting it again succeeds', async () => {
    const stop = await runAction(
      { mode: 'stop', cluster: SERVICE.cluster, service: SERVICE.service },
      { env: stack.env }
    )
    expectSucceeded(stop)
    expect(stop.outputs['service-arn']).toBe(serviceArn)
    expect(stop.summary).toContain('deleted: it is INACTIVE.')
    const { service } = await ecs().send(new DescribeExpressGatewayServiceCommand({ serviceArn }))
    expect(service?.status?.statusCode).toBe('INACTIVE')
    await expect(versionAt(url)).rejects.toThrow()

    const again = await runAction(
      { mode: 'stop', cluster: SERVICE.cluster, service: SERVICE.service },
      { env: stack.env }
    )
    expectSucceeded(again)
    expect(again.summary).toContain('was already deleted (or never existed): nothing to do.')
  })
})

test('a deploy and a stop by an identity holding exactly the generated policy', async () => {
  const inputs = { ...SERVICE, repository: 'svc-policy', service: 'svc-policy', image: v1 }
  const printed = await runAction({ ...inputs, mode: 'permissions' }, { env: stack.env })
  expectSucceeded(printed)
  const policy = JSON.parse(printed.outputs['policy']!) as { Statement: unknown[] }
  const key = 'AKIDSERVICEPOLICY'
  stack.aws.setPolicy(key, policy as never)
  const env = { ...stack.env, AWS_ACCESS_KEY_ID: key }
  try {
    const deployed = await runAction(inputs, { env })
    expectSucceeded(deployed)
    expect(await versionAt(deployed.outputs['url']!)).toBe('v1')
    const stopped = await runAction(
      { mode: 'stop', cluster: inputs.cluster, service: inputs.service },
      { env }
    )
    expectSucceeded(stopped)
  } finally {
    stack.aws.setPolicy(key, undefined)
  }
})

test("a ttl an earlier deploy set is removed by an identity holding exactly the policy of the inputs without ttl (issue 18's missing rows)", async () => {
  const inputs = { ...SERVICE, repository: 'svc-ttl-off', service: 'svc-ttl-off', image: v1 }
  const withTtl = await runAction({ ...inputs, ttl: '1h' }, { env: stack.env })
  expectSucceeded(withTtl)
  const printed = await runAction({ ...inputs, mode: 'permissions' }, { env: stack.env })
  expectSucceeded(printed)
  const key = 'AKIDSERVICETTLOFF'
  stack.aws.setPolicy(key, JSON.parse(printed.outputs['policy']!) as never)
  try {
    stack.aws.clearCalls()
    const without = await runAction(inputs, { env: { ...stack.env, AWS_ACCESS_KEY_ID: key } })
    expectSucceeded(without)
    expect(without.stdout).toContain('No ttl: the service no longer expires at')
    const calls = stack.aws.calls()
    expect(
      calls.filter((call) => call.error !== undefined && /Denied|Unauthorized/.test(call.error))
    ).toEqual([])
    expect(calls.map((call) => call.operation)).toEqual(
      expect.arrayContaining(['DeleteSchedule', 'UntagResource'])
    )
  } finally {
    stack.aws.setPolicy(key, undefined)
  }
  expectSucceeded(
    await runAction({ mode: 'stop', cluster: inputs.cluster, service: inputs.service }, { env: stack.env })
  )
})
