import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand
} from '@aws-sdk/client-cloudwatch-logs'
import { mockClient } from 'aws-sdk-client-mock'
import { ensureLogGroup } from '../../src/aws/log-group.js'

const logs = mockClient(CloudWatchLogsClient)
const client = new CloudWatchLogsClient({ region: 'us-east-1' })
const awsError = (name: string) => Object.assign(new Error(`${name} message`), { name })

beforeEach(() => logs.reset())

test('finds the group by exact name among those sharing its prefix, and creates nothing', async () => {
  logs.on(DescribeLogGroupsCommand).resolves({
    logGroups: [{ logGroupName: '/ecs/myapp' }, { logGroupName: '/ecs/myapp-worker' }]
  })
  expect(await ensureLogGroup(client, { name: '/ecs/myapp', tags: [] })).toEqual({ created: false })
  expect(logs.commandCalls(DescribeLogGroupsCommand)[0]!.args[0].input).toEqual({
    logGroupNamePrefix: '/ecs/myapp',
    limit: 50
  })
  expect(logs.commandCalls(CreateLogGroupCommand)).toHaveLength(0)
})

test('a group that only shares the prefix does not count: the group is created, with tags as a map', async () => {
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/ecs/myapp-worker' }] })
  logs.on(CreateLogGroupCommand).resolves({})
  const tags = [
    { key: 'team', value: 'data' },
    { key: 'env', value: 'ci' }
  ]
  expect(await ensureLogGroup(client, { name: '/ecs/myapp', tags })).toEqual({ created: true })
  expect(logs.commandCalls(CreateLogGroupCommand)[0]!.args[0].input).toEqual({
    logGroupName: '/ecs/myapp',
    tags: { team: 'data', env: 'ci' }
  })
})

test('sends no tags when there are none', async () => {
  logs.on(DescribeLogGroupsCommand).resolves({})
  logs.on(CreateLogGroupCommand).resolves({})
  await ensureLogGroup(client, { name: '/ecs/myapp', tags: [] })
  expect(logs.commandCalls(CreateLogGroupCommand)[0]!.args[0].input).toEqual({ logGroupName: '/ecs/myapp' })
})

test('a concurrent job creating it first is not an error', async () => {
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] })
  logs.on(CreateLogGroupCommand).rejects(awsError('ResourceAlreadyExistsException'))
  expect(await ensureLogGroup(client, { name: '/ecs/myapp', tags: [] })).toEqual({ created: false })
})

test('other errors pass through unchanged', async () => {
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] })
  logs.on(CreateLogGroupCommand).rejects(awsError('LimitExceededException'))
  await expect(ensureLogGroup(client, { name: '/ecs/myapp', tags: [] })).rejects.toThrow(
    'LimitExceededException message'
  )
})
