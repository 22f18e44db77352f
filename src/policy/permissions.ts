// The one table of IAM permissions the action needs: every AWS call it makes, the IAM actions that call
// is authorized by, on which resource, and for which inputs. The policy printed by mode permissions, the
// docs/permissions.md, the hints on AccessDenied errors and the test that every SDK command has a row all come
// from here. Resource types and dependent actions follow the AWS Service Authorization Reference.
import { isArn, parseArn } from '../shared/arn.js'
import {
  ECS_TASKS_SERVICE,
  ECS_TASKS_TRUST_POLICY,
  executionRolePolicyArn,
  type TrustPolicy
} from '../shared/execution-role.js'
import { ECS_SERVICE, infrastructureRolePolicyArn } from '../shared/infrastructure-role.js'
import { JOB_SCHEDULE_GROUP, jobName } from '../shared/job-schedule.js'
import { FAMILY_TAG } from '../shared/tags.js'
import { EXPIRES_AT_TAG, SCHEDULER_SERVICE, SCHEDULE_GROUP, SCHEDULE_PREFIX } from '../shared/ttl-role.js'
import {
  DEFAULTS,
  managesExecutionRole,
  managesInfrastructureRole,
  managesTtlRole,
  type Inputs
} from '../inputs/inputs.js'

/** The AWS API the action calls (the SDK client); a row's IAM actions may belong to another service. */
export type Service = 'ecr' | 'ecs' | 'ec2' | 'iam' | 'logs' | 'scheduler' | 'sts' | 'events'
export type PermissionMode = 'deploy' | 'stop'

/** Condition block of a policy statement: operator → condition key → value(s). */
export type Condition = Record<string, Record<string, string | string[]>>

/** The names and ARNs a policy is scoped to. Role fields are role ARNs. */
export interface Scope {
  partition: string
  region: string
  account: string
  repository: string
  cluster: string
  family: string
  executionRole: string
  taskRole?: string
  logGroup: string
  /** Service mode: the Express Mode service's name (SERVICE when none is given) and the infrastructure role's ARN. */
  service: string
  infrastructureRole: string
  /** Service and ttl: the role EventBridge Scheduler deletes the expired service with. */
  ttlRole: string
  /** A scheduled job's name (shared/job-schedule.ts): its schedule, scheduler role and failure rule. */
  job: string
  /** A scheduled job's notify topic (any topic when none is given). */
  notifyTopic: string
}

/** A create step the user can skip by bringing their own resource. */
export interface OptionalStep {
  input: string
  bringYourOwn: string
}

export interface PermissionRow {
  service: Service
  /** The SDK command name without `Command` (`push` for docker push's registry calls). */
  operation: string
  actions: readonly string[]
  resource: (scope: Scope) => string | readonly string[]
  condition?: (scope: Scope) => Condition
  /** What the action was doing, in words. */
  step: string
  modes: readonly PermissionMode[]
  /**
   * What the call is for: one-off tasks (no service input) or an Express Mode service (service set); absent
   * means both.
   */
  target?: 'tasks' | 'service'
  /** Whether these inputs make the action call this; absent means always (in its modes). */
  when?: (inputs: Inputs) => boolean
  optional?: OptionalStep
  /** Statement the row is grouped into; rows sharing a Sid share their kind of condition. */
  sid: string
  /** AWS authorizes this call for every identity (sts:GetCallerIdentity): listed, never put in a policy. */
  noPermissionNeeded?: boolean
  /**
   * 'setup': the call creates or writes a role the deploy identity may pass (CreateRole, AttachRolePolicy,
   * PutRolePolicy). Such a write plus iam:PassRole is an escalation path, so the deploy policy leaves these
   * rows out: they are what the one-time setup an administrator applies does, and what the action itself does
   * only for an identity that may create roles (the quick path, e.g. an admin sandbox). Absent: 'deploy'.
   */
  audience?: Audience
}

/** Who needs a row: the deploy identity, or the administrator's one-time setup (see PermissionRow.audience). */
export type Audience = 'deploy' | 'setup'

export interface PolicyStatement {
  Sid: string
  Effect: 'Allow'
  Action: string[]
  Resource: string[]
  Condition?: Condition
}

export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: PolicyStatement[]
}

export const ACCOUNT_PLACEHOLDER = 'ACCOUNT_ID'
export const REGION_PLACEHOLDER = 'REGION'

const ALWAYS: readonly PermissionMode[] = ['deploy', 'stop']
const DEPLOY: readonly PermissionMode[] = ['deploy']
const STOP: readonly PermissionMode[] = ['stop']

/** ARNs of everything the action touches, built from a scope. */
export function arnsFor(scope: Scope) {
  const { partition: p, region: r, account: a } = scope
  return {
    repository: `arn:${p}:ecr:${r}:${a}:repository/${scope.repository}`,
    cluster: `arn:${p}:ecs:${r}:${a}:cluster/${scope.cluster}`,
    taskDefinitions: `arn:${p}:ecs:${r}:${a}:task-definition/${scope.family}:*`,
    tasks: `arn:${p}:ecs:${r}:${a}:task/${scope.cluster}/*`,
    securityGroups: `arn:${p}:ec2:${r}:${a}:security-group/*`,
    vpcs: `arn:${p}:ec2:${r}:${a}:vpc/*`,
    logGroup: `arn:${p}:logs:${r}:${a}:log-group:${scope.logGroup}`,
    logGroupChildren: `arn:${p}:logs:${r}:${a}:log-group:${scope.logGroup}:*`,
    logStreams: `arn:${p}:logs:${r}:${a}:log-group:${scope.logGroup}:log-stream:*`,
    service: `arn:${p}:ecs:${r}:${a}:service/${scope.cluster}/${scope.service}`,
    serviceDeployments: `arn:${p}:ecs:${r}:${a}:service-deployment/${scope.cluster}/${scope.service}/*`,
    expirySchedules: `arn:${p}:scheduler:${r}:${a}:schedule/${SCHEDULE_GROUP}/${SCHEDULE_PREFIX}*`,
    jobSchedule: `arn:${p}:scheduler:${r}:${a}:schedule/${JOB_SCHEDULE_GROUP}/${scope.job}`,
    jobRole: `arn:${p}:iam::${a}:role/${scope.job}`,
    jobRule: `arn:${p}:events:${r}:${a}:rule/${scope.job}`,
    ecsServiceLinkedRole: `arn:${p}:iam::${a}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    executionRolePolicy: executionRolePolicyArn(p),
    infrastructureRolePolicy: infrastructureRolePolicyArn(p)
  }
}

const passRoleCondition = (): Condition => ({ StringEquals: { 'iam:PassedToService': ECS_TASKS_SERVICE } })
const passToEcsCondition = (): Condition => ({ StringEquals: { 'iam:PassedToService': ECS_SERVICE } })
const passToSchedulerCondition = (): Condition => ({
  StringEquals: { 'iam:PassedToService': SCHEDULER_SERVICE }
})
const ecsCreateAction = (action: string) => (): Condition => ({
  StringEquals: { 'ecs:CreateAction': action }
})
/** The family tag the action puts on the security group it creates (StringLike: a preview's family is FAMILY-pr-*). */
const familyTagged =
  (key: 'aws:RequestTag' | 'aws:ResourceTag') =>
  (scope: Scope): Condition => ({ StringLike: { [`${key}/${FAMILY_TAG}`]: scope.family } })
const inCluster = (scope: Scope): Condition => ({ ArnEquals: { 'ecs:cluster': arnsFor(scope).cluster } })
const noSecurityGroups = (inputs: Inputs) => inputs.securityGroups.length === 0
/** A role given as an ARN is used as is; a name is looked up in IAM. */
const executionRoleByName = (inputs: Inputs) => !isArn(inputs.executionRole)
const createsExecutionRole = (inputs: Inputs) => managesExecutionRole(inputs)
const grantsSecrets = (inputs: Inputs) => inputs.secrets.length > 0 && managesExecutionRole(inputs)
const waits = (inputs: Inputs) => inputs.waitFor !== 'none'
/** A preview replaces its earlier tasks, and stops them all when its pull request closes. */
const previews = (inputs: Inputs) => inputs.preview
/** Tasks always register one; a service only for a task-definition template (else Express Mode does). */
const registersTaskDefinition = (inputs: Inputs) =>
  inputs.serviceName === undefined || inputs.taskDefinitionTemplate !== undefined
const infrastructureRoleByName = (inputs: Inputs) => !isArn(inputs.infrastructureRole)
const createsInfrastructureRole = (inputs: Inputs) => managesInfrastructureRole(inputs)
/** Service and ttl: a schedule deletes the service when the ttl runs out. */
const hasTtl = (inputs: Inputs) => inputs.ttlSeconds !== undefined
const ttlRoleByName = (inputs: Inputs) => hasTtl(inputs) && !isArn(inputs.ttlRole)
const createsTtlRole = (inputs: Inputs) => hasTtl(inputs) && managesTtlRole(inputs)
/** A scheduled job (tasks with schedule): its schedule, scheduler role and failure rule. */
const schedules = (inputs: Inputs) => inputs.schedule !== undefined
/** A cancelled run deletes the service it created and never saw healthy (stop-on-cancel). */
const deletesOnCancel = (inputs: Inputs) => inputs.waitFor !== 'none' && inputs.stopOnCancel

const CREATE_REPOSITORY: OptionalStep = {
  input: 'create-repository',
  bringYourOwn: 'set create-repository: false and create the repository ahead of time'
}
const CREATE_CLUSTER: OptionalStep = {
  input: 'create-cluster',
  bringYourOwn: 'set create-cluster: false and create the cluster ahead of time'
}
const CREATE_EXECUTION_ROLE: OptionalStep = {
  input: 'create-execution-role',
  bringYourOwn:
    'set create-execution-role: false and set execution-role to the ARN of an existing role with AmazonECSTaskExecutionRolePolicy (an ARN needs no IAM call)'
}
const CREATE_SECURITY_GROUP: OptionalStep = {
  input: 'security-groups',
  bringYourOwn: 'set security-groups to groups you manage (they must allow the port)'
}
const CREATE_INFRASTRUCTURE_ROLE: OptionalStep = {
  input: 'create-infrastructure-role',
  bringYourOwn:
    'set create-infrastructure-role: false and set infrastructure-role to the ARN of an existing role trusted by ecs.amazonaws.com with AmazonECSInfrastructureRoleforExpressGatewayServices (an ARN needs no IAM call)'
}
const CREATE_TTL_ROLE: OptionalStep = {
  input: 'create-ttl-role',
  bringYourOwn:
    'set create-ttl-role: false and set ttl-role to the ARN of an existing role trusted by scheduler.amazonaws.com that may call ecs:DeleteExpressGatewayService (an ARN needs no IAM call)'
}
const CREATE_LOG_GROUP: OptionalStep = {
  input: 'log-group',
  bringYourOwn: 'set log-group to an existing log group; the action then does not create one'
}

/** Every AWS call the action makes, in the order a deploy makes them, then stop's. */
export const PERMISSIONS: readonly PermissionRow[] = [
  {
    service: 'sts',
    operation: 'GetCallerIdentity',
    actions: ['sts:GetCallerIdentity'],
    resource: () => '*',
    step: 'read the AWS account id',
    modes: ALWAYS,
    sid: 'Identity',
    noPermissionNeeded: true
  },
  {
    service: 'ecr',
    operation: 'GetAuthorizationToken',
    actions: ['ecr:GetAuthorizationToken'],
    resource: () => '*',
    step: 'log in to the ECR registry',
    modes: DEPLOY,
    sid: 'EcrLogin'
  },
  {
    service: 'ecr',
    operation: 'DescribeRepositories',
    actions: ['ecr:DescribeRepositories'],
    resource: (s) => arnsFor(s).repository,
    step: 'look up the ECR repository',
    modes: DEPLOY,
    sid: 'EcrRepository'
  },
  {
    service: 'ecr',
    operation: 'CreateRepository',
    // Tags given on create are authorized as ecr:TagResource too.
    actions: ['ecr:CreateRepository', 'ecr:TagResource'],
    resource: (s) => arnsFor(s).repository,
    step: 'create the ECR repository',
    modes: DEPLOY,
    when: (inputs) => inputs.createRepository,
    optional: CREATE_REPOSITORY,
    sid: 'EcrRepository'
  },
  {
    service: 'ecr',
    operation: 'push',
    actions: [
      'ecr:BatchCheckLayerAvailability',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
      'ecr:BatchGetImage'
    ],
    resource: (s) => arnsFor(s).repository,
    step: 'push the image to the ECR repository (docker push)',
    modes: DEPLOY,
    sid: 'EcrRepository'
  },
  {
    service: 'ecr',
    operation: 'DescribeImages',
    actions: ['ecr:DescribeImages'],
    resource: (s) => arnsFor(s).repository,
    step: "read the pushed image's digest",
    modes: DEPLOY,
    sid: 'EcrRepository'
  },
  {
    service: 'ecr',
    operation: 'BatchGetImage',
    actions: ['ecr:BatchGetImage'],
    resource: (s) => arnsFor(s).repository,
    step: "check the pushed image's platform (its manifest) before running it",
    modes: DEPLOY,
    sid: 'EcrRepository'
  },
  {
    service: 'ecs',
    operation: 'DescribeClusters',
    actions: ['ecs:DescribeClusters'],
    resource: (s) => arnsFor(s).cluster,
    step: 'look up the ECS cluster',
    modes: DEPLOY,
    sid: 'EcsCluster'
  },
  {
    service: 'ecs',
    operation: 'CreateCluster',
    actions: ['ecs:CreateCluster'],
    resource: (s) => arnsFor(s).cluster,
    step: 'create the ECS cluster',
    modes: DEPLOY,
    when: (inputs) => inputs.createCluster,
    optional: CREATE_CLUSTER,
    sid: 'EcsCluster'
  },
  {
    service: 'ecs',
    operation: 'CreateCluster',
    // The first cluster in an account makes ECS create its service-linked role, as the caller.
    actions: ['iam:CreateServiceLinkedRole'],
    resource: (s) => arnsFor(s).ecsServiceLinkedRole,
    condition: () => ({ StringLike: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } }),
    step: "let ECS create its service-linked role (the account's first cluster)",
    modes: DEPLOY,
    when: (inputs) => inputs.createCluster,
    optional: CREATE_CLUSTER,
    sid: 'EcsServiceLinkedRole'
  },
  {
    service: 'ecs',
    operation: 'CreateCluster',
    actions: ['ecs:TagResource'],
    resource: (s) => arnsFor(s).cluster,
    condition: ecsCreateAction('CreateCluster'),
    step: 'tag the ECS cluster it creates',
    modes: DEPLOY,
    when: (inputs) => inputs.createCluster,
    optional: CREATE_CLUSTER,
    sid: 'EcsTagOnCreate'
  },
  {
    service: 'iam',
    operation: 'GetRole',
    actions: ['iam:GetRole'],
    resource: (s) => s.executionRole,
    step: 'look up the task execution role',
    modes: DEPLOY,
    when: executionRoleByName,
    optional: CREATE_EXECUTION_ROLE,
    sid: 'IamExecutionRole'
  },
  {
    service: 'iam',
    operation: 'CreateRole',
    actions: ['iam:CreateRole', 'iam:TagRole'],
    resource: (s) => s.executionRole,
    step: 'create the task execution role',
    modes: DEPLOY,
    when: createsExecutionRole,
    optional: CREATE_EXECUTION_ROLE,
    audience: 'setup',
    sid: 'IamExecutionRole'
  },
  {
    service: 'iam',
    operation: 'AttachRolePolicy',
    actions: ['iam:AttachRolePolicy'],
    resource: (s) => s.executionRole,
    condition: (s) => ({ ArnEquals: { 'iam:PolicyARN': arnsFor(s).executionRolePolicy } }),
    step: 'attach AmazonECSTaskExecutionRolePolicy to the execution role',
    modes: DEPLOY,
    when: createsExecutionRole,
    optional: CREATE_EXECUTION_ROLE,
    audience: 'setup',
    sid: 'IamExecutionRolePolicy'
  },
  {
    service: 'iam',
    operation: 'GetRolePolicy',
    actions: ['iam:GetRolePolicy'],
    resource: (s) => s.executionRole,
    step: "check that the execution role may read the task's secrets (its inline secrets policy; read only)",
    modes: DEPLOY,
    when: grantsSecrets,
    optional: CREATE_EXECUTION_ROLE,
    sid: 'IamExecutionRoleSecretsRead'
  },
  {
    service: 'iam',
    operation: 'PutRolePolicy',
    actions: ['iam:PutRolePolicy'],
    resource: (s) => s.executionRole,
    step: "let the execution role read the task's secrets (an inline policy on exactly those secrets), when it may not yet",
    modes: DEPLOY,
    when: grantsSecrets,
    optional: CREATE_EXECUTION_ROLE,
    audience: 'setup',
    sid: 'IamExecutionRoleSecrets'
  },
  {
    service: 'iam',
    operation: 'GetRole',
    actions: ['iam:GetRole'],
    resource: (s) => s.taskRole ?? [],
    step: "look up the task role's ARN",
    modes: DEPLOY,
    when: (inputs) => inputs.taskRole !== undefined && !isArn(inputs.taskRole),
    optional: { input: 'task-role', bringYourOwn: 'set task-role to the role ARN instead of its name' },
    sid: 'IamExecutionRole'
  },
  {
    service: 'iam',
    operation: 'GetRole',
    actions: ['iam:GetRole'],
    resource: (s) => s.infrastructureRole,
    step: 'look up the Express Mode infrastructure role',
    target: 'service',
    modes: DEPLOY,
    when: infrastructureRoleByName,
    optional: CREATE_INFRASTRUCTURE_ROLE,
    sid: 'IamInfrastructureRole'
  },
  {
    service: 'iam',
    operation: 'CreateRole',
    actions: ['iam:CreateRole', 'iam:TagRole'],
    resource: (s) => s.infrastructureRole,
    step: 'create the Express Mode infrastructure role',
    target: 'service',
    modes: DEPLOY,
    when: createsInfrastructureRole,
    optional: CREATE_INFRASTRUCTURE_ROLE,
    audience: 'setup',
    sid: 'IamInfrastructureRole'
  },
  {
    service: 'iam',
    operation: 'AttachRolePolicy',
    actions: ['iam:AttachRolePolicy'],
    resource: (s) => s.infrastructureRole,
    condition: (s) => ({ ArnEquals: { 'iam:PolicyARN': arnsFor(s).infrastructureRolePolicy } }),
    step: 'attach AmazonECSInfrastructureRoleforExpressGatewayServices to the infrastructure role',
    target: 'service',
    modes: DEPLOY,
    when: createsInfrastructureRole,
    optional: CREATE_INFRASTRUCTURE_ROLE,
    audience: 'setup',
    sid: 'IamInfrastructureRolePolicy'
  },
  {
    service: 'iam',
    operation: 'GetRole',
    actions: ['iam:GetRole'],
    resource: (s) => s.ttlRole,
    step: 'look up the ttl role',
    target: 'service',
    modes: DEPLOY,
    when: ttlRoleByName,
    optional: CREATE_TTL_ROLE,
    sid: 'IamTtlRole'
  },
  {
    service: 'iam',
    operation: 'CreateRole',
    actions: ['iam:CreateRole', 'iam:TagRole'],
    resource: (s) => s.ttlRole,
    step: 'create the ttl role (trusted by EventBridge Scheduler of this account)',
    target: 'service',
    modes: DEPLOY,
    when: createsTtlRole,
    optional: CREATE_TTL_ROLE,
    audience: 'setup',
    sid: 'IamTtlRole'
  },
  {
    service: 'iam',
    operation: 'PutRolePolicy',
    actions: ['iam:PutRolePolicy'],
    resource: (s) => s.ttlRole,
    step: 'let the ttl role delete Express Mode services tagged ecs-fargate-deploy:expires-at (its inline policy)',
    target: 'service',
    modes: DEPLOY,
    when: createsTtlRole,
    optional: CREATE_TTL_ROLE,
    audience: 'setup',
    sid: 'IamTtlRole'
  },
  {
    service: 'logs',
    operation: 'DescribeLogGroups',
    actions: ['logs:DescribeLogGroups'],
    resource: () => '*',
    step: 'look up the log group',
    modes: DEPLOY,
    sid: 'LogsDescribe'
  },
  {
    service: 'logs',
    operation: 'CreateLogGroup',
    // Tags given on create are authorized as logs:TagResource and the older logs:TagLogGroup.
    actions: ['logs:CreateLogGroup', 'logs:TagLogGroup', 'logs:TagResource'],
    resource: (s) => [arnsFor(s).logGroup, arnsFor(s).logGroupChildren],
    step: 'create the log group',
    modes: DEPLOY,
    optional: CREATE_LOG_GROUP,
    sid: 'LogsLogGroup'
  },
  {
    service: 'ec2',
    operation: 'DescribeVpcs',
    actions: ['ec2:DescribeVpcs'],
    resource: () => '*',
    step: 'find the default VPC',
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => inputs.subnets.length === 0,
    sid: 'Ec2Describe'
  },
  {
    service: 'ec2',
    operation: 'DescribeSubnets',
    actions: ['ec2:DescribeSubnets'],
    resource: () => '*',
    step: "find the default subnets, or the given subnets' VPC",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => inputs.subnets.length === 0 || noSecurityGroups(inputs),
    sid: 'Ec2Describe'
  },
  {
    service: 'ec2',
    operation: 'DescribeSecurityGroups',
    actions: ['ec2:DescribeSecurityGroups'],
    resource: () => '*',
    step: "find the family's security group",
    target: 'tasks',
    modes: DEPLOY,
    when: noSecurityGroups,
    optional: CREATE_SECURITY_GROUP,
    sid: 'Ec2Describe'
  },
  {
    service: 'ec2',
    operation: 'CreateSecurityGroup',
    // Only a group created with the family tag, so that every group the later rows may change carries it.
    actions: ['ec2:CreateSecurityGroup'],
    resource: (s) => arnsFor(s).securityGroups,
    condition: familyTagged('aws:RequestTag'),
    step: "create the security group (with the family's tag)",
    target: 'tasks',
    modes: DEPLOY,
    when: noSecurityGroups,
    optional: CREATE_SECURITY_GROUP,
    sid: 'Ec2SecurityGroup'
  },
  {
    service: 'ec2',
    operation: 'CreateSecurityGroup',
    // The VPC the group is created in: aws:RequestTag does not apply to the vpc resource type.
    actions: ['ec2:CreateSecurityGroup'],
    resource: (s) => arnsFor(s).vpcs,
    step: 'create the security group in the VPC',
    target: 'tasks',
    modes: DEPLOY,
    when: noSecurityGroups,
    optional: CREATE_SECURITY_GROUP,
    sid: 'Ec2SecurityGroupVpc'
  },
  {
    service: 'ec2',
    operation: 'CreateSecurityGroup',
    actions: ['ec2:CreateTags'],
    resource: (s) => arnsFor(s).securityGroups,
    condition: () => ({ StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' } }),
    step: 'tag the security group it creates',
    target: 'tasks',
    modes: DEPLOY,
    when: noSecurityGroups,
    optional: CREATE_SECURITY_GROUP,
    sid: 'Ec2TagOnCreate'
  },
  {
    service: 'ec2',
    operation: 'AuthorizeSecurityGroupIngress',
    // Only in groups carrying the family's tag, which only the action's CreateSecurityGroup can put on a group
    // (ec2:CreateTags is allowed only with ec2:CreateAction): never in a group someone else made (a database's).
    actions: ['ec2:AuthorizeSecurityGroupIngress'],
    resource: (s) => arnsFor(s).securityGroups,
    condition: familyTagged('aws:ResourceTag'),
    step: "open the port in the family's security group (one carrying the family's tag)",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => noSecurityGroups(inputs) && inputs.port !== undefined,
    optional: CREATE_SECURITY_GROUP,
    sid: 'Ec2OpenPort'
  },
  {
    service: 'ecs',
    operation: 'DescribeTaskDefinition',
    actions: ['ecs:DescribeTaskDefinition'],
    resource: () => '*',
    step: 'read the current task definition',
    modes: DEPLOY,
    when: registersTaskDefinition,
    sid: 'EcsTaskDefinitions'
  },
  {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    // Registering is not reliably scoped to a family (aws/containers-roadmap#929), so '*'.
    actions: ['ecs:RegisterTaskDefinition'],
    resource: () => '*',
    step: 'register the task definition',
    modes: DEPLOY,
    when: registersTaskDefinition,
    sid: 'EcsTaskDefinitions'
  },
  {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    actions: ['iam:PassRole'],
    resource: (s) => s.executionRole,
    condition: passRoleCondition,
    step: 'pass the execution role to ECS in the task definition',
    modes: DEPLOY,
    when: registersTaskDefinition,
    sid: 'IamPassRoles'
  },
  {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    actions: ['iam:PassRole'],
    resource: (s) => s.taskRole ?? [],
    condition: passRoleCondition,
    step: 'pass the task role to ECS in the task definition',
    modes: DEPLOY,
    when: (inputs) => inputs.taskRole !== undefined && registersTaskDefinition(inputs),
    sid: 'IamPassRoles'
  },
  {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    actions: ['ecs:TagResource'],
    resource: (s) => arnsFor(s).taskDefinitions,
    condition: ecsCreateAction('RegisterTaskDefinition'),
    step: 'tag the task definition it registers',
    modes: DEPLOY,
    when: registersTaskDefinition,
    sid: 'EcsTagOnCreate'
  },
  {
    service: 'ecs',
    operation: 'RunTask',
    actions: ['ecs:RunTask'],
    resource: (s) => arnsFor(s).taskDefinitions,
    condition: inCluster,
    step: 'run the task',
    target: 'tasks',
    modes: DEPLOY,
    sid: 'EcsRunTask'
  },
  {
    service: 'ecs',
    operation: 'RunTask',
    actions: ['iam:PassRole'],
    resource: (s) => [s.executionRole, ...(s.taskRole ? [s.taskRole] : [])],
    condition: passRoleCondition,
    step: "pass the task definition's roles to ECS when running the task",
    target: 'tasks',
    modes: DEPLOY,
    sid: 'IamPassRoles'
  },
  {
    service: 'ecs',
    operation: 'RunTask',
    actions: ['ecs:TagResource'],
    resource: (s) => arnsFor(s).tasks,
    condition: ecsCreateAction('RunTask'),
    step: 'tag the tasks it runs',
    target: 'tasks',
    modes: DEPLOY,
    sid: 'EcsTagOnCreate'
  },
  {
    service: 'ecs',
    operation: 'DescribeTasks',
    actions: ['ecs:DescribeTasks'],
    resource: (s) => arnsFor(s).tasks,
    step: 'watch the tasks',
    target: 'tasks',
    modes: DEPLOY,
    when: waits,
    sid: 'EcsTasks'
  },
  {
    service: 'ec2',
    operation: 'DescribeNetworkInterfaces',
    actions: ['ec2:DescribeNetworkInterfaces'],
    resource: () => '*',
    step: "read the task's public IP from its network interface",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => inputs.waitFor === 'running' || inputs.waitFor === 'healthy',
    sid: 'Ec2Describe'
  },
  {
    service: 'logs',
    operation: 'GetLogEvents',
    actions: ['logs:GetLogEvents'],
    resource: (s) => arnsFor(s).logStreams,
    // wait-for stopped streams the log; the other waits read its last lines when the task fails.
    step: "read the task's log lines",
    target: 'tasks',
    modes: DEPLOY,
    when: waits,
    sid: 'LogsRead'
  },
  {
    service: 'ecs',
    operation: 'StopTask',
    actions: ['ecs:StopTask'],
    resource: (s) => arnsFor(s).tasks,
    step: 'stop the tasks when wait-for stopped runs out of time (stop-on-timeout) or the run is cancelled (stop-on-cancel)',
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) =>
      inputs.waitFor !== 'none' &&
      (inputs.stopOnCancel || (inputs.waitFor === 'stopped' && inputs.stopOnTimeout)),
    sid: 'EcsTasks'
  },
  {
    service: 'ecs',
    operation: 'DescribeServices',
    actions: ['ecs:DescribeServices'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: 'look up the Express Mode service (and read its events when a deployment fails)',
    target: 'service',
    modes: ALWAYS,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'DescribeExpressGatewayService',
    actions: ['ecs:DescribeExpressGatewayService'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: "read the service's configuration and URL (and its status while it is deleted)",
    target: 'service',
    modes: ALWAYS,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'CreateExpressGatewayService',
    actions: ['ecs:CreateExpressGatewayService'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: 'create the Express Mode service',
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'CreateExpressGatewayService',
    actions: ['ecs:TagResource'],
    resource: (s) => arnsFor(s).service,
    condition: ecsCreateAction('CreateExpressGatewayService'),
    step: 'tag the service it creates',
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsTagOnCreate'
  },
  {
    service: 'ecs',
    operation: 'CreateExpressGatewayService',
    actions: ['iam:PassRole'],
    resource: (s) => s.infrastructureRole,
    condition: passToEcsCondition,
    step: 'pass the infrastructure role to ECS, which manages the load balancer and scaling with it',
    target: 'service',
    modes: DEPLOY,
    sid: 'IamPassInfrastructureRole'
  },
  {
    service: 'ecs',
    operation: 'CreateExpressGatewayService',
    actions: ['iam:PassRole'],
    resource: (s) => [s.executionRole, ...(s.taskRole ? [s.taskRole] : [])],
    condition: passRoleCondition,
    step: "pass the tasks' roles to ECS when creating or updating the service",
    target: 'service',
    modes: DEPLOY,
    sid: 'IamPassRoles'
  },
  {
    service: 'ecs',
    operation: 'CreateExpressGatewayService',
    // AWS's documented caller permissions for Express Mode list ecs:RegisterTaskDefinition: the service makes its
    // task definition as the caller. AWS authorizes it on no resource in practice (aws/containers-roadmap#929):
    // '*'. Not an escalation path: the roles it may name are passable only to ECS tasks and not writable.
    actions: ['ecs:RegisterTaskDefinition'],
    resource: () => '*',
    step: "let Express Mode register the service's task definition (AWS documents it for the caller)",
    target: 'service',
    modes: DEPLOY,
    when: (inputs) => !registersTaskDefinition(inputs),
    sid: 'EcsTaskDefinitions'
  },
  {
    service: 'ecs',
    operation: 'UpdateExpressGatewayService',
    actions: ['ecs:RegisterTaskDefinition'],
    resource: () => '*',
    step: "let Express Mode register the service's task definition (AWS documents it for the caller)",
    target: 'service',
    modes: DEPLOY,
    when: (inputs) => !registersTaskDefinition(inputs),
    sid: 'EcsTaskDefinitions'
  },
  {
    service: 'ecs',
    operation: 'ListServiceDeployments',
    actions: ['ecs:ListServiceDeployments'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: 'find the deployment this run started',
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'UpdateExpressGatewayService',
    actions: ['ecs:UpdateExpressGatewayService'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: 'update the Express Mode service to the new image and settings',
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'UpdateExpressGatewayService',
    actions: ['iam:PassRole'],
    resource: (s) => [s.executionRole, ...(s.taskRole ? [s.taskRole] : [])],
    condition: passRoleCondition,
    step: "pass the tasks' roles to ECS when creating or updating the service",
    target: 'service',
    modes: DEPLOY,
    sid: 'IamPassRoles'
  },
  {
    service: 'ecs',
    operation: 'TagResource',
    actions: ['ecs:TagResource'],
    resource: (s) => arnsFor(s).service,
    step: 'tag the service it updates (tags given, or the ttl its expiry)',
    target: 'service',
    modes: DEPLOY,
    when: (inputs) => inputs.tags.length > 0 || hasTtl(inputs),
    sid: 'EcsServiceTags'
  },
  {
    service: 'ecs',
    operation: 'UntagResource',
    // Every service deploy: one without a ttl takes off the expiry an earlier deploy with a ttl put on, and
    // only that tag (aws:TagKeys: the tags to take off).
    actions: ['ecs:UntagResource'],
    resource: (s) => arnsFor(s).service,
    condition: () => ({
      'ForAllValues:StringEquals': { 'aws:TagKeys': EXPIRES_AT_TAG },
      Null: { 'aws:TagKeys': 'false' }
    }),
    step: 'take the expiry tag off the service when a deploy has no ttl but an earlier one had',
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsServiceUntagExpiry'
  },
  {
    service: 'scheduler',
    operation: 'UpdateSchedule',
    actions: ['scheduler:UpdateSchedule'],
    resource: (s) => arnsFor(s).expirySchedules,
    step: "move the service's ttl schedule to the new expiry on each deploy",
    target: 'service',
    modes: DEPLOY,
    when: hasTtl,
    sid: 'SchedulerTtl'
  },
  {
    service: 'scheduler',
    operation: 'UpdateSchedule',
    actions: ['iam:PassRole'],
    resource: (s) => s.ttlRole,
    condition: passToSchedulerCondition,
    step: 'pass the ttl role to EventBridge Scheduler, which deletes the service with it',
    target: 'service',
    modes: DEPLOY,
    when: hasTtl,
    sid: 'IamPassTtlRole'
  },
  {
    service: 'scheduler',
    operation: 'CreateSchedule',
    actions: ['scheduler:CreateSchedule'],
    resource: (s) => arnsFor(s).expirySchedules,
    step: 'make the one-time schedule that deletes the service when the ttl runs out',
    target: 'service',
    modes: DEPLOY,
    when: hasTtl,
    sid: 'SchedulerTtl'
  },
  {
    service: 'scheduler',
    operation: 'CreateSchedule',
    actions: ['iam:PassRole'],
    resource: (s) => s.ttlRole,
    condition: passToSchedulerCondition,
    step: 'pass the ttl role to EventBridge Scheduler, which deletes the service with it',
    target: 'service',
    modes: DEPLOY,
    when: hasTtl,
    sid: 'IamPassTtlRole'
  },
  {
    service: 'scheduler',
    operation: 'DeleteSchedule',
    actions: ['scheduler:DeleteSchedule'],
    resource: (s) => arnsFor(s).expirySchedules,
    // Every service deploy: one without a ttl deletes the schedule an earlier deploy with a ttl made.
    step: "delete the ttl's schedule when a deploy has no ttl but an earlier one had, or when the preview's pull request closes",
    target: 'service',
    modes: DEPLOY,
    sid: 'SchedulerTtl'
  },
  {
    service: 'ecs',
    operation: 'DescribeServiceDeployments',
    actions: ['ecs:DescribeServiceDeployments'],
    resource: (s) => arnsFor(s).serviceDeployments,
    condition: inCluster,
    step: 'watch the deployment until it succeeds, stops or rolls back',
    target: 'service',
    modes: DEPLOY,
    when: waits,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'ListTasks',
    actions: ['ecs:ListTasks'],
    resource: () => '*',
    condition: inCluster,
    step: "find the service's stopped tasks when a deployment fails",
    target: 'service',
    modes: DEPLOY,
    when: waits,
    sid: 'EcsListTasks'
  },
  {
    service: 'ecs',
    operation: 'DescribeTasks',
    actions: ['ecs:DescribeTasks'],
    resource: (s) => arnsFor(s).tasks,
    step: "read the stopped tasks' reasons when a deployment fails",
    target: 'service',
    modes: DEPLOY,
    when: waits,
    sid: 'EcsTasks'
  },
  // An existing standard ECS service (issue 20: plans/existing-service.ts). Whether `service` names one is known
  // only at run time (a DescribeServices look-up), so a service's policy carries these rows too. Its revision's
  // family and roles are the ones the inputs name (family, execution-role, task-role): set them to those of the
  // service's task definition. UpdateService passes no role (the service's own roles are not sent).
  {
    service: 'ecs',
    operation: 'DescribeTaskDefinition',
    actions: ['ecs:DescribeTaskDefinition'],
    resource: () => '*',
    step: "read the existing service's task definition revision (and its family's latest)",
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsTaskDefinitions'
  },
  {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    actions: ['ecs:RegisterTaskDefinition'],
    resource: () => '*',
    step: "register the existing service's next revision (its revision with the pushed image)",
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsTaskDefinitions'
  },
  {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    actions: ['iam:PassRole'],
    resource: (s) => [s.executionRole, ...(s.taskRole ? [s.taskRole] : [])],
    condition: passRoleCondition,
    step: "pass the existing service's task roles to ECS in its next revision",
    target: 'service',
    modes: DEPLOY,
    sid: 'IamPassRoles'
  },
  {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    actions: ['ecs:TagResource'],
    resource: (s) => arnsFor(s).taskDefinitions,
    condition: ecsCreateAction('RegisterTaskDefinition'),
    // The next revision carries the current one's tags (Terraform's, an SCP's mandatory keys): unknown
    // without credentials, so always.
    step: "tag the existing service's next revision with its current revision's tags",
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsTagOnCreate'
  },
  {
    service: 'ecs',
    operation: 'RunTask',
    actions: ['ecs:RunTask'],
    resource: (s) => arnsFor(s).taskDefinitions,
    condition: inCluster,
    step: 'run the release command once as a one-off task of the new revision (release-command)',
    target: 'service',
    modes: DEPLOY,
    when: (inputs) => inputs.releaseCommand !== undefined,
    sid: 'EcsRunTask'
  },
  {
    service: 'ecs',
    operation: 'RunTask',
    actions: ['iam:PassRole'],
    resource: (s) => [s.executionRole, ...(s.taskRole ? [s.taskRole] : [])],
    condition: passRoleCondition,
    step: "pass the revision's roles to ECS when running the release task",
    target: 'service',
    modes: DEPLOY,
    when: (inputs) => inputs.releaseCommand !== undefined,
    sid: 'IamPassRoles'
  },
  {
    service: 'ecs',
    operation: 'RunTask',
    actions: ['ecs:TagResource'],
    resource: (s) => arnsFor(s).tasks,
    condition: ecsCreateAction('RunTask'),
    step: 'tag the release task',
    target: 'service',
    modes: DEPLOY,
    when: (inputs) => inputs.releaseCommand !== undefined,
    sid: 'EcsTagOnCreate'
  },
  {
    service: 'ecs',
    operation: 'DescribeTasks',
    actions: ['ecs:DescribeTasks'],
    resource: (s) => arnsFor(s).tasks,
    step: 'watch the release task until it exits',
    modes: DEPLOY,
    when: (inputs) => inputs.releaseCommand !== undefined,
    sid: 'EcsTasks'
  },
  {
    service: 'logs',
    operation: 'GetLogEvents',
    actions: ['logs:GetLogEvents'],
    resource: (s) => arnsFor(s).logStreams,
    // Tasks: the release's log (the tasks' own rows cover waits); a service: a failed deployment's tasks too.
    step: "stream the release task's log, and read a failed deployment's stopped tasks' last lines",
    modes: DEPLOY,
    when: (inputs) =>
      inputs.releaseCommand !== undefined || (inputs.serviceName !== undefined && waits(inputs)),
    sid: 'LogsRead'
  },
  {
    service: 'ecs',
    operation: 'UpdateService',
    actions: ['ecs:UpdateService'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: 'deploy the new revision to the existing service (and its desired count when given)',
    target: 'service',
    modes: DEPLOY,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'UpdateService',
    // ECS checks iam:PassRole of the task definition's roles on every UpdateService (the local AWS does as
    // AWS's reference says: the service's revision is handed to ECS tasks again): the same two roles, to ECS
    // tasks only.
    actions: ['iam:PassRole'],
    resource: (s) => [s.executionRole, ...(s.taskRole ? [s.taskRole] : [])],
    condition: passRoleCondition,
    step: "pass the revision's roles to ECS tasks when updating the existing service",
    target: 'service',
    modes: ALWAYS,
    when: (inputs) => inputs.mode !== 'stop' || inputs.scaleToZero,
    sid: 'IamPassRoles'
  },
  {
    service: 'ecs',
    operation: 'StopServiceDeployment',
    // Both resource types are required by the Service Authorization Reference: the service and its deployment.
    actions: ['ecs:StopServiceDeployment'],
    resource: (s) => [arnsFor(s).service, arnsFor(s).serviceDeployments],
    condition: inCluster,
    step: 'roll back the deployment this run started when it times out (rollback-on-timeout) or the run is cancelled (stop-on-cancel)',
    target: 'service',
    modes: DEPLOY,
    when: (inputs) => waits(inputs) && (inputs.rollbackOnTimeout || inputs.stopOnCancel),
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'UpdateService',
    actions: ['ecs:UpdateService'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: 'scale the existing service to 0 tasks (scale-to-zero; it is never deleted)',
    target: 'service',
    modes: STOP,
    when: (inputs) => inputs.scaleToZero,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'ListServiceDeployments',
    actions: ['ecs:ListServiceDeployments'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: "list the existing service's deployments before scaling it to 0 tasks (scale-to-zero)",
    target: 'service',
    modes: STOP,
    when: (inputs) => inputs.scaleToZero,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'DeleteExpressGatewayService',
    actions: ['ecs:DeleteExpressGatewayService'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: 'delete the service this run created when the run is cancelled (or the step killed) before it was healthy (stop-on-cancel)',
    target: 'service',
    modes: DEPLOY,
    when: deletesOnCancel,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'DeleteExpressGatewayService',
    actions: ['ecs:DeleteExpressGatewayService'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: "delete the preview's service when its pull request closes (and wait until it is INACTIVE)",
    target: 'service',
    modes: DEPLOY,
    when: previews,
    sid: 'EcsService'
  },
  {
    service: 'ecs',
    operation: 'ListTasks',
    actions: ['ecs:ListTasks'],
    resource: () => '*',
    condition: inCluster,
    step: "find the preview's running tasks (started-by, family)",
    target: 'tasks',
    modes: DEPLOY,
    when: previews,
    sid: 'EcsListTasks'
  },
  {
    service: 'ecs',
    operation: 'DescribeTasks',
    actions: ['ecs:DescribeTasks'],
    resource: (s) => arnsFor(s).tasks,
    step: "check which of the preview's tasks run, and wait until they have stopped when its pull request closes",
    target: 'tasks',
    modes: DEPLOY,
    when: previews,
    sid: 'EcsTasks'
  },
  {
    service: 'ecs',
    operation: 'StopTask',
    actions: ['ecs:StopTask'],
    resource: (s) => arnsFor(s).tasks,
    step: 'stop the preview of the previous commit, and the preview when its pull request closes',
    target: 'tasks',
    modes: DEPLOY,
    when: previews,
    sid: 'EcsTasks'
  },
  {
    service: 'ec2',
    operation: 'DeleteSecurityGroup',
    // A group's ARN carries its id, not its name: so security-group/*, and only groups tagged with the
    // preview's family, as the action tags the group it creates. The action deletes only the group it named
    // after the family, in its VPC, with its description and the tags input.
    actions: ['ec2:DeleteSecurityGroup'],
    resource: (s) => arnsFor(s).securityGroups,
    condition: familyTagged('aws:ResourceTag'),
    step: 'delete the security group it created for the preview when its pull request closes',
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => previews(inputs) && noSecurityGroups(inputs),
    optional: CREATE_SECURITY_GROUP,
    sid: 'Ec2PreviewSecurityGroup'
  },
  {
    service: 'ecs',
    operation: 'ListTaskDefinitions',
    actions: ['ecs:ListTaskDefinitions'],
    resource: () => '*',
    step: "list the ACTIVE revisions of the preview's family when its pull request closes",
    target: 'tasks',
    modes: DEPLOY,
    when: previews,
    sid: 'EcsTaskDefinitions'
  },
  {
    service: 'ecs',
    operation: 'DeregisterTaskDefinition',
    // AWS authorizes it on no resource (and no condition key): '*'.
    actions: ['ecs:DeregisterTaskDefinition'],
    resource: () => '*',
    step: "deregister the revisions of the preview's family when its pull request closes",
    target: 'tasks',
    modes: DEPLOY,
    when: previews,
    sid: 'EcsTaskDefinitions'
  },
  {
    service: 'ecs',
    operation: 'ListTasks',
    // ListTasks is authorized on container instances; for Fargate the cluster condition is what scopes it.
    actions: ['ecs:ListTasks'],
    resource: () => '*',
    condition: inCluster,
    step: 'find the running tasks of the family started by started-by',
    target: 'tasks',
    modes: STOP,
    // A scheduled job's stop deletes its schedule and leaves its tasks alone.
    when: (inputs) => inputs.taskArns.length === 0 && !schedules(inputs),
    sid: 'EcsListTasks'
  },
  {
    service: 'ecs',
    operation: 'StopTask',
    actions: ['ecs:StopTask'],
    resource: (s) => arnsFor(s).tasks,
    step: 'stop the tasks',
    target: 'tasks',
    modes: STOP,
    when: (inputs) => !schedules(inputs),
    sid: 'EcsTasks'
  },
  {
    service: 'ecs',
    operation: 'DescribeTasks',
    actions: ['ecs:DescribeTasks'],
    resource: (s) => arnsFor(s).tasks,
    step: 'check which tasks run and wait until they have stopped',
    target: 'tasks',
    modes: STOP,
    when: (inputs) => !schedules(inputs),
    sid: 'EcsTasks'
  },
  {
    service: 'ecs',
    operation: 'DeleteExpressGatewayService',
    actions: ['ecs:DeleteExpressGatewayService'],
    resource: (s) => arnsFor(s).service,
    condition: inCluster,
    step: 'delete the Express Mode service (and wait until it is INACTIVE)',
    target: 'service',
    modes: STOP,
    sid: 'EcsService'
  },
  {
    service: 'scheduler',
    operation: 'DeleteSchedule',
    actions: ['scheduler:DeleteSchedule'],
    resource: (s) => arnsFor(s).expirySchedules,
    step: "delete the ttl's schedule of a service that had one (without it, the schedule fails harmlessly later)",
    target: 'service',
    modes: STOP,
    sid: 'SchedulerTtl'
  },
  // Scheduled jobs (schedule; docs/scheduled-jobs.md): one block, in the order a deploy makes the calls, then stop's.
  {
    service: 'iam',
    operation: 'GetRole',
    actions: ['iam:GetRole'],
    resource: (s) => arnsFor(s).jobRole,
    step: "look up the scheduled job's scheduler role",
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    sid: 'IamJobRole'
  },
  {
    service: 'iam',
    operation: 'CreateRole',
    actions: ['iam:CreateRole', 'iam:TagRole'],
    resource: (s) => arnsFor(s).jobRole,
    step: "create the scheduled job's scheduler role (trusted by EventBridge Scheduler of this account)",
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    audience: 'setup',
    sid: 'IamJobRole'
  },
  {
    service: 'iam',
    operation: 'PutRolePolicy',
    actions: ['iam:PutRolePolicy'],
    resource: (s) => arnsFor(s).jobRole,
    step: "let the scheduler role run only the family in the cluster and pass only the task's roles to ECS tasks (its inline policy)",
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    audience: 'setup',
    sid: 'IamJobRole'
  },
  {
    service: 'scheduler',
    operation: 'GetSchedule',
    actions: ['scheduler:GetSchedule'],
    resource: (s) => arnsFor(s).jobSchedule,
    step: "read the job's schedule (the revision it ran)",
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    sid: 'SchedulerJob'
  },
  {
    service: 'scheduler',
    operation: 'CreateSchedule',
    actions: ['scheduler:CreateSchedule'],
    resource: (s) => arnsFor(s).jobSchedule,
    step: "make the job's schedule",
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    sid: 'SchedulerJob'
  },
  {
    service: 'scheduler',
    operation: 'CreateSchedule',
    actions: ['iam:PassRole'],
    resource: (s) => arnsFor(s).jobRole,
    condition: passToSchedulerCondition,
    step: 'pass the scheduler role to EventBridge Scheduler, which runs the job with it',
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    sid: 'IamPassJobRole'
  },
  {
    service: 'scheduler',
    operation: 'UpdateSchedule',
    actions: ['scheduler:UpdateSchedule'],
    resource: (s) => arnsFor(s).jobSchedule,
    step: "move the job's schedule to the new revision",
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    sid: 'SchedulerJob'
  },
  {
    service: 'scheduler',
    operation: 'UpdateSchedule',
    actions: ['iam:PassRole'],
    resource: (s) => arnsFor(s).jobRole,
    condition: passToSchedulerCondition,
    step: 'pass the scheduler role to EventBridge Scheduler, which runs the job with it',
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    sid: 'IamPassJobRole'
  },
  {
    service: 'events',
    operation: 'PutRule',
    // A rule made with tags is authorized as events:TagResource too.
    actions: ['events:PutRule', 'events:TagResource'],
    resource: (s) => arnsFor(s).jobRule,
    step: "make the rule that sends the job's failed runs to the notify topic",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => schedules(inputs) && inputs.notify !== undefined,
    sid: 'EventsJobRule'
  },
  {
    service: 'events',
    operation: 'PutTargets',
    actions: ['events:PutTargets'],
    resource: (s) => arnsFor(s).jobRule,
    // events:TargetArn is multivalued (every target of the call): each must be the topic.
    condition: (s) => ({ 'ForAllValues:ArnLike': { 'events:TargetArn': s.notifyTopic } }),
    step: 'point the rule at the notify topic, and at nothing else',
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => schedules(inputs) && inputs.notify !== undefined,
    sid: 'EventsJobRuleTarget'
  },
  {
    service: 'events',
    operation: 'RemoveTargets',
    actions: ['events:RemoveTargets'],
    resource: (s) => arnsFor(s).jobRule,
    // Every task deploy: one without schedule deletes what an earlier deploy with schedule made.
    step: "delete the job's failure rule when notify is not set any more, or a deploy has no schedule but the family's latest revision had one",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => !inputs.preview,
    sid: 'EventsJobRule'
  },
  {
    service: 'events',
    operation: 'DeleteRule',
    actions: ['events:DeleteRule'],
    resource: (s) => arnsFor(s).jobRule,
    step: "delete the job's failure rule when notify is not set any more, or a deploy has no schedule but the family's latest revision had one",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => !inputs.preview,
    sid: 'EventsJobRule'
  },
  {
    service: 'scheduler',
    operation: 'DeleteSchedule',
    actions: ['scheduler:DeleteSchedule'],
    resource: (s) => arnsFor(s).jobSchedule,
    step: "delete the job's schedule when a deploy has no schedule but the family's latest revision had one",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => !inputs.preview && !schedules(inputs),
    sid: 'SchedulerJob'
  },
  {
    service: 'ecs',
    operation: 'ListTasks',
    actions: ['ecs:ListTasks'],
    resource: () => '*',
    condition: inCluster,
    step: "find the job's recent scheduled runs",
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    sid: 'EcsListTasks'
  },
  {
    service: 'ecs',
    operation: 'DescribeTasks',
    actions: ['ecs:DescribeTasks'],
    resource: (s) => arnsFor(s).tasks,
    step: "read the job's recent scheduled runs, and watch run-now's run",
    target: 'tasks',
    modes: DEPLOY,
    when: schedules,
    sid: 'EcsTasks'
  },
  {
    service: 'logs',
    operation: 'GetLogEvents',
    actions: ['logs:GetLogEvents'],
    resource: (s) => arnsFor(s).logStreams,
    step: "stream run-now's log",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => schedules(inputs) && inputs.runNow,
    sid: 'LogsRead'
  },
  {
    service: 'ecs',
    operation: 'StopTask',
    actions: ['ecs:StopTask'],
    resource: (s) => arnsFor(s).tasks,
    step: "stop run-now's run when it runs out of time or the run is cancelled",
    target: 'tasks',
    modes: DEPLOY,
    when: (inputs) => schedules(inputs) && inputs.runNow,
    sid: 'EcsTasks'
  },
  {
    service: 'scheduler',
    operation: 'DeleteSchedule',
    actions: ['scheduler:DeleteSchedule'],
    resource: (s) => arnsFor(s).jobSchedule,
    step: "delete the job's schedule",
    target: 'tasks',
    modes: STOP,
    when: schedules,
    sid: 'SchedulerJob'
  },
  {
    service: 'events',
    operation: 'RemoveTargets',
    actions: ['events:RemoveTargets'],
    resource: (s) => arnsFor(s).jobRule,
    step: "delete the job's failure rule",
    target: 'tasks',
    modes: STOP,
    when: schedules,
    sid: 'EventsJobRule'
  },
  {
    service: 'events',
    operation: 'DeleteRule',
    actions: ['events:DeleteRule'],
    resource: (s) => arnsFor(s).jobRule,
    step: "delete the job's failure rule",
    target: 'tasks',
    modes: STOP,
    when: schedules,
    sid: 'EventsJobRule'
  }
]

/** Partition of a region: aws, aws-cn, aws-us-gov, … */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('us-isob-')) return 'aws-iso-b'
  if (region.startsWith('us-iso-')) return 'aws-iso'
  return 'aws'
}

/**
 * The scope of a policy for these inputs. The account is, in order: the one given, the one in a role or
 * cluster ARN input, else the placeholder ACCOUNT_ID. Role inputs may be names or ARNs.
 */
export function scopeFor(inputs: Inputs, account?: string): Scope {
  const clusterArn = parseArn(inputs.cluster)
  const roleArns = [
    inputs.executionRole,
    inputs.taskRole ?? '',
    inputs.infrastructureRole ?? '',
    inputs.ttlRole ?? ''
  ].map(parseArn)
  const arnAccount = [...roleArns, clusterArn].find((arn) => arn?.account)?.account
  const resolvedAccount = account || arnAccount || ACCOUNT_PLACEHOLDER
  const region = inputs.region || clusterArn?.region || REGION_PLACEHOLDER
  const arnPartition = [clusterArn, ...roleArns].find((arn) => arn?.partition)?.partition
  const partition = inputs.region ? partitionOf(region) : (arnPartition ?? partitionOf(region))
  const roleArn = (role: string) =>
    parseArn(role) ? role : `arn:${partition}:iam::${resolvedAccount}:role/${role}`
  // Outside a pull request (permissions mode) a preview's family is every FAMILY-pr-N.
  const anyPreview = inputs.preview && inputs.mode === 'permissions' ? '-pr-*' : ''
  const family = `${inputs.family || 'FAMILY'}${anyPreview}`
  return {
    partition,
    region,
    account: resolvedAccount,
    repository: inputs.repository || 'REPOSITORY',
    cluster: clusterArn ? clusterArn.resource.replace(/^cluster\//, '') : inputs.cluster,
    family,
    executionRole: roleArn(inputs.executionRole),
    taskRole: inputs.taskRole ? roleArn(inputs.taskRole) : undefined,
    logGroup:
      inputs.logGroup && inputs.logGroup !== '/ecs/' ? inputs.logGroup : `/ecs/${inputs.family || 'FAMILY'}`,
    service: `${inputs.serviceName ?? 'SERVICE'}${anyPreview}`,
    infrastructureRole: roleArn(inputs.infrastructureRole || DEFAULTS['infrastructure-role']),
    ttlRole: roleArn(inputs.ttlRole || DEFAULTS['ttl-role']),
    job: jobName(inputs.cluster, family),
    notifyTopic: inputs.notify ?? `arn:${partition}:sns:${region}:${resolvedAccount}:*`
  }
}

/** The modes whose calls a policy for these inputs must allow: permissions mode prints deploy plus stop. */
export function modesFor(inputs: Inputs): PermissionMode[] {
  return inputs.mode === 'permissions' ? ['deploy', 'stop'] : [inputs.mode]
}

/** The rows these inputs need, in table order. */
export function rowsFor(
  inputs: Inputs,
  modes: readonly PermissionMode[] = modesFor(inputs)
): PermissionRow[] {
  const target = inputs.serviceName === undefined ? 'tasks' : 'service'
  return PERMISSIONS.filter(
    (row) =>
      row.modes.some((mode) => modes.includes(mode)) &&
      (row.target === undefined || row.target === target) &&
      (row.when ? row.when(inputs) : true)
  )
}

/**
 * The rows of one audience (PermissionRow.audience): 'deploy', what the printed deploy policy allows; 'setup',
 * the role writes an administrator's one-time setup makes (and the quick-path identity, one allowed to create
 * roles); 'all', both: every call the action can make with these inputs.
 */
export function rowsForAudience(
  inputs: Inputs,
  audience: Audience | 'all',
  modes: readonly PermissionMode[] = modesFor(inputs)
): PermissionRow[] {
  const rows = rowsFor(inputs, modes)
  return audience === 'all' ? rows : rows.filter((row) => (row.audience ?? 'deploy') === audience)
}

/** The rows of one AWS call (several when a call also needs iam:PassRole or tag-on-create permissions). */
export function rowsForOperation(service: string, operation: string): PermissionRow[] {
  return PERMISSIONS.filter((row) => row.service === service && row.operation === operation)
}

function asList(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value]
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)]
}

function mergeConditions(into: Condition, from: Condition): Condition {
  for (const [operator, keys] of Object.entries(from)) {
    const target = (into[operator] ??= {})
    for (const [key, value] of Object.entries(keys)) {
      const merged = unique([...asList(target[key] ?? []), ...asList(value)])
      target[key] = merged.length === 1 ? merged[0]! : merged
    }
  }
  return into
}

/** A ready-to-paste statement for one row. */
export function statementFor(row: PermissionRow, scope: Scope): PolicyStatement {
  const statement: PolicyStatement = {
    Sid: row.sid,
    Effect: 'Allow',
    Action: unique(row.actions).sort(),
    Resource: unique(asList(row.resource(scope)))
  }
  if (row.condition) statement.Condition = mergeConditions({}, row.condition(scope))
  return statement
}

/** Groups rows into statements by Sid, merging actions (sorted), resources and condition values. */
export function statementsFor(rows: readonly PermissionRow[], scope: Scope): PolicyStatement[] {
  const bySid = new Map<string, PolicyStatement>()
  for (const row of rows) {
    if (row.noPermissionNeeded) continue
    const statement = statementFor(row, scope)
    if (statement.Resource.length === 0) continue
    const existing = bySid.get(row.sid)
    if (!existing) {
      bySid.set(row.sid, statement)
      continue
    }
    existing.Action = unique([...existing.Action, ...statement.Action]).sort()
    existing.Resource = unique([...existing.Resource, ...statement.Resource])
    if (statement.Condition)
      existing.Condition = mergeConditions(existing.Condition ?? {}, statement.Condition)
  }
  const statements = [...bySid.values()]
  for (const statement of statements) {
    // '*' already covers every ARN in the same statement.
    if (statement.Resource.includes('*')) statement.Resource = ['*']
  }
  return statements
}

/**
 * The least-privilege identity policy for these inputs: for mode deploy what a deploy calls, for stop
 * what stop calls, for permissions a deploy with these inputs plus stop, so one identity can also tear down.
 * By default the deploy policy, without the role writes of the one-time setup (audience 'setup': what an
 * administrator applies once, or what a quick-path identity allowed to create roles needs on top).
 */
export function policyFor(
  inputs: Inputs,
  account?: string,
  options: { audience?: Audience | 'all' } = {}
): PolicyDocument {
  const rows = rowsForAudience(inputs, options.audience ?? 'deploy')
  return { Version: '2012-10-17', Statement: statementsFor(rows, scopeFor(inputs, account)) }
}

export interface ExecutionRoleDocuments {
  trustPolicy: TrustPolicy
  managedPolicyArn: string
}

/** The execution role the action creates (shared/execution-role), for the permissions mode to print. */
export function executionRoleDocuments(partition = 'aws'): ExecutionRoleDocuments {
  return { trustPolicy: ECS_TASKS_TRUST_POLICY, managedPolicyArn: executionRolePolicyArn(partition) }
}

/** Condition in words, for people reading the table or a request. */
export function describeCondition(condition: Condition): string {
  return Object.values(condition)
    .flatMap((keys) => Object.entries(keys).map(([key, value]) => `${key} = ${asList(value).join(' or ')}`))
    .join(', ')
}

/** Markdown table of every row: step | IAM actions | resource | optional (input to bring your own). */
export function permissionsTableMarkdown(scope: Scope): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|')
  const lines = ['| Step | IAM actions | Resource | Optional: bring your own |', '| --- | --- | --- | --- |']
  for (const row of PERMISSIONS) {
    // Deploy is the default; say when a row is (also) for mode stop.
    const modes = row.modes.includes('stop')
      ? row.modes.includes('deploy')
        ? ' (deploy and stop)'
        : ' (mode stop)'
      : ''
    // Say which rows only tasks, or only a service (the service input), need.
    const target = row.target ? ` (${row.target === 'service' ? 'service' : 'tasks'})` : ''
    // Role writes are the one-time setup's, never in the deploy policy.
    const audience = row.audience === 'setup' ? ' (one-time setup)' : ''
    const actions = row.actions.map((action) => `\`${action}\``).join(', ')
    const resources = asList(row.resource(scope))
      .map((resource) => `\`${resource}\``)
      .join(', ')
    const condition = row.condition ? ` when ${describeCondition(row.condition(scope))}` : ''
    const resource = row.noPermissionNeeded ? 'no permission needed' : `${resources}${condition}`
    const optional = row.optional ? `\`${row.optional.input}\`: ${row.optional.bringYourOwn}` : ''
    lines.push(
      `| ${cell(row.step + modes + target + audience)} | ${cell(actions)} | ${cell(resource)} | ${cell(optional)} |`
    )
  }
  return lines.join('\n')
}
