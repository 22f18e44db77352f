// The price of a service as service mode estimates it (serviceCost): desired tasks at their architecture, a
// public IPv4 address each, the load balancer whole with an address per zone (two at least).
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import { serviceCost } from '../../src/modes/cost.js'

function inputsWith(extra: Record<string, string>, region = 'us-east-1'): Inputs {
  const values: Record<string, string> = { repository: 'shop', service: 'shop', ...extra }
  return parseInputs((name) => values[name] ?? '', { env: { AWS_REGION: region }, readFile: () => '' })
}

test.each<[string, Record<string, string>, number | undefined, string[], number]>([
  [
    'the desired count seen, x86, default subnets',
    {},
    2,
    [
      '2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86',
      '4 public IPv4 addresses',
      '1 Application Load Balancer (hourly base, without LCUs)'
    ],
    // 2 × 0.0123425 + 4 × 0.005 + 0.0225
    0.067185
  ],
  [
    'no count seen (wait-for none): min-tasks; 1 vCPU, 2 GB on ARM; three subnets',
    {
      'min-tasks': '2',
      cpu: '1024',
      memory: '2048',
      platform: 'linux/arm64',
      subnets: 'subnet-0a1a1a1a,subnet-0b2b2b2b,subnet-0c3c3c3c'
    },
    undefined,
    [
      '2 tasks × (1 vCPU, 2 GB), Linux/ARM',
      '5 public IPv4 addresses',
      '1 Application Load Balancer (hourly base, without LCUs)'
    ],
    // 2 × (0.03238 + 2 × 0.00356) + 5 × 0.005 + 0.0225
    0.1265
  ],
  [
    'scaled in to none desired: the load balancer and its two addresses still bill',
    {},
    0,
    ['2 public IPv4 addresses', '1 Application Load Balancer (hourly base, without LCUs)'],
    0.0325
  ]
])('serviceCost: %s', (_, extra, desiredCount, items, dollars) => {
  const cost = serviceCost(inputsWith(extra), desiredCount)
  expect(cost.region).toBe('us-east-1')
  expect(cost.job).toBeUndefined()
  expect(cost.hourly!.lines.map((line) => line.item)).toEqual(items)
  expect(cost.hourly!.dollars).toBeCloseTo(dollars, 10)
})

test('serviceCost in a region without prices: no estimate', () => {
  expect(serviceCost(inputsWith({}, 'eu-west-1'), 1)).toEqual({ region: 'eu-west-1', hourly: undefined })
})
