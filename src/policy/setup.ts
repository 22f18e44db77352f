// The one-time setup an administrator reviews and applies before the first deploy: the GitHub OIDC provider,
// the deploy role GitHub Actions assumes (trusted only for this repository and its GitHub environment), a
// narrower preview role (trusted only for pull_request runs, allowed only the *-pr-* names) and the roles the
// action would otherwise create on its quick path (execution, infrastructure, ttl), built from the same shared
// documents so that both paths make the same roles. Given as a CloudFormation template (the ecosystem's
// convention: aws-actions/configure-aws-credentials ships one) and as the equivalent AWS CLI commands.
import {
  ECS_TASKS_TRUST_POLICY,
  EXECUTION_ROLE_DESCRIPTION,
  executionRolePolicyArn,
  secretsPolicy,
  secretsPolicyName
} from '../shared/execution-role.js'
import {
  ECS_TRUST_POLICY,
  INFRASTRUCTURE_ROLE_DESCRIPTION,
  infrastructureRolePolicyArn
} from '../shared/infrastructure-role.js'
import { JOB_SCHEDULE_GROUP } from '../shared/job-schedule.js'
import {
  JOB_SCHEDULER_POLICY_NAME,
  jobSchedulerRoleDescription,
  jobSchedulerRolePolicy,
  jobSchedulerTrustPolicy
} from '../shared/job-schedule-role.js'
import { keyValueTags } from '../shared/tags.js'
import { TTL_POLICY_NAME, TTL_ROLE_DESCRIPTION, ttlRolePolicy, ttlTrustPolicy } from '../shared/ttl-role.js'
import {
  managesExecutionRole,
  managesInfrastructureRole,
  managesTtlRole,
  type Inputs
} from '../inputs/inputs.js'
import {
  ACCOUNT_PLACEHOLDER,
  REGION_PLACEHOLDER,
  policyFor,
  scopeFor,
  type PolicyDocument,
  type Scope
} from './permissions.js'

/** The issuer of GitHub Actions' OIDC tokens, and the prefix of its condition keys in IAM. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com'
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`
/** The audience aws-actions/configure-aws-credentials asks GitHub for. */
export const STS_AUDIENCE = 'sts.amazonaws.com'
/**
 * GitHub's published thumbprints. IAM no longer checks them for GitHub (it trusts GitHub's root CAs), but older
 * tooling and some partitions still require the field, so the well-known pair is given.
 */
export const GITHUB_THUMBPRINTS = [
  '6938fd4d98bab03faadb97b34396831e3780aea1',
  '1c58a3a8518e8759bf075b76b750d4f2df264fcd'
]
/** OWNER/REPO when the run has no GITHUB_REPOSITORY (a local run). */
export const REPOSITORY_PLACEHOLDER = 'OWNER/REPO'
/** The deploy and preview roles' inline policy: inline, as a role's inline policies may hold 10,240 characters. */
export const DEPLOY_POLICY_NAME = 'ecs-fargate-deploy'

/** Logical ids in the template; the CLI commands and tests name the same resources. */
export const RESOURCE = {
  provider: 'GitHubOidcProvider',
  deployRole: 'DeployRole',
  previewRole: 'PreviewRole',
  executionRole: 'ExecutionRole',
  infrastructureRole: 'InfrastructureRole',
  ttlRole: 'TtlRole',
  jobRole: 'JobSchedulerRole'
} as const
export const PROVIDER_PARAMETER = 'GitHubOidcProviderArn'
export const CREATE_PROVIDER_CONDITION = 'CreateGitHubOidcProvider'

/** Where the workflow runs: the GitHub repository and its default branch (for a trust without environment). */
export interface GitHubContext {
  /** OWNER/REPO (GITHUB_REPOSITORY). */
  repository: string
  /** The branch a workflow without an environment deploys from. */
  defaultBranch: string
}

export interface WebIdentityTrustPolicy {
  Version: '2012-10-17'
  Statement: Array<{
    Effect: 'Allow'
    Principal: { Federated: string }
    Action: 'sts:AssumeRoleWithWebIdentity'
    Condition: { StringEquals: Record<string, string> }
  }>
}

type Document = object

/** A role of the setup, with exactly what CreateRole, AttachRolePolicy and PutRolePolicy would be given. */
export interface SetupRole {
  logicalId: (typeof RESOURCE)[keyof typeof RESOURCE]
  name: string
  description: string
  trustPolicy: Document
  managedPolicyArns: string[]
  /** Inline policies; one marked `evenWhenRoleExists` is put on a role of that name the account already has. */
  inlinePolicies: Array<{ name: string; document: Document; evenWhenRoleExists?: true }>
  /** What the role is for, in words, for the summary and the CLI comments. */
  purpose: string
  /**
   * A role of this name may already exist (ecsTaskExecutionRole often does): the action uses an existing one as
   * it is, so the template creates it only when its Create parameter is true.
   */
  mayExist?: true
}

export interface Setup {
  github: GitHubContext
  scope: Scope
  oidcProviderArn: string
  /** The deploy role's trust policy (the trust-policy output). */
  trustPolicy: WebIdentityTrustPolicy
  roles: SetupRole[]
  tags: Array<{ Key: string; Value: string }>
  /** Things the administrator should know (no environment, placeholders). */
  notes: string[]
}

/** "ecs-fargate-deploy-" + the family, cut to IAM's 64 characters. */
function roleName(prefix: string, family: string): string {
  return `${prefix}${family}`.slice(0, 64)
}

/** The OIDC subject a job's token carries, as GitHub documents them (the default sub claim). */
export function githubSubject(
  repository: string,
  on: { environment: string } | { branch: string } | 'pull_request'
): string {
  if (on === 'pull_request') return `repo:${repository}:pull_request`
  if ('environment' in on) return `repo:${repository}:environment:${on.environment}`
  return `repo:${repository}:ref:refs/heads/${on.branch}`
}

/**
 * Trusts GitHub's OIDC tokens for exactly one subject and the STS audience. StringEquals, not StringLike: a
 * wildcard in `sub` is the most common way such trusts end up open to other repositories or branches.
 */
export function githubTrustPolicy(oidcProviderArn: string, subject: string): WebIdentityTrustPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: subject
          }
        }
      }
    ]
  }
}

/** The subject the deploy role trusts: the GitHub environment the job declares, else the default branch. */
export function deploySubject(inputs: Pick<Inputs, 'environmentName'>, github: GitHubContext): string {
  return inputs.environmentName
    ? githubSubject(github.repository, { environment: inputs.environmentName })
    : githubSubject(github.repository, { branch: github.defaultBranch })
}

/** The one-time setup for these inputs: only the roles they need, each as the action itself would make it. */
export function buildSetup(inputs: Inputs, github: GitHubContext, account?: string): Setup {
  const scope = scopeFor(inputs, account)
  const { partition } = scope
  const oidcProviderArn = `arn:${partition}:iam::${scope.account}:oidc-provider/${GITHUB_OIDC_HOST}`
  const trustPolicy = githubTrustPolicy(oidcProviderArn, deploySubject(inputs, github))
  const family = inputs.family || 'FAMILY'
  // The preview policy covers every FAMILY-pr-N; the deploy role gets the app's own names only.
  const deployPolicy: PolicyDocument = inputs.preview
    ? policyFor({ ...inputs, preview: false }, account)
    : policyFor(inputs, account)
  const roles: SetupRole[] = [
    {
      logicalId: RESOURCE.deployRole,
      name: roleName('ecs-fargate-deploy-', family),
      description: `GitHub Actions in ${github.repository} deploy ${family} with ecs-fargate-deploy`,
      trustPolicy,
      managedPolicyArns: [],
      inlinePolicies: [{ name: DEPLOY_POLICY_NAME, document: deployPolicy }],
      purpose: inputs.environmentName
        ? `assumed by jobs of ${github.repository} that declare environment: ${inputs.environmentName}`
        : `assumed by jobs of ${github.repository} on its ${github.defaultBranch} branch`
    }
  ]
  if (inputs.preview) {
    roles.push({
      logicalId: RESOURCE.previewRole,
      name: roleName('ecs-fargate-preview-', family),
      description: `GitHub Actions in ${github.repository} deploy pull request previews of ${family}`,
      trustPolicy: githubTrustPolicy(oidcProviderArn, githubSubject(github.repository, 'pull_request')),
      managedPolicyArns: [],
      inlinePolicies: [{ name: DEPLOY_POLICY_NAME, document: policyFor(inputs, account) }],
      purpose: `assumed by pull_request runs of ${github.repository} (GitHub gives a fork's run no OIDC token by default); only ${family}-pr-* names`
    })
  }
  if (managesExecutionRole(inputs)) {
    const secrets =
      inputs.secrets.length > 0
        ? [
            {
              name: secretsPolicyName(family),
              document: secretsPolicy(inputs.secrets, scope),
              // The action grants the secrets to an existing role of this name too.
              evenWhenRoleExists: true as const
            }
          ]
        : []
    roles.push({
      logicalId: RESOURCE.executionRole,
      name: inputs.executionRole,
      description: EXECUTION_ROLE_DESCRIPTION,
      mayExist: true,
      trustPolicy: ECS_TASKS_TRUST_POLICY,
      managedPolicyArns: [executionRolePolicyArn(partition)],
      inlinePolicies: secrets,
      purpose:
        'assumed by ECS to pull the image and write logs' +
        (secrets.length > 0 ? ', and to read exactly the secrets the inputs name' : '')
    })
  }
  if (inputs.serviceName !== undefined && managesInfrastructureRole(inputs)) {
    roles.push({
      logicalId: RESOURCE.infrastructureRole,
      name: inputs.infrastructureRole,
      description: INFRASTRUCTURE_ROLE_DESCRIPTION,
      mayExist: true,
      trustPolicy: ECS_TRUST_POLICY,
      managedPolicyArns: [infrastructureRolePolicyArn(partition)],
      inlinePolicies: [],
      purpose: "assumed by ECS Express Mode to manage the service's load balancer, certificate and scaling"
    })
  }
  if (inputs.serviceName !== undefined && inputs.ttlSeconds !== undefined && managesTtlRole(inputs)) {
    roles.push({
      logicalId: RESOURCE.ttlRole,
      name: inputs.ttlRole,
      description: TTL_ROLE_DESCRIPTION,
      mayExist: true,
      trustPolicy: ttlTrustPolicy(scope.account),
      managedPolicyArns: [],
      inlinePolicies: [{ name: TTL_POLICY_NAME, document: ttlRolePolicy(partition, scope.account) }],
      purpose: 'assumed by EventBridge Scheduler to delete services whose ttl ran out, and only those'
    })
  }
  if (inputs.schedule !== undefined && inputs.serviceName === undefined) {
    // The scheduled job's scheduler role, as aws/job-scheduler-role.ts makes it on the quick path.
    const job = { ...scope, group: JOB_SCHEDULE_GROUP }
    roles.push({
      logicalId: RESOURCE.jobRole,
      name: scope.job,
      description: jobSchedulerRoleDescription(job),
      mayExist: true,
      trustPolicy: jobSchedulerTrustPolicy(job),
      managedPolicyArns: [],
      inlinePolicies: [
        {
          name: JOB_SCHEDULER_POLICY_NAME,
          document: jobSchedulerRolePolicy(job, [
            scope.executionRole,
            ...(scope.taskRole ? [scope.taskRole] : [])
          ])
        }
      ],
      purpose: `assumed by EventBridge Scheduler to run the scheduled job ${scope.family} in cluster ${scope.cluster}, and only that`
    })
  }
  const notes: string[] = []
  if (!inputs.environmentName) {
    notes.push(
      `No environment-name is given, so the deploy role trusts runs on the ${github.defaultBranch} branch ` +
        `(${deploySubject(inputs, github)}): any job of any workflow on that branch. A GitHub environment is ` +
        'stronger: it can require reviewers and ' +
        'limit which branches deploy. Declare `environment: NAME` on the job, set environment-name: NAME, and ' +
        'print the setup again.'
    )
  }
  if (github.repository === REPOSITORY_PLACEHOLDER) {
    notes.push(`GITHUB_REPOSITORY is not set: replace ${REPOSITORY_PLACEHOLDER} with your repository.`)
  }
  if (scope.account === ACCOUNT_PLACEHOLDER) {
    notes.push(
      `The account id is unknown: the template uses \${AWS::AccountId}; in the CLI commands replace ${ACCOUNT_PLACEHOLDER}.`
    )
  }
  return {
    github,
    scope,
    oidcProviderArn,
    trustPolicy,
    roles,
    tags: keyValueTags(inputs.tags) ?? [],
    notes
  }
}

// CloudFormation ------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const ARN_ACCOUNT = new RegExp(`^(arn:[^:]+:[^:]*:[^:]*:)${ACCOUNT_PLACEHOLDER}(:|$)`)
const ARN_REGION = new RegExp(`^(arn:[^:]+:[^:]*:)${REGION_PLACEHOLDER}(:)`)

/**
 * A document for the template: the placeholders of an unknown account or region in ARNs (and the account
 * alone, as in aws:SourceAccount) become Fn::Sub of AWS::AccountId / AWS::Region, so the template is right in
 * whichever account it is deployed. Other strings are left as they are.
 */
export function withPseudoParameters(value: unknown): Json {
  if (Array.isArray(value)) return value.map(withPseudoParameters)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withPseudoParameters(inner)]))
  if (typeof value !== 'string') return value as Json
  if (value === ACCOUNT_PLACEHOLDER) return { Ref: 'AWS::AccountId' }
  if (!ARN_ACCOUNT.test(value) && !ARN_REGION.test(value)) return value
  return {
    'Fn::Sub': value
      .replace(/\$\{/g, '${!')
      .replace(ARN_ACCOUNT, '$1${AWS::AccountId}$2')
      .replace(ARN_REGION, '$1${AWS::Region}$2')
  }
}

/** The Federated principal in the template: the provider it creates, or the one the parameter names. */
const federatedPrincipal: Json = {
  'Fn::If': [CREATE_PROVIDER_CONDITION, { Ref: RESOURCE.provider }, { Ref: PROVIDER_PARAMETER }]
}

function templateTrust(role: SetupRole): Json {
  const trust = withPseudoParameters(role.trustPolicy) as { Statement: Array<Record<string, Json>> }
  for (const statement of trust.Statement) {
    const principal = statement['Principal'] as Record<string, Json>
    if ('Federated' in principal) principal['Federated'] = federatedPrincipal
  }
  return trust as unknown as Json
}

/** The parameter and condition that say whether the template creates a role that may already exist. */
export const createCondition = (role: Pick<SetupRole, 'logicalId'>) => `Create${role.logicalId}`

function templateRole(role: SetupRole, tags: Setup['tags']): Json {
  const properties: Record<string, Json> = {
    RoleName: role.name,
    Description: role.description,
    AssumeRolePolicyDocument: templateTrust(role)
  }
  if (role.managedPolicyArns.length > 0)
    properties['ManagedPolicyArns'] = role.managedPolicyArns.map(withPseudoParameters)
  const inline = role.inlinePolicies.filter((policy) => !policy.evenWhenRoleExists)
  if (inline.length > 0)
    properties['Policies'] = inline.map((policy) => ({
      PolicyName: policy.name,
      PolicyDocument: withPseudoParameters(policy.document)
    }))
  if (tags.length > 0) properties['Tags'] = tags
  return {
    Type: 'AWS::IAM::Role',
    ...(role.mayExist ? { Condition: createCondition(role) } : {}),
    Properties: properties
  }
}

/** The setup as a CloudFormation template (JSON, which CloudFormation reads as it reads YAML). */
export function setupTemplate(setup: Setup): Record<string, Json> {
  const parameters: Record<string, Json> = {
    [PROVIDER_PARAMETER]: {
      Type: 'String',
      Default: '',
      Description: `ARN of the account's GitHub OIDC provider (${GITHUB_OIDC_HOST}) when it already has one (aws iam list-open-id-connect-providers); empty creates it`
    }
  }
  const conditions: Record<string, Json> = {
    [CREATE_PROVIDER_CONDITION]: { 'Fn::Equals': [{ Ref: PROVIDER_PARAMETER }, ''] }
  }
  const resources: Record<string, Json> = {
    [RESOURCE.provider]: {
      Type: 'AWS::IAM::OIDCProvider',
      Condition: CREATE_PROVIDER_CONDITION,
      Properties: {
        Url: GITHUB_OIDC_URL,
        ClientIdList: [STS_AUDIENCE],
        ThumbprintList: GITHUB_THUMBPRINTS,
        ...(setup.tags.length > 0 ? { Tags: setup.tags } : {})
      }
    }
  }
  const outputs: Record<string, Json> = {}
  for (const role of setup.roles) {
    resources[role.logicalId] = templateRole(role, setup.tags)
    const condition = createCondition(role)
    if (role.mayExist) {
      parameters[condition] = {
        Type: 'String',
        AllowedValues: ['true', 'false'],
        Default: 'true',
        Description: `false when the account already has the role ${role.name}: the action uses it as it is`
      }
      conditions[condition] = { 'Fn::Equals': [{ Ref: condition }, 'true'] }
    }
    // Put on the role this template creates, or on the one of that name the account has.
    const roleName: Json = role.mayExist
      ? { 'Fn::If': [condition, { Ref: role.logicalId }, role.name] }
      : { Ref: role.logicalId }
    role.inlinePolicies
      .filter((policy) => policy.evenWhenRoleExists)
      .forEach((policy, i) => {
        resources[`${role.logicalId}Policy${i + 1}`] = {
          Type: 'AWS::IAM::RolePolicy',
          Properties: {
            RoleName: roleName,
            PolicyName: policy.name,
            PolicyDocument: withPseudoParameters(policy.document)
          }
        }
      })
    outputs[`${role.logicalId}Arn`] = {
      Description: `${role.name}: ${role.purpose}`,
      ...(role.mayExist ? { Condition: condition } : {}),
      Value: { 'Fn::GetAtt': [role.logicalId, 'Arn'] }
    }
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `ecs-fargate-deploy one-time setup for ${setup.github.repository}: GitHub OIDC trust and the roles its deploys use`,
    Parameters: parameters,
    Conditions: conditions,
    Resources: resources,
    Outputs: outputs
  }
}

// AWS CLI -------------------------------------------------------------------------------------------------------

/** One shell word: single quotes, with any single quote closed, escaped and reopened. */
function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

const compact = (value: unknown) => shellQuote(JSON.stringify(value))

/** The same setup as AWS CLI commands, for administrators who do not use CloudFormation. */
export function setupCliCommands(setup: Setup): string {
  const lines = [
    `# ecs-fargate-deploy one-time setup for ${setup.github.repository} (the same as the CloudFormation template).`,
    ...setup.notes.map((note) => `# Note: ${note}`),
    '',
    `# The GitHub OIDC provider, once per account: skip when aws iam list-open-id-connect-providers lists ${GITHUB_OIDC_HOST}.`,
    [
      'aws iam create-open-id-connect-provider',
      `--url ${GITHUB_OIDC_URL}`,
      `--client-id-list ${STS_AUDIENCE}`,
      `--thumbprint-list ${GITHUB_THUMBPRINTS.join(' ')}`,
      ...(setup.tags.length > 0 ? [`--tags ${compact(setup.tags)}`] : [])
    ].join(' \\\n  ')
  ]
  for (const role of setup.roles) {
    lines.push(
      '',
      `# ${role.logicalId} ${role.name}: ${role.purpose}.` +
        (role.mayExist
          ? `\n# When the account already has ${role.name}, skip its commands (the action uses it as it is)` +
            (role.inlinePolicies.some((policy) => policy.evenWhenRoleExists)
              ? ", all but the secrets' put-role-policy."
              : '.')
          : ''),
      [
        'aws iam create-role',
        `--role-name ${shellQuote(role.name)}`,
        `--description ${shellQuote(role.description)}`,
        `--assume-role-policy-document ${compact(role.trustPolicy)}`,
        ...(setup.tags.length > 0 ? [`--tags ${compact(setup.tags)}`] : [])
      ].join(' \\\n  ')
    )
    for (const arn of role.managedPolicyArns)
      lines.push(`aws iam attach-role-policy --role-name ${shellQuote(role.name)} --policy-arn ${arn}`)
    for (const policy of role.inlinePolicies) {
      if (policy.evenWhenRoleExists) lines.push('# Also when the role already exists:')
      lines.push(
        [
          'aws iam put-role-policy',
          `--role-name ${shellQuote(role.name)}`,
          `--policy-name ${shellQuote(policy.name)}`,
          `--policy-document ${compact(policy.document)}`
        ].join(' \\\n  ')
      )
    }
  }
  return lines.join('\n')
}
