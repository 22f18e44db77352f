// A real Docker registry (distribution 2.x) standing in for ECR's data plane, with htpasswd auth whose single
// user "AWS" mirrors ECR's token scheme: GetAuthorizationToken hands out base64("AWS:" + password).
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { mkdir, writeFile, rm } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import bcrypt from 'bcryptjs'
import { docker } from './docker.js'

export interface ImageInfo {
  digest: string
  tags: string[]
  sizeBytes: number
  pushedAt: Date
  mediaType: string
}

export interface Registry {
  host: string
  password: string
  /** DOCKER_CONFIG directory logged in to this registry, used to pull task images. */
  dockerConfigDir: string
  images(repository: string): ImageInfo[]
  /** The manifest of an image (as pushed, JSON text), for BatchGetImage. */
  manifest?(repository: string, digest: string): string | undefined
  deleteRepository(repository: string): Promise<void>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export interface RegistryOptions {
  dataDir: string
  /**
   * The public port (the ECR front); 0 or absent: one the system picks as the front listens, so that no other
   * process can take it in between. The registry itself listens on a private free port behind it.
   */
  port?: number
  accountId: string
  /** Whether an ECR repository of this name exists: pushes and pulls to others fail as on ECR. */
  repositoryExists: (name: string) => boolean
  log: (l: string) => void
}

export async function startRegistry({
  dataDir,
  port,
  accountId,
  repositoryExists,
  log
}: RegistryOptions): Promise<Registry> {
  const password = randomBytes(18).toString('base64url')
  const storage = path.join(dataDir, 'registry')
  const dockerConfigDir = path.join(dataDir, 'docker-config')
  await mkdir(storage, { recursive: true })
  await mkdir(dockerConfigDir, { recursive: true })
  // The registry reads htpasswd once at start, so it must exist before spawning. Cost 6: the registry checks
  // the bcrypt hash on every request of a push, and this is a throwaway local password.
  await writeFile(path.join(dataDir, 'htpasswd'), `AWS:${bcrypt.hashSync(password, 6)}\n`)
  const backend = `127.0.0.1:${await freePort()}`
  // The front first, holding its port from now on; it forwards to the backend once that answers.
  const front = await startFront(port ?? 0, backend, accountId, repositoryExists)
  const host = `127.0.0.1:${(front.address() as net.AddressInfo).port}`
  const config = [
    'version: 0.1',
    'log: {level: warn, accesslog: {disabled: true}}',
    `storage: {filesystem: {rootdirectory: ${JSON.stringify(storage)}}, delete: {enabled: true}}`,
    // relativeurls: upload Location headers must not name the backend port the clients never see.
    `http: {addr: ${JSON.stringify(backend)}, relativeurls: true, secret: ${JSON.stringify(randomBytes(16).toString('hex'))}}`,
    `auth: {htpasswd: {realm: local-ecr, path: ${JSON.stringify(path.join(dataDir, 'htpasswd'))}}}`
  ].join('\n')
  const configPath = path.join(dataDir, 'registry.yml')
  await writeFile(configPath, config + '\n')

  const proc = spawn('/usr/bin/docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stdout?.on('data', (d: Buffer) => log(`registry: ${d.toString().trimEnd()}`))
  proc.stderr?.on('data', (d: Buffer) => log(`registry: ${d.toString().trimEnd()}`))
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  try {
    await waitForRegistry(backend, proc)
  } catch (error) {
    front.close()
    proc.kill('SIGTERM')
    throw error
  }

  const login = await docker(['login', '-u', 'AWS', '--password-stdin', host], {
    configDir: dockerConfigDir,
    input: password
  })
  if (login.code !== 0) {
    front.close()
    proc.kill('SIGTERM')
    throw new Error(`docker login to the local registry failed: ${login.stderr}`)
  }
  const repoRoot = path.join(storage, 'docker/registry/v2/repositories')
  const blobPath = (digest: string): string => {
    const hexd = digest.replace(/^sha256:/, '')
    return path.join(storage, 'docker/registry/v2/blobs/sha256', hexd.slice(0, 2), hexd, 'data')
  }

  return {
    host,
    password,
    dockerConfigDir,
    images: (repository) => readImages(path.join(repoRoot, repository), blobPath),
    manifest: (repository, digest) =>
      readImages(path.join(repoRoot, repository), blobPath).some((image) => image.digest === digest)
        ? tryOr(() => readFileSync(blobPath(digest), 'utf8'), undefined)
        : undefined,
    async deleteRepository(repository) {
      await rm(path.join(repoRoot, repository), { recursive: true, force: true })
    },
    async stop() {
      front.closeAllConnections()
      await new Promise<void>((resolve) => front.close(() => resolve()))
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM')
        await exited
      }
    }
  }
}

/**
 * ECR's data plane in front of the registry: a pass-through proxy that, like ECR, refuses authenticated
 * requests for repositories that were never created with CreateRepository (the registry itself would accept
 * any name on push).
 */
async function startFront(
  port: number,
  backend: string,
  accountId: string,
  repositoryExists: (name: string) => boolean
): Promise<http.Server> {
  const [backendHost, backendPort] = backend.split(':')
  const server = http.createServer((req, res) => {
    const name = /^\/v2\/(.+?)\/(?:blobs|manifests|tags)\//.exec(req.url ?? '')?.[1]
    // Unauthenticated requests go through so the registry answers its 401 challenge first, as ECR does.
    if (name && req.headers.authorization && !repositoryExists(name)) {
      res.writeHead(404, {
        'content-type': 'application/json',
        'docker-distribution-api-version': 'registry/2.0'
      })
      const message = `The repository with name '${name}' does not exist in the registry with id '${accountId}'`
      res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message, detail: { name } }] }))
      return
    }
    const upstream = http.request(
      {
        host: backendHost,
        port: Number(backendPort),
        method: req.method,
        path: req.url,
        headers: req.headers
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      }
    )
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(String(err))
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return server
}

async function waitForRegistry(host: string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited with code ${proc.exitCode}`)
    try {
      const res = await fetch(`http://${host}/v2/`)
      // 401 is the expected answer of an auth-protected registry that is up.
      if (res.status === 401 || res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('docker-registry did not start within 15s')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Reads a repository's images straight from the registry's filesystem layout:
 * _manifests/revisions/sha256/<hex> lists every manifest pushed, _manifests/tags/<tag>/current/link points a tag
 * at one. Reading storage avoids an auth round trip and gives push times (link mtimes); it is synchronous so
 * state() snapshots can include images.
 */
function readImages(repoDir: string, blobPath: (d: string) => string): ImageInfo[] {
  const revDir = path.join(repoDir, '_manifests/revisions/sha256')
  const tagDir = path.join(repoDir, '_manifests/tags')
  const revisions = tryOr(() => readdirSync(revDir), [] as string[])
  const tagNames = tryOr(() => readdirSync(tagDir), [] as string[])
  const tagsByDigest = new Map<string, string[]>()
  for (const tag of tagNames) {
    const link = tryOr(() => readFileSync(path.join(tagDir, tag, 'current/link'), 'utf8'), undefined)
    if (!link) continue
    tagsByDigest.set(link.trim(), [...(tagsByDigest.get(link.trim()) ?? []), tag])
  }
  const images: ImageInfo[] = []
  for (const hexd of revisions) {
    const digest = `sha256:${hexd}`
    const linkStat = tryOr(() => statSync(path.join(revDir, hexd, 'link')), undefined)
    if (!linkStat) continue // deleted manifest
    let sizeBytes = 0
    let mediaType = 'application/vnd.docker.distribution.manifest.v2+json'
    try {
      const manifest = JSON.parse(readFileSync(blobPath(digest), 'utf8')) as {
        mediaType?: string
        config?: { size?: number }
        layers?: Array<{ size?: number }>
      }
      mediaType = manifest.mediaType ?? mediaType
      sizeBytes =
        (manifest.config?.size ?? 0) + (manifest.layers ?? []).reduce((s, l) => s + (l.size ?? 0), 0)
    } catch {
      // manifest blob unreadable: report size 0 rather than fail the listing
    }
    images.push({
      digest,
      tags: (tagsByDigest.get(digest) ?? []).sort(),
      sizeBytes,
      pushedAt: linkStat.mtime,
      mediaType
    })
  }
  return images.sort((a, b) => a.pushedAt.getTime() - b.pushedAt.getTime())
}

function tryOr<T>(f: () => T, fallback: T): T {
  try {
    return f()
  } catch {
    return fallback
  }
}
