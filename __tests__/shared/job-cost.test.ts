// A scheduled job's monthly cost: runs a month × tasks × billed seconds at the price table's rates.
import { describeMonthlyCost, monthlyJobCost, type JobCostInput } from '../../src/shared/job-cost.js'

// us-east-1, Linux/x86: $0.04048 a vCPU-hour, $0.004445 a GB-hour; public IPv4 $0.005 an hour.
const JOB: JobCostInput = {
  cpu: 1024,
  memory: 2048,
  architecture: 'X86_64',
  runsPerMonth: 30,
  tasksPerRun: 1,
  timeoutSeconds: 3600,
  publicIpPerTask: false,
  spot: false
}

test.each<[string, Partial<JobCostInput>, number, string]>([
  // 30 h × (0.04048 + 2 × 0.004445) = 30 × 0.04937
  [
    'no run seen yet: the timeout',
    {},
    1.4811,
    '30 runs a month × 1 task × (1 vCPU, 2 GB), Linux/x86, the timeout, 3600 s'
  ],
  // 30 × 600 s = 5 h × 0.04937
  [
    'the last run billed 600 s',
    { lastRunSeconds: 600 },
    0.24685,
    '30 runs a month × 1 task × (1 vCPU, 2 GB), Linux/x86, 600 s billed, as the last run'
  ],
  // a 12 s run is billed a minute: 720 runs × 2 tasks × 60 s = 24 h × 0.04937
  [
    "Fargate's one-minute minimum, two tasks a run",
    { runsPerMonth: 720, tasksPerRun: 2, lastRunSeconds: 12 },
    1.18488,
    '720 runs a month × 2 tasks × (1 vCPU, 2 GB), Linux/x86, 60 s billed, as the last run'
  ]
])('%s', (_, change, dollars, item) => {
  const estimate = monthlyJobCost('us-east-1', { ...JOB, ...change })!
  expect(estimate.dollars).toBeCloseTo(dollars, 6)
  expect(estimate.lines.map((line) => line.item)).toEqual([item])
  expect(estimate.note).toBeUndefined()
})

test('a public IPv4 address per task, billed as long as the tasks; Spot says its price is an upper bound', () => {
  const estimate = monthlyJobCost('us-east-1', {
    ...JOB,
    lastRunSeconds: 600,
    publicIpPerTask: true,
    spot: true
  })!
  expect(estimate.lines).toEqual([
    expect.objectContaining({ dollars: expect.closeTo(0.24685, 6) }),
    { item: 'public IPv4 address, 18000 s a month', dollars: expect.closeTo(0.025, 6) }
  ])
  expect(estimate.note).toMatch(/upper bound/)
})

test('no prices for the region: no estimate', () => {
  expect(monthlyJobCost('eu-west-1', JOB)).toBeUndefined()
})

test('the line for the log', () => {
  expect(describeMonthlyCost(monthlyJobCost('us-east-1', { ...JOB, lastRunSeconds: 600 })!)).toBe(
    '$0.2469 a month in us-east-1 (30 runs a month × 1 task × (1 vCPU, 2 GB), Linux/x86, 600 s billed, as the last run: $0.2469; prices as of 2026-06)'
  )
})
