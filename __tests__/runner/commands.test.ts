// The runner commands written without @actions/core print and write exactly what @actions/core 3 does (kept as a
// dev dependency for this comparison): the same stdout bytes and the same file-command lines, for values that
// need escaping, values that are not strings, annotations with and without a title, and the summary.
import * as core from '@actions/core'
import { jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as commands from '../../src/runner/commands.js'

type Api = typeof commands

let dir: string
const saved = { ...process.env }
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'efd-commands-'))
  for (const name of ['OUTPUT', 'STATE', 'STEP_SUMMARY']) {
    const path = join(dir, name)
    writeFileSync(path, '')
    process.env[`GITHUB_${name}`] = path
  }
})
afterEach(() => {
  process.env = { ...saved }
  process.exitCode = undefined
  rmSync(dir, { recursive: true, force: true })
})

/** What one call printed, and what it wrote to the output and state files; the random delimiters named alike. */
async function effects(call: () => unknown): Promise<{ stdout: string; files: Record<string, string> }> {
  let stdout = ''
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
  try {
    await call()
  } finally {
    write.mockRestore()
  }
  const files: Record<string, string> = {}
  for (const name of ['OUTPUT', 'STATE', 'STEP_SUMMARY']) {
    const path = join(dir, name)
    files[name] = readFileSync(path, 'utf8').replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_UUID')
    writeFileSync(path, '')
  }
  return { stdout, files }
}

const MESSAGES = ['plain', 'percent 100% done', 'two\nlines\r\nand a CR\r', '::error::inside', '', 'a:b,c']

const CALLS: Array<[string, (api: Api) => unknown]> = [
  ...MESSAGES.flatMap((message): Array<[string, (api: Api) => unknown]> => [
    [`info ${JSON.stringify(message)}`, (api) => api.info(message)],
    [`warning ${JSON.stringify(message)}`, (api) => api.warning(message)],
    [
      `notice with a title ${JSON.stringify(message)}`,
      (api) => api.notice(message, { title: `t:${message},x` })
    ],
    [`error ${JSON.stringify(message)}`, (api) => api.error(message)],
    [`setSecret ${JSON.stringify(message)}`, (api) => api.setSecret(message)],
    [`setOutput ${JSON.stringify(message)}`, (api) => api.setOutput('task-arn', message)],
    [`saveState ${JSON.stringify(message)}`, (api) => api.saveState('isPost', message)]
  ]),
  ['warning of an Error', (api) => api.warning(new Error('boom'))],
  ['setOutput of a non-string', (api) => api.setOutput('n', { a: [1, 2] } as unknown as string)],
  ['setFailed', (api) => api.setFailed('failed: %\nx')],
  ['group', (api) => api.group('Push', async () => api.info('inside'))],
  ['summary', (api) => api.summary.addRaw('# Deployed', true).addRaw('| a |').write()]
]

describe('the same bytes as @actions/core', () => {
  test.each(CALLS)('%s', async (_name, call) => {
    const ours = await effects(() => call(commands))
    const exitCode = process.exitCode
    process.exitCode = undefined
    const theirs = await effects(() => call(core as unknown as Api))
    expect(ours).toEqual(theirs)
    expect(exitCode).toBe(process.exitCode)
  })

  test('without the file commands, outputs and state go to stdout as the older commands', async () => {
    delete process.env['GITHUB_OUTPUT']
    delete process.env['GITHUB_STATE']
    const call = (api: Api) => {
      api.setOutput('url', 'http://x:1/')
      api.saveState('k', 'v\n')
    }
    expect(await effects(() => call(commands))).toEqual(await effects(() => call(core as unknown as Api)))
  })

  test('getState reads STATE_<name>, as the runner passes it', () => {
    process.env['STATE_registryHost'] = 'r.example'
    expect(commands.getState('registryHost')).toBe('r.example')
    expect(commands.getState('missing')).toBe('')
  })

  test('a summary file that is missing fails as @actions/core fails', async () => {
    rmSync(join(dir, 'STEP_SUMMARY'))
    await expect(commands.summary.addRaw('x').write()).rejects.toThrow(/Unable to access summary file/)
  })
})

test('literal forms, so the comparison above cannot pass on two equal mistakes', () => {
  expect(commands.formatCommand('warning', {}, '100%\ndone')).toBe('::warning::100%25%0Adone')
  expect(commands.formatCommand('notice', { title: 'a:b,c', file: '' }, 'x')).toBe(
    '::notice title=a%3Ab%2Cc::x'
  )
})
