import { EventEmitter } from 'node:events'
import { listenForCancel } from '../../src/runner/signals.js'

test('listenForCancel: SIGINT or SIGTERM aborts once with its name; dispose removes the listeners', () => {
  const source = new EventEmitter()
  const cancel = listenForCancel(source)
  expect(source.listenerCount('SIGINT')).toBe(1)
  expect(cancel.signal.aborted).toBe(false)
  source.emit('SIGINT')
  source.emit('SIGTERM')
  expect(cancel.signal.reason).toBe('SIGINT')
  cancel.dispose()
  expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0)

  const terminated = listenForCancel(source)
  source.emit('SIGTERM')
  expect(terminated.signal.reason).toBe('SIGTERM')
  terminated.dispose()
})
