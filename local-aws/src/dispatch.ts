// The AWS request path: find the service from the SigV4 credential scope, decode the operation and parameters
// in the service's wire protocol, then add latency, answer an injected fault, enforce the key's policy, run
// the handler and encode its answer (or error) the way the SDK expects. Every call is logged.
import type { IncomingHttpHeaders } from 'node:http'
import { authorize } from './authorize.js'
import type { Context, Handler } from './context.js'
import { faultError, type CallRecord, type Controls } from './controls.js'
import {
  AwsError,
  ec2Response,
  errorFor,
  jsonResponse,
  parseAuthorization,
  parseQueryParams,
  queryResponse,
  type Protocol,
  type WireResponse,
  type XmlNode
} from './protocol.js'
import { ec2Handlers } from './services/ec2.js'
import { ecrHandlers } from './services/ecr.js'
import { ecsHandlers } from './services/ecs.js'
import { expressHandlers } from './services/express.js'
import { iamHandlers, stsHandlers } from './services/iam.js'
import { logsHandlers } from './services/logs.js'

interface ServiceDef {
  protocol: Protocol
  handlers: Record<string, Handler>
  /** X-Amz-Target prefix for JSON services. */
  target?: string
}

const SERVICES: Record<string, ServiceDef> = {
  ecs: {
    protocol: 'json',
    handlers: { ...ecsHandlers, ...expressHandlers },
    target: 'AmazonEC2ContainerServiceV20141113'
  },
  ecr: { protocol: 'json', handlers: ecrHandlers, target: 'AmazonEC2ContainerRegistry_V20150921' },
  logs: { protocol: 'json', handlers: logsHandlers, target: 'Logs_20140328' },
  ec2: { protocol: 'ec2', handlers: ec2Handlers },
  iam: { protocol: 'query', handlers: iamHandlers },
  sts: { protocol: 'query', handlers: stsHandlers }
}

export type AwsDispatcher = (headers: IncomingHttpHeaders, body: string) => Promise<WireResponse>

export function createDispatcher(
  ctx: Context,
  controls: Controls,
  log: (line: string) => void
): AwsDispatcher {
  return async function handleAws(headers, body) {
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
      const svc = SERVICES[auth.service]
      if (!svc)
        throw new AwsError(
          'UnrecognizedClientException',
          `The service ${auth.service} is not provided by the local AWS.`
        )
      protocol = svc.protocol
      const { operation, params } = decodeOperation(svc, target, body)
      record.operation = operation
      record.params = params
      const latencyMs = controls.latencyMs()
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs))
      const fault = controls.takeFault(auth.service, operation)
      if (fault) throw faultError(fault, protocol)
      const handler = svc.handlers[operation]
      if (!handler) {
        throw svc.protocol === 'json'
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
      if (svc.protocol === 'ec2') return ec2Response(operation, (output ?? {}) as XmlNode)
      return queryResponse(auth.service as 'iam' | 'sts', operation, output as XmlNode | undefined)
    } catch (err) {
      const awsErr =
        err instanceof AwsError
          ? err
          : new AwsError(protocol === 'json' ? 'ServerException' : 'InternalFailure', String(err), 500)
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

/** The operation and its parameters: from X-Amz-Target and a JSON body, or from a query body's Action. */
function decodeOperation(
  svc: ServiceDef,
  target: string | string[] | undefined,
  body: string
): { operation: string; params: Record<string, unknown> } {
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
