// The switchboard: the factory's plan runs inside the lifecycle; what reaches the runner (outputs, state, the
// error, the summary) is read back from the runner's files and stdout, as the runner would read them.
import { jest } from '@jest/globals'
import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ActionError } from '../src/explain/action-error.js'
import { parseInputs, type Inputs } from '../src/inputs/inputs.js'
import { run, type RunDeps } from '../src/main.js'
import type { ChosenPlan } from '../src/plans/factory.js'
import type { Plan } from '../src/runner/lifecycle.js'
import { STATE } from '../src/runner/state.js'
import { CancelledError } from '../src/modes/cancel.js'
import { DeployFailure, type StartedTasks } from '../src/modes/types.js'

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/default'
const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/default/0123456789abcdef0123456789abcdef'
const STARTED = { clusterArn: CLUSTER, tasks: [{ taskArn: TASK }] } as unknown as StartedTasks

const FILES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'] as const
let root: string
let stdout: string[]
let saved: Record<string, string | undefined>

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'main-test-'))
  saved = Object.fromEntries(FILES.map((name) => [name, process.env[name]]))
  for (const name of FILES) {
    writeFileSync(join(root, name), '')
    process.env[name] = join(root, name)
  }
  stdout = []
  jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
    stdout.push(String(text))
    return true
  })
})

afterEach(() => {
  jest.restoreAllMocks()
  for (const name of FILES) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  rmSync(root, { recursive: true, force: true })
  process.exitCode = undefined
})

const read = (name: (typeof FILES)[number]) => readFileSync(join(root, name), 'utf8')

function inputsWith(given: Record<string, string>): Inputs {
  return parseInputs((name) => ({ repository: 'app', ...given })[name] ?? '', {
    env: { AWS_REGION: 'eu-west-1' },
    readFile: () => ''
  })
}

function depsWith(
  plan: Plan,
  signals = new EventEmitter(),
  deploys = true
): RunDeps & { chosen: Inputs[]; exits: number } {
  const deps = {
    chosen: [] as Inputs[],
    exits: 0,
    signals,
    env: { RUNNER_TEMP: root },
    exit: () => {
      deps.exits += 1
    },
    choose: (inputs: Inputs): ChosenPlan => {
      deps.chosen.push(inputs)
      return { kind: deploys ? 'task-deploy' : 'preview-close', deploys, plan }
    }
  }
  return deps
}

test('runs the chosen plan: its outputs reach the runner, and the deploy tells the post step it finished', async () => {
  const deps = depsWith(async (life) => {
    life.reporter.setOutput('task-arn', 'arn:aws:ecs:eu-west-1:123456789012:task/web/abc')
    return {}
  })
  await run(inputsWith({}), deps)
  expect(deps.chosen.map((inputs) => inputs.run)).toEqual([
    { action: 'deploy', target: { kind: 'tasks' }, preview: false }
  ])
  expect(read('GITHUB_OUTPUT')).toContain('task-arn<<')
  expect(read('GITHUB_OUTPUT')).toContain('arn:aws:ecs:eu-west-1:123456789012:task/web/abc')
  expect(read('GITHUB_STATE')).toContain(`${STATE.mainFinished}<<`)
  expect(process.exitCode).toBeUndefined()
})

test('a URL becomes a notice once the plan succeeded', async () => {
  await run(
    inputsWith({}),
    depsWith(async () => ({ url: 'http://203.0.113.7:80' }))
  )
  expect(stdout.join('')).toContain('::notice title=ecs-fargate-deploy::Serving at http://203.0.113.7:80')
})

test('a failure is explained once: one error, and the failure summary with the same text', async () => {
  const deps = depsWith(async () => {
    throw new ActionError('Could not push the image', { hint: 'Log in to ECR first.' })
  })
  await run(inputsWith({}), deps)
  const errors = stdout
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('::error'))
  expect(errors).toEqual(['::error::Could not push the image%0ALog in to ECR first.'])
  expect(process.exitCode).toBe(1)
  expect(read('GITHUB_STEP_SUMMARY')).toContain('Could not push the image')
})

test('a plan that leaves its tasks to the post step is not recorded as finished', async () => {
  await run(
    inputsWith({}),
    depsWith(async (life) => {
      life.leaveForPost()
      throw new ActionError('The run was cancelled (SIGINT)')
    })
  )
  expect(read('GITHUB_STATE')).not.toContain(STATE.mainFinished)
})

test.each([
  ['a cancelled run that could not stop a task', new CancelledError('SIGINT', [], [TASK]), false],
  [
    'the same, as a deploy failure after RunTask',
    new DeployFailure(new CancelledError('SIGINT', [], [TASK]), STARTED),
    false
  ],
  ['a cancelled run that stopped every task', new CancelledError('SIGINT', [TASK]), true],
  ['another failure', new ActionError('RunTask failed'), true]
])(
  'the started tasks are saved at once; %s leaves them to the post step: %s',
  async (_name, error, finished) => {
    await run(
      inputsWith({}),
      depsWith(async (life) => {
        life.saveStartedTasks(STARTED)
        life.leaveUnstoppedForPost(error)
        throw error
      })
    )
    const state = read('GITHUB_STATE')
    expect(state).toContain(
      `${STATE.startedTasks}<<` // the heredoc form the runner reads, then the record
    )
    expect(state).toContain(JSON.stringify({ region: 'eu-west-1', clusterArn: CLUSTER, taskArns: [TASK] }))
    expect(state.includes(STATE.mainFinished)).toBe(finished)
  }
)

test('a stop does not listen for the cancel signal; a deploy does, and ends the process once handled', async () => {
  const stopSignals = new EventEmitter()
  await run(
    inputsWith({ mode: 'stop' }),
    depsWith(async () => {
      expect(stopSignals.listenerCount('SIGINT')).toBe(0)
      return {}
    }, stopSignals)
  )
  const signals = new EventEmitter()
  const deps = depsWith(async () => {
    signals.emit('SIGINT')
    return {}
  }, signals)
  await run(inputsWith({}), deps)
  expect(deps.exits).toBe(1)
  expect(signals.listenerCount('SIGINT')).toBe(0)
})

test('a plan that does not deploy (a preview closed on a deploy run) gets no GitHub deployment and no post-step record', async () => {
  const inputs = inputsWith({ 'environment-name': 'production' })
  await run(
    inputs,
    depsWith(async () => ({}), new EventEmitter(), false)
  )
  // A GitHub deployment would have needed a token and the GitHub API: the run succeeds without either.
  expect(process.exitCode).toBeUndefined()
  expect(read('GITHUB_STATE')).toBe('')
})
