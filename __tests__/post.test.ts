import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeRunner } from '../__fixtures__/runner.js'
import { defaultPostDeps, post, type PostDeps } from '../src/post.js'

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const STATE = ['STATE_dockerConfigDir', 'STATE_registryHost']

let root: string
let configDir: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'post-test-'))
  configDir = join(root, 'ecs-fargate-deploy-docker-abc')
  mkdirSync(configDir)
})
afterEach(() => {
  rmSync(root, { recursive: true, force: true })
  for (const name of STATE) delete process.env[name]
})

/** The post step's deps, reading state as the runner hands it over: STATE_<name> variables. */
function deps(
  runner = new FakeRunner()
): PostDeps & { runner: FakeRunner; infos: string[]; warnings: string[] } {
  const infos: string[] = []
  const warnings: string[] = []
  return {
    runner,
    getState: defaultPostDeps().getState,
    log: { info: (line) => infos.push(line), warning: (line) => warnings.push(line) },
    infos,
    warnings
  }
}

test('logs out of the registry in the action config folder, then removes the folder', async () => {
  process.env['STATE_dockerConfigDir'] = configDir
  process.env['STATE_registryHost'] = HOST
  const run = deps()
  await post(run)
  expect(run.runner.calls).toEqual([
    { command: 'docker', args: ['logout', HOST], env: { DOCKER_CONFIG: configDir }, silent: true }
  ])
  expect(existsSync(configDir)).toBe(false)
  expect(run.infos).toEqual([`Logged out of ${HOST}`, `Removed the Docker config folder ${configDir}`])
  expect(run.warnings).toEqual([])
})

test('without saved state (the main step failed before creating the folder) it does nothing', async () => {
  const run = deps()
  await post(run)
  expect(run.runner.calls).toEqual([])
  expect(run.infos).toEqual([])
  expect(existsSync(configDir)).toBe(true)
})

test('a folder without a login (failed before docker login) is removed without a logout', async () => {
  process.env['STATE_dockerConfigDir'] = configDir
  const run = deps()
  await post(run)
  expect(run.runner.calls).toEqual([])
  expect(existsSync(configDir)).toBe(false)
})

test('a logout that fails becomes a warning, and the folder (with the credentials) is still removed', async () => {
  process.env['STATE_dockerConfigDir'] = configDir
  process.env['STATE_registryHost'] = HOST
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify({ auths: { [HOST]: { auth: 'QVdTOnNlY3JldA==' } } })
  )
  const run = deps(new FakeRunner().fails(['docker', 'logout'], 1, 'Cannot connect to the Docker daemon'))
  await expect(post(run)).resolves.toBeUndefined()
  expect(run.warnings).toEqual([
    `docker logout ${HOST} failed: 'docker logout ${HOST}' failed with exit code 1: Cannot connect to the Docker daemon`
  ])
  expect(existsSync(configDir)).toBe(false)
  expect(run.infos).toEqual([`Removed the Docker config folder ${configDir}`])
})

test('a folder already gone is not an error', async () => {
  process.env['STATE_dockerConfigDir'] = join(root, 'already-removed')
  const run = deps()
  await expect(post(run)).resolves.toBeUndefined()
})
