// Shared setup for the local AWS e2e tests: real SDK clients pointed at a fresh local AWS.
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { EC2Client } from '@aws-sdk/client-ec2'
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import { ECSClient } from '@aws-sdk/client-ecs'
import { IAMClient } from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import { startLocalAws, type LocalAws, type LocalAwsOptions } from '../src/index.js'

/** Docker is required, never optional: the CI always has it, so a missing engine must fail loudly. */
export function requireDocker(): void {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe' })
  } catch (err) {
    throw new Error(
      `docker info failed (DOCKER_HOST=${process.env.DOCKER_HOST ?? '<unset>'}); these tests need a Docker engine: ${String(err)}`
    )
  }
}

export function clients(aws: LocalAws, accessKeyId = 'AKIDLOCAL') {
  const cfg = {
    endpoint: aws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'x' }
  }
  return {
    ecs: new ECSClient(cfg),
    ecr: new ECRClient(cfg),
    ec2: new EC2Client(cfg),
    iam: new IAMClient(cfg),
    sts: new STSClient(cfg),
    logs: new CloudWatchLogsClient(cfg)
  }
}
export type Clients = ReturnType<typeof clients>

export async function start(opts: LocalAwsOptions = {}): Promise<LocalAws> {
  requireDocker()
  return startLocalAws({ taskTimings: { provisioningMs: 50, pendingMs: 50, stopGraceSeconds: 1 }, ...opts })
}

/** Pushes busybox:stable as REPO:TAG with the credentials from ECR's GetAuthorizationToken, like the action does. */
export function pushBusybox(c: Clients, repo: string, tag: string): Promise<string> {
  return pushImage(c, 'busybox:stable', repo, tag)
}

/** Pushes the engine's image `local` as REPO:TAG with the credentials from ECR's GetAuthorizationToken. */
export async function pushImage(c: Clients, local: string, repo: string, tag: string): Promise<string> {
  const auth = await c.ecr.send(new GetAuthorizationTokenCommand({}))
  const [user, password] = Buffer.from(auth.authorizationData![0]!.authorizationToken!, 'base64')
    .toString()
    .split(':')
  const host = auth.authorizationData![0]!.proxyEndpoint!.replace(/^https?:\/\//, '')
  const config = mkdtempSync(path.join(os.tmpdir(), 'local-aws-push-'))
  const ref = `${host}/${repo}:${tag}`
  // Async on purpose: the registry front and the API run in this process, a sync exec would deadlock them.
  const run = promisify(execFile)
  try {
    const login = run('docker', ['--config', config, 'login', '-u', user!, '--password-stdin', host])
    login.child.stdin?.end(password)
    await login
    await run('docker', ['tag', local, ref])
    await run('docker', ['--config', config, 'push', ref])
  } catch (err) {
    throw new Error(`push of ${ref} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`)
  } finally {
    // The tag may not exist if login failed; don't mask that error.
    await run('docker', ['rmi', ref]).catch(() => undefined)
    rmSync(config, { recursive: true, force: true })
  }
  return ref
}

/** Polls `f` until it returns a defined value (short interval: the thing awaited lives in another process). */
export async function until<T>(
  f: () => Promise<T | undefined>,
  timeoutMs = 30000,
  what = 'condition'
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export const TRUST_ECS_TASKS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
  ]
})

/** Expects the SDK call to reject with the given error name; returns the error for further checks. */
export async function rejects(
  p: Promise<unknown>,
  name: string
): Promise<Error & { $metadata: { httpStatusCode?: number }; message: string }> {
  try {
    await p
  } catch (err) {
    const e = err as Error & { $metadata: { httpStatusCode?: number } }
    if (e.name !== name) throw new Error(`expected ${name}, got ${e.name}: ${e.message}`)
    return e
  }
  throw new Error(`expected ${name}, but the call succeeded`)
}
