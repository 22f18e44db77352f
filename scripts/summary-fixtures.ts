// Sample runs' job summaries, written by the action's own summary code (not by hand): a web task deployed, a job
// that finished, a deploy that failed, a service deployed, and mode permissions. scripts/screenshots.ts renders
// them as GitHub does; __tests__/docs/summary-fixtures.test.ts checks that each says first whether it worked.
import { ActionError } from '../src/explain/action-error.js'
import { parseInputs, type Inputs } from '../src/inputs/inputs.js'
import { deployCost, failureCost, serviceCost } from '../src/modes/cost.js'
import { runPermissionsMode } from '../src/modes/permissions.js'
import type { DeployResult, ServiceDeployResult, TaskReport } from '../src/modes/types.js'
import { deploySummary, failureSummary, lifetimeSummary, serviceSummary } from '../src/runner/summaries.js'

const REGION = 'us-east-1'
const ACCOUNT = '123456789012'
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/default`
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
const DIGEST = 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
const SHA = '4c1f2e9a7b3d5e6f8a9b0c1d2e3f4a5b6c7d8e9f'
const START = Date.UTC(2026, 11, 6, 21, 4, 10)
const at = (seconds: number): Date => new Date(START + seconds * 1000)

function inputsWith(given: Record<string, string>): Inputs {
  const all: Record<string, string> = { region: REGION, ...given }
  return parseInputs((name) => all[name] ?? '', { env: {}, readFile: () => '' })
}

function task(id: string, family: string, extra: Partial<TaskReport>): TaskReport {
  const taskArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/default/${id}`
  const logStream = `ecs/${family}/${id}`
  return {
    taskArn,
    logStream: { logGroup: `/ecs/${family}`, logStream },
    logUrl:
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logsV2:log-groups/log-group/` +
      `$252Fecs$252F${family}/log-events/${logStream.replace(/\//g, '$252F')}`,
    ...extra
  }
}

function image(repository: string): Pick<DeployResult, 'image' | 'tag' | 'digest' | 'repositoryUri'> {
  return {
    image: `${REGISTRY}/${repository}@${DIGEST}`,
    tag: SHA,
    digest: DIGEST,
    repositoryUri: `${REGISTRY}/${repository}`
  }
}

const DEPLOY_PHASES = [
  { name: 'Build the image, look up and create AWS resources', ms: 21_400 },
  { name: 'Push the image', ms: 9_800 },
  { name: 'Register the task definition', ms: 400 },
  { name: 'Run the task', ms: 600 }
]

export function webTaskSummary(): string {
  const inputs = inputsWith({ repository: 'web', port: '5000', 'wait-for': 'healthy', ttl: '2h' })
  const tasks = [
    task('3b1e0c7d9a2f4e68b5c1d0e9f8a7b6c5', 'web', {
      lastStatus: 'RUNNING',
      publicIp: '203.0.113.24',
      privateIp: '172.31.20.7',
      url: 'http://203.0.113.24:5000'
    })
  ]
  const result: DeployResult = {
    ...image('web'),
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:7`,
    revision: 7,
    reused: false,
    tasks,
    created: [],
    phases: [...DEPLOY_PHASES, { name: 'Wait for healthy', ms: 38_300 }],
    cost: deployCost(inputs, tasks)
  }
  return (
    deploySummary(REGION, result) +
    lifetimeSummary({ ttlSeconds: inputs.ttlSeconds, stopsAt: new Date(START + 72_000 + 7_200_000) })
  )
}

export function jobSummary(): string {
  const inputs = inputsWith({ repository: 'nightly-job', 'wait-for': 'stopped', cpu: '1024', memory: '2048' })
  const tasks = [
    task('8d2c4b6a0e1f3a5b7c9d1e3f5a7b9c0d', 'nightly-job', {
      lastStatus: 'STOPPED',
      exitCode: 0,
      pullStartedAt: at(31),
      startedAt: at(38),
      stoppedAt: at(31 + 754)
    })
  ]
  const result: DeployResult = {
    ...image('nightly-job'),
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/nightly-job:12`,
    revision: 12,
    reused: true,
    tasks,
    exitCode: 0,
    created: [],
    phases: [...DEPLOY_PHASES, { name: 'Wait for stopped', ms: 754_200 }],
    cost: deployCost(inputs, tasks)
  }
  return deploySummary(REGION, result)
}

export function failedDeploySummary(): string {
  const inputs = inputsWith({
    repository: 'web',
    port: '5000',
    'wait-for': 'healthy',
    'health-path': '/health'
  })
  const tasks = [
    task('5e7a9c1b3d5f7a9b1c3d5e7f9a1b3c5d', 'web', { lastStatus: 'RUNNING', publicIp: '203.0.113.31' })
  ]
  const error = new ActionError(
    'http://203.0.113.31:5000/health did not answer 2xx or 3xx before the timeout (300 s); last: HTTP 502',
    {
      details:
        'arn:aws:ecs:us-east-1:123456789012:task/default/5e7a9c1b3d5f7a9b1c3d5e7f9a1b3c5d: RUNNING\n' +
        'Last log lines:\n  Error: connect ECONNREFUSED 10.0.3.12:5432 (database)\n  at TCPConnectWrap.afterConnect',
      hint:
        'HTTP 502 comes from your app or a proxy in front of it: check its log (the logs link) for the error ' +
        'it answered with.'
    }
  )
  return failureSummary(error, {
    mode: 'deploy',
    region: REGION,
    started: { clusterArn: CLUSTER_ARN, tasks },
    cost: failureCost(inputs, tasks)
  })
}

export function serviceDeploySummary(): string {
  const inputs = inputsWith({
    repository: 'shop',
    service: 'shop',
    port: '5000',
    'min-tasks': '2',
    'max-tasks': '6',
    'scale-on': 'requests',
    'scale-target': '500',
    'wait-for': 'healthy'
  })
  const result: ServiceDeployResult = {
    ...image('shop'),
    clusterArn: CLUSTER_ARN,
    serviceName: 'shop',
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/default/shop`,
    createdService: false,
    url: 'https://sh-5f2a9c0b1d.ecs.us-east-1.on.aws',
    deploymentArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/default/shop/Kq3nB8xZ1pVw`,
    deploymentStatus: 'SUCCESSFUL',
    revisionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/default/shop/7391846205118342311`,
    runningCount: 2,
    desiredCount: 2,
    scaling: { minTasks: 2, maxTasks: 6, scaleOn: 'requests', scaleTarget: 500 },
    created: [],
    phases: [
      { name: 'Build the image, look up and create AWS resources', ms: 24_100 },
      { name: 'Push the image', ms: 7_300 },
      { name: 'Update the service', ms: 1_200 },
      { name: 'Wait for healthy', ms: 212_600 }
    ],
    cost: serviceCost(inputs, 2)
  }
  return serviceSummary(REGION, result)
}

export async function permissionsSummary(): Promise<string> {
  const inputs = inputsWith({
    mode: 'permissions',
    repository: 'web',
    port: '5000',
    'environment-name': 'production'
  })
  let summary = ''
  await runPermissionsMode(inputs, {
    getAccountId: async () => ACCOUNT,
    setOutput: () => undefined,
    writeSummary: async (markdown) => {
      summary = markdown
    },
    info: () => undefined,
    env: { GITHUB_REPOSITORY: 'octo-org/web', RUNNER_TEMP: '/tmp' },
    readFile: () => JSON.stringify({ repository: { default_branch: 'main' } }),
    writeFile: async () => undefined
  })
  return summary
}

/** Each picture's file name (docs/images/NAME.png) and the summary it shows. */
export async function summaryFixtures(): Promise<Array<{ name: string; markdown: string }>> {
  return [
    { name: 'deploy', markdown: webTaskSummary() },
    { name: 'job', markdown: jobSummary() },
    { name: 'failed', markdown: failedDeploySummary() },
    { name: 'service', markdown: serviceDeploySummary() },
    { name: 'permissions', markdown: await permissionsSummary() }
  ]
}
