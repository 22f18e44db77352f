// The GitHub stand-in pages as GitHub does (per_page, page, the Link header), and the action's paging reads
// every page of it through Octokit: the end-to-end tests rely on both.
import { getOctokit } from '@actions/github'
import { deactivateEnvironment, type GitHubClient } from '../../src/runner/github-deployments.js'
import { paginate, startGitHubStandIn, type GitHubStandIn } from './github-stand-in.js'

const url = (query: string): URL => new URL(`http://127.0.0.1:9/repos/o/r/deployments?environment=e${query}`)
const items = Array.from({ length: 250 }, (_, index) => index + 1)

test.each<[string, string, number[], string[]]>([
  ['the default: 30 a page, first page', '', [1, 30], ['next:2', 'last:9']],
  ['per_page 100, page 2', '&per_page=100&page=2', [101, 200], ['next:3', 'last:3', 'prev:1', 'first:1']],
  ['per_page 100, the last page', '&per_page=100&page=3', [201, 250], ['prev:2', 'first:1']],
  ['per_page above 100 is cut to 100', '&per_page=500', [1, 100], ['next:2', 'last:3']],
  ['a page past the end: empty', '&per_page=100&page=7', [], ['prev:3', 'first:1']]
])('paginate: %s', (_name, query, range, rels) => {
  const { items: page, headers } = paginate(items, url(query))
  expect(page.length === 0 ? [] : [page[0], page.at(-1)]).toEqual(range)
  const links = (headers['link'] ?? '').split(', ').map((part) => {
    const match = /<([^>]+)>; rel="(\w+)"/.exec(part)!
    const linked = new URL(match[1]!)
    expect(linked.searchParams.get('environment')).toBe('e')
    return `${match[2]}:${linked.searchParams.get('page')}`
  })
  expect(links).toEqual(rels)
})

test('paginate: a list of one page has no Link header', () => {
  expect(paginate([1, 2, 3], url('&per_page=100'))).toEqual({ items: [1, 2, 3], headers: {} })
})

describe('against the stand-in, through Octokit', () => {
  let github: GitHubStandIn
  beforeAll(async () => {
    github = await startGitHubStandIn()
  })
  afterAll(async () => {
    await github.stop()
  })

  test('deactivateEnvironment marks all 130 active deployments of an environment inactive, and no other', async () => {
    const active = Array.from({ length: 130 }, () => github.addDeployment('pr-7', ['in_progress', 'success']))
    const inactive = github.addDeployment('pr-7', ['success', 'inactive'])
    const failed = github.addDeployment('pr-7', ['in_progress', 'failure'])
    const elsewhere = github.addDeployment('pr-8', ['success'])
    const octokit = getOctokit('token', { baseUrl: github.apiUrl })
    const github_: GitHubClient = {
      request: (route, parameters) => octokit.request(route, parameters),
      paginate: (route, parameters) => octokit.paginate(route, parameters)
    }

    const marked = await deactivateEnvironment(github_, { owner: 'octo', repo: 'app', environment: 'pr-7' })

    expect([...marked].sort((a, b) => a - b)).toEqual(active)
    for (const id of active) expect(github.deployment(id)!.statuses.at(-1)!.state).toBe('inactive')
    expect(github.deployment(inactive)!.statuses).toHaveLength(2)
    expect(github.deployment(failed)!.statuses.at(-1)!.state).toBe('failure')
    expect(github.deployment(elsewhere)!.statuses).toEqual([{ state: 'success' }])
    const pages = github
      .requests()
      .filter((request) => request.method === 'GET' && request.path === '/repos/octo/app/deployments')
      .map((request) => request.query)
    expect(pages).toEqual([
      // Octokit asks for the first page as given, then follows the Link header's rel="next".
      { environment: 'pr-7', per_page: '100' },
      { environment: 'pr-7', per_page: '100', page: '2' }
    ])
  })
})
