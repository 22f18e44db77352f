// The one place that runs commands. Every docker call goes through here so that failures carry stderr,
// secrets travel on stdin only, and what a command prints (a Dockerfile RUN step's output is container
// output) reaches the step log as data, never as workflow commands.
import { getExecOutput } from '@actions/exec'
import { StringDecoder } from 'node:string_decoder'
import { neutralise } from '../shared/workflow-commands.js'

export interface RunOptions {
  /** Written to the command's stdin (passwords go here, never on the command line). */
  input?: string
  /** Extra environment variables, merged over the process environment. */
  env?: Record<string, string>
  cwd?: string
  /** When true, the command's output is not echoed into the step log. */
  silent?: boolean
}

export interface CommandResult {
  stdout: string
  stderr: string
}

export interface CommandRunner {
  run(command: string, args: string[], options?: RunOptions): Promise<CommandResult>
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string
  ) {
    super(`'${command}' failed with exit code ${exitCode}${stderr ? `: ${stderr}` : ''}`)
    this.name = 'CommandError'
  }
}

export interface CommandRunnerOptions {
  /** Where the echoed command and its output go: the step log (stdout) unless given. */
  write?: (text: string) => void
}

export function createCommandRunner(runnerOptions: CommandRunnerOptions = {}): CommandRunner {
  const write = runnerOptions.write ?? ((text: string) => void process.stdout.write(text))
  return {
    async run(command, args, options = {}) {
      const env = options.env ? { ...(process.env as Record<string, string>), ...options.env } : undefined
      // @actions/exec would echo the output raw, so it runs silent and the output is echoed here, line by line.
      const echo = options.silent ? undefined : { out: lineEcho(write), err: lineEcho(write) }
      echo?.out.line(`[command]${[command, ...args].join(' ')}`)
      const output = await getExecOutput(command, args, {
        ignoreReturnCode: true,
        silent: true,
        input: options.input === undefined ? undefined : Buffer.from(options.input),
        env,
        cwd: options.cwd,
        listeners: echo && { stdout: (data) => echo.out.data(data), stderr: (data) => echo.err.data(data) }
      }).finally(() => {
        echo?.out.end()
        echo?.err.end()
      })
      if (output.exitCode !== 0) {
        throw new CommandError(
          [command, ...args.slice(0, 2)].join(' '),
          output.exitCode,
          output.stderr.trim()
        )
      }
      return { stdout: output.stdout, stderr: output.stderr }
    }
  }
}

/**
 * Echoes one output stream as it arrives, whole lines at a time (a partial line waits for its end), each
 * batch that holds something the runner could take as a command inside its own stop-commands block.
 */
function lineEcho(write: (text: string) => void) {
  const decoder = new StringDecoder('utf8')
  let partial = ''
  const print = (lines: string[]): void => {
    const printed = neutralise(lines)
    if (printed.length > 0) write(`${printed.join('\n')}\n`)
  }
  return {
    line: (line: string) => print([line]),
    data(chunk: Buffer): void {
      const lines = (partial + decoder.write(chunk)).split(/\r?\n/)
      partial = lines.pop()!
      print(lines)
    },
    end(): void {
      const rest = partial + decoder.end()
      partial = ''
      if (rest !== '') print([rest])
    }
  }
}
