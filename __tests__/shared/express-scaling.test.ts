import { scalingProblems, type ScalingSettings } from '../../src/shared/express-scaling.js'

describe('scalingProblems', () => {
  test.each<[string, ScalingSettings]>([
    ['one task, API defaults', { minTasks: 1, maxTasks: 1 }],
    ['cpu at 70%', { minTasks: 1, maxTasks: 4, scaleOn: 'cpu', scaleTarget: 70 }],
    ['memory at 100%', { minTasks: 2, maxTasks: 2, scaleOn: 'memory', scaleTarget: 100 }],
    ['1000 requests per task', { minTasks: 1, maxTasks: 5000, scaleOn: 'requests', scaleTarget: 1000 }],
    ['a target without scale-on is a cpu percentage', { minTasks: 1, maxTasks: 3, scaleTarget: 1 }]
  ])('accepts %s', (_name, settings) => {
    expect(scalingProblems(settings)).toEqual([])
  })

  test.each<[string, ScalingSettings, string[]]>([
    [
      'max below min',
      { minTasks: 3, maxTasks: 2 },
      ['max-tasks: 2 is less than min-tasks (3); set max-tasks ≥ min-tasks']
    ],
    [
      'zero and fractional counts, both reported',
      { minTasks: 0, maxTasks: 1.5 },
      [
        'min-tasks: 0 is not a whole number from 1 to 5000',
        'max-tasks: 1.5 is not a whole number from 1 to 5000'
      ]
    ],
    [
      'more than the quota',
      { minTasks: 1, maxTasks: 5001 },
      ['max-tasks: 5001 is not a whole number from 1 to 5000']
    ],
    [
      'an unknown metric',
      { minTasks: 1, maxTasks: 1, scaleOn: 'latency' as never, scaleTarget: 5 },
      ["scale-on: 'latency' is not one of cpu, memory, requests"]
    ],
    [
      'a cpu target above 100%',
      { minTasks: 1, maxTasks: 2, scaleOn: 'cpu', scaleTarget: 101 },
      ['scale-target: 101 is not a whole number from 1 to 100 (% utilization for scale-on cpu)']
    ],
    [
      'a default-metric target of 0',
      { minTasks: 1, maxTasks: 2, scaleTarget: 0 },
      ['scale-target: 0 is not a whole number from 1 to 100 (% utilization for scale-on cpu)']
    ],
    [
      'a fractional request target',
      { minTasks: 1, maxTasks: 2, scaleOn: 'requests', scaleTarget: 2.5 },
      [
        'scale-target: 2.5 is not a whole number from 1 to 1000000 (requests per task per minute for scale-on requests)'
      ]
    ]
  ])('rejects %s', (_name, settings, expected) => {
    expect(scalingProblems(settings)).toEqual(expected)
  })
})
