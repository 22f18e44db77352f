// The few values of the inputs' rules the steps use after parsing (the ttl's form, the timer container's name,
// the platforms' architectures, who manages the execution role). Apart from the parsers so that the ES module
// half of the bundle (src/steps.ts) can use them without loading the parsers again: the entry ran those already.
import { isArn } from '../shared/arn.js'
import type { CpuArchitecture } from '../shared/prices.js'
import type { Inputs, Platform } from './types.js'

/** The events whose payload has the pull request a preview is named after. */
export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'] as const

/** The name of the timer container the ttl adds to the task definition. */
export const TTL_CONTAINER_NAME = 'ecs-fargate-deploy-ttl'

/** Seconds per unit of a ttl, largest first. */
export const UNIT_SECONDS: Readonly<Record<'d' | 'h' | 'm' | 's', number>> = {
  d: 86400,
  h: 3600,
  m: 60,
  s: 1
}

/** 5400 → "1h30m", 90 → "1m30s": the shortest form parseTtl reads back. */
export function formatTtl(seconds: number): string {
  let left = seconds
  let text = ''
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const count = Math.floor(left / UNIT_SECONDS[unit])
    left -= count * UNIT_SECONDS[unit]
    if (count > 0) text += `${count}${unit}`
  }
  return text || '0s'
}

/** The task definition's runtimePlatform.cpuArchitecture for each platform. */
export const CPU_ARCHITECTURES: Readonly<Record<Platform, CpuArchitecture>> = {
  'linux/amd64': 'X86_64',
  'linux/arm64': 'ARM64'
}

/**
 * Whether the action manages the execution role: given by name (looked up, created when missing) with
 * create-execution-role true. A role given as an ARN, or with create-execution-role false, is the user's.
 */
export function managesExecutionRole(inputs: Pick<Inputs, 'executionRole' | 'createExecutionRole'>): boolean {
  return !isArn(inputs.executionRole) && inputs.createExecutionRole
}
