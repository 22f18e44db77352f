import {
  couldBeWorkflowCommand,
  neutralise,
  randomStopToken,
  runnerLines
} from '../../src/shared/workflow-commands.js'

describe('couldBeWorkflowCommand: what the runner could parse as a command', () => {
  test.each([
    ['::error::boom', true],
    ['::add-mask::word', true],
    ['::set-output name=x::y', true],
    ['::stop-commands::abc', true],
    ['::unknown-name::still wrapped', true],
    ['   ::warning::after spaces', true],
    ['\t::warning::after a tab', true],
    ['\u00a0::warning::after a no-break space', true],
    ['\u0085::warning::after NEL (white space to .NET)', true],
    ['\u3000::warning::after an ideographic space', true],
    ['##[add-mask]word', true],
    ['text before ##[error]the older form, anywhere in the line', true],
    ['line 1', false],
    ['', false],
    ['a::b in the middle', false],
    ['[abcd1234] ::error::after a label', false],
    ['## [not the older form]', false],
    [': ::one colon first', false]
  ])('%j → %s', (line, expected) => {
    expect(couldBeWorkflowCommand(line)).toBe(expected)
  })
})

test.each([
  ['one', ['one']],
  ['a\nb', ['a', 'b']],
  ['a\r\nb', ['a', 'b']],
  ['a\rb', ['a', 'b']],
  ['a\n\nb', ['a', '', 'b']],
  ['a\n', ['a', '']]
])('runnerLines(%j) splits where .NET ReadLine does', (text, expected) => {
  expect(runnerLines(text)).toEqual(expected)
})

describe('neutralise', () => {
  const tokens = (...values: string[]) => {
    const queue = [...values]
    return () => queue.shift() ?? 'out-of-tokens'
  }

  test.each<[string, string[], string[]]>([
    ['plain lines stay as they are, unwrapped', ['line 1', 'line 2'], ['line 1', 'line 2']],
    ['nothing prints nothing', [], []],
    [
      'one command line wraps the whole batch',
      ['line 1', '::error::boom', 'line 3'],
      ['::stop-commands::T0K3N', 'line 1', '::error::boom', 'line 3', '::T0K3N::']
    ],
    [
      'a command hidden after a carriage return is found',
      ['progress 10%\r::add-mask::word'],
      ['::stop-commands::T0K3N', 'progress 10%', '::add-mask::word', '::T0K3N::']
    ],
    [
      'a command on the second line of a multi-line event is found',
      ['first\n  ::set-output name=x::y'],
      ['::stop-commands::T0K3N', 'first', '  ::set-output name=x::y', '::T0K3N::']
    ],
    [
      "the container's own stop-commands line stays inside our block",
      ['::stop-commands::mine', '::error::boom', '::mine::'],
      ['::stop-commands::T0K3N', '::stop-commands::mine', '::error::boom', '::mine::', '::T0K3N::']
    ]
  ])('%s', (_, lines, expected) => {
    expect(neutralise(lines, tokens('T0K3N'))).toEqual(expected)
  })

  test('a token the text contains (in any case) is not used: the next one is', () => {
    expect(neutralise(['::t0k3n::', 'x'], tokens('T0K3N', 'other'))).toEqual([
      '::stop-commands::other',
      '::t0k3n::',
      'x',
      '::other::'
    ])
  })

  test('gives up rather than print a block the text could end', () => {
    expect(() => neutralise(['::same::'], () => 'same')).toThrow(
      'Could not make a stop-commands token that the text does not contain'
    )
  })

  test('by default each block gets a fresh random token', () => {
    const first = neutralise(['::error::a'])
    const second = neutralise(['::error::a'])
    expect(first[0]).toMatch(/^::stop-commands::[0-9a-f-]{36}$/)
    expect(first[0]).not.toBe(second[0])
    expect(first.at(-1)).toBe(`::${first[0]!.slice('::stop-commands::'.length)}::`)
  })

  test('random tokens are UUIDs, never a command name', () => {
    expect(randomStopToken()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
