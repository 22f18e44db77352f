// The prices the cost estimates use: one dated table, in US dollars, on-demand, by region. No imports.
//
// Source: the AWS pricing pages for Fargate (https://aws.amazon.com/fargate/pricing/), public IPv4 addresses
// (https://aws.amazon.com/vpc/pricing/, "Public IPv4 address", charged since 2024-02-01) and Elastic Load
// Balancing (https://aws.amazon.com/elasticloadbalancing/pricing/), as of 2026-06, checked against the
// published us-east-1 figures (Linux/x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour, Linux/ARM $0.03238
// and $0.00356, public IPv4 $0.005 per address-hour, an Application Load Balancer $0.0225 per hour).
// Only the regions whose figures could be checked are listed: elsewhere the action says the price is unknown
// rather than guess (other regions cost up to about 30% more). Add a region by copying its figures from
// those pages, with the date.
//
// Billing: Fargate bills vCPU and memory per second, from the start of the image pull until the task stops,
// with a one-minute minimum. Fargate Spot (capacity: spot) has a variable price, up to 70% below on-demand;
// it has no fixed figure to put here, so the estimates give the on-demand price as an upper bound. An
// Application Load Balancer also bills LCU-hours by traffic ($0.008 each in us-east-1), which no deploy can
// know ahead: only its hourly base is counted.

export const PRICES_DATE = '2026-06'

export type CpuArchitecture = 'X86_64' | 'ARM64'

export interface ComputePrice {
  vcpuHour: number
  gbHour: number
}

export interface RegionPrices {
  /** Fargate Linux, on-demand, per CPU architecture. */
  fargate: Record<CpuArchitecture, ComputePrice>
  /** One public IPv4 address, per hour. */
  publicIpv4Hour: number
  /** One Application Load Balancer's hourly base, without LCUs. */
  loadBalancerHour: number
}

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': {
    fargate: {
      X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
      ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 }
    },
    publicIpv4Hour: 0.005,
    loadBalancerHour: 0.0225
  }
}

/** Fargate Spot's discount at most, as AWS states it: a note for the reader, never used as a price. */
export const SPOT_NOTE =
  'Fargate Spot has a variable price, up to 70% below on-demand: this is the on-demand price, an upper bound'

export function pricesFor(region: string): RegionPrices | undefined {
  return PRICES[region]
}
