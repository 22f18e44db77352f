// The price of a deploy, from the inputs and what the wait learnt: per hour for the tasks left running (and
// their public IPv4 addresses), and for a job that ran to its end, what its tasks' run cost (shared/cost.ts).
import { CPU_ARCHITECTURES, type Inputs } from '../inputs/inputs.js'
import { hourlyCost, jobCost, type TaskSize } from '../shared/cost.js'
import type { DeployCost, TaskReport } from './types.js'

type CostInputs = Pick<
  Inputs,
  'region' | 'cpu' | 'memory' | 'platform' | 'capacity' | 'assignPublicIp' | 'waitFor'
>

export function deployCost(inputs: CostInputs, tasks: readonly TaskReport[]): DeployCost {
  const size: TaskSize = {
    cpu: inputs.cpu,
    memory: inputs.memory,
    architecture: CPU_ARCHITECTURES[inputs.platform]
  }
  const spot = inputs.capacity === 'spot'
  // wait-for stopped returns once every task has stopped: nothing is left running.
  const ranToEnd = inputs.waitFor === 'stopped'
  const running = ranToEnd ? 0 : tasks.length
  return {
    region: inputs.region,
    hourly: hourlyCost(inputs.region, {
      ...size,
      tasks: running,
      publicIpv4Addresses: inputs.assignPublicIp ? running : 0,
      loadBalancers: 0,
      spot
    }),
    job: ranToEnd
      ? jobCost(inputs.region, { ...size, tasks, publicIpPerTask: inputs.assignPublicIp, spot })
      : undefined
  }
}
