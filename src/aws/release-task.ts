// The release command (database migrations and the like): the new revision run once as a one-off task with
// the command in place of the container's, where the service runs (its subnets, security groups, public IP
// setting, capacity and platform version), before anything changes what serves traffic. Started with
// runTasks (tasks.ts), followed with waitForTasks (task-wait.ts) and LogFollower (log-events.ts).
import { randomUUID } from 'node:crypto'
import type {
  CapacityProviderStrategyItem,
  LaunchType,
  NetworkConfiguration,
  RunTaskCommandInput,
  Service,
  Task
} from '@aws-sdk/client-ecs'
import { ecsTags, type Tag } from '../shared/tags.js'

/** Where a task runs: the fields RunTask shares with a service. */
export interface TaskPlacement {
  networkConfiguration?: NetworkConfiguration
  launchType?: LaunchType
  capacityProviderStrategy?: CapacityProviderStrategyItem[]
  platformVersion?: string
}

/**
 * Where the service's tasks run, as DescribeServices reports it. A service has a launch type or a capacity
 * provider strategy (the API returns one or the other); with neither, RunTask uses the cluster's default
 * strategy, as the service does.
 */
export function placementOfService(service: Service): TaskPlacement {
  const strategy = service.capacityProviderStrategy ?? []
  return {
    networkConfiguration: service.networkConfiguration,
    ...(strategy.length > 0
      ? { capacityProviderStrategy: strategy }
      : service.launchType
        ? { launchType: service.launchType }
        : {}),
    ...(service.platformVersion ? { platformVersion: service.platformVersion } : {})
  }
}

/** RunTask's startedBy takes up to 128 letters, digits, '-', '_' and '/'. */
const STARTED_BY_MAX = 128

/** "release/SERVICE": a release task is found with ListTasks' startedBy, and named so in the console. */
export function releaseStartedBy(serviceName: string): string {
  return `release/${serviceName.replace(/[^A-Za-z0-9_/-]/g, '-')}`.slice(0, STARTED_BY_MAX)
}

export interface ReleaseTaskSpec {
  /** Cluster name or ARN. */
  cluster: string
  /** The service's name: in startedBy. */
  serviceName: string
  /** The new revision: the release runs exactly what the service is about to run. */
  taskDefinitionArn: string
  /** The container that runs the command (the one that received the image). */
  containerName: string
  command: readonly string[]
  placement: TaskPlacement
  tags: readonly Tag[]
}

/**
 * The RunTask input of the release: one task, the command overriding the container's (its entry point stays),
 * everything else as the revision has it. The client token makes a retried RunTask start it only once.
 */
export function buildReleaseTaskInput(
  spec: ReleaseTaskSpec,
  clientToken: string = randomUUID()
): RunTaskCommandInput {
  return {
    cluster: spec.cluster,
    taskDefinition: spec.taskDefinitionArn,
    count: 1,
    ...spec.placement,
    overrides: { containerOverrides: [{ name: spec.containerName, command: [...spec.command] }] },
    startedBy: releaseStartedBy(spec.serviceName),
    tags: ecsTags(spec.tags),
    clientToken
  }
}

/**
 * The release's exit code: the command's container's, once the task has stopped; undefined when it never ran
 * (the task stopped before the container started: pull or secrets errors, explained by describeStoppedTask).
 */
export function releaseExitCode(task: Task, containerName: string): number | undefined {
  return task.containers?.find((container) => container.name === containerName)?.exitCode
}
