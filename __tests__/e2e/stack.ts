// The local AWS and the example images, shared by the end-to-end tests.
import { DescribeTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { startLocalAws, type LocalAws } from '../../local-aws/src/index.js'
import { ROOT, STACK_KEY, registerPolicyAuthority } from './harness.js'

export const REGION = 'us-east-1'
export const WEB_IMAGE = 'efd-example-web:test'
export const JOB_IMAGE = 'efd-example-job:test'

/** The Docker engine must answer: CI always has one (scripts/docker.sh starts it), so this fails, never skips. */
export function requireDocker(): void {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe' })
  } catch (error) {
    throw new Error(
      `The end-to-end tests need a Docker engine (run them through npm test, which starts one): ${(error as Error).message}`
    )
  }
}

const built = new Set<string>()
export function buildExample(name: 'web' | 'job', tag: string): void {
  if (built.has(tag)) return
  execFileSync('docker', ['build', '--quiet', '--tag', tag, join(ROOT, 'examples', name)], { stdio: 'pipe' })
  built.add(tag)
}

export interface Stack {
  aws: LocalAws
  /** The environment a workflow step would have after aws-actions/configure-aws-credentials. */
  env: Record<string, string>
}

export async function startStack(): Promise<Stack> {
  requireDocker()
  buildExample('web', WEB_IMAGE)
  buildExample('job', JOB_IMAGE)
  const aws = await startLocalAws()
  // Keys the test gives a policy of its own run as given; the harness gives every other run the printed policy.
  const ownPolicies = new Set<string>()
  const setPolicy = aws.setPolicy
  aws.setPolicy = (accessKeyId, policy) => {
    if (policy) ownPolicies.add(accessKeyId)
    else ownPolicies.delete(accessKeyId)
    setPolicy(accessKeyId, policy)
  }
  registerPolicyAuthority({
    endpoint: aws.endpoint,
    region: REGION,
    accountId: aws.accountId,
    setPolicy: (accessKeyId, policy) => setPolicy(accessKeyId, policy as Parameters<typeof setPolicy>[1]),
    hasPolicy: (accessKeyId) => ownPolicies.has(accessKeyId)
  })
  return {
    aws,
    env: {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: STACK_KEY,
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_EC2_METADATA_DISABLED: 'true'
    }
  }
}

/**
 * Polls the local AWS until the task reaches the status, or returns what it last saw after withinMs (the caller
 * asserts the status): StopTask returns before the container is gone, and a ttl stops a task on its own.
 */
export async function waitForTaskStatus(
  ecs: ECSClient,
  cluster: string,
  taskArn: string,
  status: string,
  withinMs: number
): Promise<Task> {
  const until = Date.now() + withinMs
  for (;;) {
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))
    const task = tasks![0]!
    if (task.lastStatus === status || Date.now() > until) return task
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
