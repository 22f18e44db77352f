// CloudWatch Logs state: log groups and their streams of events. The Logs handlers read it; the task runner
// creates groups (awslogs-create-group) and streams and appends each container's output.
import { AwsError } from '../protocol.js'

export interface LogEvent {
  timestamp: number
  message: string
  ingestionTime: number
}

export interface LogStream {
  logStreamName: string
  creationTime: number
  events: LogEvent[]
}

export interface LogGroup {
  logGroupName: string
  creationTime: number
  region: string
  retentionInDays?: number
  tags: Record<string, string>
  streams: Map<string, LogStream>
}

export interface LogsState {
  groups: Map<string, LogGroup>
}

export const newLogsState = (): LogsState => ({ groups: new Map() })

const GROUP_NAME_RE = /^[.\-_/#A-Za-z0-9]{1,512}$/

const groupNotFound = (): AwsError =>
  new AwsError('ResourceNotFoundException', 'The specified log group does not exist.')

export function getGroup(ctx: { logs: LogsState }, name: string): LogGroup {
  const g = ctx.logs.groups.get(name)
  if (!g) throw groupNotFound()
  return g
}

export function createLogGroup(
  ctx: { logs: LogsState },
  name: string,
  region: string,
  tags: Record<string, string> = {}
): void {
  if (!GROUP_NAME_RE.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`
    )
  }
  if (ctx.logs.groups.has(name))
    throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists')
  ctx.logs.groups.set(name, {
    logGroupName: name,
    creationTime: Date.now(),
    region,
    tags,
    streams: new Map()
  })
}

/** Creates the stream if needed (the awslogs driver does this at container start). Fails if the group is missing. */
export function ensureLogStream(ctx: { logs: LogsState }, group: string, stream: string): LogStream {
  const g = getGroup(ctx, group)
  let s = g.streams.get(stream)
  if (!s) {
    s = { logStreamName: stream, creationTime: Date.now(), events: [] }
    g.streams.set(stream, s)
  }
  return s
}
