// A scheduled job removed: its EventBridge Scheduler schedule and its failure rule deleted, either already gone
// being fine. Mode stop with schedule does it, and a task deploy without schedule of a family whose latest
// revision was a scheduled job's (modes/deploy.ts).
import type { EventBridgeFactory, SchedulerFactory } from '../aws/clients.js'
import { deleteFailureNotifications } from '../aws/events.js'
import { deleteJobSchedule } from '../aws/job-schedule.js'
import { jobName } from '../shared/job-schedule.js'
import type { Reporter } from './types.js'

export interface JobStopResult {
  scheduleName: string
  scheduleDeleted: boolean
  ruleDeleted: boolean
}

/** Deletes the job's schedule and its failure rule; either already gone is fine. */
export async function deleteJob(
  clients: { scheduler: SchedulerFactory; events: EventBridgeFactory },
  job: { cluster: string; family: string },
  reporter: Pick<Reporter, 'info'>
): Promise<JobStopResult> {
  const scheduleName = jobName(job.cluster, job.family)
  const scheduleDeleted = await deleteJobSchedule(await clients.scheduler(), job)
  const ruleDeleted = await deleteFailureNotifications(await clients.events(), job)
  reporter.info(
    scheduleDeleted ? `Deleted schedule ${scheduleName}` : `Schedule ${scheduleName} was already gone`
  )
  if (ruleDeleted) reporter.info(`Deleted the failure notifications of ${scheduleName}`)
  return { scheduleName, scheduleDeleted, ruleDeleted }
}
