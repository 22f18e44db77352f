// Reads a step's output the way the GitHub runner does (actions/runner: ActionCommandManager.TryProcessCommand
// and ActionCommand.TryParseV2 / TryParse), to see which workflow commands a run would have issued.
//
// - Lines end at \r\n, \r or \n (.NET ReadLine on the step's stdout and stderr).
// - `::name props::data` after leading white space (TrimStart), or `##[name props]data` anywhere in the line;
//   only registered names (case-insensitive) are commands; properties `k=v` split by `,` (`;` in the older form).
// - `::stop-commands::TOKEN` stops processing until a line whose command is TOKEN; lines in between are only
//   shown. add-mask hides the value in every later line.

export interface RunnerCommand {
  command: string
  properties: Record<string, string>
  data: string
}

export interface RunnerView {
  /** The lines the step log shows, masks applied, without the stop-commands and resume lines. */
  shown: string[]
  /** Every command the runner carried out, except stop-commands and its resume. */
  commands: RunnerCommand[]
  annotations: Array<{ level: string; message: string; properties: Record<string, string> }>
  masks: string[]
  /** Outputs set with ::set-output. */
  outputs: Record<string, string>
  /** How many stop-commands blocks were opened and closed again. */
  stopBlocks: { opened: number; closed: number }
}

const REGISTERED = [
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo'
]

function unescape(text: string, mappings: Array<[string, string]>): string {
  return mappings.reduce((value, [escaped, token]) => value.split(escaped).join(token), text)
}
const DATA: Array<[string, string]> = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const PROPERTY: Array<[string, string]> = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%']
]
const OLD_FORM: Array<[string, string]> = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%']
]

function parse(line: string, registered: Set<string>): RunnerCommand | undefined {
  return parseV2(line, registered) ?? parseOldForm(line, registered)
}

function nameAndProperties(
  info: string,
  registered: Set<string>,
  separator: string,
  trimProperties: boolean
): { command: string; properties: Record<string, string> } | undefined {
  const space = info.indexOf(' ')
  const command = space < 0 ? info : info.slice(0, space)
  if (!registered.has(command.toLowerCase())) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    const text = info.slice(space + 1)
    for (const pair of (trimProperties ? text.trim() : text).split(separator).filter(Boolean)) {
      const equals = pair.indexOf('=')
      if (equals > 0 && equals < pair.length - 1) {
        properties[pair.slice(0, equals)] = unescape(
          pair.slice(equals + 1),
          trimProperties ? PROPERTY : OLD_FORM
        )
      }
    }
  }
  return { command, properties }
}

function parseV2(line: string, registered: Set<string>): RunnerCommand | undefined {
  // .NET's TrimStart: its white space is JavaScript's (minus U+FEFF) plus U+0085.
  const message = line.replace(/^(?:(?!\ufeff)\s|\u0085)+/, '')
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const parsed = nameAndProperties(message.slice(2, end), registered, ',', true)
  return parsed && { ...parsed, data: unescape(message.slice(end + 2), DATA) }
}

function parseOldForm(line: string, registered: Set<string>): RunnerCommand | undefined {
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const bracket = line.indexOf(']', prefix)
  if (bracket < 0) return undefined
  const parsed = nameAndProperties(line.slice(prefix + 3, bracket), registered, ';', false)
  return parsed && { ...parsed, data: unescape(line.slice(bracket + 1), OLD_FORM) }
}

/** What the runner would make of `output` (a step's stdout and stderr, in the order written). */
export function processStepOutput(output: string): RunnerView {
  const registered = new Set([...REGISTERED, 'stop-commands'])
  const view: RunnerView = {
    shown: [],
    commands: [],
    annotations: [],
    masks: [],
    outputs: {},
    stopBlocks: { opened: 0, closed: 0 }
  }
  const show = (line: string): void => {
    view.shown.push(view.masks.reduce((text, mask) => text.split(mask).join('***'), line))
  }
  let stopToken: string | undefined
  const lines = output.split(/\r\n|\r|\n/)
  if (lines.at(-1) === '') lines.pop()
  for (const line of lines) {
    const command = line === '' ? undefined : parse(line, registered)
    if (stopToken !== undefined) {
      if (command && command.command.toLowerCase() === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase())
        stopToken = undefined
        view.stopBlocks.closed++
      } else {
        show(line)
      }
      continue
    }
    if (!command) {
      show(line)
      continue
    }
    const name = command.command.toLowerCase()
    if (name === 'stop-commands') {
      stopToken = command.data
      registered.add(stopToken.toLowerCase())
      view.stopBlocks.opened++
      continue
    }
    view.commands.push(command)
    if (name === 'error' || name === 'warning' || name === 'notice') {
      view.annotations.push({ level: name, message: command.data, properties: command.properties })
      show(`${name}: ${command.data}`)
    } else if (name === 'add-mask' && command.data.trim() !== '') {
      view.masks.push(command.data)
    } else if (name === 'set-output' && command.properties['name']) {
      view.outputs[command.properties['name']] = command.data
    }
  }
  return view
}
