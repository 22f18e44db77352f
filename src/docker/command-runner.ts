// The one place that runs commands. Every docker call goes through here so that failures carry stderr,
// and secrets travel on stdin only.
import { getExecOutput } from '@actions/exec'

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

export function createCommandRunner(): CommandRunner {
  return {
    async run(command, args, options = {}) {
      const env = options.env ? { ...(process.env as Record<string, string>), ...options.env } : undefined
      const output = await getExecOutput(command, args, {
        ignoreReturnCode: true,
        silent: options.silent ?? false,
        input: options.input === undefined ? undefined : Buffer.from(options.input),
        env,
        cwd: options.cwd
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
