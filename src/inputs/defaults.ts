// Every default value of the inputs, in one place. action.yml declares the same defaults (a unit test checks),
// so a local run without the runner's defaults behaves as a workflow run does.
import type { Capacity, Mode, Platform, WaitFor } from './types.js'

/** The defaults action.yml declares with `default:`, by input name. */
export const DEFAULTS: {
  readonly mode: Mode
  readonly 'create-repository': boolean
  readonly cluster: string
  readonly 'create-cluster': boolean
  readonly 'create-execution-role': boolean
  readonly 'ingress-cidr': string
  readonly 'assign-public-ip': boolean
  readonly count: number
  readonly 'wait-for': WaitFor
  readonly 'health-path': string
  readonly timeout: number
  readonly 'stop-on-timeout': boolean
  readonly 'stop-on-cancel': boolean
  readonly 'started-by': string
  readonly capacity: Capacity
  readonly preview: boolean
  readonly 'timer-image': string
  readonly 'ttl-role': string
  readonly 'create-ttl-role': boolean
  readonly 'allow-fork-code': boolean
  // Service mode (service.ts).
  readonly 'infrastructure-role': string
  readonly 'create-infrastructure-role': boolean
  readonly 'min-tasks': number
  // Scheduled jobs (schedule.ts).
  readonly 'schedule-timezone': string
  readonly 'run-now': boolean
  readonly 'schedule-retries': number
  readonly 'schedule-max-age': number
  // An existing standard ECS service (existing-service.ts).
  readonly 'rollback-on-timeout': boolean
  readonly 'scale-to-zero': boolean
} = {
  mode: 'deploy',
  'create-repository': true,
  cluster: 'default',
  'create-cluster': true,
  'create-execution-role': true,
  'ingress-cidr': '0.0.0.0/0',
  'assign-public-ip': true,
  count: 1,
  'wait-for': 'running',
  'health-path': '/',
  timeout: 600,
  'stop-on-timeout': true,
  'stop-on-cancel': true,
  'started-by': 'ecs-fargate-deploy',
  capacity: 'on-demand',
  preview: false,
  // Amazon ECR Public's copy of the Docker official image: no Docker Hub pull limits, pulled without credentials.
  'timer-image': 'public.ecr.aws/docker/library/busybox:stable',
  'ttl-role': 'ecsFargateDeployTtlRole',
  'create-ttl-role': true,
  // pull_request_target and fork workflow_run runs of a fork's pull request are refused (fork-code.ts).
  'allow-fork-code': false,
  'infrastructure-role': 'ecsInfrastructureRoleForExpressServices',
  'create-infrastructure-role': true,
  'min-tasks': 1,
  'schedule-timezone': 'UTC',
  'run-now': false,
  // shared/job-schedule.ts JOB_RETRY_DEFAULTS says why.
  'schedule-retries': 5,
  'schedule-max-age': 3600,
  'rollback-on-timeout': false,
  'scale-to-zero': false
}

/**
 * Defaults that apply only after another source (an environment variable, the task definition template), so
 * action.yml states them in the input's description rather than as `default:`.
 */
export const FALLBACKS: {
  /** After GITHUB_SHA. */
  readonly tag: string
  /** After the template's cpu, memory and executionRoleArn. */
  readonly cpu: number
  readonly memory: number
  readonly 'execution-role': string
  /** After the template's runtimePlatform. */
  readonly platform: Platform
} = {
  tag: 'latest',
  cpu: 256,
  memory: 512,
  'execution-role': 'ecsTaskExecutionRole',
  platform: 'linux/amd64'
}

/** Where the region comes from when the region input is empty, in order (as the AWS SDK and CLI read them). */
export const REGION_ENV = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const

/** The tag pushed when the tag input is empty: the commit, else FALLBACKS.tag. */
export const TAG_ENV = 'GITHUB_SHA'

/** Family and container names allow fewer characters than ECR repository names ('/' and '.'). */
export function familyFromRepository(repository: string): string {
  return repository.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255)
}

/** The log group when neither the log-group input nor the template names one. */
export function defaultLogGroup(family: string): string {
  return `/ecs/${family}`
}
