// IAM state: roles with their trust policy, attached managed policies and inline policies, and the two questions
// ECS asks of a role (does it trust ecs-tasks, may it pull from ECR).

export interface Role {
  RoleName: string
  RoleId: string
  Arn: string
  Path: string
  CreateDate: Date
  AssumeRolePolicyDocument: string
  Description?: string
  MaxSessionDuration: number
  Tags: Array<{ Key: string; Value: string }>
  AttachedPolicies: string[]
  /** Inline policies by name (PutRolePolicy), kept as the JSON documents given. */
  InlinePolicies: Map<string, string>
}

export interface IamState {
  roles: Map<string, Role>
}

export const newIamState = (): IamState => ({ roles: new Map() })

/** Managed policies that grant ecr:GetAuthorizationToken + image pulls, which a task execution role needs for ECR images. */
export const ECR_PULL_POLICIES = [
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess',
  'arn:aws:iam::aws:policy/AdministratorAccess'
]

export function findRoleByArn(ctx: { iam: IamState }, arn: string): Role | undefined {
  return [...ctx.iam.roles.values()].find((r) => r.Arn === arn)
}

/** Whether the role's trust policy lets ECS tasks assume it. */
export const trustsEcsTasks = (role: Role): boolean => trustsService(role, 'ecs-tasks.amazonaws.com')

/** Whether the role's trust policy lets the AWS service principal (ecs.amazonaws.com, ...) assume it. */
export function trustsService(role: Role, service: string): boolean {
  try {
    const doc = JSON.parse(role.AssumeRolePolicyDocument) as { Statement?: unknown }
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
    return statements.some((s) => {
      const st = s as {
        Effect?: string
        Principal?: { Service?: string | string[] }
        Action?: string | string[]
      }
      const services = ([] as string[]).concat(st.Principal?.Service ?? [])
      const actions = ([] as string[]).concat(st.Action ?? [])
      return (
        st.Effect === 'Allow' &&
        services.includes(service) &&
        actions.some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*')
      )
    })
  } catch {
    return false
  }
}

export const canPullFromEcr = (role: Role): boolean =>
  role.AttachedPolicies.some((a) => ECR_PULL_POLICIES.includes(a))
