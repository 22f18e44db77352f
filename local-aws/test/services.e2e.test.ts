// Standard ECS services against real containers, through the real SDK ECS client: CreateService (app + sidecar
// behind a target group) → SUCCESSFUL and the target group's front serves; a rolling update while a client
// requests the front throughout, with no failed request and the sidecar kept; a crashing image trips the circuit
// breaker and rolls back while the old revision keeps serving; blue/green with a bake time goes through its
// stages; linear and canary shift traffic in steps; StopServiceDeployment rolls back; the errors of the model;
// DeleteService; the policy check of the new calls, iam:PassRole of the task definition's roles included.
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam'
import type { LocalAws } from '../src/index.js'
import { clients, pushImage, rejects, start, TRUST_ECS_TASKS, until, type Clients } from './helpers.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const FINAL = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef'
const API_KEY = 'arn:aws:ssm:us-east-1:123456789012:parameter/web/api-key'
const NETWORK = {
  awsvpcConfiguration: { subnets: ['subnet-0def0000000000a01'], securityGroups: ['sg-0def00000000000a1'] }
}

let aws: LocalAws
let c: Clients
let v1: string
let v2: string
let execRole: string
let serviceArn: string
let front: string

/** The examples/web image with /version answering NAME (built FROM the example, no registry pull). */
function buildVersion(name: string): string {
  const tag = `efd-svc-web:${name}`
  execFileSync(
    'docker',
    ['build', '--quiet', '--tag', 'efd-example-web:test', path.join(ROOT, 'examples/web')],
    { stdio: 'pipe' }
  )
  execFileSync('docker', ['build', '--quiet', '--tag', tag, '-'], {
    input: `FROM efd-example-web:test\nRUN echo ${name} > /www/version\n`,
    stdio: 'pipe'
  })
  return tag
}

/** Registers the family `web`: the app on port 5000 and a sidecar, as a Terraform module would have them. */
async function register(image: string, app: Partial<ContainerDefinition> = {}): Promise<string> {
  const out = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: execRole,
      containerDefinitions: [
        {
          name: 'app',
          image,
          essential: true,
          portMappings: [{ containerPort: 5000, protocol: 'tcp' }],
          environment: [{ name: 'GREETING', value: 'hello' }],
          secrets: [{ name: 'API_KEY', valueFrom: API_KEY }],
          healthCheck: { command: ['CMD-SHELL', 'wget -q -O /dev/null "http://127.0.0.1:$PORT/" || exit 1'] },
          ...app
        },
        {
          name: 'sidecar',
          image: 'busybox:stable',
          essential: false,
          command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']
        }
      ]
    })
  )
  return out.taskDefinition!.taskDefinitionArn!
}

async function deploymentOf(arn: string): Promise<ServiceDeployment> {
  const out = await c.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))
  return out.serviceDeployments![0]!
}

async function latestArn(): Promise<string> {
  const listed = await c.ecs.send(new ListServiceDeploymentsCommand({ service: 'web', maxResults: 1 }))
  return listed.serviceDeployments![0]!.serviceDeploymentArn!
}

/** The deployment the last call started, once it reaches a final status; every stage seen on the way. */
async function settled(stages: string[] = []): Promise<ServiceDeployment> {
  const arn = await latestArn()
  return until(
    async () => {
      const d = await deploymentOf(arn)
      const seen = `${d.status}${d.lifecycleStage ? ` ${d.lifecycleStage}` : ''}`
      if (stages.at(-1) !== seen) stages.push(seen)
      return FINAL.includes(d.status!) ? d : undefined
    },
    90000,
    `deployment ${arn} to finish`
  )
}

async function version(): Promise<string> {
  const res = await fetch(`${front}/version`)
  if (res.status !== 200) throw new Error(`GET /version answered ${res.status}`)
  return (await res.text()).trim()
}

/** Requests the front until `work` settles; every answer and every failure. */
async function whileRequesting<T>(
  work: Promise<T>
): Promise<{ result: T; seen: string[]; failures: string[] }> {
  const seen: string[] = []
  const failures: string[] = []
  let done = false
  const client = (async () => {
    const deadline = Date.now() + 90000
    while (!done && Date.now() < deadline) {
      try {
        seen.push(await version())
      } catch (err) {
        failures.push(String(err))
      }
    }
  })()
  const result = await work.finally(() => (done = true))
  await client
  return { result, seen, failures }
}

const historyOf = (arn: string): string[] =>
  (
    aws.state() as {
      standardServices: Array<{ deployments: Array<{ arn: string; history: string[] }> }>
    }
  ).standardServices
    .flatMap((s) => s.deployments)
    .find((d) => d.arn === arn)!.history

beforeAll(async () => {
  const local = [buildVersion('v1'), buildVersion('v2')]
  aws = await start({
    taskTimings: {
      provisioningMs: 50,
      pendingMs: 50,
      stopGraceSeconds: 1,
      healthCheckIntervalMs: 200,
      healthCheckGraceMs: 1000,
      minuteMs: 300
    }
  })
  c = clients(aws)
  aws.setBehaviour({ secretValues: { [API_KEY]: 'k-123' }, targetGroupHealthCheckPaths: { [TG]: '/health' } })
  await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }))
  v1 = await pushImage(c, local[0]!, 'web', 'v1')
  v2 = await pushImage(c, local[1]!, 'web', 'v2')
  execRole = (
    await c.iam.send(new CreateRoleCommand({ RoleName: 'exec', AssumeRolePolicyDocument: TRUST_ECS_TASKS }))
  ).Role!.Arn!
  await c.iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'exec',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
    })
  )
  await c.ecs.send(new CreateClusterCommand({ clusterName: 'default' }))
}, 180000)

afterAll(async () => {
  await aws?.stop()
  await promisify(execFile)('docker', ['rmi', 'efd-svc-web:v1', 'efd-svc-web:v2']).catch(() => undefined)
})

describe('a standard ECS service on the local AWS', () => {
  it('creates the service: SUCCESSFUL, two containers per task, the target group front serves', async () => {
    const taskDefinition = await register(v1)
    const created = await c.ecs.send(
      new CreateServiceCommand({
        serviceName: 'web',
        taskDefinition,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: NETWORK,
        loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 5000 }],
        healthCheckGracePeriodSeconds: 10,
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: true, rollback: true },
          maximumPercent: 200,
          minimumHealthyPercent: 100
        },
        tags: [{ key: 'app', value: 'web' }],
        propagateTags: 'SERVICE',
        enableECSManagedTags: true
      })
    )
    const svc = created.service!
    serviceArn = svc.serviceArn!
    expect(serviceArn).toBe('arn:aws:ecs:us-east-1:123456789012:service/default/web')
    expect(svc).toMatchObject({
      status: 'ACTIVE',
      desiredCount: 2,
      launchType: 'FARGATE',
      taskDefinition,
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 5000 }],
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        strategy: 'ROLLING'
      },
      schedulingStrategy: 'REPLICA',
      propagateTags: 'SERVICE',
      enableECSManagedTags: true
    })
    const state = aws.state() as { standardServices: Array<{ fronts: Record<string, string> }> }
    front = state.standardServices[0]!.fronts[TG]!
    expect(front).toMatch(/^http:\/\/127\.0\.3\.\d+:\d+$/)

    const d = await settled()
    expect(d).toMatchObject({
      status: 'SUCCESSFUL',
      sourceServiceRevisions: [],
      targetServiceRevision: {
        requestedTaskCount: 2,
        runningTaskCount: 2,
        requestedProductionTrafficWeight: 100
      },
      deploymentCircuitBreaker: { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3 }
    })
    expect(d.lifecycleStage).toBeUndefined()
    expect(await version()).toBe('v1')

    const tasks = await c.ecs.send(new ListTasksCommand({ cluster: 'default', serviceName: 'web' }))
    expect(tasks.taskArns).toHaveLength(2)
    const described = await c.ecs.send(
      new DescribeTasksCommand({ cluster: 'default', tasks: tasks.taskArns })
    )
    for (const t of described.tasks!) {
      expect(t).toMatchObject({
        lastStatus: 'RUNNING',
        group: 'service:web',
        taskDefinitionArn: taskDefinition
      })
      expect(t.containers!.map((x) => x.name).sort()).toEqual(['app', 'sidecar'])
      expect(t.startedBy).toMatch(/^ecs-svc\/\d{19}$/)
    }
    // The secret reached the app container's environment, as ECS resolves it.
    const run = promisify(execFile)
    const names = await run('docker', [
      'ps',
      '--filter',
      `label=local-aws.task=${described.tasks![0]!.taskArn!.split('/').pop()}`,
      '--format',
      '{{.Names}}'
    ])
    const app = names.stdout.split('\n').find((n) => n.includes('-app-'))!
    const env = await run('docker', ['inspect', '--format', '{{json .Config.Env}}', app])
    expect(JSON.parse(env.stdout)).toEqual(expect.arrayContaining(['API_KEY=k-123', 'GREETING=hello']))
    const services = await c.ecs.send(
      new DescribeServicesCommand({ cluster: 'default', services: ['web', 'nope'], include: ['TAGS'] })
    )
    expect(services.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/default/nope', reason: 'MISSING' }
    ])
    const described2 = services.services![0]!
    expect(described2).toMatchObject({ runningCount: 2, tags: [{ key: 'app', value: 'web' }] })
    expect(described2.deployments).toEqual([
      expect.objectContaining({
        status: 'PRIMARY',
        rolloutState: 'COMPLETED',
        desiredCount: 2,
        runningCount: 2
      })
    ])
    const events = described2.events!.map((e) => e.message)
    expect(events[0]).toBe('(service web) has reached a steady state.')
    expect(events).toContain(
      `(service web) (deployment ${described.tasks![0]!.startedBy}) deployment completed.`
    )
    expect(
      events.filter((m) => m === `(service web) registered 1 targets in (target-group ${TG})`)
    ).toHaveLength(2)
    const listed = await c.ecs.send(new ListServicesCommand({ cluster: 'default' }))
    expect(listed.serviceArns).toEqual([serviceArn])
    const revisions = await c.ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: [d.targetServiceRevision!.arn!, 'nope'] })
    )
    expect(revisions.serviceRevisions![0]).toMatchObject({
      serviceArn,
      taskDefinition,
      launchType: 'FARGATE',
      containerImages: [
        { containerName: 'app', image: v1 },
        { containerName: 'sidecar', image: 'busybox:stable' }
      ]
    })
    expect(revisions.failures).toEqual([{ arn: 'nope', reason: 'MISSING' }])
  }, 120000)

  it('answers the model errors of a create, an update and a delete', async () => {
    const taskDefinition = await register(v1)
    const base = { serviceName: 'web', taskDefinition, desiredCount: 1, launchType: 'FARGATE' as const }
    const again = await rejects(
      c.ecs.send(new CreateServiceCommand({ ...base, networkConfiguration: NETWORK })),
      'InvalidParameterException'
    )
    expect(again.message).toBe('Creation of service was not idempotent.')
    const noNetwork = await rejects(
      c.ecs.send(new CreateServiceCommand({ ...base, serviceName: 'other' })),
      'InvalidParameterException'
    )
    expect(noNetwork.message).toBe(
      "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    )
    const badPort = await rejects(
      c.ecs.send(
        new CreateServiceCommand({
          ...base,
          serviceName: 'other',
          networkConfiguration: NETWORK,
          loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 80 }]
        })
      ),
      'InvalidParameterException'
    )
    expect(badPort.message).toBe('The container app did not have a container port 80 defined.')
    const badStrategy = await rejects(
      c.ecs.send(
        new CreateServiceCommand({
          ...base,
          serviceName: 'other',
          networkConfiguration: NETWORK,
          deploymentConfiguration: { strategy: 'SIDEWAYS' as 'ROLLING' }
        })
      ),
      'InvalidParameterException'
    )
    expect(badStrategy.message).toBe(
      "1 validation error detected: Value 'SIDEWAYS' at 'deploymentConfiguration.strategy' failed to satisfy constraint: Member must satisfy enum value set: [ROLLING, BLUE_GREEN, LINEAR, CANARY]"
    )
    await rejects(
      c.ecs.send(new CreateServiceCommand({ ...base, cluster: 'nope', networkConfiguration: NETWORK })),
      'ClusterNotFoundException'
    )
    const missing = await rejects(
      c.ecs.send(new UpdateServiceCommand({ service: 'nope', desiredCount: 1 })),
      'ServiceNotFoundException'
    )
    expect(missing.message).toBe('Service not found.')
    const scaled = await rejects(
      c.ecs.send(new DeleteServiceCommand({ service: 'web' })),
      'InvalidParameterException'
    )
    expect(scaled.message).toBe('The service cannot be stopped while it is scaled above 0.')
    await rejects(
      c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: `${serviceArn}-nope` })),
      'ServiceDeploymentNotFoundException'
    )
    const finished = await rejects(
      c.ecs.send(
        new StopServiceDeploymentCommand({ serviceDeploymentArn: await latestArn(), stopType: 'ROLLBACK' })
      ),
      'ConflictException'
    )
    expect(finished.message).toBe('The service deployment is SUCCESSFUL and cannot be stopped.')
  }, 60000)

  it('updates to a new image with no failed request while a client requests the front', async () => {
    const taskDefinition = await register(v2)
    const updated = await c.ecs.send(new UpdateServiceCommand({ service: 'web', taskDefinition }))
    expect(updated.service!.taskDefinition).toBe(taskDefinition)
    const { result: d, seen, failures } = await whileRequesting(settled())
    expect(d.status).toBe('SUCCESSFUL')
    expect(d.sourceServiceRevisions).toHaveLength(1)
    expect(failures).toEqual([])
    expect(seen.length).toBeGreaterThan(20)
    expect(seen[0]).toBe('v1')
    expect(seen.at(-1)).toBe('v2')
    const tasks = await c.ecs.send(new ListTasksCommand({ cluster: 'default', serviceName: 'web' }))
    const described = await c.ecs.send(
      new DescribeTasksCommand({ cluster: 'default', tasks: tasks.taskArns })
    )
    expect(described.tasks!.map((t) => t.taskDefinitionArn)).toEqual([taskDefinition, taskDefinition])
    for (const t of described.tasks!)
      expect(t.containers!.find((x) => x.name === 'sidecar')).toMatchObject({ lastStatus: 'RUNNING' })
  }, 120000)

  it('rolls back an image that crashes (circuit breaker), and the old revision keeps serving', async () => {
    const before = (await c.ecs.send(new DescribeServicesCommand({ services: ['web'] }))).services![0]!
    const crashing = await register(v1, { command: ['sh', '-c', 'exit 1'] })
    await c.ecs.send(new UpdateServiceCommand({ service: 'web', taskDefinition: crashing }))
    const { result: d, failures } = await whileRequesting(settled())
    expect(d).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason: 'ECS deployment circuit breaker: 3 tasks failed to become healthy.',
      deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 },
      rollback: { reason: 'ECS deployment circuit breaker: 3 tasks failed to become healthy.' }
    })
    expect(d.rollback!.serviceRevisionArn).toBe(d.sourceServiceRevisions![0]!.arn)
    expect(failures).toEqual([])
    expect(await version()).toBe('v2')
    const after = (await c.ecs.send(new DescribeServicesCommand({ services: ['web'] }))).services![0]!
    const events = after.events!.map((e) => e.message!)
    expect(events.some((m) => /^\(service web\) rolling back to deployment ecs-svc\/\d{19}\.$/.test(m))).toBe(
      true
    )
    expect(
      events.some((m) =>
        /^\(service web\) \(deployment ecs-svc\/\d{19}\) deployment failed: tasks failed to start\.$/.test(m)
      )
    ).toBe(true)
    expect(after.runningCount).toBe(2)
    // The service is back on the previous task definition, the failed deployment gone from its list.
    expect(after.taskDefinition).toBe(before.taskDefinition)
    expect(after.deployments).toEqual([
      expect.objectContaining({
        status: 'PRIMARY',
        rolloutState: 'COMPLETED',
        taskDefinition: before.taskDefinition
      })
    ])
  }, 120000)

  it('deploys blue/green through its lifecycle stages with a bake time', async () => {
    const taskDefinition = await register(v1)
    await c.ecs.send(
      new UpdateServiceCommand({
        service: 'web',
        taskDefinition,
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 3 }
      })
    )
    const stages: string[] = []
    const { result: d, failures, seen } = await whileRequesting(settled(stages))
    expect(d).toMatchObject({
      status: 'SUCCESSFUL',
      lifecycleStage: 'CLEAN_UP',
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 3 }
    })
    expect(historyOf(d.serviceDeploymentArn!)).toEqual([
      'IN_PROGRESS PRE_SCALE_UP 0%',
      'IN_PROGRESS SCALE_UP 0%',
      'IN_PROGRESS POST_SCALE_UP 0%',
      'IN_PROGRESS TEST_TRAFFIC_SHIFT 0%',
      'IN_PROGRESS POST_TEST_TRAFFIC_SHIFT 0%',
      'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 100%',
      'IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT 100%',
      'IN_PROGRESS BAKE_TIME 100%',
      'IN_PROGRESS CLEAN_UP 100%',
      'SUCCESSFUL CLEAN_UP 100%'
    ])
    expect(stages).toContain('IN_PROGRESS BAKE_TIME')
    expect(stages).toContain('IN_PROGRESS SCALE_UP')
    expect(failures).toEqual([])
    // All at once: once v1 answers, v2 never does again.
    expect(seen.slice(seen.indexOf('v1'))).not.toContain('v2')
  }, 120000)

  it('shifts traffic in steps for linear and canary deployments', async () => {
    await c.ecs.send(
      new UpdateServiceCommand({
        service: 'web',
        taskDefinition: await register(v2),
        deploymentConfiguration: {
          strategy: 'LINEAR',
          bakeTimeInMinutes: 0,
          linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 5 }
        }
      })
    )
    const linear = await whileRequesting(settled())
    expect(linear.result.status).toBe('SUCCESSFUL')
    expect(historyOf(linear.result.serviceDeploymentArn!)).toContain(
      'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 50%'
    )
    expect(linear.failures).toEqual([])
    expect(linear.result.deploymentConfiguration!.linearConfiguration).toEqual({
      stepPercent: 50,
      stepBakeTimeInMinutes: 5
    })

    await c.ecs.send(
      new UpdateServiceCommand({
        service: 'web',
        taskDefinition: await register(v1),
        deploymentConfiguration: {
          strategy: 'CANARY',
          bakeTimeInMinutes: 0,
          canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 5 }
        }
      })
    )
    const canary = await whileRequesting(settled())
    expect(canary.result.status).toBe('SUCCESSFUL')
    const history = historyOf(canary.result.serviceDeploymentArn!)
    expect(history).toContain('IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 20%')
    expect(history).toContain('IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 100%')
    expect(canary.failures).toEqual([])
    // During the canary step both revisions answered.
    const mixed = canary.seen.slice(0, canary.seen.lastIndexOf('v2'))
    expect(mixed).toContain('v1')
  }, 120000)

  it('rolls back a deployment that StopServiceDeployment stops', async () => {
    await c.ecs.send(
      new UpdateServiceCommand({
        service: 'web',
        taskDefinition: await register(v2),
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 100 }
      })
    )
    const arn = await latestArn()
    await until(
      async () => ((await deploymentOf(arn)).lifecycleStage === 'BAKE_TIME' ? true : undefined),
      60000
    )
    expect(await version()).toBe('v2')
    const abort = await rejects(
      c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ABORT' })),
      'InvalidParameterException'
    )
    expect(abort.message).toBe('The stopType ABORT is not supported. The valid value is ROLLBACK.')
    const stopped = await c.ecs.send(
      new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })
    )
    expect(stopped.serviceDeploymentArn).toBe(arn)
    const d = await settled()
    expect(d).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      rollback: { serviceRevisionArn: d.sourceServiceRevisions![0]!.arn }
    })
    expect(await version()).toBe('v1')
  }, 120000)

  it('rolls back a rolling deployment stopped while in progress, with no failed request', async () => {
    const before = (await c.ecs.send(new DescribeServicesCommand({ services: ['web'] }))).services![0]!
    const serving = await version()
    await c.ecs.send(
      new UpdateServiceCommand({
        service: 'web',
        taskDefinition: await register(serving === 'v1' ? v2 : v1),
        deploymentConfiguration: { strategy: 'ROLLING' }
      })
    )
    const arn = await latestArn()
    const work = (async () => {
      // Stopped once a new task runs: the rollback must take it out of the front and stop it.
      await until(async () => {
        const d = await deploymentOf(arn)
        return d.status === 'IN_PROGRESS' && d.targetServiceRevision!.runningTaskCount! >= 1
          ? true
          : undefined
      }, 30000)
      await c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }))
      return settled()
    })()
    const { result: d, failures } = await whileRequesting(work)
    expect(d).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason: 'Service deployment rolled back because of a stop request.',
      deploymentCircuitBreaker: { failureCount: 0 }
    })
    expect(failures).toEqual([])
    expect(await version()).toBe(serving)
    const after = (await c.ecs.send(new DescribeServicesCommand({ services: ['web'] }))).services![0]!
    expect(after).toMatchObject({ taskDefinition: before.taskDefinition, runningCount: 2 })
  }, 120000)

  it('authorizes the calls of an update on service/CLUSTER/NAME, iam:PassRole included', async () => {
    const service = 'arn:aws:ecs:us-east-1:123456789012:service/default/web'
    const inCluster = { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/default' } }
    const statements = [
      {
        Effect: 'Allow' as const,
        Action: ['ecs:DescribeServices', 'ecs:UpdateService', 'ecs:ListServiceDeployments'],
        Resource: service,
        Condition: inCluster
      },
      {
        Effect: 'Allow' as const,
        Action: ['ecs:DescribeServiceDeployments', 'ecs:StopServiceDeployment'],
        Resource: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/default/web/*',
        Condition: inCluster
      }
    ]
    const ci = clients(aws, 'AKIDCI')
    aws.setPolicy('AKIDCI', { Version: '2012-10-17', Statement: statements })
    const denied = await rejects(
      ci.ecs.send(new UpdateServiceCommand({ service: 'web', forceNewDeployment: true })),
      'AccessDeniedException'
    )
    expect(denied.message).toContain(`is not authorized to perform: iam:PassRole on resource: ${execRole}`)
    aws.setPolicy('AKIDCI', {
      Version: '2012-10-17',
      Statement: [
        ...statements,
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: execRole,
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
        }
      ]
    })
    await ci.ecs.send(new UpdateServiceCommand({ service: 'web', forceNewDeployment: true }))
    const listed = await ci.ecs.send(new ListServiceDeploymentsCommand({ service: 'web', maxResults: 1 }))
    const arn = listed.serviceDeployments![0]!.serviceDeploymentArn!
    await until(async () => {
      const out = await ci.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))
      return out.serviceDeployments![0]!.status === 'SUCCESSFUL' ? true : undefined
    }, 60000)
    await rejects(
      ci.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: ['api'] })),
      'AccessDeniedException'
    )
    aws.setPolicy('AKIDCI', undefined)
  }, 120000)

  it('deletes the service with force: DRAINING, then INACTIVE', async () => {
    const deleted = await c.ecs.send(new DeleteServiceCommand({ service: 'web', force: true }))
    expect(deleted.service).toMatchObject({ status: 'DRAINING', desiredCount: 0 })
    await until(async () => {
      const s = (await c.ecs.send(new DescribeServicesCommand({ services: ['web'] }))).services![0]!
      return s.status === 'INACTIVE' ? s : undefined
    }, 30000)
    expect((await c.ecs.send(new ListServicesCommand({}))).serviceArns).toEqual([])
    await rejects(c.ecs.send(new DeleteServiceCommand({ service: 'web' })), 'ServiceNotFoundException')
  }, 60000)
})
