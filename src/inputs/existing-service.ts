// The inputs of an existing standard ECS service (issue 20): a service Terraform, CDK, CloudFormation or the
// console made, which `service: NAME` updates when the look-up finds one (plans/existing-service.ts). Whether the
// named service is standard or Express Mode is known only at run time, so these inputs are read whenever
// `service` is set, and ignored by Express Mode's plan (it says so). cpu, memory and container-name have
// defaults for tasks; for an existing service they change the revision only when given, so their givenness is
// read here.
import { DEFAULTS } from './defaults.js'
import { parseCommand } from './reader.js'
import type { Reader } from './reader.js'
import type { ExistingServiceInputs } from './types.js'

/** UpdateService's desiredCount: 0 to 5000 (ECS's per-service task limit). */
const DESIRED_COUNT_MAX = 5000

export function readExistingServiceInputs(r: Reader, serviceName: string | undefined): ExistingServiceInputs {
  const desiredText = r.raw('desired-count')
  let desiredCount: number | undefined
  if (desiredText !== '') {
    if (!/^\d+$/.test(desiredText) || Number(desiredText) > DESIRED_COUNT_MAX) {
      r.fail('desired-count', `'${desiredText}' is not a whole number from 0 to ${DESIRED_COUNT_MAX}`)
    } else desiredCount = Number(desiredText)
  }
  const rollbackOnTimeout = r.boolean('rollback-on-timeout', DEFAULTS['rollback-on-timeout'])
  const scaleToZero = r.boolean('scale-to-zero', DEFAULTS['scale-to-zero'])
  const releaseText = r.raw('release-command')
  let releaseCommand: string[] | undefined
  if (releaseText !== '') {
    const parsed = parseCommand(releaseText)
    if (typeof parsed === 'string') r.fail('release-command', parsed)
    else releaseCommand = parsed
  }
  if (!serviceName) {
    // release-command also runs before one-off tasks start (modes/deploy.ts).
    for (const name of ['desired-count', 'rollback-on-timeout', 'scale-to-zero']) {
      if (r.raw(name) !== '' && r.raw(name) !== 'false') {
        r.fail(name, 'is only used with service (an existing ECS service)')
      }
    }
  }
  return {
    desiredCount,
    rollbackOnTimeout,
    scaleToZero,
    releaseCommand,
    given: {
      containerName: r.raw('container-name') !== '',
      cpu: r.raw('cpu') !== '',
      memory: r.raw('memory') !== ''
    }
  }
}
