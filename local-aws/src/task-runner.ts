// Runs ECS tasks as real Docker containers: PROVISIONING → PENDING (pull) → RUNNING → DEACTIVATING → STOPPED.
// Container output is streamed into CloudWatch Logs; exit is observed with `docker wait`, never with fixed sleeps.
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Context } from './context.js'
import { docker, dockerSpawn } from './docker.js'
import { taskChanged, type Task, type TaskContainer } from './state/ecs.js'
import { canPullFromEcr, findRoleByArn } from './state/iam.js'
import { createLogGroup, ensureLogStream, type LogEvent } from './state/logs.js'

interface Run {
  task: Task
  abort: AbortController
  procs: Set<ChildProcess>
  done: Promise<void>
}

interface ContainerDef {
  name?: string
  image?: string
  essential?: boolean
  command?: string[]
  entryPoint?: string[]
  environment?: Array<{ name?: string; value?: string }>
  workingDirectory?: string
  user?: string
  secrets?: unknown[]
  logConfiguration?: { logDriver?: string; options?: Record<string, string> }
}

/** Where a container's output goes when it uses awslogs. */
interface LogTarget {
  group: string
  stream: string
}

export class TaskRunner {
  private readonly runs = new Map<string, Run>()
  /** Image references pulled from the local registry; untagged at stopAll so the engine is left as found. */
  private readonly pulled = new Set<string>()
  private ctx!: Context

  constructor(private readonly instanceId: string) {}

  attach(ctx: Context): void {
    this.ctx = ctx
  }

  start(task: Task): void {
    const run: Run = { task, abort: new AbortController(), procs: new Set(), done: Promise.resolve() }
    run.done = this.run(run).catch((err: unknown) => {
      this.ctx.log(`task ${task.taskId}: runner error ${String(err)}`)
      this.fail(task, 'TaskFailedToStart', `CannotStartContainerError: ${String(err)}`)
    })
    this.runs.set(task.taskId, run)
  }

  /** StopTask: records the user's intent now; the run loop notices the abort and tears the containers down. */
  stop(task: Task, reason: string | undefined, stopCode = 'UserInitiated'): void {
    if (task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED') return
    task.desiredStatus = 'STOPPED'
    task.stoppingAt = new Date()
    task.stopCode = stopCode
    task.stoppedReason = reason ?? 'Task stopped by user'
    task.version++
    this.runs.get(task.taskId)?.abort.abort()
  }

  /** Removes every container this instance started and waits for the run loops to settle. */
  async stopAll(): Promise<void> {
    const runs = [...this.runs.values()]
    for (const r of runs) r.abort.abort()
    const ids = runs.flatMap((r) => r.task.containers.map((c) => c.dockerId).filter((x): x is string => !!x))
    if (ids.length) await docker(['rm', '-f', ...ids])
    for (const r of runs) for (const p of r.procs) if (p.exitCode === null) p.kill('SIGKILL')
    await Promise.all(runs.map((r) => r.done))
    if (this.pulled.size) await docker(['rmi', ...this.pulled])
  }

  // ---------------------------------------------------------------- the lifecycle

  private async run(run: Run): Promise<void> {
    const { task } = run
    const { timings } = this.ctx
    if (!(await this.phase(run, timings.provisioningMs))) return this.finish(task)
    this.setStatus(task, 'PENDING')
    task.attachmentStatus = 'ATTACHED'
    task.connectivityAt = new Date()
    if (!(await this.phase(run, timings.pendingMs))) return this.finish(task)

    const defs = this.containerDefs(task)
    task.pullStartedAt = new Date()
    for (const [c, def] of defs) {
      const failure = await this.prepare(task, c, def)
      if (failure) return this.fail(task, 'TaskFailedToStart', failure, c)
    }
    task.pullStoppedAt = new Date()
    if (run.abort.signal.aborted) return this.finish(task)

    const exits: Array<{ c: TaskContainer; exited: Promise<void> }> = []
    const logsDone: Array<Promise<void>> = []
    for (const [c, def] of defs) {
      const started = await this.startContainer(task, c, def)
      if (typeof started === 'string') {
        await this.removeContainers(task)
        return this.fail(task, 'TaskFailedToStart', started, c)
      }
      logsDone.push(this.followLogs(run, c, started))
      exits.push({ c, exited: this.watchExit(run, c) })
    }
    this.setStatus(task, 'RUNNING')
    task.startedAt = new Date()
    for (const c of task.containers) if (c.lastStatus === 'PENDING') c.lastStatus = 'RUNNING'

    // The task ends when an essential container exits or the user stops it.
    const essentialExit = Promise.race(
      exits.filter((e) => e.c.essential).map((e) => e.exited.then(() => 'exit' as const))
    )
    const userStop = new Promise<'stop'>((resolve) => {
      if (run.abort.signal.aborted) resolve('stop')
      run.abort.signal.addEventListener('abort', () => resolve('stop'), { once: true })
    })
    // Fargate Spot takes the capacity back (behaviour spotInterruptionAfterMs): SIGTERM, then the stop.
    const spotAfter = this.ctx.behaviour.spotInterruptionAfterMs
    const spotTimer =
      task.capacityProviderName === 'FARGATE_SPOT' && spotAfter !== null
        ? setTimeout(() => this.stop(task, 'Your Spot Task was interrupted.', 'SpotInterruption'), spotAfter)
        : undefined
    const why = await Promise.race([essentialExit, userStop])
    clearTimeout(spotTimer)
    if (why === 'exit' && task.desiredStatus !== 'STOPPED') {
      task.desiredStatus = 'STOPPED'
      task.stoppingAt = new Date()
      task.stopCode = 'EssentialContainerExited'
      task.stoppedReason = 'Essential container in task exited'
    }
    this.setStatus(task, 'DEACTIVATING')
    const grace = String(this.ctx.timings.stopGraceSeconds)
    const live = task.containers
      .filter((c) => c.dockerId && c.lastStatus !== 'STOPPED')
      .map((c) => c.dockerId!)
    if (live.length) await docker(['stop', '-t', grace, ...live])
    this.setStatus(task, 'STOPPING')
    await Promise.all(exits.map((e) => e.exited))
    task.executionStoppedAt = new Date()
    // Logs must be fully captured before the containers (and their json logs) are removed.
    await Promise.all(logsDone)
    this.setStatus(task, 'DEPROVISIONING')
    await this.removeContainers(task)
    this.finish(task)
  }

  /** Waits `ms` unless the task is stopped meanwhile; false when stopped. */
  private phase(run: Run, ms: number): Promise<boolean> {
    const signal = run.abort.signal
    if (signal.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(!signal.aborted), ms)
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer)
          resolve(false)
        },
        { once: true }
      )
    })
  }

  private setStatus(task: Task, status: Task['lastStatus']): void {
    task.lastStatus = status
    task.version++
    taskChanged(this.ctx.ecs, task)
  }

  private containerDefs(task: Task): Array<[TaskContainer, ContainerDef]> {
    return task.containers.map((c) => {
      const def = task.taskDefinition.containerDefinitions.find((d) => d.name === c.name) as ContainerDef
      const o = task.overrides.containerOverrides.find((x) => x.name === c.name) as ContainerDef | undefined
      if (!o) return [c, def]
      // Overridden environment variables replace same-named ones; command replaces the whole command.
      const env = [
        ...(def.environment ?? []).filter((e) => !(o.environment ?? []).some((x) => x.name === e.name)),
        ...(o.environment ?? [])
      ]
      return [c, { ...def, environment: env, command: o.command ?? def.command }]
    })
  }

  // ---------------------------------------------------------------- pull and start

  /** Maps an ECR-looking reference onto the local registry; reports whether it is an ECR image at all. */
  private resolveImage(image: string): { ref: string; ecr: boolean } {
    const host = this.ctx.registry.host
    if (image.startsWith(`${host}/`)) return { ref: image, ecr: true }
    const m = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/(.+)$/.exec(image)
    if (m) return { ref: `${host}/${m[1]}`, ecr: true }
    return { ref: image, ecr: false }
  }

  /** Everything ECS checks and fetches before starting a container; returns the stop reason on failure. */
  private async prepare(task: Task, c: TaskContainer, def: ContainerDef): Promise<string | undefined> {
    const td = task.taskDefinition
    const { ref, ecr } = this.resolveImage(c.image)
    if (ecr) {
      const tag = ref.includes('@') ? ref.split('@')[1]! : (/:([^/:]+)$/.exec(ref)?.[1] ?? 'latest')
      if (!td.executionRoleArn) {
        return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${c.image}: pulling from host ${c.image.split('/')[0]} failed with status code [manifests ${tag}]: 401 Unauthorized`
      }
      const role = findRoleByArn(this.ctx, td.executionRoleArn)
      if (!role || !canPullFromEcr(role)) {
        const roleName = td.executionRoleArn.split('/').pop()
        return (
          'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: ' +
          `service call has been retried 3 time(s): AccessDeniedException: User: arn:aws:sts::${this.ctx.accountId}:assumed-role/${roleName}/${task.taskId} ` +
          'is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action. ' +
          'Please check your task network configuration.'
        )
      }
    }
    const unknownSecret = (def.secrets ?? []).find(
      (x) =>
        (x as { valueFrom?: string }).valueFrom === undefined ||
        !(String((x as { valueFrom?: string }).valueFrom) in this.ctx.behaviour.secretValues)
    ) as { valueFrom?: string } | undefined
    if (unknownSecret) {
      return `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: the local AWS has no Secrets Manager or SSM Parameter Store to resolve secrets from (no local value for ${unknownSecret.valueFrom ?? 'a secret'}; setBehaviour secretValues)`
    }
    const logFailure = this.checkLogGroup(task, def)
    if (logFailure) return logFailure

    const pulled = ecr ? await this.pull(ref) : await this.ensureLocalImage(ref)
    if (typeof pulled === 'string') return pulled
    c.imageDigest = pulled.digest
    return undefined
  }

  private checkLogGroup(task: Task, def: ContainerDef): string | undefined {
    const lc = def.logConfiguration
    if (lc?.logDriver !== 'awslogs') return undefined
    const group = lc.options?.['awslogs-group'] ?? ''
    if (this.ctx.logs.groups.has(group)) return undefined
    if (lc.options?.['awslogs-create-group'] === 'true') {
      createLogGroup(this.ctx, group, lc.options['awslogs-region'] ?? 'us-east-1')
      return undefined
    }
    this.ctx.log(`task ${task.taskId}: log group ${group} does not exist`)
    return (
      'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ' +
      'ResourceNotFoundException: The specified log group does not exist. : exit status 1'
    )
  }

  private async pull(ref: string): Promise<{ digest?: string } | string> {
    const res = await docker(['pull', ref], { configDir: this.ctx.registry.dockerConfigDir })
    if (res.code === 0) this.pulled.add(ref)
    if (res.code === 0) return { digest: /Digest: (sha256:[0-9a-f]{64})/.exec(res.stdout)?.[1] }
    this.ctx.log(`pull ${ref} failed: ${res.stderr.trim()}`)
    const notFound = /not found|manifest unknown|name unknown|unknown manifest/i.test(res.stderr)
    return notFound
      ? `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ref}: ${ref}: not found`
      : `CannotPullContainerError: pull image manifest has been retried 5 time(s): ${res.stderr.trim().replace(/^Error response from daemon: /, '')}`
  }

  /** Non-ECR images (e.g. Docker Hub) cannot be fetched offline: use the engine's copy, else fail like a failed pull. */
  private async ensureLocalImage(ref: string): Promise<{ digest?: string } | string> {
    const inspect = await docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', ref])
    if (inspect.code === 0) {
      const digests = JSON.parse(inspect.stdout.trim() || '[]') as string[] | null
      return { digest: digests?.[0]?.split('@')[1] }
    }
    return this.pull(ref)
  }

  private logTarget(task: Task, c: TaskContainer, def: ContainerDef): LogTarget | undefined {
    const lc = def.logConfiguration
    if (lc?.logDriver !== 'awslogs') return undefined
    const prefix = lc.options?.['awslogs-stream-prefix']
    const stream = prefix ? `${prefix}/${c.name}/${task.taskId}` : task.taskId
    return { group: lc.options?.['awslogs-group'] ?? '', stream }
  }

  /** docker run -d --network host (no bridge here; host networking makes the port reachable on 127.0.0.N). */
  private async startContainer(
    task: Task,
    c: TaskContainer,
    def: ContainerDef
  ): Promise<LogTarget | undefined | string> {
    const { ref } = this.resolveImage(c.image)
    const args = ['run', '-d', '--network', 'host', '--log-driver', 'json-file']
    args.push('--label', `local-aws.instance=${this.instanceId}`, '--label', `local-aws.task=${task.taskId}`)
    args.push(
      '--name',
      `ecs-${task.taskDefinition.family}-${task.taskDefinition.revision}-${c.name}-${task.taskId.slice(0, 12)}`
    )
    // What Fargate sets in every container (minus the metadata endpoint, which does not exist locally);
    // the task definition's own variables come last so docker lets them win.
    const region = task.taskArn.split(':')[3]
    const env = [
      { name: 'AWS_REGION', value: region },
      { name: 'AWS_DEFAULT_REGION', value: region },
      { name: 'AWS_EXECUTION_ENV', value: 'AWS_ECS_FARGATE' },
      ...(def.environment ?? []),
      // Secrets resolved as ECS resolves them (setBehaviour secretValues; prepare checked each one is there).
      ...((def.secrets ?? []) as Array<{ name?: string; valueFrom?: string }>).map((x) => ({
        name: x.name,
        value: this.ctx.behaviour.secretValues[String(x.valueFrom)]
      }))
    ]
    for (const e of env) if (e.name) args.push('-e', `${e.name}=${e.value ?? ''}`)
    if (def.workingDirectory) args.push('-w', def.workingDirectory)
    if (def.user) args.push('-u', def.user)
    const entry = def.entryPoint ?? []
    if (entry.length) args.push('--entrypoint', entry[0]!)
    args.push(ref, ...entry.slice(1), ...(def.command ?? []))
    const target = this.logTarget(task, c, def)
    if (target) ensureLogStream(this.ctx, target.group, target.stream)
    const res = await docker(args)
    if (res.code !== 0) {
      return `CannotStartContainerError: ${res.stderr.trim().replace(/^Error response from daemon: /, '')}`
    }
    c.dockerId = res.stdout.trim()
    c.runtimeId = c.dockerId
    return target
  }

  // ---------------------------------------------------------------- watching

  private watchExit(run: Run, c: TaskContainer): Promise<void> {
    const proc = dockerSpawn(['wait', c.dockerId!])
    run.procs.add(proc)
    let out = ''
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()))
    return new Promise((resolve) => {
      proc.once('close', () => {
        run.procs.delete(proc)
        const code = Number.parseInt(out.trim(), 10)
        c.exitCode = Number.isNaN(code) ? undefined : code
        c.lastStatus = 'STOPPED'
        resolve()
      })
    })
  }

  /**
   * `docker logs -f --timestamps` until the container exits; each line becomes an event. stdout and stderr arrive on
   * separate pipes, so lines of the two may interleave slightly differently than written, as with the awslogs driver.
   */
  private followLogs(run: Run, c: TaskContainer, target: LogTarget | undefined): Promise<void> {
    if (!target) return Promise.resolve()
    const stream = ensureLogStream(this.ctx, target.group, target.stream)
    const proc = dockerSpawn(['logs', '-f', '--timestamps', c.dockerId!])
    run.procs.add(proc)
    const onLine = (line: string): void => {
      const event = parseDockerLogLine(line)
      if (event) stream.events.push(event)
    }
    createInterface({ input: proc.stdout! }).on('line', onLine)
    createInterface({ input: proc.stderr! }).on('line', onLine)
    return new Promise((resolve) => {
      proc.once('close', () => {
        run.procs.delete(proc)
        resolve()
      })
    })
  }

  // ---------------------------------------------------------------- ending

  private async removeContainers(task: Task): Promise<void> {
    const ids = task.containers.map((c) => c.dockerId).filter((x): x is string => !!x)
    if (ids.length) await docker(['rm', '-f', ...ids])
  }

  private fail(task: Task, stopCode: string, reason: string, c?: TaskContainer): void {
    this.ctx.log(`task ${task.taskId}: ${reason}`)
    task.desiredStatus = 'STOPPED'
    task.stoppingAt ??= new Date()
    // A user stop that raced the failure keeps its own code and reason.
    if (task.stopCode !== 'UserInitiated' && task.stopCode !== 'SpotInterruption') {
      task.stopCode = stopCode
      task.stoppedReason = reason
    }
    if (c) c.reason = reason
    this.finish(task)
  }

  private finish(task: Task): void {
    const now = new Date()
    task.desiredStatus = 'STOPPED'
    task.stoppingAt ??= now
    task.executionStoppedAt ??= now
    task.stoppedAt = now
    for (const c of task.containers) c.lastStatus = 'STOPPED'
    task.attachmentStatus = 'DELETED'
    const eni = this.ctx.ec2.enis.get(task.eniId)
    const holds = this.ctx.behaviour.eniHoldsGroupDeletes
    if (eni && holds > 0) {
      eni.Status = 'available'
      eni.releasedAfterDeletes = holds
    } else this.ctx.ec2.enis.delete(task.eniId)
    this.setStatus(task, 'STOPPED')
  }
}

/** "2024-01-02T03:04:05.123456789Z message" → event; docker's nanoseconds are cut to CloudWatch's milliseconds. */
export function parseDockerLogLine(line: string): LogEvent | undefined {
  const space = line.indexOf(' ')
  const stamp = space > 0 ? line.slice(0, space) : line
  const ms = Date.parse(stamp.replace(/(\.\d{3})\d*Z$/, '$1Z'))
  if (Number.isNaN(ms)) return undefined
  return { timestamp: ms, message: space > 0 ? line.slice(space + 1) : '', ingestionTime: Date.now() }
}
