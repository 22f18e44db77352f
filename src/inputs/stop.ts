// The inputs of stop mode: the tasks to stop (task-arn), or, without any, the family's tasks (deploy.ts reads
// the family, common.ts the cluster and started-by).
import { isArn, isAwsPartition, parseArn } from '../shared/arn.js'
import { ECS_NAME } from './common.js'
import { parseList, type Reader } from './reader.js'
import type { ModeRules, StopInputs } from './types.js'

export const STOP_MODE: ModeRules = {
  mode: 'stop',
  needsRegion: true,
  needsRepository: false,
  takesTaskArns: true
}

/** A task ID given alone: 32 hexadecimal characters, or the older UUID form. */
const TASK_ID = /^(?:[a-f0-9]{32}|[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})$/
/** The ID inside a task ARN: its structure is checked, not its shape (other ECS implementations differ). */
const ARN_TASK_ID = /^[A-Za-z0-9_-]+$/
const ACCOUNT = /^\d{12}$/
/** Any partition's region names (us-east-1, cn-north-1, us-gov-west-1, us-isob-east-1, eusc-de-east-1). */
const ARN_REGION = /^[a-z]+(?:-[a-z]+)+-\d+$/
const TASK_ARN_FORMS =
  'arn:PARTITION:ecs:REGION:ACCOUNT:task/ID or arn:PARTITION:ecs:REGION:ACCOUNT:task/CLUSTER/ID ' +
  '(PARTITION aws, aws-cn, aws-us-gov or another aws-*; ACCOUNT 12 digits), or the task ID alone'

export function readStopInputs(r: Reader, rules: ModeRules, family: string): StopInputs {
  let taskArns: string[] = []
  const text = r.raw('task-arn')
  if (text !== '') {
    const parsed = parseTaskArns(text)
    if (typeof parsed === 'string') r.fail('task-arn', parsed)
    else taskArns = parsed
    for (const arn of taskArns) {
      const problem = taskReferenceProblem(arn)
      if (problem) {
        r.fail('task-arn', `'${arn}' is not an ECS task ARN or task ID: ${problem}; use ${TASK_ARN_FORMS}`)
      }
    }
  }
  if (taskArns.length > 0 && !rules.takesTaskArns) r.fail('task-arn', 'is only used with mode stop')
  // Without a family, stop mode would stop every task the action ever started in the cluster (with
  // service, it deletes that service instead: service.ts).
  if (rules.takesTaskArns && text === '' && family === '' && r.raw('service') === '') {
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

/**
 * What is wrong with a task reference, or undefined when it is a task ARN (checked by its structure:
 * arn:PARTITION:ecs:REGION:ACCOUNT:task/[CLUSTER/]ID) or a task ID.
 */
export function taskReferenceProblem(value: string): string | undefined {
  if (!isArn(value)) {
    return TASK_ID.test(value)
      ? undefined
      : 'it is not an ARN, and not a task ID (32 hexadecimal characters, or 8-4-4-4-12 of them)'
  }
  const arn = parseArn(value)
  if (!arn) return 'an ARN has six parts separated by :'
  if (!isAwsPartition(arn.partition)) {
    return `the partition '${arn.partition}' is not aws, aws-cn, aws-us-gov or another aws-* partition`
  }
  if (arn.service !== 'ecs') return `the service '${arn.service}' is not ecs`
  if (!ARN_REGION.test(arn.region)) return `the region '${arn.region}' is not a region name such as us-east-1`
  if (!ACCOUNT.test(arn.account)) return `the account '${arn.account}' is not 12 digits`
  const [kind, ...path] = arn.resource.split('/')
  if (kind !== 'task' || path.length < 1 || path.length > 2) {
    return `the resource '${arn.resource}' is not task/ID or task/CLUSTER/ID`
  }
  const id = path[path.length - 1] ?? ''
  if (path.length === 2 && !ECS_NAME.test(path[0] ?? '')) {
    return `the cluster '${path[0]}' is not a cluster name (letters, digits, - and _, at most 255)`
  }
  if (!ARN_TASK_ID.test(id)) return `the task ID '${id}' is empty or not letters, digits, - and _`
  return undefined
}
