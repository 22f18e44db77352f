// mode: permissions prints the least-privilege policy for the inputs and changes nothing in AWS: at most it
// asks STS who the caller is (a call every identity may make) to put the real account id in the ARNs.
import { managesExecutionRole, type Inputs } from '../inputs/inputs.js'
import {
  ACCOUNT_PLACEHOLDER,
  executionRoleDocuments,
  permissionRequestText,
  policyFor,
  scopeFor,
  type PolicyDocument
} from '../policy/permissions.js'
import type { OutputName } from '../shared/outputs.js'

export interface PermissionsModeDeps {
  /** sts:GetCallerIdentity; absent, failing or answering nothing means the placeholder account. */
  getAccountId?: () => Promise<string | undefined>
  setOutput: (name: OutputName, value: string) => void
  writeSummary: (markdown: string) => Promise<void>
  info: (message: string) => void
}

export interface PermissionsModeResult {
  policy: PolicyDocument
  /** The account id in the policy, or ACCOUNT_ID when it could not be read. */
  account: string
  accountKnown: boolean
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

export async function runPermissionsMode(
  inputs: Inputs,
  deps: PermissionsModeDeps
): Promise<PermissionsModeResult> {
  const account = await readAccount(deps)
  const scope = scopeFor(inputs, account)
  const policy = policyFor(inputs, account)
  const policyJson = json(policy)
  const request = permissionRequestText(inputs, account)

  deps.info('Least-privilege IAM policy for these inputs (deploy, then stop):')
  deps.info(policyJson)
  deps.setOutput('policy', JSON.stringify(policy))

  const sections = [
    '## IAM permissions for ecs-fargate-deploy',
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
    '```json',
    policyJson,
    '```'
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
  sections.push('', '### Request for your security team', '', '```text', request, '```', '')
  await deps.writeSummary(sections.join('\n'))
  return { policy, account: scope.account, accountKnown: account !== undefined }
}
