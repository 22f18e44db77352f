// Docker login, build, tag and push, in a Docker config folder of the action's own so that concurrent jobs
// on one runner never see, or log out, each other's registries.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { CommandRunner } from './command-runner.js'

export interface RegistryLogin {
  /** host[:port] as docker names it, without a scheme */
  registryHost: string
  username: string
  password: string
}

/**
 * Creates RUNNER_TEMP/ecs-fargate-deploy-XXXX/ seeded with the user's config.json (so other logins and
 * credential helpers still serve a build) and links to their cli-plugins and buildx state.
 */
export function createDockerConfigDir(
  tempRoot: string,
  userConfigDir: string = defaultUserConfigDir()
): string {
  mkdirSync(tempRoot, { recursive: true })
  const dir = mkdtempSync(join(tempRoot, 'ecs-fargate-deploy-docker-'))
  const userConfig = join(userConfigDir, 'config.json')
  writeFileSync(join(dir, 'config.json'), existsSync(userConfig) ? readFileSync(userConfig) : '{}\n', {
    mode: 0o600
  })
  for (const shared of ['cli-plugins', 'buildx', 'contexts']) {
    const source = join(userConfigDir, shared)
    if (existsSync(source)) symlinkSync(source, join(dir, shared))
  }
  return dir
}

export function defaultUserConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['DOCKER_CONFIG'] || join(homedir(), '.docker')
}

export function removeDockerConfigDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** The registry host docker logs in to, from ECR's proxyEndpoint (https://123.dkr.ecr.us-east-1.amazonaws.com). */
export function registryHostFromEndpoint(proxyEndpoint: string): string {
  return proxyEndpoint.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '')
}

/** Reads the digest docker push prints: "latest: digest: sha256:… size: 528". */
export function digestFromPushOutput(output: string): string | undefined {
  return /digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1]
}

export class Docker {
  private readonly env: Record<string, string>

  constructor(
    private readonly runner: CommandRunner,
    readonly configDir: string
  ) {
    this.env = { DOCKER_CONFIG: configDir }
  }

  async login({ registryHost, username, password }: RegistryLogin): Promise<void> {
    await this.runner.run('docker', ['login', '--username', username, '--password-stdin', registryHost], {
      input: password,
      env: this.env,
      silent: true
    })
  }

  async logout(registryHost: string): Promise<void> {
    await this.runner.run('docker', ['logout', registryHost], { env: this.env, silent: true })
  }

  /** Builds for the platform given (docker build --platform), the one the task definition runs on. */
  async build(
    context: string,
    dockerfile: string | undefined,
    imageRef: string,
    platform?: string
  ): Promise<void> {
    const fileArgs = dockerfile ? ['--file', dockerfile] : []
    const platformArgs = platform ? ['--platform', platform] : []
    await this.runner.run('docker', ['build', ...fileArgs, ...platformArgs, '--tag', imageRef, context], {
      env: this.env
    })
  }

  /** The os/architecture[/variant] of a local image, from its configuration. */
  async imagePlatform(imageRef: string): Promise<string> {
    const { stdout } = await this.runner.run(
      'docker',
      [
        'image',
        'inspect',
        '--format',
        '{{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}}',
        imageRef
      ],
      { env: this.env, silent: true }
    )
    return stdout.trim()
  }

  async tag(source: string, target: string): Promise<void> {
    await this.runner.run('docker', ['tag', source, target], { env: this.env })
  }

  /** Pushes and returns the digest the registry answered with. */
  async push(imageRef: string): Promise<string | undefined> {
    const { stdout } = await this.runner.run('docker', ['push', imageRef], { env: this.env })
    return digestFromPushOutput(stdout)
  }
}
