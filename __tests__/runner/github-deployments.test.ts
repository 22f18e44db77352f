// GitHub deployments through a fake request function: the routes, payloads and order the REST API gets.
import { jest } from '@jest/globals'
import {
  GitHubDeployment,
  deactivateEnvironment,
  explainGitHubError,
  truncateDescription,
  type GitHubRequest,
  type GitHubTarget
} from '../../src/runner/github-deployments.js'
import { ActionError } from '../../src/explain/action-error.js'

const target: GitHubTarget = {
  owner: 'octo',
  repo: 'app',
  ref: 'abc123',
  environment: 'preview',
  logUrl: 'https://github.com/octo/app/actions/runs/7'
}

/** A fake GitHub: answers by route from the table, recording every call. */
function fakeGitHub(answers: Record<string, (parameters: Record<string, unknown>) => unknown>) {
  const calls: Array<{ route: string; parameters: Record<string, unknown> }> = []
  const request = jest.fn<GitHubRequest>(async (route, parameters) => {
    calls.push({ route, parameters })
    const answer = answers[route]
    if (!answer) throw new Error(`unexpected ${route}`)
    return { status: 200, data: answer(parameters) }
  })
  // Octokit's paginate reads every page itself (following the Link headers, tested through real Octokit in
  // __tests__/e2e/github-stand-in.test.ts): here a list is the whole answer, recorded as one call.
  const paginate = jest.fn(async (route: string, parameters: Record<string, unknown>) => {
    const { data } = await request(route, parameters)
    return data as unknown[]
  })
  return { request, paginate, calls }
}

const STATUSES = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'

test('start creates the deployment for the commit, then sets in_progress; succeed links the URL', async () => {
  const github = fakeGitHub({
    'POST /repos/{owner}/{repo}/deployments': () => ({ id: 41 }),
    [STATUSES]: () => ({})
  })
  const deployment = await GitHubDeployment.start(github.request, target, 'web:v1 on ECS Fargate')
  expect(deployment.id).toBe(41)
  await deployment.succeed('http://203.0.113.9:8080')
  expect(github.calls).toEqual([
    {
      route: 'POST /repos/{owner}/{repo}/deployments',
      parameters: {
        owner: 'octo',
        repo: 'app',
        ref: 'abc123',
        environment: 'preview',
        description: 'web:v1 on ECS Fargate',
        auto_merge: false,
        required_contexts: [],
        transient_environment: false
      }
    },
    {
      route: STATUSES,
      parameters: {
        owner: 'octo',
        repo: 'app',
        deployment_id: 41,
        state: 'in_progress',
        log_url: target.logUrl,
        description: 'Deploying to ECS Fargate'
      }
    },
    {
      route: STATUSES,
      parameters: {
        owner: 'octo',
        repo: 'app',
        deployment_id: 41,
        state: 'success',
        log_url: target.logUrl,
        description: 'Serving at http://203.0.113.9:8080',
        environment_url: 'http://203.0.113.9:8080',
        auto_inactive: true
      }
    }
  ])
})

test.each([
  ['a URL', 'http://1.2.3.4:80', 'http://1.2.3.4:80'],
  ['no URL (no port): the run', undefined, target.logUrl]
])('success with %s links the environment to it', async (_name, url, environmentUrl) => {
  const github = fakeGitHub({ [STATUSES]: () => ({}) })
  await new GitHubDeployment(github.request, target, 5).succeed(url)
  expect(github.calls[0]!.parameters['environment_url']).toBe(environmentUrl)
})

test('fail sets failure with the first line of the reason, cut to 140 characters', async () => {
  const github = fakeGitHub({ [STATUSES]: () => ({}) })
  await new GitHubDeployment(github.request, target, 5).fail(`${'x'.repeat(200)}\nsecond line`)
  expect(github.calls[0]!.parameters).toMatchObject({ state: 'failure', description: `${'x'.repeat(139)}…` })
})

test.each([
  ['short', 'short'],
  ['first\nsecond', 'first'],
  ['y'.repeat(140), 'y'.repeat(140)],
  ['y'.repeat(141), `${'y'.repeat(139)}…`]
])('truncateDescription(%j)', (text, expected) => {
  expect(truncateDescription(text)).toBe(expected)
})

test('a deployment answer without an id is an error, not a deployment 0', async () => {
  const github = fakeGitHub({ 'POST /repos/{owner}/{repo}/deployments': () => ({ message: 'Auto-merged' }) })
  await expect(GitHubDeployment.start(github.request, target, 'x')).rejects.toThrow(
    'GitHub did not create a deployment (HTTP 200)'
  )
})

test('deactivateEnvironment marks inactive only the deployments whose latest status is success', async () => {
  const latest: Record<number, string | undefined> = { 30: 'success', 20: 'failure', 10: undefined }
  const github = fakeGitHub({
    'GET /repos/{owner}/{repo}/deployments': () => [{ id: 30 }, { id: 20 }, { id: 10 }],
    'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': ({ deployment_id }) => {
      const state = latest[deployment_id as number]
      return state ? [{ state }] : []
    },
    [STATUSES]: () => ({})
  })
  expect(await deactivateEnvironment(github, target)).toEqual([30])
  expect(github.paginate.mock.calls[0]).toEqual([
    'GET /repos/{owner}/{repo}/deployments',
    { owner: 'octo', repo: 'app', environment: 'preview', per_page: 100 }
  ])
  const posted = github.calls.filter((call) => call.route === STATUSES)
  expect(posted.map((call) => call.parameters)).toEqual([
    {
      owner: 'octo',
      repo: 'app',
      deployment_id: 30,
      state: 'inactive',
      description: 'Stopped by ecs-fargate-deploy (mode: stop)',
      log_url: target.logUrl
    }
  ])
})

test('a 403 names the permission to add', async () => {
  const refused = Object.assign(new Error('Resource not accessible by integration'), { status: 403 })
  const github = fakeGitHub({
    'POST /repos/{owner}/{repo}/deployments': () => {
      throw refused
    }
  })
  const error = await GitHubDeployment.start(github.request, target, 'x').catch((thrown: unknown) => thrown)
  expect(error).toBeInstanceOf(ActionError)
  expect((error as ActionError).message).toBe(
    "GitHub refused to create a deployment for environment 'preview' (HTTP 403: Resource not accessible by integration)"
  )
  expect((error as ActionError).hint).toContain('`permissions: deployments: write`')
})

test.each([
  [Object.assign(new Error('Server Error'), { status: 500 }), 'Failed to list things: Server Error', false],
  ['socket hang up', 'Failed to list things: socket hang up', false],
  [
    Object.assign(new Error('Forbidden'), { status: 403 }),
    'GitHub refused to list things (HTTP 403: Forbidden)',
    true
  ]
])('explainGitHubError(%p)', (thrown, message, hasHint) => {
  const error = explainGitHubError(thrown, 'list things')
  expect(error.message).toBe(message)
  expect(error.hint !== undefined).toBe(hasHint)
})

test("a preview's deployment is transient and never production", async () => {
  const github = fakeGitHub({
    'POST /repos/{owner}/{repo}/deployments': () => ({ id: 42 }),
    [STATUSES]: () => ({})
  })
  await GitHubDeployment.start(github.request, { ...target, environment: 'pr-12' }, 'web', {
    transient: true
  })
  expect(github.calls[0]?.parameters).toEqual({
    owner: 'octo',
    repo: 'app',
    ref: 'abc123',
    environment: 'pr-12',
    description: 'web',
    auto_merge: false,
    required_contexts: [],
    transient_environment: true,
    production_environment: false
  })
})

test('a list refused (on any page) names the permission, as a single call does', async () => {
  const request = jest.fn<GitHubRequest>()
  const paginate = jest.fn(async () => {
    throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 })
  })
  const error = await deactivateEnvironment({ request, paginate }, target).catch((thrown: unknown) => thrown)
  expect((error as ActionError).message).toBe(
    "GitHub refused to list the deployments of environment 'preview' (HTTP 403: Resource not accessible by integration)"
  )
  expect((error as ActionError).hint).toContain('`permissions: deployments: write`')
})
