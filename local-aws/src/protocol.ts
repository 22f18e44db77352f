// Wire protocols spoken by the installed AWS SDK v3 clients:
//   awsJson1_1 (ECS, ECR, CloudWatch Logs): POST /, X-Amz-Target "Prefix.Operation", JSON body.
//   ec2 query (EC2): form body "Action=...&Filter.1.Name=...", XML response without a Result wrapper.
//   awsQuery (IAM, STS): form body with ".member.N" lists, XML response wrapped in <OpResult>.
//   restJson1 (EventBridge Scheduler): operation from the HTTP method and path, parameters from the path, the
//   query string and a JSON body; errors named by the x-amzn-errortype header, with the model's status codes.
import { randomUUID } from 'node:crypto'

export type Protocol = 'json' | 'ec2' | 'query' | 'rest-json'

/** An error answered to the client in the protocol's native shape. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400
  ) {
    super(message)
    this.name = code
  }
}

export interface WireResponse {
  status: number
  headers: Record<string, string>
  body: string
}

// ---------------------------------------------------------------- request parsing

/**
 * Turns a flat query map ("Filter.1.Value.2=x", "Tags.member.1.Key=k") into nested objects with arrays,
 * so service handlers read the same member names the SDK was given (modulo the wire names).
 */
export function parseQueryParams(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [key, value] of new URLSearchParams(body)) {
    // awsQuery writes lists as "Name.member.N" and maps as "Name.entry.N"; ec2 writes "Name.N".
    const parts = key
      .split('.')
      .filter((p, i, all) => !((p === 'member' || p === 'entry') && /^\d+$/.test(all[i + 1] ?? '')))
    let node: Record<string, unknown> | unknown[] = root
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!
      const last = i === parts.length - 1
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!)
      const slot = Array.isArray(node) ? Number(part) - 1 : part
      const container = node as Record<string | number, unknown>
      if (last) {
        container[slot] = value
      } else {
        container[slot] ??= nextIsIndex ? [] : {}
        node = container[slot] as Record<string, unknown> | unknown[]
      }
    }
  }
  return compactArrays(root) as Record<string, unknown>
}

// Query lists are 1-based and could skip indexes; drop the holes.
function compactArrays(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compactArrays)
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compactArrays(x)]))
  }
  return v
}

/** Parsed SigV4 Authorization header: "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...". */
export interface SigV4 {
  accessKeyId: string
  region: string
  service: string
}

export function parseAuthorization(header: string | undefined): SigV4 {
  if (!header)
    throw new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
  if (!header.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new AwsError(
      'IncompleteSignature',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${header.split(' ')[0]}`,
      403
    )
  }
  const m = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(header)
  if (!m) {
    throw new AwsError(
      'IncompleteSignature',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
      403
    )
  }
  if (!/Signature=[0-9a-f]{64}/.test(header)) {
    throw new AwsError('IncompleteSignature', "Authorization header requires 'Signature' parameter.", 403)
  }
  return { accessKeyId: m[1]!, region: m[3]!, service: m[4]! }
}

// ---------------------------------------------------------------- JSON (awsJson1_1)

export function jsonResponse(output: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(output ?? {}, jsonReplacer)
  }
}

// Realm-independent: Dates made by Node core (fs.Stats) fail `instanceof Date` inside a jest VM context.
const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]'

// awsJson timestamps are epoch seconds (fractional); Date objects in state serialize that way.
function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key]
  if (isDate(raw)) return raw.getTime() / 1000
  return value
}

export function jsonError(err: AwsError): WireResponse {
  return {
    status: err.status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': err.code,
      'x-amzn-requestid': randomUUID()
    },
    body: JSON.stringify({ __type: err.code, message: err.message })
  }
}

// ---------------------------------------------------------------- restJson1

/** One operation of a rest-json service: its method, its path with {Label}s, and its query members. */
export interface RestRoute {
  method: string
  /** e.g. "/schedules/{Name}": each {Label} is a path segment read into the member Label. */
  path: string
  operation: string
  /** query parameter name → member name (GetSchedule: groupName → GroupName). */
  query?: Record<string, string>
}

/**
 * The operation and parameters of a rest-json request: the route whose method and path match, its labels
 * (URL-decoded), its query members, then the JSON body's members. Undefined when no route matches.
 */
export function decodeRestRequest(
  routes: readonly RestRoute[],
  method: string,
  url: string,
  body: string
): { operation: string; params: Record<string, unknown> } | undefined {
  const parsed = new URL(url, 'http://local')
  const segments = parsed.pathname.split('/').filter((s) => s !== '')
  for (const route of routes) {
    if (route.method !== method) continue
    const pattern = route.path.split('/').filter((s) => s !== '')
    if (pattern.length !== segments.length) continue
    const labels: Record<string, unknown> = {}
    const matches = pattern.every((part, i) => {
      const label = /^\{(\w+)\}$/.exec(part)?.[1]
      if (label) labels[label] = decodeURIComponent(segments[i]!)
      return label !== undefined || part === segments[i]
    })
    if (!matches) continue
    const query: Record<string, unknown> = {}
    for (const [name, member] of Object.entries(route.query ?? {})) {
      const value = parsed.searchParams.get(name)
      if (value !== null) query[member] = value
    }
    let fromBody: Record<string, unknown> = {}
    if (body.trim()) {
      try {
        fromBody = JSON.parse(body) as Record<string, unknown>
      } catch {
        throw new AwsError('SerializationException', 'Start of structure or map found where not expected.')
      }
    }
    return { operation: route.operation, params: { ...fromBody, ...query, ...labels } }
  }
  return undefined
}

export function restJsonResponse(output: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(output ?? {}, jsonReplacer)
  }
}

/** restJson1 errors: the code in x-amzn-errortype (which the SDK reads first), the message as `Message`. */
export function restJsonError(err: AwsError): WireResponse {
  return {
    status: err.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': err.code,
      'x-amzn-requestid': randomUUID()
    },
    body: JSON.stringify({ Message: err.message })
  }
}

// ---------------------------------------------------------------- XML (ec2 + awsQuery)

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** A tiny XML tree: element name → value; arrays are wrapped by the caller with the right item tag. */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlNode | XmlList
export interface XmlNode {
  [name: string]: XmlValue
}
/** A list rendered as repeated <itemTag> children (ec2: "item", awsQuery: "member"). */
export class XmlList {
  constructor(
    readonly items: XmlValue[],
    readonly itemTag: string
  ) {}
}
export const ec2List = (items: XmlValue[]): XmlList => new XmlList(items, 'item')
export const queryList = (items: XmlValue[]): XmlList => new XmlList(items, 'member')

export function toXml(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return ''
  if (value instanceof XmlList)
    return `<${name}>${value.items.map((i) => toXml(value.itemTag, i)).join('')}</${name}>`
  if (isDate(value)) return `<${name}>${value.toISOString()}</${name}>`
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => toXml(k, v))
      .join('')}</${name}>`
  }
  return `<${name}>${xmlEscape(String(value))}</${name}>`
}

const XMLNS: Record<string, string> = {
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/'
}

export function ec2Response(operation: string, output: XmlNode): WireResponse {
  const requestId = randomUUID()
  const inner =
    toXml('requestId', requestId) +
    Object.entries(output)
      .map(([k, v]) => toXml(k, v))
      .join('')
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${XMLNS.ec2}">${inner}</${operation}Response>`
  }
}

export function ec2Error(err: AwsError): WireResponse {
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(err.code)}</Code>` +
      `<Message>${xmlEscape(err.message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`
  }
}

export function queryResponse(
  service: 'iam' | 'sts',
  operation: string,
  output: XmlNode | undefined
): WireResponse {
  const result = output ? toXml(`${operation}Result`, output) : ''
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body:
      `<${operation}Response xmlns="${XMLNS[service]}">${result}` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`
  }
}

export function queryError(err: AwsError): WireResponse {
  const type = err.status >= 500 ? 'Receiver' : 'Sender'
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse><Error><Type>${type}</Type><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  }
}

export function errorFor(protocol: Protocol, err: AwsError): WireResponse {
  if (protocol === 'rest-json') return restJsonError(err)
  return protocol === 'json' ? jsonError(err) : protocol === 'ec2' ? ec2Error(err) : queryError(err)
}

/** The HTTP status of each rest-json error code (EventBridge Scheduler's model; AccessDenied as AWS answers it). */
const REST_JSON_STATUS: Record<string, number> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServerException: 500
}

/** Default HTTP status of an injected fault code, per protocol, as AWS answers it. */
export function defaultFaultStatus(protocol: Protocol, code: string): number {
  if (protocol === 'rest-json') return REST_JSON_STATUS[code] ?? 400
  if (protocol === 'json')
    return code === 'ServerException' || code === 'ServiceUnavailableException' ? 500 : 400
  if (protocol === 'ec2') {
    if (code === 'RequestLimitExceeded') return 503
    if (code === 'UnauthorizedOperation' || code === 'AuthFailure') return 403
    if (code === 'InternalError' || code === 'Unavailable') return 500
    return 400
  }
  if (code === 'AccessDenied') return 403
  if (code === 'NoSuchEntity') return 404
  if (code === 'EntityAlreadyExists') return 409
  if (code === 'ServiceFailure') return 500
  return 400
}
