// Pure rules of Fargate task definitions, kept apart from the server so they can be unit tested.

/** Valid task-level memory (MiB) per cpu unit value, as in the ECS developer guide's Fargate table. */
const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number; extra?: number[] }> = {
  256: { min: 1024, max: 2048, step: 1024, extra: [512] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 }
}

/** Task cpu/memory accept "1 vCPU" / "2 GB" forms as well as plain numbers; returns cpu units and MiB. */
export function parseCpu(v: string): number | undefined {
  const m = /^\s*(\d*\.?\d+)\s*(vcpu)?\s*$/i.exec(v)
  if (!m) return undefined
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1])
}

export function parseMemory(v: string): number | undefined {
  const m = /^\s*(\d*\.?\d+)\s*(gb)?\s*$/i.exec(v)
  if (!m) return undefined
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1])
}

export function isValidFargatePair(cpu: number, memory: number): boolean {
  const rule = FARGATE_MEMORY[cpu]
  if (!rule) return false
  if (rule.extra?.includes(memory)) return true
  return memory >= rule.min && memory <= rule.max && (memory - rule.min) % rule.step === 0
}

export interface ContainerDefinitionLike {
  name?: string
  image?: string
  essential?: boolean
  portMappings?: Array<{ containerPort?: number; hostPort?: number; protocol?: string }>
  logConfiguration?: { logDriver?: string; options?: Record<string, string> }
  secrets?: unknown[]
  repositoryCredentials?: unknown
}

export interface TaskDefinitionInput {
  family?: string
  requiresCompatibilities?: string[]
  networkMode?: string
  cpu?: string
  memory?: string
  executionRoleArn?: string
  containerDefinitions?: ContainerDefinitionLike[]
}

/** A rejected registration: the error code ECS uses (ClientException or InvalidParameterException) and its message. */
export interface Rejection {
  code: 'ClientException' | 'InvalidParameterException'
  message: string
}

const FAMILY_RE = /^[a-zA-Z0-9_-]{1,255}$/
const CONTAINER_NAME_RE = /^[a-zA-Z0-9_-]{1,255}$/

/** The checks ECS makes in RegisterTaskDefinition, in roughly the order it makes them. Undefined: accepted. */
export function validateTaskDefinition(td: TaskDefinitionInput): Rejection | undefined {
  const family = td.family ?? ''
  if (!FAMILY_RE.test(family)) {
    return {
      code: 'ClientException',
      message:
        'Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.'
    }
  }
  const containers = td.containerDefinitions ?? []
  if (containers.length === 0) {
    return { code: 'ClientException', message: 'Container list cannot be empty.' }
  }
  const names = new Set<string>()
  for (const c of containers) {
    if (!c.name) return { code: 'ClientException', message: 'Container.name should not be null or empty.' }
    if (!CONTAINER_NAME_RE.test(c.name)) {
      return {
        code: 'ClientException',
        message:
          'Container name contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.'
      }
    }
    if (names.has(c.name))
      return { code: 'ClientException', message: `Duplicate container name "${c.name}" in task definition.` }
    names.add(c.name)
    if (!c.image) return { code: 'ClientException', message: 'Container.image should not be null or empty.' }
  }
  if (!containers.some((c) => c.essential !== false)) {
    return { code: 'ClientException', message: 'Task definition must have at least one essential container.' }
  }
  const fargate = (td.requiresCompatibilities ?? []).includes('FARGATE')
  const awsvpc = td.networkMode === 'awsvpc'
  for (const c of containers) {
    for (const pm of c.portMappings ?? []) {
      if (pm.containerPort === undefined)
        return { code: 'ClientException', message: 'Container port is required in port mappings.' }
      if (awsvpc && pm.hostPort !== undefined && pm.hostPort !== 0 && pm.hostPort !== pm.containerPort) {
        return {
          code: 'ClientException',
          message: 'When networkMode=awsvpc, the host ports and container ports in port mappings must match.'
        }
      }
    }
  }
  if (!fargate) return undefined

  if (!awsvpc) {
    return { code: 'ClientException', message: 'Fargate only supports network mode ‘awsvpc’.' }
  }
  if (!td.cpu)
    return { code: 'ClientException', message: "Fargate requires that 'cpu' be defined at the task level." }
  if (!td.memory)
    return {
      code: 'ClientException',
      message: "Fargate requires that 'memory' be defined at the task level."
    }
  const cpu = parseCpu(td.cpu)
  const memory = parseMemory(td.memory)
  if (cpu === undefined || memory === undefined || !isValidFargatePair(cpu, memory)) {
    return { code: 'ClientException', message: 'No Fargate configuration exists for given values.' }
  }
  if (!td.executionRoleArn) {
    for (const c of containers) {
      if (c.logConfiguration?.logDriver === 'awslogs') {
        return {
          code: 'ClientException',
          message:
            'Fargate requires task definition to have execution role ARN to support log driver awslogs.'
        }
      }
      if ((c.secrets ?? []).length > 0) {
        return {
          code: 'ClientException',
          message: 'Fargate requires task definition to have execution role ARN to support secrets.'
        }
      }
    }
  }
  for (const c of containers) {
    const driver = c.logConfiguration?.logDriver
    if (driver && !['awslogs', 'splunk', 'awsfirelens'].includes(driver)) {
      return {
        code: 'ClientException',
        message: `Log driver ${driver} is not supported for tasks using Fargate launch type.`
      }
    }
    if (driver === 'awslogs') {
      const o = c.logConfiguration?.options ?? {}
      if (!o['awslogs-group'])
        return { code: 'ClientException', message: 'Log driver awslogs requires options: awslogs-group' }
      if (!o['awslogs-region'])
        return { code: 'ClientException', message: 'Log driver awslogs requires options: awslogs-region' }
      if (!o['awslogs-stream-prefix']) {
        return {
          code: 'ClientException',
          message:
            'Fargate requires log configuration options to include awslogs-stream-prefix to support log driver awslogs.'
        }
      }
    }
  }
  return undefined
}
