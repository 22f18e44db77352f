// Applies the one-time setup (the CloudFormation template mode permissions writes) to the local AWS as an
// administrator would: the intrinsic functions resolved as CloudFormation resolves them, then CreateRole,
// AttachRolePolicy and PutRolePolicy for each role the tasks and services run with. The roles GitHub Actions
// assumes through OIDC (deploy, preview) cannot be assumed locally (no OIDC provider, no
// AssumeRoleWithWebIdentity): their inline policies are returned, for a test to give to an access key with
// setPolicy, which is what assuming the role would give the workflow. setUpAsAdmin is the one way the e2e
// suite sets up a local AWS (the harness before every run under the printed policy, and tests that set up
// ahead): it passes Create<Role> false for a role the local AWS already has, as an administrator would.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam'

/** An access key without a policy: the local AWS lets it do anything, as an administrator may. */
export const ADMIN_KEY = 'AKIDADMINSETUP'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

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
  try {
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
  } finally {
    iam.destroy()
  }
  return applied
}

/** What setUpAsAdmin needs of a local AWS: a Stack (stack.ts) is one. */
export interface AdminTarget {
  aws: { endpoint: string; accountId: string }
  env: { AWS_REGION?: string }
}

/** What one local AWS has been given: the roles it has, each template applied, and the setup under way. */
interface Endpoint {
  /** Role names the local AWS has (made by a setup, or found there by GetRole). */
  roles: Set<string>
  /** The result of each template applied, by its text: applying it again would change nothing. */
  applied: Map<string, AppliedSetup>
  /** Setups one after another, as one administrator makes them (two CreateRole of one name would clash). */
  queue: Promise<unknown>
}

const endpoints = new Map<string, Endpoint>()

/**
 * Applies the template as an administrator with ADMIN_KEY: each role the template may find existing (it has a
 * Create<Role> parameter) and the local AWS has already (made by an earlier setup on this endpoint, or by the
 * action's quick path: looked up once with GetRole) gets its parameter false, so it is not created again, while
 * the template's AWS::IAM::RolePolicy (the secrets) is put on it all the same, as CloudFormation would. A template
 * already applied to this endpoint is not applied again (an update without changes changes nothing).
 */
export async function setUpAsAdmin(target: AdminTarget, template: JsonObject): Promise<AppliedSetup> {
  const { endpoint } = target.aws
  const state: Endpoint = endpoints.get(endpoint) ?? {
    roles: new Set(),
    applied: new Map(),
    queue: Promise.resolve()
  }
  endpoints.set(endpoint, state)
  const next = state.queue.then(() => applyOnce(target, template, state))
  state.queue = next.catch(() => undefined)
  return next
}

async function applyOnce(target: AdminTarget, template: JsonObject, state: Endpoint): Promise<AppliedSetup> {
  const text = JSON.stringify(template)
  const done = state.applied.get(text)
  if (done) return done
  const region = target.env.AWS_REGION ?? 'us-east-1'
  const adminCredentials = { accessKeyId: ADMIN_KEY, secretAccessKey: 'x' }
  const declared = (template['Parameters'] as JsonObject | undefined) ?? {}
  const parameters: Record<string, string> = {}
  const iam = new IAMClient({ region, endpoint: target.aws.endpoint, credentials: adminCredentials })
  try {
    for (const resource of Object.values(template['Resources'] as Record<string, JsonObject>)) {
      // The condition of a role that may exist is its Create<Role> parameter's (src/policy/setup.ts).
      const parameter = resource['Condition']
      if (resource['Type'] !== 'AWS::IAM::Role' || typeof parameter !== 'string' || !(parameter in declared))
        continue
      const name = (resource['Properties'] as JsonObject)['RoleName'] as string
      if (!state.roles.has(name) && (await roleExists(iam, name))) state.roles.add(name)
      if (state.roles.has(name)) parameters[parameter] = 'false'
    }
  } finally {
    iam.destroy()
  }
  const applied = await applySetupAsAdmin(template, {
    endpoint: target.aws.endpoint,
    region,
    accountId: target.aws.accountId,
    adminCredentials,
    parameters
  })
  for (const name of applied.createdRoles) state.roles.add(name)
  state.applied.set(text, applied)
  return applied
}

async function roleExists(iam: IAMClient, name: string): Promise<boolean> {
  try {
    await iam.send(new GetRoleCommand({ RoleName: name }))
    return true
  } catch (error) {
    if (error instanceof NoSuchEntityException || (error as Error).name === 'NoSuchEntity') return false
    throw error
  }
}
