// AWS clients, loaded only for the modes that need them (stop never loads ECR or IAM; EC2 only for a closed preview).
// Credentials, endpoint (AWS_ENDPOINT_URL) and proxies come from the SDK's standard chain.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import type { EC2Client } from '@aws-sdk/client-ec2'
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import type { ECRClient } from '@aws-sdk/client-ecr'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { IAMClient } from '@aws-sdk/client-iam'
import type { SchedulerClient } from '@aws-sdk/client-scheduler'
import type { STSClient } from '@aws-sdk/client-sts'
import { annotateAwsErrors } from '../explain/aws-call.js'

/** Throttling and transient errors are retried by the SDK's standard strategy, with more attempts than its default 3. */
export const MAX_ATTEMPTS = 8

export interface ClientConfig {
  region: string
  maxAttempts: number
  retryMode: 'standard'
  customUserAgent: string
}

export function clientConfig(region: string): ClientConfig {
  return { region, maxAttempts: MAX_ATTEMPTS, retryMode: 'standard', customUserAgent: 'ecs-fargate-deploy' }
}

/** EventBridge Scheduler, loaded on first use: only a service with a ttl (or one that had one) needs it. */
export type SchedulerFactory = () => Promise<SchedulerClient>

export interface DeployClients {
  ecr: ECRClient
  ecs: ECSClient
  ec2: EC2Client
  iam: IAMClient
  logs: CloudWatchLogsClient
  scheduler?: SchedulerFactory
  /** EventBridge: a scheduled job's failure rule. */
  events?: EventBridgeFactory
}

export interface StopClients {
  ecs: ECSClient
  scheduler?: SchedulerFactory
  /** EC2, loaded on first use: only a closed task preview needs it (to delete its security group). */
  ec2?: () => Promise<EC2Client>
}

/** One SchedulerClient for the run, made (and its module loaded) the first time it is asked for. */
export function lazySchedulerClient(region: string): SchedulerFactory {
  let client: Promise<SchedulerClient> | undefined
  return () =>
    (client ??= import('@aws-sdk/client-scheduler').then(({ SchedulerClient }) => {
      const scheduler = new SchedulerClient(clientConfig(region))
      annotateAwsErrors(scheduler)
      return scheduler
    }))
}

/** EventBridge, loaded on first use: only a scheduled job (its failure notifications) needs it. */
export type EventBridgeFactory = () => Promise<EventBridgeClient>

/** One EventBridgeClient for the run, made (and its module loaded) the first time it is asked for. */
export function lazyEventBridgeClient(region: string): EventBridgeFactory {
  let client: Promise<EventBridgeClient> | undefined
  return () =>
    (client ??= import('@aws-sdk/client-eventbridge').then(({ EventBridgeClient }) =>
      annotateAwsErrors(new EventBridgeClient(clientConfig(region)))
    ))
}

/** One EC2Client for the run, made (and its module loaded) the first time it is asked for. */
export function lazyEc2Client(region: string): () => Promise<EC2Client> {
  let client: Promise<EC2Client> | undefined
  return () =>
    (client ??= loadEc2().then((EC2Client) => annotateAwsErrors(new EC2Client(clientConfig(region)))))
}

export async function createDeployClients(region: string): Promise<DeployClients> {
  const config = clientConfig(region)
  const [ecr, ecs, ec2, iam, logs] = await Promise.all([
    loadEcr().then((ECRClient) => new ECRClient(config)),
    loadEcs().then((ECSClient) => new ECSClient(config)),
    loadEc2().then((EC2Client) => new EC2Client(config)),
    loadIam().then((IAMClient) => new IAMClient(config)),
    loadLogs().then((CloudWatchLogsClient) => new CloudWatchLogsClient(config))
  ])
  for (const client of [ecr, ecs, ec2, iam, logs]) annotateAwsErrors(client)
  return {
    ecr,
    ecs,
    ec2,
    iam,
    logs,
    scheduler: lazySchedulerClient(region),
    events: lazyEventBridgeClient(region)
  }
}

export async function createStopClients(region: string): Promise<StopClients> {
  const ECSClient = await loadEcs()
  const ecs = new ECSClient(clientConfig(region))
  annotateAwsErrors(ecs)
  return { ecs, scheduler: lazySchedulerClient(region), ec2: lazyEc2Client(region) }
}

export async function createStsClient(region: string): Promise<STSClient> {
  const { STSClient } = await import('@aws-sdk/client-sts')
  const sts = new STSClient(clientConfig(region || 'us-east-1'))
  annotateAwsErrors(sts)
  return sts
}

/** sts:GetCallerIdentity: the account the credentials belong to (mode: permissions puts it in the ARNs). */
export async function readAccountId(region: string): Promise<string | undefined> {
  const [{ GetCallerIdentityCommand }, sts] = await Promise.all([
    import('@aws-sdk/client-sts'),
    createStsClient(region)
  ])
  return (await sts.send(new GetCallerIdentityCommand({}))).Account
}

// Each import is destructured so the bundler keeps only the client class, not every command of the service
// (a namespace object from import() would keep them all).
async function loadEcr(): Promise<typeof ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr')
  return ECRClient
}

async function loadEcs(): Promise<typeof ECSClient> {
  const { ECSClient } = await import('@aws-sdk/client-ecs')
  return ECSClient
}

async function loadEc2(): Promise<typeof EC2Client> {
  const { EC2Client } = await import('@aws-sdk/client-ec2')
  return EC2Client
}

async function loadIam(): Promise<typeof IAMClient> {
  const { IAMClient } = await import('@aws-sdk/client-iam')
  return IAMClient
}

async function loadLogs(): Promise<typeof CloudWatchLogsClient> {
  const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs')
  return CloudWatchLogsClient
}
