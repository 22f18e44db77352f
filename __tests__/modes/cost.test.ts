// The price of a service as service mode estimates it (serviceCost): desired tasks at their architecture, a
// public IPv4 address each, the load balancer whole with an address per zone (two at least).
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import { failureCost, serviceCost } from '../../src/modes/cost.js'
import type { TaskReport } from '../../src/modes/types.js'

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

describe('failureCost: a deploy that failed after its tasks started', () => {
  /** Task inputs (no service). */
  const taskInputs = (extra: Record<string, string>, region = 'us-east-1'): Inputs => {
    const values: Record<string, string> = { repository: 'web', ...extra }
    return parseInputs((name) => values[name] ?? '', { env: { AWS_REGION: region }, readFile: () => '' })
  }
  const at = (seconds: number): Date => new Date(Date.UTC(2026, 5, 1, 12, 0, 0) + seconds * 1000)
  const report = (n: number, known: Partial<TaskReport>): TaskReport => ({
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/web/${n}`,
    logStream: { logGroup: '/ecs/web', logStream: `ecs/web/${n}` },
    logUrl: 'https://console.example/logs',
    ...known
  })

  test.each<
    [string, Record<string, string>, TaskReport[], string[], string[] | undefined, string[], string[]?]
  >([
    [
      'a job that exited non-zero: its tasks billed as a job, nothing left running',
      { 'wait-for': 'stopped' },
      [report(1, { lastStatus: 'STOPPED', pullStartedAt: at(0), stoppedAt: at(125) })],
      [],
      ['1 task × (0.25 vCPU, 0.5 GB), Linux/x86, 125 s billed', 'public IPv4 address, 125 s'],
      []
    ],
    [
      'a health check that failed, no public IP: the tasks per hour',
      { 'wait-for': 'healthy', port: '80', 'assign-public-ip': 'false' },
      [report(1, { lastStatus: 'RUNNING' }), report(2, { lastStatus: 'RUNNING' })],
      ['2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86'],
      undefined,
      []
    ],
    [
      'stop-on-timeout: the task STOPPING without a stop time is in neither figure',
      { 'wait-for': 'stopped' },
      [report(1, { lastStatus: 'STOPPING', pullStartedAt: at(0) })],
      [],
      undefined,
      [
        '1 task(s) stopped (or stopping) without a stop time read are not counted: they are billed from their image pull until they stopped'
      ]
    ],
    [
      'cancelled: the task this run stopped is not left running, whatever its last status',
      { 'wait-for': 'running' },
      [report(1, { lastStatus: 'PENDING' }), report(2, { lastStatus: 'PENDING' })],
      ['1 task × (0.25 vCPU, 0.5 GB), Linux/x86', '1 public IPv4 address'],
      undefined,
      [
        '1 task(s) stopped (or stopping) without a stop time read are not counted: they are billed from their image pull until they stopped'
      ],
      ['arn:aws:ecs:us-east-1:123456789012:task/web/1']
    ]
  ])('%s', (_name, extra, tasks, hourly, job, notes, stoppedByRun = []) => {
    const cost = failureCost(taskInputs(extra), tasks, stoppedByRun)
    expect(cost.hourly!.lines.map((line) => line.item)).toEqual(hourly)
    expect(cost.job?.lines.map((line) => line.item)).toEqual(job)
    expect(cost.notes ?? []).toEqual(notes)
  })

  test('a job cost billed per second at the prices: $0.0123425 per task-hour, $0.005 per address-hour', () => {
    const cost = failureCost(taskInputs({ 'wait-for': 'stopped' }), [
      report(1, { lastStatus: 'STOPPED', pullStartedAt: at(0), stoppedAt: at(3600) })
    ])
    expect(cost.job!.dollars).toBeCloseTo(0.0173425, 10)
    expect(cost.jobTitle).toBeUndefined()
    expect(cost.hourly!.dollars).toBe(0)
  })

  test('in a region without prices: no figures', () => {
    const cost = failureCost(taskInputs({}, 'eu-west-1'), [report(1, { lastStatus: 'RUNNING' })])
    expect(cost.hourly).toBeUndefined()
    expect(cost.job).toBeUndefined()
  })
})
