// Scheduled jobs on a started local AWS, through the real SDK clients and Docker: a rate(1 minute) schedule on a
// sped-up scheduler clock (a minute is a second) runs the job's task by itself, twice, as its role, with the pushed
// image, and its logs are found; a role without ecs:RunTask is denied, recorded and no task runs; an EventBridge
// rule on the family's failed runs sends a run that exits 3 to the SNS stand-in, and the runs that exit 0 never.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr'
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand
} from '@aws-sdk/client-ecs'
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { AttachRolePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
  type CreateScheduleCommandInput
} from '@aws-sdk/client-scheduler'
import type { BusEvent, Invocation, LocalAws } from '../src/index.js'
import { clients, pushBusybox, start, TRUST_ECS_TASKS, until, type Clients } from './helpers.js'

const ACCOUNT = '123456789012'
const CLUSTER = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/jobs`
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:job-failures`
const LOG_GROUP = '/jobs/nightly'
const trustScheduler = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' }
  ]
})

let aws: LocalAws
let c: Clients
let scheduler: SchedulerClient
let events: EventBridgeClient
let image: string
let taskDefinitionArn: string

/** A scheduler role with an inline policy. */
async function role(name: string, statements: unknown[]): Promise<string> {
  const created = await c.iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustScheduler })
  )
  await c.iam.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: 'run',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements })
    })
  )
  return created.Role!.Arn!
}

/** What the action's printed policy gives a scheduler role: RunTask of the family in the cluster, PassRole to tasks. */
const RUN_NIGHTLY = [
  {
    Effect: 'Allow',
    Action: 'ecs:RunTask',
    Resource: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/nightly:*`,
    Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } }
  },
  {
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: `arn:aws:iam::${ACCOUNT}:role/exec`,
    Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
  }
]

const job = (name: string, roleArn: string, exit = 0): CreateScheduleCommandInput => ({
  Name: name,
  ScheduleExpression: 'rate(1 minute)',
  FlexibleTimeWindow: { Mode: 'OFF' },
  Target: {
    Arn: CLUSTER,
    RoleArn: roleArn,
    RetryPolicy: { MaximumRetryAttempts: 0 },
    EcsParameters: {
      TaskDefinitionArn: taskDefinitionArn,
      TaskCount: 1,
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        awsvpcConfiguration: { Subnets: ['subnet-0def0000000000a01'], AssignPublicIp: 'ENABLED' }
      }
    },
    Input: JSON.stringify({
      containerOverrides: [{ name: 'job', environment: [{ name: 'EXIT', value: String(exit) }] }]
    })
  }
})

/** The schedule's invocations, once `count` of them satisfy `ok`. */
const invocations = (name: string, count: number, ok: (i: Invocation) => boolean) =>
  until(
    async () => {
      const found = aws.schedulerInvocations().filter((i) => i.scheduleName === name && ok(i))
      return found.length >= count ? found : undefined
    },
    60000,
    `${count} invocations of ${name}`
  )

async function stoppedTask(taskArn: string) {
  return until(
    async () => {
      const out = await c.ecs.send(new DescribeTasksCommand({ cluster: 'jobs', tasks: [taskArn] }))
      const task = out.tasks?.[0]
      return task?.lastStatus === 'STOPPED' ? task : undefined
    },
    60000,
    `${taskArn} STOPPED`
  )
}

beforeAll(async () => {
  aws = await start({ schedulerClock: { speed: 60 } }) // a scheduler minute passes in a real second
  c = clients(aws)
  const cfg = {
    endpoint: aws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'x' }
  }
  scheduler = new SchedulerClient(cfg)
  events = new EventBridgeClient(cfg)
  await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'jobs' }))
  image = await pushBusybox(c, 'jobs', 'v1')
  await c.ecs.send(new CreateClusterCommand({ clusterName: 'jobs' }))
  await c.iam.send(new CreateRoleCommand({ RoleName: 'exec', AssumeRolePolicyDocument: TRUST_ECS_TASKS }))
  await c.iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'exec',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
    })
  )
  await c.logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }))
  const registered = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'nightly',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
      containerDefinitions: [
        {
          name: 'job',
          image,
          essential: true,
          command: ['sh', '-c', 'echo "nightly run, exit $EXIT"; exit $EXIT'],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': LOG_GROUP,
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': 'job'
            }
          }
        }
      ]
    })
  )
  taskDefinitionArn = registered.taskDefinition!.taskDefinitionArn!
  // The action's notification rule: this family's runs that stopped with a non-zero exit or never started.
  await events.send(
    new PutRuleCommand({
      Name: 'nightly-failures',
      EventPattern: JSON.stringify({
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          lastStatus: ['STOPPED'],
          group: ['family:nightly'],
          $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }]
        }
      }),
      Tags: [{ Key: 'efd:job', Value: 'nightly' }]
    })
  )
  const targets = await events.send(
    new PutTargetsCommand({ Rule: 'nightly-failures', Targets: [{ Id: 'topic', Arn: TOPIC }] })
  )
  expect(targets.FailedEntryCount).toBe(0)
}, 180000)

afterAll(async () => {
  await aws?.stop()
})

describe('scheduled jobs', () => {
  it('runs a rate(1 minute) job by itself, twice, as its role, with the pushed image; its logs are found', async () => {
    const roleArn = await role('nightly-scheduler', RUN_NIGHTLY)
    await scheduler.send(new CreateScheduleCommand(job('nightly', roleArn)))
    const fired = await invocations('nightly', 2, (i) => !i.error)
    await scheduler.send(new DeleteScheduleCommand({ Name: 'nightly' }))
    for (const invocation of fired.slice(0, 2)) {
      expect(invocation).toEqual(expect.objectContaining({ operation: 'RunTask', role: roleArn, attempt: 1 }))
      const task = await stoppedTask(invocation.taskArns![0]!)
      expect([task.startedBy, task.group, task.taskDefinitionArn, task.containers?.[0]?.exitCode]).toEqual([
        'chronos-schedule/nightly',
        'family:nightly',
        taskDefinitionArn,
        0
      ])
      expect(task.containers?.[0]?.image).toBe(image)
      expect(task.containers?.[0]?.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/)
      const taskId = task.taskArn!.split('/').pop()
      const logs = await until(
        async () => {
          const out = await c.logs.send(
            new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: `job/job/${taskId}` })
          )
          return out.events?.length ? out.events : undefined
        },
        20000,
        `the logs of ${taskId}`
      )
      expect(logs.map((e) => e.message)).toEqual(['nightly run, exit 0'])
    }
    // One scheduler minute apart.
    const [first, second] = fired
    expect(second!.scheduledTime! - first!.scheduledTime!).toBe(60_000)
    // The runs that exited 0 reached no one.
    expect(aws.snsMessages(TOPIC)).toEqual([])
  })

  it('records AccessDenied for a role without ecs:RunTask; no task runs', async () => {
    const roleArn = await role('powerless-scheduler', [RUN_NIGHTLY[1]])
    const before = aws.state() as { tasks: unknown[] }
    await scheduler.send(new CreateScheduleCommand(job('powerless', roleArn)))
    const [denied] = await invocations('powerless', 1, (i) => i.final)
    await scheduler.send(new DeleteScheduleCommand({ Name: 'powerless' }))
    expect([denied!.error, denied!.taskArns]).toEqual(['AccessDeniedException', undefined])
    expect(denied!.errorMessage).toContain(`assumed-role/powerless-scheduler/`)
    expect(denied!.errorMessage).toContain(
      `is not authorized to perform: ecs:RunTask on resource: ${taskDefinitionArn}`
    )
    expect((aws.state() as { tasks: unknown[] }).tasks.length).toBe(before.tasks.length)
  })

  it('sends a run that exits 3 to the SNS topic through the rule', async () => {
    const roleArn = await role('failing-scheduler', RUN_NIGHTLY)
    await scheduler.send(new CreateScheduleCommand(job('failing', roleArn, 3)))
    const [fired] = await invocations('failing', 1, (i) => !i.error)
    await scheduler.send(new DeleteScheduleCommand({ Name: 'failing' }))
    const taskArn = fired!.taskArns![0]!
    const message = await until(
      async () =>
        aws.snsMessages(TOPIC).find((m) => (JSON.parse(m.message) as BusEvent).resources[0] === taskArn),
      60000,
      'the failed run on the topic'
    )
    const event = JSON.parse(message.message) as BusEvent
    expect([event.source, event['detail-type'], message.ruleArn]).toEqual([
      'aws.ecs',
      'ECS Task State Change',
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly-failures`
    ])
    expect(event.detail).toEqual(
      expect.objectContaining({
        lastStatus: 'STOPPED',
        startedBy: 'chronos-schedule/failing',
        stopCode: 'EssentialContainerExited',
        containers: [expect.objectContaining({ name: 'job', exitCode: 3 })]
      })
    )
    // Through the control API too, and only failed runs.
    const res = await fetch(`${aws.endpoint}/_local/sns/messages?topic=${encodeURIComponent(TOPIC)}`)
    const all = (await res.json()) as Array<{ message: string }>
    expect(all.length).toBeGreaterThanOrEqual(1)
    for (const m of all)
      expect((JSON.parse(m.message) as BusEvent).detail.startedBy).toBe('chronos-schedule/failing')
  })
})
