// The inputs of stop mode: the tasks to stop (task-arn), or, without any, the family's tasks (deploy.ts reads
// the family, common.ts the cluster and started-by).
import { parseList, type Reader } from './reader.js'
import type { ModeRules, StopInputs } from './types.js'

export const STOP_MODE: ModeRules = {
  mode: 'stop',
  needsRegion: true,
  needsRepository: false,
  takesTaskArns: true
}

const TASK_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/(?:[A-Za-z0-9_-]+\/)?[A-Za-z0-9]+$/
const TASK_ID = /^[a-f0-9]{32}$/

export function readStopInputs(r: Reader, rules: ModeRules, family: string): StopInputs {
  let taskArns: string[] = []
  const text = r.raw('task-arn')
  if (text !== '') {
    const parsed = parseTaskArns(text)
    if (typeof parsed === 'string') r.fail('task-arn', parsed)
    else taskArns = parsed
    for (const arn of taskArns) {
      if (!TASK_ARN.test(arn) && !TASK_ID.test(arn))
        r.fail('task-arn', `'${arn}' is not an ECS task ARN or task ID`)
    }
  }
  if (taskArns.length > 0 && !rules.takesTaskArns) r.fail('task-arn', 'is only used with mode stop')
  // Without a family, stop mode would stop every task the action ever started in the cluster.
  if (rules.takesTaskArns && text === '' && family === '') {
    r.fail('task-arn', 'is empty, so mode stop needs family (or repository) to know which tasks to stop')
  }
  return { taskArns }
}

/** Task ARNs or IDs, as lines, commas or a JSON array (the task-arns output of a deploy step). */
export function parseTaskArns(text: string): string[] | string {
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) {
        return parsed.map((item) => item.trim()).filter((item) => item !== '')
      }
    } catch {
      // reported below
    }
    return 'must be a JSON array of strings, or one ARN per line'
  }
  return parseList(text)
}
