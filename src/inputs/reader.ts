// The Reader collects every input problem so that all of them are reported together, and the small text
// parsers the inputs share: lists, KEY=value lines, commands, booleans. No imports.
import type { KeyValue } from './types.js'

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `${problems.length} invalid inputs:\n${problems.map((p) => `  - ${p}`).join('\n')}`
    )
    this.name = 'InputError'
  }
}

/** Reads an input the way @actions/core does: INPUT_<NAME upper-cased, spaces as underscores>, trimmed. */
export function inputFromEnv(env: NodeJS.ProcessEnv): (name: string) => string {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

const TRUE_VALUES = ['true', 'True', 'TRUE']
const FALSE_VALUES = ['false', 'False', 'FALSE']

/** Reads inputs by name, each problem recorded as "name: message" rather than thrown. */
export class Reader {
  readonly problems: string[] = []
  constructor(private readonly get: (name: string) => string) {}

  raw(name: string): string {
    return this.get(name)
  }

  optional(name: string): string | undefined {
    return this.get(name) || undefined
  }

  fail(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`)
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.get(name) || fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.fail(name, `'${value}' is not allowed; use one of ${allowed.join(', ')}`)
    return fallback
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.get(name)
    if (value === '') return fallback
    if (TRUE_VALUES.includes(value)) return true
    if (FALSE_VALUES.includes(value)) return false
    this.fail(name, `'${value}' is not a boolean; use true or false`)
    return fallback
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.get(name)
    if (value === '') return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.fail(name, `'${value}' is not a whole number from ${min} to ${max}`)
      return fallback
    }
    return Number(value)
  }

  matching(name: string, value: string, pattern: RegExp, what: string): string {
    if (value !== '' && !pattern.test(value)) this.fail(name, `'${value}' is not ${what}`)
    return value
  }

  /** Throws every problem recorded so far as one InputError. */
  throwProblems(): void {
    if (this.problems.length > 0) throw new InputError(this.problems)
  }
}

/** Splits a list given as commas and/or newlines, dropping blanks. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/**
 * KEY=value lines; blank lines and lines starting with # are skipped. Returns the pairs and the bad lines, each
 * with its line number (from 1, as the workflow file's block shows it).
 */
export function parseKeyValueLines(text: string): {
  pairs: KeyValue[]
  bad: Array<{ line: number; text: string }>
} {
  const pairs: KeyValue[] = []
  const bad: Array<{ line: number; text: string }> = []
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) return
    const eq = line.indexOf('=')
    if (eq <= 0) bad.push({ line: index + 1, text: line })
    else pairs.push({ name: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() })
  })
  return { pairs, bad }
}

/** A command as a JSON array of strings, or words split like a shell would (quotes group, no expansion). */
export function parseCommand(text: string): string[] | string {
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      return `is not valid JSON: ${(error as Error).message}`
    }
    if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
      return 'must be a JSON array of strings'
    }
    return parsed as string[]
  }
  const words: string[] = []
  let current: string | undefined
  let quote: string | undefined
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined
      else current = (current ?? '') + char
    } else if (char === '"' || char === "'") {
      quote = char
      current = current ?? ''
    } else if (/\s/.test(char)) {
      if (current !== undefined) words.push(current)
      current = undefined
    } else {
      current = (current ?? '') + char
    }
  }
  if (quote) return `has an unclosed ${quote} quote`
  if (current !== undefined) words.push(current)
  return words
}
