// Reads every input once into a typed object, validating all of them and reporting every problem together.
// This module must stay free of heavy imports: it runs before anything else is loaded (see index.ts).
import { isArn } from '../shared/arn.js'
import { FARGATE_CPU_VALUES, describeFargateMemory, isValidFargateSize } from '../shared/fargate.js'

export type Mode = 'deploy' | 'stop' | 'permissions'
export type WaitFor = 'none' | 'running' | 'healthy' | 'stopped'

export const MODES: readonly Mode[] = ['deploy', 'stop', 'permissions']
export const WAIT_FOR: readonly WaitFor[] = ['none', 'running', 'healthy', 'stopped']

export interface KeyValue {
  name: string
  value: string
}

export interface Secret {
  name: string
  valueFrom: string
}

export interface Tag {
  key: string
  value: string
}

/** A task definition JSON used as a template (as `aws ecs describe-task-definition` or the console prints it). */
export type TaskDefinitionTemplate = Record<string, unknown> & {
  containerDefinitions?: Array<Record<string, unknown>>
}

export interface Inputs {
  mode: Mode
  region: string
  repository: string
  createRepository: boolean
  image: string
  context?: string
  dockerfile?: string
  tag: string
  cluster: string
  createCluster: boolean
  family: string
  containerName: string
  taskDefinitionPath?: string
  taskDefinitionTemplate?: TaskDefinitionTemplate
  cpu: number
  memory: number
  port?: number
  environment: KeyValue[]
  secrets: Secret[]
  command?: string[]
  executionRole: string
  createExecutionRole: boolean
  taskRole?: string
  logGroup: string
  subnets: string[]
  securityGroups: string[]
  ingressCidr: string
  assignPublicIp: boolean
  count: number
  waitFor: WaitFor
  healthPath: string
  timeoutSeconds: number
  stopOnTimeout: boolean
  stopOnCancel: boolean
  startedBy: string
  tags: Tag[]
  taskArns: string[]
  environmentName?: string
  githubToken: string
}

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `${problems.length} invalid inputs:\n${problems.map((p) => `  - ${p}`).join('\n')}`
    )
    this.name = 'InputError'
  }
}

/** Reads an input the way @actions/core does: INPUT_<NAME upper-cased, spaces as underscores>, trimmed. */
export function inputFromEnv(env: NodeJS.ProcessEnv): (name: string) => string {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

export interface ParseContext {
  env: NodeJS.ProcessEnv
  readFile: (path: string) => string
}

const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/
const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const SECRET_REF = /^(arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:\d{12}:.+|[A-Za-z0-9_.\-/]+)$/
const STARTED_BY = /^[A-Za-z0-9_/-]{1,128}$/
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/
const TASK_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/(?:[A-Za-z0-9_-]+\/)?[A-Za-z0-9]+$/
const TASK_ID = /^[a-f0-9]{32}$/
const TRUE_VALUES = ['true', 'True', 'TRUE']
const FALSE_VALUES = ['false', 'False', 'FALSE']

/** Collects problems while reading inputs so that all of them are reported at once. */
class Reader {
  readonly problems: string[] = []
  constructor(private readonly get: (name: string) => string) {}

  raw(name: string): string {
    return this.get(name)
  }

  optional(name: string): string | undefined {
    return this.get(name) || undefined
  }

  fail(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`)
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.get(name) || fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.fail(name, `'${value}' is not allowed; use one of ${allowed.join(', ')}`)
    return fallback
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.get(name)
    if (value === '') return fallback
    if (TRUE_VALUES.includes(value)) return true
    if (FALSE_VALUES.includes(value)) return false
    this.fail(name, `'${value}' is not a boolean; use true or false`)
    return fallback
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.get(name)
    if (value === '') return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.fail(name, `'${value}' is not a whole number from ${min} to ${max}`)
      return fallback
    }
    return Number(value)
  }

  matching(name: string, value: string, pattern: RegExp, what: string): string {
    if (value !== '' && !pattern.test(value)) this.fail(name, `'${value}' is not ${what}`)
    return value
  }
}

/** Splits a list given as commas and/or newlines, dropping blanks. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** KEY=value lines; blank lines and lines starting with # are skipped. Returns pairs and the bad lines. */
export function parseKeyValueLines(text: string): { pairs: KeyValue[]; bad: string[] } {
  const pairs: KeyValue[] = []
  const bad: string[] = []
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) {
      bad.push(line)
      continue
    }
    pairs.push({ name: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() })
  }
  return { pairs, bad }
}

/** A command as a JSON array of strings, or words split like a shell would (quotes group, no expansion). */
export function parseCommand(text: string): string[] | string {
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      return `is not valid JSON: ${(error as Error).message}`
    }
    if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
      return 'must be a JSON array of strings'
    }
    return parsed as string[]
  }
  const words: string[] = []
  let current: string | undefined
  let quote: string | undefined
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined
      else current = (current ?? '') + char
    } else if (char === '"' || char === "'") {
      quote = char
      current = current ?? ''
    } else if (/\s/.test(char)) {
      if (current !== undefined) words.push(current)
      current = undefined
    } else {
      current = (current ?? '') + char
    }
  }
  if (quote) return `has an unclosed ${quote} quote`
  if (current !== undefined) words.push(current)
  return words
}

/** Task ARNs or IDs, as lines, commas or a JSON array (the task-arns output of a deploy step). */
export function parseTaskArns(text: string): string[] | string {
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) {
        return parsed.map((item) => item.trim()).filter((item) => item !== '')
      }
    } catch {
      // reported below
    }
    return 'must be a JSON array of strings, or one ARN per line'
  }
  return parseList(text)
}

function isValidCidr(cidr: string): boolean {
  const match = IPV4_CIDR.exec(cidr)
  if (!match) return false
  const octets = match.slice(1, 5).map(Number)
  return octets.every((octet) => octet <= 255) && Number(match[5]) <= 32
}

/**
 * Whether the action manages the execution role: given by name (looked up, created when missing) with
 * create-execution-role true. A role given as an ARN, or with create-execution-role false, is the user's.
 */
export function managesExecutionRole(inputs: Pick<Inputs, 'executionRole' | 'createExecutionRole'>): boolean {
  return !isArn(inputs.executionRole) && inputs.createExecutionRole
}

/** Family and container names allow fewer characters than ECR repository names ('/' and '.'). */
export function familyFromRepository(repository: string): string {
  return repository.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255)
}

export function parseInputs(get: (name: string) => string, context: ParseContext): Inputs {
  const r = new Reader(get)
  const mode = r.oneOf('mode', MODES, 'deploy')

  const regionInput = r.raw('region') || context.env['AWS_REGION'] || context.env['AWS_DEFAULT_REGION'] || ''
  if (regionInput === '' && mode !== 'permissions') {
    r.fail(
      'region',
      'is not set; give the region input or set AWS_REGION (aws-actions/configure-aws-credentials does)'
    )
  }
  r.matching('region', regionInput, REGION, 'an AWS region name such as us-east-1')

  const repository = r.raw('repository')
  if (mode === 'deploy' && repository === '') {
    r.fail('repository', 'is required for mode deploy (the ECR repository name, for example my-app)')
  }
  if (repository.length > 256) r.fail('repository', 'is longer than 256 characters')
  r.matching(
    'repository',
    repository,
    ECR_REPOSITORY,
    'a valid ECR repository name (lower-case letters, digits, and . _ - / between them)'
  )

  const tag = r.raw('tag') || context.env['GITHUB_SHA'] || 'latest'
  r.matching(
    'tag',
    tag,
    DOCKER_TAG,
    'a valid image tag (letters, digits, _ . -, at most 128, not starting with . or -)'
  )

  const cluster = r.raw('cluster') || 'default'
  if (!ECS_NAME.test(cluster) && !CLUSTER_ARN.test(cluster)) {
    r.fail(
      'cluster',
      `'${cluster}' is not a cluster name (letters, digits, - and _, at most 255) or a cluster ARN`
    )
  }

  let taskDefinitionTemplate: TaskDefinitionTemplate | undefined
  const taskDefinitionPath = r.optional('task-definition')
  if (taskDefinitionPath) {
    taskDefinitionTemplate = readTemplate(r, taskDefinitionPath, context.readFile)
  }
  // An input that is given overrides the template; the template's value overrides the built-in default.
  const fromTemplate = (key: string): string => {
    const value = taskDefinitionTemplate?.[key]
    return typeof value === 'string' || typeof value === 'number' ? String(value) : ''
  }

  const family = r.raw('family') || fromTemplate('family') || familyFromRepository(repository)
  r.matching('family', family, ECS_NAME, 'a valid family (letters, digits, - and _, at most 255)')
  const templateContainers = taskDefinitionTemplate?.containerDefinitions ?? []
  const containerName =
    r.raw('container-name') ||
    (templateContainers.length === 1 && typeof templateContainers[0]?.['name'] === 'string'
      ? (templateContainers[0]['name'] as string)
      : family)
  r.matching('container-name', containerName, ECS_NAME, 'a valid container name (letters, digits, - and _)')
  if (taskDefinitionTemplate && templateContainers.length > 0) {
    if (!templateContainers.some((container) => container['name'] === containerName)) {
      const names = templateContainers.map((container) => String(container['name'])).join(', ')
      r.fail(
        'task-definition',
        `has no container named '${containerName}' (it has: ${names}); set container-name`
      )
    }
  }

  const cpu = r.integer('cpu', Number(fromTemplate('cpu')) || 256, 1, 16384)
  const memory = r.integer('memory', Number(fromTemplate('memory')) || 512, 1, 122880)
  if (!FARGATE_CPU_VALUES.includes(cpu)) {
    r.fail('cpu', `'${cpu}' is not a Fargate cpu value; use one of ${FARGATE_CPU_VALUES.join(', ')}`)
  } else if (!isValidFargateSize(cpu, memory)) {
    r.fail('memory', `${memory} MiB does not go with cpu ${cpu} on Fargate: ${describeFargateMemory(cpu)}`)
  }

  const portText = r.raw('port')
  const port = portText === '' ? undefined : r.integer('port', 0, 1, 65535) || undefined

  const environmentLines = parseKeyValueLines(r.raw('environment'))
  for (const line of environmentLines.bad) r.fail('environment', `line '${line}' is not KEY=value`)
  for (const { name } of environmentLines.pairs) {
    if (!ENV_NAME.test(name))
      r.fail('environment', `'${name}' is not a valid variable name (letters, digits, _)`)
  }

  const secretLines = parseKeyValueLines(r.raw('secrets'))
  for (const line of secretLines.bad) r.fail('secrets', `line '${line}' is not KEY=ARN`)
  const secrets: Secret[] = secretLines.pairs.map(({ name, value }) => ({ name, valueFrom: value }))
  for (const secret of secrets) {
    if (!ENV_NAME.test(secret.name)) r.fail('secrets', `'${secret.name}' is not a valid variable name`)
    if (!SECRET_REF.test(secret.valueFrom)) {
      r.fail('secrets', `${secret.name}: '${secret.valueFrom}' is not a Secrets Manager or SSM parameter ARN`)
    }
  }

  let command: string[] | undefined
  const commandText = r.raw('command')
  if (commandText !== '') {
    const parsed = parseCommand(commandText)
    if (typeof parsed === 'string') r.fail('command', parsed)
    else command = parsed
  }

  const executionRole = r.raw('execution-role') || fromTemplate('executionRoleArn') || 'ecsTaskExecutionRole'
  if (!ROLE_NAME.test(executionRole) && !ROLE_ARN.test(executionRole)) {
    r.fail('execution-role', `'${executionRole}' is not an IAM role name or role ARN`)
  }
  const taskRole = r.optional('task-role') || fromTemplate('taskRoleArn') || undefined
  if (taskRole && !ROLE_NAME.test(taskRole) && !ROLE_ARN.test(taskRole)) {
    r.fail('task-role', `'${taskRole}' is not an IAM role name or role ARN`)
  }

  const templateLogGroup = templateContainers.find((c) => c['name'] === containerName)?.[
    'logConfiguration'
  ] as { options?: Record<string, string> } | undefined
  const logGroup = r.raw('log-group') || templateLogGroup?.options?.['awslogs-group'] || `/ecs/${family}`
  r.matching(
    'log-group',
    logGroup,
    LOG_GROUP,
    'a valid log group name (letters, digits, . - _ / #, at most 512)'
  )

  const subnets = parseList(r.raw('subnets'))
  for (const subnet of subnets) r.matching('subnets', subnet, SUBNET_ID, 'a subnet ID (subnet-…)')
  const securityGroups = parseList(r.raw('security-groups'))
  for (const group of securityGroups)
    r.matching('security-groups', group, SECURITY_GROUP_ID, 'a security group ID (sg-…)')

  const ingressCidr = r.raw('ingress-cidr') || '0.0.0.0/0'
  if (!isValidCidr(ingressCidr))
    r.fail('ingress-cidr', `'${ingressCidr}' is not an IPv4 CIDR such as 203.0.113.0/24`)

  const waitFor = r.oneOf('wait-for', WAIT_FOR, 'running')
  if (waitFor === 'healthy' && port === undefined && portText === '') {
    r.fail('wait-for', "healthy needs a port to request (set port, or use wait-for 'running')")
  }
  const healthPath = r.raw('health-path') || '/'
  if (!healthPath.startsWith('/')) r.fail('health-path', `'${healthPath}' must start with /`)

  const startedBy = r.raw('started-by') || 'ecs-fargate-deploy'
  r.matching('started-by', startedBy, STARTED_BY, 'valid (letters, digits, - _ /, at most 128)')

  const tagLines = parseKeyValueLines(r.raw('tags'))
  for (const line of tagLines.bad) r.fail('tags', `line '${line}' is not key=value`)
  const tags: Tag[] = tagLines.pairs.map(({ name, value }) => ({ key: name, value }))
  for (const { key, value } of tags) {
    if (key.length > 128 || value.length > 256)
      r.fail('tags', `'${key}': keys take at most 128 characters, values 256`)
    if (key.toLowerCase().startsWith('aws:')) r.fail('tags', `'${key}': the aws: prefix is reserved by AWS`)
  }
  if (tags.length > 45)
    r.fail('tags', `${tags.length} tags given; at most 45 (AWS allows 50 and the action adds its own)`)

  let taskArns: string[] = []
  const taskArnText = r.raw('task-arn')
  if (taskArnText !== '') {
    const parsed = parseTaskArns(taskArnText)
    if (typeof parsed === 'string') r.fail('task-arn', parsed)
    else taskArns = parsed
    for (const arn of taskArns) {
      if (!TASK_ARN.test(arn) && !TASK_ID.test(arn))
        r.fail('task-arn', `'${arn}' is not an ECS task ARN or task ID`)
    }
  }
  if (taskArns.length > 0 && mode !== 'stop') r.fail('task-arn', 'is only used with mode stop')
  // Without a family, stop mode would stop every task the action ever started in the cluster.
  if (mode === 'stop' && taskArnText === '' && family === '') {
    r.fail('task-arn', 'is empty, so mode stop needs family (or repository) to know which tasks to stop')
  }

  const inputs: Inputs = {
    mode,
    region: regionInput,
    repository,
    createRepository: r.boolean('create-repository', true),
    image: r.raw('image') || repository,
    context: r.optional('context'),
    dockerfile: r.optional('dockerfile'),
    tag,
    cluster,
    createCluster: r.boolean('create-cluster', true),
    family,
    containerName,
    taskDefinitionPath,
    taskDefinitionTemplate,
    cpu,
    memory,
    port,
    environment: environmentLines.pairs,
    secrets,
    command,
    executionRole,
    createExecutionRole: r.boolean('create-execution-role', true),
    taskRole,
    logGroup,
    subnets,
    securityGroups,
    ingressCidr,
    assignPublicIp: r.boolean('assign-public-ip', true),
    count: r.integer('count', 1, 1, 10),
    waitFor,
    healthPath,
    timeoutSeconds: r.integer('timeout', 600, 1, 86400),
    stopOnTimeout: r.boolean('stop-on-timeout', true),
    stopOnCancel: r.boolean('stop-on-cancel', true),
    startedBy,
    tags,
    taskArns,
    environmentName: r.optional('environment-name'),
    githubToken: r.raw('github-token')
  }
  if (r.problems.length > 0) throw new InputError(r.problems)
  return inputs
}

function readTemplate(
  r: Reader,
  path: string,
  readFile: (path: string) => string
): TaskDefinitionTemplate | undefined {
  let text: string
  try {
    text = readFile(path)
  } catch (error) {
    r.fail('task-definition', `cannot read '${path}': ${(error as Error).message}`)
    return undefined
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    r.fail('task-definition', `'${path}' is not valid JSON: ${(error as Error).message}`)
    return undefined
  }
  // `aws ecs describe-task-definition` wraps the definition in { taskDefinition: {...} }.
  if (parsed && typeof parsed === 'object' && 'taskDefinition' in parsed) {
    parsed = (parsed as { taskDefinition: unknown }).taskDefinition
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    r.fail('task-definition', `'${path}' must hold a JSON object (a task definition)`)
    return undefined
  }
  const containers = (parsed as TaskDefinitionTemplate).containerDefinitions
  if (containers !== undefined && !Array.isArray(containers)) {
    r.fail('task-definition', `'${path}': containerDefinitions must be an array`)
    return undefined
  }
  return parsed as TaskDefinitionTemplate
}
