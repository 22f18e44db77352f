// ECS Express Mode against real containers, through the real SDK ECS client: create → SUCCESSFUL and the
// endpoint serves; an update to a new image while a client requests the endpoint throughout, with no failed
// request; a crashing image rolls back while the old version keeps serving; delete, and delete again; the
// policy check of the new calls, the passed roles included.
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr'
import {
  CreateExpressGatewayServiceCommand,
  DeleteExpressGatewayServiceCommand,
  DescribeExpressGatewayServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  TagResourceCommand,
  UpdateExpressGatewayServiceCommand,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam'
import type { LocalAws } from '../src/index.js'
import { clients, pushImage, rejects, start, TRUST_ECS_TASKS, until, type Clients } from './helpers.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TRUST_ECS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }]
})
const FINAL = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']

let aws: LocalAws
let c: Clients
let v1: string
let v2: string
let execRole: string
let infraRole: string
let serviceArn: string
let endpoint: string

/** The examples/web image with /version answering NAME (built FROM the example, no registry pull). */
function buildVersion(name: string): string {
  const tag = `efd-express-web:${name}`
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

async function deploymentOf(arn: string): Promise<ServiceDeployment> {
  const out = await c.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))
  return out.serviceDeployments![0]!
}

/** The deployment the last call started, once it reaches a final status. */
async function settled(): Promise<ServiceDeployment> {
  const listed = await c.ecs.send(new ListServiceDeploymentsCommand({ service: serviceArn, maxResults: 1 }))
  const arn = listed.serviceDeployments![0]!.serviceDeploymentArn!
  return until(
    async () => {
      const d = await deploymentOf(arn)
      return FINAL.includes(d.status!) ? d : undefined
    },
    90000,
    `deployment ${arn} to finish`
  )
}

async function version(): Promise<string> {
  const res = await fetch(`${endpoint}/version`)
  if (res.status !== 200) throw new Error(`GET /version answered ${res.status}`)
  return (await res.text()).trim()
}

beforeAll(async () => {
  const local = [buildVersion('v1'), buildVersion('v2')]
  aws = await start({
    taskTimings: {
      provisioningMs: 50,
      pendingMs: 50,
      stopGraceSeconds: 1,
      healthCheckIntervalMs: 250,
      healthCheckGraceMs: 1000,
      bakeTimeMs: 500
    }
  })
  c = clients(aws)
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
  infraRole = (
    await c.iam.send(new CreateRoleCommand({ RoleName: 'infra', AssumeRolePolicyDocument: TRUST_ECS }))
  ).Role!.Arn!
}, 180000)

afterAll(async () => {
  await aws?.stop()
  await promisify(execFile)('docker', ['rmi', 'efd-express-web:v1', 'efd-express-web:v2']).catch(
    () => undefined
  )
})

const container = (image: string) => ({ image, containerPort: 5000 })

describe('an Express service on the local AWS', () => {
  it('creates the service: SUCCESSFUL, tasks visible to ECS, the endpoint serves', async () => {
    const created = await c.ecs.send(
      new CreateExpressGatewayServiceCommand({
        serviceName: 'web',
        executionRoleArn: execRole,
        infrastructureRoleArn: infraRole,
        primaryContainer: container(v1),
        healthCheckPath: '/health',
        scalingTarget: { minTaskCount: 2, maxTaskCount: 4 },
        tags: [{ key: 'app', value: 'web' }]
      })
    )
    const svc = created.service!
    serviceArn = svc.serviceArn!
    expect(serviceArn).toBe('arn:aws:ecs:us-east-1:123456789012:service/default/web')
    expect(svc.status).toEqual({ statusCode: 'ACTIVE' })
    endpoint = svc.activeConfigurations![0]!.ingressPaths![0]!.endpoint!
    expect(svc.activeConfigurations![0]!.ingressPaths).toEqual([
      { accessType: 'PUBLIC', endpoint: expect.stringMatching(/^http:\/\/127\.0\.2\.\d+:\d+$/) }
    ])
    expect(svc.activeConfigurations![0]!.scalingTarget).toEqual({
      minTaskCount: 2,
      maxTaskCount: 4,
      autoScalingMetric: 'AVERAGE_CPU',
      autoScalingTargetValue: 60
    })

    const d = await settled()
    expect(d).toMatchObject({ status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP', sourceServiceRevisions: [] })
    expect(await version()).toBe('v1')

    const tasks = await c.ecs.send(new ListTasksCommand({ cluster: 'default' }))
    expect(tasks.taskArns).toHaveLength(2)
    const described = await c.ecs.send(
      new DescribeTasksCommand({ cluster: 'default', tasks: tasks.taskArns })
    )
    for (const t of described.tasks!) {
      expect(t).toMatchObject({ lastStatus: 'RUNNING', group: 'service:web' })
      expect(t.startedBy).toMatch(/^ecs-svc\/\d{19}$/)
      expect(t.taskDefinitionArn).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:1')
    }
    const services = await c.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: ['web'] }))
    expect(services.services![0]).toMatchObject({ status: 'ACTIVE', desiredCount: 2, runningCount: 2 })
    const events = services.services![0]!.events!.map((e) => e.message)
    expect(events[0]).toBe('(service web) has reached a steady state.')
    expect(events).toContain(
      `(service web) (deployment ${described.tasks![0]!.startedBy}) deployment completed.`
    )
    expect(
      events.filter((m) => /^\(service web\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/.test(m!))
    ).toHaveLength(2)

    await c.ecs.send(
      new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key: 'team', value: 'cats' }] })
    )
    const tags = await c.ecs.send(new ListTagsForResourceCommand({ resourceArn: serviceArn }))
    expect(tags.tags).toEqual([
      { key: 'app', value: 'web' },
      { key: 'team', value: 'cats' }
    ])
  }, 120000)

  it('updates to a new image with no failed request while a client requests the endpoint', async () => {
    await c.ecs.send(new UpdateExpressGatewayServiceCommand({ serviceArn, primaryContainer: container(v2) }))
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
    const d = await settled().finally(() => (done = true))
    await client
    expect(d.status).toBe('SUCCESSFUL')
    expect(d.sourceServiceRevisions).toHaveLength(1)
    expect(failures).toEqual([])
    expect(seen.length).toBeGreaterThan(20)
    expect(seen[0]).toBe('v1')
    expect(seen.at(-1)).toBe('v2')
    expect(await version()).toBe('v2')
    const tasks = await c.ecs.send(new ListTasksCommand({ cluster: 'default', serviceName: 'web' }))
    expect(tasks.taskArns).toHaveLength(2)
  }, 120000)

  it('rolls back an image that crashes, and the old version keeps serving', async () => {
    const updated = await c.ecs.send(
      new UpdateExpressGatewayServiceCommand({
        serviceArn,
        primaryContainer: { ...container(v1), command: ['sh', '-c', 'exit 1'] }
      })
    )
    expect(updated.service!.targetConfiguration!.primaryContainer!.command).toEqual(['sh', '-c', 'exit 1'])
    const d = await settled()
    expect(d).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason: 'ECS deployment circuit breaker: 3 tasks failed to become healthy.',
      deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 }
    })
    expect(d.rollback!.reason).toBe('ECS deployment circuit breaker: 3 tasks failed to become healthy.')
    expect(d.rollback!.serviceRevisionArn).toBe(d.sourceServiceRevisions![0]!.arn)
    expect(await version()).toBe('v2')
    const stopped = await c.ecs.send(new ListTasksCommand({ cluster: 'default', desiredStatus: 'STOPPED' }))
    const crashed = await c.ecs.send(
      new DescribeTasksCommand({ cluster: 'default', tasks: stopped.taskArns!.slice(0, 100) })
    )
    expect(
      crashed.tasks!.filter((t) => t.stopCode === 'EssentialContainerExited').length
    ).toBeGreaterThanOrEqual(3)
    const events = (
      await c.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [serviceArn] }))
    ).services![0]!.events!.map((e) => e.message!)
    expect(events.some((m) => /^\(service web\) rolling back to deployment ecs-svc\/\d{19}\.$/.test(m))).toBe(
      true
    )
    const described = await c.ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn }))
    expect(described.service!.activeConfigurations!.map((x) => x.primaryContainer!.image)).toEqual([v2])
  }, 120000)

  it('rolls back tasks that fail their health checks', async () => {
    await c.ecs.send(
      new UpdateExpressGatewayServiceCommand({
        serviceArn,
        primaryContainer: container(v1),
        healthCheckPath: '/nope'
      })
    )
    const d = await settled()
    expect(d).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      deploymentCircuitBreaker: { status: 'TRIGGERED' }
    })
    expect(await version()).toBe('v2')
    const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: ['web'] })))
      .services![0]!
    expect(svc.events!.map((e) => e.message!)).toContainEqual(
      expect.stringMatching(
        /^\(service web\) \(port \d+\) is unhealthy in \(target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/ecs-gateway-tg-[0-9a-f]+\/[0-9a-f]+\) due to \(reason Health checks failed\)\.$/
      )
    )
    const stopped = await c.ecs.send(new ListTasksCommand({ cluster: 'default', desiredStatus: 'STOPPED' }))
    const tasks = (
      await c.ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: stopped.taskArns }))
    ).tasks!
    expect(
      tasks.filter((t) => t.stoppedReason?.startsWith('Task failed ELB health checks in (target-group arn:'))
        .length
    ).toBeGreaterThanOrEqual(3)
    expect(svc).toMatchObject({ runningCount: 2, desiredCount: 2 })
  }, 120000)

  it('a first deployment that fails stops, and the service stays ACTIVE with no task', async () => {
    const created = await c.ecs.send(
      new CreateExpressGatewayServiceCommand({
        serviceName: 'broken',
        executionRoleArn: execRole,
        infrastructureRoleArn: infraRole,
        primaryContainer: { ...container(v1), command: ['sh', '-c', 'exit 1'] },
        healthCheckPath: '/health'
      })
    )
    const arn = created.service!.serviceArn!
    const listed = await c.ecs.send(new ListServiceDeploymentsCommand({ service: 'broken' }))
    const d = await until(
      async () => {
        const x = await deploymentOf(listed.serviceDeployments![0]!.serviceDeploymentArn!)
        return FINAL.includes(x.status!) ? x : undefined
      },
      60000,
      'the broken deployment'
    )
    expect(d).toMatchObject({
      status: 'STOPPED',
      statusReason: 'ECS deployment circuit breaker: 3 tasks failed to become healthy.'
    })
    const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: ['broken'] })))
      .services![0]!
    expect(svc).toMatchObject({ status: 'ACTIVE', runningCount: 0 })
    expect(svc.events![0]!.message).toMatch(
      /^\(service broken\) \(deployment ecs-svc\/\d{19}\) deployment failed: tasks failed to start\.$/
    )
    const gone = await c.ecs.send(new DeleteExpressGatewayServiceCommand({ serviceArn: arn }))
    expect(gone.service!.status).toEqual({ statusCode: 'DRAINING' })
  }, 90000)

  it('refuses bad requests with the API errors', async () => {
    const bad = {
      executionRoleArn: execRole,
      infrastructureRoleArn: infraRole,
      primaryContainer: container(v1)
    }
    const e1 = await rejects(
      c.ecs.send(new CreateExpressGatewayServiceCommand({ ...bad, serviceName: 'web' })),
      'InvalidParameterException'
    )
    expect(e1.message).toBe('Creation of service was not idempotent.')
    await rejects(
      c.ecs.send(
        new CreateExpressGatewayServiceCommand({ ...bad, serviceName: 'x', healthCheckPath: 'health' })
      ),
      'InvalidParameterException'
    )
    await rejects(
      c.ecs.send(
        new CreateExpressGatewayServiceCommand({
          ...bad,
          serviceName: 'x',
          scalingTarget: { minTaskCount: 3, maxTaskCount: 2 }
        })
      ),
      'InvalidParameterException'
    )
    await rejects(
      c.ecs.send(new CreateExpressGatewayServiceCommand({ ...bad, serviceName: 'x', cluster: 'nope' })),
      'ClusterNotFoundException'
    )
    await rejects(
      c.ecs.send(
        new CreateExpressGatewayServiceCommand({ ...bad, serviceName: 'x', infrastructureRoleArn: execRole })
      ),
      'InvalidParameterException'
    )
    await rejects(
      c.ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn: `${serviceArn}-gone` })),
      'ResourceNotFoundException'
    )
    await rejects(
      c.ecs.send(new UpdateExpressGatewayServiceCommand({ serviceArn: `${serviceArn}-gone` })),
      'ServiceNotFoundException'
    )
  })

  it('checks the policy of the new calls, the passed roles included', async () => {
    const limited = clients(aws, 'AKIDEXPRESSLIMITED')
    const arn = 'arn:aws:ecs:us-east-1:123456789012:service/default/other'
    aws.setPolicy('AKIDEXPRESSLIMITED', {
      Statement: [
        {
          Effect: 'Allow',
          Action: ['ecs:CreateExpressGatewayService', 'ecs:DescribeExpressGatewayService'],
          Resource: arn,
          Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/default' } }
        },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: execRole,
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
        }
      ]
    })
    const request = {
      serviceName: 'other',
      executionRoleArn: execRole,
      infrastructureRoleArn: infraRole,
      primaryContainer: container(v1)
    }
    const denied = await rejects(
      limited.ecs.send(new CreateExpressGatewayServiceCommand(request)),
      'AccessDeniedException'
    )
    expect(denied.message).toBe(
      `User: arn:aws:iam::123456789012:user/AKIDEXPRESSLIMITED is not authorized to perform: iam:PassRole on resource: ${infraRole} because no identity-based policy allows the iam:PassRole action`
    )
    const other = await rejects(
      limited.ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn })),
      'AccessDeniedException'
    )
    expect(other.message).toContain(`ecs:DescribeExpressGatewayService on resource: ${serviceArn}`)
    await rejects(
      limited.ecs.send(new ListServiceDeploymentsCommand({ service: serviceArn })),
      'AccessDeniedException'
    )
    // Nothing was created by the denied call.
    await rejects(
      c.ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn: arn })),
      'ResourceNotFoundException'
    )
    aws.setPolicy('AKIDEXPRESSLIMITED', undefined)
  })

  it('deletes the service: DRAINING, then INACTIVE with every task stopped; deleting again is refused', async () => {
    const deleted = await c.ecs.send(new DeleteExpressGatewayServiceCommand({ serviceArn }))
    expect(deleted.service!.status).toEqual({ statusCode: 'DRAINING' })
    await expect(fetch(`${endpoint}/version`)).rejects.toThrow()
    await until(
      async () => {
        const d = await c.ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn }))
        return d.service!.status!.statusCode === 'INACTIVE' ? true : undefined
      },
      60000,
      'the service to be INACTIVE'
    )
    const running = await c.ecs.send(new ListTasksCommand({ cluster: 'default' }))
    expect(running.taskArns).toEqual([])
    const services = await c.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: ['web'] }))
    expect(services.services![0]).toMatchObject({ status: 'INACTIVE', desiredCount: 0, runningCount: 0 })
    const again = await rejects(
      c.ecs.send(new DeleteExpressGatewayServiceCommand({ serviceArn })),
      'ServiceNotActiveException'
    )
    expect(again.message).toBe('Service was not ACTIVE.')
  }, 90000)
})
