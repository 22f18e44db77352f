// The container's CloudWatch log events: followed with a cursor while a job runs (each line once, in order),
// and the last lines of a task that failed.
import {
  GetLogEventsCommand,
  type CloudWatchLogsClient,
  type OutputLogEvent
} from '@aws-sdk/client-cloudwatch-logs'

export interface LogStream {
  logGroup: string
  logStream: string
}

/** awslogs names a task's stream PREFIX/CONTAINER/TASK_ID. */
export function logStreamFor(options: {
  logGroup: string
  prefix: string
  containerName: string
  taskId: string
}): LogStream {
  return {
    logGroup: options.logGroup,
    logStream: `${options.prefix}/${options.containerName}/${options.taskId}`
  }
}

/** The CloudWatch console page of a log stream (the console double-encodes names inside its fragment). */
export function logStreamConsoleUrl(region: string, stream: LogStream): string {
  const encode = (value: string): string => encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$')
  return (
    `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/` +
    `${encode(stream.logGroup)}/log-events/${encode(stream.logStream)}`
  )
}

/**
 * Follows one stream. GetLogEvents' forward token is the cursor: a poll reads pages until the token comes
 * back unchanged, which is how CloudWatch says there is nothing newer. An empty page with a new token is not
 * the end (CloudWatch skips through quiet stretches that way), so the final read after a task stops gets the
 * last lines too.
 */
export class LogFollower {
  private nextToken: string | undefined
  private started = false
  count = 0

  constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly stream: LogStream
  ) {}

  async poll(onEvent: (event: OutputLogEvent) => void): Promise<number> {
    let read = 0
    for (;;) {
      let answer
      try {
        answer = await this.logs.send(
          new GetLogEventsCommand({
            logGroupName: this.stream.logGroup,
            logStreamName: this.stream.logStream,
            startFromHead: true,
            nextToken: this.nextToken
          })
        )
      } catch (error) {
        // The stream appears with the container's first line.
        if ((error as Error).name === 'ResourceNotFoundException' && !this.started) break
        throw error
      }
      this.started = true
      const events = answer.events ?? []
      // Counted per page, so a poll that fails halfway still knows what it printed.
      for (const event of events) onEvent(event)
      read += events.length
      this.count += events.length
      const token = answer.nextForwardToken
      const exhausted = !token || token === this.nextToken
      this.nextToken = token ?? this.nextToken
      if (exhausted) break
    }
    return read
  }
}

/** The last lines of a stream, oldest first, for explaining a failure; empty when there is no stream. */
export async function lastLogLines(
  logs: CloudWatchLogsClient,
  stream: LogStream,
  limit = 20
): Promise<string[]> {
  try {
    const { events } = await logs.send(
      new GetLogEventsCommand({
        logGroupName: stream.logGroup,
        logStreamName: stream.logStream,
        startFromHead: false,
        limit
      })
    )
    return (events ?? []).map((event) => event.message ?? '')
  } catch {
    // Best effort: the failure being explained matters more than its logs.
    return []
  }
}
