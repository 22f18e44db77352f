// The Fargate task size table: which memory values (MiB) each cpu value (units) accepts.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html

interface MemoryRange {
  cpu: number
  min: number
  max: number
  step: number
  /** Values below min that are also allowed (256 cpu takes 512 as well as 1024–2048). */
  extra?: number[]
}

const TABLE: MemoryRange[] = [
  { cpu: 256, min: 1024, max: 2048, step: 1024, extra: [512] },
  { cpu: 512, min: 1024, max: 4096, step: 1024 },
  { cpu: 1024, min: 2048, max: 8192, step: 1024 },
  { cpu: 2048, min: 4096, max: 16384, step: 1024 },
  { cpu: 4096, min: 8192, max: 30720, step: 1024 },
  { cpu: 8192, min: 16384, max: 61440, step: 4096 },
  { cpu: 16384, min: 32768, max: 122880, step: 8192 }
]

export const FARGATE_CPU_VALUES: readonly number[] = TABLE.map((row) => row.cpu)

export function fargateMemoryValues(cpu: number): number[] {
  const row = TABLE.find((r) => r.cpu === cpu)
  if (!row) return []
  const values = [...(row.extra ?? [])]
  for (let memory = row.min; memory <= row.max; memory += row.step) values.push(memory)
  return values
}

export function isValidFargateSize(cpu: number, memory: number): boolean {
  return fargateMemoryValues(cpu).includes(memory)
}

/** A short description of the allowed memory for a cpu value, for error messages. */
export function describeFargateMemory(cpu: number): string {
  const row = TABLE.find((r) => r.cpu === cpu)
  if (!row) return `cpu must be one of ${FARGATE_CPU_VALUES.join(', ')}`
  const range = `${row.min} to ${row.max} in steps of ${row.step}`
  return `cpu ${cpu} takes memory ${row.extra ? `${row.extra.join(', ')} or ` : ''}${range}`
}
