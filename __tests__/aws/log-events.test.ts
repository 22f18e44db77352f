import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { mockClient } from 'aws-sdk-client-mock'
import { LogFollower, lastLogLines, logStreamConsoleUrl, logStreamFor } from '../../src/aws/log-events.js'

const logs = mockClient(CloudWatchLogsClient)
const client = new CloudWatchLogsClient({ region: 'us-east-1' })
const stream = logStreamFor({ logGroup: '/ecs/app', prefix: 'ecs', containerName: 'app', taskId: 'abc' })
const events = (...messages: string[]): Array<{ message: string; timestamp: number }> =>
  messages.map((message, i) => ({ message, timestamp: i }))

beforeEach(() => logs.reset())

test('names the stream PREFIX/CONTAINER/TASK_ID', () => {
  expect(stream).toEqual({ logGroup: '/ecs/app', logStream: 'ecs/app/abc' })
})

test('links to the stream in the CloudWatch console', () => {
  expect(logStreamConsoleUrl('eu-west-1', stream)).toBe(
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/' +
      '$252Fecs$252Fapp/log-events/ecs$252Fapp$252Fabc'
  )
})

describe('LogFollower', () => {
  test('reads every page, then continues from the cursor with no duplicate and no gap', async () => {
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: events('1', '2'), nextForwardToken: 'f/1' })
      .resolvesOnce({ events: events('3'), nextForwardToken: 'f/2' })
      .resolvesOnce({ events: [], nextForwardToken: 'f/2' })
      .resolvesOnce({ events: events('4'), nextForwardToken: 'f/3' })
      .resolves({ events: [], nextForwardToken: 'f/3' })
    const follower = new LogFollower(client, stream)
    const seen: string[] = []
    expect(await follower.poll((event) => seen.push(event.message!))).toBe(3)
    expect(await follower.poll((event) => seen.push(event.message!))).toBe(1)
    expect(seen).toEqual(['1', '2', '3', '4'])
    expect(follower.count).toBe(4)
    const tokens = logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input.nextToken)
    expect(tokens).toEqual([undefined, 'f/1', 'f/2', 'f/2', 'f/3'])
    expect(logs.commandCalls(GetLogEventsCommand)[0]!.args[0].input).toEqual({
      logGroupName: '/ecs/app',
      logStreamName: 'ecs/app/abc',
      startFromHead: true,
      nextToken: undefined
    })
  })

  test('an empty page with a new token is not the end: the read goes on until the token repeats', async () => {
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: events('1'), nextForwardToken: 'f/1' })
      .resolvesOnce({ events: [], nextForwardToken: 'f/7' })
      .resolvesOnce({ events: events('last'), nextForwardToken: 'f/8' })
      .resolves({ events: [], nextForwardToken: 'f/8' })
    const seen: string[] = []
    expect(await new LogFollower(client, stream).poll((event) => seen.push(event.message!))).toBe(2)
    expect(seen).toEqual(['1', 'last'])
    expect(logs.commandCalls(GetLogEventsCommand)).toHaveLength(4)
  })

  test('lines printed before a failed page are counted, and the next poll resumes after them', async () => {
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: events('1', '2'), nextForwardToken: 'f/2' })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolvesOnce({ events: events('3'), nextForwardToken: 'f/3' })
      .resolves({ events: [], nextForwardToken: 'f/3' })
    const follower = new LogFollower(client, stream)
    const seen: string[] = []
    await expect(follower.poll((event) => seen.push(event.message!))).rejects.toThrow('Rate exceeded')
    expect(follower.count).toBe(2)
    await follower.poll((event) => seen.push(event.message!))
    expect(seen).toEqual(['1', '2', '3'])
    const tokens = logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input.nextToken)
    expect(tokens).toEqual([undefined, 'f/2', 'f/2', 'f/3'])
  })

  test('waits for a stream that does not exist yet', async () => {
    logs
      .on(GetLogEventsCommand)
      .rejectsOnce(
        Object.assign(new Error('The specified log stream does not exist.'), {
          name: 'ResourceNotFoundException'
        })
      )
      .resolvesOnce({ events: events('first'), nextForwardToken: 'f/1' })
      .resolves({ events: [], nextForwardToken: 'f/1' })
    const follower = new LogFollower(client, stream)
    const seen: string[] = []
    expect(await follower.poll((event) => seen.push(event.message!))).toBe(0)
    await follower.poll((event) => seen.push(event.message!))
    expect(seen).toEqual(['first'])
  })

  test('other errors are not swallowed', async () => {
    logs
      .on(GetLogEventsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
    await expect(new LogFollower(client, stream).poll(() => undefined)).rejects.toThrow('denied')
  })
})

test('lastLogLines reads the tail, and nothing when the stream is missing', async () => {
  logs
    .on(GetLogEventsCommand)
    .resolvesOnce({ events: events('x', 'y') })
    .rejects(new Error('gone'))
  expect(await lastLogLines(client, stream, 2)).toEqual(['x', 'y'])
  expect(logs.commandCalls(GetLogEventsCommand)[0]!.args[0].input).toMatchObject({
    startFromHead: false,
    limit: 2
  })
  expect(await lastLogLines(client, stream)).toEqual([])
})
