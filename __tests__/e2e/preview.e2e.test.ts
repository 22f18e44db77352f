// Pull request previews and the ttl, from the bundled action against the local AWS and the GitHub stand-in:
// one pull request opened, pushed to and closed (one comment updated in place, the earlier task replaced,
// everything stopped on closed), a ttl of seconds that stops a task by itself, a token without pull-requests
// write, and a fork's run without AWS credentials. Container ports 5400–5449.
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2'
import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  type Task
} from '@aws-sdk/client-ecs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction } from './harness.js'
import { startGitHubStandIn, type GitHubStandIn } from './github-stand-in.js'
import { pullRequestEnv as pullRequestEventEnv, type PullRequestOf } from './pull-request-events.js'
import { JOB_IMAGE, REGION, WEB_IMAGE, startStack, waitForTaskStatus, type Stack } from './stack.js'

const CLUSTER = 'preview-cluster'
const SHA_A = 'aaaaaaa111111111111111111111111111111111'
const SHA_B = 'bbbbbbb222222222222222222222222222222222'
/** busybox:stable is in the engine (built FROM scratch): the local AWS runs non-ECR images from there. */
const TIMER_IMAGE = 'busybox:stable'

let stack: Stack
let github: GitHubStandIn
let ecs: ECSClient
let ec2: EC2Client
const eventDir = mkdtempSync(join(tmpdir(), 'efd-preview-events-'))

beforeAll(async () => {
  ;[stack, github] = await Promise.all([startStack(), startGitHubStandIn()])
  const config = {
    region: REGION,
    endpoint: stack.aws.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
  }
  ecs = new ECSClient(config)
  ec2 = new EC2Client(config)
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
  pullRequestEventEnv({ eventDir, apiUrl: github.apiUrl, runId: '4545' }, action, pr, base)

/** The task once STOPPED, the condition the test waits for (no fixed sleep), or as last seen after withinMs. */
const stoppedTask = (taskArn: string, withinMs = 60_000): Promise<Task> =>
  waitForTaskStatus(ecs, CLUSTER, taskArn, 'STOPPED', withinMs)

const warnings = (stdout: string): string[] =>
  [...stdout.matchAll(/^::warning(?: [^:]*)?::(.*)$/gm)].map((match) => match[1]!.replace(/%0A/g, '\n'))

const webPreview = (port: number) => ({
  repository: 'preview-web',
  image: WEB_IMAGE,
  cluster: CLUSTER,
  port: String(port),
  environment: `PORT=${port}`,
  preview: 'true',
  ttl: '1h',
  'timer-image': TIMER_IMAGE
})

describe('one pull request: opened, synchronize, closed', () => {
  const pr = 12
  let firstTask: string
  let secondTask: string
  let commentId: number

  test('opened: deployed as preview-web-pr-12 with a timer, one comment, a transient environment pr-12', async () => {
    github.clear()
    const run = await runAction(webPreview(5401), {
      env: pullRequestEnv('opened', { number: pr, sha: SHA_A })
    })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    firstTask = run.outputs['task-arn']!
    expect(run.outputs['task-definition-arn']).toMatch(/:task-definition\/preview-web-pr-12:1$/)

    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: run.outputs['task-definition-arn'] })
    )
    expect(taskDefinition!.containerDefinitions!.map((c) => [c.name, c.image, c.essential])).toEqual([
      ['preview-web-pr-12', run.outputs['image'], true],
      ['ecs-fargate-deploy-ttl', TIMER_IMAGE, true]
    ])

    const comments = github.comments(pr)
    expect(comments).toHaveLength(1)
    commentId = comments[0]!.id
    const body = comments[0]!.body
    expect(body.split('\n').slice(0, 2)).toEqual([
      '<!-- ecs-fargate-deploy preview preview-web-pr-12 -->',
      '### Preview `preview-web-pr-12` is running'
    ])
    expect(body).toContain(`| URL | ${run.outputs['url']} |`)
    expect(body).toContain(`| Commit | \`${SHA_A}\` |`)
    expect(body).toContain(`| Image | \`${run.outputs['image']}\` |`)
    expect(body).toMatch(
      /\| Stops \| by \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC at the latest \(ttl 1h\), or when the pull request closes \|/
    )
    expect(body).toContain(`aws ecs stop-task --region ${REGION} --cluster ${CLUSTER} --task ${firstTask}`)

    const created = github
      .requests()
      .find((request) => request.method === 'POST' && request.path === '/repos/octo/app/deployments')
    expect(created?.body).toMatchObject({
      ref: SHA_A,
      environment: 'pr-12',
      transient_environment: true,
      production_environment: false
    })
    expect(run.summary).toContain('<h3>Lifetime</h3>')
    expect(run.summary).toContain(
      'Preview of pull request #12 in environment <code>pr-12</code>; its comment created.'
    )
  })

  test('synchronize: the same comment updated in place, the earlier task replaced', async () => {
    // Another port: the local AWS runs tasks on the host network, where two tasks cannot share one.
    const run = await runAction(webPreview(5402), {
      env: pullRequestEnv('synchronize', { number: pr, sha: SHA_B })
    })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    secondTask = run.outputs['task-arn']!
    expect(secondTask).not.toBe(firstTask)

    const comments = github.comments(pr)
    expect(comments.map((comment) => comment.id)).toEqual([commentId])
    expect(comments[0]!.body).toContain(`| Commit | \`${SHA_B}\` |`)
    expect(comments[0]!.body).toContain(`| URL | ${run.outputs['url']} |`)
    expect(comments[0]!.body).not.toContain(SHA_A)

    const replaced = await stoppedTask(firstTask)
    expect(replaced.lastStatus).toBe('STOPPED')
    expect(replaced.stoppedReason).toBe(
      'Replaced by the preview of bbbbbbb (pull request #12), ecs-fargate-deploy'
    )
    expect(run.summary).toContain('its comment updated.')
  })

  const GROUP = 'ecs-fargate-deploy-preview-web-pr-12'
  const groupsNamed = async (name: string) =>
    (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] })))
      .SecurityGroups ?? []
  const revisions = async (family: string, status: 'ACTIVE' | 'INACTIVE') =>
    (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status }))).taskDefinitionArns ??
    []

  test('closed: the preview stopped, its group deleted, its family deregistered, its deployment inactive, the comment says so; nothing pushed', async () => {
    github.clear()
    const [group] = await groupsNamed(GROUP)
    expect(group?.GroupId).toMatch(/^sg-/)
    expect(await revisions('preview-web-pr-12', 'ACTIVE')).not.toEqual([])
    // As in AWS, the stopped task's interface holds the group a little longer: the close retries until it lets go.
    stack.aws.setBehaviour({ eniHoldsGroupDeletes: 2 })
    const run = await runAction(webPreview(5402), {
      env: pullRequestEnv('closed', { number: pr, sha: SHA_B })
    }).finally(() => stack.aws.setBehaviour({ eniHoldsGroupDeletes: 0 }))
    expect(run.stdout).toContain(
      `Security group ${group!.GroupId!} is still in use; deleting it again in 2 s`
    )
    expect(run.stdout).toContain(
      `Security group ${group!.GroupId!} is still in use; deleting it again in 4 s`
    )
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).not.toContain('Pushed')
    expect(JSON.parse(run.outputs['stopped-task-arns']!)).toEqual([secondTask])

    const stopped = await stoppedTask(secondTask)
    expect(stopped.lastStatus).toBe('STOPPED')
    expect(stopped.stoppedReason).toBe('Pull request #12 closed: preview stopped by ecs-fargate-deploy')

    const inactive = github
      .requests()
      .filter((request) => request.method === 'POST' && request.body?.['state'] === 'inactive')
    // Both pushes' deployments: GitHub's auto_inactive leaves a transient environment's deployments alone.
    expect(inactive.map((request) => request.body?.['description'])).toEqual([
      'Pull request #12 closed: preview stopped',
      'Pull request #12 closed: preview stopped'
    ])

    const comments = github.comments(pr)
    expect(comments.map((comment) => comment.id)).toEqual([commentId])
    expect(comments[0]!.body).toContain('### Preview `preview-web-pr-12` is stopped')
    const removed = `security group ${group!.GroupId!} and task definition family preview-web-pr-12 removed`
    expect(comments[0]!.body).toContain(
      `The pull request is closed: 1 task(s) stopped, ${removed}, the deployments of \`pr-12\` marked inactive.`
    )
    expect(run.summary).toContain(`<p>Also ${removed}.</p>`)
    expect(warnings(run.stdout)).toEqual([])

    // Nothing of the preview is left to pile up: no group of its name, no ACTIVE revision of its family.
    expect(await groupsNamed(GROUP)).toEqual([])
    expect(await revisions('preview-web-pr-12', 'ACTIVE')).toEqual([])
    expect(await revisions('preview-web-pr-12', 'INACTIVE')).toEqual([
      expect.stringMatching(/:task-definition\/preview-web-pr-12:1$/),
      expect.stringMatching(/:task-definition\/preview-web-pr-12:2$/)
    ])
  })
})

test('a ttl of 3 s: the task stops by itself when its timer container exits', async () => {
  const run = await runAction(
    {
      repository: 'preview-ttl-job',
      image: JOB_IMAGE,
      cluster: CLUSTER,
      environment: 'LINES=1\nSLEEP=forever',
      ttl: '3s',
      'timer-image': TIMER_IMAGE
    },
    { env: stack.env }
  )
  expect(run.errors).toEqual([])
  expect(run.exitCode).toBe(0)
  expect(run.summary).toMatch(
    /Stops by itself by <strong>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/strong> at the latest \(ttl 3s: its timer container exits\)/
  )

  const task = await stoppedTask(run.outputs['task-arn']!)
  expect(task.lastStatus).toBe('STOPPED')
  expect(task.stopCode).toBe('EssentialContainerExited')
  const timer = task.containers!.find((container) => container.name === 'ecs-fargate-deploy-ttl')
  expect(timer?.exitCode).toBe(0)
  expect(task.stoppedAt!.getTime() - task.startedAt!.getTime()).toBeGreaterThanOrEqual(3000)
})

test('a token without pull-requests write: a warning names the permission, the deploy goes on', async () => {
  github.refuseCommentWrites(true)
  try {
    const inputs = {
      repository: 'preview-job',
      image: JOB_IMAGE,
      cluster: CLUSTER,
      environment: 'LINES=1\nSLEEP=forever',
      preview: 'true'
    }
    const run = await runAction(inputs, { env: pullRequestEnv('opened', { number: 13, sha: SHA_A }) })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs['task-arn']).toMatch(/^arn:aws:ecs:/)
    expect(warnings(run.stdout)).toContain(
      'Could not write the preview comment on pull request #13 (HTTP 403: Resource not accessible by integration - https://docs.github.com/rest/issues/comments#create-an-issue-comment): the token needs the pull-requests write permission; add `permissions: pull-requests: write` to the job, or pass a github-token that has it. The deploy goes on without the comment.'
    )
    expect(github.comments(13)).toEqual([])
    expect(run.summary).toContain('no comment written (see the warning)')

    const closed = await runAction(inputs, { env: pullRequestEnv('closed', { number: 13, sha: SHA_A }) })
    expect(closed.exitCode).toBe(0)
    expect((await stoppedTask(run.outputs['task-arn']!)).lastStatus).toBe('STOPPED')
  } finally {
    github.refuseCommentWrites(false)
  }
})

test('closed with 120 earlier deployments in the environment: every active one marked inactive, past the first page', async () => {
  // Seeded as earlier runs would have left them (not by 120 deploys): GitHub lists at most 100 a page.
  const active = Array.from({ length: 120 }, () => github.addDeployment('pr-15', ['in_progress', 'success']))
  const inactive = github.addDeployment('pr-15', ['success', 'inactive'])
  github.clear()
  const run = await runAction(webPreview(5403), { env: pullRequestEnv('closed', { number: 15, sha: SHA_A }) })
  expect(run.errors).toEqual([])
  expect(run.exitCode).toBe(0)
  expect(run.stdout).toContain('GitHub environment pr-15: 120 deployment(s) marked inactive')
  for (const id of active) expect(github.deployment(id)!.statuses.at(-1)).toMatchObject({ state: 'inactive' })
  expect(github.deployment(inactive)!.statuses).toHaveLength(2)
  const pages = github
    .requests()
    .filter((request) => request.method === 'GET' && request.path === '/repos/octo/app/deployments')
  // The first page as asked, then the Link header's rel="next" (Octokit's paginate follows it).
  expect(pages.map((request) => request.query['page'])).toEqual([undefined, '2'])
})

test('a task preview opened and closed by an identity holding exactly the printed policy: the close removes its group and family, warning of nothing', async () => {
  const inputs = { ...webPreview(5404), repository: 'preview-policy-web' }
  const printed = await runAction({ ...inputs, mode: 'permissions' }, { env: stack.env })
  expect(printed.exitCode).toBe(0)
  const policy = JSON.parse(printed.outputs['policy']!) as { Statement: Array<{ Action: string[] }> }
  expect(policy.Statement.flatMap((statement) => statement.Action)).toEqual(
    expect.arrayContaining([
      'ec2:DeleteSecurityGroup',
      'ecs:ListTaskDefinitions',
      'ecs:DeregisterTaskDefinition'
    ])
  )
  const key = 'AKIDTASKPREVIEWPOLICY'
  stack.aws.setPolicy(key, policy as never)
  const env = (action: string) =>
    pullRequestEnv(action, { number: 16, sha: SHA_A }, { ...stack.env, AWS_ACCESS_KEY_ID: key })
  try {
    const opened = await runAction(inputs, { env: env('opened') })
    expect(opened.errors).toEqual([])
    expect(opened.exitCode).toBe(0)
    const closed = await runAction(inputs, { env: env('closed') })
    expect(closed.errors).toEqual([])
    expect(closed.exitCode).toBe(0)
    expect(warnings(closed.stdout)).toEqual([])
    const groups = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [{ Name: 'group-name', Values: ['ecs-fargate-deploy-preview-policy-web-pr-16'] }]
      })
    )
    expect(groups.SecurityGroups).toEqual([])
    const active = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'preview-policy-web-pr-16', status: 'ACTIVE' })
    )
    expect(active.taskDefinitionArns).toEqual([])
  } finally {
    stack.aws.setPolicy(key, undefined)
  }
})

test("a fork's pull_request run has no AWS credentials: it fails saying so, not with a credential error", async () => {
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutCredentials } = stack.env
  const run = await runAction(
    { repository: 'preview-web', image: WEB_IMAGE, cluster: CLUSTER, preview: 'true' },
    { env: pullRequestEnv('opened', { number: 14, sha: SHA_A, head: 'mallory/app' }, withoutCredentials) }
  )
  expect(run.exitCode).toBe(1)
  expect(run.errors).toHaveLength(1)
  expect(run.errors[0]).toContain(
    'Pull request #14 comes from the fork mallory/app: GitHub gives pull_request workflows of forks no secrets and no OIDC token, so this run has no AWS credentials'
  )
  expect(run.errors[0]).not.toMatch(/Could not load credentials/i)
  expect(github.comments(14)).toEqual([])
})
