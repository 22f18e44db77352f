import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import {
  canonicalTaskDefinition,
  deregisterFamily,
  describeLatestRevision,
  familyOfArn,
  listActiveRevisions,
  registerOrReuse,
  renderTaskDefinition
} from '../../src/aws/task-definition.js'

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/myapp@sha256:' + 'a'.repeat(64)
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole'

function inputs(given: Record<string, string>, template?: object): Inputs {
  return parseInputs((name) => given[name] ?? '', {
    env: { AWS_REGION: 'us-east-1' },
    readFile: () => JSON.stringify(template)
  })
}

describe('renderTaskDefinition', () => {
  test.each([
    ['no platform and no template: linux/amd64', {}, undefined, 'X86_64'],
    ['platform linux/arm64', { platform: 'linux/arm64' }, undefined, 'ARM64'],
    [
      "the template's ARM64 when platform is not given",
      {},
      { runtimePlatform: { cpuArchitecture: 'ARM64' } },
      'ARM64'
    ],
    [
      "platform given over the template's",
      { platform: 'linux/amd64' },
      { runtimePlatform: { cpuArchitecture: 'ARM64' } },
      'X86_64'
    ]
  ])('runtimePlatform: %s', (_name, given, template, cpuArchitecture) => {
    const rendered = renderTaskDefinition(
      inputs(
        { repository: 'myapp', ...(template ? { 'task-definition': 'td.json' } : {}), ...given },
        template
      ),
      { image: IMAGE, executionRoleArn: EXEC_ROLE }
    )
    expect(rendered.runtimePlatform).toEqual({ cpuArchitecture, operatingSystemFamily: 'LINUX' })
  })

  test('renders a Fargate definition that pins the image digest', () => {
    const rendered = renderTaskDefinition(
      inputs({ repository: 'myapp', port: '5000', cpu: '512', memory: '1024' }),
      {
        image: IMAGE,
        executionRoleArn: EXEC_ROLE
      }
    )
    expect(rendered).toEqual({
      family: 'myapp',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      executionRoleArn: EXEC_ROLE,
      taskRoleArn: undefined,
      runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
      tags: undefined,
      containerDefinitions: [
        {
          name: 'myapp',
          image: IMAGE,
          essential: true,
          environment: [],
          secrets: [],
          portMappings: [{ containerPort: 5000, hostPort: 5000, protocol: 'tcp', name: 'port-5000' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/myapp',
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': 'ecs'
            }
          }
        }
      ]
    })
  })

  test.each([
    [
      'environment',
      { environment: 'A=1\nB=2' },
      {
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' }
        ]
      }
    ],
    [
      'secrets',
      { secrets: 'DB=arn:aws:ssm:us-east-1:123456789012:parameter/db' },
      { secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }] }
    ],
    ['command', { command: 'sh -c "echo hi"' }, { command: ['sh', '-c', 'echo hi'] }],
    ['container-name', { 'container-name': 'web' }, { name: 'web' }]
  ])('maps %s onto the container', (_name, given, expected) => {
    const rendered = renderTaskDefinition(inputs({ repository: 'myapp', ...given }), {
      image: IMAGE,
      executionRoleArn: EXEC_ROLE
    })
    expect(rendered.containerDefinitions![0]).toMatchObject(expected)
  })

  test('maps no port when port is not set', () => {
    const rendered = renderTaskDefinition(inputs({ repository: 'myapp' }), {
      image: IMAGE,
      executionRoleArn: EXEC_ROLE
    })
    expect(rendered.containerDefinitions![0]!.portMappings).toBeUndefined()
  })

  test('puts tags and the task role on the definition', () => {
    const rendered = renderTaskDefinition(inputs({ repository: 'myapp', tags: 'team=data' }), {
      image: IMAGE,
      executionRoleArn: EXEC_ROLE,
      taskRoleArn: 'arn:aws:iam::123456789012:role/app'
    })
    expect(rendered.tags).toEqual([{ key: 'team', value: 'data' }])
    expect(rendered.taskRoleArn).toBe('arn:aws:iam::123456789012:role/app')
  })

  test('keeps what a template says, overriding image, size and the inputs given', () => {
    const template = {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
      revision: 7,
      status: 'ACTIVE',
      family: 'web',
      cpu: '1024',
      memory: '2048',
      volumes: [{ name: 'scratch' }],
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx',
          environment: [
            { name: 'KEEP', value: 'yes' },
            { name: 'OVERRIDE', value: 'old' }
          ],
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch' }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'web' } }
        },
        { name: 'sidecar', image: 'busybox', essential: false }
      ]
    }
    const rendered = renderTaskDefinition(
      inputs(
        {
          repository: 'myapp',
          'task-definition': 'td.json',
          'container-name': 'web',
          environment: 'OVERRIDE=new'
        },
        template
      ),
      { image: IMAGE, executionRoleArn: EXEC_ROLE }
    )
    expect(rendered).not.toHaveProperty('taskDefinitionArn')
    expect(rendered).not.toHaveProperty('revision')
    expect(rendered).not.toHaveProperty('status')
    expect(rendered).toMatchObject({
      family: 'web',
      cpu: '1024',
      memory: '2048',
      volumes: [{ name: 'scratch' }]
    })
    expect(rendered.containerDefinitions).toHaveLength(2)
    expect(rendered.containerDefinitions![0]).toMatchObject({
      name: 'web',
      image: IMAGE,
      environment: [
        { name: 'KEEP', value: 'yes' },
        { name: 'OVERRIDE', value: 'new' }
      ],
      mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch' }],
      logConfiguration: { options: { 'awslogs-stream-prefix': 'web', 'awslogs-group': '/ecs/web' } }
    })
    expect(rendered.containerDefinitions![1]).toEqual({ name: 'sidecar', image: 'busybox', essential: false })
  })
})

describe('canonicalTaskDefinition', () => {
  const rendered = renderTaskDefinition(
    inputs({ repository: 'myapp', port: '5000', environment: 'B=2\nA=1' }),
    {
      image: IMAGE,
      executionRoleArn: EXEC_ROLE
    }
  )

  /** What ECS answers for that definition: defaults filled in, lists reordered, describe-only fields. */
  const registered: TaskDefinition = {
    ...rendered,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/myapp:3',
    revision: 3,
    status: 'ACTIVE',
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    registeredAt: new Date(),
    enableFaultInjection: false,
    containerDefinitions: rendered.containerDefinitions!.map((container) => ({
      ...container,
      cpu: 0,
      versionConsistency: 'enabled',
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
      environment: [...container.environment!].reverse(),
      portMappings: [{ containerPort: 5000, name: 'port-5000' }]
    }))
  } as TaskDefinition

  test('sees a registered revision as equal to what rendered it', () => {
    expect(canonicalTaskDefinition(registered)).toBe(canonicalTaskDefinition(rendered))
  })

  test.each([
    ['the image', { image: IMAGE.replace('aaaa', 'bbbb') }],
    ['the environment', { environment: [{ name: 'A', value: 'changed' }] }],
    ['the port', { portMappings: [{ containerPort: 8080 }] }]
  ])('sees a change in %s', (_what, change) => {
    const changed = {
      ...rendered,
      containerDefinitions: [{ ...rendered.containerDefinitions![0], ...change }]
    }
    expect(canonicalTaskDefinition(changed)).not.toBe(canonicalTaskDefinition(registered))
  })

  test('sees a change in size or tags', () => {
    expect(canonicalTaskDefinition({ ...rendered, memory: '1024' })).not.toBe(
      canonicalTaskDefinition(registered)
    )
    expect(canonicalTaskDefinition({ ...rendered, tags: [{ key: 'a', value: 'b' }] })).not.toBe(
      canonicalTaskDefinition(registered)
    )
  })
})

describe('registering', () => {
  const ecs = mockClient(ECSClient)
  beforeEach(() => ecs.reset())
  const client = new ECSClient({ region: 'us-east-1' })
  const rendered = renderTaskDefinition(inputs({ repository: 'myapp' }), {
    image: IMAGE,
    executionRoleArn: EXEC_ROLE
  })
  const latest = {
    ...rendered,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/myapp:4',
    revision: 4,
    status: 'ACTIVE'
  } as TaskDefinition

  test('reuses the latest revision when it matches', async () => {
    expect(await registerOrReuse(client, rendered, latest)).toEqual({
      taskDefinitionArn: latest.taskDefinitionArn,
      revision: 4,
      reused: true
    })
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0)
  })

  test('registers a new revision when it differs, without an empty tags list', async () => {
    ecs.on(RegisterTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/myapp:5',
        revision: 5
      }
    })
    const changed = { ...rendered, cpu: '512', memory: '1024' }
    expect(await registerOrReuse(client, changed, latest)).toMatchObject({ revision: 5, reused: false })
    const sent = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input
    expect(sent).toMatchObject({ family: 'myapp', cpu: '512', memory: '1024' })
    expect(sent.tags).toBeUndefined()
  })

  test('describeLatestRevision returns undefined for a family with no revision', async () => {
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }))
    expect(await describeLatestRevision(client, 'myapp')).toBeUndefined()
  })

  test('describeLatestRevision asks for tags and merges them in', async () => {
    ecs
      .on(DescribeTaskDefinitionCommand)
      .resolves({ taskDefinition: latest, tags: [{ key: 'team', value: 'data' }] })
    expect(await describeLatestRevision(client, 'myapp')).toMatchObject({
      revision: 4,
      tags: [{ key: 'team', value: 'data' }]
    })
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0]!.args[0].input).toEqual({
      taskDefinition: 'myapp',
      include: ['TAGS']
    })
  })
})

describe('the ttl timer container', () => {
  const TIMER = {
    name: 'ecs-fargate-deploy-ttl',
    image: 'public.ecr.aws/docker/library/busybox:stable',
    essential: true,
    entryPoint: ['sh', '-c'],
    command: ["trap 'exit 0' TERM; sleep 7200 & wait"]
  }

  test('a ttl adds an essential timer container after the app', () => {
    const rendered = renderTaskDefinition(inputs({ repository: 'myapp', ttl: '2h' }), {
      image: IMAGE,
      executionRoleArn: EXEC_ROLE
    })
    expect(rendered.containerDefinitions!.map((c) => c.name)).toEqual(['myapp', 'ecs-fargate-deploy-ttl'])
    expect(rendered.containerDefinitions![1]).toEqual(TIMER)
  })

  test('timer-image is the timer container image; 90s sleeps 90 seconds', () => {
    const rendered = renderTaskDefinition(
      inputs({ repository: 'myapp', ttl: '90s', 'timer-image': 'busybox:1.36' }),
      { image: IMAGE, executionRoleArn: EXEC_ROLE }
    )
    expect(rendered.containerDefinitions![1]).toMatchObject({
      image: 'busybox:1.36',
      command: ["trap 'exit 0' TERM; sleep 90 & wait"]
    })
  })

  test('without ttl there is no timer', () => {
    const rendered = renderTaskDefinition(inputs({ repository: 'myapp' }), {
      image: IMAGE,
      executionRoleArn: EXEC_ROLE
    })
    expect(rendered.containerDefinitions!.map((c) => c.name)).toEqual(['myapp'])
  })

  test("a template copied from a revision with a timer gets this run's timer, once", () => {
    const template = {
      containerDefinitions: [
        { name: 'myapp', image: 'x' },
        { ...TIMER, command: ["trap 'exit 0' TERM; sleep 60 & wait"] }
      ]
    }
    const rendered = renderTaskDefinition(
      inputs(
        { repository: 'myapp', ttl: '2h', 'task-definition': 'td.json', 'container-name': 'myapp' },
        template
      ),
      { image: IMAGE, executionRoleArn: EXEC_ROLE }
    )
    expect(rendered.containerDefinitions!.map((c) => c.name)).toEqual(['myapp', 'ecs-fargate-deploy-ttl'])
    expect(rendered.containerDefinitions![1]!.command).toEqual(["trap 'exit 0' TERM; sleep 7200 & wait"])
  })

  test('a different ttl is a different definition; the same one is reused', () => {
    const render = (ttl: string) =>
      canonicalTaskDefinition(
        renderTaskDefinition(inputs({ repository: 'myapp', ttl }), {
          image: IMAGE,
          executionRoleArn: EXEC_ROLE
        })
      )
    expect(render('2h')).not.toBe(render('3h'))
    expect(render('2h')).toBe(render('120m'))
  })
})

describe("a closed preview's family deregistered", () => {
  const ecs = mockClient(ECSClient)
  const client = new ECSClient({ region: 'us-east-1' })
  const td = (family: string, revision: number) =>
    `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`
  beforeEach(() => ecs.reset())

  test.each([
    [td('web-pr-12', 3), 'web-pr-12'],
    [td('web-pr-1', 10), 'web-pr-1'],
    ['web:2', 'web']
  ])('familyOfArn(%s) is %s', (arn, family) => {
    expect(familyOfArn(arn)).toBe(family)
  })

  test('listActiveRevisions: every page, ACTIVE, only the exact family', async () => {
    const asked: Array<Record<string, unknown>> = []
    const pages = [
      { taskDefinitionArns: [td('web-pr-12', 1), td('web-pr-123', 1)], nextToken: 'p2' },
      { taskDefinitionArns: [td('web-pr-12', 2)] }
    ]
    // The paginator reuses its input object: each call's input is copied when it is made.
    ecs.on(ListTaskDefinitionsCommand).callsFake((input: Record<string, unknown>) => {
      asked.push({ ...input })
      return pages[asked.length - 1]
    })
    expect(await listActiveRevisions(client, 'web-pr-12')).toEqual([td('web-pr-12', 1), td('web-pr-12', 2)])
    expect(asked).toEqual([
      { familyPrefix: 'web-pr-12', status: 'ACTIVE' },
      { familyPrefix: 'web-pr-12', status: 'ACTIVE', nextToken: 'p2' }
    ])
  })

  test('deregisterFamily: each revision, five at a time; one that fails is returned, the others go on', async () => {
    const revisions = Array.from({ length: 7 }, (_, index) => td('web-pr-12', index + 1))
    ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: revisions })
    let inFlight = 0
    let most = 0
    ecs.on(DeregisterTaskDefinitionCommand).callsFake(async (input: { taskDefinition: string }) => {
      inFlight += 1
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setImmediate(resolve))
      inFlight -= 1
      if (input.taskDefinition === revisions[2]) throw new Error('throttled')
      return {}
    })
    const result = await deregisterFamily(client, 'web-pr-12')
    expect(result.deregistered).toEqual(revisions.filter((arn) => arn !== revisions[2]))
    expect(result.failed).toEqual([{ taskDefinitionArn: revisions[2], error: new Error('throttled') }])
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toHaveLength(7)
    expect(most).toBe(5)
  })

  test('deregisterFamily: a family without ACTIVE revisions calls nothing more', async () => {
    ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [] })
    expect(await deregisterFamily(client, 'web-pr-12')).toEqual({ deregistered: [], failed: [] })
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toHaveLength(0)
  })
})
