// Text from a container or AWS is data: it is printed so that the runner takes no line of it as a workflow
// command (`::error::`, `::add-mask::`, `::stop-commands::`…), while every line still shows verbatim.
//
// How the runner reads a step's output (actions/runner, ActionCommandManager and ActionCommand): stdout and
// stderr are read line by line (.NET ReadLine: a line ends at \r\n, \r or \n); a line is a command when,
// after its leading white space, it starts `::name ...::data`, or when it holds the older `##[name ...]data`
// anywhere. After `::stop-commands::TOKEN` every line is ignored until one whose command is TOKEN
// (`::TOKEN::`, case-insensitive); TOKEN must be unguessable and not a command's name.

/** Splits text into the lines the runner reads: at \r\n, \r or \n. */
export function runnerLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/)
}

/**
 * Whether the runner could take this line as a workflow command. Errs on the side of yes: any `::` after
 * leading white space (JavaScript's white space and U+0085, a superset of .NET's), any `##[` anywhere.
 */
export function couldBeWorkflowCommand(line: string): boolean {
  return /^[\s\u0085]*::/.test(line) || line.includes('##[')
}

/**
 * The lines to print for untrusted `lines`: as they are when none could be a workflow command, else all of
 * them inside one `::stop-commands::TOKEN` … `::TOKEN::` block. newToken makes the token (a fresh random one
 * per block); one that occurs in the lines is not used, since a line could then end the block early.
 */
export function neutralise(lines: readonly string[], newToken: () => string = randomStopToken): string[] {
  const physical = lines.flatMap(runnerLines)
  if (!physical.some(couldBeWorkflowCommand)) return physical
  for (let attempt = 0; attempt < 10; attempt++) {
    const token = newToken()
    const lower = token.toLowerCase()
    if (token !== '' && !physical.some((line) => line.toLowerCase().includes(lower))) {
      return [`::stop-commands::${token}`, ...physical, `::${token}::`]
    }
  }
  throw new Error('Could not make a stop-commands token that the text does not contain')
}

/** An unguessable token, never a command's name. */
export function randomStopToken(): string {
  return globalThis.crypto.randomUUID()
}
