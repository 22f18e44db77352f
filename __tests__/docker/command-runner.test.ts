import { jest } from '@jest/globals'
import { CommandError, createCommandRunner } from '../../src/docker/command-runner.js'
import { processStepOutput } from '../e2e/runner-commands.js'

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

describe('echoed output is data, never workflow commands', () => {
  const echoed = async (script: string) => {
    const written: string[] = []
    await createCommandRunner({ write: (text) => written.push(text) }).run('sh', ['-c', script])
    return { text: written.join(''), runner: processStepOutput(written.join('')) }
  }

  test('plain lines are echoed as printed, after the command line, with no block around them', async () => {
    const { text } = await echoed('echo one; echo two >&2')
    expect(text).toBe('[command]sh -c echo one; echo two >&2\none\ntwo\n')
  })

  test('what a Dockerfile RUN step could print makes no command, and shows as printed', async () => {
    const script = [
      'echo "step 1"',
      'echo "::error::from RUN"',
      'echo "  ::add-mask::word" >&2',
      'echo "#5 0.1 ##[set-output name=x]y"',
      'echo "::stop-commands::theirs"',
      'printf "::warning::last line, no newline"'
    ].join('; ')
    const { runner } = await echoed(script)
    expect(runner.commands).toEqual([])
    expect(runner.stopBlocks.opened).toBe(runner.stopBlocks.closed)
    expect(runner.shown.slice(1).sort()).toEqual(
      [
        'step 1',
        '::error::from RUN',
        '  ::add-mask::word',
        '#5 0.1 ##[set-output name=x]y',
        '::stop-commands::theirs',
        '::warning::last line, no newline'
      ].sort()
    )
  })

  test('each block has its own token', async () => {
    const { text } = await echoed('echo "::error::a"; sleep 0.2; echo "::error::b"')
    const tokens = [...text.matchAll(/^::stop-commands::(.+)$/gm)].map((match) => match[1])
    expect(tokens).toHaveLength(2)
    expect(new Set(tokens).size).toBe(2)
  })

  test('silent echoes nothing, and the output is still returned', async () => {
    const written: string[] = []
    const result = await createCommandRunner({ write: (text) => written.push(text) }).run(
      'sh',
      ['-c', 'echo "::error::x"'],
      { silent: true }
    )
    expect(written).toEqual([])
    expect(result.stdout).toBe('::error::x\n')
  })
})
