// CloudWatch Logs (awsJson1_1, target prefix Logs_20140328). Task container output is appended here by the
// task runner; GetLogEvents pages with index-based tokens so a poller following nextForwardToken sees every
// event exactly once and in order, and gets its own token back when nothing new has arrived.
import type { Context, Handler, RequestInfo } from '../context.js'
import { arr, num, requireStr, str } from '../context.js'
import { AwsError } from '../protocol.js'
import { createLogGroup, getGroup, type LogEvent, type LogGroup } from '../state/logs.js'

const MAX_EVENTS = 10000

const streamNotFound = (): AwsError =>
  new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.')

function groupArn(ctx: Context, g: LogGroup): string {
  return `arn:aws:logs:${g.region}:${ctx.accountId}:log-group:${g.logGroupName}`
}

const CreateLogGroup: Handler = (ctx, p, req: RequestInfo) => {
  createLogGroup(
    ctx,
    requireStr(p, 'logGroupName'),
    req.region,
    (p.tags as Record<string, string> | undefined) ?? {}
  )
  return {}
}

const DeleteLogGroup: Handler = (ctx, p) => {
  const name = requireStr(p, 'logGroupName')
  getGroup(ctx, name)
  ctx.logs.groups.delete(name)
  return {}
}

const DescribeLogGroups: Handler = (ctx, p) => {
  const prefix = str(p, 'logGroupNamePrefix') ?? ''
  const limit = num(p, 'limit') ?? 50
  const start = decodeOffset(str(p, 'nextToken'))
  const all = [...ctx.logs.groups.values()]
    .filter((g) => g.logGroupName.startsWith(prefix))
    .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName))
  const page = all.slice(start, start + limit)
  return {
    logGroups: page.map((g) => ({
      logGroupName: g.logGroupName,
      creationTime: g.creationTime,
      retentionInDays: g.retentionInDays,
      metricFilterCount: 0,
      arn: `${groupArn(ctx, g)}:*`,
      logGroupArn: groupArn(ctx, g),
      storedBytes: 0,
      logGroupClass: 'STANDARD'
    })),
    nextToken: start + limit < all.length ? encodeOffset(start + limit) : undefined
  }
}

const PutRetentionPolicy: Handler = (ctx, p) => {
  getGroup(ctx, requireStr(p, 'logGroupName')).retentionInDays = num(p, 'retentionInDays')
  return {}
}

const DescribeLogStreams: Handler = (ctx, p) => {
  const g = getGroup(ctx, requireStr(p, 'logGroupName'))
  const prefix = str(p, 'logStreamNamePrefix') ?? ''
  let streams = [...g.streams.values()].filter((s) => s.logStreamName.startsWith(prefix))
  if (p.orderBy === 'LastEventTime')
    streams.sort((a, b) => (a.events.at(-1)?.timestamp ?? 0) - (b.events.at(-1)?.timestamp ?? 0))
  else streams.sort((a, b) => a.logStreamName.localeCompare(b.logStreamName))
  if (p.descending === true) streams = streams.reverse()
  return {
    logStreams: streams.map((s) => ({
      logStreamName: s.logStreamName,
      creationTime: s.creationTime,
      firstEventTimestamp: s.events[0]?.timestamp,
      lastEventTimestamp: s.events.at(-1)?.timestamp,
      lastIngestionTime: s.events.at(-1)?.ingestionTime,
      uploadSequenceToken: '1',
      arn: `${groupArn(ctx, g)}:log-stream:${s.logStreamName}`,
      storedBytes: 0
    }))
  }
}

// Tokens mimic AWS's shape ("f/" / "b/" + 56 digits) but encode a plain index into the stream.
const token = (dir: 'f' | 'b', index: number): string => `${dir}/${String(index).padStart(56, '0')}`

function parseToken(t: string): { dir: 'f' | 'b'; index: number } {
  const m = /^([fb])\/(\d{1,56})$/.exec(t)
  if (!m) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.')
  return { dir: m[1] as 'f' | 'b', index: Number(m[2]) }
}

const GetLogEvents: Handler = (ctx, p) => {
  const g = getGroup(ctx, requireStr(p, 'logGroupName'))
  const s = g.streams.get(requireStr(p, 'logStreamName'))
  if (!s) throw streamNotFound()
  const limit = Math.min(num(p, 'limit') ?? MAX_EVENTS, MAX_EVENTS)
  const startTime = num(p, 'startTime') ?? -Infinity
  const endTime = num(p, 'endTime') ?? Infinity
  const inWindow = (e: LogEvent): boolean => e.timestamp >= startTime && e.timestamp < endTime
  const nextToken = str(p, 'nextToken')
  const tok = nextToken
    ? parseToken(nextToken)
    : p.startFromHead === true
      ? { dir: 'f' as const, index: 0 }
      : undefined

  if (tok?.dir === 'f') {
    const out: LogEvent[] = []
    let i = tok.index
    for (; i < s.events.length && out.length < limit; i++) if (inWindow(s.events[i]!)) out.push(s.events[i]!)
    return { events: out, nextForwardToken: token('f', i), nextBackwardToken: token('b', tok.index) }
  }
  // Backward paging, or the default (no token, startFromHead false): the newest `limit` events before `end`.
  const end = tok ? Math.min(tok.index, s.events.length) : s.events.length
  const out: LogEvent[] = []
  let i = end - 1
  for (; i >= 0 && out.length < limit; i--) if (inWindow(s.events[i]!)) out.unshift(s.events[i]!)
  return { events: out, nextForwardToken: token('f', end), nextBackwardToken: token('b', i + 1) }
}

const encodeOffset = (n: number): string => Buffer.from(`offset:${n}`).toString('base64')
function decodeOffset(t: string | undefined): number {
  if (!t) return 0
  const m = /^offset:(\d+)$/.exec(Buffer.from(t, 'base64').toString())
  if (!m) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.')
  return Number(m[1])
}

/** A simplified filter pattern: every term (quoted phrases kept whole) must occur in the message. */
function matchesPattern(pattern: string | undefined, message: string): boolean {
  if (!pattern?.trim()) return true
  const terms = pattern.match(/"[^"]*"|\S+/g) ?? []
  return terms.every((t) => message.includes(t.replace(/^"|"$/g, '')))
}

const FilterLogEvents: Handler = (ctx, p) => {
  const g = getGroup(ctx, requireStr(p, 'logGroupName'))
  const names = arr<string>(p, 'logStreamNames')
  const prefix = str(p, 'logStreamNamePrefix')
  if (names.length && prefix) {
    throw new AwsError(
      'InvalidParameterException',
      'You cannot specify both LogStreamNames and LogStreamNamePrefix.'
    )
  }
  const streams = [...g.streams.values()].filter((s) =>
    names.length ? names.includes(s.logStreamName) : s.logStreamName.startsWith(prefix ?? '')
  )
  const startTime = num(p, 'startTime') ?? -Infinity
  const endTime = num(p, 'endTime') ?? Infinity
  const pattern = str(p, 'filterPattern')
  const matched = streams
    .flatMap((s) =>
      s.events
        .map((e, idx) => ({ e, idx, stream: s.logStreamName }))
        .filter(
          ({ e }) => e.timestamp >= startTime && e.timestamp <= endTime && matchesPattern(pattern, e.message)
        )
    )
    // Stable by time, then stream and position, so pages don't reshuffle between calls.
    .sort((a, b) => a.e.timestamp - b.e.timestamp || a.stream.localeCompare(b.stream) || a.idx - b.idx)
  const start = decodeOffset(str(p, 'nextToken'))
  const limit = Math.min(num(p, 'limit') ?? MAX_EVENTS, MAX_EVENTS)
  const page = matched.slice(start, start + limit)
  return {
    events: page.map(({ e, idx, stream }) => ({
      logStreamName: stream,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: `${stream}/${idx}`
    })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.logStreamName, searchedCompletely: true })),
    nextToken: start + limit < matched.length ? encodeOffset(start + limit) : undefined
  }
}

const ListTagsForResource: Handler = (ctx, p) => {
  const arn = requireStr(p, 'resourceArn')
  const name = /:log-group:(.+?)(?::\*)?$/.exec(arn)?.[1]
  return { tags: getGroup(ctx, name ?? '').tags }
}

export const logsHandlers: Record<string, Handler> = {
  CreateLogGroup,
  DeleteLogGroup,
  DescribeLogGroups,
  PutRetentionPolicy,
  DescribeLogStreams,
  GetLogEvents,
  FilterLogEvents,
  ListTagsForResource
}

export const logsSnapshot = (ctx: Context): unknown =>
  [...ctx.logs.groups.values()].map((g) => ({
    logGroupName: g.logGroupName,
    tags: g.tags,
    streams: [...g.streams.values()].map((s) => ({ logStreamName: s.logStreamName, events: s.events.length }))
  }))
