// Applies the one-time setup (the CloudFormation template mode permissions writes) to the local AWS as an
// administrator would: the intrinsic functions resolved as CloudFormation resolves them, then CreateRole,
// AttachRolePolicy and PutRolePolicy for each role the tasks and services run with. The roles GitHub Actions
// assumes through OIDC (deploy, preview) cannot be assumed locally (no OIDC provider, no
// AssumeRoleWithWebIdentity): their inline policies are returned, for a test to give to an access key with
// setPolicy, which is what assuming the role would give the workflow.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

export interface PolicyDocument {
  Version: string
  Statement: Array<Record<string, unknown>>
}

/** A role GitHub Actions assumes: its name, trust policy and inline policies, resolved. */
export interface GitHubRole {
  logicalId: string
  name: string
  trustPolicy: JsonObject
  policies: Record<string, PolicyDocument>
}

export interface AppliedSetup {
  /** DeployRole and, with preview, PreviewRole: give their policies to an access key. */
  githubRoles: Record<string, GitHubRole>
  /** The roles created in IAM (execution, infrastructure, ttl), by name. */
  createdRoles: string[]
  /** ROLE/POLICY of each AWS::IAM::RolePolicy put (the secrets' policy, also on a role that existed). */
  rolePolicies: string[]
}

export interface SetupTarget {
  endpoint: string
  region: string
  accountId: string
  /** An access key without a policy: allowed everything, as an administrator. */
  adminCredentials: { accessKeyId: string; secretAccessKey: string }
  /**
   * Template parameters over their defaults; by default the account "already has" GitHub's OIDC provider (the local AWS has none to
   * create), so the provider resource is left out as CloudFormation leaves out a resource whose condition is false.
   */
  parameters?: Record<string, string>
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Resolves Ref, Fn::Sub, Fn::If, Fn::Equals as CloudFormation would for this account, region and parameters. */
export function resolveIntrinsics(
  value: Json,
  context: {
    pseudo: Record<string, string>
    parameters: Record<string, string>
    conditions: Record<string, boolean>
  }
): Json {
  const resolve = (inner: Json): Json => resolveIntrinsics(inner, context)
  if (Array.isArray(value)) return value.map(resolve)
  if (!isObject(value)) return value
  const keys = Object.keys(value)
  if (keys.length === 1) {
    const [key] = keys as [string]
    const argument = value[key]!
    const lookUp = (name: string): string => {
      const found = context.pseudo[name] ?? context.parameters[name]
      if (found === undefined) throw new Error(`setup-as-admin: cannot resolve ${name}`)
      return found
    }
    if (key === 'Ref') return lookUp(argument as string)
    if (key === 'Fn::Sub')
      return (argument as string)
        .replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => lookUp(name))
        .replace(/\$\{!/g, '${')
    if (key === 'Fn::If') {
      const [condition, then, otherwise] = argument as [string, Json, Json]
      if (!(condition in context.conditions)) throw new Error(`setup-as-admin: no condition ${condition}`)
      return resolve(context.conditions[condition] ? then : otherwise)
    }
    if (key === 'Fn::Equals') {
      const [left, right] = (argument as Json[]).map(resolve)
      return left === right
    }
    if (key.startsWith('Fn::')) throw new Error(`setup-as-admin: ${key} is not supported`)
  }
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, resolve(inner)]))
}

export async function applySetupAsAdmin(template: JsonObject, target: SetupTarget): Promise<AppliedSetup> {
  const defaults = Object.entries((template['Parameters'] as Record<string, JsonObject>) ?? {}).map(
    ([name, parameter]) => [name, String(parameter['Default'] ?? '')]
  )
  const parameters: Record<string, string> = {
    ...Object.fromEntries(defaults),
    GitHubOidcProviderArn: `arn:aws:iam::${target.accountId}:oidc-provider/token.actions.githubusercontent.com`,
    ...target.parameters
  }
  const pseudo = { 'AWS::AccountId': target.accountId, 'AWS::Region': target.region, 'AWS::Partition': 'aws' }
  const conditions: Record<string, boolean> = {}
  for (const [name, condition] of Object.entries((template['Conditions'] as JsonObject) ?? {}))
    conditions[name] = resolveIntrinsics(condition, { pseudo, parameters, conditions }) === true
  const iam = new IAMClient({
    region: target.region,
    endpoint: target.endpoint,
    credentials: target.adminCredentials
  })
  const applied: AppliedSetup = { githubRoles: {}, createdRoles: [], rolePolicies: [] }
  for (const [logicalId, raw] of Object.entries(template['Resources'] as Record<string, JsonObject>)) {
    const condition = raw['Condition']
    if (typeof condition === 'string' && !conditions[condition]) continue
    // A Ref to a role of this template is its name, as CloudFormation answers for AWS::IAM::Role.
    const roleNames = Object.fromEntries(
      Object.entries(template['Resources'] as Record<string, JsonObject>)
        .filter(([, other]) => other['Type'] === 'AWS::IAM::Role')
        .map(([id, other]) => [id, (other['Properties'] as JsonObject)['RoleName'] as string])
    )
    const resource = resolveIntrinsics(raw, {
      pseudo,
      parameters: { ...roleNames, ...parameters },
      conditions
    }) as JsonObject
    const properties = resource['Properties'] as JsonObject
    if (resource['Type'] === 'AWS::IAM::RolePolicy') {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: properties['RoleName'] as string,
          PolicyName: properties['PolicyName'] as string,
          PolicyDocument: JSON.stringify(properties['PolicyDocument'])
        })
      )
      applied.rolePolicies.push(`${String(properties['RoleName'])}/${String(properties['PolicyName'])}`)
      continue
    }
    if (resource['Type'] !== 'AWS::IAM::Role') continue
    const name = properties['RoleName'] as string
    const trustPolicy = properties['AssumeRolePolicyDocument'] as JsonObject
    const inline = (properties['Policies'] as JsonObject[] | undefined) ?? []
    const statements = trustPolicy['Statement'] as JsonObject[]
    if (
      statements.some(
        (statement) => isObject(statement['Principal']) && 'Federated' in statement['Principal']
      )
    ) {
      applied.githubRoles[logicalId] = {
        logicalId,
        name,
        trustPolicy,
        policies: Object.fromEntries(
          inline.map((policy) => [
            policy['PolicyName'] as string,
            policy['PolicyDocument'] as unknown as PolicyDocument
          ])
        )
      }
      continue
    }
    await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
        Description: properties['Description'] as string | undefined,
        Tags: properties['Tags'] as Array<{ Key: string; Value: string }> | undefined
      })
    )
    for (const arn of (properties['ManagedPolicyArns'] as string[] | undefined) ?? [])
      await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))
    for (const policy of inline)
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: name,
          PolicyName: policy['PolicyName'] as string,
          PolicyDocument: JSON.stringify(policy['PolicyDocument'])
        })
      )
    applied.createdRoles.push(name)
  }
  return applied
}
