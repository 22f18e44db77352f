// A job whose image build and whose log print workflow commands: read as the runner reads the step log, they
// make no annotation, mask or output, and every line shows as printed.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction } from './harness.js'
import { processStepOutput } from './runner-commands.js'
import { startStack, type Stack } from './stack.js'

const CLUSTER = 'untrusted-cluster'

/** What the job prints, one line each: every kind of workflow command, and lines a mask would hide. */
const JOB_LINES = [
  'job starts',
  '::error::from the job',
  '::warning file=app.ts,line=1,title=Job::from the job',
  '::notice::from the job',
  '::add-mask::jobword',
  'jobword must stay visible',
  '::set-output name=x::y',
  '::stop-commands::jobtoken',
  '::error::inside the job’s own block',
  '::jobtoken::',
  '::error::after the job’s own block',
  '   ::warning::after spaces',
  'text ##[add-mask]olderword in the older form',
  'olderword must stay visible',
  'job ends'
]

/** The build's RUN step prints commands too: a Dockerfile's RUN output is container output. */
const BUILD_LINES = [
  '::warning::from the build',
  'build ##[add-mask]buildword',
  'buildword must stay visible'
]

const quote = (line: string): string => `'${line.replace(/'/g, `'\\''`)}'`

let stack: Stack
let context: string

beforeAll(async () => {
  stack = await startStack()
  context = mkdtempSync(join(tmpdir(), 'efd-untrusted-'))
  writeFileSync(
    join(context, 'job.sh'),
    ['#!/bin/sh', ...JOB_LINES.map((line) => `printf '%s\\n' ${quote(line)}`)].join('\n') + '\n'
  )
  chmodSync(join(context, 'job.sh'), 0o755)
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      'FROM busybox:stable',
      // A fresh value each run, so the step runs (and prints) instead of coming from the build cache.
      `RUN ${BUILD_LINES.map((line) => `printf '%s\\n' ${quote(line)}`).join(' && ')} # ${Date.now()}`,
      'COPY job.sh /job.sh',
      'ENTRYPOINT ["/job.sh"]'
    ].join('\n') + '\n'
  )
})
afterAll(async () => {
  rmSync(context, { recursive: true, force: true })
  await stack?.aws.stop()
})

/** Whether `part` appears in `whole` in this order (other lines may come between). */
function inOrder(whole: string[], part: string[]): boolean {
  let at = 0
  for (const line of whole) if (line === part[at]) at++
  return at === part.length
}

test('a job printing workflow commands makes no annotation, mask or output; its lines show as printed', async () => {
  const run = await runAction(
    { repository: 'untrusted', context, cluster: CLUSTER, 'wait-for': 'stopped', timeout: '120' },
    { env: stack.env }
  )
  expect(run.stderr).toBe('')
  expect(run.exitCode).toBe(0)
  // (run.errors is not the judge here: it takes every `::error::` line, inside a stop-commands block or not.)

  const runner = processStepOutput(run.stdout)
  expect(runner.annotations).toEqual([])
  expect(runner.outputs).toEqual({})
  // The one mask is the action's own: the registry password, before the push.
  expect(runner.masks).toHaveLength(1)
  expect(runner.masks[0]).not.toMatch(/jobword|buildword|olderword/)
  expect([...new Set(runner.commands.map((command) => command.command))].sort()).toEqual([
    'add-mask',
    'endgroup',
    'group'
  ])
  // Every block the action opened was closed again, so its own later commands still work.
  expect(runner.stopBlocks.opened).toBeGreaterThanOrEqual(2)
  expect(runner.stopBlocks.closed).toBe(runner.stopBlocks.opened)

  expect(inOrder(runner.shown, JOB_LINES)).toBe(true)
  for (const line of BUILD_LINES) expect(runner.shown).toContain(line)
  expect(run.outputs['x']).toBeUndefined()
  expect(run.outputs['exit-code']).toBe('0')
})
