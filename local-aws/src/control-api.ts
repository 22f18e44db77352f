// The control endpoints under /_local/ (JSON, on the API's port): the HTTP face of the test controls, for a
// process that runs the local AWS through the CLI.
import type { Behaviour, Context, SchedulerClockSetting } from './context.js'
import type { Controls, Fault } from './controls.js'
import { snapshot } from './instance-state.js'
import type { PolicyDocument } from './policy.js'
import type { WireResponse } from './protocol.js'

export type ControlHandler = (method: string, url: string, body: string) => WireResponse

/** `endpoint` is asked for at request time: the server's port is known only once it listens. */
export function createControlApi(ctx: Context, controls: Controls, endpoint: () => string): ControlHandler {
  return function handleControl(method, url, body) {
    const json = (status: number, v: unknown): WireResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(v ?? {})
    })
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {}
    const route = `${method} ${url.split('?')[0]}`
    switch (route) {
      case 'GET /_local/health':
        return json(200, { ok: true, endpoint: endpoint(), registryHost: ctx.registry.host })
      case 'GET /_local/calls':
        return json(200, controls.calls())
      case 'DELETE /_local/calls':
        controls.clearCalls()
        return json(200, {})
      case 'POST /_local/faults':
        for (const f of Array.isArray(input) ? (input as Fault[]) : [input as unknown as Fault])
          controls.injectFault(f)
        return json(200, {})
      case 'DELETE /_local/faults':
        controls.clearFaults()
        return json(200, {})
      case 'POST /_local/behaviour':
        controls.setBehaviour(input as Partial<Behaviour>)
        return json(200, ctx.behaviour)
      case 'POST /_local/configure':
        controls.configure(input)
        return json(200, { latencyMs: controls.latencyMs(), taskTimings: ctx.timings })
      case 'POST /_local/policies':
        controls.setPolicy(String(input.accessKeyId), input.policy as PolicyDocument | undefined)
        return json(200, {})
      case 'DELETE /_local/policies':
        controls.clearPolicies()
        return json(200, {})
      case 'GET /_local/scheduler/invocations':
        return json(200, ctx.scheduler.invocations)
      case 'GET /_local/sns/messages': {
        const topic = new URLSearchParams(url.split('?')[1] ?? '').get('topic')
        return json(
          200,
          ctx.events.snsMessages.filter((m) => !topic || m.topicArn === topic)
        )
      }
      case 'GET /_local/events':
        return json(200, ctx.events.events)
      case 'GET /_local/scheduler/clock':
        return json(200, ctx.schedules.clock())
      case 'POST /_local/scheduler/clock':
        return json(200, ctx.schedules.clock(input as SchedulerClockSetting))
      case 'GET /_local/state':
        return json(200, snapshot(ctx))
      default:
        return json(404, { message: `no control endpoint ${route}` })
    }
  }
}
