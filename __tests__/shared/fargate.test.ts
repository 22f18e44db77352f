import { describeFargateMemory, fargateMemoryValues, isValidFargateSize } from '../../src/shared/fargate.js'

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

  test('describes the allowed memory for error messages', () => {
    expect(describeFargateMemory(256)).toBe('cpu 256 takes memory 512 or 1024 to 2048 in steps of 1024')
    expect(describeFargateMemory(8192)).toBe('cpu 8192 takes memory 16384 to 61440 in steps of 4096')
    expect(describeFargateMemory(3)).toMatch(/^cpu must be one of 256, 512/)
  })
})
