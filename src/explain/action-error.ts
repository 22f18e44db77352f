// The action's own error: what failed, what to do, and details; and the one text shown for anything thrown.

/**
 * An error that says what failed and what to do, shown to the user as is. `message` is what was given;
 * `hint` (what to do) and `details` (e.g. the task's stop reasons) are separate and may be set later.
 * Print all three with formatActionError.
 */
export class ActionError extends Error {
  hint?: string
  details?: string

  constructor(message: string, options: { hint?: string; details?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ActionError'
    this.hint = options.hint
    this.details = options.details
  }

  /** The first line of the message. */
  get summary(): string {
    return this.message.split('\n')[0] ?? ''
  }
}

/** The whole text to show for anything thrown: an ActionError's message, details and hint; else the message. */
export function formatActionError(error: unknown): string {
  if (error instanceof ActionError)
    return [error.message, error.details, error.hint].filter(Boolean).join('\n')
  if (error instanceof Error) return error.message
  return String(error)
}
