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

/** The memory values of a row in words: a short list, or the range with its step and a few values. */
function memoryInWords(row: MemoryRange): string {
  const values = fargateMemoryValues(row.cpu)
  if (values.length <= 5) return `${values.slice(0, -1).join(', ')} or ${values.at(-1)!} MiB`
  const extra = row.extra ? `${row.extra.join(', ')}, or ` : ''
  const gib = (mib: number) => `${mib / 1024} GiB`
  return `${extra}${row.min} to ${row.max} MiB in steps of ${row.step} (${gib(row.min)} to ${gib(row.max)})`
}

/** A short description of the allowed memory for a cpu value, for error messages. */
export function describeFargateMemory(cpu: number): string {
  const row = TABLE.find((r) => r.cpu === cpu)
  if (!row) return `cpu must be one of ${FARGATE_CPU_VALUES.join(', ')}`
  return `cpu ${cpu} takes memory ${memoryInWords(row)}`
}

/** The cpu values that take this memory, in words: what to change the cpu to, for error messages. */
export function describeCpuFor(memory: number): string {
  const cpus = FARGATE_CPU_VALUES.filter((cpu) => isValidFargateSize(cpu, memory))
  if (cpus.length === 0)
    return `no Fargate cpu takes memory ${memory}: use 512, or a multiple of 1024 up to 122880 (the table: ${TABLE_URL})`
  return `memory ${memory} goes with cpu ${cpus.join(' or ')}`
}

const TABLE_URL =
  'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size'
