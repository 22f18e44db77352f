// Cancellation's pure parts: the run URL, the StopTask reason within ECS's 255 characters, abortable waits.
import { FakeClock } from '../../__fixtures__/clock.js'
import {
  STOP_REASON_LIMIT,
  abortableClock,
  cancelStopReason,
  runUrl,
  stopReasonFor,
  unlessAborted
} from '../../src/modes/cancel.js'

test.each([
  [
    { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' },
    'https://github.com/o/r/actions/runs/7'
  ],
  [{ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r' }, undefined],
  [{}, undefined]
])('runUrl(%j) is %s', (env, url) => {
  expect(runUrl(env)).toBe(url)
})

test.each([
  ['the words and the URL', 'cancelled', 'https://x/runs/1', 'cancelled: https://x/runs/1'],
  ['no URL: the words', 'cancelled', undefined, 'cancelled'],
  ['too long with the URL: the words alone', 'w'.repeat(200), `https://x/${'u'.repeat(60)}`, 'w'.repeat(200)],
  ['words too long: cut to 255 with an ellipsis', 'w'.repeat(300), undefined, `${'w'.repeat(254)}…`]
])('stopReasonFor: %s', (_rule, what, url, reason) => {
  expect(stopReasonFor(what, url)).toBe(reason)
  expect(stopReasonFor(what, url).length).toBeLessThanOrEqual(STOP_REASON_LIMIT)
})

test('the cancel reason names the cancellation and links the run', () => {
  expect(cancelStopReason('https://github.com/o/r/actions/runs/7')).toBe(
    'Stopped by ecs-fargate-deploy: the workflow run was cancelled: https://github.com/o/r/actions/runs/7'
  )
})

test('unlessAborted rejects with the abort reason at once, and passes a result through otherwise', async () => {
  const controller = new AbortController()
  const never = new Promise<number>(() => undefined)
  const cut = unlessAborted(controller.signal, never)
  controller.abort('SIGINT')
  await expect(cut).rejects.toBe('SIGINT')
  await expect(unlessAborted(new AbortController().signal, Promise.resolve(3))).resolves.toBe(3)
  await expect(unlessAborted(controller.signal, Promise.resolve(3))).rejects.toBe('SIGINT')
})

test('an abortable clock: sleeps pass through until the signal is aborted, then reject', async () => {
  const controller = new AbortController()
  const clock = new FakeClock()
  const abortable = abortableClock(clock, controller.signal)
  await abortable.sleep(1000)
  expect(clock.sleeps).toEqual([1000])
  controller.abort('SIGTERM')
  await expect(abortable.sleep(1000)).rejects.toBe('SIGTERM')
})
