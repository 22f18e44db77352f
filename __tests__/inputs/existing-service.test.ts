// The inputs of an existing standard ECS service (issue 20): read with service, refused without one, every
// problem reported before any AWS call; cpu, memory and container-name known as given or defaulted.
import { InputError, parseInputs, type Inputs } from '../../src/inputs/inputs.js'

function parse(given: Record<string, string>): Inputs {
  return parseInputs((name) => given[name] ?? '', { env: { AWS_REGION: 'us-east-1' }, readFile: () => '' })
}

function problems(given: Record<string, string>): string[] {
  try {
    parse(given)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected the inputs to be rejected')
}

test('defaults: no desired count, no rollback on timeout, no scaling to zero, no release command, nothing given', () => {
  expect(parse({ repository: 'shop', service: 'shop' })).toMatchObject({
    desiredCount: undefined,
    rollbackOnTimeout: false,
    scaleToZero: false,
    releaseCommand: undefined,
    given: { containerName: false, cpu: false, memory: false }
  })
})

test('given: each parsed, the release command as words or a JSON array', () => {
  expect(
    parse({
      repository: 'shop',
      service: 'shop',
      'desired-count': '0',
      'rollback-on-timeout': 'true',
      'release-command': '["sh", "-c", "rake db:migrate"]',
      cpu: '512',
      memory: '1024',
      'container-name': 'web'
    })
  ).toMatchObject({
    desiredCount: 0,
    rollbackOnTimeout: true,
    releaseCommand: ['sh', '-c', 'rake db:migrate'],
    given: { containerName: true, cpu: true, memory: true }
  })
  expect(
    parse({ repository: 'shop', service: 'shop', 'release-command': 'npm run migrate' }).releaseCommand
  ).toEqual(['npm', 'run', 'migrate'])
})

test.each<[string, Record<string, string>, string[]]>([
  [
    'a desired count that is no whole number',
    { 'desired-count': '-1' },
    ["desired-count: '-1' is not a whole number from 0 to 5000"]
  ],
  [
    'a desired count above the limit',
    { 'desired-count': '5001' },
    ["desired-count: '5001' is not a whole number from 0 to 5000"]
  ],
  [
    'a release command that is no JSON array',
    { 'release-command': '["unclosed' },
    ['release-command: is not valid JSON: Unterminated string in JSON at position 10 (line 1 column 11)']
  ]
])('%s', (_name, given, expected) => {
  expect(problems({ repository: 'shop', service: 'shop', ...given })).toEqual(expected)
})

test('without service the service-only ones are refused, all at once', () => {
  expect(
    problems({
      repository: 'shop',
      'desired-count': '2',
      'rollback-on-timeout': 'true',
      'scale-to-zero': 'true'
    })
  ).toEqual([
    'desired-count: is only used with service (an existing ECS service)',
    'rollback-on-timeout: is only used with service (an existing ECS service)',
    'scale-to-zero: is only used with service (an existing ECS service)'
  ])
  // The release command runs before one-off tasks start too.
  expect(parse({ repository: 'shop', 'release-command': 'migrate' }).releaseCommand).toEqual(['migrate'])
})
