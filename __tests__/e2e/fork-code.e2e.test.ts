// A fork's pull request on pull_request_target runs with the base repository's credentials: the action refuses
// it before any AWS call or docker command, and the refusal names the way out (allow-fork-code).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction, setUpAsAdminFor } from './harness.js'
import { startStack, type Stack } from './stack.js'

let stack: Stack
let dir: string
/** A docker stand-in first on PATH: it records every call and fails, so no engine is ever reached. */
let dockerLog: string
let pathWithShim: string

beforeAll(async () => {
  stack = await startStack()
  dir = mkdtempSync(join(tmpdir(), 'efd-fork-code-'))
  dockerLog = join(dir, 'docker-calls')
  mkdirSync(join(dir, 'bin'))
  writeFileSync(join(dir, 'bin', 'docker'), `#!/bin/sh\necho "docker $*" >> '${dockerLog}'\nexit 1\n`)
  chmodSync(join(dir, 'bin', 'docker'), 0o755)
  pathWithShim = `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`
  // The administrator's setup before the runs, so that the runs themselves leave the call log empty.
  await setUpAsAdminFor(INPUTS, { env: stack.env })
})
afterAll(async () => {
  await stack?.aws.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** The step environment of a pull_request_target run for pull request #21 from the fork mallory/app. */
function forkTargetEnv(): Record<string, string> {
  const path = join(dir, 'event.json')
  writeFileSync(
    path,
    JSON.stringify({
      action: 'opened',
      number: 21,
      pull_request: {
        number: 21,
        head: { sha: 'f'.repeat(40), ref: 'main', repo: { full_name: 'mallory/app', fork: true } },
        base: { sha: 'c'.repeat(40), ref: 'main', repo: { full_name: 'octo/app', fork: false } }
      },
      repository: { full_name: 'octo/app' }
    })
  )
  return {
    ...stack.env,
    PATH: pathWithShim,
    GITHUB_EVENT_NAME: 'pull_request_target',
    GITHUB_EVENT_PATH: path
  }
}

/** Builds the example from source (context), as a fork's code would be built. */
const INPUTS = { repository: 'fork-web', context: 'examples/web', cluster: 'fork-cluster', preview: 'true' }

test('a pull_request_target run of a fork fails before any AWS call or docker command, saying why and what to do', async () => {
  stack.aws.clearCalls()
  const run = await runAction(INPUTS, { env: forkTargetEnv() })
  expect(run.exitCode).toBe(1)
  expect(run.errors).toEqual([
    "Invalid input: allow-fork-code: is false, and this pull_request_target run is for pull request #21 from the fork mallory/app: pull_request_target runs with octo/app's secrets and OIDC token, so building or deploying the fork's code here would hand them to its author. Deploy pull requests on pull_request instead (a fork gets no credentials there) and gate the deploying workflow on a label a maintainer adds after reading the code; or, if this workflow checks out and builds only trusted code (the base branch), set allow-fork-code: true"
  ])
  expect(run.post.exitCode).toBe(0)
  // Neither the main step nor the post step called the local AWS or docker.
  expect(stack.aws.calls()).toEqual([])
  expect(existsSync(dockerLog)).toBe(false)
})

test('with allow-fork-code: true the same run goes ahead (the stand-in docker is reached), so the test above can fail', async () => {
  stack.aws.clearCalls()
  const run = await runAction({ ...INPUTS, 'allow-fork-code': 'true' }, { env: forkTargetEnv() })
  expect(run.exitCode).toBe(1)
  expect(readFileSync(dockerLog, 'utf8')).toMatch(/^docker /m)
  expect(stack.aws.calls().length).toBeGreaterThan(0)
})
