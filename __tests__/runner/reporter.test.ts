import { jest } from '@jest/globals'
import { coreReporter } from '../../src/runner/reporter.js'
import { processStepOutput } from '../e2e/runner-commands.js'

/** What the reporter writes to the step log while fn runs. */
function stepLog(fn: () => void): string {
  const written: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk))
    return true
  })
  try {
    fn()
  } finally {
    spy.mockRestore()
  }
  return written.join('')
}

const hostile = [
  '::error::from the container',
  '::warning title=t::with a title',
  '::add-mask::word',
  '::set-output name=x::y',
  '::stop-commands::theirs',
  '::notice::still inside theirs',
  '::theirs::',
  '  ::error::after spaces',
  'text ##[add-mask]older form',
  'a line\r::error::after a carriage return',
  'two\n::debug::lines in one event',
  'the word stays visible'
]

test('untrusted lines make no command, and every one shows as printed', () => {
  const runner = processStepOutput(stepLog(() => coreReporter().untrusted(hostile)))
  expect(runner.commands).toEqual([])
  expect(runner.masks).toEqual([])
  expect(runner.stopBlocks).toEqual({ opened: 1, closed: 1 })
  expect(runner.shown).toEqual([
    '::error::from the container',
    '::warning title=t::with a title',
    '::add-mask::word',
    '::set-output name=x::y',
    '::stop-commands::theirs',
    '::notice::still inside theirs',
    '::theirs::',
    '  ::error::after spaces',
    'text ##[add-mask]older form',
    'a line',
    '::error::after a carriage return',
    'two',
    '::debug::lines in one event',
    'the word stays visible'
  ])
})

test('lines that cannot be commands are printed as they are, without a block', () => {
  expect(stepLog(() => coreReporter().untrusted(['line 1', 'GET /health 200']))).toBe(
    'line 1\nGET /health 200\n'
  )
  expect(stepLog(() => coreReporter().untrusted([]))).toBe('')
})

test('commands after an untrusted block are honoured again', () => {
  const log = stepLog(() => {
    const reporter = coreReporter()
    reporter.untrusted(['::stop-commands::theirs', '::error::x'])
    reporter.warning('ours')
  })
  expect(processStepOutput(log).annotations).toEqual([{ level: 'warning', message: 'ours', properties: {} }])
})

test('a warning built from untrusted text is one annotation with that text, nothing more', () => {
  const message = 'Cannot read the log stream: denied\n::add-mask::word\n::error::100% %0A'
  const runner = processStepOutput(stepLog(() => coreReporter().warning(message)))
  expect(runner.annotations).toEqual([{ level: 'warning', message, properties: {} }])
  expect(runner.masks).toEqual([])
})
