// The inputs that choose what the tasks run on: capacity (on-demand Fargate or Fargate Spot) and platform
// (the CPU architecture of the task definition and of the image the action builds).
import { DEFAULTS, FALLBACKS } from './defaults.js'
import { CPU_ARCHITECTURES } from './facts.js'
import type { Reader } from './reader.js'
import {
  CAPACITIES,
  PLATFORMS,
  type CapacityInputs,
  type Platform,
  type TaskDefinitionTemplate
} from './types.js'

export { CPU_ARCHITECTURES } from './facts.js'

/** The platform a template's runtimePlatform names, when it names a Linux one. */
function templatePlatform(template: TaskDefinitionTemplate | undefined): Platform | undefined {
  const runtime = template?.['runtimePlatform'] as { cpuArchitecture?: unknown } | undefined
  return PLATFORMS.find((platform) => CPU_ARCHITECTURES[platform] === runtime?.cpuArchitecture)
}

export function readCapacityInputs(r: Reader, template: TaskDefinitionTemplate | undefined): CapacityInputs {
  const capacity = r.oneOf('capacity', CAPACITIES, DEFAULTS.capacity)
  const platform = r.oneOf('platform', PLATFORMS, templatePlatform(template) ?? FALLBACKS.platform)
  // AWS: "Linux tasks with the ARM64 architecture don't support the Fargate Spot capacity provider."
  if (capacity === 'spot' && platform === 'linux/arm64') {
    r.fail(
      'capacity',
      'spot runs only linux/amd64 tasks (Fargate Spot has no ARM64 capacity); use capacity: on-demand with platform linux/arm64, or platform linux/amd64 with spot'
    )
  }
  return { capacity, platform }
}
