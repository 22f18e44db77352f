import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// The entry point, run as the runner runs it: a process with INPUT_* / STATE_* variables and file commands.
const ENTRY = join(process.cwd(), 'src', 'index.ts')
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx')

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'index-test-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

interface Step {
  exitCode: number
  stdout: string
  state: string
  summary: string
}

function runStep(env: Record<string, string>): Promise<Step> {
  const stateFile = join(root, 'state')
  writeFileSync(stateFile, '')
  const summaryFile = join(root, 'summary')
  writeFileSync(summaryFile, '')
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(INPUT_|STATE_|AWS_|GITHUB_|RUNNER_|NODE_OPTIONS$)/.test(name)
    )
  ) as Record<string, string>
  return new Promise((resolve) => {
    execFile(
      TSX,
      [ENTRY],
      {
        env: {
          ...base,
          GITHUB_STATE: stateFile,
          GITHUB_STEP_SUMMARY: summaryFile,
          // Any AWS call would fail at once rather than reach the network.
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          ...env
        },
        timeout: 15_000
      },
      (error, stdout) => {
        resolve({
          exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          state: readFileSync(stateFile, 'utf8'),
          summary: readFileSync(summaryFile, 'utf8')
        })
      }
    )
  })
}

test('invalid inputs fail the step with one ::error:: listing every problem, before any AWS call', async () => {
  const step = await runStep({ INPUT_REPOSITORY: 'Not Valid', INPUT_CPU: '300', INPUT_REGION: 'us-east-1' })
  expect(step.exitCode).toBe(1)
  const errors = step.stdout.split('\n').filter((line) => line.startsWith('::error'))
  expect(errors).toHaveLength(1)
  expect(errors[0]).toMatch(/^::error title=ecs-fargate-deploy::2 invalid inputs:%0A {2}- repository: /)
  expect(errors[0]).toContain('%0A  - cpu: ')
  // Marked for the post step, which then has nothing to clean up.
  expect(step.state).toMatch(/^isPost=true$/m)
  // The step summary says first that nothing started, and why.
  expect(step.summary).toMatch(/^<h2>❌ Not started: 2 invalid inputs<\/h2>\n/)
  expect(step.summary).toContain('<li>repository: ')
  expect(step.summary).toContain('<li>cpu: ')
})

test('the post step (STATE_isPost) removes the Docker config folder the main step saved', async () => {
  const configDir = join(root, 'ecs-fargate-deploy-docker-x')
  mkdirSync(configDir)
  writeFileSync(join(configDir, 'config.json'), '{"auths":{}}')
  const step = await runStep({ STATE_isPost: 'true', STATE_dockerConfigDir: configDir })
  expect(step.exitCode).toBe(0)
  expect(step.stdout).toContain(`Removed the Docker config folder ${configDir}`)
  expect(existsSync(configDir)).toBe(false)
  // The post step saves no state of its own.
  expect(step.state).toBe('')
})

test('the post step with no saved state does nothing and succeeds', async () => {
  const step = await runStep({ STATE_isPost: 'true' })
  expect(step.exitCode).toBe(0)
  expect(step.stdout).not.toContain('::error')
})
