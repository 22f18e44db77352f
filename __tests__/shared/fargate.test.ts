import {
  describeCpuFor,
  describeFargateMemory,
  fargateMemoryValues,
  isValidFargateSize
} from '../../src/shared/fargate.js'

describe('the Fargate cpu/memory table', () => {
  test.each([
    [256, 512, true],
    [256, 1024, true],
    [256, 2048, true],
    [256, 3072, false],
    [512, 512, false],
    [512, 1024, true],
    [512, 4096, true],
    [1024, 1024, false],
    [1024, 2048, true],
    [1024, 8192, true],
    [2048, 16384, true],
    [2048, 3072, false],
    [4096, 30720, true],
    [4096, 31744, false],
    [8192, 16384, true],
    [8192, 20480, true],
    [8192, 18432, false],
    [16384, 122880, true],
    [16384, 40960, true],
    [16384, 36864, false],
    [300, 512, false]
  ])('cpu %i with memory %i is valid: %s', (cpu, memory, valid) => {
    expect(isValidFargateSize(cpu, memory)).toBe(valid)
  })

  test('lists every memory value for a cpu, smallest first', () => {
    expect(fargateMemoryValues(256)).toEqual([512, 1024, 2048])
    expect(fargateMemoryValues(512)).toEqual([1024, 2048, 3072, 4096])
    expect(fargateMemoryValues(123)).toEqual([])
  })

  test.each([
    [256, 'cpu 256 takes memory 512, 1024 or 2048 MiB'],
    [512, 'cpu 512 takes memory 1024, 2048, 3072 or 4096 MiB'],
    [1024, 'cpu 1024 takes memory 2048 to 8192 MiB in steps of 1024 (2 GiB to 8 GiB)'],
    [8192, 'cpu 8192 takes memory 16384 to 61440 MiB in steps of 4096 (16 GiB to 60 GiB)'],
    [3, 'cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384']
  ])('describes the memory cpu %i takes', (cpu, expected) => {
    expect(describeFargateMemory(cpu)).toBe(expected)
  })

  test.each([
    [512, 'memory 512 goes with cpu 256'],
    [4096, 'memory 4096 goes with cpu 512 or 1024 or 2048'],
    [61440, 'memory 61440 goes with cpu 8192'],
    [
      1000,
      'no Fargate cpu takes memory 1000: use 512, or a multiple of 1024 up to 122880 (the table: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size)'
    ]
  ])('says which cpu takes memory %i', (memory, expected) => {
    expect(describeCpuFor(memory)).toBe(expected)
  })
})
