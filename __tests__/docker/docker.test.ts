import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { FakeRunner } from '../../__fixtures__/runner.js'
import {
  Docker,
  createDockerConfigDir,
  defaultUserConfigDir,
  digestFromPushOutput,
  registryHostFromEndpoint,
  removeDockerConfigDir
} from '../../src/docker/docker.js'
import { CommandError } from '../../src/docker/command-runner.js'

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const CONFIG_DIR = '/tmp/runner/ecs-fargate-deploy-docker-abc'

describe('Docker', () => {
  test('login sends the password on stdin only, with the action its own DOCKER_CONFIG', async () => {
    const runner = new FakeRunner()
    const password = 'eyJwYXlsb2FkIjoi:with:colons'
    await new Docker(runner, CONFIG_DIR).login({ registryHost: HOST, username: 'AWS', password })
    expect(runner.calls).toEqual([
      {
        command: 'docker',
        args: ['login', '--username', 'AWS', '--password-stdin', HOST],
        input: password,
        env: { DOCKER_CONFIG: CONFIG_DIR },
        silent: true
      }
    ])
    expect(runner.calls[0]!.args.join(' ')).not.toContain(password)
  })

  test('logout runs in the same config folder', async () => {
    const runner = new FakeRunner()
    await new Docker(runner, CONFIG_DIR).logout(HOST)
    expect(runner.calls).toEqual([
      { command: 'docker', args: ['logout', HOST], env: { DOCKER_CONFIG: CONFIG_DIR }, silent: true }
    ])
  })

  test.each([
    [undefined, ['build', '--tag', 'app:v1', './web']],
    ['web/Dockerfile.prod', ['build', '--file', 'web/Dockerfile.prod', '--tag', 'app:v1', './web']]
  ])('build with dockerfile %s runs docker %j', async (dockerfile, args) => {
    const runner = new FakeRunner()
    await new Docker(runner, CONFIG_DIR).build('./web', dockerfile, 'app:v1')
    expect(runner.calls).toEqual([{ command: 'docker', args, env: { DOCKER_CONFIG: CONFIG_DIR } }])
  })

  test('tag names the local image and the registry reference', async () => {
    const runner = new FakeRunner()
    await new Docker(runner, CONFIG_DIR).tag('app:v1', `${HOST}/app:v1`)
    expect(runner.lines).toEqual([`docker tag app:v1 ${HOST}/app:v1`])
    expect(runner.calls[0]!.env).toEqual({ DOCKER_CONFIG: CONFIG_DIR })
  })

  test('push returns the digest docker printed', async () => {
    const runner = new FakeRunner().on(['docker', 'push'], {
      stdout: `The push refers to repository [${HOST}/app]\n5f70bf18a086: Pushed\nv1: digest: ${DIGEST} size: 528\n`
    })
    expect(await new Docker(runner, CONFIG_DIR).push(`${HOST}/app:v1`)).toBe(DIGEST)
    expect(runner.lines).toEqual([`docker push ${HOST}/app:v1`])
    expect(runner.calls[0]!.env).toEqual({ DOCKER_CONFIG: CONFIG_DIR })
  })

  test('push returns undefined when docker printed no digest, and lets a failure through', async () => {
    const quiet = new FakeRunner().on(['docker', 'push'], { stdout: 'Pushed\n' })
    expect(await new Docker(quiet, CONFIG_DIR).push('app:v1')).toBeUndefined()
    const failing = new FakeRunner().fails(['docker', 'push'], 1, 'denied: not authorized')
    await expect(new Docker(failing, CONFIG_DIR).push('app:v1')).rejects.toThrow(
      new CommandError('docker push app:v1', 1, 'denied: not authorized')
    )
  })
})

describe('digestFromPushOutput', () => {
  test.each([
    [`latest: digest: ${DIGEST} size: 528`, DIGEST],
    [`a: Pushed\nb: Layer already exists\nv1: digest: ${DIGEST} size: 1573\n`, DIGEST],
    ['latest: digest: sha256:abc size: 528', undefined],
    [`latest: digest: sha512:${'a'.repeat(128)} size: 528`, undefined],
    ['', undefined]
  ])('%j -> %s', (output, expected) => {
    expect(digestFromPushOutput(output)).toBe(expected)
  })
})

describe('registryHostFromEndpoint', () => {
  test.each([
    [`https://${HOST}`, HOST],
    [`https://${HOST}/`, HOST],
    [`http://localhost:5000`, 'localhost:5000'],
    ['http://127.0.0.1:4566//', '127.0.0.1:4566'],
    [HOST, HOST]
  ])('%s -> %s', (endpoint, expected) => {
    expect(registryHostFromEndpoint(endpoint)).toBe(expected)
  })
})

describe('Docker config folder', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'docker-test-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  function userConfig(files: Record<string, string>, dirs: string[] = []): string {
    const dir = join(root, 'home', '.docker')
    mkdirSync(dir, { recursive: true })
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
    for (const name of dirs) mkdirSync(join(dir, name), { recursive: true })
    return dir
  }

  test('seeds config.json from the user config, keeping auths and credHelpers, readable by the owner only', () => {
    const config = {
      auths: { 'ghcr.io': { auth: 'dXNlcjpwYXNz' } },
      credHelpers: { 'public.ecr.aws': 'ecr-login' },
      currentContext: 'colima'
    }
    const user = userConfig({ 'config.json': JSON.stringify(config) })
    const dir = createDockerConfigDir(join(root, 'runner-temp'), user)
    expect(dirname(dir)).toBe(join(root, 'runner-temp'))
    expect(dir).toMatch(/ecs-fargate-deploy-docker-[^/]+$/)
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual(config)
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600)
    // The user's own file is not touched.
    expect(JSON.parse(readFileSync(join(user, 'config.json'), 'utf8'))).toEqual(config)
  })

  test('writes an empty config when the user has none, and links no missing folders', () => {
    const dir = createDockerConfigDir(join(root, 'runner-temp'), join(root, 'no-such-docker'))
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({})
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600)
    for (const shared of ['cli-plugins', 'buildx', 'contexts'])
      expect(existsSync(join(dir, shared))).toBe(false)
  })

  test('links cli-plugins, buildx and contexts when the user has them', () => {
    const user = userConfig({ 'config.json': '{}' }, ['cli-plugins', 'buildx'])
    const dir = createDockerConfigDir(join(root, 'runner-temp'), user)
    for (const shared of ['cli-plugins', 'buildx']) {
      expect(lstatSync(join(dir, shared)).isSymbolicLink()).toBe(true)
      expect(readlinkSync(join(dir, shared))).toBe(join(user, shared))
    }
    expect(existsSync(join(dir, 'contexts'))).toBe(false)

    const withContexts = createDockerConfigDir(
      join(root, 'runner-temp'),
      userConfig({}, ['cli-plugins', 'buildx', 'contexts'])
    )
    expect(readlinkSync(join(withContexts, 'contexts'))).toBe(join(user, 'contexts'))
  })

  test('makes a fresh folder per call, so concurrent jobs never share one', () => {
    const user = userConfig({ 'config.json': '{"auths":{}}' })
    const first = createDockerConfigDir(join(root, 'runner-temp'), user)
    const second = createDockerConfigDir(join(root, 'runner-temp'), user)
    expect(first).not.toBe(second)
    // A login written by one job is not seen by the other.
    writeFileSync(join(first, 'config.json'), '{"auths":{"x":{}}}')
    expect(readFileSync(join(second, 'config.json'), 'utf8')).toBe('{"auths":{}}')
  })

  test('removeDockerConfigDir removes the folder but not the linked user folders', () => {
    const user = userConfig({ 'config.json': '{}' }, ['cli-plugins'])
    writeFileSync(join(user, 'cli-plugins', 'docker-buildx'), 'plugin')
    const dir = createDockerConfigDir(join(root, 'runner-temp'), user)
    removeDockerConfigDir(dir)
    expect(existsSync(dir)).toBe(false)
    expect(readFileSync(join(user, 'cli-plugins', 'docker-buildx'), 'utf8')).toBe('plugin')
    // Removing again (a second post step) is not an error.
    expect(() => removeDockerConfigDir(dir)).not.toThrow()
  })

  test.each([
    [{ DOCKER_CONFIG: '/custom/docker' }, '/custom/docker'],
    [{ DOCKER_CONFIG: '' }, join(homedir(), '.docker')],
    [{}, join(homedir(), '.docker')]
  ])('defaultUserConfigDir(%j) is %s', (env, expected) => {
    expect(defaultUserConfigDir(env)).toBe(expected)
  })
})
