// The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that: either signal
// aborts one AbortSignal, so the deploy can stop what it started. The source is passed in (process, or a fake).

export type CancelSignal = 'SIGINT' | 'SIGTERM'

export interface SignalSource {
  on(event: CancelSignal, listener: () => void): unknown
  off(event: CancelSignal, listener: () => void): unknown
}

/** Listens for SIGINT and SIGTERM until disposed; the first aborts the signal with its name as the reason. */
export function listenForCancel(source: SignalSource): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController()
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const listener = (): void => {
      if (!controller.signal.aborted) controller.abort(name)
    }
    source.on(name, listener)
    return { name, listener }
  })
  return {
    signal: controller.signal,
    dispose: () => {
      for (const { name, listener } of listeners) source.off(name, listener)
    }
  }
}
