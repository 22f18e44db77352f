// What a scheduled job costs a month, from the price table: its runs a month (from the schedule expression,
// shared/schedule-expression.ts) × its tasks × the seconds Fargate bills each, at the task's size, plus each
// task's public IPv4 address for as long. The seconds are the last run's when one ran (billedSeconds), else the
// job's timeout, as an upper bound. Pure arithmetic, beside cost.ts's for what a deploy leaves running.
import {
  MINIMUM_BILLED_SECONDS,
  formatDollars,
  taskHourPrice,
  type CostEstimate,
  type CostLine,
  type TaskSize
} from './cost.js'
import { SPOT_NOTE, pricesFor } from './prices.js'

export interface JobCostInput extends TaskSize {
  runsPerMonth: number
  /** Tasks each run starts (count). */
  tasksPerRun: number
  /** What one task of a run is billed: the last run's, when there was one. */
  lastRunSeconds?: number
  /** The job's timeout in seconds: the estimate's basis when no run has been seen. */
  timeoutSeconds: number
  publicIpPerTask: boolean
  spot: boolean
}

const ARCHITECTURE_NAMES = { X86_64: 'Linux/x86', ARM64: 'Linux/ARM' } as const

const plural = (count: number, noun: string): string => `${count} ${count === 1 ? noun : `${noun}s`}`

/**
 * The monthly estimate, or undefined when the table has no prices for the region. Each task is billed at least
 * a minute (Fargate's minimum), whichever the basis.
 */
export function monthlyJobCost(region: string, job: JobCostInput): CostEstimate | undefined {
  const prices = pricesFor(region)
  if (!prices) return undefined
  const basis = job.lastRunSeconds ?? job.timeoutSeconds
  const seconds = Math.max(Math.ceil(basis), MINIMUM_BILLED_SECONDS)
  const taskSeconds = job.runsPerMonth * job.tasksPerRun * seconds
  const hours = taskSeconds / 3600
  const said =
    job.lastRunSeconds === undefined ? `the timeout, ${seconds} s` : `${seconds} s billed, as the last run`
  const size = `(${job.cpu / 1024} vCPU, ${job.memory / 1024} GB), ${ARCHITECTURE_NAMES[job.architecture]}`
  const lines: CostLine[] = [
    {
      item: `${plural(job.runsPerMonth, 'run')} a month × ${plural(job.tasksPerRun, 'task')} × ${size}, ${said}`,
      dollars: hours * taskHourPrice(prices, job)
    }
  ]
  if (job.publicIpPerTask && taskSeconds > 0) {
    lines.push({
      item: `public IPv4 address, ${taskSeconds} s a month`,
      dollars: hours * prices.publicIpv4Hour
    })
  }
  return {
    region,
    dollars: lines.reduce((sum, line) => sum + line.dollars, 0),
    lines,
    note: job.spot ? SPOT_NOTE : undefined,
    pricesDate: prices.asOf
  }
}

/** "$1.23 a month (…)": the figure and its basis in one line, for the log. */
export function describeMonthlyCost(estimate: CostEstimate): string {
  const basis = estimate.lines.map((line) => `${line.item}: ${formatDollars(line.dollars)}`).join('; ')
  return `${formatDollars(estimate.dollars)} a month in ${estimate.region} (${basis}; prices as of ${estimate.pricesDate})`
}
