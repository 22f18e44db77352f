// Service previews and a service's ttl, from the bundled action against the local AWS's Express Mode and
// EventBridge Scheduler and the GitHub stand-in: a pull request opened, pushed to and closed (one service
// SERVICE-pr-N updated in place, one comment, the ttl's schedule made, moved, then deleted with the service);
// a ttl of seconds after which the scheduler deletes the service by itself, as the ttl role; and a preview
// deployed and closed by an identity holding exactly the policy mode permissions prints.
import { DescribeExpressGatewayServiceCommand, ECSClient } from '@aws-sdk/client-ecs'
import { GetScheduleCommand, SchedulerClient, type GetScheduleCommandOutput } from '@aws-sdk/client-scheduler'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction, type ActionRun } from './harness.js'
import { setUpAsAdmin } from './setup-as-admin.js'
import { startGitHubStandIn, type GitHubStandIn } from './github-stand-in.js'
import { pullRequestEnv as pullRequestEventEnv, type PullRequestOf } from './pull-request-events.js'
import { REGION, WEB_IMAGE, startStack, type Stack } from './stack.js'

const CLUSTER = 'preview-svc-cluster'
const SHA_A = 'aaaaaaa333333333333333333333333333333333'
const SHA_B = 'bbbbbbb444444444444444444444444444444444'

let stack: Stack
let github: GitHubStandIn
let ecs: ECSClient
let scheduler: SchedulerClient
const eventDir = mkdtempSync(join(tmpdir(), 'efd-service-preview-events-'))

beforeAll(async () => {
  ;[stack, github] = await Promise.all([startStack(), startGitHubStandIn()])
  const config = {
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
  }
  ecs = new ECSClient(config)
  scheduler = new SchedulerClient(config)
})
afterAll(async () => {
  rmSync(eventDir, { recursive: true, force: true })
  await Promise.all([stack?.aws.stop(), github?.stop()])
})

const pullRequestEnv = (
  action: string,
  pr: PullRequestOf,
  base: Record<string, string> = stack.env
): Record<string, string> =>
  pullRequestEventEnv({ eventDir, apiUrl: github.apiUrl, runId: '4646' }, action, pr, base)

const servicePreview = (extra: Record<string, string> = {}) => ({
  repository: 'preview-svc',
  image: WEB_IMAGE,
  cluster: CLUSTER,
  service: 'preview-svc',
  port: '5000',
  'health-path': '/health',
  preview: 'true',
  ttl: '1h',
  ...extra
})

function expectSucceeded(run: ActionRun): void {
  expect(run.errors).toEqual([])
  expect(run.exitCode).toBe(0)
}

async function statusOf(serviceArn: string): Promise<string | undefined> {
  const { service } = await ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn }))
  return service?.status?.statusCode
}

/** The service's status once it is what is waited for (polled, no fixed sleep), or as last seen after withinMs. */
async function waitForServiceStatus(serviceArn: string, status: string, withinMs: number): Promise<string> {
  const until = Date.now() + withinMs
  for (;;) {
    const now = (await statusOf(serviceArn)) ?? 'gone'
    if (now === status || Date.now() > until) return now
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The schedule, or undefined when EventBridge Scheduler has none of that name. */
async function scheduleNamed(name: string): Promise<GetScheduleCommandOutput | undefined> {
  try {
    return await scheduler.send(new GetScheduleCommand({ Name: name }))
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined
    throw error
  }
}

/** The schedule named in the step's log ("EventBridge Scheduler schedule NAME made: …"). */
const scheduleIn = (run: ActionRun): string =>
  /EventBridge Scheduler schedule (\S+) (?:made|moved)/.exec(run.stdout)![1]!

describe('one pull request of a service: opened, synchronize, closed', () => {
  const pr = 21
  let serviceArn: string
  let schedule: string
  let firstSchedule: GetScheduleCommandOutput
  let commentId: number

  test('opened: service preview-svc-pr-21 created with its ttl schedule; one comment; environment pr-21', async () => {
    github.clear()
    const run = await runAction(servicePreview(), {
      env: pullRequestEnv('opened', { number: pr, sha: SHA_A })
    })
    expectSucceeded(run)
    serviceArn = run.outputs['service-arn']!
    expect(serviceArn).toBe(`arn:aws:ecs:${REGION}:123456789012:service/${CLUSTER}/preview-svc-pr-21`)
    const health = await fetch(`${run.outputs['url']!}/health`)
    expect(health.status).toBe(200)

    schedule = scheduleIn(run)
    firstSchedule = (await scheduleNamed(schedule))!
    expect(firstSchedule).toMatchObject({
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:scheduler:::aws-sdk:ecs:deleteExpressGatewayService',
        RoleArn: 'arn:aws:iam::123456789012:role/ecsFargateDeployTtlRole',
        Input: JSON.stringify({ ServiceArn: serviceArn })
      }
    })
    const { service } = await ecs.send(
      new DescribeExpressGatewayServiceCommand({ serviceArn, include: ['TAGS'] })
    )
    const expiresAt = service!.tags!.find((tag) => tag.key === 'ecs-fargate-deploy:expires-at')!.value!
    expect(firstSchedule.ScheduleExpression).toBe(`at(${expiresAt.replace(/Z$/, '')})`)
    // One hour from the deploy, give or take the deploy's own length.
    expect(Math.abs(Date.parse(expiresAt) - Date.now() - 3600_000)).toBeLessThan(60_000)

    const comments = github.comments(pr)
    expect(comments).toHaveLength(1)
    commentId = comments[0]!.id
    const body = comments[0]!.body
    expect(body.split('\n').slice(0, 2)).toEqual([
      '<!-- ecs-fargate-deploy preview preview-svc-pr-21 -->',
      '### Preview `preview-svc-pr-21` is running'
    ])
    expect(body).toContain(`| URL | ${run.outputs['url']} |`)
    expect(body).toContain(
      `aws ecs delete-express-gateway-service --region ${REGION} --service-arn ${serviceArn}`
    )
    expect(body).toMatch(
      /\| Stops \| deleted from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(ttl 1h, by the EventBridge Scheduler schedule `efd-ttl-preview-svc-pr-21-[0-9a-f]{8}`; each push moves it\), or when the pull request closes \|/
    )
    const created = github
      .requests()
      .find((request) => request.method === 'POST' && request.path === '/repos/octo/app/deployments')
    expect(created?.body).toMatchObject({ ref: SHA_A, environment: 'pr-21', transient_environment: true })
    expect(run.summary).toContain(`by the EventBridge Scheduler schedule <code>${schedule}</code>`)
    expect(run.summary).toContain(
      'Preview of pull request #21 in environment <code>pr-21</code>; its comment created.'
    )
  })

  test('synchronize: the same service updated, the schedule moved, the comment updated in place', async () => {
    const run = await runAction(servicePreview(), {
      env: pullRequestEnv('synchronize', { number: pr, sha: SHA_B })
    })
    expectSucceeded(run)
    expect(run.outputs['service-arn']).toBe(serviceArn)
    expect(run.stdout).toContain(`Updated service ${serviceArn}`)
    expect(scheduleIn(run)).toBe(schedule)
    const moved = (await scheduleNamed(schedule))!
    expect(moved.LastModificationDate!.getTime()).toBeGreaterThan(
      firstSchedule.LastModificationDate!.getTime()
    )
    const comments = github.comments(pr)
    expect(comments.map((comment) => comment.id)).toEqual([commentId])
    expect(comments[0]!.body).toContain(`| Commit | \`${SHA_B}\` |`)
  })

  test('closed: the service deleted with its schedule, the deployments inactive, the comment says so', async () => {
    github.clear()
    const run = await runAction(servicePreview(), {
      env: pullRequestEnv('closed', { number: pr, sha: SHA_B })
    })
    expectSucceeded(run)
    expect(run.stdout).not.toContain('Pushed')
    expect(await statusOf(serviceArn)).toBe('INACTIVE')
    expect(await scheduleNamed(schedule)).toBeUndefined()
    expect(run.summary).toContain("Its ttl's schedule deleted too.")
    const inactive = github
      .requests()
      .filter((request) => request.method === 'POST' && request.body?.['state'] === 'inactive')
    expect(inactive.map((request) => request.body?.['description'])).toEqual([
      'Pull request #21 closed: preview deleted',
      'Pull request #21 closed: preview deleted'
    ])
    const comments = github.comments(pr)
    expect(comments.map((comment) => comment.id)).toEqual([commentId])
    expect(comments[0]!.body).toContain(
      'The pull request is closed: service `preview-svc-pr-21` deleted, the deployments of `pr-21` marked inactive.'
    )
  })
})

test('a ttl of 3 s: EventBridge Scheduler deletes the service by itself, as the ttl role; closing later is a no-op', async () => {
  const pr = 22
  const run = await runAction(servicePreview({ ttl: '3s' }), {
    env: pullRequestEnv('opened', { number: pr, sha: SHA_A })
  })
  expectSucceeded(run)
  const serviceArn = run.outputs['service-arn']!
  const schedule = scheduleIn(run)
  expect(await waitForServiceStatus(serviceArn, 'INACTIVE', 60_000)).toBe('INACTIVE')

  const invocations = stack.aws.schedulerInvocations().filter((call) => call.scheduleName === schedule)
  expect(invocations.map((call) => [call.operation, call.role, call.error, call.final])).toEqual([
    ['DeleteExpressGatewayService', 'arn:aws:iam::123456789012:role/ecsFargateDeployTtlRole', undefined, true]
  ])
  expect(await scheduleNamed(schedule)).toBeUndefined()

  const closed = await runAction(servicePreview({ ttl: '3s' }), {
    env: pullRequestEnv('closed', { number: pr, sha: SHA_A })
  })
  expectSucceeded(closed)
  expect(github.comments(pr)[0]!.body).toContain(
    'The pull request is closed: service `preview-svc-pr-22` was deleted already (its ttl, or by hand)'
  )
})

test('a service preview with a ttl, opened and closed by an identity holding exactly the printed policy', async () => {
  const inputs = servicePreview({
    repository: 'preview-policy',
    service: 'preview-policy',
    'ttl-role': 'efdPolicyTtlRole'
  })
  const printed = await runAction({ ...inputs, mode: 'permissions' }, { env: stack.env })
  expectSucceeded(printed)
  const policy = JSON.parse(printed.outputs['policy']!) as { Statement: Array<{ Resource: string[] }> }
  // Outside a pull request the policy covers every preview of the service.
  expect(policy.Statement.flatMap((statement) => statement.Resource)).toContain(
    `arn:aws:ecs:${REGION}:123456789012:service/${CLUSTER}/preview-policy-pr-*`
  )
  // The roles are the administrator's one-time setup (the template the same run printed); the deploy policy creates none.
  expect(printed.setupTemplate).toBeDefined()
  await setUpAsAdmin(stack, printed.setupTemplate!)
  const key = 'AKIDSERVICEPREVIEWPOLICY'
  stack.aws.setPolicy(key, policy as never)
  const env = (action: string) =>
    pullRequestEnv(action, { number: 23, sha: SHA_A }, { ...stack.env, AWS_ACCESS_KEY_ID: key })
  try {
    const opened = await runAction(inputs, { env: env('opened') })
    expectSucceeded(opened)
    expect(opened.stdout).not.toContain('Created IAM role')
    const closed = await runAction(inputs, { env: env('closed') })
    expectSucceeded(closed)
    expect(await statusOf(opened.outputs['service-arn']!)).toBe('INACTIVE')
    expect(await scheduleNamed(scheduleIn(opened))).toBeUndefined()
  } finally {
    stack.aws.setPolicy(key, undefined)
  }
})
