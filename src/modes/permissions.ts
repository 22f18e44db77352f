// mode: permissions prints the least-privilege policy for the inputs and the one-time setup an administrator
// applies (policy/setup: a CloudFormation template, the same as AWS CLI commands, the deploy role's trust
// policy), and changes nothing in AWS: at most it asks STS who the caller is (a call every identity may make)
// to put the real account id in the ARNs.
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { managesExecutionRole, type Inputs } from '../inputs/inputs.js'
import {
  ACCOUNT_PLACEHOLDER,
  executionRoleDocuments,
  policyFor,
  scopeFor,
  type PolicyDocument
} from '../policy/permissions.js'
import type { RevisionScope } from '../aws/service-revision.js'
import type { OutputName } from '../shared/outputs.js'
import {
  REPOSITORY_PLACEHOLDER,
  buildSetup,
  setupCliCommands,
  setupTemplate,
  type GitHubContext,
  type WebIdentityTrustPolicy
} from '../policy/setup.js'
import { securityRequest } from '../policy/request.js'

/** The file the setup-template output names, under RUNNER_TEMP. */
export const SETUP_TEMPLATE_FILE = 'ecs-fargate-deploy-setup.json'

export interface PermissionsModeDeps {
  /** sts:GetCallerIdentity; absent, failing or answering nothing means the placeholder account. */
  getAccountId?: () => Promise<string | undefined>
  setOutput: (name: OutputName, value: string) => void
  writeSummary: (markdown: string) => Promise<void>
  info: (message: string) => void
  /** GITHUB_REPOSITORY, GITHUB_EVENT_PATH and RUNNER_TEMP. */
  env: Record<string, string | undefined>
  readFile: (path: string) => string
  writeFile: (path: string, content: string) => Promise<void>
  /**
   * With `service` and credentials: the revision an existing standard service runs, as RevisionScope (its
   * family, roles and log groups), so the policy names them; undefined when the service is no standard one.
   */
  readExistingService?: () => Promise<RevisionScope | undefined>
}

export interface PermissionsModeResult {
  policy: PolicyDocument
  /** The account id in the policy, or ACCOUNT_ID when it could not be read. */
  account: string
  accountKnown: boolean
  /** The deploy role's trust policy, and where the setup template was written. */
  trustPolicy: WebIdentityTrustPolicy
  setupTemplatePath: string
}

/**
 * The repository (GITHUB_REPOSITORY) and its default branch, which the event payload names (push, pull_request
 * and most other events carry `repository.default_branch`); main when it cannot be read.
 */
export function githubContextFrom(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string
): GitHubContext {
  const repository = /^[\w.-]+\/[\w.-]+$/.test(env['GITHUB_REPOSITORY'] ?? '')
    ? env['GITHUB_REPOSITORY']!
    : REPOSITORY_PLACEHOLDER
  let defaultBranch = 'main'
  try {
    const payload = JSON.parse(readFile(env['GITHUB_EVENT_PATH'] ?? '')) as {
      repository?: { default_branch?: unknown }
    }
    const branch = payload.repository?.default_branch
    if (typeof branch === 'string' && branch !== '') defaultBranch = branch
  } catch {
    // No payload (a local run): the usual default branch.
  }
  return { repository, defaultBranch }
}

async function readAccount(deps: PermissionsModeDeps): Promise<string | undefined> {
  if (!deps.getAccountId) {
    deps.info(
      `No AWS credentials to read the account id with; the policy uses the placeholder ${ACCOUNT_PLACEHOLDER}.`
    )
    return undefined
  }
  try {
    const account = await deps.getAccountId()
    if (account && /^\d{12}$/.test(account)) return account
    deps.info(`STS did not return an account id; the policy uses the placeholder ${ACCOUNT_PLACEHOLDER}.`)
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    deps.info(
      `Could not read the account id (${reason}); the policy uses the placeholder ${ACCOUNT_PLACEHOLDER}. ` +
        'Configure AWS credentials before this step to get the real account id.'
    )
  }
  return undefined
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2)
}

/**
 * With `service`: when the service is an existing standard one, its revision's family, roles and log group
 * replace the inputs' (the policy then names what the deploy will pass and write); otherwise the inputs stand,
 * and what was assumed is said.
 */
async function withExistingService(
  inputs: Inputs,
  deps: PermissionsModeDeps,
  account: string | undefined
): Promise<Inputs> {
  if (inputs.serviceName === undefined) return inputs
  const assumed =
    `family ${inputs.family}, execution role ${inputs.executionRole}` +
    (inputs.taskRole ? `, task role ${inputs.taskRole}` : '')
  if (!account || !deps.readExistingService) {
    deps.info(
      `If service ${inputs.serviceName} is an existing standard ECS service, the policy assumes its task definition ` +
        `has ${assumed} (the inputs): set family, execution-role and task-role to its own, or run this with credentials.`
    )
    return inputs
  }
  let scope: RevisionScope | undefined
  try {
    scope = await deps.readExistingService()
  } catch (error) {
    deps.info(
      `Could not read service ${inputs.serviceName} (${(error as Error).message}); the policy assumes ${assumed}.`
    )
    return inputs
  }
  if (!scope) return inputs
  const read: Inputs = {
    ...inputs,
    family: scope.family || inputs.family,
    executionRole: scope.executionRoleArn ?? inputs.executionRole,
    taskRole: scope.taskRoleArn ?? inputs.taskRole,
    logGroup: scope.logGroups[0] ?? inputs.logGroup
  }
  deps.info(
    `Service ${inputs.serviceName} is an existing standard ECS service: the policy names its task definition's ` +
      `family ${read.family}, execution role ${read.executionRole}` +
      (read.taskRole ? `, task role ${read.taskRole}` : '') +
      ` and log group ${read.logGroup}.`
  )
  return read
}

export async function runPermissionsMode(
  given: Inputs,
  deps: PermissionsModeDeps
): Promise<PermissionsModeResult> {
  const account = await readAccount(deps)
  const inputs = await withExistingService(given, deps, account)
  const scope = scopeFor(inputs, account)
  const policy = policyFor(inputs, account)
  const policyJson = json(policy)
  const setup = buildSetup(inputs, githubContextFrom(deps.env, deps.readFile), account)
  const request = securityRequest(inputs, setup, account, { templateFile: SETUP_TEMPLATE_FILE })

  deps.info('Least-privilege IAM policy for these inputs (deploy, then stop):')
  deps.info(policyJson)
  deps.setOutput('policy', JSON.stringify(policy))

  const sections = [
    '## 📨 The permissions to ask for: a request for your security team',
    '',
    'Send this to whoever administers your AWS account, with the policy and the setup template below ' +
      '(also the `policy` and `setup-template` outputs).',
    '',
    '---',
    '',
    request,
    '',
    ...details('The same as plain text, to paste into an email or a ticket', 'text', request),
    '',
    '---',
    '',
    `Repository \`${scope.repository}\`, cluster \`${scope.cluster}\`, family \`${scope.family}\`, ` +
      `region \`${scope.region}\`, account \`${scope.account}\`.` +
      (account
        ? ''
        : ` Replace \`${ACCOUNT_PLACEHOLDER}\` with your account id (no credentials were available).`),
    '',
    '### Policy for the identity the workflow uses',
    '',
    'It allows a deploy with these inputs and stopping its tasks (mode: stop).',
    '',
    ...details('The policy (the policy output)', 'json', policyJson)
  ]
  if (managesExecutionRole(inputs)) {
    const role = executionRoleDocuments(scope.partition)
    sections.push(
      '',
      `### Task execution role \`${inputs.executionRole}\``,
      '',
      'The action creates it when it does not exist, with this trust policy:',
      '',
      '```json',
      json(role.trustPolicy),
      '```',
      '',
      `and the AWS managed policy \`${role.managedPolicyArn}\`. To create it yourself instead, do the same ` +
        'and set create-execution-role: false.'
    )
  }

  const template = json(setupTemplate(setup))
  const setupTemplatePath = join(deps.env['RUNNER_TEMP'] || tmpdir(), SETUP_TEMPLATE_FILE)
  await deps.writeFile(setupTemplatePath, `${template}\n`)
  const trustPolicyJson = json(setup.trustPolicy)
  deps.setOutput('trust-policy', JSON.stringify(setup.trustPolicy))
  deps.setOutput('setup-template', setupTemplatePath)
  deps.info(`One-time setup for an administrator (CloudFormation template): ${setupTemplatePath}`)
  deps.info("Deploy role's trust policy:")
  deps.info(trustPolicyJson)
  sections.push('', ...setupSections(setup, template, trustPolicyJson), '')
  await deps.writeSummary(sections.join('\n'))
  return {
    policy,
    account: scope.account,
    accountKnown: account !== undefined,
    trustPolicy: setup.trustPolicy,
    setupTemplatePath
  }
}

function details(summary: string, language: string, body: string): string[] {
  return ['<details>', `<summary>${summary}</summary>`, '', '```' + language, body, '```', '', '</details>']
}

/** The setup in the summary: what it makes, the notes, then the template, the CLI commands and the trust. */
function setupSections(
  setup: ReturnType<typeof buildSetup>,
  template: string,
  trustPolicyJson: string
): string[] {
  return [
    '### One-time setup for an administrator',
    '',
    'Apply once, as an administrator: `aws cloudformation deploy --stack-name ecs-fargate-deploy-setup ' +
      `--template-file ${SETUP_TEMPLATE_FILE} --capabilities CAPABILITY_NAMED_IAM` +
      '` (add `--parameter-overrides GitHubOidcProviderArn=ARN` when the account already has the GitHub OIDC ' +
      'provider, and `CreateExecutionRole=false` and the like for roles it already has). It creates:',
    '',
    ...setup.roles.map((role) => `- \`${role.name}\`: ${role.purpose}.`),
    ...setup.notes.map((note) => `\n> ${note}`),
    '',
    ...details('CloudFormation template (the setup-template output)', 'json', template),
    '',
    ...details('The same as AWS CLI commands', 'sh', setupCliCommands(setup)),
    '',
    ...details("The deploy role's trust policy (the trust-policy output)", 'json', trustPolicyJson)
  ]
}
