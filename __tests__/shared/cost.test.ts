// The cost arithmetic, from tables: every expected figure is worked out by hand from the us-east-1 prices
// (x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour, ARM $0.03238 and $0.00356, IPv4 $0.005, ALB $0.0225).
import {
  billedSeconds,
  dollarsOutput,
  formatDollars,
  hourlyCost,
  jobCost,
  serviceHourlyCost
} from '../../src/shared/cost.js'
import { PRICES } from '../../src/shared/prices.js'

const at = (seconds: number): Date => new Date(Date.UTC(2026, 5, 1, 12, 0, 0) + seconds * 1000)

test('the price table has the us-east-1 figures AWS publishes', () => {
  expect(PRICES['us-east-1']).toEqual({
    fargate: {
      X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
      ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 }
    },
    publicIpv4Hour: 0.005,
    loadBalancerHour: 0.0225,
    asOf: '2026-06'
  })
})

describe('billedSeconds', () => {
  test.each([
    ['from the pull to the stop', { pullStartedAt: at(0), startedAt: at(20), stoppedAt: at(125) }, 125],
    ['rounded up to the second', { pullStartedAt: at(0), stoppedAt: at(90.2) }, 91],
    ['at least a minute', { pullStartedAt: at(0), stoppedAt: at(7) }, 60],
    ['from the start when the pull time is missing', { startedAt: at(10), stoppedAt: at(100) }, 90],
    ['nothing for a task that never began pulling', { stoppedAt: at(5) }, 0]
  ])('%s', (_name, times, expected) => {
    expect(billedSeconds(times)).toBe(expected)
  })

  test('unknown while the task has not stopped', () => {
    expect(billedSeconds({ pullStartedAt: at(0) })).toBeUndefined()
  })
})

describe('hourlyCost', () => {
  const base = { tasks: 1, publicIpv4Addresses: 0, loadBalancers: 0, spot: false }
  test.each([
    [
      'one 0.25 vCPU / 0.5 GB x86 task',
      { ...base, cpu: 256, memory: 512, architecture: 'X86_64' as const },
      0.0123425
    ],
    ['the same on ARM', { ...base, cpu: 256, memory: 512, architecture: 'ARM64' as const }, 0.009875],
    [
      'two 1 vCPU / 2 GB tasks',
      { ...base, tasks: 2, cpu: 1024, memory: 2048, architecture: 'X86_64' as const },
      0.09874
    ],
    [
      'one task with a public IPv4 address',
      { ...base, publicIpv4Addresses: 1, cpu: 256, memory: 512, architecture: 'X86_64' as const },
      0.0173425
    ],
    ['nothing left running', { ...base, tasks: 0, cpu: 256, memory: 512, architecture: 'X86_64' as const }, 0]
  ])('%s', (_name, running, dollars) => {
    expect(hourlyCost('us-east-1', running)!.dollars).toBeCloseTo(dollars, 10)
  })

  test('each item is a line of its own, in words', () => {
    const estimate = hourlyCost('us-east-1', {
      tasks: 2,
      cpu: 512,
      memory: 1024,
      architecture: 'X86_64',
      publicIpv4Addresses: 2,
      loadBalancers: 1,
      spot: false
    })!
    expect(estimate.lines.map((line) => line.item)).toEqual([
      '2 tasks × (0.5 vCPU, 1 GB), Linux/x86',
      '2 public IPv4 addresses',
      '1 Application Load Balancer (hourly base, without LCUs)'
    ])
    expect(estimate.lines.map((line) => line.dollars)).toEqual([
      expect.closeTo(0.04937, 10),
      expect.closeTo(0.01, 10),
      expect.closeTo(0.0225, 10)
    ])
    expect(estimate.pricesDate).toBe('2026-06')
    expect(estimate.note).toBeUndefined()
  })

  test('on Spot the on-demand price is given, with a note that it is an upper bound', () => {
    const estimate = hourlyCost('us-east-1', {
      ...base,
      cpu: 256,
      memory: 512,
      architecture: 'X86_64',
      spot: true
    })!
    expect(estimate.dollars).toBeCloseTo(0.0123425, 10)
    expect(estimate.note).toContain('up to 70% below on-demand')
  })

  test('a region without prices has no estimate', () => {
    expect(
      hourlyCost('eu-west-1', { ...base, cpu: 256, memory: 512, architecture: 'X86_64' })
    ).toBeUndefined()
  })
})

test("serviceHourlyCost: the tasks, their addresses, the load balancer and the load balancer's addresses", () => {
  const estimate = serviceHourlyCost('us-east-1', {
    desiredCount: 2,
    cpu: 256,
    memory: 512,
    architecture: 'X86_64',
    assignPublicIp: true,
    spot: false,
    loadBalancer: { publicIpv4Addresses: 2 }
  })!
  // 2 × 0.0123425 + 4 × 0.005 + 0.0225
  expect(estimate.dollars).toBeCloseTo(0.067185, 10)
  expect(estimate.lines.map((line) => line.item)).toEqual([
    '2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86',
    '4 public IPv4 addresses',
    '1 Application Load Balancer (hourly base, without LCUs)'
  ])
})

describe('jobCost', () => {
  const size = { cpu: 1024, memory: 2048, architecture: 'X86_64' as const, spot: false }
  test('one task for 90 s with a public IP: 90 s of the task and of the address', () => {
    const estimate = jobCost('us-east-1', {
      ...size,
      publicIpPerTask: true,
      tasks: [{ pullStartedAt: at(0), startedAt: at(5), stoppedAt: at(90) }]
    })!
    // (0.04048 + 2 × 0.004445) × 90 / 3600 = 0.00123425; 0.005 × 90 / 3600 = 0.000125
    expect(estimate.lines).toEqual([
      { item: '1 task × (1 vCPU, 2 GB), Linux/x86, 90 s billed', dollars: expect.closeTo(0.00123425, 10) },
      { item: 'public IPv4 address, 90 s', dollars: expect.closeTo(0.000125, 10) }
    ])
    expect(estimate.dollars).toBeCloseTo(0.00135925, 10)
  })

  test('two short tasks: a minute each, summed (0.04937 × 120 / 3600)', () => {
    const estimate = jobCost('us-east-1', {
      ...size,
      publicIpPerTask: false,
      tasks: [
        { pullStartedAt: at(0), stoppedAt: at(10) },
        { pullStartedAt: at(0), stoppedAt: at(30) }
      ]
    })!
    expect(estimate.lines).toEqual([
      {
        item: '2 tasks × (1 vCPU, 2 GB), Linux/x86, 120 s billed in all',
        dollars: expect.closeTo(0.00164566667, 10)
      }
    ])
  })

  test('no estimate while a task runs, or in a region without prices', () => {
    expect(
      jobCost('us-east-1', { ...size, publicIpPerTask: false, tasks: [{ pullStartedAt: at(0) }] })
    ).toBeUndefined()
    expect(
      jobCost('ap-south-2', {
        ...size,
        publicIpPerTask: false,
        tasks: [{ pullStartedAt: at(0), stoppedAt: at(1) }]
      })
    ).toBeUndefined()
  })
})

test.each([
  [12.5, '$12.50'],
  [0.0173425, '$0.0173'],
  [0.0013592, '$0.001359'],
  [0, '$0.000000']
])('formatDollars(%s) is %s', (dollars, text) => {
  expect(formatDollars(dollars)).toBe(text)
})

test.each([
  [0.0173425, '0.017343'],
  [0.09874, '0.09874'],
  [0, '0']
])('dollarsOutput(%s) is %s', (dollars, text) => {
  expect(dollarsOutput(dollars)).toBe(text)
})
