// Runs the bundled action the way the GitHub runner does: INPUT_* variables (with action.yml's defaults),
// GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then the post step with the saved state.
import { spawn, type ChildProcess } from 'node:child_process'
import { constants } from 'node:os'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** The bundle under test: dist/ unless EFD_DIST names another build (parallel work on one machine). */
export const DIST = process.env['EFD_DIST'] ?? join(ROOT, 'dist/index.cjs')

interface ActionYaml {
  inputs: Record<string, { default?: string }>
}

const actionYaml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml

export interface StepResult {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** The ::error:: annotations the step printed, unescaped. */
  errors: string[]
}

export interface ActionRun extends StepResult {
  post: StepResult
  /** RUNNER_TEMP of the run (removed afterwards) and what was left in it after the post step. */
  runnerTemp: string
  runnerTempLeft: string[]
}

/** Reads a runner file-command file: `name=value` lines and `name<<DELIMITER` heredocs. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]!)
      values[name!] = body.join('\n')
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

function unescapeCommand(data: string): string {
  return data.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}

export interface RunOptions {
  /** Environment for the step: AWS_ENDPOINT_URL, AWS_REGION, credentials, DOCKER_HOST… */
  env: Record<string, string>
  node?: string
  /** Skip the post step (to inspect state in between). */
  skipPost?: boolean
  /** Sees the main step's stdout as it is written (what a user watching the live log sees). */
  onStdout?: (chunk: string) => void
}

/** The environment the runner gives an action: every input, with action.yml's default where not given. */
export function inputEnvironment(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYaml.inputs)) {
    const value =
      inputs[name] ?? (spec.default === '${{ github.token }}' ? 'ghs_localtesttoken' : spec.default)
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = value
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYaml.inputs)) throw new Error(`action.yml has no input '${name}'`)
  }
  return env
}

/** A step's process as it runs: its pid (to signal it) and its result once it exits. */
interface SpawnedStep {
  child: ChildProcess
  result: Promise<StepResult>
}

async function runStep(
  env: Record<string, string>,
  node: string,
  dir: string,
  label: string,
  runnerTemp: string,
  onStdout?: (chunk: string) => void
): Promise<StepResult> {
  return spawnStep(env, node, dir, label, runnerTemp, onStdout).result
}

function spawnStep(
  env: Record<string, string>,
  node: string,
  dir: string,
  label: string,
  runnerTemp: string,
  onStdout?: (chunk: string) => void
): SpawnedStep {
  const files = {
    GITHUB_OUTPUT: join(dir, `${label}-output`),
    GITHUB_STATE: join(dir, `${label}-state`),
    GITHUB_STEP_SUMMARY: join(dir, `${label}-summary`)
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const child = spawn(node, [DIST], {
    cwd: ROOT,
    env: { ...env, ...files, RUNNER_TEMP: runnerTemp },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    onStdout?.(chunk.toString())
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const result = new Promise<number>((done) =>
    child.on('close', (code, signal) => done(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : -1)))
  ).then((exitCode) => stepResult(exitCode, stdout, stderr, files))
  return { child, result }
}

function stepResult(
  exitCode: number,
  stdout: string,
  stderr: string,
  files: Record<'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY', string>
): StepResult {
  const errors = [...stdout.matchAll(/^::error(?: [^:]*)?::(.*)$/gm)].map((match) =>
    unescapeCommand(match[1]!)
  )
  return {
    exitCode,
    stdout,
    stderr,
    errors,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  }
}

export async function runAction(inputs: Record<string, string>, options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'efd-run-'))
  const runnerTemp = mkdtempSync(join(tmpdir(), 'efd-runner-temp-'))
  const node = options.node ?? process.execPath
  const base = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? dir,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_ACTIONS: 'true',
    ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
    ...options.env
  }
  try {
    const main = await runStep(
      { ...base, ...inputEnvironment(inputs) },
      node,
      dir,
      'main',
      runnerTemp,
      options.onStdout
    )
    const stateEnv = Object.fromEntries(
      Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value])
    )
    const post = options.skipPost
      ? { exitCode: 0, stdout: '', stderr: '', outputs: {}, state: {}, summary: '', errors: [] }
      : await runStep({ ...base, ...inputEnvironment(inputs), ...stateEnv }, node, dir, 'post', runnerTemp)
    return { ...main, post, runnerTemp, runnerTempLeft: readdirSync(runnerTemp) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    rmSync(runnerTemp, { recursive: true, force: true })
  }
}

/** A main step still running: signal it as the runner does, then run the post step with the state it saved. */
export interface RunningAction {
  /** The main step's stdout so far. */
  stdout(): string
  /** Resolves once the main step's stdout matches (rejects after withinMs). */
  waitForStdout(pattern: RegExp, withinMs?: number): Promise<void>
  signal(name: NodeJS.Signals): void
  /** The main step's result once it exits. */
  main: Promise<StepResult>
  /** The post step, run after the main step exited (however it ended), with the state main saved. */
  post(): Promise<StepResult>
  /** Removes the run's folders. */
  cleanUp(): void
}

/**
 * The runner's cancellation: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that; each only if the step still
 * runs. Resolves with the main step's result and the signals that were sent.
 */
export async function cancelAsTheRunnerDoes(
  action: RunningAction,
  timings = { terminateAfterMs: 7500, killAfterMs: 2500 }
): Promise<{ main: StepResult; sent: NodeJS.Signals[]; msToExit: number }> {
  const sent: NodeJS.Signals[] = []
  let exited = false
  const start = Date.now()
  const main = action.main.then((result) => {
    exited = true
    return result
  })
  const after = (ms: number, name: NodeJS.Signals) =>
    setTimeout(() => {
      if (exited) return
      sent.push(name)
      action.signal(name)
    }, ms)
  sent.push('SIGINT')
  action.signal('SIGINT')
  const terminate = after(timings.terminateAfterMs, 'SIGTERM')
  const kill = after(timings.terminateAfterMs + timings.killAfterMs, 'SIGKILL')
  const result = await main
  const msToExit = Date.now() - start
  clearTimeout(terminate)
  clearTimeout(kill)
  return { main: result, sent, msToExit }
}

/** Starts the main step and returns while it runs, for tests that cancel or kill it. */
export function startAction(inputs: Record<string, string>, options: RunOptions): RunningAction {
  const dir = mkdtempSync(join(tmpdir(), 'efd-run-'))
  const runnerTemp = mkdtempSync(join(tmpdir(), 'efd-runner-temp-'))
  const node = options.node ?? process.execPath
  const base = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? dir,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_ACTIONS: 'true',
    ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
    ...options.env
  }
  let stdout = ''
  const watchers = new Set<() => void>()
  const spawned = spawnStep(
    { ...base, ...inputEnvironment(inputs) },
    node,
    dir,
    'main',
    runnerTemp,
    (chunk) => {
      stdout += chunk
      options.onStdout?.(chunk)
      for (const watcher of watchers) watcher()
    }
  )
  return {
    stdout: () => stdout,
    waitForStdout: (pattern, withinMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check)
          reject(
            new Error(`The main step did not print ${String(pattern)} within ${withinMs} ms:\n${stdout}`)
          )
        }, withinMs)
        const check = (): void => {
          if (!pattern.test(stdout)) return
          clearTimeout(timer)
          watchers.delete(check)
          resolve()
        }
        watchers.add(check)
        check()
      }),
    signal: (name) => {
      spawned.child.kill(name)
    },
    main: spawned.result,
    post: async () => {
      const main = await spawned.result
      const stateEnv = Object.fromEntries(
        Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value])
      )
      return runStep({ ...base, ...inputEnvironment(inputs), ...stateEnv }, node, dir, 'post', runnerTemp)
    },
    cleanUp: () => {
      rmSync(dir, { recursive: true, force: true })
      rmSync(runnerTemp, { recursive: true, force: true })
    }
  }
}
