// Thin wrappers over the docker CLI. DOCKER_HOST comes from the environment the local AWS was started in.
import { execFile, spawn, type ChildProcess } from 'node:child_process'

export interface DockerResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `docker ARGS`; never rejects, the caller decides what a non-zero exit means. */
export function docker(
  args: string[],
  opts: { configDir?: string; input?: string; timeoutMs?: number } = {}
): Promise<DockerResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'docker',
      opts.configDir ? ['--config', opts.configDir, ...args] : args,
      { maxBuffer: 256 * 1024 * 1024, timeout: opts.timeoutMs ?? 0 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      }
    )
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}

/** Spawns a long-running docker command (logs -f, wait) whose lifetime the caller manages. */
export function dockerSpawn(args: string[]): ChildProcess {
  return spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] })
}
