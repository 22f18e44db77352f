import {
  CommandError,
  type CommandResult,
  type CommandRunner,
  type RunOptions
} from '../src/docker/command-runner.js'

/** One command as the code under test ran it. */
export interface RecordedCommand {
  command: string
  args: string[]
  /** What was written to stdin, if anything. */
  input?: string
  env?: Record<string, string>
  silent?: boolean
  cwd?: string
}

type Answer =
  | { stdout?: string; stderr?: string }
  | { exitCode: number; stderr: string }
  | ((call: RecordedCommand) => Promise<CommandResult> | CommandResult)

/**
 * A CommandRunner that records every command (args, stdin, env) and answers from a script: the last
 * `on(...)` whose prefix matches `command ...args` wins; anything unscripted succeeds with empty output.
 */
export class FakeRunner implements CommandRunner {
  readonly calls: RecordedCommand[] = []
  private readonly scripts: Array<{ prefix: string[]; answer: Answer }> = []

  /** Answers `prefix...` (e.g. ['docker', 'push']) with stdout, a failure, or a function of the call. */
  on(prefix: string[], answer: Answer): this {
    this.scripts.push({ prefix, answer })
    return this
  }

  /** Makes `prefix...` fail as a command with a non-zero exit would. */
  fails(prefix: string[], exitCode: number, stderr: string): this {
    return this.on(prefix, { exitCode, stderr })
  }

  async run(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
    const call: RecordedCommand = { command, args: [...args], ...options }
    this.calls.push(call)
    const line = [command, ...args]
    const script = [...this.scripts]
      .reverse()
      .find(({ prefix }) => prefix.every((word, index) => line[index] === word))
    const answer = script?.answer ?? {}
    if (typeof answer === 'function') return answer(call)
    if ('exitCode' in answer) {
      throw new CommandError([command, ...args.slice(0, 2)].join(' '), answer.exitCode, answer.stderr)
    }
    return { stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' }
  }

  /** Each command run, as one line: 'docker push repo:tag'. */
  get lines(): string[] {
    return this.calls.map((call) => [call.command, ...call.args].join(' '))
  }
}
