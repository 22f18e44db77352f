// ECS state: clusters, task definitions (every revision) and tasks. The ECS handlers answer from it and the task
// runner moves each task through its statuses.
import type { ContainerDefinitionLike } from '../fargate.js'

export type Tag = { key: string; value: string }

export interface Cluster {
  clusterName: string
  clusterArn: string
  status: 'ACTIVE' | 'INACTIVE'
  tags: Tag[]
  capacityProviders: string[]
  defaultCapacityProviderStrategy: unknown[]
  settings: unknown[]
}

export interface TaskDefinition {
  taskDefinitionArn: string
  family: string
  revision: number
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS'
  containerDefinitions: Array<ContainerDefinitionLike & Record<string, unknown>>
  taskRoleArn?: string
  executionRoleArn?: string
  networkMode?: string
  requiresCompatibilities?: string[]
  compatibilities: string[]
  cpu?: string
  memory?: string
  volumes: unknown[]
  placementConstraints: unknown[]
  requiresAttributes: unknown[]
  registeredAt: Date
  registeredBy: string
  deregisteredAt?: Date
  runtimePlatform?: unknown
  ephemeralStorage?: unknown
  pidMode?: string
  ipcMode?: string
  proxyConfiguration?: unknown
  inferenceAccelerators?: unknown[]
  enableFaultInjection?: boolean
  tags: Tag[]
}

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED'

export interface TaskContainer {
  containerArn: string
  name: string
  image: string
  essential: boolean
  imageDigest?: string
  runtimeId?: string
  lastStatus: TaskStatus
  exitCode?: number
  reason?: string
  /** docker container id (same as runtimeId once started). */
  dockerId?: string
}

export interface Task {
  taskArn: string
  taskId: string
  clusterArn: string
  clusterName: string
  taskDefinition: TaskDefinition
  lastStatus: TaskStatus
  desiredStatus: 'RUNNING' | 'STOPPED'
  launchType?: string
  capacityProviderName?: string
  cpu?: string
  memory?: string
  createdAt: Date
  pullStartedAt?: Date
  pullStoppedAt?: Date
  startedAt?: Date
  connectivityAt?: Date
  stoppingAt?: Date
  executionStoppedAt?: Date
  stoppedAt?: Date
  stopCode?: string
  stoppedReason?: string
  startedBy?: string
  group: string
  tags: Tag[]
  overrides: { containerOverrides: Array<Record<string, unknown>> }
  containers: TaskContainer[]
  attachmentId: string
  eniId: string
  subnetId: string
  privateIp: string
  publicIp?: string
  slot: number
  attachmentStatus: 'PRECREATED' | 'ATTACHED' | 'DETACHED' | 'DELETED'
  version: number
  /** Remaining DescribeTasks calls that answer MISSING (behaviour describeTasksMissingTimes). */
  missingDescribes: number
}

export interface EcsState {
  clusters: Map<string, Cluster>
  taskDefinitions: Map<string, TaskDefinition[]> // family → revisions (index = revision - 1)
  tasks: Map<string, Task> // task id → task
  /** Told of every task status change (the Express service controller listens). */
  taskWatchers: Set<(task: Task) => void>
}

export const newEcsState = (): EcsState => ({
  clusters: new Map(),
  taskDefinitions: new Map(),
  tasks: new Map(),
  taskWatchers: new Set()
})

/** Tells the watchers that a task's lastStatus changed. */
export function taskChanged(ecs: EcsState, task: Task): void {
  for (const watch of ecs.taskWatchers) watch(task)
}
