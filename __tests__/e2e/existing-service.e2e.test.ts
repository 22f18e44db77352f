// An existing standard ECS service (issue 20) through the bundled action, under the policy mode permissions
// prints (the harness default): the service made first with CreateService as Terraform would (app + sidecar, a
// secret, a health check, a target group front, circuit breaker with rollback); updated with a new image while a
// client requests the front throughout, with a release command first; a crashing image rolled back by the
// circuit breaker; a failing release command that stops the deploy before UpdateService; blue/green with a bake
// time told stage by stage; a cancelled run that rolls its deployment back, and a killed one whose post step
// does; a deployment paused at a lifecycle hook, reported and rolled back at the timeout (rollback-on-timeout);
// mode stop that refuses, then scales to zero with scale-to-zero.
import { execFileSync } from 'node:child_process'
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import { ADMIN_KEY } from './setup-as-admin.js'
import { cancelAsTheRunnerDoes, runAction, setUpAsAdminFor, startAction, type ActionRun } from './harness.js'
import { REGION, WEB_IMAGE, startStack, type Stack } from './stack.js'

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/exs-tg/0123456789abcdef'
const API_KEY = 'arn:aws:ssm:us-east-1:123456789012:parameter/exs/api-key'
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole'
const CLUSTER = 'exs-cluster'
const NAME = 'exs-web'
const FINAL = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']

/** The inputs of every deploy: the service's family and roles named, so the printed policy names them. */
const INPUTS = { repository: 'exs-web', family: 'exs-web', cluster: CLUSTER, service: NAME }

let stack: Stack
let admin: ECSClient
let front: string
let serviceArn: string
let firstRevision: string

function versionImage(name: string): string {
  const tag = `efd-exs-web:${name}`
  execFileSync('docker', ['build', '--quiet', '--tag', tag, '-'], {
    input: `FROM ${WEB_IMAGE}\nRUN echo ${name} > /www/version\n`,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  return tag
}

function crashingImage(): string {
  const tag = 'efd-exs-web:crashing'
  execFileSync('docker', ['build', '--quiet', '--tag', tag, '-'], {
    input: `FROM ${WEB_IMAGE}\nCMD ["sh", "-c", "echo crashing on purpose; exit 3"]\n`,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  return tag
}

async function version(): Promise<string> {
  const response = await fetch(`${front}/version`, { signal: AbortSignal.timeout(5000) })
  if (response.status !== 200) throw new Error(`GET /version answered ${response.status}`)
  return (await response.text()).trim()
}

async function deployments(): Promise<string[]> {
  const { serviceDeployments = [] } = await admin.send(
    new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: NAME, maxResults: 100 })
  )
  return serviceDeployments.map((d) => d.serviceDeploymentArn!)
}

async function deployment(arn: string): Promise<ServiceDeployment> {
  const { serviceDeployments } = await admin.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })
  )
  return serviceDeployments![0]!
}

async function settled(arn: string): Promise<ServiceDeployment> {
  const deadline = Date.now() + 90_000
  for (;;) {
    const d = await deployment(arn)
    if (FINAL.includes(d.status!) || Date.now() > deadline) return d
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function currentService() {
  const { services } = await admin.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [NAME] }))
  return services![0]!
}

function expectSucceeded(run: Pick<ActionRun, 'errors' | 'exitCode'>): void {
  expect(run.errors).toEqual([])
  expect(run.exitCode).toBe(0)
}

let v1: string
let v2: string
let v3: string
let v4: string
let crashing: string

beforeAll(async () => {
  stack = await startStack()
  stack.aws.configure({
    taskTimings: { healthCheckIntervalMs: 200, healthCheckGraceMs: 1000, stopGraceSeconds: 1, minuteMs: 3000 }
  })
  stack.aws.setBehaviour({
    secretValues: { [API_KEY]: 'k-123' },
    targetGroupHealthCheckPaths: { [TG]: '/health' }
  })
  const v0 = versionImage('v0')
  ;[v1, v2, v3, v4] = ['v1', 'v2', 'v3', 'v4'].map(versionImage) as [string, string, string, string]
  crashing = crashingImage()
  // The administrator's set-up: the execution role (as the one-time setup makes it), the log group, the
  // cluster, and the service as Terraform makes it, running v0 (an image from the engine, outside the pushed
  // repository: the action finds the container as the only essential one).
  await setUpAsAdminFor(INPUTS, { env: stack.env })
  const credentials = { accessKeyId: ADMIN_KEY, secretAccessKey: 'x' }
  admin = new ECSClient({ region: REGION, endpoint: stack.aws.endpoint, credentials })
  const logs = new CloudWatchLogsClient({ region: REGION, endpoint: stack.aws.endpoint, credentials })
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/exs-web' })).catch(() => undefined)
  await admin.send(new CreateClusterCommand({ clusterName: CLUSTER }))
  const { taskDefinition } = await admin.send(
    new RegisterTaskDefinitionCommand({
      family: 'exs-web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: EXEC_ROLE,
      containerDefinitions: [
        {
          name: 'app',
          image: v0,
          essential: true,
          portMappings: [{ containerPort: 5000, protocol: 'tcp' }],
          environment: [{ name: 'GREETING', value: 'hello' }],
          secrets: [{ name: 'API_KEY', valueFrom: API_KEY }],
          healthCheck: {
            command: ['CMD-SHELL', 'wget -q -O /dev/null "http://127.0.0.1:$PORT/" || exit 1'],
            interval: 10
          },
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/exs-web',
              'awslogs-region': REGION,
              'awslogs-stream-prefix': 'ecs'
            }
          }
        },
        {
          name: 'sidecar',
          image: 'busybox:stable',
          essential: false,
          command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']
        }
      ],
      tags: [{ key: 'team', value: 'web' }]
    })
  )
  firstRevision = taskDefinition!.taskDefinitionArn!
  const created = await admin.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: NAME,
      taskDefinition: firstRevision,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0def0000000000a01'],
          securityGroups: ['sg-0def00000000000a1']
        }
      },
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 5000 }],
      healthCheckGracePeriodSeconds: 10,
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100
      }
    })
  )
  serviceArn = created.service!.serviceArn!
  await settled((await deployments())[0]!)
  const state = stack.aws.state() as {
    standardServices: Array<{ serviceArn: string; fronts: Record<string, string> }>
  }
  front = state.standardServices.find((s) => s.serviceArn === serviceArn)!.fronts[TG]!
  expect(front).toMatch(/^http:\/\/127\.0\.3\.\d+:\d+$/)
}, 300_000)

afterAll(async () => {
  admin?.destroy()
  await stack?.aws.stop()
})

describe('an existing standard ECS service through the action', () => {
  test('updated with a new image and a release command while a client requests it: no failed request, the sidecar and every other field kept', async () => {
    const seen: string[] = []
    const failures: string[] = []
    let done = false
    const client = (async () => {
      const deadline = Date.now() + 180_000
      while (!done && Date.now() < deadline) {
        try {
          seen.push(await version())
        } catch (error) {
          failures.push(String(error))
        }
      }
    })()
    const before = await deployments()
    const run = await runAction(
      { ...INPUTS, image: v1, 'release-command': '["sh", "-c", "echo migrating the database; exit 0"]' },
      { env: stack.env }
    ).finally(() => {
      done = true
    })
    await client
    expectSucceeded(run)
    expect(failures).toEqual([])
    expect(seen.length).toBeGreaterThan(5)
    expect(seen[0]).toBe('v0')
    expect(seen.at(-1)).toBe('v1')
    expect(run.outputs['service-arn']).toBe(serviceArn)
    expect(run.outputs['release-exit-code']).toBe('0')
    expect(run.stdout).toContain('migrating the database')
    expect(run.stdout).toContain(
      'Deployment strategy: rolling (min 100% healthy, max 200%); circuit breaker with rollback'
    )
    const after = await deployments()
    expect(after.length).toBe(before.length + 1)
    expect(run.outputs['deployment-arn']).toBe(after.find((arn) => !before.includes(arn)))
    expect((await deployment(run.outputs['deployment-arn']!)).status).toBe('SUCCESSFUL')
    expect(run.summary).toContain('### Service exs-web updated')
    expect(run.summary).toContain('Run the release command')

    // The new revision: the pushed image by digest in app; everything else as the service's revision had it.
    const newArn = run.outputs['task-definition-arn']!
    expect((await currentService()).taskDefinition).toBe(newArn)
    const [{ taskDefinition: old, tags: oldTags }, { taskDefinition: next, tags: nextTags }] =
      await Promise.all(
        [firstRevision, newArn].map((arn) =>
          admin.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }))
        )
      )
    expect(next!.containerDefinitions![0]!.image).toBe(run.outputs['image'])
    expect(run.outputs['image']).toMatch(/\/exs-web@sha256:[0-9a-f]{64}$/)
    expect(next!.containerDefinitions![1]).toEqual(old!.containerDefinitions![1])
    expect({ ...next!.containerDefinitions![0], image: 'x' }).toEqual({
      ...old!.containerDefinitions![0],
      image: 'x'
    })
    for (const key of [
      'cpu',
      'memory',
      'executionRoleArn',
      'networkMode',
      'requiresCompatibilities',
      'family'
    ] as const)
      expect([key, next![key]]).toEqual([key, old![key]])
    expect(nextTags).toEqual(oldTags)
  }, 240_000)

  test('a redeploy of the same image changes nothing: no new deployment', async () => {
    const before = await deployments()
    const run = await runAction({ ...INPUTS, image: v1 }, { env: stack.env })
    expectSucceeded(run)
    expect(run.stdout).toMatch(/already runs exs-web:\d+ with this image: nothing to update/)
    expect(await deployments()).toEqual(before)
  }, 120_000)

  test('a crashing image: the circuit breaker rolls back, the step fails naming it within 2 s of ROLLBACK_SUCCESSFUL, v1 still serves', async () => {
    const action = await startAction({ ...INPUTS, image: crashing }, { env: stack.env })
    const main = await action.main
    const exitedAt = Date.now()
    action.cleanUp()
    expect(main.exitCode).toBe(1)
    const error = main.errors.join('\n')
    expect(error).toMatch(/Service deployment \S+ ended ROLLBACK_SUCCESSFUL: ECS deployment circuit breaker/)
    expect(error).toContain('ECS rolled back: the previous revision')
    expect(error).toContain('Circuit breaker triggered')
    expect(error).toContain('Stopped tasks:')
    expect(error).toContain('crashing on purpose')
    const rolledBack = await deployment(main.outputs['deployment-arn']!)
    expect(rolledBack.status).toBe('ROLLBACK_SUCCESSFUL')
    const settledAt = (rolledBack.finishedAt ?? rolledBack.updatedAt)!.getTime()
    expect(exitedAt - settledAt).toBeLessThan(2000)
    expect(await version()).toBe('v1')
  }, 240_000)

  test('a failing release command stops the deploy before UpdateService: no deployment, release-exit-code set', async () => {
    const before = await deployments()
    const revision = (await currentService()).taskDefinition
    const run = await runAction(
      { ...INPUTS, image: v2, 'release-command': 'sh -c "echo migration failed; exit 4"' },
      { env: stack.env }
    )
    expect(run.exitCode).toBe(1)
    expect(run.outputs['release-exit-code']).toBe('4')
    expect(run.errors.join('\n')).toContain('The release command exited 4: the service was not updated')
    expect(run.stdout).toContain('migration failed')
    expect(await deployments()).toEqual(before)
    expect((await currentService()).taskDefinition).toBe(revision)
    expect(await version()).toBe('v1')
  }, 180_000)

  test('blue/green with a bake time: the log tells its stages', async () => {
    await admin.send(
      new UpdateServiceCommand({
        cluster: CLUSTER,
        service: NAME,
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 }
      })
    )
    const run = await runAction({ ...INPUTS, image: v3 }, { env: stack.env })
    expectSucceeded(run)
    expect(run.stdout).toContain('Deployment strategy: blue/green; bake time 2 min')
    expect(run.stdout).toMatch(/IN_PROGRESS, stage BAKE_TIME/)
    expect(run.stdout).toMatch(/SUCCESSFUL, stage CLEAN_UP/)
    expect(await version()).toBe('v3')
  }, 240_000)

  test('a cancelled run rolls back the deployment it started; v3 still serves', async () => {
    // A long bake time: the deployment is still baking when the run is cancelled.
    await admin.send(
      new UpdateServiceCommand({
        cluster: CLUSTER,
        service: NAME,
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 20 }
      })
    )
    const action = await startAction({ ...INPUTS, image: v4 }, { env: stack.env })
    await action.waitForStdout(/stage BAKE_TIME/, 180_000)
    const { main } = await cancelAsTheRunnerDoes(action)
    const post = await action.post()
    action.cleanUp()
    expect(main.exitCode).toBe(1)
    expect(main.errors.join('\n')).toMatch(
      /The run was cancelled \(SIGINT\): deployment \S+ is being rolled back/
    )
    const arn = main.outputs['deployment-arn']!
    expect(post.stdout).not.toContain('rolling back deployment')
    const rolledBack = await settled(arn)
    expect(rolledBack.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(await version()).toBe('v3')
  }, 300_000)

  test('a main step killed during the deployment: the post step rolls it back', async () => {
    // Still blue/green with a 20-minute bake time (the test above).
    const action = await startAction({ ...INPUTS, image: v4 }, { env: stack.env })
    await action.waitForStdout(/stage BAKE_TIME/, 180_000)
    action.signal('SIGKILL')
    const main = await action.main
    const post = await action.post()
    action.cleanUp()
    const arn = main.outputs['deployment-arn']!
    expect(arn).toMatch(/service-deployment\/exs-cluster\/exs-web\//)
    expect(post.stdout).toContain(
      `The main step did not finish: rolling back deployment ${arn} (StopServiceDeployment ROLLBACK)`
    )
    expect((await settled(arn)).status).toBe('ROLLBACK_SUCCESSFUL')
    expect(await version()).toBe('v3')
  }, 300_000)

  test('a deployment paused at a lifecycle hook: reported with its stage and how to continue; rolled back at the timeout (rollback-on-timeout)', async () => {
    await admin.send(
      new UpdateServiceCommand({
        cluster: CLUSTER,
        service: NAME,
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 0,
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }]
        }
      })
    )
    const run = await runAction(
      { ...INPUTS, image: v4, timeout: '15', 'rollback-on-timeout': 'true' },
      { env: stack.env }
    )
    expect(run.exitCode).toBe(1)
    const arn = run.outputs['deployment-arn']!
    expect(run.stdout).toMatch(/The deployment is paused at stage POST_SCALE_UP by lifecycle hook \S+\./)
    expect(run.stdout).toContain(
      `aws ecs continue-service-deployment --service-deployment-arn ${arn} --hook-id`
    )
    expect(run.errors.join('\n')).toMatch(
      /Deployment \S+ did not finish within timeout \(15 s\) and was rolled back: it ended ROLLBACK_SUCCESSFUL/
    )
    expect((await deployment(arn)).status).toBe('ROLLBACK_SUCCESSFUL')
    expect(await version()).toBe('v3')
  }, 300_000)

  test('one-off tasks: the release command runs before they start; a failing one starts none', async () => {
    const tasks = { repository: 'exs-tasks', cluster: CLUSTER, image: v1, 'wait-for': 'running' }
    const failed = await runAction(
      { ...tasks, 'release-command': 'sh -c "echo tasks migration failed; exit 5"' },
      { env: stack.env }
    )
    expect(failed.exitCode).toBe(1)
    expect(failed.outputs['release-exit-code']).toBe('5')
    expect(failed.outputs['task-arn']).toBeUndefined()
    expect(failed.stdout).toContain('tasks migration failed')
    expect(failed.errors.join('\n')).toContain('The release command exited 5: no task was started')
    const passed = await runAction(
      { ...tasks, 'release-command': 'sh -c "echo tasks migrated"' },
      { env: stack.env }
    )
    expectSucceeded(passed)
    expect(passed.outputs['release-exit-code']).toBe('0')
    expect(passed.stdout).toContain('tasks migrated')
    expect(passed.outputs['task-arn']).toMatch(/:task\/exs-cluster\//)
  }, 240_000)

  test('mode stop refuses to delete the service; with scale-to-zero it scales it to 0 tasks', async () => {
    const refused = await runAction({ mode: 'stop', cluster: CLUSTER, service: NAME }, { env: stack.env })
    expect(refused.exitCode).toBe(1)
    expect(refused.errors.join('\n')).toContain(
      'Service exs-web in cluster exs-cluster is a standard ECS service this action did not make: mode stop does not delete it'
    )
    expect((await currentService()).status).toBe('ACTIVE')
    const scaled = await runAction(
      { mode: 'stop', cluster: CLUSTER, service: NAME, 'scale-to-zero': 'true' },
      { env: stack.env }
    )
    expectSucceeded(scaled)
    const service = await currentService()
    expect([service.status, service.desiredCount]).toEqual(['ACTIVE', 0])
  }, 120_000)
})
