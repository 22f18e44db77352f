// The known privilege-escalation and resource-exposure primitives of AWS IAM, as data, for the escalation check
// (escalation.test.ts): each printed policy must allow none of them. A primitive is a set of IAM requests an
// attacker holding the policy would make; it is possible when, for some choice of the role it uses, every one
// of its requests is allowed (evaluated with the local AWS's own IAM evaluator, Conditions included, with the
// request context the attacker would send).
//
// Sources:
// - Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (Spencer Gietzen, 2018) and
//   its aws_escalate.py: methods 1–21 (CreatePolicyVersion, SetDefaultPolicyVersion, PassRole + RunInstances,
//   CreateAccessKey, CreateLoginProfile, UpdateLoginProfile, AttachUserPolicy, AttachGroupPolicy,
//   AttachRolePolicy, PutUserPolicy, PutGroupPolicy, PutRolePolicy, AddUserToGroup, UpdateAssumeRolePolicy,
//   PassRole + Lambda, PassRole + Glue, PassRole + CloudFormation, PassRole + Data Pipeline, ...).
//   https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
// - Datadog Security Labs, pathfinding.cloud (the catalogue of IAM privilege escalation paths: iam-*, ecs-*,
//   scheduler-*, lambda-*, ec2-* paths, e.g. iam:PassRole + ecs:RegisterTaskDefinition + ecs:RunTask and
//   iam:PassRole + scheduler:CreateSchedule), and its permissions-boundary paths
//   (iam:PutRolePermissionsBoundary / iam:DeleteRolePermissionsBoundary). https://pathfinding.cloud
// - Exposure: AWS Security Hub / Foundational Security Best Practices EC2.18/EC2.19 (security groups open to
//   0.0.0.0/0 on unauthorized ports), ECR.x and CloudWatch Logs resource policies (SetRepositoryPolicy,
//   PutResourcePolicy grant other principals access).
import type { RequestContext } from '../../local-aws/src/policy.js'

/** The names and ARNs an attacker can aim at, built from the printed policy's scope. */
export interface Targets {
  partition: string
  region: string
  account: string
  /** The roles the action passes (execution, task, infrastructure, ttl role), and the one each is passed to. */
  actionRoles: ReadonlyArray<{ arn: string; service: string }>
  /** The action's cluster and family, for the run steps of a combined path. */
  clusterArn: string
  taskDefinitionArn: string
  family: string
}

export interface Request {
  action: string
  resource: string
  context?: RequestContext
}

export interface Primitive {
  id: string
  kind: 'escalation' | 'exposure'
  title: string
  source: string
  /**
   * The attacker's choices (one role each, for the paths that use a role; one dummy choice otherwise), and the
   * requests each choice needs: the primitive is possible when all the requests of one choice are allowed.
   */
  choices: (targets: Targets) => Request[][]
}

const RHINO = 'Rhino Security Labs, AWS IAM privilege escalation methods'
const PATHFINDING = 'Datadog pathfinding.cloud'
const EXPOSURE = 'AWS Foundational Security Best Practices (EC2.18, ECR and Logs resource policies)'

/** Services a role can be handed to that then run code or API calls of the caller's choosing with it. */
export const COMPUTE_SERVICES = [
  'ecs-tasks.amazonaws.com',
  'ecs.amazonaws.com',
  'scheduler.amazonaws.com',
  'lambda.amazonaws.com',
  'ec2.amazonaws.com',
  'cloudformation.amazonaws.com',
  'glue.amazonaws.com',
  'codebuild.amazonaws.com',
  'sagemaker.amazonaws.com',
  'states.amazonaws.com',
  'datapipeline.amazonaws.com',
  'events.amazonaws.com'
]

const ADMIN_POLICY = (t: Targets) => `arn:${t.partition}:iam::aws:policy/AdministratorAccess`
const iamArn = (t: Targets, resource: string) => `arn:${t.partition}:iam::${t.account}:${resource}`
const arn = (t: Targets, service: string, resource: string) =>
  `arn:${t.partition}:${service}:${t.region}:${t.account}:${resource}`

/** Every role an attacker would write: the action's own roles, and an unrelated (administrator) role. */
const rolesOf = (t: Targets): string[] => [
  ...t.actionRoles.map((role) => role.arn),
  iamArn(t, 'role/AccountAdministrator')
]

/** One request per role, each a choice of its own: possible when any role is. */
const onAnyRole =
  (action: string, context: RequestContext = {}) =>
  (t: Targets): Request[][] =>
    rolesOf(t).map((resource) => [{ action, resource, context }])

/** The writes that give a role more permissions: any one of them makes a passable role an escalation. */
const roleWrites = (t: Targets, role: string): Request[][] => [
  [{ action: 'iam:PutRolePolicy', resource: role }],
  [{ action: 'iam:AttachRolePolicy', resource: role, context: { 'iam:PolicyARN': ADMIN_POLICY(t) } }],
  [{ action: 'iam:DeleteRolePermissionsBoundary', resource: role }],
  [{ action: 'iam:PutRolePermissionsBoundary', resource: role }]
]

/** PassRole of a role to a service plus what makes the service act with it, for a role the attacker can write. */
const passWritableRoleTo =
  (service: string, run: (t: Targets) => Request[]) =>
  (t: Targets): Request[][] =>
    rolesOf(t).flatMap((role) =>
      roleWrites(t, role).map((write) => [
        ...write,
        { action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': service } },
        ...run(t)
      ])
    )

/** A request on a security group that is not the action's: without the family tag, or another app's. */
const onForeignGroup =
  (action: string) =>
  (t: Targets): Request[][] => {
    const group = arn(t, 'ec2', 'security-group/sg-0database0000000')
    return [
      [{ action, resource: group, context: {} }],
      [
        {
          action,
          resource: group,
          context: { 'aws:ResourceTag/ecs-fargate-deploy:family': 'someone-else' }
        }
      ]
    ]
  }

export const PRIMITIVES: readonly Primitive[] = [
  // IAM writes on principals (Rhino 1, 2, 4–13, 14; pathfinding iam-*).
  ...(
    [
      ['iam:PutRolePolicy', 'an inline policy on a role'],
      ['iam:UpdateAssumeRolePolicy', "a role's trust policy (assume it yourself)"],
      ['iam:PutRolePermissionsBoundary', "a role's permissions boundary"],
      ['iam:DeleteRolePermissionsBoundary', "removing a role's permissions boundary"]
    ] as const
  ).map(([action, what]): Primitive => ({
    id: action,
    kind: 'escalation',
    title: `${action}: ${what}`,
    source: `${RHINO}; ${PATHFINDING}`,
    choices: onAnyRole(action)
  })),
  {
    id: 'iam:AttachRolePolicy',
    kind: 'escalation',
    title: 'iam:AttachRolePolicy of AdministratorAccess to a role',
    source: RHINO,
    choices: (t) => onAnyRole('iam:AttachRolePolicy', { 'iam:PolicyARN': ADMIN_POLICY(t) })(t)
  },
  ...(
    [
      ['iam:CreatePolicyVersion', 'policy/AnyCustomerManagedPolicy'],
      ['iam:SetDefaultPolicyVersion', 'policy/AnyCustomerManagedPolicy'],
      ['iam:PutUserPolicy', 'user/any-user'],
      ['iam:AttachUserPolicy', 'user/any-user'],
      ['iam:CreateAccessKey', 'user/any-user'],
      ['iam:CreateLoginProfile', 'user/any-user'],
      ['iam:UpdateLoginProfile', 'user/any-user'],
      ['iam:AddUserToGroup', 'group/Administrators'],
      ['iam:PutGroupPolicy', 'group/Administrators'],
      ['iam:AttachGroupPolicy', 'group/Administrators']
    ] as const
  ).map(([action, resource]): Primitive => ({
    id: action,
    kind: 'escalation',
    title: `${action} on ${resource.split('/')[0]}s`,
    source: RHINO,
    choices: (t) => [
      [{ action, resource: iamArn(t, resource), context: { 'iam:PolicyARN': ADMIN_POLICY(t) } }]
    ]
  })),
  {
    id: 'iam:PassRole-foreign',
    kind: 'escalation',
    title: 'iam:PassRole of a role the action does not use (an administrator role) to any service',
    source: `${RHINO}; ${PATHFINDING}`,
    choices: (t) =>
      COMPUTE_SERVICES.map((service) => [
        {
          action: 'iam:PassRole',
          resource: iamArn(t, 'role/AccountAdministrator'),
          context: { 'iam:PassedToService': service }
        }
      ])
  },
  {
    id: 'iam:PassRole-other-service',
    kind: 'escalation',
    title: "iam:PassRole of the action's roles to a service other than the one each is for",
    source: PATHFINDING,
    choices: (t) =>
      t.actionRoles.flatMap((role) =>
        COMPUTE_SERVICES.filter((service) => service !== role.service).map((service) => [
          { action: 'iam:PassRole', resource: role.arn, context: { 'iam:PassedToService': service } }
        ])
      )
  },
  {
    id: 'iam:CreateRole+PassRole',
    kind: 'escalation',
    title: 'iam:CreateRole (any trust) with iam:PassRole of it (Rhino: a new role handed to a service)',
    source: RHINO,
    choices: (t) =>
      COMPUTE_SERVICES.map((service) => [
        { action: 'iam:CreateRole', resource: iamArn(t, 'role/NewRole') },
        {
          action: 'iam:PassRole',
          resource: iamArn(t, 'role/NewRole'),
          context: { 'iam:PassedToService': service }
        }
      ])
  },
  {
    id: 'iam:CreateRole-own-role',
    kind: 'escalation',
    title:
      "iam:CreateRole of a role of the action's name (when missing) with a trust policy of the attacker's",
    source: PATHFINDING,
    choices: (t) => t.actionRoles.map((role) => [{ action: 'iam:CreateRole', resource: role.arn }])
  },
  {
    id: 'ecs:RunTask-writable-role',
    kind: 'escalation',
    title: 'iam:PassRole + ecs:RegisterTaskDefinition + ecs:RunTask with a role the identity can write',
    source: `${PATHFINDING} (ecs-001/ecs-002); ${RHINO}`,
    choices: passWritableRoleTo('ecs-tasks.amazonaws.com', (t) => [
      { action: 'ecs:RegisterTaskDefinition', resource: '*', context: {} },
      { action: 'ecs:RunTask', resource: t.taskDefinitionArn, context: { 'ecs:cluster': t.clusterArn } }
    ])
  },
  {
    id: 'scheduler:CreateSchedule-writable-role',
    kind: 'escalation',
    title:
      'iam:PassRole + scheduler:CreateSchedule (a universal target calls almost any API) with a writable role',
    source: PATHFINDING,
    choices: passWritableRoleTo('scheduler.amazonaws.com', (t) => [
      { action: 'scheduler:CreateSchedule', resource: arn(t, 'scheduler', 'schedule/default/efd-ttl-x') }
    ])
  },
  {
    id: 'lambda:CreateFunction+PassRole',
    kind: 'escalation',
    title: 'iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction',
    source: `${RHINO} (15, 16); ${PATHFINDING}`,
    choices: (t) =>
      rolesOf(t).map((role) => [
        {
          action: 'iam:PassRole',
          resource: role,
          context: { 'iam:PassedToService': 'lambda.amazonaws.com' }
        },
        { action: 'lambda:CreateFunction', resource: arn(t, 'lambda', 'function:x') },
        { action: 'lambda:InvokeFunction', resource: arn(t, 'lambda', 'function:x') }
      ])
  },
  {
    id: 'ec2:RunInstances+PassRole',
    kind: 'escalation',
    title: 'iam:PassRole + ec2:RunInstances (an instance profile)',
    source: `${RHINO} (3); ${PATHFINDING}`,
    choices: (t) =>
      rolesOf(t).map((role) => [
        { action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        { action: 'ec2:RunInstances', resource: arn(t, 'ec2', 'instance/*') }
      ])
  },
  {
    id: 'cloudformation:CreateStack+PassRole',
    kind: 'escalation',
    title: 'iam:PassRole + cloudformation:CreateStack',
    source: `${RHINO} (18); ${PATHFINDING}`,
    choices: (t) =>
      rolesOf(t).map((role) => [
        {
          action: 'iam:PassRole',
          resource: role,
          context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }
        },
        { action: 'cloudformation:CreateStack', resource: arn(t, 'cloudformation', 'stack/x/*') }
      ])
  },
  {
    id: 'glue:CreateDevEndpoint+PassRole',
    kind: 'escalation',
    title: 'iam:PassRole + glue:CreateDevEndpoint',
    source: `${RHINO} (17)`,
    choices: (t) =>
      rolesOf(t).map((role) => [
        { action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'glue.amazonaws.com' } },
        { action: 'glue:CreateDevEndpoint', resource: arn(t, 'glue', 'devEndpoint/x') }
      ])
  },
  {
    id: 'sts:AssumeRole',
    kind: 'escalation',
    title: 'sts:AssumeRole of any role',
    source: PATHFINDING,
    choices: (t) => rolesOf(t).map((resource) => [{ action: 'sts:AssumeRole', resource }])
  },
  // Exposure: changes to resources that are not the action's.
  {
    id: 'ec2:AuthorizeSecurityGroupIngress-foreign',
    kind: 'exposure',
    title:
      "ec2:AuthorizeSecurityGroupIngress on a group that is not the action's (open a database to 0.0.0.0/0)",
    source: EXPOSURE,
    choices: onForeignGroup('ec2:AuthorizeSecurityGroupIngress')
  },
  {
    id: 'ec2:AuthorizeSecurityGroupEgress-foreign',
    kind: 'exposure',
    title: "ec2:AuthorizeSecurityGroupEgress on a group that is not the action's",
    source: EXPOSURE,
    choices: onForeignGroup('ec2:AuthorizeSecurityGroupEgress')
  },
  {
    id: 'ec2:RevokeSecurityGroupIngress-foreign',
    kind: 'exposure',
    title: "ec2:RevokeSecurityGroupIngress on a group that is not the action's",
    source: EXPOSURE,
    choices: onForeignGroup('ec2:RevokeSecurityGroupIngress')
  },
  {
    id: 'ec2:DeleteSecurityGroup-foreign',
    kind: 'exposure',
    title: "ec2:DeleteSecurityGroup of a group that is not the action's",
    source: EXPOSURE,
    choices: onForeignGroup('ec2:DeleteSecurityGroup')
  },
  {
    id: 'ec2:CreateTags-existing-group',
    kind: 'exposure',
    title: "ec2:CreateTags on an existing group (give it the action's tag, then open it)",
    source: EXPOSURE,
    choices: (t) => [
      [
        {
          action: 'ec2:CreateTags',
          resource: arn(t, 'ec2', 'security-group/sg-0database0000000'),
          context: {
            'aws:RequestTag/ecs-fargate-deploy:family': t.family,
            'aws:TagKeys': ['ecs-fargate-deploy:family']
          }
        }
      ]
    ]
  },
  {
    id: 'ec2:ModifyNetworkInterfaceAttribute',
    kind: 'exposure',
    title:
      "ec2:ModifyNetworkInterfaceAttribute (put the action's open group on another resource's interface)",
    source: EXPOSURE,
    choices: (t) => [
      [{ action: 'ec2:ModifyNetworkInterfaceAttribute', resource: arn(t, 'ec2', 'network-interface/eni-0') }]
    ]
  },
  {
    id: 'ecr:SetRepositoryPolicy',
    kind: 'exposure',
    title: 'ecr:SetRepositoryPolicy (share a repository with other principals)',
    source: EXPOSURE,
    choices: (t) => [[{ action: 'ecr:SetRepositoryPolicy', resource: arn(t, 'ecr', 'repository/any') }]]
  },
  {
    id: 'logs:PutResourcePolicy',
    kind: 'exposure',
    title: 'logs:PutResourcePolicy (let other principals write or read logs)',
    source: EXPOSURE,
    choices: () => [[{ action: 'logs:PutResourcePolicy', resource: '*' }]]
  },
  {
    id: 'ecs:service-foreign',
    kind: 'exposure',
    title:
      "ecs:UpdateService / DeleteService / Express update or delete of a service that is not the action's",
    source: EXPOSURE,
    choices: (t) =>
      [
        'ecs:UpdateService',
        'ecs:DeleteService',
        'ecs:UpdateExpressGatewayService',
        'ecs:DeleteExpressGatewayService'
      ].flatMap((action) => [
        [
          {
            action,
            resource: arn(t, 'ecs', `service/${t.clusterArn.split('/').pop()}/someone-elses-service`),
            context: { 'ecs:cluster': t.clusterArn }
          }
        ],
        [
          {
            action,
            resource: arn(t, 'ecs', 'service/production/someone-elses-service'),
            context: { 'ecs:cluster': arn(t, 'ecs', 'cluster/production') }
          }
        ]
      ])
  },
  {
    id: 'ecs:StopTask-foreign',
    kind: 'exposure',
    title: 'ecs:StopTask of tasks in another cluster',
    source: EXPOSURE,
    choices: (t) => [
      [
        {
          action: 'ecs:StopTask',
          resource: arn(t, 'ecs', 'task/production/0123'),
          context: { 'ecs:cluster': arn(t, 'ecs', 'cluster/production') }
        }
      ]
    ]
  }
]
