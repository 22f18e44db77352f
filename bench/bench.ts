// The benchmark (npm run bench; not a test): the bundled action against the local AWS with a set latency per
// call and set task timings. It prints what the action itself adds to a deploy (tasks, updates of an Express
// Mode service, and updates of an existing standard service) and writes the figures to bench/results/last.json, comparing them with the previous run.
//
//   npx tsx bench/bench.ts [--dist dist/index.cjs] [--against OTHER/index.cjs] [--runs 41] [--deploys 4]
//                          [--updates 5] [--no-aws]   (EFD_DIST also names the bundle)
// With --against, a task deploy runs side by side with that other bundle (an older commit's dist/, e.g. b907a61's
// dist/index.js), the two taking turns in the same run, and the bench prints the CPU ratio of ours to theirs.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type ServiceDeployment,
  type Task
} from '@aws-sdk/client-ecs'
import { startLocalAws, type CallRecord, type LocalAws } from '../local-aws/src/index.js'
import { ROOT, inputEnvironment, parseFileCommands } from '../__tests__/e2e/harness.js'

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: process.env['EFD_DIST'] ?? join(ROOT, 'dist/index.cjs') },
    runs: { type: 'string', default: '41' },
    deploys: { type: 'string', default: '4' },
    updates: { type: 'string', default: '5' },
    against: { type: 'string' },
    'no-aws': { type: 'boolean', default: false }
  }
})
const DIST = resolve(args.dist!)
const AGAINST = args.against === undefined ? undefined : resolve(args.against)
const RUNS = Math.max(11, Number(args.runs))
const DEPLOYS = Math.max(2, Number(args.deploys))
const UPDATES = Math.max(1, Number(args.updates))
const LATENCY_MS = 50
const TASK_TIMINGS = { provisioningMs: 300, pendingMs: 300, stopGraceSeconds: 1 }
const REGION = 'us-east-1'
const ACTION_KEY = 'AKIDBENCHACTION'
const RESULTS = join(ROOT, 'bench/results/last.json')
const PROBE = join(ROOT, 'bench/probe.mjs')
// Tasks run with --network host: the web example listens on a port of the range set aside for the benchmark.
const WEB_PORT = '5401'

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const round = (x: number, digits = 0): number => Number(x.toFixed(digits))

interface Spawned {
  code: number
  startedAt: number
  exitedAt: number
  stdout: string
}

function run(command: string, argv: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Spawned> {
  return new Promise((done, fail) => {
    const startedAt = performance.timeOrigin + performance.now()
    const child = spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.on('error', fail)
    let exitedAt = 0
    child.on('exit', () => (exitedAt = performance.timeOrigin + performance.now()))
    child.on('close', (code) => done({ code: code ?? -1, startedAt, exitedAt, stdout }))
  })
}

// ------------------------------------------------------------------------------------------------ bundle

interface ChunkInfo {
  file: string
  bytes: number
  holds: string
}

function bundle(): { totalBytes: number; chunks: ChunkInfo[] } {
  const dir = dirname(DIST)
  const chunks = readdirSync(dir)
    .filter((file) => /\.c?js$/.test(file))
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8')
      // scripts/package.mjs heads each chunk with what it holds; an ncc CLI build has no such line.
      const header = /^\/\* ecs-fargate-deploy (?:chunk: )?(.*?) \*\//.exec(text)?.[1]
      return { file, bytes: statSync(join(dir, file)).size, holds: header ?? guessContents(text) }
    })
    .sort((a, b) => b.bytes - a.bytes)
  return { totalBytes: chunks.reduce((sum, chunk) => sum + chunk.bytes, 0), chunks }
}

/** For bundles without headers: package names that appear in the text. */
function guessContents(text: string): string {
  const names = new Set(text.match(/@(?:aws-sdk|smithy|actions|octokit)\/[a-z0-9-]+/g) ?? [])
  return [...names].slice(0, 8).join(', ') || '(own code)'
}

// ------------------------------------------------------------------------------------------------ cold start

const BASE_ENV = {
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? tmpdir(),
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_ACTIONS: 'true'
}

function stepFiles(dir: string, label: string): Record<string, string> {
  const files = {
    GITHUB_OUTPUT: join(dir, `${label}-output`),
    GITHUB_STATE: join(dir, `${label}-state`),
    GITHUB_STEP_SUMMARY: join(dir, `${label}-summary`)
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  return files
}

/**
 * The cold start to an input error (the entry's fast path), as a ratio to a bare `node -e 0` measured in the same
 * run: the three commands interleaved, in turns, so that other work on the machine hits each alike; medians.
 * An empty ES module file shows what the ES module loader alone costs.
 */
async function coldStart(dir: string): Promise<Record<string, number>> {
  const env = { ...BASE_ENV, ...inputEnvironment({ cpu: '300' }), ...stepFiles(dir, 'cold') }
  const emptyModule = join(dir, 'empty.mjs')
  writeFileSync(emptyModule, '')
  const commands = [
    { name: 'bare', argv: ['-e', '0'] },
    { name: 'esm', argv: [emptyModule] },
    { name: 'action', argv: [DIST] }
  ]
  const times: Record<string, number[]> = { bare: [], esm: [], action: [] }
  const ratios: number[] = []
  for (let i = 0; i < RUNS + 1; i++) {
    const turn: Record<string, number> = {}
    // A different command goes first in each turn.
    for (let k = 0; k < commands.length; k++) {
      const { name, argv } = commands[(i + k) % commands.length]!
      const spawned = await run(process.execPath, argv, env)
      if (name === 'action' && (spawned.code === 0 || !spawned.stdout.includes('::error')))
        throw new Error(`expected an input error: ${spawned.stdout}`)
      turn[name] = spawned.exitedAt - spawned.startedAt
    }
    if (i === 0) continue // warm the file cache
    for (const name of Object.keys(times)) times[name]!.push(turn[name]!)
    ratios.push(turn['action']! / turn['bare']!)
  }
  const probeFile = join(dir, 'cold-probe.json')
  await run(process.execPath, ['--import', PROBE, DIST], { ...env, EFD_BENCH_PROBE: probeFile })
  const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as { maxRssMiB: number }
  const bareMs = median(times['bare']!)
  const sortedRatios = [...ratios].sort((a, b) => a - b)
  const quartile = (q: number): number => sortedRatios[Math.round(q * (sortedRatios.length - 1))]!
  return {
    bareNodeMs: round(bareMs, 1),
    emptyModuleMs: round(median(times['esm']!), 1),
    emptyModuleRatio: round(median(times['esm']!) / bareMs, 2),
    actionMs: round(median(times['action']!), 1),
    ratio: round(median(times['action']!) / bareMs, 2),
    ratioQ1: round(quartile(0.25), 2),
    ratioQ3: round(quartile(0.75), 2),
    peakMemoryMiB: round(probe.maxRssMiB, 1),
    runs: RUNS
  }
}

// ------------------------------------------------------------------------------------------------ the action

interface StepRun extends Spawned {
  outputs: Record<string, string>
  cpuMs: number
  maxRssMiB: number
  loaded: string[]
}

async function runStep(
  dir: string,
  label: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  expectedExit = 0,
  dist = DIST
): Promise<StepRun> {
  const files = stepFiles(dir, label)
  const probeFile = join(dir, `${label}-probe.json`)
  const step = await run(process.execPath, ['--import', PROBE, dist], {
    ...BASE_ENV,
    ...env,
    ...inputEnvironment(inputs),
    ...files,
    RUNNER_TEMP: dir,
    EFD_BENCH_PROBE: probeFile
  })
  const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as {
    cpuMs: number
    maxRssMiB: number
    loaded: string[]
  }
  const outputs = parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
  if (step.code !== expectedExit)
    throw new Error(`${label} exited ${step.code}, not ${expectedExit}:\n${step.stdout}`)
  // The post step logs out of the registry and removes the Docker config folder (not measured).
  const state = parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'))
  const stateEnv = Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]))
  await run(process.execPath, [dist], {
    ...BASE_ENV,
    ...env,
    ...inputEnvironment(inputs),
    ...stepFiles(dir, `${label}-post`),
    ...stateEnv,
    RUNNER_TEMP: dir
  })
  return { ...step, outputs, ...probe }
}

/**
 * Sequential rounds of calls: the longest chain of calls each of which started after the previous one ended.
 * Calls that overlap in time count as one round, whatever their number.
 */
function sequentialRounds(calls: CallRecord[]): number {
  const sorted = [...calls].sort((a, b) => a.time - b.time)
  const depth: number[] = []
  sorted.forEach((call, i) => {
    let before = 0
    for (let j = 0; j < i; j++) {
      const earlier = sorted[j]!
      if (earlier.time + earlier.durationMs <= call.time) before = Math.max(before, depth[j]!)
    }
    depth.push(before + 1)
  })
  return Math.max(0, ...depth)
}

function countByOperation(calls: CallRecord[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const call of calls) {
    const name = `${call.service}:${call.operation}`
    counts[name] = (counts[name] ?? 0) + 1
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)))
}

function observer(aws: LocalAws): ECSClient {
  return new ECSClient({
    region: REGION,
    endpoint: aws.endpoint,
    credentials: { accessKeyId: 'AKIDBENCHOBSERVER', secretAccessKey: 'x' }
  })
}

async function describeTask(aws: LocalAws, cluster: string, taskArn: string): Promise<Task> {
  const ecs = observer(aws)
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))
  ecs.destroy()
  return tasks![0]!
}

async function describeDeployment(aws: LocalAws, arn: string): Promise<ServiceDeployment> {
  const ecs = observer(aws)
  const { serviceDeployments } = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })
  )
  ecs.destroy()
  return serviceDeployments![0]!
}

/** The bundle files a step loaded, described by what they hold. */
function loadedChunks(step: StepRun, chunks: ChunkInfo[]): string[] {
  const byFile = new Map(chunks.map((chunk) => [chunk.file, chunk.holds]))
  const dir = dirname(DIST)
  return step.loaded
    .map((url) => new URL(url).pathname)
    .filter((path) => dirname(path) === dir)
    .map((path) => path.slice(dir.length + 1))
    .map((file) => `${file}: ${byFile.get(file) ?? '?'}`)
}

async function dockerBuild(name: string, tag: string): Promise<void> {
  const built = await run(
    'docker',
    ['build', '--quiet', '--tag', tag, join(ROOT, 'examples', name)],
    process.env
  )
  if (built.code !== 0) throw new Error(`docker build examples/${name} failed`)
}

/** An image built FROM another one with a Dockerfile given as text (no registry pull). */
function dockerBuildFrom(tag: string, dockerfile: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('docker', ['build', '--quiet', '--tag', tag, '-'], {
      env: process.env,
      stdio: ['pipe', 'ignore', 'inherit']
    })
    child.on('error', fail)
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`docker build ${tag} failed`))))
    child.stdin.end(dockerfile)
  })
}

const SERVICE_IMAGES = ['efd-bench-web:bench', 'efd-bench-web:bench-v2']
const CRASHING_IMAGE = 'efd-bench-web:bench-crashing'

/**
 * An Express Mode service: created, then updated UPDATES times, alternating two images so each update is a real
 * deployment, then to an image that crashes (its deployment rolls back), then deleted. For each update, the time
 * from the deployment reaching its final status in the local AWS (finishedAt: SUCCESSFUL or ROLLBACK_SUCCESSFUL)
 * to the action's exit.
 */
async function serviceUpdates(
  aws: LocalAws,
  dir: string,
  env: Record<string, string>,
  actionCalls: () => CallRecord[]
): Promise<Record<string, unknown>> {
  const service = {
    repository: 'bench-svc',
    cluster: 'bench',
    service: 'bench-svc',
    port: '5000',
    'health-path': '/health'
  }
  const measure = async (
    label: string,
    image: string,
    expectedExit = 0
  ): Promise<Record<string, unknown> & { finalToExitMs: number }> => {
    aws.clearCalls()
    const step = await runStep(dir, label, { ...service, image }, env, expectedExit)
    const calls = actionCalls()
    const deployment = await describeDeployment(aws, step.outputs['deployment-arn']!)
    if (!deployment.finishedAt) throw new Error(`${label}: deployment ${deployment.status} has no finishedAt`)
    return {
      status: deployment.status,
      wallMs: round(step.exitedAt - step.startedAt),
      deploymentMs: round(deployment.finishedAt.getTime() - deployment.createdAt!.getTime()),
      awsCalls: calls.length,
      callsByOperation: countByOperation(calls),
      finalToExitMs: round(step.exitedAt - deployment.finishedAt.getTime())
    }
  }
  const create = await measure('service-create', SERVICE_IMAGES[0]!)
  const updates: Array<Record<string, unknown> & { finalToExitMs: number }> = []
  for (let i = 0; i < UPDATES; i++)
    updates.push(await measure(`service-update-${i}`, SERVICE_IMAGES[(i + 1) % 2]!))
  const rollback = await measure('service-rollback', CRASHING_IMAGE, 1)
  if (rollback['status'] !== 'ROLLBACK_SUCCESSFUL')
    throw new Error(`the crashing image's deployment ended ${String(rollback['status'])}`)
  aws.clearCalls()
  const deleted = await runStep(
    dir,
    'service-delete',
    { mode: 'stop', cluster: 'bench', service: 'bench-svc' },
    env
  )
  const successfulToExit = updates.map((update) => update.finalToExitMs)
  return {
    successfulToExitMs: {
      median: median(successfulToExit),
      min: Math.min(...successfulToExit),
      max: Math.max(...successfulToExit),
      updates: UPDATES
    },
    rollbackToExitMs: rollback.finalToExitMs,
    create,
    updates,
    rollback,
    delete: {
      wallMs: round(deleted.exitedAt - deleted.startedAt),
      callsByOperation: countByOperation(actionCalls())
    }
  }
}

/**
 * An existing standard ECS service (issue 20), made with CreateService as Terraform would (a target group front,
 * circuit breaker with rollback), then updated UPDATES times by the action, alternating two images, then to an
 * image that crashes (the circuit breaker rolls it back). For each update, the time from the deployment's final
 * status in the local AWS (finishedAt) to the action's exit: the goal is at most 2 s, as for Express Mode.
 */
async function existingServiceUpdates(
  aws: LocalAws,
  dir: string,
  env: Record<string, string>,
  actionCalls: () => CallRecord[]
): Promise<Record<string, unknown>> {
  const ecs = observer(aws)
  const cluster = 'bench'
  const name = 'bench-exs'
  try {
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: name,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        executionRoleArn: `arn:aws:iam::${aws.accountId}:role/ecsTaskExecutionRole`,
        containerDefinitions: [
          { name: 'app', image: SERVICE_IMAGES[0], essential: true, portMappings: [{ containerPort: 5000 }] }
        ]
      })
    )
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: taskDefinition!.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-0def0000000000a01'],
            securityGroups: ['sg-0def00000000000a1']
          }
        },
        loadBalancers: [
          {
            targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${aws.accountId}:targetgroup/bench-exs/0123456789abcdef`,
            containerName: 'app',
            containerPort: 5000
          }
        ],
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
      })
    )
    const first = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service: name, maxResults: 1 }))
    const firstArn = first.serviceDeployments![0]!.serviceDeploymentArn!
    for (;;) {
      const deployment = await describeDeployment(aws, firstArn)
      if (deployment.finishedAt) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  } finally {
    ecs.destroy()
  }
  const inputs = { repository: name, family: name, cluster, service: name }
  const measure = async (
    label: string,
    image: string,
    expectedExit = 0
  ): Promise<Record<string, unknown> & { finalToExitMs: number }> => {
    aws.clearCalls()
    const step = await runStep(dir, label, { ...inputs, image }, env, expectedExit)
    const calls = actionCalls()
    const deployment = await describeDeployment(aws, step.outputs['deployment-arn']!)
    if (!deployment.finishedAt) throw new Error(`${label}: deployment ${deployment.status} has no finishedAt`)
    return {
      status: deployment.status,
      wallMs: round(step.exitedAt - step.startedAt),
      deploymentMs: round(deployment.finishedAt.getTime() - deployment.createdAt!.getTime()),
      awsCalls: calls.length,
      callsByOperation: countByOperation(calls),
      finalToExitMs: round(step.exitedAt - deployment.finishedAt.getTime())
    }
  }
  const updates: Array<Record<string, unknown> & { finalToExitMs: number }> = []
  for (let i = 0; i < UPDATES; i++)
    updates.push(await measure(`existing-update-${i}`, SERVICE_IMAGES[(i + 1) % 2]!))
  const rollback = await measure('existing-rollback', CRASHING_IMAGE, 1)
  if (rollback['status'] !== 'ROLLBACK_SUCCESSFUL')
    throw new Error(`the crashing image's deployment ended ${String(rollback['status'])}`)
  const successfulToExit = updates.map((update) => update.finalToExitMs)
  return {
    successfulToExitMs: {
      median: median(successfulToExit),
      min: Math.min(...successfulToExit),
      max: Math.max(...successfulToExit),
      updates: UPDATES
    },
    rollbackToExitMs: rollback.finalToExitMs,
    updates,
    rollback
  }
}

/**
 * A task deploy (all exists already) with this bundle and with another one, taking turns (the first of each turn
 * alternates), each followed by a stop: CPU medians of each, and their ratio, measured in the same run.
 */
async function deploysSideBySide(
  dir: string,
  web: Record<string, string>,
  env: Record<string, string>,
  against: string
): Promise<Record<string, unknown>> {
  const cpu: Record<'ours' | 'theirs', number[]> = { ours: [], theirs: [] }
  const wall: Record<'ours' | 'theirs', number[]> = { ours: [], theirs: [] }
  const stop = { mode: 'stop', cluster: web['cluster']!, family: 'bench-web' }
  for (let i = 0; i < DEPLOYS; i++) {
    const turn: Array<'ours' | 'theirs'> = i % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours']
    for (const who of turn) {
      const step = await runStep(dir, `side-${who}-${i}`, web, env, 0, who === 'ours' ? DIST : against)
      cpu[who].push(step.cpuMs)
      wall[who].push(step.exitedAt - step.startedAt)
      await runStep(dir, `side-stop-${who}-${i}`, stop, env)
    }
  }
  const ours = median(cpu.ours)
  const theirs = median(cpu.theirs)
  return {
    against,
    deploys: DEPLOYS,
    oursCpuMs: round(ours),
    theirsCpuMs: round(theirs),
    cpuRatio: round(ours / theirs, 2),
    oursWallMs: round(median(wall.ours)),
    theirsWallMs: round(median(wall.theirs)),
    oursCpuEachMs: cpu.ours.map((ms) => round(ms)),
    theirsCpuEachMs: cpu.theirs.map((ms) => round(ms))
  }
}

async function withLocalAws(chunks: ChunkInfo[], dir: string): Promise<Record<string, unknown>> {
  await Promise.all([dockerBuild('web', 'efd-bench-web:bench'), dockerBuild('job', 'efd-bench-job:bench')])
  await dockerBuildFrom(SERVICE_IMAGES[1]!, `FROM ${SERVICE_IMAGES[0]}\nRUN echo v2 > /www/version\n`)
  await dockerBuildFrom(CRASHING_IMAGE, `FROM ${SERVICE_IMAGES[0]}\nCMD ["sh", "-c", "exit 3"]\n`)
  const aws = await startLocalAws({ latencyMs: LATENCY_MS, taskTimings: TASK_TIMINGS })
  try {
    const env = {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: ACTION_KEY,
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {})
    }
    const cluster = 'bench'
    const web = {
      repository: 'bench-web',
      image: 'efd-bench-web:bench',
      cluster,
      port: WEB_PORT,
      environment: `PORT=${WEB_PORT}`
    }
    const actionCalls = (): CallRecord[] => aws.calls().filter((call) => call.accessKeyId === ACTION_KEY)

    const deploys: Array<Record<string, unknown>> = []
    let lastDeploy: StepRun | undefined
    // First everything is created; the second deploy finds it all and reuses the task definition.
    const kinds = [
      'first (creates resources)',
      ...Array.from({ length: DEPLOYS - 1 }, () => 'again (all exists)')
    ]
    for (const [index, kind] of kinds.entries()) {
      aws.clearCalls()
      const step = await runStep(dir, `deploy-${deploys.length}`, web, env)
      const calls = actionCalls()
      const runTask = calls.find((call) => call.operation === 'RunTask')!
      const task = await describeTask(aws, cluster, step.outputs['task-arn']!)
      deploys.push({
        kind,
        wallMs: round(step.exitedAt - step.startedAt),
        firstAwsCallMs: round(Math.min(...calls.map((call) => call.time)) - step.startedAt),
        cpuMs: round(step.cpuMs),
        peakMemoryMiB: round(step.maxRssMiB, 1),
        awsCalls: calls.length,
        callsByOperation: countByOperation(calls),
        roundsBeforeRunTask: sequentialRounds(calls.filter((call) => call.time < runTask.time)),
        runningToExitMs: round(step.exitedAt - task.startedAt!.getTime())
      })
      lastDeploy = step
      // Stop the first task so the next deploy can use the port; stopping the last one is measured below.
      if (index < kinds.length - 1)
        await runStep(dir, `stop-${index}`, { mode: 'stop', cluster, family: 'bench-web' }, env)
    }

    aws.clearCalls()
    const stop = await runStep(dir, 'stop-measured', { mode: 'stop', cluster, family: 'bench-web' }, env)
    const stopMode = {
      wallMs: round(stop.exitedAt - stop.startedAt),
      cpuMs: round(stop.cpuMs),
      peakMemoryMiB: round(stop.maxRssMiB, 1),
      callsByOperation: countByOperation(actionCalls()),
      chunksLoaded: loadedChunks(stop, chunks)
    }

    const sideBySide = AGAINST ? await deploysSideBySide(dir, web, env, AGAINST) : undefined

    aws.clearCalls()
    const job = await runStep(
      dir,
      'job',
      {
        repository: 'bench-job',
        image: 'efd-bench-job:bench',
        cluster,
        'wait-for': 'stopped',
        environment: 'LINES=3\nSLEEP=2'
      },
      env
    )
    const jobTask = await describeTask(aws, cluster, job.outputs['task-arn']!)
    const jobCalls = actionCalls()
    const service = await serviceUpdates(aws, dir, env, actionCalls)
    const existingService = await existingServiceUpdates(aws, dir, env, actionCalls)
    const runningToExit = deploys.map((deploy) => deploy['runningToExitMs'] as number)
    return {
      latencyMsPerCall: LATENCY_MS,
      runningToExitMs: { median: median(runningToExit), max: Math.max(...runningToExit) },
      taskTimings: TASK_TIMINGS,
      deploys,
      deployChunksLoaded: lastDeploy ? loadedChunks(lastDeploy, chunks) : [],
      sideBySide,
      stopMode,
      job: {
        wallMs: round(job.exitedAt - job.startedAt),
        cpuMs: round(job.cpuMs),
        awsCalls: jobCalls.length,
        callsByOperation: countByOperation(jobCalls),
        stoppedToExitMs: round(job.exitedAt - jobTask.stoppedAt!.getTime())
      },
      service,
      existingService
    }
  } finally {
    await aws.stop()
  }
}

// ------------------------------------------------------------------------------------------------ report

type Figures = Record<string, unknown>

/** Every numeric leaf of the figures, by its path ("coldStart.ratio"). */
function numbers(value: unknown, path = '', into = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number') into.set(path, value)
  else if (value && typeof value === 'object' && !Array.isArray(value))
    for (const [key, inner] of Object.entries(value)) numbers(inner, path ? `${path}.${key}` : key, into)
  else if (Array.isArray(value)) value.forEach((inner, i) => numbers(inner, `${path}[${i}]`, into))
  return into
}

function compare(previous: Figures, current: Figures): void {
  const before = numbers(previous)
  const lines: string[] = []
  for (const [path, now] of numbers(current)) {
    const then = before.get(path)
    // Chunk ids change from build to build: only the bundle's total is compared.
    if (then === undefined || then === now || /callsByOperation|bundle\.chunks/.test(path)) continue
    const change = then === 0 ? '' : ` (${now > then ? '+' : ''}${round(((now - then) / then) * 100)}%)`
    lines.push(`  ${path}: ${then} → ${now}${change}`)
  }
  console.log(`\nCompared with ${String(previous['date'])}:`)
  console.log(lines.length > 0 ? lines.join('\n') : '  no change')
}

function print(figures: Figures): void {
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`
  const bundleFigures = figures['bundle'] as ReturnType<typeof bundle>
  const cold = figures['coldStart'] as Record<string, number>
  console.log(
    `Bundle ${DIST}: ${(bundleFigures.totalBytes / 1e6).toFixed(2)} MB of JavaScript (target ≤ 4.5 MB)`
  )
  for (const chunk of bundleFigures.chunks)
    console.log(`  ${chunk.file.padEnd(14)} ${kib(chunk.bytes).padStart(9)}  ${chunk.holds}`)
  console.log(
    `Cold start to an input error: ${cold['actionMs']} ms vs node -e 0 ${cold['bareNodeMs']} ms in the same run: ` +
      `ratio ${cold['ratio']}× (target ≤ 1.3×; medians of ${cold['runs']} interleaved runs, ` +
      `per-run ratios ${cold['ratioQ1']}–${cold['ratioQ3']}× between the quartiles), peak memory ${cold['peakMemoryMiB']} MiB`
  )
  console.log(
    `  an empty ES module file for comparison: ${cold['emptyModuleMs']} ms, ${cold['emptyModuleRatio']}×`
  )
  const aws = figures['localAws'] as Record<string, unknown> | undefined
  if (!aws) return
  console.log(`Local AWS: ${LATENCY_MS} ms per call, task timings ${JSON.stringify(TASK_TIMINGS)}`)
  for (const deploy of aws['deploys'] as Array<Record<string, unknown>>) {
    console.log(`Deploy, ${String(deploy['kind'])}:`)
    console.log(`  wall ${deploy['wallMs']} ms, first AWS call after ${deploy['firstAwsCallMs']} ms`)
    console.log(`  CPU ${deploy['cpuMs']} ms, peak memory ${deploy['peakMemoryMiB']} MiB`)
    console.log(`  ${deploy['awsCalls']} AWS calls: ${JSON.stringify(deploy['callsByOperation'])}`)
    console.log(
      `  sequential rounds before RunTask (push not counted): ${deploy['roundsBeforeRunTask']} (target ≤ 4)`
    )
    console.log(`  task RUNNING → action exited: ${deploy['runningToExitMs']} ms (target ≤ 1500)`)
  }
  const runningToExit = aws['runningToExitMs'] as Record<string, number>
  console.log(
    `Task RUNNING → action exited over ${DEPLOYS} deploys: median ${runningToExit['median']} ms, max ${runningToExit['max']} ms (target ≤ 1500)`
  )
  const side = aws['sideBySide'] as Record<string, unknown> | undefined
  if (side)
    console.log(
      `Task deploy side by side with ${String(side['against'])} (${side['deploys']} turns, medians): ` +
        `CPU ${side['oursCpuMs']} ms vs ${side['theirsCpuMs']} ms: ratio ${side['cpuRatio']}× (target ≤ 1.0×); ` +
        `wall ${side['oursWallMs']} ms vs ${side['theirsWallMs']} ms\n` +
        `  each, ours: ${JSON.stringify(side['oursCpuEachMs'])}; theirs: ${JSON.stringify(side['theirsCpuEachMs'])}`
    )
  const stop = aws['stopMode'] as Record<string, unknown>
  console.log(
    `Stop mode: wall ${stop['wallMs']} ms, CPU ${stop['cpuMs']} ms, calls ${JSON.stringify(stop['callsByOperation'])}`
  )
  console.log(`  chunks loaded:\n    ${(stop['chunksLoaded'] as string[]).join('\n    ')}`)
  const job = aws['job'] as Record<string, unknown>
  console.log(`Job (wait-for stopped): wall ${job['wallMs']} ms, ${job['awsCalls']} AWS calls`)
  console.log(`  task STOPPED → action exited: ${job['stoppedToExitMs']} ms (target ≤ 1500)`)
  const service = aws['service'] as Record<string, unknown>
  const serviceStep = (label: string, figures: Record<string, unknown>): void =>
    console.log(
      `  ${label}: ${String(figures['status'])}, wall ${figures['wallMs']} ms (the deployment ${figures['deploymentMs']} ms), ` +
        `${figures['awsCalls']} AWS calls, ${figures['status']} → action exited: ${figures['finalToExitMs']} ms`
    )
  console.log('Express Mode service (min-tasks 1):')
  serviceStep('create', service['create'] as Record<string, unknown>)
  for (const update of service['updates'] as Array<Record<string, unknown>>) serviceStep('update', update)
  serviceStep('update to a crashing image', service['rollback'] as Record<string, unknown>)
  const deleted = service['delete'] as Record<string, unknown>
  console.log(`  delete: wall ${deleted['wallMs']} ms, calls ${JSON.stringify(deleted['callsByOperation'])}`)
  const updates = service['successfulToExitMs'] as Record<string, number>
  console.log(
    `Service update SUCCESSFUL → action exited over ${updates['updates']} updates: median ${updates['median']} ms, ` +
      `${updates['min']}–${updates['max']} ms; ROLLBACK_SUCCESSFUL → exited ${service['rollbackToExitMs']} ms (target ≤ 2000)`
  )
  const existing = aws['existingService'] as Record<string, unknown> | undefined
  if (existing) {
    console.log('Existing standard ECS service (rolling, circuit breaker with rollback, 1 task):')
    for (const update of existing['updates'] as Array<Record<string, unknown>>) serviceStep('update', update)
    serviceStep('update to a crashing image', existing['rollback'] as Record<string, unknown>)
    const figures = existing['successfulToExitMs'] as Record<string, number>
    console.log(
      `Existing service SUCCESSFUL → action exited over ${figures['updates']} updates: median ${figures['median']} ms, ` +
        `${figures['min']}–${figures['max']} ms (target ≤ 2000); ROLLBACK_SUCCESSFUL → exited ${existing['rollbackToExitMs']} ms (target ≤ 2000)`
    )
  }
}

async function main(): Promise<void> {
  if (!existsSync(DIST)) throw new Error(`No bundle at ${DIST}: build one first (npm run package)`)
  const dir = mkdtempSync(join(tmpdir(), 'efd-bench-'))
  try {
    const chunks = bundle()
    const figures: Figures = {
      date: new Date().toISOString(),
      node: process.version,
      dist: DIST,
      bundle: chunks,
      coldStart: await coldStart(dir)
    }
    if (!args['no-aws']) figures['localAws'] = await withLocalAws(chunks.chunks, dir)
    print(figures)
    if (existsSync(RESULTS)) compare(JSON.parse(readFileSync(RESULTS, 'utf8')) as Figures, figures)
    writeFileSync(RESULTS, `${JSON.stringify(figures, null, 2)}\n`)
    console.log(`\nWrote ${RESULTS}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
