// Stopped tasks and RunTask failures explained: the stop code and reasons, and hints for their known causes.
import type { Failure, Task } from '@aws-sdk/client-ecs'
import { TTL_CONTAINER_NAME, formatTtl } from '../inputs/facts.js'
import { lastSegment } from '../shared/arn.js'

function taskLabel(task: Task): string {
  const id = task.taskArn ? lastSegment(task.taskArn) : 'unknown'
  const definition = task.taskDefinitionArn ? lastSegment(task.taskDefinitionArn) : undefined
  return definition ? `Task ${id} (${definition})` : `Task ${id}`
}

/** Text for a task that stopped: its stop code and reason, then each container's reason and exit code. */
export function describeStoppedTask(task: Task): string {
  const why = [task.stopCode, task.stoppedReason].filter(Boolean).join(': ') || 'no reason given'
  const lines = [`${taskLabel(task)} stopped: ${why}`]
  for (const container of task.containers ?? []) {
    const parts = [
      container.exitCode !== undefined ? `exit code ${container.exitCode}` : undefined,
      container.reason ? `reason: ${container.reason}` : undefined,
      container.exitCode === undefined && !container.reason
        ? `last status ${container.lastStatus ?? 'unknown'}`
        : undefined
    ].filter(Boolean)
    lines.push(`  container ${container.name ?? '?'}: ${parts.join('; ')}`)
  }
  return lines.join('\n')
}

/** The stop code of a task Fargate Spot took its capacity back from (after a SIGTERM and two minutes). */
export const SPOT_INTERRUPTION = 'SpotInterruption'

export function isSpotInterruption(task: Task): boolean {
  return task.stopCode === SPOT_INTERRUPTION
}

export const SPOT_INTERRUPTION_HINT =
  'Fargate Spot took the capacity back (it sends SIGTERM, then stops the task two minutes later): this is not a ' +
  "failure of the task's code. Run it again, make the job resumable (handle SIGTERM), or use capacity: on-demand " +
  'for work that must not be interrupted.'

/**
 * Whether the task stopped because its ttl ran out: the timer container (an essential one) exited 0, so ECS
 * stopped the task. The timer also exits 0 on the SIGTERM ECS sends when another essential container exits
 * first, so it counts only when the task ran for the ttl: from the end of its image pull (before any container
 * started) to the stop, at least the ttl, less a second for the timestamps' rounding.
 */
export function stoppedByTtl(task: Task, ttlSeconds: number | undefined): boolean {
  if (ttlSeconds === undefined) return false
  const timer = task.containers?.find((container) => container.name === TTL_CONTAINER_NAME)
  if (timer?.exitCode !== 0) return false
  const essentialExited =
    task.stopCode === 'EssentialContainerExited' ||
    /Essential container in task exited/i.test(task.stoppedReason ?? '')
  if (!essentialExited) return false
  const from = task.pullStoppedAt ?? task.startedAt
  const until = task.stoppingAt ?? task.executionStoppedAt ?? task.stoppedAt
  if (!from || !until) return false
  return until.getTime() - from.getTime() >= ttlSeconds * 1000 - 1000
}

/** What a job's exit code says once ECS has stopped its container (SIGTERM, then SIGKILL after the stop timeout). */
function signalExit(exitCode: number | undefined): string {
  if (exitCode === undefined) return ''
  if (exitCode === 143) return `; the job's exit code 143 is its SIGTERM`
  if (exitCode === 137) {
    return "; the job's exit code 137 is the SIGKILL that follows the SIGTERM when a container does not stop in time"
  }
  return `; the job exited with code ${exitCode} on the SIGTERM ECS sent it`
}

/** "The ttl (30m) ran out: the timer container … exited, so ECS stopped the task; the job's exit code 143 is its SIGTERM". */
export function describeTtlStop(ttlSeconds: number, exitCode: number | undefined, tasks = 1): string {
  const what = tasks === 1 ? 'the task' : `the ${tasks} tasks`
  return (
    `The ttl (${formatTtl(ttlSeconds)}) ran out: the timer container ${TTL_CONTAINER_NAME} exited, so ECS stopped ` +
    `${what}${signalExit(exitCode)}`
  )
}

export const TTL_STOP_HINT =
  "The ttl stops the task however long the job still needs: raise ttl above the job's longest run, or leave ttl " +
  'empty for a job, where timeout (with stop-on-timeout) already stops a run that takes too long; the ttl only ' +
  'adds a stop for when no workflow is left to do it (a runner that died).'

export interface StoppedTaskContext {
  assignPublicIp: boolean
  hasExecutionRole: boolean
  logGroup?: string
  /** The ttl the task was started with, if any: a task whose timer ran out is explained as such. */
  ttlSeconds?: number
}

const NETWORK_TIMEOUT =
  /i\/o timeout|timed? ?out|timeout|context deadline exceeded|dial tcp|no route to host/i
const PULL_OR_INIT = /CannotPullContainerError|ResourceInitializationError/
const NOT_AUTHORIZED = /AccessDenied|not authorized|no basic auth credentials|403 Forbidden|status code 403/i
const ECR_AUTH = /ecr registry auth|ecr:[A-Za-z]+|no basic auth credentials|403 Forbidden/i
const SECRETS = /retrieve secret|secretsmanager|ssm:|GetSecretValue|GetParameters|parameter store/i
const IMAGE_MISSING = /not found|manifest unknown|does not exist|404/i
const LOG_GROUP_MISSING = /log group does not exist/i

/** Hints for the known causes of a stopped task, one per line, or undefined when none is known. */
export function hintForStoppedTask(task: Task, context: StoppedTaskContext): string | undefined {
  const texts = [
    task.stoppedReason ?? '',
    ...(task.containers ?? []).map((container) => container.reason ?? '')
  ]
  const all = texts.join('\n')
  const hints: string[] = []
  if (isSpotInterruption(task)) return SPOT_INTERRUPTION_HINT
  if (stoppedByTtl(task, context.ttlSeconds)) {
    return `${describeTtlStop(context.ttlSeconds!, undefined)}. ${TTL_STOP_HINT}`
  }
  const pullOrInit = PULL_OR_INIT.test(all)
  const timedOut = pullOrInit && NETWORK_TIMEOUT.test(all)
  const denied = NOT_AUTHORIZED.test(all)
  if (timedOut) {
    hints.push(
      context.assignPublicIp
        ? 'The task could not reach ECR or CloudWatch Logs (network timeout) although it has a public IP: check that the subnets route 0.0.0.0/0 to an internet gateway and that the security group and network ACLs allow outbound HTTPS.'
        : 'The task cannot reach ECR (network timeout) and has no public IP: set assign-public-ip: true, or use subnets with a NAT gateway or VPC endpoints (ecr.api, ecr.dkr, s3 gateway, logs).'
    )
  } else if (LOG_GROUP_MISSING.test(all)) {
    hints.push(
      `The awslogs log group${context.logGroup ? ` ${context.logGroup}` : ''} does not exist: create it, or let the action create it (leave log-group empty or name a group that exists).`
    )
  } else if (pullOrInit && denied && SECRETS.test(all) && !ECR_AUTH.test(all)) {
    hints.push(
      'The execution role could not read the secrets: allow it secretsmanager:GetSecretValue or ssm:GetParameters on them (and kms:Decrypt for a customer managed key).'
    )
  } else if (pullOrInit && (denied || !context.hasExecutionRole)) {
    hints.push(
      context.hasExecutionRole
        ? 'The execution role could not pull the image: check that execution-role exists, trusts ecs-tasks.amazonaws.com and has AmazonECSTaskExecutionRolePolicy attached.'
        : 'The task has no execution role, so Fargate cannot pull from ECR or write logs: set execution-role (with create-execution-role: true the action creates it).'
    )
  } else if (/CannotPullContainerError/.test(all) && IMAGE_MISSING.test(all)) {
    hints.push(
      'The image was not found: check that the pushed tag or digest is the one in the task definition, in this region.'
    )
  }
  if (/OutOfMemory/i.test(all)) {
    hints.push('The container ran out of memory: raise memory (and cpu, if the Fargate table requires it).')
  }
  if (/CannotStartContainerError/.test(all) && /executable file not found|no such file/i.test(all)) {
    hints.push(
      "The container's command was not found in the image: check command (or the image's ENTRYPOINT/CMD)."
    )
  }
  if (/exec format error/i.test(all)) {
    hints.push(
      'The image was built for another CPU architecture: build it for linux/amd64 (docker build --platform linux/amd64).'
    )
  }
  if (hints.length === 0 && task.stopCode === 'EssentialContainerExited') {
    const exitCodes = (task.containers ?? [])
      .filter((container) => container.exitCode !== undefined)
      .map((container) => `${container.name}: ${container.exitCode}`)
    hints.push(
      `The essential container exited${exitCodes.length > 0 ? ` (exit code ${exitCodes.join(', ')})` : ''}: look at its log lines${context.logGroup ? ` in ${context.logGroup}` : ''} for the cause.`
    )
  }
  return hints.length > 0 ? hints.join('\n') : undefined
}

const FAILURE_HINTS: Array<[RegExp, string]> = [
  [
    /^RESOURCE:ENI/,
    'No network interface could be created: the subnets are out of free IP addresses or the account reached its ENI quota. Use subnets with free addresses or raise the quota.'
  ],
  [
    /^RESOURCE:(CPU|MEMORY|PORTS|GPU)/,
    'No container instance had enough capacity; Fargate tasks should not report this: check that the task runs with launch type FARGATE.'
  ],
  [/^AGENT/, "The container instance's ECS agent is disconnected; retry, or check the cluster's instances."],
  [
    /^MISSING/,
    'ECS could not find a resource the task needs: check the cluster (cluster input and region) and that the task definition is ACTIVE.'
  ],
  [
    /^ATTRIBUTE/,
    "No capacity matched the task's required attributes (platform version, network mode, CPU architecture)."
  ],
  [
    /Capacity is unavailable|CAPACITY/i,
    "Fargate has no capacity in the subnets' Availability Zones right now: retry, or add subnets in other Availability Zones."
  ],
  [
    /INACTIVE/,
    'The cluster or task definition is INACTIVE: use an ACTIVE cluster, or let the action create one.'
  ],
  [/^LOCATION/, 'The subnets are in a different Availability Zone than the capacity: check the subnets.']
]

/** RunTask's or DescribeTasks' failures[]: one line per failure (arn, reason, detail) with hints for known reasons. */
export function describeRunTaskFailures(failures: readonly Failure[]): string {
  const lines: string[] = []
  for (const failure of failures) {
    const text = [failure.reason ?? 'unknown reason', failure.detail].filter(Boolean).join(': ')
    lines.push(`- ${failure.arn ? `${failure.arn}: ` : ''}${text}`)
    const hint = FAILURE_HINTS.find(([pattern]) => pattern.test(failure.reason ?? ''))?.[1]
    if (hint) lines.push(`  ${hint}`)
  }
  return lines.join('\n')
}
