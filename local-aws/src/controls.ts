// The test controls of one local AWS: the call log, injected faults, per-key policies, added latency, and the
// behaviour switches and task timings (kept in the context, where the handlers and the task runner read them).
// The LocalAws methods and the /_local/ endpoints both drive these.
import type { Behaviour, Context, TaskTimings } from './context.js'
import type { PolicyDocument } from './policy.js'
import { AwsError, defaultFaultStatus, type Protocol } from './protocol.js'

export interface CallRecord {
  time: number
  service: string
  operation: string
  params: unknown
  accessKeyId?: string
  error?: string
  durationMs: number
  /** A call EventBridge Scheduler made for a schedule's universal target (made as `role`, no access key). */
  invokedBy?: 'scheduler'
  /** The role the scheduler's call was made as (the schedule's Target.RoleArn). */
  role?: string
  /** The schedule whose target the scheduler called. */
  schedule?: string
  /** The scheduler's attempt at this firing: 1, then 2, 3, ... for its retries. */
  attempt?: number
  /** The error's message, on the scheduler's failed calls. */
  errorMessage?: string
  /** The tasks an ECS RunTask target's call started. */
  taskArns?: string[]
}

export interface Fault {
  operation: string
  code: string
  message?: string
  times?: number
  status?: number
}

/** What configure() may change while the local AWS runs. */
export interface Tuning {
  latencyMs?: number
  taskTimings?: Partial<TaskTimings>
}

export interface Controls {
  calls(): CallRecord[]
  clearCalls(): void
  record(call: CallRecord): void
  injectFault(f: Fault): void
  clearFaults(): void
  /** Takes the next matching injected fault, if any ("RunTask" or "ecs:RunTask"). */
  takeFault(service: string, operation: string): Fault | undefined
  setBehaviour(b: Partial<Behaviour>): void
  setPolicy(accessKeyId: string, policy: PolicyDocument | undefined): void
  policyFor(accessKeyId: string): PolicyDocument | undefined
  clearPolicies(): void
  configure(o: Tuning): void
  latencyMs(): number
}

export function createControls(ctx: Context, initialLatencyMs: number): Controls {
  let latencyMs = initialLatencyMs
  let callLog: CallRecord[] = []
  let faults: Array<Fault & { remaining: number }> = []
  const policies = new Map<string, PolicyDocument>()
  return {
    calls: () => [...callLog],
    clearCalls: () => void (callLog = []),
    record: (call) => void callLog.push(call),
    injectFault: (f) => void faults.push({ ...f, remaining: f.times ?? 1 }),
    clearFaults: () => void (faults = []),
    takeFault(service, operation) {
      const f = faults.find(
        (x) => x.remaining > 0 && (x.operation === operation || x.operation === `${service}:${operation}`)
      )
      if (!f) return undefined
      f.remaining--
      faults = faults.filter((x) => x.remaining > 0)
      return f
    },
    setBehaviour: (b) => void Object.assign(ctx.behaviour, b),
    setPolicy(accessKeyId, policy) {
      if (policy) policies.set(accessKeyId, policy)
      else policies.delete(accessKeyId)
    },
    policyFor: (accessKeyId) => policies.get(accessKeyId),
    clearPolicies: () => policies.clear(),
    configure(o) {
      if (o.latencyMs !== undefined) latencyMs = o.latencyMs
      if (o.taskTimings) Object.assign(ctx.timings, o.taskTimings)
    },
    latencyMs: () => latencyMs
  }
}

/** The error an injected fault answers, in the protocol's default status unless the fault names one. */
export function faultError(fault: Fault, protocol: Protocol): AwsError {
  return new AwsError(
    fault.code,
    fault.message ?? faultMessage(fault.code),
    fault.status ?? defaultFaultStatus(protocol, fault.code)
  )
}

function faultMessage(code: string): string {
  if (code === 'RequestLimitExceeded') return 'Request limit exceeded.'
  if (/Throttl/.test(code)) return 'Rate exceeded'
  if (/AccessDenied|UnauthorizedOperation/.test(code))
    return 'You are not authorized to perform this operation.'
  return `Injected fault ${code}`
}
