import type { Reporter } from '../src/modes/types.js'

/** A Reporter that records what the action would show, for assertions. */
export class RecordingReporter implements Reporter {
  /** Every line shown, untrusted ones included, in order. */
  readonly lines: string[] = []
  /** The lines given as untrusted (container or AWS text). */
  readonly untrustedLines: string[] = []
  readonly warnings: string[] = []
  readonly notices: string[] = []
  readonly outputs: Record<string, string> = {}
  readonly secrets: string[] = []
  readonly groups: string[] = []

  info(message: string): void {
    this.lines.push(message)
  }
  untrusted(lines: readonly string[]): void {
    this.lines.push(...lines)
    this.untrustedLines.push(...lines)
  }
  warning(message: string): void {
    this.warnings.push(message)
  }
  notice(message: string): void {
    this.notices.push(message)
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value
  }
  setSecret(secret: string): void {
    this.secrets.push(secret)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.groups.push(name)
    return fn()
  }
}
