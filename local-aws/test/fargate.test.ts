import { describe, expect, it } from '@jest/globals'
import {
  isValidFargatePair,
  parseCpu,
  parseMemory,
  validateTaskDefinition,
  type TaskDefinitionInput
} from '../src/fargate.js'

describe('Fargate cpu/memory pairs', () => {
  const valid: Array<[number, number]> = [
    [256, 512],
    [256, 1024],
    [256, 2048],
    [512, 1024],
    [512, 2048],
    [512, 4096],
    [1024, 2048],
    [1024, 5120],
    [1024, 8192],
    [2048, 4096],
    [2048, 16384],
    [4096, 8192],
    [4096, 30720],
    [8192, 16384],
    [8192, 20480],
    [8192, 61440],
    [16384, 32768],
    [16384, 40960],
    [16384, 122880]
  ]
  const invalid: Array<[number, number]> = [
    [256, 256],
    [256, 3072],
    [512, 512],
    [512, 1536],
    [512, 5120],
    [1024, 1024],
    [1024, 9216],
    [2048, 2048],
    [4096, 31744],
    [8192, 17408],
    [8192, 65536],
    [16384, 36864],
    [16384, 131072],
    [128, 512],
    [3072, 8192]
  ]
  it.each(valid)('%i cpu with %i MiB is valid', (cpu, mem) => expect(isValidFargatePair(cpu, mem)).toBe(true))
  it.each(invalid)('%i cpu with %i MiB is invalid', (cpu, mem) =>
    expect(isValidFargatePair(cpu, mem)).toBe(false)
  )

  it('parses the vCPU and GB forms', () => {
    expect([parseCpu('1 vCPU'), parseCpu('.25 vcpu'), parseCpu('512'), parseCpu('x')]).toEqual([
      1024,
      256,
      512,
      undefined
    ])
    expect([parseMemory('2 GB'), parseMemory('0.5GB'), parseMemory('1024'), parseMemory('1 TB')]).toEqual([
      2048,
      512,
      1024,
      undefined
    ])
  })
})

describe('validateTaskDefinition', () => {
  const base: TaskDefinitionInput = {
    family: 'web',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'img', portMappings: [{ containerPort: 80 }] }]
  }
  it('accepts a minimal Fargate definition and hostPort equal to containerPort', () => {
    expect(validateTaskDefinition(base)).toBeUndefined()
    expect(
      validateTaskDefinition({
        ...base,
        containerDefinitions: [{ name: 'a', image: 'i', portMappings: [{ containerPort: 80, hostPort: 80 }] }]
      })
    ).toBeUndefined()
  })
  it('does not apply Fargate rules to EC2-only definitions', () => {
    expect(
      validateTaskDefinition({
        ...base,
        requiresCompatibilities: ['EC2'],
        networkMode: 'bridge',
        cpu: undefined
      })
    ).toBeUndefined()
  })
  const rejected: Array<[string, Partial<TaskDefinitionInput>, RegExp]> = [
    ['bad family', { family: 'a b' }, /^Family contains invalid characters/],
    [
      'duplicate container names',
      {
        containerDefinitions: [
          { name: 'a', image: 'i' },
          { name: 'a', image: 'i' }
        ]
      },
      /Duplicate container name/
    ],
    [
      'no essential container',
      { containerDefinitions: [{ name: 'a', image: 'i', essential: false }] },
      /at least one essential container/
    ],
    ['host networking', { networkMode: 'host' }, /^Fargate only supports network mode/],
    [
      'unsupported log driver',
      {
        executionRoleArn: 'arn',
        containerDefinitions: [{ name: 'a', image: 'i', logConfiguration: { logDriver: 'json-file' } }]
      },
      /Log driver json-file is not supported/
    ],
    [
      'awslogs without stream prefix',
      {
        executionRoleArn: 'arn',
        containerDefinitions: [
          {
            name: 'a',
            image: 'i',
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': 'g', 'awslogs-region': 'r' }
            }
          }
        ]
      },
      /awslogs-stream-prefix/
    ]
  ]
  it.each(rejected)('rejects %s', (_n, over, message) => {
    const r = validateTaskDefinition({ ...base, ...over })
    expect(r?.code).toBe('ClientException')
    expect(r?.message).toMatch(message)
  })
})
