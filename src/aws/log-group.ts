// The awslogs log group the container logs to: a task whose log group is missing fails to start.
import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  type CloudWatchLogsClient
} from '@aws-sdk/client-cloudwatch-logs'
import { tagMap, type Tag } from '../shared/tags.js'

export async function ensureLogGroup(
  logs: CloudWatchLogsClient,
  options: { name: string; tags: Tag[] }
): Promise<{ created: boolean }> {
  const { logGroups } = await logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: options.name, limit: 50 })
  )
  if (logGroups?.some((group) => group.logGroupName === options.name)) return { created: false }
  try {
    await logs.send(
      new CreateLogGroupCommand({
        logGroupName: options.name,
        tags: tagMap(options.tags)
      })
    )
    return { created: true }
  } catch (error) {
    // A concurrent job created it first.
    if ((error as Error).name === 'ResourceAlreadyExistsException') return { created: false }
    throw error
  }
}
