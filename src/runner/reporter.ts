// The reporter on the runner's commands (commands.ts): the one implementation of the runner interface the modes report through.
import * as core from './commands.js'
import { EOL } from 'node:os'
import type { Reporter } from '../modes/types.js'
import { neutralise } from '../shared/workflow-commands.js'

/** The runner's reporter; it remembers the outputs it set, so a failure summary can list the tasks started. */
export interface CoreReporter extends Reporter {
  readonly outputs: Readonly<Record<string, string>>
}

export function coreReporter(): CoreReporter {
  const outputs: Record<string, string> = {}
  return {
    outputs,
    info: (message) => core.info(message),
    // One write, so that a stop-commands block is never split by other output.
    untrusted: (lines) => {
      const printed = neutralise(lines)
      if (printed.length > 0) core.info(printed.join(EOL))
    },
    warning: (message) => core.warning(message),
    notice: (message) => core.notice(message),
    setOutput: (name, value) => {
      outputs[name] = value
      core.setOutput(name, value)
    },
    setSecret: (secret) => core.setSecret(secret),
    group: (name, fn) => core.group(name, fn)
  }
}
