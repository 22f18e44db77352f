// Where pushed images live: a data directory (a temporary one unless the caller names one) and the real
// registry serving it, which accepts a push only to a repository that ECR knows.
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startRegistry, type Registry } from './registry.js'
import type { EcrState } from './state/ecr.js'

export interface Storage {
  registry: Registry
  dataDir: string
  /** True when the data directory is a temporary one made here, to be removed at stop. */
  ownDataDir: boolean
}

export interface StorageOptions {
  dataDir?: string
  registryPort?: number
  accountId: string
  ecr: EcrState
  log: (line: string) => void
}

export async function startStorage(o: StorageOptions): Promise<Storage> {
  const ownDataDir = !o.dataDir
  const dataDir = o.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'local-aws-')))
  const registry = await startRegistry({
    dataDir,
    port: o.registryPort || 0,
    accountId: o.accountId,
    repositoryExists: (name) => o.ecr.repositories.has(name),
    log: o.log
  })
  return { registry, dataDir, ownDataDir }
}
