// Reads every input once into a typed object, validating all of them and reporting every problem together.
// This module must stay free of heavy imports: it runs before anything else is loaded (see index.ts).
// Each concern reads its own inputs (common.ts, deploy.ts, capacity.ts, stop.ts, permissions.ts, preview.ts,
// service.ts); a new mode adds its rules to MODE_RULES and, when it has inputs of its own, a file that reads them.
import { readCapacityInputs } from './capacity.js'
import { readCommonInputs } from './common.js'
import { DEFAULTS } from './defaults.js'
import { DEPLOY_MODE, readDeployInputs } from './deploy.js'
import { readExistingServiceInputs } from './existing-service.js'
import { readForkCodeInputs } from './fork-code.js'
import { PERMISSIONS_MODE } from './permissions.js'
import { readPreviewInputs } from './preview.js'
import { Reader } from './reader.js'
import { runOf } from './run.js'
import { readScheduleInputs } from './schedule.js'
import { readServiceInputs } from './service.js'
import { STOP_MODE, readStopInputs } from './stop.js'
import { MODES, type Inputs, type Mode, type ModeRules, type ParseContext } from './types.js'

export { CPU_ARCHITECTURES } from './capacity.js'
export { runOf } from './run.js'
export type { DeployRun, PermissionsRun, Run, StopRun, Target } from './run.js'
export { DEFAULTS, FALLBACKS, familyFromRepository } from './defaults.js'
export { managesExecutionRole } from './deploy.js'
export { BASE_CREDENTIAL_EVENTS, codeOrigin, forkCodeProblem } from './fork-code.js'
export { InputError, inputFromEnv, parseCommand, parseKeyValueLines, parseList } from './reader.js'
export { parseTaskArns, taskReferenceProblem } from './stop.js'
export { PULL_REQUEST_EVENTS, TTL_CONTAINER_NAME, formatTtl, managesTtlRole, parseTtl } from './preview.js'
export { topicArnProblem } from './schedule.js'
export { managesInfrastructureRole } from './service.js'
export { CAPACITIES, MODES, PLATFORMS, WAIT_FOR } from './types.js'
export type {
  Capacity,
  CapacityInputs,
  CommonInputs,
  DeployInputs,
  ExistingServiceInputs,
  ForkCodeInputs,
  Inputs,
  KeyValue,
  Mode,
  ModeRules,
  ParseContext,
  Platform,
  PreviewInputs,
  ScheduleInputs,
  Secret,
  ServiceInputs,
  StopInputs,
  Tag,
  TaskDefinitionTemplate,
  WaitFor
} from './types.js'

export const MODE_RULES: Readonly<Record<Mode, ModeRules>> = {
  deploy: DEPLOY_MODE,
  stop: STOP_MODE,
  permissions: PERMISSIONS_MODE
}

/** Reads and validates every input; throws one InputError naming every problem. */
export function parseInputs(get: (name: string) => string, context: ParseContext): Inputs {
  const r = new Reader(get)
  const rules = MODE_RULES[r.oneOf('mode', MODES, DEFAULTS.mode)]
  const common = readCommonInputs(r, rules, context.env)
  const deploy = readDeployInputs(r, rules, context)
  const capacity = readCapacityInputs(r, deploy.taskDefinitionTemplate)
  const stop = readStopInputs(r, rules, deploy.family)
  const service = readServiceInputs(r, rules, deploy)
  const preview = readPreviewInputs(r, rules, context.env, deploy.containerName, service.serviceName)
  const forkCode = readForkCodeInputs(r, rules, context)
  const schedule = readScheduleInputs(r, rules, {
    region: common.region,
    serviceName: service.serviceName,
    preview: preview.preview
  })
  const existing = readExistingServiceInputs(r, service.serviceName)
  // CreateExpressGatewayService takes no capacity provider strategy: a service runs on Fargate on-demand.
  if (capacity.capacity === 'spot' && service.serviceName) {
    r.fail('capacity', 'spot runs tasks only: an Express Mode service runs on Fargate on-demand')
  }
  r.throwProblems()
  const run = runOf(common.mode, service.serviceName, preview.preview, schedule.schedule)
  return {
    ...common,
    ...deploy,
    ...capacity,
    ...stop,
    ...preview,
    ...service,
    ...existing,
    ...forkCode,
    ...schedule,
    run
  }
}
