// Runs the bundled action the way the GitHub runner does: INPUT_* variables (with action.yml's defaults),
// GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then the post step with the saved state.
import { spawn } from 'node:child_process'
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

async function runStep(
  env: Record<string, string>,
  node: string,
  dir: string,
  label: string,
  runnerTemp: string,
  onStdout?: (chunk: string) => void
): Promise<StepResult> {
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
  const exitCode = await new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)))
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
