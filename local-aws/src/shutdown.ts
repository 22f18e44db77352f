// Stopping a local AWS leaves the engine and the disk as found: the schedules' timers cancelled, the Express fronts closed, task containers removed (and the images they
// pulled untagged), the images tagged for this registry untagged, the registry and the server stopped, and a
// temporary data directory removed.
import { rm } from 'node:fs/promises'
import { docker } from './docker.js'
import type { HttpServer } from './http-server.js'
import type { ScheduleRunner } from './schedule-runner.js'
import type { ServiceControllers } from './service-controller.js'
import type { StandardControllers } from './standard-controller.js'
import type { Storage } from './storage.js'
import type { TaskRunner } from './task-runner.js'

export interface Running {
  runner: TaskRunner
  services: ServiceControllers
  standardServices: StandardControllers
  schedules: ScheduleRunner
  storage: Storage
  server: HttpServer
}

export async function shutDown({
  runner,
  services,
  standardServices,
  schedules,
  storage,
  server
}: Running): Promise<void> {
  schedules.closeAll()
  await services.closeAll()
  await standardServices.closeAll()
  await runner.stopAll()
  await untagRegistryImages(storage.registry.host)
  await storage.registry.stop()
  await server.close()
  if (storage.ownDataDir) await rm(storage.dataDir, { recursive: true, force: true })
}

/**
 * Untags the images named after this instance's registry (what a client tagged to push here): its port dies with
 * it, so the tags would only pile up in the engine. The images themselves stay under their other names.
 */
async function untagRegistryImages(registryHost: string): Promise<void> {
  const listed = await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])
  const refs = listed.stdout.split('\n').filter((ref) => ref.startsWith(`${registryHost}/`))
  if (refs.length > 0) await docker(['rmi', ...refs])
}
