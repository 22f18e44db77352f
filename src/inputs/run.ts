// What kind of run the inputs ask for, decided once by parseInputs: the action, what it acts on, and whether it
// is a pull request's preview. plans/factory.ts switches on it (the compiler checks every kind is handled).
// Type-only for the layers above, plus the one function that decides it.
/**
 * What a deploy or stop acts on: the tasks of a family, or a service by name. An existing standard ECS service
 * is still `service` (told apart at run time by a look-up, in the service plan); a scheduled job is `tasks` with
 * its `schedule` expression (deploy makes or moves the schedule, stop deletes it).
 */
export type Target = { kind: 'tasks'; schedule?: string } | { kind: 'service'; name: string }

export type DeployRun = { action: 'deploy'; target: Target; preview: boolean }
export type StopRun = { action: 'stop'; target: Target; preview: boolean }
export type PermissionsRun = { action: 'permissions' }

export type Run = DeployRun | StopRun | PermissionsRun

/** The run the parsed inputs ask for. */
export function runOf(
  mode: Run['action'],
  serviceName: string | undefined,
  preview: boolean,
  schedule?: string
): Run {
  if (mode === 'permissions') return { action: 'permissions' }
  const target: Target =
    serviceName !== undefined
      ? { kind: 'service', name: serviceName }
      : schedule !== undefined
        ? { kind: 'tasks', schedule }
        : { kind: 'tasks' }
  return { action: mode, target, preview }
}
