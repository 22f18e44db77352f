// IAM is eventually consistent: a role created moments ago may not be assumable yet by the service it is passed
// to. The calls that pass a new role (RunTask, the Express Mode create and update, CreateSchedule) retry while
// the service says so, waiting 2, 4, 6… s in between; any other error, or a role that is not new, fails at once.
import type { Clock } from './clock.js'

export interface RoleRetries {
  clock: Clock
  /** The role was created by this run (or adopted from a concurrent one): retry; otherwise never. */
  newRole?: boolean
  /** How many retries at most (5 unless given: 30 s in all). */
  roleRetries?: number
}

export async function retryWhileRoleIsNew<T>(
  call: () => Promise<T>,
  notAssumableYet: (error: Error) => boolean,
  options: RoleRetries
): Promise<T> {
  const retries = options.newRole ? (options.roleRetries ?? 5) : 0
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (attempt > retries || !(error instanceof Error) || !notAssumableYet(error)) throw error
      await options.clock.sleep(2000 * attempt)
    }
  }
}
