import { jest } from '@jest/globals'
import { CommandError, createCommandRunner } from '../../src/docker/command-runner.js'

// Real commands through sh: the runner is the one place the action touches processes.
const runner = createCommandRunner()
const sh = (script: string, options: Parameters<typeof runner.run>[2] = {}) =>
  runner.run('sh', ['-c', script], { silent: true, ...options })

afterEach(() => jest.restoreAllMocks())

test('returns stdout and stderr of a command that succeeds', async () => {
  expect(await sh('echo out; echo err >&2')).toEqual({ stdout: 'out\n', stderr: 'err\n' })
})

test('delivers input on stdin, unchanged', async () => {
  const secret = 'p@ss:word with spaces\nand a second line'
  expect((await sh('cat', { input: secret })).stdout).toBe(secret)
})

test('merges env over the process environment', async () => {
  process.env['EXEC_TEST_INHERITED'] = 'from-process'
  try {
    const { stdout } = await sh('echo "$EXEC_TEST_INHERITED $EXEC_TEST_GIVEN $DOCKER_CONFIG"', {
      env: { EXEC_TEST_GIVEN: 'given', DOCKER_CONFIG: '/tmp/action-docker' }
    })
    expect(stdout).toBe('from-process given /tmp/action-docker\n')
  } finally {
    delete process.env['EXEC_TEST_INHERITED']
  }
})

test('env given overrides a variable of the process', async () => {
  process.env['EXEC_TEST_OVERRIDDEN'] = 'old'
  try {
    const { stdout } = await sh('echo "$EXEC_TEST_OVERRIDDEN"', { env: { EXEC_TEST_OVERRIDDEN: 'new' } })
    expect(stdout).toBe('new\n')
    expect(process.env['EXEC_TEST_OVERRIDDEN']).toBe('old')
  } finally {
    delete process.env['EXEC_TEST_OVERRIDDEN']
  }
})

test('runs in cwd', async () => {
  expect((await sh('pwd', { cwd: '/' })).stdout).toBe('/\n')
})

test('a non-zero exit throws CommandError with the exit code and the trimmed stderr', async () => {
  const error = await sh('echo partial; printf "  denied: not authorized  \\n\\n" >&2; exit 3').catch(
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(CommandError)
  const commandError = error as CommandError
  expect(commandError.exitCode).toBe(3)
  expect(commandError.stderr).toBe('denied: not authorized')
  expect(commandError.command).toBe(
    'sh -c echo partial; printf "  denied: not authorized  \\n\\n" >&2; exit 3'
  )
  expect(commandError.message).toBe(
    `'${commandError.command}' failed with exit code 3: denied: not authorized`
  )
})

test('names only the command and its first two arguments, so later ones (a registry, a file) stay out', async () => {
  const error = (await runner
    .run('sh', ['-c', 'exit 1', 'arg0', 'later-argument'], { silent: true })
    .catch((e: unknown) => e)) as CommandError
  expect(error.command).toBe('sh -c exit 1')
  expect(error.message).toBe("'sh -c exit 1' failed with exit code 1")
  expect(error.message).not.toContain('later-argument')
})

test('silent keeps the command and its output out of the step log; otherwise both are echoed', async () => {
  const written: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk))
    return true
  })
  await sh('echo quiet-output', { silent: true })
  expect(written.join('')).not.toContain('quiet-output')
  await runner.run('sh', ['-c', 'echo loud-output'])
  expect(written.join('')).toContain('loud-output')
})
