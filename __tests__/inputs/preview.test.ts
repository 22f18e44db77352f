import { InputError, formatTtl, parseInputs, parseTtl, type Inputs } from '../../src/inputs/inputs.js'

const PR_ENV = { AWS_REGION: 'us-east-1', GITHUB_EVENT_NAME: 'pull_request' }

function parse(given: Record<string, string>, env: NodeJS.ProcessEnv = PR_ENV): Inputs {
  return parseInputs((name) => given[name] ?? '', { env, readFile: () => '' })
}

function problems(given: Record<string, string>, env: NodeJS.ProcessEnv = PR_ENV): string[] {
  try {
    parse(given, env)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected the inputs to be rejected')
}

describe('parseTtl', () => {
  test.each([
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1h30m', 5400],
    ['1d', 86400],
    ['1d12h', 129600],
    ['2m5s', 125],
    ['30d', 2592000],
    ['1s', 1]
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds)
  })

  test.each([
    ['2', "'2' is not a duration; use a number and a unit (s, m, h or d), such as 90s, 30m, 2h or 1h30m"],
    ['2 h', "'2 h' is not a duration; use a number and a unit (s, m, h or d), such as 90s, 30m, 2h or 1h30m"],
    [
      '30m2h',
      "'30m2h' is not a duration; use a number and a unit (s, m, h or d), such as 90s, 30m, 2h or 1h30m"
    ],
    [
      '1.5h',
      "'1.5h' is not a duration; use a number and a unit (s, m, h or d), such as 90s, 30m, 2h or 1h30m"
    ],
    ['2H', "'2H' is not a duration; use a number and a unit (s, m, h or d), such as 90s, 30m, 2h or 1h30m"],
    ['0s', "'0s' is zero; give at least 1s"],
    ['31d', "'31d' is longer than 30 days (30d)"]
  ])('%s is refused: %s', (text, message) => {
    expect(parseTtl(text)).toBe(message)
  })
})

test.each([
  [90, '1m30s'],
  [7200, '2h'],
  [5400, '1h30m'],
  [129600, '1d12h'],
  [5, '5s']
])('formatTtl(%i) is %s', (seconds, text) => {
  expect(formatTtl(seconds)).toBe(text)
})

describe('the preview inputs', () => {
  test('ttl and timer-image reach the inputs', () => {
    expect(parse({ repository: 'web', ttl: '2h', 'timer-image': 'busybox:stable' })).toMatchObject({
      preview: false,
      ttlSeconds: 7200,
      timerImage: 'busybox:stable'
    })
  })

  test('without ttl there is no timer', () => {
    expect(parse({ repository: 'web' }).ttlSeconds).toBeUndefined()
  })

  test('preview on a pull_request event is accepted', () => {
    expect(parse({ repository: 'web', preview: 'true' }).preview).toBe(true)
  })

  test.each(['push', undefined])('preview on a %s event says why and what to do', (event) => {
    expect(
      problems({ repository: 'web', preview: 'true' }, { AWS_REGION: 'us-east-1', GITHUB_EVENT_NAME: event })
    ).toEqual([
      `preview: is true, but this run's event is '${event ?? 'unknown'}': a preview is named after its pull request, so run it on pull_request (on: pull_request: types: [opened, synchronize, reopened, closed])`
    ])
  })

  test('permissions mode prints a preview policy outside a pull request', () => {
    expect(
      parse({ mode: 'permissions', repository: 'web', preview: 'true' }, { AWS_REGION: 'us-east-1' }).preview
    ).toBe(true)
  })

  test('every preview problem is reported together', () => {
    expect(
      problems({
        repository: 'web',
        preview: 'yes',
        ttl: '2 hours',
        'timer-image': 'Not An Image',
        'container-name': 'ecs-fargate-deploy-ttl'
      })
    ).toEqual([
      "preview: 'yes' is not a boolean; use true or false",
      "ttl: '2 hours' is not a duration; use a number and a unit (s, m, h or d), such as 90s, 30m, 2h or 1h30m",
      "timer-image: 'Not An Image' is not an image reference such as public.ecr.aws/docker/library/busybox:stable (it needs sh and sleep)"
    ])
  })

  test('the timer container name is taken', () => {
    expect(problems({ repository: 'web', ttl: '1h', 'container-name': 'ecs-fargate-deploy-ttl' })).toEqual([
      "container-name: 'ecs-fargate-deploy-ttl' is the name of the ttl's timer container; choose another"
    ])
  })
})
