// The price table itself: every region's figures are plausible, a region name that is not in the table gives no
// estimate, and each region added after us-east-1 prices a small task as its figures say, worked out by hand.
import { hourlyCost, jobCost, serviceHourlyCost } from '../../src/shared/cost.js'
import { PRICES, PRICES_DATE, pricesFor } from '../../src/shared/prices.js'

const regions = Object.entries(PRICES)

test('the table has the regions whose figures were sourced', () => {
  expect(Object.keys(PRICES).sort()).toEqual(['ap-southeast-1', 'ca-central-1', 'us-east-1'])
})

describe.each(regions)('%s', (_region, prices) => {
  test('every figure is positive and in a plausible range', () => {
    for (const rate of Object.values(prices.fargate)) {
      expect(rate.vcpuHour).toBeGreaterThan(0.02)
      expect(rate.vcpuHour).toBeLessThan(0.1)
      expect(rate.gbHour).toBeGreaterThan(0)
      // Memory is about a ninth of a vCPU-hour everywhere Fargate is sold.
      expect(rate.gbHour).toBeLessThan(rate.vcpuHour / 5)
      expect(rate.gbHour).toBeGreaterThan(rate.vcpuHour / 15)
    }
    expect(prices.publicIpv4Hour).toBeGreaterThan(0)
    expect(prices.publicIpv4Hour).toBeLessThan(0.01)
    expect(prices.loadBalancerHour).toBeGreaterThan(0.015)
    expect(prices.loadBalancerHour).toBeLessThan(0.05)
  })

  test('ARM is 10-35% cheaper than x86, per vCPU-hour and per GB-hour', () => {
    const { X86_64: x86, ARM64: arm } = prices.fargate
    for (const key of ['vcpuHour', 'gbHour'] as const) {
      expect(arm[key] / x86[key]).toBeGreaterThanOrEqual(0.65)
      expect(arm[key] / x86[key]).toBeLessThanOrEqual(0.9)
    }
  })

  test('its date is a year and month, no older than the table', () => {
    expect(prices.asOf).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/)
    expect(prices.asOf >= PRICES_DATE).toBe(true)
  })
})

test.each(['us-east1', 'US-EAST-1', 'ap-southeast-01', 'ca-central', ' ca-central-1', 'eu-west-1', ''])(
  'no estimate for %j, a typo or a region not in the table',
  (region) => {
    expect(pricesFor(region)).toBeUndefined()
    const size = { cpu: 256, memory: 512, architecture: 'X86_64' as const }
    expect(
      hourlyCost(region, { ...size, tasks: 1, publicIpv4Addresses: 1, loadBalancers: 0, spot: false })
    ).toBeUndefined()
    expect(jobCost(region, { ...size, tasks: [], publicIpPerTask: true, spot: false })).toBeUndefined()
  }
)

// One 0.25 vCPU / 0.5 GB task with a public IPv4 address, for an hour; then as a service behind a load balancer
// with two addresses of its own.
const task = { tasks: 1, cpu: 256, memory: 512, publicIpv4Addresses: 1, loadBalancers: 0, spot: false }
const service = { cpu: 256, memory: 512, desiredCount: 1, assignPublicIp: true, spot: false }

describe('ap-southeast-1 (Singapore)', () => {
  test('x86: 0.25 × $0.05056 + 0.5 × $0.00553 + $0.005', () => {
    const estimate = hourlyCost('ap-southeast-1', { ...task, architecture: 'X86_64' })!
    // 0.01264 + 0.002765 + 0.005
    expect(estimate.dollars).toBeCloseTo(0.020405, 10)
    expect(estimate.pricesDate).toBe('2026-08')
  })

  test('ARM: 0.25 × $0.04045 + 0.5 × $0.00442 + $0.005', () => {
    // 0.0101125 + 0.00221 + 0.005
    expect(hourlyCost('ap-southeast-1', { ...task, architecture: 'ARM64' })!.dollars).toBeCloseTo(
      0.0173225,
      10
    )
  })

  test('a service: its task and address, the load balancer $0.0252 and its two addresses', () => {
    const estimate = serviceHourlyCost('ap-southeast-1', {
      ...service,
      architecture: 'X86_64',
      loadBalancer: { publicIpv4Addresses: 2 }
    })!
    // 0.015405 + 3 × 0.005 + 0.0252
    expect(estimate.dollars).toBeCloseTo(0.055605, 10)
  })
})

describe('ca-central-1 (Canada Central)', () => {
  test('x86: 0.25 × $0.04456 + 0.5 × $0.004865 + $0.005', () => {
    const estimate = hourlyCost('ca-central-1', { ...task, architecture: 'X86_64' })!
    // 0.01114 + 0.0024325 + 0.005
    expect(estimate.dollars).toBeCloseTo(0.0185725, 10)
    expect(estimate.pricesDate).toBe('2026-10')
  })

  test('ARM: 0.25 × $0.03565 + 0.5 × $0.00389 + $0.005', () => {
    // 0.0089125 + 0.001945 + 0.005
    expect(hourlyCost('ca-central-1', { ...task, architecture: 'ARM64' })!.dollars).toBeCloseTo(0.0158575, 10)
  })

  test('a service: its task and address, the load balancer $0.02475 and its two addresses', () => {
    const estimate = serviceHourlyCost('ca-central-1', {
      ...service,
      architecture: 'X86_64',
      loadBalancer: { publicIpv4Addresses: 2 }
    })!
    // 0.0135725 + 3 × 0.005 + 0.02475
    expect(estimate.dollars).toBeCloseTo(0.0533225, 10)
  })

  test('a one-off job of 90 s on ARM with its address: 90/3600 of the hourly figure', () => {
    const start = new Date(Date.UTC(2026, 9, 1, 12, 0, 0))
    const estimate = jobCost('ca-central-1', {
      cpu: 256,
      memory: 512,
      architecture: 'ARM64',
      tasks: [{ pullStartedAt: start, stoppedAt: new Date(start.getTime() + 90_000) }],
      publicIpPerTask: true,
      spot: false
    })!
    // (0.0089125 + 0.001945 + 0.005) × 90 / 3600 = 0.0158575 / 40
    expect(estimate.dollars).toBeCloseTo(0.0003964375, 12)
  })
})
