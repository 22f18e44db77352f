// What a run costs, from the price table: per hour for what it leaves running (tasks, public IPv4 addresses,
// a load balancer), and for a one-off job from its tasks' start and stop times. Pure arithmetic; the prices
// and how AWS bills them are in prices.ts.
import { SPOT_NOTE, pricesFor, type CpuArchitecture, type RegionPrices } from './prices.js'

/** One task's size as the task definition gives it: cpu units (1024 = 1 vCPU) and memory in MiB. */
export interface TaskSize {
  cpu: number
  memory: number
  architecture: CpuArchitecture
}

/** What runs on after a run: a number of tasks of one size, their public addresses, load balancers. */
export interface RunningResources extends TaskSize {
  tasks: number
  publicIpv4Addresses: number
  loadBalancers: number
  /** On Fargate Spot: the price is variable, so the on-demand price is given as an upper bound. */
  spot: boolean
}

export interface CostLine {
  /** What is billed, in words: "2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86". */
  item: string
  dollars: number
}

export interface CostEstimate {
  region: string
  dollars: number
  lines: CostLine[]
  /** Said beside the figure: Spot's variable price. */
  note?: string
  pricesDate: string
}

const ARCHITECTURE_NAMES: Record<CpuArchitecture, string> = { X86_64: 'Linux/x86', ARM64: 'Linux/ARM' }

/** The on-demand price of one task of this size for one hour. */
export function taskHourPrice(prices: RegionPrices, size: TaskSize): number {
  const rate = prices.fargate[size.architecture]
  return (size.cpu / 1024) * rate.vcpuHour + (size.memory / 1024) * rate.gbHour
}

function describeSize(size: TaskSize): string {
  return `(${size.cpu / 1024} vCPU, ${size.memory / 1024} GB), ${ARCHITECTURE_NAMES[size.architecture]}`
}

const plural = (count: number, noun: string, nouns = `${noun}s`): string =>
  `${count} ${count === 1 ? noun : nouns}`

/** The hourly price of what is left running, or undefined when the table has no prices for the region. */
export function hourlyCost(region: string, running: RunningResources): CostEstimate | undefined {
  const prices = pricesFor(region)
  if (!prices) return undefined
  const lines: CostLine[] = []
  if (running.tasks > 0) {
    lines.push({
      item: `${plural(running.tasks, 'task')} × ${describeSize(running)}`,
      dollars: running.tasks * taskHourPrice(prices, running)
    })
  }
  if (running.publicIpv4Addresses > 0) {
    lines.push({
      item: plural(running.publicIpv4Addresses, 'public IPv4 address', 'public IPv4 addresses'),
      dollars: running.publicIpv4Addresses * prices.publicIpv4Hour
    })
  }
  if (running.loadBalancers > 0) {
    lines.push({
      item: `${plural(running.loadBalancers, 'Application Load Balancer')} (hourly base, without LCUs)`,
      dollars: running.loadBalancers * prices.loadBalancerHour
    })
  }
  return estimate(region, prices, lines, running.spot && running.tasks > 0)
}

/**
 * The hourly price of a service: its desired count of tasks, a public IPv4 address per task when they get
 * one, and its load balancer (whose own public addresses, one per Availability Zone, are billed too).
 */
export function serviceHourlyCost(
  region: string,
  service: TaskSize & {
    desiredCount: number
    assignPublicIp: boolean
    spot: boolean
    loadBalancer?: { publicIpv4Addresses: number }
  }
): CostEstimate | undefined {
  return hourlyCost(region, {
    cpu: service.cpu,
    memory: service.memory,
    architecture: service.architecture,
    tasks: service.desiredCount,
    publicIpv4Addresses:
      (service.assignPublicIp ? service.desiredCount : 0) + (service.loadBalancer?.publicIpv4Addresses ?? 0),
    loadBalancers: service.loadBalancer ? 1 : 0,
    spot: service.spot
  })
}

/** A task's times as DescribeTasks gives them. */
export interface TaskTimes {
  pullStartedAt?: Date
  startedAt?: Date
  stoppedAt?: Date
}

/** Fargate's one-minute minimum. */
export const MINIMUM_BILLED_SECONDS = 60

/**
 * The seconds Fargate bills a stopped task: from the start of its image pull (or its start, when the pull
 * time is missing) to its stop, rounded up to the second, at least a minute; 0 for a task that never began
 * pulling, and undefined for one that has not stopped.
 */
export function billedSeconds(times: TaskTimes): number | undefined {
  const start = times.pullStartedAt ?? times.startedAt
  if (!start) return 0
  if (!times.stoppedAt) return undefined
  const seconds = Math.ceil((times.stoppedAt.getTime() - start.getTime()) / 1000)
  return Math.max(seconds, MINIMUM_BILLED_SECONDS)
}

/**
 * What a one-off job cost: each task billed per second (billedSeconds) at its size, and its public IPv4
 * address for as long. Undefined when the region has no prices or a task has not stopped.
 */
export function jobCost(
  region: string,
  job: TaskSize & { tasks: readonly TaskTimes[]; publicIpPerTask: boolean; spot: boolean }
): CostEstimate | undefined {
  const prices = pricesFor(region)
  if (!prices) return undefined
  const seconds = job.tasks.map(billedSeconds)
  if (seconds.some((value) => value === undefined)) return undefined
  const total = (seconds as number[]).reduce((sum, value) => sum + value, 0)
  const hours = total / 3600
  const lines: CostLine[] = [
    {
      item: `${plural(job.tasks.length, 'task')} × ${describeSize(job)}, ${total} s billed${job.tasks.length > 1 ? ' in all' : ''}`,
      dollars: hours * taskHourPrice(prices, job)
    }
  ]
  if (job.publicIpPerTask && total > 0) {
    lines.push({ item: `public IPv4 address, ${total} s`, dollars: hours * prices.publicIpv4Hour })
  }
  return estimate(region, prices, lines, job.spot)
}

function estimate(region: string, prices: RegionPrices, lines: CostLine[], spot: boolean): CostEstimate {
  return {
    region,
    dollars: lines.reduce((sum, line) => sum + line.dollars, 0),
    lines,
    note: spot ? SPOT_NOTE : undefined,
    pricesDate: prices.asOf
  }
}

/** Dollars for a reader: cents for large sums, more digits for the fractions of a cent a short job costs. */
export function formatDollars(dollars: number): string {
  return `$${dollars.toFixed(dollars >= 1 ? 2 : dollars >= 0.01 ? 4 : 6)}`
}

/** Dollars for an output: a plain number, to the millionth of a dollar. */
export function dollarsOutput(dollars: number): string {
  return String(Math.round(dollars * 1e6) / 1e6)
}
