// The price of a deploy, from the inputs and what the wait learnt: per hour for the tasks left running (and
// their public IPv4 addresses), and for a job that ran to its end, what its tasks' run cost (shared/cost.ts);
// for a service, per hour for its desired tasks, their addresses and its load balancer.
import { CPU_ARCHITECTURES } from '../inputs/facts.js'
import type { Inputs } from '../inputs/inputs.js'
import { dollarsOutput, hourlyCost, jobCost, serviceHourlyCost, type TaskSize } from '../shared/cost.js'
import type { DeployCost, Reporter, TaskReport } from './types.js'

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

/** Statuses of a task that is stopping or stopped: it is not left running, though it may not have stopped yet. */
const STOPPING_STATUSES = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'DELETED'])

/**
 * What a deploy that failed after starting its tasks cost: the tasks that stopped (with their times) billed as a
 * job is, and per hour what is left running; a task that is stopping (this run stopped it, or the wait saw it
 * stopping) without a stop time is in neither, and a note says so.
 */
export function failureCost(
  inputs: CostInputs,
  tasks: readonly TaskReport[],
  /** The tasks this run stopped (cancelled): not left running, whatever their last status. */
  stoppedByRun: readonly string[] = []
): DeployCost {
  const size: TaskSize = {
    cpu: inputs.cpu,
    memory: inputs.memory,
    architecture: CPU_ARCHITECTURES[inputs.platform]
  }
  const spot = inputs.capacity === 'spot'
  const ended = tasks.filter((task) => task.stoppedAt !== undefined)
  const stopping = tasks.filter(
    (task) =>
      task.stoppedAt === undefined &&
      (stoppedByRun.includes(task.taskArn) || STOPPING_STATUSES.has(task.lastStatus ?? ''))
  )
  const running = tasks.length - ended.length - stopping.length
  const job =
    ended.length > 0
      ? jobCost(inputs.region, { ...size, tasks: ended, publicIpPerTask: inputs.assignPublicIp, spot })
      : undefined
  const notes =
    stopping.length > 0
      ? [
          `${stopping.length} task(s) stopped (or stopping) without a stop time read are not counted: ` +
            'they are billed from their image pull until they stopped'
        ]
      : []
  return {
    region: inputs.region,
    hourly: hourlyCost(inputs.region, {
      ...size,
      tasks: running,
      publicIpv4Addresses: inputs.assignPublicIp ? running : 0,
      loadBalancers: 0,
      spot
    }),
    job,
    ...(job && inputs.waitFor !== 'stopped'
      ? { jobTitle: `What the ${ended.length === 1 ? 'task' : 'tasks'} that stopped cost` }
      : {}),
    ...(notes.length > 0 ? { notes } : {})
  }
}

/**
 * An internet-facing Application Load Balancer has a public IPv4 address per Availability Zone it is in, and it
 * is in two at least. Express Mode puts it in the service's subnets: counted as one zone per subnet given, or
 * the two-zone minimum for the default VPC's (which may span more zones: a lower bound there).
 */
export const MIN_LOAD_BALANCER_ZONES = 2

/** Said beside a service's estimate: what it assumes about Express Mode's shared load balancer and addresses. */
export const SERVICE_COST_NOTE =
  'Express Mode shares one Application Load Balancer among up to 25 services with the same network ' +
  'configuration: its hourly base and its public IPv4 addresses (one per Availability Zone, two at least) are ' +
  'counted whole here, as for the service that made it, an upper bound for the others. Each task is counted ' +
  "with a public IPv4 address, as in public subnets (the default VPC's); in private subnets it has none"

type ServiceCostInputs = Pick<Inputs, 'region' | 'cpu' | 'memory' | 'platform' | 'minTasks' | 'subnets'>

/**
 * What a service leaves running, per hour: its desired tasks (minTasks when the deploy did not wait to see the
 * count), a public IPv4 address each, and its load balancer whole with its addresses (SERVICE_COST_NOTE).
 */
export function serviceCost(inputs: ServiceCostInputs, desiredCount: number | undefined): DeployCost {
  return {
    region: inputs.region,
    hourly: serviceHourlyCost(inputs.region, {
      cpu: inputs.cpu,
      memory: inputs.memory,
      // A template's revision gets its runtimePlatform from platform too (registerRevision).
      architecture: CPU_ARCHITECTURES[inputs.platform],
      desiredCount: desiredCount ?? inputs.minTasks,
      assignPublicIp: true,
      spot: false,
      loadBalancer: {
        publicIpv4Addresses: Math.max(MIN_LOAD_BALANCER_ZONES, inputs.subnets.length)
      }
    })
  }
}

/** The hourly-cost output, written here only: what the deploy leaves running per hour ('' when not priced). */
export function reportHourlyCost(reporter: Pick<Reporter, 'setOutput'>, cost: DeployCost): DeployCost {
  reporter.setOutput('hourly-cost', cost.hourly ? dollarsOutput(cost.hourly.dollars) : '')
  return cost
}
