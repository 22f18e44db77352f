// ECS tasks as real Docker containers: a busybox image pushed to the local registry through ECR's auth,
// the full lifecycle with a reachable public IP, exit codes, log capture (5,000 lines via GetLogEvents paging),
// StopTask, the start failures ECS reports, and clean teardown.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateLogGroupCommand,
  GetLogEventsCommand,
  FilterLogEventsCommand
} from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateSecurityGroupCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand
} from '@aws-sdk/client-ec2'
import { CreateRepositoryCommand, DescribeImagesCommand } from '@aws-sdk/client-ecr'
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
  type Task,
  type TaskOverride
} from '@aws-sdk/client-ecs'
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam'
import type { LocalAws } from '../src/index.js'
import { clients, pushBusybox, rejects, start, TRUST_ECS_TASKS, until, type Clients } from './helpers.js'

let aws: LocalAws
let c: Clients
let image: string
let digest: string
let execRole: string
let bareRole: string
let subnets: string[]
let sg: string
const GROUP = '/ecs/tasks-e2e'

beforeAll(async () => {
  aws = await start()
  c = clients(aws)
  await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
  image = await pushBusybox(c, 'app', 'v1')
  const images = await c.ecr.send(
    new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] })
  )
  digest = images.imageDetails![0]!.imageDigest!
  execRole = (
    await c.iam.send(new CreateRoleCommand({ RoleName: 'exec', AssumeRolePolicyDocument: TRUST_ECS_TASKS }))
  ).Role!.Arn!
  await c.iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'exec',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
    })
  )
  bareRole = (
    await c.iam.send(new CreateRoleCommand({ RoleName: 'bare', AssumeRolePolicyDocument: TRUST_ECS_TASKS }))
  ).Role!.Arn!
  await c.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }))
  await c.ecs.send(new CreateClusterCommand({ clusterName: 'e2e' }))
  subnets = (
    await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))
  ).Subnets!.map((s) => s.SubnetId!)
  sg = (await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'tasks', Description: 'tasks' })))
    .GroupId!
  await c.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sg,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 18081, ToPort: 18081, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }
      ]
    })
  )
}, 120000)

afterAll(async () => {
  await aws?.stop()
})

let familySeq = 0
async function runTask(
  container: Partial<ContainerDefinition>,
  opts: {
    executionRoleArn?: string | null
    logGroup?: string
    startedBy?: string
    overrides?: TaskOverride
  } = {}
): Promise<Task> {
  const family = `e2e-${++familySeq}`
  const td = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: opts.executionRoleArn === null ? undefined : (opts.executionRoleArn ?? execRole),
      containerDefinitions: [
        {
          name: 'app',
          image,
          essential: true,
          ...(opts.executionRoleArn === null
            ? {}
            : {
                logConfiguration: {
                  logDriver: 'awslogs',
                  options: {
                    'awslogs-group': opts.logGroup ?? GROUP,
                    'awslogs-region': 'us-east-1',
                    'awslogs-stream-prefix': 'ecs'
                  }
                }
              }),
          ...container
        }
      ]
    })
  )
  const out = await c.ecs.send(
    new RunTaskCommand({
      cluster: 'e2e',
      taskDefinition: td.taskDefinition!.taskDefinitionArn,
      launchType: 'FARGATE',
      startedBy: opts.startedBy,
      overrides: opts.overrides,
      networkConfiguration: {
        awsvpcConfiguration: { subnets, securityGroups: [sg], assignPublicIp: 'ENABLED' }
      }
    })
  )
  expect(out.failures).toEqual([])
  return out.tasks![0]!
}

const describeTask = async (arn: string): Promise<Task> =>
  (await c.ecs.send(new DescribeTasksCommand({ cluster: 'e2e', tasks: [arn] }))).tasks![0]!
const waitFor = (arn: string, status: string, timeoutMs = 30000): Promise<Task> =>
  until(
    async () => {
      const t = await describeTask(arn)
      return t.lastStatus === status ? t : undefined
    },
    timeoutMs,
    `task ${arn} ${status}`
  )
const taskId = (t: Task): string => t.taskArn!.split('/').pop()!

async function allEvents(stream: string): Promise<string[]> {
  const out = await c.logs.send(
    new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true })
  )
  return out.events!.map((e) => e.message!)
}

describe('tasks run as containers', () => {
  it('the pushed image is visible through ECR with its digest', async () => {
    const all = await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(all.imageDetails).toHaveLength(1)
    expect(all.imageDetails![0]).toMatchObject({
      imageTags: ['v1'],
      imageDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/)
    })
    expect(all.imageDetails![0]!.imageSizeInBytes).toBeGreaterThan(0)
    const byDigest = await c.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageDigest: digest }] })
    )
    expect(byDigest.imageDetails![0]!.imageTags).toEqual(['v1'])
  })

  it('like ECR, the registry refuses pushes to a repository never created', async () => {
    await expect(pushBusybox(c, 'ghost', 'v1')).rejects.toThrow(
      "The repository with name 'ghost' does not exist in the registry with id '123456789012'"
    )
  })

  it('lifecycle: PROVISIONING → RUNNING with a reachable public IP → StopTask → STOPPED', async () => {
    const started = await runTask({
      command: ['sh', '-c', 'echo started; echo warn >&2; exec httpd -f -p 18081 -h /etc'],
      portMappings: [{ containerPort: 18081 }]
    })
    expect(started).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE'
    })
    const running = await waitFor(started.taskArn!, 'RUNNING')
    expect(running.startedAt).toBeInstanceOf(Date)
    expect(running.containers![0]).toMatchObject({ name: 'app', lastStatus: 'RUNNING', imageDigest: digest })
    const att = running.attachments![0]!
    expect(att.type).toBe('ElasticNetworkInterface')
    const detail = (n: string) => att.details!.find((d) => d.name === n)?.value
    expect(detail('subnetId')).toBe(subnets[0])
    expect(detail('privateIPv4Address')).toMatch(/^127\.0\.1\.\d+$/)
    const eni = await c.ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [detail('networkInterfaceId')!] })
    )
    const ip = eni.NetworkInterfaces![0]!.Association!.PublicIp!
    expect(ip).toMatch(/^127\.0\.0\.\d+$/)
    const res = await until(
      () =>
        fetch(`http://${ip}:18081/hostname`).then(
          (r) => r,
          () => undefined
        ),
      10000,
      'httpd'
    )
    expect(res.status).toBeLessThan(500)

    const listed = await c.ecs.send(
      new ListTasksCommand({
        cluster: 'e2e',
        family: running.taskDefinitionArn!.split('/')[1]!.split(':')[0]
      })
    )
    expect(listed.taskArns).toEqual([running.taskArn])

    const stop = await c.ecs.send(
      new StopTaskCommand({ cluster: 'e2e', task: running.taskArn!, reason: 'done testing' })
    )
    expect(stop.task).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'RUNNING' })
    const stopped = await waitFor(running.taskArn!, 'STOPPED')
    expect(stopped).toMatchObject({
      stopCode: 'UserInitiated',
      stoppedReason: 'done testing',
      desiredStatus: 'STOPPED'
    })
    expect(stopped.stoppedAt).toBeInstanceOf(Date)
    expect(stopped.stoppingAt).toBeInstanceOf(Date)
    expect(typeof stopped.containers![0]!.exitCode).toBe('number')
    expect(await allEvents(`ecs/app/${taskId(running)}`)).toEqual(expect.arrayContaining(['started', 'warn']))
    await rejects(
      c.ec2.send(
        new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [detail('networkInterfaceId')!] })
      ),
      'InvalidNetworkInterfaceID.NotFound'
    )
    const stoppedList = await c.ecs.send(new ListTasksCommand({ cluster: 'e2e', desiredStatus: 'STOPPED' }))
    expect(stoppedList.taskArns).toContain(running.taskArn)
  })

  it('an exiting essential container stops the task with its exit code; logs survive the container', async () => {
    const t = await runTask({
      image: `${aws.registryHost}/app@${digest}`,
      command: ['sh', '-c', 'echo out; echo err >&2; exit 3']
    })
    const stopped = await waitFor(t.taskArn!, 'STOPPED')
    expect(stopped).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited'
    })
    expect(stopped.containers![0]).toMatchObject({ exitCode: 3, lastStatus: 'STOPPED' })
    expect((await allEvents(`ecs/app/${taskId(t)}`)).sort()).toEqual(['err', 'out'])
    const filtered = await c.logs.send(
      new FilterLogEventsCommand({
        logGroupName: GROUP,
        logStreamNames: [`ecs/app/${taskId(t)}`],
        filterPattern: 'err'
      })
    )
    expect(filtered.events!.map((e) => e.message)).toEqual(['err'])
  })

  it('environment, entryPoint, command and container overrides reach the container', async () => {
    const t = await runTask(
      {
        entryPoint: ['sh', '-c'],
        command: ['echo "$GREETING $WHO $AWS_REGION"'],
        environment: [
          { name: 'GREETING', value: 'hi' },
          { name: 'WHO', value: 'world' }
        ]
      },
      {
        overrides: {
          containerOverrides: [{ name: 'app', environment: [{ name: 'GREETING', value: 'hello' }] }]
        }
      }
    )
    const stopped = await waitFor(t.taskArn!, 'STOPPED')
    expect(stopped.containers![0]!.exitCode).toBe(0)
    expect(await allEvents(`ecs/app/${taskId(t)}`)).toEqual(['hello world us-east-1'])
  })

  it('5,000 lines arrive exactly once and in order through GetLogEvents forward tokens', async () => {
    const t = await runTask({
      command: ['sh', '-c', 'i=1; while [ $i -le 5000 ]; do echo "line $i"; i=$((i+1)); done; sleep 1']
    })
    const stream = `ecs/app/${taskId(t)}`
    const seen: string[] = []
    let token: string | undefined
    let done = false
    // Poll like a log tailer: follow nextForwardToken; stop after the task stopped and a poll brings nothing new.
    for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
      const stoppedBefore = (await describeTask(t.taskArn!)).lastStatus === 'STOPPED'
      const page = await c.logs
        .send(
          new GetLogEventsCommand({
            logGroupName: GROUP,
            logStreamName: stream,
            startFromHead: true,
            nextToken: token,
            limit: 700
          })
        )
        .catch((e: Error) => {
          if (e.name === 'ResourceNotFoundException') return undefined // stream not created yet
          throw e
        })
      if (page) {
        seen.push(...page.events!.map((e) => e.message!))
        if (page.events!.length === 0) expect(page.nextForwardToken).toBe(token ?? page.nextForwardToken)
        token = page.nextForwardToken
        if (stoppedBefore && page.events!.length === 0) {
          done = true
          break
        }
        if (page.events!.length > 0) continue
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(done).toBe(true)
    expect(seen).toHaveLength(5000)
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`))
  })
})

describe('start failures as ECS reports them', () => {
  it('an image tag missing from the registry: CannotPullContainerError', async () => {
    const t = await runTask({ image: `${aws.registryHost}/app:missing` })
    const stopped = await waitFor(t.taskArn!, 'STOPPED')
    expect(stopped.stopCode).toBe('TaskFailedToStart')
    expect(stopped.stoppedReason).toBe(
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${aws.registryHost}/app:missing: ${aws.registryHost}/app:missing: not found`
    )
    expect(stopped.containers![0]!.reason).toBe(stopped.stoppedReason)
  })

  it('an ECR image without an execution role cannot be pulled', async () => {
    const t = await runTask({}, { executionRoleArn: null })
    const stopped = await waitFor(t.taskArn!, 'STOPPED')
    expect(stopped.stopCode).toBe('TaskFailedToStart')
    expect(stopped.stoppedReason).toMatch(/^CannotPullContainerError: .*401 Unauthorized$/)
  })

  it('an execution role without ECR permissions: ResourceInitializationError', async () => {
    const t = await runTask({}, { executionRoleArn: bareRole })
    const stopped = await waitFor(t.taskArn!, 'STOPPED')
    expect(stopped.stoppedReason).toMatch(
      /^ResourceInitializationError: unable to pull secrets or registry auth: .*AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role\/bare\//
    )
  })

  it('a missing awslogs group: ResourceInitializationError', async () => {
    const t = await runTask({}, { logGroup: '/ecs/missing' })
    const stopped = await waitFor(t.taskArn!, 'STOPPED')
    expect(stopped.stopCode).toBe('TaskFailedToStart')
    expect(stopped.stoppedReason).toBe(
      'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1'
    )
  })
})

describe('teardown', () => {
  it('stop() removes running task containers and the registry', async () => {
    const t = await runTask({ command: ['sleep', '300'] }, { startedBy: 'teardown' })
    await waitFor(t.taskArn!, 'RUNNING')
    const label = `label=local-aws.task=${taskId(t)}`
    expect(execFileSync('docker', ['ps', '-aq', '--filter', label]).toString().trim()).not.toBe('')
    await aws.stop()
    expect(execFileSync('docker', ['ps', '-aq', '--filter', label]).toString().trim()).toBe('')
    await expect(fetch(`http://${aws.registryHost}/v2/`)).rejects.toThrow()
  })
})
