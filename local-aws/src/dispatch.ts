// The AWS request path: find the service from the SigV4 credential scope, decode the operation and parameters
// in the service's wire protocol, then add latency, answer an injected fault, enforce the key's policy, run
// the handler and encode its answer (or error) the way the SDK expects. Every call is logged.
import type { IncomingHttpHeaders } from 'node:http'
import { authorize } from './authorize.js'
import type { Context, Handler } from './context.js'
import { faultError, type CallRecord, type Controls } from './controls.js'
import {
  AwsError,
  decodeRestRequest,
  ec2Response,
  errorFor,
  jsonResponse,
  parseAuthorization,
  parseQueryParams,
  queryResponse,
  restJsonResponse,
  type Protocol,
  type RestRoute,
  type WireResponse,
  type XmlNode
} from './protocol.js'
import { ec2Handlers } from './services/ec2.js'
import { ecrHandlers } from './services/ecr.js'
import { ecsHandlers } from './services/ecs.js'
import { eventsHandlers } from './services/events.js'
import { expressHandlers } from './services/express.js'
import { iamHandlers, stsHandlers } from './services/iam.js'
import { logsHandlers } from './services/logs.js'
import { schedulerHandlers, schedulerRoutes } from './services/scheduler.js'
import { standardHandlers } from './services/standard.js'

export interface ServiceDef {
  protocol: Protocol
  handlers: Record<string, Handler>
  /** X-Amz-Target prefix for JSON services. */
  target?: string
  /** The operations' HTTP routes, for rest-json services. */
  routes?: readonly RestRoute[]
}

const SERVICES: Record<string, ServiceDef> = {
  ecs: {
    protocol: 'json',
    // The standard services' DescribeServices and service deployment calls answer Express services through
    // the Express handlers.
    handlers: { ...ecsHandlers, ...expressHandlers, ...standardHandlers(expressHandlers) },
    target: 'AmazonEC2ContainerServiceV20141113'
  },
  ecr: { protocol: 'json', handlers: ecrHandlers, target: 'AmazonEC2ContainerRegistry_V20150921' },
  logs: { protocol: 'json', handlers: logsHandlers, target: 'Logs_20140328' },
  ec2: { protocol: 'ec2', handlers: ec2Handlers },
  iam: { protocol: 'query', handlers: iamHandlers },
  sts: { protocol: 'query', handlers: stsHandlers },
  scheduler: { protocol: 'rest-json', handlers: schedulerHandlers, routes: schedulerRoutes },
  events: { protocol: 'json', handlers: eventsHandlers, target: 'AWSEvents' }
}

/** The service of a SigV4 scope name (ecs, scheduler, ...), when the local AWS provides it. */
export const serviceDef = (name: string): ServiceDef | undefined =>
  Object.prototype.hasOwnProperty.call(SERVICES, name) ? SERVICES[name] : undefined

/** The request line, which rest-json services route on (the other protocols ignore it). */
export interface RequestLine {
  method: string
  url: string
}

export type AwsDispatcher = (
  headers: IncomingHttpHeaders,
  body: string,
  request?: RequestLine
) => Promise<WireResponse>

export function createDispatcher(
  ctx: Context,
  controls: Controls,
  log: (line: string) => void
): AwsDispatcher {
  return async function handleAws(headers, body, request = { method: 'POST', url: '/' }) {
    const started = Date.now()
    const target = headers['x-amz-target']
    const guessProtocol: Protocol = typeof target === 'string' ? 'json' : 'query'
    let protocol: Protocol = guessProtocol
    const record: CallRecord = {
      time: started,
      service: 'unknown',
      operation: 'unknown',
      params: {},
      durationMs: 0
    }
    try {
      const auth = parseAuthorization(headers.authorization)
      record.accessKeyId = auth.accessKeyId
      record.service = auth.service
      const svc = serviceDef(auth.service)
      if (!svc)
        throw new AwsError(
          'UnrecognizedClientException',
          `The service ${auth.service} is not provided by the local AWS.`
        )
      protocol = svc.protocol
      const { operation, params } = decodeOperation(svc, target, body, request)
      record.operation = operation
      record.params = params
      const latencyMs = controls.latencyMs()
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs))
      const fault = controls.takeFault(auth.service, operation)
      if (fault) throw faultError(fault, protocol)
      const handler = svc.handlers[operation]
      if (!handler) {
        throw svc.protocol === 'json' || svc.protocol === 'rest-json'
          ? new AwsError('UnknownOperationException', '')
          : new AwsError('InvalidAction', `The action ${operation} is not valid for this web service.`)
      }
      authorize(ctx, controls.policyFor(auth.accessKeyId), {
        protocol,
        service: auth.service,
        operation,
        params,
        region: auth.region,
        accessKeyId: auth.accessKeyId
      })
      const output = await handler(ctx, params, { region: auth.region, accessKeyId: auth.accessKeyId })
      if (svc.protocol === 'json') return jsonResponse(output)
      if (svc.protocol === 'rest-json') return restJsonResponse(output)
      if (svc.protocol === 'ec2') return ec2Response(operation, (output ?? {}) as XmlNode)
      return queryResponse(auth.service as 'iam' | 'sts', operation, output as XmlNode | undefined)
    } catch (err) {
      const awsErr = err instanceof AwsError ? err : new AwsError(internalCode(protocol), String(err), 500)
      if (!(err instanceof AwsError)) log(`internal error: ${(err as Error).stack ?? String(err)}`)
      record.error = awsErr.code
      return errorFor(protocol, awsErr)
    } finally {
      record.durationMs = Date.now() - started
      controls.record(record)
      log(
        `${record.service}:${record.operation}${record.error ? ` -> ${record.error}` : ''} (${record.durationMs}ms)`
      )
    }
  }
}

const internalCode = (protocol: Protocol): string =>
  protocol === 'json'
    ? 'ServerException'
    : protocol === 'rest-json'
      ? 'InternalServerException'
      : 'InternalFailure'

/**
 * The operation and its parameters: from X-Amz-Target and a JSON body, from the method, path, query string
 * and JSON body (rest-json), or from a query body's Action.
 */
function decodeOperation(
  svc: ServiceDef,
  target: string | string[] | undefined,
  body: string,
  request: RequestLine
): { operation: string; params: Record<string, unknown> } {
  if (svc.protocol === 'rest-json') {
    const decoded = decodeRestRequest(svc.routes ?? [], request.method, request.url, body)
    if (!decoded) throw new AwsError('UnknownOperationException', '', 404)
    return decoded
  }
  if (svc.protocol === 'json') {
    const [prefix, op] = String(target ?? '').split('.')
    if (prefix !== svc.target || !op) throw new AwsError('UnknownOperationException', '')
    try {
      return { operation: op, params: body ? (JSON.parse(body) as Record<string, unknown>) : {} }
    } catch {
      throw new AwsError('SerializationException', 'Start of structure or map found where not expected.')
    }
  }
  const { Action, Version: _v, ...rest } = parseQueryParams(body)
  return { operation: String(Action ?? ''), params: rest }
}
