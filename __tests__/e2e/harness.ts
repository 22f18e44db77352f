// Runs the bundled action the way the GitHub runner does: INPUT_* variables (with action.yml's defaults),
// GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then the post step with the saved state. Against a
// local AWS started by stack.ts, every run's identity holds exactly the policy `mode: permissions` prints for
// the run's inputs (identity 'printed', the default), so a call the permissions table misses fails the suite.
import { spawn, type ChildProcess } from 'node:child_process'
import { constants } from 'node:os'
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { setUpAsAdmin, type AppliedSetup, type JsonObject } from './setup-as-admin.js'

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
  /** The access key the run's calls were made with (a key of its own under identity 'printed'). */
  accessKeyId?: string
  /** The file the setup-template output names (mode permissions), read before RUNNER_TEMP is removed. */
  setupTemplate?: JsonObject
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

/**
 * Who a run is, on a local AWS registered by stack.ts:
 * - 'printed' (default): a key of its own holding exactly the policy `mode: permissions` prints for the run's
 *   inputs (the bundled action run in permissions mode, without credentials, ACCOUNT_ID replaced by the local
 *   account), after an administrator applied the one-time setup template the same run prints (its
 *   setup-template output) to the local AWS (setUpAsAdmin: the roles the deploy passes but may not write, and
 *   the secrets' role policy);
 * - 'quick-path': the printed policy plus creating and writing those roles (by name), and no set-up: an
 *   identity allowed to create roles, for which the action creates what is missing itself;
 * - 'as-given': the credentials in env as they are (tests of AccessDenied set their own policy).
 * A key the test gave a policy, a run without credentials and mode permissions are always 'as-given'.
 */
export type Identity = 'printed' | 'quick-path' | 'as-given'

/** A policy document as the local AWS takes it. */
export interface Policy {
  Version: string
  Statement: Array<{
    Sid?: string
    Effect: 'Allow' | 'Deny'
    Action: string | string[]
    Resource: string | string[]
    Condition?: Record<string, Record<string, string | string[]>>
  }>
}

/** What the harness needs of a local AWS to run steps under a policy (stack.ts registers each one). */
export interface PolicyAuthority {
  endpoint: string
  region: string
  accountId: string
  setPolicy(accessKeyId: string, policy: Policy | undefined): void
  /** The test gave this key a policy of its own. */
  hasPolicy(accessKeyId: string): boolean
}

const authorities = new Map<string, PolicyAuthority>()

export function registerPolicyAuthority(authority: PolicyAuthority): void {
  authorities.set(authority.endpoint, authority)
}

export interface RunOptions {
  /** Environment for the step: AWS_ENDPOINT_URL, AWS_REGION, credentials, DOCKER_HOST… */
  env: Record<string, string>
  /** Whose credentials the run has (see Identity); 'printed' unless given. */
  identity?: Identity
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

const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']
/** What a permissions-mode run printed: the policy and the one-time setup template (none when inputs fail). */
interface Printed {
  policy: Policy
  setupTemplate?: JsonObject
}
/** The policies and templates printed so far, by local AWS and inputs: the same inputs print the same. */
const printed = new Map<string, Printed>()
let keys = 0

/** The inputs of the permissions-mode run that prints the policy of a run with these inputs. */
function permissionsInputs(inputs: Record<string, string>): Record<string, string> {
  // task-arn is stop mode's only; without it the policy also allows stopping by family (ListTasks).
  const { 'task-arn': _taskArn, ...rest } = inputs
  return { ...rest, mode: 'permissions' }
}

/**
 * The policy the bundled action prints for these inputs, with the local account. Run without credentials (so
 * it calls nothing and the call log stays the test's); when the inputs do not parse, an empty policy (the
 * run itself then fails before any AWS call).
 */
export async function printedPolicy(
  authority: PolicyAuthority,
  inputs: Record<string, string>,
  base: Record<string, string>,
  node = process.execPath
): Promise<Policy> {
  return (await printedFor(authority, inputs, base, node)).policy
}

/**
 * The policy and the setup template the bundled action prints for these inputs (see printedPolicy). The
 * template uses ${AWS::AccountId} (no credentials, no account): applying it resolves the local account.
 */
async function printedFor(
  authority: PolicyAuthority,
  inputs: Record<string, string>,
  base: Record<string, string>,
  node: string
): Promise<Printed> {
  const cacheKey = JSON.stringify([authority.endpoint, base['AWS_REGION'], permissionsInputs(inputs)])
  const cached = printed.get(cacheKey)
  if (cached) return cached
  const env = Object.fromEntries(
    Object.entries(base).filter(([name]) => !CREDENTIAL_VARIABLES.includes(name))
  )
  const dir = mkdtempSync(join(tmpdir(), 'efd-policy-'))
  try {
    const run = await runStep(
      {
        ...env,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_CONFIG_FILE: '/nonexistent/config',
        ...inputEnvironment(permissionsInputs(inputs))
      },
      node,
      dir,
      'permissions',
      dir
    )
    const text = run.outputs['policy']
    const ok = run.exitCode === 0 && text !== undefined && text !== ''
    const result: Printed = {
      policy: ok
        ? (JSON.parse(text.replace(/\bACCOUNT_ID\b/g, authority.accountId)) as Policy)
        : { Version: '2012-10-17', Statement: [] },
      setupTemplate: ok ? readSetupTemplate(run) : undefined
    }
    if (ok && !result.setupTemplate)
      throw new Error(`mode permissions printed no setup-template:\n${run.stdout}`)
    printed.set(cacheKey, result)
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The file a permissions-mode step's setup-template output names, if it wrote one. */
function readSetupTemplate(step: StepResult): JsonObject | undefined {
  const path = step.outputs['setup-template']
  if (!path || !existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, 'utf8')) as JsonObject
}

/** The printed policy plus writing the roles it may look up by name: what the quick path needs. */
export function quickPathPolicy(policy: Policy): Policy {
  const roleArns = new Set<string>()
  for (const statement of policy.Statement) {
    const actions = [statement.Action].flat()
    if (!actions.some((action) => action === 'iam:GetRole' || action === 'iam:PassRole')) continue
    for (const resource of [statement.Resource].flat())
      if (resource.includes(':role/')) roleArns.add(resource)
  }
  if (roleArns.size === 0) return policy
  return {
    ...policy,
    Statement: [
      ...policy.Statement,
      {
        Sid: 'QuickPathCreatesRoles',
        Effect: 'Allow',
        Action: ['iam:AttachRolePolicy', 'iam:CreateRole', 'iam:GetRole', 'iam:PutRolePolicy', 'iam:TagRole'],
        Resource: [...roleArns].sort()
      }
    ]
  }
}

/** The credentials a run gets, and what to undo once its post step is done. */
interface RunIdentity {
  env: Record<string, string>
  /** The key the run's calls are made with. */
  accessKeyId?: string
  release(): void
}

async function identityFor(
  inputs: Record<string, string>,
  options: RunOptions,
  base: Record<string, string>,
  node: string
): Promise<RunIdentity> {
  const asGiven: RunIdentity = { env: {}, accessKeyId: base['AWS_ACCESS_KEY_ID'], release: () => undefined }
  const identity = options.identity ?? 'printed'
  const authority = authorities.get(base['AWS_ENDPOINT_URL'] ?? '')
  const key = base['AWS_ACCESS_KEY_ID']
  const asGivenBecause =
    identity === 'as-given'
      ? 'asked'
      : !authority
        ? 'no local AWS'
        : !key
          ? 'no credentials'
          : authority.hasPolicy(key)
            ? "the test's own policy"
            : inputs['mode'] === 'permissions'
              ? 'mode permissions'
              : undefined
  noteIdentity(asGivenBecause ? `as-given (${asGivenBecause})` : identity, inputs)
  if (asGivenBecause || !authority || !key) return asGiven
  const { policy } = await printedFor(authority, inputs, base, node)
  if (identity === 'printed') await adminSetup(authority, inputs, base, node)
  // A key of the run's own; a key the test named (to tell runs apart in the call log) keeps its name.
  const runKey = key === STACK_KEY ? `AKIDPRINTED${String(++keys).padStart(4, '0')}` : key
  authority.setPolicy(runKey, identity === 'quick-path' ? quickPathPolicy(policy) : policy)
  return {
    env: { AWS_ACCESS_KEY_ID: runKey },
    accessKeyId: runKey,
    release: () => authority.setPolicy(runKey, undefined)
  }
}

/** The administrator's one-time setup for these inputs: the template the run's permissions mode prints, applied. */
async function adminSetup(
  authority: PolicyAuthority,
  inputs: Record<string, string>,
  base: Record<string, string>,
  node: string
): Promise<AppliedSetup | undefined> {
  const { setupTemplate } = await printedFor(authority, inputs, base, node)
  if (!setupTemplate) return undefined
  return setUpAsAdmin(
    { aws: authority, env: { AWS_REGION: base['AWS_REGION'] ?? authority.region } },
    setupTemplate
  )
}

/**
 * Does ahead of a run what identity 'printed' does before it (the administrator applies the setup template
 * printed for these inputs), for a test that asserts the run itself leaves no call in the log. Undefined when
 * the inputs do not parse (no template) or env names no local AWS.
 */
export async function setUpAsAdminFor(
  inputs: Record<string, string>,
  options: Pick<RunOptions, 'env' | 'node'>
): Promise<AppliedSetup | undefined> {
  const authority = authorities.get(options.env['AWS_ENDPOINT_URL'] ?? '')
  if (!authority) return undefined
  return adminSetup(
    authority,
    inputs,
    givenEnvironment(options.env, tmpdir()),
    options.node ?? process.execPath
  )
}

/** The environment the runner gives every step, with the test's env over it. */
function givenEnvironment(env: Record<string, string>, home: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? home,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_ACTIONS: 'true',
    ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
    ...env
  }
}

/** With EFD_E2E_IDENTITY_LOG set, each run's identity is appended there (to count what the suite proves). */
function noteIdentity(identity: string, inputs: Record<string, string>): void {
  const log = process.env['EFD_E2E_IDENTITY_LOG']
  const names = [inputs['service'], inputs['repository'], inputs['cluster']].filter(Boolean).join(' ')
  if (log) appendFileSync(log, `${identity}\t${inputs['mode'] ?? 'deploy'}\t${names}\n`)
}

/** The key stack.ts gives its env: runs with it get a key of their own (identity 'printed' or 'quick-path'). */
export const STACK_KEY = 'AKIDLOCALDEPLOYER'

export async function runAction(inputs: Record<string, string>, options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'efd-run-'))
  const runnerTemp = mkdtempSync(join(tmpdir(), 'efd-runner-temp-'))
  const node = options.node ?? process.execPath
  const given = givenEnvironment(options.env, dir)
  const identity = await identityFor(inputs, options, given, node)
  const base = { ...given, ...identity.env }
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
    return {
      ...main,
      post,
      runnerTemp,
      runnerTempLeft: readdirSync(runnerTemp),
      accessKeyId: identity.accessKeyId,
      setupTemplate: readSetupTemplate(main)
    }
  } finally {
    identity.release()
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
  /** The access key the run's calls are made with. */
  accessKeyId?: string
  /** Removes the run's folders (and the run's key's policy). */
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
export async function startAction(
  inputs: Record<string, string>,
  options: RunOptions
): Promise<RunningAction> {
  const dir = mkdtempSync(join(tmpdir(), 'efd-run-'))
  const runnerTemp = mkdtempSync(join(tmpdir(), 'efd-runner-temp-'))
  const node = options.node ?? process.execPath
  const given = givenEnvironment(options.env, dir)
  const identity = await identityFor(inputs, options, given, node)
  const base = { ...given, ...identity.env }
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
    accessKeyId: identity.accessKeyId,
    cleanUp: () => {
      identity.release()
      rmSync(dir, { recursive: true, force: true })
      rmSync(runnerTemp, { recursive: true, force: true })
    }
  }
}
