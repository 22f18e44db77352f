// Entry point for both the main and the post step. Inputs are read and validated before anything heavy is
// loaded, so a bad input fails in milliseconds and without a single AWS call. scripts/package.mjs bundles this
// file alone as CommonJS (dist/index.cjs): the rest of the action (./steps.js, ES modules) is imported only
// after the inputs validate, so a bad input never pays for the ES module loader.
import { appendFileSync, readFileSync, writeSync } from 'node:fs'
import { EOL } from 'node:os'
import { InputError, inputFromEnv, parseInputs } from './inputs/inputs.js'
import { inputErrorSummary } from './runner/input-summary.js'
import { STATE, stateEnvName } from './runner/state.js'

/** The runner's file command for state (as core.saveState writes it), without loading @actions/core. */
function saveState(name: string, value: string): void {
  const file = process.env['GITHUB_STATE']
  if (file) appendFileSync(file, `${name}=${value}${EOL}`)
}

/** The step summary (as core.summary writes it: appended to the file), without loading @actions/core. */
function appendSummary(html: string): void {
  const file = process.env['GITHUB_STEP_SUMMARY']
  if (!file) return
  try {
    appendFileSync(file, html)
  } catch {
    // A summary that cannot be written must not hide the failure itself.
  }
}

/** The ::error:: workflow command (as core.setFailed writes it), escaped the same way. */
function fail(message: string, write: (text: string) => void = (text) => process.stdout.write(text)): void {
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  write(`::error title=ecs-fargate-deploy::${escaped}${EOL}`)
  process.exitCode = 1
}

/**
 * Writes to stdout while nothing else has: straight to the file descriptor, because creating process.stdout
 * for a pipe (as the runner gives) costs about a third of Node's own start-up (measured by npm run bench).
 */
function writeFirst(text: string): void {
  const bytes = Buffer.from(text)
  let written = 0
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written)
  } catch {
    process.stdout.write(bytes.subarray(written)) // a non-blocking pipe that is full (EAGAIN)
  }
}

async function start(): Promise<void> {
  if (process.env[stateEnvName(STATE.isPost)] === 'true') {
    const { post } = await (await import('./steps.js')).loadPost()
    await post()
    return
  }
  saveState(STATE.isPost, 'true')
  let inputs
  try {
    inputs = parseInputs(inputFromEnv(process.env), {
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8')
    })
  } catch (error) {
    if (error instanceof InputError) {
      appendSummary(inputErrorSummary(error.problems))
      return fail(error.message, writeFirst)
    }
    throw error
  }
  const { run } = await (await import('./steps.js')).loadMain()
  await run(inputs)
}

start().catch((error: unknown) =>
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error))
)
