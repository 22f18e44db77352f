// The preview's GitHub side: the pull request read from its payload, the names derived from it, the fork
// check, and the comment (its body from tables of states, and one comment created then updated in place).
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import {
  commentWarning,
  forkWithoutCredentials,
  parsePullRequestEvent,
  previewCommentBody,
  previewEnvironment,
  previewInputs,
  previewSubject,
  previewName,
  readPullRequestEvent,
  serviceStopInstructions,
  taskStopInstructions,
  upsertPreviewComment,
  type GitHubApi,
  type PullRequest
} from '../../src/runner/pull-request.js'

const SHA = 'abcdef0123456789abcdef0123456789abcdef01'
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'a'.repeat(64)}`

function payload(action: string, head = 'octo/app', base = 'octo/app'): object {
  return {
    action,
    number: 12,
    pull_request: {
      number: 12,
      html_url: 'https://github.com/octo/app/pull/12',
      head: { sha: SHA, ref: 'feature', repo: { full_name: head, fork: head !== base } },
      base: { sha: '0'.repeat(40), ref: 'main', repo: { full_name: base, fork: false } }
    }
  }
}

const PR: PullRequest = {
  event: 'pull_request',
  action: 'opened',
  number: 12,
  headSha: SHA,
  headRepository: 'octo/app',
  baseRepository: 'octo/app',
  fork: false,
  url: 'https://github.com/octo/app/pull/12'
}

function inputs(given: Record<string, string>): Inputs {
  return parseInputs((name) => given[name] ?? '', {
    env: { AWS_REGION: 'us-east-1', GITHUB_EVENT_NAME: 'pull_request' },
    readFile: () => ''
  })
}

describe('the pull request from the event', () => {
  test('an opened pull request of this repository', () => {
    expect(parsePullRequestEvent('pull_request', payload('opened'))).toEqual(PR)
  })

  test('a fork is one whose head repository differs', () => {
    expect(parsePullRequestEvent('pull_request', payload('synchronize', 'mallory/app'))).toMatchObject({
      action: 'synchronize',
      fork: true,
      headRepository: 'mallory/app'
    })
  })

  test.each([
    [{ action: 'opened' }, 'the payload has no pull request number'],
    [{ action: 'opened', number: 3, pull_request: { head: {} } }, 'the payload has no pull_request.head.sha'],
    ['not an object', 'the payload has no pull request number']
  ])('a payload without what a preview needs: %j', (body, problem) => {
    expect(parsePullRequestEvent('pull_request', body)).toBe(problem)
  })

  test('readPullRequestEvent reads GITHUB_EVENT_PATH', () => {
    const read = readPullRequestEvent(
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/event.json' },
      (path) => (path === '/event.json' ? JSON.stringify(payload('closed')) : '')
    )
    expect(read).toMatchObject({ action: 'closed', number: 12 })
  })

  test('an unreadable payload names the path', () => {
    expect(() =>
      readPullRequestEvent({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/none.json' }, () => {
        throw new Error("ENOENT: no such file or directory, open '/none.json'")
      })
    ).toThrow(
      "Cannot read the event payload GITHUB_EVENT_PATH='/none.json': ENOENT: no such file or directory, open '/none.json'"
    )
  })
})

describe('names derived from the pull request', () => {
  test.each([
    ['web', 12, 255, 'web-pr-12'],
    ['my_app', 7, 255, 'my_app-pr-7'],
    ['a'.repeat(255), 12, 255, `${'a'.repeat(249)}-pr-12`],
    ['production', 1234, 12, 'prod-pr-1234']
  ])('previewName(%s, %i, %i) is %s', (base, number, max, name) => {
    expect(previewName(base, number, max)).toBe(name)
  })

  test.each([
    [undefined, 12, 'pr-12'],
    ['review', 12, 'review-pr-12']
  ])('the environment of environment-name %s, pull request %i, is %s', (name, number, environment) => {
    expect(previewEnvironment(name, number)).toBe(environment)
  })

  test('family, container (it followed the family) and environment; the log group stays the app', () => {
    expect(previewInputs(inputs({ repository: 'web', preview: 'true' }), PR)).toMatchObject({
      family: 'web-pr-12',
      containerName: 'web-pr-12',
      environmentName: 'pr-12',
      logGroup: '/ecs/web'
    })
  })

  test('a container named apart from the family keeps its name (a template matches it)', () => {
    expect(
      previewInputs(inputs({ repository: 'web', preview: 'true', 'container-name': 'app' }), PR)
    ).toMatchObject({ family: 'web-pr-12', containerName: 'app' })
  })

  test('a service is named after the pull request too, and the comment is named after the service', () => {
    const preview = previewInputs(inputs({ repository: 'web', preview: 'true', service: 'shop' }), PR)
    expect(preview).toMatchObject({
      serviceName: 'shop-pr-12',
      family: 'web-pr-12',
      environmentName: 'pr-12'
    })
    expect(previewSubject(preview)).toBe('shop-pr-12')
    expect(previewSubject(previewInputs(inputs({ repository: 'web', preview: 'true' }), PR))).toBe(
      'web-pr-12'
    )
  })
})

describe('a fork without credentials', () => {
  const fork: PullRequest = { ...PR, fork: true, headRepository: 'mallory/app' }

  test('fails with the reason, not a credential error', () => {
    const error = forkWithoutCredentials(fork, {})
    expect(error?.message).toBe(
      'Pull request #12 comes from the fork mallory/app: GitHub gives pull_request workflows of forks no secrets and no OIDC token, so this run has no AWS credentials'
    )
    expect(error?.hint).toContain('if: github.event.pull_request.head.repo.full_name == github.repository')
  })

  test.each([
    ['credentials in the environment', fork, { AWS_ACCESS_KEY_ID: 'AKID' }],
    ['a web identity token', fork, { AWS_WEB_IDENTITY_TOKEN_FILE: '/token' }],
    ['not a fork', PR, {}],
    ['pull_request_target (runs the base, has the secrets)', { ...fork, event: 'pull_request_target' }, {}]
  ])('goes on with %s', (_what, pullRequest, env) => {
    expect(forkWithoutCredentials(pullRequest, env)).toBeUndefined()
  })
})

describe('the comment body', () => {
  const base = {
    name: 'web-pr-12',
    commit: SHA,
    image: IMAGE,
    runUrl: 'https://github.com/octo/app/actions/runs/7',
    howToStop: taskStopInstructions('us-east-1', 'default', [
      'arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef'
    ])
  }

  test('running, with a ttl', () => {
    expect(
      previewCommentBody({
        ...base,
        state: {
          kind: 'running',
          url: 'http://203.0.113.10:8080',
          stopsAt: new Date('2025-01-02T14:30:05.250Z'),
          ttlSeconds: 7200
        }
      })
    ).toBe(
      [
        '<!-- ecs-fargate-deploy preview web-pr-12 -->',
        '### Preview `web-pr-12` is running',
        '',
        '| | |',
        '| --- | --- |',
        '| URL | http://203.0.113.10:8080 |',
        `| Commit | \`${SHA}\` |`,
        `| Image | \`${IMAGE}\` |`,
        '| Stops | by 2025-01-02 14:30:05 UTC at the latest (ttl 2h), or when the pull request closes |',
        '| Run | [workflow run](https://github.com/octo/app/actions/runs/7) |',
        '',
        '**To stop it now:** close the pull request, or',
        '',
        '```sh',
        'aws ecs stop-task --region us-east-1 --cluster default --task arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef',
        '```',
        ''
      ].join('\n')
    )
  })

  test('running, a service with a ttl: the schedule that deletes it, and the delete command', () => {
    const serviceArn = 'arn:aws:ecs:us-east-1:123456789012:service/default/web-pr-12'
    const body = previewCommentBody({
      ...base,
      howToStop: serviceStopInstructions('us-east-1', serviceArn),
      state: {
        kind: 'running',
        url: 'https://web-pr-12.ecs.us-east-1.on.aws',
        stopsAt: new Date('2025-01-02T14:30:05Z'),
        ttlSeconds: 86400,
        expirySchedule: 'efd-ttl-web-pr-12-0123abcd'
      }
    })
    expect(body).toContain(
      '| Stops | deleted from 2025-01-02 14:30:05 UTC (ttl 1d, by the EventBridge Scheduler schedule `efd-ttl-web-pr-12-0123abcd`; each push moves it), or when the pull request closes |'
    )
    expect(body).toContain(
      [
        '```sh',
        `aws ecs delete-express-gateway-service --region us-east-1 --service-arn ${serviceArn}`,
        '```'
      ].join('\n')
    )
  })

  test('running, without a ttl or a port', () => {
    const body = previewCommentBody({ ...base, state: { kind: 'running' } })
    expect(body).toContain('| URL | none (no port) |')
    expect(body).toContain('| Stops | when the pull request closes |')
  })

  test('failed: the reason in a block, pipes and fences kept harmless', () => {
    expect(
      previewCommentBody({
        name: 'web-pr-12',
        commit: SHA,
        howToStop: [],
        state: { kind: 'failed', reason: 'RunTask failed\n```\nnot | a table' }
      })
    ).toBe(
      [
        '<!-- ecs-fargate-deploy preview web-pr-12 -->',
        '### Preview `web-pr-12` failed to deploy',
        '',
        '| | |',
        '| --- | --- |',
        `| Commit | \`${SHA}\` |`,
        '',
        'The preview of the previous commit, if there is one, still runs.',
        '',
        '```text',
        "RunTask failed\n'''\nnot | a table",
        '```',
        ''
      ].join('\n')
    )
  })

  test('stopped', () => {
    expect(
      previewCommentBody({
        name: 'web-pr-12',
        commit: SHA,
        howToStop: [],
        state: { kind: 'stopped', what: '1 task(s) stopped', environment: 'pr-12' }
      })
    ).toBe(
      [
        '<!-- ecs-fargate-deploy preview web-pr-12 -->',
        '### Preview `web-pr-12` is stopped',
        '',
        '| | |',
        '| --- | --- |',
        `| Commit | \`${SHA}\` |`,
        '',
        'The pull request is closed: 1 task(s) stopped, the deployments of `pr-12` marked inactive.',
        ''
      ].join('\n')
    )
  })
})

describe('one comment per preview, updated in place', () => {
  const target = { owner: 'octo', repo: 'app', number: 12 }

  function fakeApi(comments: Array<{ id: number; body: string }>) {
    const calls: Array<{ route: string; parameters: Record<string, unknown> }> = []
    const api: GitHubApi = {
      paginate: async (route, parameters) => {
        calls.push({ route, parameters })
        return comments
      },
      request: async (route, parameters) => {
        calls.push({ route, parameters })
        return { status: route.startsWith('POST') ? 201 : 200, data: { id: 99 } }
      }
    }
    return { api, calls }
  }

  test('no comment yet: it is created', async () => {
    const { api, calls } = fakeApi([{ id: 5, body: 'LGTM' }])
    expect(await upsertPreviewComment(api, target, 'web-pr-12', 'BODY')).toEqual({
      id: 99,
      change: 'created'
    })
    expect(calls).toEqual([
      {
        route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        parameters: { owner: 'octo', repo: 'app', issue_number: 12, per_page: 100 }
      },
      {
        route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        parameters: { owner: 'octo', repo: 'app', issue_number: 12, body: 'BODY' }
      }
    ])
  })

  test("the preview's comment is updated; another preview's is left alone", async () => {
    const { api, calls } = fakeApi([
      { id: 5, body: '<!-- ecs-fargate-deploy preview api-pr-12 -->\nother app' },
      { id: 6, body: '<!-- ecs-fargate-deploy preview web-pr-12 -->\nold' }
    ])
    expect(await upsertPreviewComment(api, target, 'web-pr-12', 'BODY')).toEqual({ id: 6, change: 'updated' })
    expect(calls[1]).toEqual({
      route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      parameters: { owner: 'octo', repo: 'app', comment_id: 6, body: 'BODY' }
    })
  })

  test('closing a pull request that never got a comment creates none', async () => {
    const { api, calls } = fakeApi([])
    expect(await upsertPreviewComment(api, target, 'web-pr-12', 'BODY', false)).toEqual({ change: 'none' })
    expect(calls).toHaveLength(1)
  })

  test.each([
    [
      Object.assign(new Error('Resource not accessible by integration'), { status: 403 }),
      'Could not write the preview comment on pull request #12 (HTTP 403: Resource not accessible by integration): the token needs the pull-requests write permission; add `permissions: pull-requests: write` to the job, or pass a github-token that has it. The deploy goes on without the comment.'
    ],
    [
      new Error('connect ECONNREFUSED'),
      'Could not write the preview comment on pull request #12: connect ECONNREFUSED. The deploy goes on without the comment.'
    ]
  ])('a refusal is a warning: %s', (error, warning) => {
    expect(commentWarning(error, 12)).toBe(warning)
  })
})
