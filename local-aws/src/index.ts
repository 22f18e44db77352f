// The local AWS: one HTTP server that the real AWS SDK v3 clients reach through AWS_ENDPOINT_URL. It routes by
// the SigV4 credential scope's service, speaks each service's wire protocol, runs ECS tasks as Docker containers
// and fronts a real registry as ECR. Control endpoints under /_local/ drive failure tests.
import http from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  defaultBehaviour,
  hex,
  type Behaviour,
  type Context,
  type Handler,
  type TaskTimings
} from './context.js'
import {
  AwsError,
  defaultFaultStatus,
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
import { accessDenied, evaluate, resourcesFor, type PolicyDocument } from './policy.js'
import { freePort, startRegistry } from './registry.js'
import { ec2Handlers } from './services/ec2.js'
import { ecrHandlers, ecrSnapshot } from './services/ecr.js'
import { ecsHandlers, ecsSnapshot, findTaskDefinition } from './services/ecs.js'
import { callerArn, iamHandlers, iamSnapshot, stsHandlers } from './services/iam.js'
import { logsHandlers, logsSnapshot } from './services/logs.js'
import { newEc2State } from './state/ec2.js'
import { newEcrState } from './state/ecr.js'
import { newEcsState } from './state/ecs.js'
import { newIamState } from './state/iam.js'
import { newLogsState } from './state/logs.js'
import { TaskRunner } from './task-runner.js'
import { docker } from './docker.js'

export type { Behaviour } from './context.js'
export type { PolicyDocument, PolicyStatement } from './policy.js'

export interface LocalAwsOptions {
  port?: number
  registryPort?: number
  dataDir?: string
  accountId?: string
  latencyMs?: number
  taskTimings?: { provisioningMs?: number; pendingMs?: number; stopGraceSeconds?: number }
  log?: (line: string) => void
}

export interface CallRecord {
  time: number
  service: string
  operation: string
  params: unknown
  accessKeyId?: string
  error?: string
  durationMs: number
}

export interface Fault {
  operation: string
  code: string
  message?: string
  times?: number
  status?: number
}

export interface LocalAws {
  endpoint: string
  registryHost: string
  accountId: string
  calls(): CallRecord[]
  clearCalls(): void
  injectFault(f: Fault): void
  clearFaults(): void
  setBehaviour(b: Partial<Behaviour>): void
  /** Stretch: restrict an access key to an identity-based policy (undefined: unrestricted again). */
  setPolicy(accessKeyId: string, policy: PolicyDocument | undefined): void
  configure(o: Partial<Pick<LocalAwsOptions, 'latencyMs' | 'taskTimings'>>): void
  state(): unknown
  stop(): Promise<void>
}

interface ServiceDef {
  protocol: Protocol
  handlers: Record<string, Handler>
  /** X-Amz-Target prefix for JSON services. */
  target?: string
}

const SERVICES: Record<string, ServiceDef> = {
  ecs: { protocol: 'json', handlers: ecsHandlers, target: 'AmazonEC2ContainerServiceV20141113' },
  ecr: { protocol: 'json', handlers: ecrHandlers, target: 'AmazonEC2ContainerRegistry_V20150921' },
  logs: { protocol: 'json', handlers: logsHandlers, target: 'Logs_20140328' },
  ec2: { protocol: 'ec2', handlers: ec2Handlers },
  iam: { protocol: 'query', handlers: iamHandlers },
  sts: { protocol: 'query', handlers: stsHandlers }
}

function faultMessage(code: string): string {
  if (code === 'RequestLimitExceeded') return 'Request limit exceeded.'
  if (/Throttl/.test(code)) return 'Rate exceeded'
  if (/AccessDenied|UnauthorizedOperation/.test(code))
    return 'You are not authorized to perform this operation.'
  return `Injected fault ${code}`
}

export async function startLocalAws(opts: LocalAwsOptions = {}): Promise<LocalAws> {
  const log = opts.log ?? (() => undefined)
  const ownDataDir = !opts.dataDir
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'local-aws-')))
  const accountId = opts.accountId ?? '123456789012'
  const ecr = newEcrState()
  const registry = await startRegistry({
    dataDir,
    port: opts.registryPort || (await freePort()),
    accountId,
    repositoryExists: (name) => ecr.repositories.has(name),
    log
  })
  const runner = new TaskRunner(hex(6))
  const timings: TaskTimings = {
    provisioningMs: 100,
    pendingMs: 100,
    stopGraceSeconds: 2,
    ...opts.taskTimings
  }
  const ctx: Context = {
    accountId,
    behaviour: defaultBehaviour(),
    timings,
    registry,
    runner,
    ecs: newEcsState(),
    ec2: newEc2State(),
    iam: newIamState(),
    logs: newLogsState(),
    ecr,
    log
  }
  runner.attach(ctx)
  let latencyMs = opts.latencyMs ?? 0
  let callLog: CallRecord[] = []
  let faults: Array<Fault & { remaining: number }> = []
  const policies = new Map<string, PolicyDocument>()

  const api = {
    calls: () => [...callLog],
    clearCalls: () => void (callLog = []),
    injectFault: (f: Fault) => void faults.push({ ...f, remaining: f.times ?? 1 }),
    clearFaults: () => void (faults = []),
    setBehaviour: (b: Partial<Behaviour>) => void Object.assign(ctx.behaviour, b),
    setPolicy(accessKeyId: string, policy: PolicyDocument | undefined) {
      if (policy) policies.set(accessKeyId, policy)
      else policies.delete(accessKeyId)
    },
    configure(o: Partial<Pick<LocalAwsOptions, 'latencyMs' | 'taskTimings'>>) {
      if (o.latencyMs !== undefined) latencyMs = o.latencyMs
      if (o.taskTimings) Object.assign(timings, o.taskTimings)
    },
    state: () => ({
      accountId: ctx.accountId,
      registryHost: registry.host,
      repositories: ecrSnapshot(ctx),
      ...(ecsSnapshot(ctx) as object),
      vpc: ctx.ec2.vpc,
      subnets: ctx.ec2.subnets,
      securityGroups: [...ctx.ec2.securityGroups.values()],
      networkInterfaces: [...ctx.ec2.enis.values()],
      roles: iamSnapshot(ctx),
      logGroups: logsSnapshot(ctx),
      behaviour: ctx.behaviour
    })
  }

  /** Takes the next matching injected fault, if any ("RunTask" or "ecs:RunTask"). */
  function takeFault(service: string, operation: string): Fault | undefined {
    const f = faults.find(
      (x) => x.remaining > 0 && (x.operation === operation || x.operation === `${service}:${operation}`)
    )
    if (!f) return undefined
    f.remaining--
    faults = faults.filter((x) => x.remaining > 0)
    return f
  }

  /** Enforces the key's policy (setPolicy), including iam:PassRole for the roles a RunTask hands to ECS. */
  function authorize(
    protocol: Protocol,
    service: string,
    operation: string,
    params: Record<string, unknown>,
    region: string,
    accessKeyId: string
  ): void {
    const policy = policies.get(accessKeyId)
    // GetCallerIdentity cannot be denied in AWS.
    if (!policy || (service === 'sts' && operation === 'GetCallerIdentity')) return
    const principal = callerArn(ctx, accessKeyId)
    const check = (action: string, resource: string, p: Protocol): void => {
      const decision = evaluate(policy, action, resource)
      if (decision !== 'allow') throw accessDenied(p, decision, principal, action, resource)
    }
    for (const resource of resourcesFor(service, operation, params, region, ctx.accountId))
      check(`${service}:${operation}`, resource, protocol)
    if (service === 'ecs' && operation === 'RunTask') {
      const td = findTaskDefinition(ctx, String(params.taskDefinition ?? ''))
      for (const role of [td?.taskRoleArn, td?.executionRoleArn])
        if (role) check('iam:PassRole', role, protocol)
    }
  }

  async function handleAws(req: http.IncomingMessage, body: string): Promise<WireResponse> {
    const started = Date.now()
    const target = req.headers['x-amz-target']
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
      const auth = parseAuthorization(req.headers.authorization)
      record.accessKeyId = auth.accessKeyId
      record.service = auth.service
      const svc = SERVICES[auth.service]
      if (!svc)
        throw new AwsError(
          'UnrecognizedClientException',
          `The service ${auth.service} is not provided by the local AWS.`
        )
      protocol = svc.protocol
      let params: Record<string, unknown>
      let operation: string
      if (svc.protocol === 'json') {
        const [prefix, op] = String(target ?? '').split('.')
        if (prefix !== svc.target || !op) throw new AwsError('UnknownOperationException', '')
        operation = op
        try {
          params = body ? (JSON.parse(body) as Record<string, unknown>) : {}
        } catch {
          throw new AwsError('SerializationException', 'Start of structure or map found where not expected.')
        }
      } else {
        const { Action, Version: _v, ...rest } = parseQueryParams(body)
        operation = String(Action ?? '')
        params = rest
      }
      record.operation = operation
      record.params = params
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs))
      const fault = takeFault(auth.service, operation)
      if (fault)
        throw new AwsError(
          fault.code,
          fault.message ?? faultMessage(fault.code),
          fault.status ?? defaultFaultStatus(protocol, fault.code)
        )
      const handler = svc.handlers[operation]
      if (!handler) {
        throw svc.protocol === 'json'
          ? new AwsError('UnknownOperationException', '')
          : new AwsError('InvalidAction', `The action ${operation} is not valid for this web service.`)
      }
      authorize(protocol, auth.service, operation, params, auth.region, auth.accessKeyId)
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
      callLog.push(record)
      log(
        `${record.service}:${record.operation}${record.error ? ` -> ${record.error}` : ''} (${record.durationMs}ms)`
      )
    }
  }

  function handleControl(method: string, url: string, body: string): WireResponse {
    const json = (status: number, v: unknown): WireResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(v ?? {})
    })
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {}
    const route = `${method} ${url.split('?')[0]}`
    switch (route) {
      case 'GET /_local/health':
        return json(200, { ok: true, endpoint, registryHost: registry.host })
      case 'GET /_local/calls':
        return json(200, api.calls())
      case 'DELETE /_local/calls':
        api.clearCalls()
        return json(200, {})
      case 'POST /_local/faults':
        for (const f of Array.isArray(input) ? (input as Fault[]) : [input as unknown as Fault])
          api.injectFault(f)
        return json(200, {})
      case 'DELETE /_local/faults':
        api.clearFaults()
        return json(200, {})
      case 'POST /_local/behaviour':
        api.setBehaviour(input as Partial<Behaviour>)
        return json(200, ctx.behaviour)
      case 'POST /_local/configure':
        api.configure(input)
        return json(200, { latencyMs, taskTimings: timings })
      case 'POST /_local/policies':
        api.setPolicy(String(input.accessKeyId), input.policy as PolicyDocument | undefined)
        return json(200, {})
      case 'DELETE /_local/policies':
        policies.clear()
        return json(200, {})
      case 'GET /_local/state':
        return json(200, api.state())
      default:
        return json(404, { message: `no control endpoint ${route}` })
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const url = req.url ?? '/'
      const answer = url.startsWith('/_local/')
        ? Promise.resolve().then(() => handleControl(req.method ?? 'GET', url, body))
        : handleAws(req, body)
      answer
        .catch((err: unknown): WireResponse => ({
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: String(err) })
        }))
        .then((r) => {
          res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) })
          res.end(r.body)
        })
        .catch((err: unknown) => log(`response error: ${String(err)}`))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  log(`local AWS at ${endpoint}, registry at ${registry.host}`)

  let stopping: Promise<void> | undefined
  return {
    endpoint,
    registryHost: registry.host,
    accountId: ctx.accountId,
    ...api,
    stop() {
      stopping ??= (async () => {
        await runner.stopAll()
        await untagRegistryImages(registry.host)
        await registry.stop()
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        if (ownDataDir) await rm(dataDir, { recursive: true, force: true })
      })()
      return stopping
    }
  }
}

/**
 * Untags the images named after this instance's registry (what a client tagged to push here): its port dies with
 * it, so the tags would only pile up in the engine. The images themselves stay under their other names.
 */
async function untagRegistryImages(registryHost: string): Promise<void> {
  const listed = await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])
  const refs = listed.stdout.split('\n').filter((ref) => ref.startsWith(`${registryHost}/`))
  if (refs.length > 0) await docker(['rmi', ...refs])
}
