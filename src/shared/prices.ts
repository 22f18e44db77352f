// The prices the cost estimates use: one dated table, in US dollars, on-demand, by region. No imports.
//
// Sources, per region (each region's figures were found in a source for that region; none is derived from
// another region's, and `asOf` says when they were read):
// - us-east-1, as of 2026-06: the AWS pricing pages for Fargate (https://aws.amazon.com/fargate/pricing/),
//   public IPv4 addresses (https://aws.amazon.com/vpc/pricing/, "Public IPv4 address", charged since
//   2024-02-01) and Elastic Load Balancing (https://aws.amazon.com/elasticloadbalancing/pricing/), checked
//   against the published figures (Linux/x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour, Linux/ARM
//   $0.03238 and $0.00356, public IPv4 $0.005 per address-hour, an Application Load Balancer $0.0225 per hour).
// - ap-southeast-1, as of 2026-08: the AWS Price List (pricing API, location "Asia Pacific (Singapore)") as
//   quoted on 2026-08-21 by a public project's cost notes: usage types APS1-Fargate-vCPU-Hours ($0.05056),
//   APS1-Fargate-GB-Hours ($0.00553), APS1-Fargate-ARM-vCPU-Hours ($0.04045), APS1-Fargate-ARM-GB-Hours
//   ($0.00442), LoadBalancing:Application ($0.0252 an hour). The x86 pair agrees with the fgcalc calculator's
//   table (github.com/theuves/fgcalc, "extracted from the official AWS Fargate documentation").
// - ca-central-1, as of 2026-10: the Price List usage types CAN1-Fargate-vCPU-Hours ($0.04456),
//   CAN1-Fargate-GB-Hours ($0.004865), CAN1-LoadBalancerUsage for LoadBalancing:Application ($0.02475) and
//   CAN1-PublicIPv4:InUseAddress ($0.005) as a public project's test carries them; the x86 pair agrees with
//   fgcalc's table; the ARM pair ($0.03565 and $0.00389) from a public project's report of 2026-10-09 that
//   checked it against its Cost Explorer bill for CAN1-Fargate-ARM-* (equal to four significant figures).
// Public IPv4 is $0.005 per address-hour in every region: AWS announced one rate for all regions (as reported
// by third-party pages, e.g. haufe-akademie.de and besthub.dev); ap-southeast-1's figure rests on that alone,
// ca-central-1's on the Price List too.
// Left out, for want of every figure in a source: us-east-2, us-west-2, eu-west-1, eu-central-1, eu-west-2,
// ap-southeast-2, ap-northeast-1, ap-south-1, sa-east-1 and every other region: there the action says the
// price is unknown rather than guess (other regions cost up to about 70% more than us-east-1). Add a region
// by copying its six figures from those pages or the Price List (https://pricing.us-east-1.amazonaws.com/
// offers/v1.0/aws/AmazonECS/current/REGION/index.json, and AmazonVPC, AWSELB), with the date.
//
// Billing: Fargate bills vCPU and memory per second, from the start of the image pull until the task stops,
// with a one-minute minimum. Fargate Spot (capacity: spot) has a variable price, up to 70% below on-demand;
// it has no fixed figure to put here, so the estimates give the on-demand price as an upper bound. An
// Application Load Balancer also bills LCU-hours by traffic ($0.008 each in us-east-1), which no deploy can
// know ahead: only its hourly base is counted.

/** The oldest "as of" in the table (us-east-1's); each region carries its own in `asOf`. */
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
  /** When these figures were read from their source (year and month): the estimate's "as of". */
  asOf: string
}

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': {
    fargate: {
      X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
      ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 }
    },
    publicIpv4Hour: 0.005,
    loadBalancerHour: 0.0225,
    asOf: PRICES_DATE
  },
  'ap-southeast-1': {
    fargate: {
      X86_64: { vcpuHour: 0.05056, gbHour: 0.00553 },
      ARM64: { vcpuHour: 0.04045, gbHour: 0.00442 }
    },
    publicIpv4Hour: 0.005,
    loadBalancerHour: 0.0252,
    asOf: '2026-08'
  },
  'ca-central-1': {
    fargate: {
      X86_64: { vcpuHour: 0.04456, gbHour: 0.004865 },
      ARM64: { vcpuHour: 0.03565, gbHour: 0.00389 }
    },
    publicIpv4Hour: 0.005,
    loadBalancerHour: 0.02475,
    asOf: '2026-10'
  }
}

/** Fargate Spot's discount at most, as AWS states it: a note for the reader, never used as a price. */
export const SPOT_NOTE =
  'Fargate Spot has a variable price, up to 70% below on-demand: this is the on-demand price, an upper bound'

export function pricesFor(region: string): RegionPrices | undefined {
  return PRICES[region]
}
