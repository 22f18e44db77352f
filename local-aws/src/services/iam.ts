// IAM and STS (awsQuery protocol). Roles matter to ECS: the task execution role must exist, trust
// ecs-tasks.amazonaws.com and carry ECR pull permissions for a task to pull from ECR.
import type { Context, Handler } from '../context.js'
import { arr, hex, str } from '../context.js'
import { AwsError, queryList, type XmlNode } from '../protocol.js'
import type { Role } from '../state/iam.js'

const NAME_RE = /^[\w+=,.@-]{1,64}$/

function getRole(ctx: Context, name: string | undefined): Role {
  const role = name ? ctx.iam.roles.get(name) : undefined
  if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name ?? ''} cannot be found.`, 404)
  return role
}

// IAM returns policy documents URL-encoded, as the real service does.
function roleXml(r: Role): XmlNode {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: encodeURIComponent(r.AssumeRolePolicyDocument),
    Description: r.Description,
    MaxSessionDuration: r.MaxSessionDuration,
    Tags: r.Tags.length ? queryList(r.Tags.map((t) => ({ Key: t.Key, Value: t.Value }))) : undefined,
    RoleLastUsed: {}
  }
}

const GetRole: Handler = (ctx, p) => ({ Role: roleXml(getRole(ctx, str(p, 'RoleName'))) })

const CreateRole: Handler = (ctx, p) => {
  const name = str(p, 'RoleName') ?? ''
  if (!NAME_RE.test(name)) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`
    )
  }
  if (ctx.iam.roles.has(name))
    throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409)
  const doc = str(p, 'AssumeRolePolicyDocument') ?? ''
  try {
    JSON.parse(doc)
  } catch {
    throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json')
  }
  const path = str(p, 'Path') ?? '/'
  const role: Role = {
    RoleName: name,
    RoleId: `AROA${hex(8).toUpperCase()}`,
    Arn: `arn:aws:iam::${ctx.accountId}:role${path}${name}`,
    Path: path,
    CreateDate: new Date(),
    AssumeRolePolicyDocument: doc,
    Description: str(p, 'Description'),
    MaxSessionDuration: Number(p.MaxSessionDuration ?? 3600),
    Tags: arr(p, 'Tags'),
    AttachedPolicies: [],
    InlinePolicies: new Map()
  }
  ctx.iam.roles.set(name, role)
  return { Role: roleXml(role) }
}

const AttachRolePolicy: Handler = (ctx, p) => {
  const role = getRole(ctx, str(p, 'RoleName'))
  const arn = str(p, 'PolicyArn') ?? ''
  // Only AWS managed policies exist in the local account (there is no CreatePolicy).
  if (!/^arn:aws:iam::aws:policy\/.+/.test(arn)) {
    throw new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404)
  }
  if (!role.AttachedPolicies.includes(arn)) role.AttachedPolicies.push(arn)
  return undefined
}

const PutRolePolicy: Handler = (ctx, p) => {
  const role = getRole(ctx, str(p, 'RoleName'))
  const name = str(p, 'PolicyName') ?? ''
  const document = str(p, 'PolicyDocument') ?? ''
  if (!/^[\w+=,.@-]{1,128}$/.test(name)) {
    throw new AwsError('ValidationError', `The specified value for policyName is invalid.`, 400)
  }
  try {
    JSON.parse(document)
  } catch {
    throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json', 400)
  }
  role.InlinePolicies.set(name, document)
  return undefined
}

const GetRolePolicy: Handler = (ctx, p) => {
  const role = getRole(ctx, str(p, 'RoleName'))
  const name = str(p, 'PolicyName') ?? ''
  const document = role.InlinePolicies.get(name)
  if (document === undefined)
    throw new AwsError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404)
  // URL-encoded, as IAM returns policy documents.
  return { RoleName: role.RoleName, PolicyName: name, PolicyDocument: encodeURIComponent(document) }
}

const DetachRolePolicy: Handler = (ctx, p) => {
  const role = getRole(ctx, str(p, 'RoleName'))
  const arn = str(p, 'PolicyArn') ?? ''
  if (!role.AttachedPolicies.includes(arn))
    throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404)
  role.AttachedPolicies = role.AttachedPolicies.filter((a) => a !== arn)
  return undefined
}

const ListAttachedRolePolicies: Handler = (ctx, p) => {
  const role = getRole(ctx, str(p, 'RoleName'))
  return {
    AttachedPolicies: queryList(
      role.AttachedPolicies.map((a) => ({ PolicyName: a.split('/').pop() ?? a, PolicyArn: a }))
    ),
    IsTruncated: false
  }
}

const DeleteRole: Handler = (ctx, p) => {
  const role = getRole(ctx, str(p, 'RoleName'))
  if (role.AttachedPolicies.length > 0) {
    throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409)
  }
  ctx.iam.roles.delete(role.RoleName)
  return undefined
}

export const iamHandlers: Record<string, Handler> = {
  GetRole,
  CreateRole,
  AttachRolePolicy,
  PutRolePolicy,
  GetRolePolicy,
  DetachRolePolicy,
  ListAttachedRolePolicies,
  DeleteRole
}

/** Caller identity derived from the access key: every local key is an IAM user of the same name. */
export function callerArn(ctx: Context, accessKeyId: string): string {
  return `arn:aws:iam::${ctx.accountId}:user/${accessKeyId}`
}

export const stsHandlers: Record<string, Handler> = {
  GetCallerIdentity: (ctx, _p, req) => ({
    UserId: `AIDA${Buffer.from(req.accessKeyId).toString('hex').toUpperCase().slice(0, 17).padEnd(17, '0')}`,
    Account: ctx.accountId,
    Arn: callerArn(ctx, req.accessKeyId)
  })
}

export const iamSnapshot = (ctx: Context): unknown =>
  [...ctx.iam.roles.values()].map((role) => ({
    ...role,
    InlinePolicies: Object.fromEntries(role.InlinePolicies)
  }))
