// What the run page shows, from the bundled action against the local AWS and a local GitHub stand-in: the job
// summary (tables, links, phase times), log groups and annotations, and the GitHub deployment requests for a
// deploy, a failing deploy, stop mode and a token without deployments write. Container ports 5300–5349.
import { runAction, type ActionRun } from './harness.js'
import { startGitHubStandIn, type GitHubStandIn } from './github-stand-in.js'
import { JOB_IMAGE, REGION, WEB_IMAGE, startStack, type Stack } from './stack.js'

let stack: Stack
let github: GitHubStandIn

beforeAll(async () => {
  ;[stack, github] = await Promise.all([startStack(), startGitHubStandIn()])
})
afterAll(async () => {
  await Promise.all([stack?.aws.stop(), github?.stop()])
})

const SHA = '0123456789abcdef0123456789abcdef01234567'
const RUN_URL = 'https://github.example/octo/app/actions/runs/4242'
const TOKEN_HEADER = 'token ghs_localtesttoken'

/** The environment of a step on a runner whose GitHub API is the stand-in. */
function env(): Record<string, string> {
  return {
    ...stack.env,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242'
  }
}

const webInputs = {
  repository: 'report-web',
  image: WEB_IMAGE,
  cluster: 'report-cluster',
  port: '5301',
  environment: 'PORT=5301',
  'environment-name': 'preview'
}

const html = (text: string): string => text.replace(/&/g, '&amp;')
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const taskIdOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1)
const consoleTaskUrl = (cluster: string, arn: string): string =>
  `https://${REGION}.console.aws.amazon.com/ecs/v2/clusters/${cluster}/tasks/${taskIdOf(arn)}/configuration?region=${REGION}`

/** The requests GitHub saw, as "METHOD path" with the fields that matter. */
function requestLines(): string[] {
  return github.requests().map((request) => {
    const state = request.body?.['state']
    const query = new URLSearchParams(request.query).toString()
    return `${request.method} ${request.path}${query ? `?${query}` : ''}${state ? ` ${String(state)}` : ''}`
  })
}

describe('deploy, then stop, with environment-name', () => {
  let deploy: ActionRun
  let earlierFailedDeployment: number

  test('the summary has the image, revision, tasks with links, phase times; GitHub gets the deployment', async () => {
    earlierFailedDeployment = github.addDeployment('preview', ['in_progress', 'failure'])
    github.clear()
    deploy = await runAction(webInputs, { env: env() })
    expect(deploy.errors).toEqual([])
    expect(deploy.exitCode).toBe(0)
    const { outputs, summary } = deploy
    const taskArn = outputs['task-arn']!
    const url = outputs['url']!
    const digest = outputs['image']!.split('@')[1]!
    expect(url).toBe(`http://${outputs['public-ip']}:5301`)

    // Overview: image tag and digest, revision and whether reused, cluster with its console link.
    // The headline first, the URL second.
    expect(summary).toMatch(
      /^<h2>✅ Deployed: 1 task of report-web:1 running in cluster report-cluster \([^)]+\)<\/h2>\n<p><strong>URL:<\/strong> /
    )
    expect(summary).toContain(
      `<code>${stack.aws.registryHost}/report-web:${SHA}</code><br><code>${digest}</code>`
    )
    expect(summary).toContain('<td>Task definition</td><td>report-web:1 (new revision)</td>')
    expect(summary).toContain(
      `<a href="https://${REGION}.console.aws.amazon.com/ecs/v2/clusters/report-cluster/tasks?region=${REGION}">report-cluster</a>`
    )
    // One task row: its ID, state, IP, the URL as a link, console links for the task and its log stream.
    const logUrl = (JSON.parse(outputs['logs']!) as string[])[0]!
    expect(summary).toContain(
      `<tr><td><code>${taskArn.split('/').pop()}</code></td><td>RUNNING</td><td><code>${outputs['public-ip']}</code></td>` +
        `<td><a href="${url}">${url}</a></td>` +
        `<td><a href="${html(consoleTaskUrl('report-cluster', taskArn))}">task</a> · <a href="${html(logUrl)}">logs</a></td></tr>`
    )
    expect(logUrl).toContain('report-web')
    // Every phase with its time, and the total.
    for (const phase of [
      'Look up and create AWS resources',
      'Push the image',
      'Register the task definition',
      'Run the task',
      'Wait for running',
      '<strong>Total</strong>'
    ]) {
      expect(summary).toMatch(new RegExp(`<tr><td>${escapeRegExp(phase)}</td><td>(<strong>)?\\d+\\.\\d s`))
    }
    expect(summary).toMatch(/Created: ECR repository report-web, ECS cluster report-cluster, /)

    // Log groups per phase, the URL as a notice, the open ingress as a warning.
    expect(deploy.stdout).toContain('::group::Push the image')
    expect(deploy.stdout).toContain('::endgroup::')
    expect(deploy.stdout).toContain(`::notice title=ecs-fargate-deploy::Serving at ${url}`)
    expect(deploy.stdout).toMatch(/^::warning::Port 5301 is open to the whole internet/m)

    // The deployment of this commit, in_progress, then success with the URL; each request authorized.
    expect(requestLines()).toEqual([
      'POST /repos/octo/app/deployments',
      `POST /repos/octo/app/deployments/${earlierFailedDeployment + 1}/statuses in_progress`,
      `POST /repos/octo/app/deployments/${earlierFailedDeployment + 1}/statuses success`
    ])
    const [created, inProgress, success] = github.requests()
    expect(created!.body).toEqual({
      ref: SHA,
      environment: 'preview',
      description: `report-web:${SHA} on ECS Fargate (cluster report-cluster)`,
      auto_merge: false,
      required_contexts: [],
      transient_environment: false
    })
    expect(inProgress!.body).toEqual({
      state: 'in_progress',
      log_url: RUN_URL,
      description: 'Deploying to ECS Fargate'
    })
    expect(success!.body).toEqual({
      state: 'success',
      log_url: RUN_URL,
      environment_url: url,
      description: `Serving at ${url}`,
      auto_inactive: true
    })
    for (const request of github.requests()) expect(request.authorization).toBe(TOKEN_HEADER)
  })

  test('stop: the summary lists the task stopped; the active deployment is marked inactive', async () => {
    const taskArn = deploy.outputs['task-arn']!
    github.clear()
    const stop = await runAction(
      { mode: 'stop', cluster: 'report-cluster', 'task-arn': taskArn, 'environment-name': 'preview' },
      { env: env() }
    )
    expect(stop.errors).toEqual([])
    expect(stop.exitCode).toBe(0)
    expect(stop.summary).toContain(
      '<h2>✅ Stopped: 1 task stopped by this run in cluster report-cluster</h2>'
    )
    expect(stop.summary).toContain('report-cluster</a>: 1 stopped, 0 already stopped, 0 gone</p>')
    expect(stop.summary).toContain(
      `<tr><td><code>${taskArn}</code></td><td>stopped</td><td><a href="${html(consoleTaskUrl('report-cluster', taskArn))}">task</a></td></tr>`
    )

    const deployed = earlierFailedDeployment + 1
    // Both deployments of the environment are looked at; only the one whose latest status is success changes.
    expect(requestLines()).toEqual([
      'GET /repos/octo/app/deployments?environment=preview&per_page=100',
      `GET /repos/octo/app/deployments/${deployed}/statuses?per_page=1`,
      `POST /repos/octo/app/deployments/${deployed}/statuses inactive`,
      `GET /repos/octo/app/deployments/${earlierFailedDeployment}/statuses?per_page=1`
    ])
    expect(github.deployment(deployed)!.statuses.map((status) => status.state)).toEqual([
      'in_progress',
      'success',
      'inactive'
    ])
    expect(github.deployment(earlierFailedDeployment)!.statuses.map((status) => status.state)).toEqual([
      'in_progress',
      'failure'
    ])
    expect(stop.stdout).toContain('GitHub environment preview: 1 deployment(s) marked inactive')
  })
})

test('a job that fails after its task started: the summary has the error and the task; the deployment fails', async () => {
  github.clear()
  const run = await runAction(
    {
      repository: 'report-job',
      image: JOB_IMAGE,
      cluster: 'report-cluster',
      environment: 'EXIT_CODE=3\nLINES=2',
      'wait-for': 'stopped',
      timeout: '120',
      'environment-name': 'jobs'
    },
    { env: env() }
  )
  expect(run.exitCode).toBe(1)
  expect(run.errors[0]).toMatch(/^The job failed with exit code 3/)
  const taskArn = run.outputs['task-arn']!
  expect(taskArn).toMatch(/:task\/report-cluster\/[a-f0-9]{32}$/)

  expect(run.summary).toContain('<h2>❌ Deploy failed: The job failed with exit code 3</h2>')
  expect(run.summary).toMatch(/<h3>Details<\/h3>\n<pre>\S+ exited with code 3/)
  expect(run.summary).toContain('<h3>Tasks started</h3>')
  expect(run.summary).toContain(
    `<tr><td><code>${taskArn}</code></td><td><a href="${html(consoleTaskUrl('report-cluster', taskArn))}">task</a> · <a href="`
  )
  // The job's task has stopped: nothing to stop, and its cost is in the summary.
  expect(run.summary).toContain('<p>They have stopped: nothing is left running.</p>')
  expect(run.summary).not.toContain('<code>mode: stop</code>')
  expect(run.summary).toContain('<p>Left running: nothing ($0 per hour).</p>')

  expect(requestLines()).toEqual([
    'POST /repos/octo/app/deployments',
    expect.stringMatching(/^POST \/repos\/octo\/app\/deployments\/\d+\/statuses in_progress$/),
    expect.stringMatching(/^POST \/repos\/octo\/app\/deployments\/\d+\/statuses failure$/)
  ])
  expect(github.requests()[2]!.body).toEqual({
    state: 'failure',
    log_url: RUN_URL,
    description: 'The job failed with exit code 3'
  })
})

test('a token without deployments write fails before any AWS call, naming the permission', async () => {
  github.clear()
  stack.aws.clearCalls()
  github.refuseWith(403)
  try {
    const run = await runAction({ ...webInputs, port: '5302', environment: 'PORT=5302' }, { env: env() })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain(
      "GitHub refused to create a deployment for environment 'preview' (HTTP 403: Resource not accessible by integration"
    )
    expect(run.errors[0]).toContain('permissions: deployments: write')
    expect(run.summary).toContain('<h2>❌ Deploy failed: GitHub refused to create a deployment')
    expect(run.summary).toContain(
      '<strong>What to do:</strong> The token needs the deployments write permission'
    )
    expect(run.summary).not.toContain('Tasks started')
    expect(requestLines()).toEqual(['POST /repos/octo/app/deployments'])
    expect(github.requests()[0]!.authorization).toBe(TOKEN_HEADER)
    expect(stack.aws.calls()).toEqual([])
  } finally {
    github.refuseWith(undefined)
  }
})
