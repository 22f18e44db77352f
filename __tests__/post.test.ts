import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DeleteExpressGatewayServiceCommand,
  DescribeTasksCommand,
  ECSClient,
  StopServiceDeploymentCommand,
  StopTaskCommand
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { FakeRunner } from '../__fixtures__/runner.js'
import { defaultPostDeps, post, type PostDeps } from '../src/post.js'

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const STATE = [
  'STATE_dockerConfigDir',
  'STATE_registryHost',
  'STATE_startedTasks',
  'STATE_mainFinished',
  'STATE_createdService',
  'STATE_serviceDeployed',
  'STATE_serviceDeployment'
]
const ecs = mockClient(ECSClient)
const ecsClient = new ECSClient({ region: 'eu-west-1' })
const RUN_ENV = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_RUN_ID: '42'
}
const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:123456789012:cluster/web'
const ARN_A = 'arn:aws:ecs:eu-west-1:123456789012:task/web/0123456789abcdef0123456789abcdef'
const ARN_B = 'arn:aws:ecs:eu-west-1:123456789012:task/web/fedcba9876543210fedcba9876543210'
const SAVED = JSON.stringify({ region: 'eu-west-1', clusterArn: CLUSTER_ARN, taskArns: [ARN_A, ARN_B] })

let root: string
let configDir: string
beforeEach(() => {
  ecs.reset()
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
    ecsFor: async () => ecsClient,
    env: RUN_ENV,
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

describe('tasks the main step started', () => {
  beforeEach(() => {
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        { taskArn: ARN_A, lastStatus: 'RUNNING' },
        { taskArn: ARN_B, lastStatus: 'STOPPED' }
      ]
    })
    ecs.on(StopTaskCommand).resolves({})
  })

  test('main did not finish (killed): those still running are stopped, with a reason linking the run', async () => {
    process.env['STATE_startedTasks'] = SAVED
    const run = deps()
    await post(run)
    expect(ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER_ARN, tasks: [ARN_A, ARN_B] }
    ])
    expect(ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input)).toEqual([
      {
        cluster: CLUSTER_ARN,
        task: ARN_A,
        reason:
          'Stopped by ecs-fargate-deploy (post step): the main step was cancelled before it finished: ' +
          'https://github.com/octo/app/actions/runs/42'
      }
    ])
    expect(run.warnings).toEqual([`The main step did not finish: stopped ${ARN_A}`])
  })

  test('main finished: nothing is stopped, whatever it started (a deploy that succeeded keeps serving)', async () => {
    process.env['STATE_startedTasks'] = SAVED
    process.env['STATE_mainFinished'] = 'true'
    const run = deps()
    await post(run)
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0)
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0)
    expect(run.warnings).toEqual([])
  })

  test('a StopTask refused is a warning naming the tasks, and the Docker folder is still removed', async () => {
    ecs
      .on(StopTaskCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }))
    process.env['STATE_startedTasks'] = SAVED
    process.env['STATE_dockerConfigDir'] = configDir
    const run = deps()
    await post(run)
    expect(run.warnings).toEqual([
      `The main step did not finish, and ${ARN_A}, ${ARN_B} could not be stopped: not authorized. Stop them with mode: stop.`
    ])
    expect(existsSync(configDir)).toBe(false)
  })

  test('saved state that is not what main saves stops nothing', async () => {
    process.env['STATE_startedTasks'] = '["not", "the shape"]'
    await post(deps())
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0)
  })
})

describe('the service the main step created', () => {
  const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service/web/shop'
  const SAVED_SERVICE = JSON.stringify({
    region: 'eu-west-1',
    clusterArn: CLUSTER_ARN,
    serviceArn: SERVICE_ARN
  })
  beforeEach(() => {
    ecs.on(DeleteExpressGatewayServiceCommand).resolves({ service: { serviceArn: SERVICE_ARN } })
  })

  test('main killed before its deployment succeeded: that service is deleted, and only it', async () => {
    process.env['STATE_createdService'] = SAVED_SERVICE
    process.env['STATE_dockerConfigDir'] = configDir
    const run = deps()
    await post(run)
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand).map((call) => call.args[0].input)).toEqual([
      { serviceArn: SERVICE_ARN }
    ])
    expect(run.warnings).toEqual([
      `The main step did not finish: deleted service ${SERVICE_ARN}, which it created and never saw deployed`
    ])
    expect(existsSync(configDir)).toBe(false)
  })

  test.each([
    ['its deployment succeeded', 'STATE_serviceDeployed'],
    ['main finished', 'STATE_mainFinished']
  ])('%s: the service is left serving', async (_, key) => {
    process.env['STATE_createdService'] = SAVED_SERVICE
    process.env[key] = 'true'
    const run = deps()
    await post(run)
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)).toHaveLength(0)
    expect(run.warnings).toEqual([])
  })

  test('no service saved (main updated one that existed, or created none): nothing is deleted', async () => {
    process.env['STATE_startedTasks'] = ''
    const run = deps()
    await post(run)
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)).toHaveLength(0)
  })

  test('a service being deleted already is no failure', async () => {
    ecs
      .on(DeleteExpressGatewayServiceCommand)
      .rejects(Object.assign(new Error('The service is not active.'), { name: 'ServiceNotActiveException' }))
    process.env['STATE_createdService'] = SAVED_SERVICE
    const run = deps()
    await post(run)
    expect(run.warnings).toEqual([`The main step did not finish: service ${SERVICE_ARN} is deleted already`])
  })

  test('a delete refused is a warning that says how to delete it', async () => {
    ecs
      .on(DeleteExpressGatewayServiceCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }))
    process.env['STATE_createdService'] = SAVED_SERVICE
    const run = deps()
    await post(run)
    expect(run.warnings).toEqual([
      `The main step did not finish, and service ${SERVICE_ARN}, which it created, could not be deleted: not authorized. Delete it with mode: stop.`
    ])
  })

  test('saved state that is not what main saves deletes nothing', async () => {
    process.env['STATE_createdService'] = '{"serviceArn": 7}'
    await post(deps())
    expect(ecs.commandCalls(DeleteExpressGatewayServiceCommand)).toHaveLength(0)
  })
})

describe('the deployment the main step started on an existing standard service', () => {
  const DEPLOYMENT = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/web/shop/abc'
  const SAVED_DEPLOYMENT = JSON.stringify({ region: 'eu-west-1', deploymentArn: DEPLOYMENT })

  test('main killed before it succeeded: the deployment is rolled back', async () => {
    ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: DEPLOYMENT })
    process.env['STATE_serviceDeployment'] = SAVED_DEPLOYMENT
    const run = deps()
    await post(run)
    expect(ecs.commandCalls(StopServiceDeploymentCommand).map((call) => call.args[0].input)).toEqual([
      { serviceDeploymentArn: DEPLOYMENT, stopType: 'ROLLBACK' }
    ])
    expect(run.warnings).toEqual([
      `The main step did not finish: rolling back deployment ${DEPLOYMENT} (StopServiceDeployment ROLLBACK)`
    ])
  })

  test.each([
    ['main finished', 'STATE_mainFinished'],
    ['the deployment succeeded', 'STATE_serviceDeployed']
  ])('%s: nothing is rolled back', async (_name, key) => {
    process.env['STATE_serviceDeployment'] = SAVED_DEPLOYMENT
    process.env[key] = 'true'
    await post(deps())
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0)
  })

  test('a deployment that ended already (ConflictException) is said, not failed', async () => {
    ecs.on(StopServiceDeploymentCommand).rejects(
      Object.assign(new Error('The service deployment is SUCCESSFUL and cannot be stopped.'), {
        name: 'ConflictException'
      })
    )
    process.env['STATE_serviceDeployment'] = SAVED_DEPLOYMENT
    const run = deps()
    await post(run)
    expect(run.warnings).toEqual([
      `The main step did not finish; deployment ${DEPLOYMENT} was not rolled back: The service deployment is SUCCESSFUL and cannot be stopped.`
    ])
  })
})
