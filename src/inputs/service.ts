// The inputs of service mode: `service` names an ECS Express Mode service that deploy creates or updates and
// stop deletes; the infrastructure role and the scaling. The scaling limits are written once in
// shared/express-scaling.ts and checked here, before any AWS call. Inputs that only tasks use are refused
// with a service, and the scaling inputs without one, so that a mix-up fails early and says why.
import { isArn } from '../shared/arn.js'
import { SCALE_ON, scalingProblems, type ScaleOn } from '../shared/express-scaling.js'
import { ECS_NAME } from './common.js'
import { isRole } from './deploy.js'
import { DEFAULTS } from './defaults.js'
import type { Reader } from './reader.js'
import type { DeployInputs, Inputs, ModeRules, ServiceInputs } from './types.js'

/** The container a custom task definition must name for Express Mode (CreateExpressGatewayService). */
export const EXPRESS_CONTAINER_NAME = 'Main'

/**
 * Whether the action manages the infrastructure role: given by name (looked up, created when missing) with
 * create-infrastructure-role true. A role given as an ARN, or with create-infrastructure-role false, is the user's.
 */
export function managesInfrastructureRole(
  inputs: Pick<Inputs, 'infrastructureRole' | 'createInfrastructureRole'>
): boolean {
  return !isArn(inputs.infrastructureRole) && inputs.createInfrastructureRole
}

export function readServiceInputs(r: Reader, rules: ModeRules, deploy: DeployInputs): ServiceInputs {
  const serviceName = r.optional('service')
  r.matching(
    'service',
    serviceName ?? '',
    ECS_NAME,
    'a valid service name (letters, digits, - and _, at most 255)'
  )

  const infrastructureRole = r.raw('infrastructure-role') || DEFAULTS['infrastructure-role']
  if (!isRole(infrastructureRole)) {
    r.fail('infrastructure-role', `'${infrastructureRole}' is not an IAM role name or role ARN`)
  }
  const createInfrastructureRole = r.boolean(
    'create-infrastructure-role',
    DEFAULTS['create-infrastructure-role']
  )

  const minTasks = wholeNumber(r, 'min-tasks') ?? DEFAULTS['min-tasks']
  const maxTasks = wholeNumber(r, 'max-tasks') ?? minTasks
  const scaleOn = (r.optional('scale-on') as ScaleOn | undefined) ?? undefined
  const scaleTarget = wholeNumber(r, 'scale-target')
  for (const problem of scalingProblems({ minTasks, maxTasks, scaleOn, scaleTarget })) {
    const [name = '', ...message] = problem.split(': ')
    // An empty max-tasks is min-tasks: its problem is min-tasks's, said once.
    if (name === 'max-tasks' && r.raw('max-tasks') === '') continue
    r.fail(name, message.join(': '))
  }

  if (serviceName) checkServiceCombination(r, rules, deploy)
  else {
    // Scaling inputs without a service would be ignored: say so rather than run one task silently.
    for (const name of ['max-tasks', 'scale-on', 'scale-target']) {
      if (r.raw(name) !== '') r.fail(name, 'is only used with service (an ECS Express Mode service)')
    }
  }

  return {
    serviceName,
    infrastructureRole,
    createInfrastructureRole,
    minTasks,
    maxTasks,
    scaleOn: scaleOn && (SCALE_ON as readonly string[]).includes(scaleOn) ? scaleOn : undefined,
    scaleTarget
  }
}

/** A whole number, or undefined when empty; anything else is a problem (the limits come from scalingProblems). */
function wholeNumber(r: Reader, name: string): number | undefined {
  const text = r.raw(name)
  if (text === '') return undefined
  if (!/^\d+$/.test(text)) {
    r.fail(name, `'${text}' is not a whole number`)
    return undefined
  }
  return Number(text)
}

/** What does not go with a service: the inputs of one-off tasks, and a template Express Mode cannot take. */
function checkServiceCombination(r: Reader, rules: ModeRules, deploy: DeployInputs): void {
  // The runner passes action.yml's default (1) when count is not set: only another value is a mix-up.
  if (r.raw('count') !== '' && r.raw('count') !== String(DEFAULTS.count)) {
    r.fail('count', 'is for one-off tasks; with service, set min-tasks and max-tasks')
  }
  if (deploy.waitFor === 'stopped') {
    r.fail('wait-for', 'stopped is for one-off tasks; a service keeps running (use running, healthy or none)')
  }
  if (rules.takesTaskArns && r.raw('task-arn') !== '') {
    r.fail(
      'task-arn',
      'is for one-off tasks; with service, mode stop deletes the service (leave task-arn empty)'
    )
  }
  if (rules.mode === 'deploy' && deploy.taskDefinitionTemplate) {
    if (deploy.containerName !== EXPRESS_CONTAINER_NAME) {
      r.fail(
        'container-name',
        `'${deploy.containerName}': with service and task-definition, Express Mode needs the container named ${EXPRESS_CONTAINER_NAME}`
      )
    }
    if (deploy.port === undefined) {
      r.fail(
        'port',
        'is required with service and task-definition (Express Mode needs one named port mapping)'
      )
    }
  }
}
