// action.yml and the parser agree: the same inputs, and the same defaults (the runner passes action.yml's
// defaults; a run without them, as in the unit tests or a local run, gets the parser's).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { DEFAULTS, FALLBACKS, MODES, parseInputs, type Inputs } from '../../src/inputs/inputs.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')

interface ActionInput {
  description: string
  default?: string
  required?: boolean
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, ActionInput>
}
const actionInputs = action.inputs

function actionDefaults(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(actionInputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [name, String(input.default)])
  )
}

/** Parses with the given inputs (others empty), recording every input name the parser asks for. */
function parseRecording(given: Record<string, string>): { inputs: Inputs; read: Set<string> } {
  const read = new Set<string>()
  const inputs = parseInputs(
    (name) => {
      read.add(name)
      return given[name] ?? ''
    },
    { env: { AWS_REGION: 'us-east-1' }, readFile: () => '' }
  )
  return { inputs, read }
}

test("action.yml's defaults are these (the runner evaluates github-token's)", () => {
  expect(actionDefaults()).toEqual({
    mode: 'deploy',
    'create-repository': 'true',
    cluster: 'default',
    'create-cluster': 'true',
    'create-execution-role': 'true',
    'ingress-cidr': '0.0.0.0/0',
    'assign-public-ip': 'true',
    count: '1',
    'wait-for': 'running',
    'health-path': '/',
    timeout: '600',
    'stop-on-timeout': 'true',
    'stop-on-cancel': 'true',
    capacity: 'on-demand',
    'started-by': 'ecs-fargate-deploy',
    preview: 'false',
    'rollback-on-timeout': 'false',
    'scale-to-zero': 'false',
    'timer-image': 'public.ecr.aws/docker/library/busybox:stable',
    'ttl-role': 'ecsFargateDeployTtlRole',
    'create-ttl-role': 'true',
    'allow-fork-code': 'false',
    'github-token': '${{ github.token }}',
    'infrastructure-role': 'ecsInfrastructureRoleForExpressServices',
    'create-infrastructure-role': 'true',
    'min-tasks': '1',
    'schedule-timezone': 'UTC',
    'run-now': 'false',
    'schedule-retries': '5',
    'schedule-max-age': '3600'
  })
})

test("the parser's defaults table is action.yml's, input by input", () => {
  const { 'github-token': _expression, ...declared } = actionDefaults()
  expect(Object.fromEntries(Object.entries(DEFAULTS).map(([name, value]) => [name, String(value)]))).toEqual(
    declared
  )
})

test.each(MODES)('mode %s: action.yml defaults given or left empty, the inputs are the same', (mode) => {
  const { 'github-token': _expression, ...declared } = actionDefaults()
  const withDefaults = parseRecording({ ...declared, mode, repository: 'myapp' }).inputs
  const empty = parseRecording({ mode, repository: 'myapp' }).inputs
  expect(withDefaults).toEqual(empty)
})

test.each(['deploy', 'stop'])(
  'mode %s with schedule: action.yml defaults given or left empty, the inputs are the same',
  (mode) => {
    const { 'github-token': _expression, ...declared } = actionDefaults()
    const given = { mode, repository: 'myapp', schedule: 'rate(1 hour)', region: 'eu-west-1' }
    expect(parseRecording({ ...declared, ...given }).inputs).toEqual(parseRecording(given).inputs)
  }
)

test.each(['deploy', 'stop'])(
  'mode %s with service: action.yml defaults given or left empty, the inputs are the same',
  (mode) => {
    const { 'github-token': _expression, ...declared } = actionDefaults()
    const given = { mode, repository: 'myapp', service: 'web' }
    expect(parseRecording({ ...declared, ...given }).inputs).toEqual(parseRecording(given).inputs)
  }
)

test('the defaults that come after another source are named in their descriptions, not as default:', () => {
  expect(FALLBACKS).toEqual({
    tag: 'latest',
    cpu: 256,
    memory: 512,
    'execution-role': 'ecsTaskExecutionRole',
    platform: 'linux/amd64'
  })
  for (const [name, value] of Object.entries(FALLBACKS)) {
    expect(actionInputs[name]?.default).toBeUndefined()
    expect(actionInputs[name]?.description).toContain(String(value))
  }
})

test('a deploy with every input empty gets the defaults', () => {
  expect(parseRecording({ repository: 'myapp' }).inputs).toMatchObject({
    mode: 'deploy',
    createRepository: true,
    cluster: 'default',
    createCluster: true,
    createExecutionRole: true,
    ingressCidr: '0.0.0.0/0',
    assignPublicIp: true,
    count: 1,
    waitFor: 'running',
    healthPath: '/',
    timeoutSeconds: 600,
    stopOnTimeout: true,
    stopOnCancel: true,
    startedBy: 'ecs-fargate-deploy',
    tag: 'latest',
    cpu: 256,
    memory: 512,
    executionRole: 'ecsTaskExecutionRole',
    capacity: 'on-demand',
    platform: 'linux/amd64',
    preview: false,
    timerImage: 'public.ecr.aws/docker/library/busybox:stable'
  })
})

test.each(MODES)('mode %s reads exactly the inputs action.yml declares', (mode) => {
  const { read } = parseRecording({ mode, repository: 'myapp' })
  expect([...read].sort()).toEqual(Object.keys(actionInputs).sort())
})

test('action.yml declares exactly the outputs the action writes (src/shared/outputs.ts)', async () => {
  const { OUTPUTS } = await import('../../src/shared/outputs.js')
  const declared = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    outputs: Record<string, unknown>
  }
  expect([...OUTPUTS].sort()).toEqual(Object.keys(declared.outputs).sort())
})
