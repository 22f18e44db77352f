// The last log lines of a service's stopped task, for a failed deployment: the container that failed, found in
// the task's revision, read from its awslogs stream (PREFIX/CONTAINER/TASK_ID).
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import type { ContainerDefinition, Task, TaskDefinition } from '@aws-sdk/client-ecs'
import { lastSegment } from '../shared/arn.js'
import { lastLogLines, logStreamFor, type LogStream } from './log-events.js'

/** How many lines each failed task shows. */
export const FAILED_TASK_LOG_LINES = 10

/**
 * The awslogs stream of the task's container that failed: the first container that exited non-zero, else the
 * first with a reason, else the first essential one; undefined when that container does not log with awslogs
 * to this region (another driver, a FireLens router, or another region's group).
 */
export function failedContainerStream(
  task: Task,
  revision: Pick<TaskDefinition, 'containerDefinitions'>,
  region: string
): LogStream | undefined {
  const containers = task.containers ?? []
  const failed =
    containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0) ??
    containers.find((c) => c.reason) ??
    containers.find((c) =>
      revision.containerDefinitions?.some((d) => d.name === c.name && d.essential !== false)
    )
  const definition = revision.containerDefinitions?.find((d) => d.name === failed?.name)
  if (!definition?.name || !task.taskArn) return undefined
  const options = awslogsOptions(definition)
  if (!options) return undefined
  const group = options['awslogs-group']
  const prefix = options['awslogs-stream-prefix']
  const logRegion = options['awslogs-region'] ?? region
  // Without a prefix awslogs names streams by container id, which the task does not report.
  if (!group || !prefix || logRegion !== region) return undefined
  return logStreamFor({
    logGroup: group,
    prefix,
    containerName: definition.name,
    taskId: lastSegment(task.taskArn)
  })
}

function awslogsOptions(definition: ContainerDefinition): Record<string, string> | undefined {
  const configuration = definition.logConfiguration
  return configuration?.logDriver === 'awslogs' ? (configuration.options ?? {}) : undefined
}

/**
 * DeploymentWaitOptions.lastLogLines for a service: reads the failed container's last lines of tasks that run
 * one of the given revisions (the new one and the one it replaces); other tasks show none.
 */
export function serviceTaskLogLines(
  logs: CloudWatchLogsClient,
  revisions: readonly Pick<TaskDefinition, 'taskDefinitionArn' | 'containerDefinitions'>[],
  region: string
): (task: Task) => Promise<string[]> {
  const byArn = new Map(revisions.map((revision) => [revision.taskDefinitionArn, revision]))
  return async (task) => {
    const revision = byArn.get(task.taskDefinitionArn)
    const stream = revision ? failedContainerStream(task, revision, region) : undefined
    return stream ? lastLogLines(logs, stream, FAILED_TASK_LOG_LINES) : []
  }
}
