// An Express Mode service's scaling settings and their limits, written once: the inputs layer validates
// min-tasks, max-tasks, scale-on and scale-target with scalingProblems before any AWS call, and
// src/aws/express-service.ts maps scale-on to the API's metric. No imports, so any layer may use it.

export const SCALE_ON = ['cpu', 'memory', 'requests'] as const
export type ScaleOn = (typeof SCALE_ON)[number]

/** scale-on → ExpressGatewayScalingTarget.autoScalingMetric (the SDK's ExpressGatewayServiceScalingMetric). */
export const SCALING_METRIC = {
  cpu: 'AVERAGE_CPU',
  memory: 'AVERAGE_MEMORY',
  requests: 'REQUEST_COUNT_PER_TARGET'
} as const satisfies Record<ScaleOn, string>

/**
 * Our limits, not the API's (its model gives none): at least one task, so the endpoint always has a target
 * and a deployment can succeed; at most ECS's default quota of tasks per service. cpu and memory targets are
 * percentages of the task's allocation; requests is the request count per target per minute.
 */
export const SCALING_LIMITS = {
  minTasks: 1,
  maxTasks: 5000,
  percentTarget: { min: 1, max: 100 },
  requestsTarget: { min: 1, max: 1_000_000 }
} as const

export interface ScalingSettings {
  minTasks: number
  maxTasks: number
  /** Absent: the API's default metric (average CPU). */
  scaleOn?: ScaleOn
  /** Absent: the API's default target (60). */
  scaleTarget?: number
}

/** Every problem with the scaling inputs, each naming the input and what is allowed; empty when valid. */
export function scalingProblems(settings: ScalingSettings): string[] {
  const { minTasks, maxTasks, scaleOn, scaleTarget } = settings
  const { minTasks: low, maxTasks: high } = SCALING_LIMITS
  const problems: string[] = []
  const count = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < low || value > high) {
      problems.push(`${name}: ${value} is not a whole number from ${low} to ${high}`)
      return false
    }
    return true
  }
  const minValid = count('min-tasks', minTasks)
  const maxValid = count('max-tasks', maxTasks)
  if (minValid && maxValid && maxTasks < minTasks) {
    problems.push(`max-tasks: ${maxTasks} is less than min-tasks (${minTasks}); set max-tasks ≥ min-tasks`)
  }
  if (scaleOn !== undefined && !(SCALE_ON as readonly string[]).includes(scaleOn)) {
    problems.push(`scale-on: '${scaleOn}' is not one of ${SCALE_ON.join(', ')}`)
  } else if (scaleTarget !== undefined) {
    const range = scaleOn === 'requests' ? SCALING_LIMITS.requestsTarget : SCALING_LIMITS.percentTarget
    const unit = scaleOn === 'requests' ? 'requests per task per minute' : '% utilization'
    if (!Number.isInteger(scaleTarget) || scaleTarget < range.min || scaleTarget > range.max) {
      problems.push(
        `scale-target: ${scaleTarget} is not a whole number from ${range.min} to ${range.max} (${unit} for scale-on ${scaleOn ?? 'cpu'})`
      )
    }
  }
  return problems
}
