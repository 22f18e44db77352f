// The inputs of a deploy: the image, the task definition (and its template), the network and the wait.
// Every mode reads them: stop mode finds tasks by the family, permissions mode scopes the policy by them, and
// AWS errors are explained with their names.
import {
  FARGATE_CPU_VALUES,
  describeCpuFor,
  describeFargateMemory,
  isValidFargateSize
} from '../shared/fargate.js'
import { ECS_NAME } from './common.js'
import { DEFAULTS, FALLBACKS, TAG_ENV, defaultLogGroup, familyFromRepository } from './defaults.js'
import { parseCommand, parseKeyValueLines, parseList, type Reader } from './reader.js'
import {
  WAIT_FOR,
  type DeployInputs,
  type ModeRules,
  type ParseContext,
  type Secret,
  type TaskDefinitionTemplate
} from './types.js'

export const DEPLOY_MODE: ModeRules = {
  mode: 'deploy',
  needsRegion: true,
  needsRepository: true,
  takesTaskArns: false
}

const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/
const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const SECRET_REF = /^(arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:\d{12}:.+|[A-Za-z0-9_.\-/]+)$/

export { managesExecutionRole } from './facts.js'

export function readDeployInputs(r: Reader, rules: ModeRules, context: ParseContext): DeployInputs {
  const image = readImage(r, rules, context.env)
  const taskDefinition = readTaskDefinition(r, image.repository, context.readFile)
  const network = readNetwork(r)
  // A service is requested at its load balancer's URL, so wait-for healthy needs no port there.
  const run = readRun(r, r.raw('port') !== '' || r.raw('service') !== '')
  return {
    ...image,
    createCluster: r.boolean('create-cluster', DEFAULTS['create-cluster']),
    ...taskDefinition,
    ...network,
    ...run
  }
}

type ImageInputs = Pick<
  DeployInputs,
  'repository' | 'createRepository' | 'image' | 'context' | 'dockerfile' | 'tag'
>

function readImage(r: Reader, rules: ModeRules, env: NodeJS.ProcessEnv): ImageInputs {
  const repository = r.raw('repository')
  if (rules.needsRepository && repository === '') {
    r.fail('repository', `is required for mode ${rules.mode} (the ECR repository name, for example my-app)`)
  }
  if (repository.length > 256) r.fail('repository', 'is longer than 256 characters')
  r.matching(
    'repository',
    repository,
    ECR_REPOSITORY,
    'a valid ECR repository name (lower-case letters, digits, and . _ - / between them)'
  )

  const tag = r.raw('tag') || env[TAG_ENV] || FALLBACKS.tag
  r.matching(
    'tag',
    tag,
    DOCKER_TAG,
    'a valid image tag (letters, digits, _ . -, at most 128, not starting with . or -)'
  )

  return {
    repository,
    createRepository: r.boolean('create-repository', DEFAULTS['create-repository']),
    image: r.raw('image') || repository,
    context: r.optional('context'),
    dockerfile: r.optional('dockerfile'),
    tag
  }
}

type TaskDefinitionInputs = Pick<
  DeployInputs,
  | 'family'
  | 'containerName'
  | 'taskDefinitionPath'
  | 'taskDefinitionTemplate'
  | 'cpu'
  | 'memory'
  | 'port'
  | 'environment'
  | 'secrets'
  | 'command'
  | 'executionRole'
  | 'createExecutionRole'
  | 'taskRole'
  | 'logGroup'
>

function readTaskDefinition(
  r: Reader,
  repository: string,
  readFile: (path: string) => string
): TaskDefinitionInputs {
  const taskDefinitionPath = r.optional('task-definition')
  const template = taskDefinitionPath ? readTemplate(r, taskDefinitionPath, readFile) : undefined
  // An input that is given overrides the template; the template's value overrides the built-in default.
  const fromTemplate = (key: string): string => {
    const value = template?.[key]
    return typeof value === 'string' || typeof value === 'number' ? String(value) : ''
  }

  const family = r.raw('family') || fromTemplate('family') || familyFromRepository(repository)
  r.matching('family', family, ECS_NAME, 'a valid family (letters, digits, - and _, at most 255)')
  const templateContainers = template?.containerDefinitions ?? []
  const containerName =
    r.raw('container-name') ||
    (templateContainers.length === 1 && typeof templateContainers[0]?.['name'] === 'string'
      ? (templateContainers[0]['name'] as string)
      : family)
  r.matching('container-name', containerName, ECS_NAME, 'a valid container name (letters, digits, - and _)')
  if (template && templateContainers.length > 0) {
    if (!templateContainers.some((container) => container['name'] === containerName)) {
      const names = templateContainers.map((container) => String(container['name'])).join(', ')
      r.fail(
        'task-definition',
        `has no container named '${containerName}' (it has: ${names}); set container-name`
      )
    }
  }

  const cpu = r.integer('cpu', Number(fromTemplate('cpu')) || FALLBACKS.cpu, 1, 16384)
  const memory = r.integer('memory', Number(fromTemplate('memory')) || FALLBACKS.memory, 1, 122880)
  if (!FARGATE_CPU_VALUES.includes(cpu)) {
    r.fail('cpu', `'${cpu}' is not a Fargate cpu value; use one of ${FARGATE_CPU_VALUES.join(', ')}`)
  } else if (!isValidFargateSize(cpu, memory)) {
    r.fail(
      'memory',
      `${memory} MiB does not go with cpu ${cpu} on Fargate: ${describeFargateMemory(cpu)}; ${describeCpuFor(memory)}`
    )
  }

  const portText = r.raw('port')
  const port = portText === '' ? undefined : r.integer('port', 0, 1, 65535) || undefined

  const environment = readEnvironment(r)
  const secrets = readSecrets(r)
  const command = readCommand(r)

  const executionRole =
    r.raw('execution-role') || fromTemplate('executionRoleArn') || FALLBACKS['execution-role']
  if (!isRole(executionRole)) {
    r.fail('execution-role', `'${executionRole}' is not an IAM role name or role ARN`)
  }
  const createExecutionRole = r.boolean('create-execution-role', DEFAULTS['create-execution-role'])
  const taskRole = r.optional('task-role') || fromTemplate('taskRoleArn') || undefined
  if (taskRole && !isRole(taskRole)) {
    r.fail('task-role', `'${taskRole}' is not an IAM role name or role ARN`)
  }

  const templateLogGroup = templateContainers.find((c) => c['name'] === containerName)?.[
    'logConfiguration'
  ] as { options?: Record<string, string> } | undefined
  const logGroup =
    r.raw('log-group') || templateLogGroup?.options?.['awslogs-group'] || defaultLogGroup(family)
  r.matching(
    'log-group',
    logGroup,
    LOG_GROUP,
    'a valid log group name (letters, digits, . - _ / #, at most 512)'
  )

  return {
    family,
    containerName,
    taskDefinitionPath,
    taskDefinitionTemplate: template,
    cpu,
    memory,
    port,
    environment,
    secrets,
    command,
    executionRole,
    createExecutionRole,
    taskRole,
    logGroup
  }
}

/** A role name or role ARN (execution-role, task-role, infrastructure-role). */
export function isRole(value: string): boolean {
  return ROLE_NAME.test(value) || ROLE_ARN.test(value)
}

function readEnvironment(r: Reader): DeployInputs['environment'] {
  const lines = parseKeyValueLines(r.raw('environment'))
  for (const { line, text } of lines.bad) r.fail('environment', `line ${line} ('${text}') is not KEY=value`)
  for (const { name } of lines.pairs) {
    if (!ENV_NAME.test(name))
      r.fail('environment', `'${name}' is not a valid variable name (letters, digits, _)`)
  }
  return lines.pairs
}

function readSecrets(r: Reader): Secret[] {
  const lines = parseKeyValueLines(r.raw('secrets'))
  for (const { line, text } of lines.bad) r.fail('secrets', `line ${line} ('${text}') is not KEY=ARN`)
  const secrets: Secret[] = lines.pairs.map(({ name, value }) => ({ name, valueFrom: value }))
  for (const secret of secrets) {
    if (!ENV_NAME.test(secret.name)) r.fail('secrets', `'${secret.name}' is not a valid variable name`)
    if (!SECRET_REF.test(secret.valueFrom)) {
      r.fail('secrets', `${secret.name}: '${secret.valueFrom}' is not a Secrets Manager or SSM parameter ARN`)
    }
  }
  return secrets
}

function readCommand(r: Reader): string[] | undefined {
  const text = r.raw('command')
  if (text === '') return undefined
  const parsed = parseCommand(text)
  if (typeof parsed !== 'string') return parsed
  r.fail('command', parsed)
  return undefined
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

type NetworkInputs = Pick<DeployInputs, 'subnets' | 'securityGroups' | 'ingressCidr' | 'assignPublicIp'>

function readNetwork(r: Reader): NetworkInputs {
  const subnets = parseList(r.raw('subnets'))
  for (const subnet of subnets) r.matching('subnets', subnet, SUBNET_ID, 'a subnet ID (subnet-…)')
  const securityGroups = parseList(r.raw('security-groups'))
  for (const group of securityGroups)
    r.matching('security-groups', group, SECURITY_GROUP_ID, 'a security group ID (sg-…)')

  const ingressCidr = r.raw('ingress-cidr') || DEFAULTS['ingress-cidr']
  if (!isValidCidr(ingressCidr))
    r.fail('ingress-cidr', `'${ingressCidr}' is not an IPv4 CIDR such as 203.0.113.0/24`)

  return {
    subnets,
    securityGroups,
    ingressCidr,
    assignPublicIp: r.boolean('assign-public-ip', DEFAULTS['assign-public-ip'])
  }
}

function isValidCidr(cidr: string): boolean {
  const match = IPV4_CIDR.exec(cidr)
  if (!match) return false
  const octets = match.slice(1, 5).map(Number)
  return octets.every((octet) => octet <= 255) && Number(match[5]) <= 32
}

type RunInputs = Pick<DeployInputs, 'waitFor' | 'healthPath' | 'stopOnTimeout' | 'stopOnCancel' | 'count'>

/** What the action waits for, and how many tasks it runs. */
function readRun(r: Reader, portGiven: boolean): RunInputs {
  const waitFor = r.oneOf('wait-for', WAIT_FOR, DEFAULTS['wait-for'])
  if (waitFor === 'healthy' && !portGiven) {
    r.fail('wait-for', "healthy needs a port to request (set port, or use wait-for 'running')")
  }
  const healthPath = r.raw('health-path') || DEFAULTS['health-path']
  if (!healthPath.startsWith('/')) r.fail('health-path', `'${healthPath}' must start with /`)
  return {
    waitFor,
    healthPath,
    stopOnTimeout: r.boolean('stop-on-timeout', DEFAULTS['stop-on-timeout']),
    stopOnCancel: r.boolean('stop-on-cancel', DEFAULTS['stop-on-cancel']),
    count: r.integer('count', DEFAULTS.count, 1, 10)
  }
}
