// The runner emulation the end-to-end tests judge the step log with: it must honour what the runner honours.
import { processStepOutput } from './runner-commands.js'

test('honours commands outside a stop-commands block: annotations, masks, outputs', () => {
  const view = processStepOutput(
    [
      'plain',
      '::error file=a.ts,line=3::it%25 broke%0Atwice',
      '  ::warning::after spaces',
      '::add-mask::s3cret',
      'the s3cret is hidden',
      '::set-output name=x::y',
      'text ##[notice]older form, anywhere',
      '::NOTICE::names are case-insensitive',
      '::not-a-command::shown as is'
    ].join('\n')
  )
  expect(view.annotations).toEqual([
    { level: 'error', message: 'it% broke\ntwice', properties: { file: 'a.ts', line: '3' } },
    { level: 'warning', message: 'after spaces', properties: {} },
    { level: 'notice', message: 'older form, anywhere', properties: {} },
    { level: 'notice', message: 'names are case-insensitive', properties: {} }
  ])
  expect(view.masks).toEqual(['s3cret'])
  expect(view.outputs).toEqual({ x: 'y' })
  expect(view.shown).toContain('the *** is hidden')
  expect(view.shown).toContain('plain')
  expect(view.shown).toContain('::not-a-command::shown as is')
  expect(view.commands.map((command) => command.command)).toEqual([
    'error',
    'warning',
    'add-mask',
    'set-output',
    'notice',
    'NOTICE'
  ])
})

test('ignores commands inside a stop-commands block, shows them, and resumes at the token', () => {
  const view = processStepOutput(
    [
      '::stop-commands::Tok3n-1234',
      '::error::ignored',
      '##[add-mask]ignored',
      '::stop-commands::nested',
      '::nested::',
      '::TOK3N-1234::',
      '::warning::honoured again'
    ].join('\r\n')
  )
  expect(view.shown).toEqual([
    '::error::ignored',
    '##[add-mask]ignored',
    '::stop-commands::nested',
    '::nested::',
    'warning: honoured again'
  ])
  expect(view.annotations).toEqual([{ level: 'warning', message: 'honoured again', properties: {} }])
  expect(view.masks).toEqual([])
  expect(view.stopBlocks).toEqual({ opened: 1, closed: 1 })
})

test('a carriage return ends a line, so a command after one is honoured', () => {
  expect(processStepOutput('progress\r::add-mask::word').masks).toEqual(['word'])
})

test('the resume line is matched by command name, whatever follows it; a block not closed stays open', () => {
  const view = processStepOutput('::stop-commands::abc\n::error::x\n::ABC ::y\n::error::z\n')
  // `::ABC ::y` is the command ABC with empty properties: it closes the block.
  expect(view.annotations).toEqual([{ level: 'error', message: 'z', properties: {} }])
  expect(view.stopBlocks).toEqual({ opened: 1, closed: 1 })
  expect(processStepOutput('::stop-commands::abc\n::error::x\n').stopBlocks).toEqual({ opened: 1, closed: 0 })
})
