import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import type { ContainerDefinition, Task } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { failedContainerStream, serviceTaskLogLines } from '../../src/aws/service-logs.js'

const logsMock = mockClient(CloudWatchLogsClient)
const logs = new CloudWatchLogsClient({ region: 'us-east-1' })

const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/web/0123456789abcdef'
const REVISION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:8'

const awslogs = (
  prefix: string | undefined,
  region = 'us-east-1'
): ContainerDefinition['logConfiguration'] => ({
  logDriver: 'awslogs',
  options: {
    'awslogs-group': '/ecs/shop',
    'awslogs-region': region,
    ...(prefix ? { 'awslogs-stream-prefix': prefix } : {})
  }
})

const revision = (app: Partial<ContainerDefinition> = {}) => ({
  taskDefinitionArn: REVISION,
  containerDefinitions: [
    { name: 'app', essential: true, logConfiguration: awslogs('ecs'), ...app },
    { name: 'envoy', essential: true, logConfiguration: awslogs('envoy') }
  ]
})

const task = (containers: Task['containers']): Task => ({
  taskArn: TASK_ARN,
  taskDefinitionArn: REVISION,
  containers
})

beforeEach(() => logsMock.reset())

describe('failedContainerStream', () => {
  test.each<[string, Task, ReturnType<typeof revision>, string | undefined]>([
    [
      'the container that exited non-zero',
      task([
        { name: 'envoy', exitCode: 0 },
        { name: 'app', exitCode: 1 }
      ]),
      revision(),
      'ecs/app/0123456789abcdef'
    ],
    [
      'else the one with a reason',
      task([
        { name: 'app', reason: 'CannotPullContainerError: pull failed' },
        { name: 'envoy', exitCode: 0 }
      ]),
      revision(),
      'ecs/app/0123456789abcdef'
    ],
    [
      'else the first essential one',
      task([{ name: 'envoy' }, { name: 'app' }]),
      revision(),
      'envoy/envoy/0123456789abcdef'
    ],
    [
      'not awslogs: none',
      task([{ name: 'app', exitCode: 1 }]),
      revision({ logConfiguration: { logDriver: 'awsfirelens' } }),
      undefined
    ],
    [
      'no stream prefix: none (streams are named by container id)',
      task([{ name: 'app', exitCode: 1 }]),
      revision({ logConfiguration: awslogs(undefined) }),
      undefined
    ],
    [
      "another region's group: none",
      task([{ name: 'app', exitCode: 1 }]),
      revision({ logConfiguration: awslogs('ecs', 'eu-west-1') }),
      undefined
    ]
  ])('%s', (_name, stopped, definition, stream) => {
    expect(failedContainerStream(stopped, definition, 'us-east-1')?.logStream).toBe(stream)
  })
})

describe('serviceTaskLogLines', () => {
  test("reads the failed container's last lines", async () => {
    logsMock.on(GetLogEventsCommand).resolves({ events: [{ message: 'boom' }, { message: 'exit 1' }] })
    const read = serviceTaskLogLines(logs, [revision()], 'us-east-1')
    expect(await read(task([{ name: 'app', exitCode: 1 }]))).toEqual(['boom', 'exit 1'])
    expect(logsMock.commandCalls(GetLogEventsCommand)[0]!.args[0].input).toEqual({
      logGroupName: '/ecs/shop',
      logStreamName: 'ecs/app/0123456789abcdef',
      startFromHead: false,
      limit: 10
    })
  })

  test('a task of a revision it was not given shows none', async () => {
    const read = serviceTaskLogLines(logs, [revision()], 'us-east-1')
    expect(
      await read({ ...task([{ name: 'app', exitCode: 1 }]), taskDefinitionArn: `${REVISION}9` })
    ).toEqual([])
    expect(logsMock.commandCalls(GetLogEventsCommand)).toHaveLength(0)
  })
})
