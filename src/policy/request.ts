// The request a developer sends their security team (mode: permissions writes it at the top of its summary):
// what the workflow does, what the administrator applies once, and why the deploy role needs each group of
// permissions, in words rather than statements. The policy, the setup template and the CLI commands it mentions
// follow it in the summary. Grouped by AWS service from the permissions table, so a new row is explained too.
import type { Inputs } from '../inputs/inputs.js'
import { rowsForAudience, scopeFor, type PermissionRow } from './permissions.js'
import type { Setup } from './setup.js'

/** Each AWS service's group in words a security team reads; a service not named here is called by its prefix. */
const SERVICE_WORDS: Record<string, string> = {
  ecr: 'Container registry (ECR)',
  ecs: 'Containers (ECS)',
  ec2: 'Network (EC2)',
  iam: 'Roles (IAM)',
  logs: 'Logs (CloudWatch Logs)',
  scheduler: 'Timers (EventBridge Scheduler)',
  events: 'Schedules (EventBridge rules)',
  sns: 'Notifications (SNS)',
  'application-autoscaling': 'Scaling (Application Auto Scaling)',
  elasticloadbalancing: 'Load balancer (Elastic Load Balancing)'
}

/** The file name the administrator gets (modes/permissions.ts writes it under RUNNER_TEMP). */
export interface RequestAttachments {
  templateFile: string
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)]
}

/** "a, b and c". */
function inWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** What the workflow deploys, in a phrase. */
function whatItDeploys(inputs: Inputs, scope: ReturnType<typeof scopeFor>): string {
  // Which kind of service it is, the deploy learns by a look-up; the policy allows both.
  if (inputs.serviceName !== undefined)
    return (
      `the web service ${scope.service} (an ECS Express Mode service it creates, or an existing ECS service ` +
      `it updates) to the ECS cluster ${scope.cluster}`
    )
  const tasks = inputs.count === 1 ? 'one container task' : `${inputs.count} container tasks`
  if (inputs.schedule !== undefined)
    return (
      `its job ${scope.family} (${tasks}) to the ECS cluster ${scope.cluster}, which EventBridge Scheduler ` +
      `runs on the schedule ${inputs.schedule} (${inputs.scheduleTimezone}) as the role ${scope.job}, allowed ` +
      `to run only this job` +
      (inputs.notify ? `, its failed runs sent to ${inputs.notify}` : '')
    )
  return `its app ${scope.family} (${tasks}) to the ECS cluster ${scope.cluster}`
}

/** One line per AWS service the deploy role calls: what for (the table's steps), grouped in the table's order. */
export function permissionGroups(rows: readonly PermissionRow[]): Array<{ group: string; why: string }> {
  const callable = rows.filter((row) => !row.noPermissionNeeded)
  return unique(callable.map((row) => row.service as string)).map((service) => ({
    group: SERVICE_WORDS[service] ?? service,
    why: inWords(unique(callable.filter((row) => row.service === service).map((row) => row.step)))
  }))
}

/**
 * The request as Markdown that reads as plain text too (paragraphs and "-" lists), so the same words go in the
 * summary and, in a code block, into an email or a ticket.
 */
export function securityRequest(
  inputs: Inputs,
  setup: Setup,
  account: string | undefined,
  attachments: RequestAttachments
): string {
  const scope = scopeFor(inputs, account)
  const groups = permissionGroups(rowsForAudience(inputs, 'deploy'))
  const names = [
    `repository ${scope.repository}`,
    `cluster ${scope.cluster}`,
    inputs.serviceName === undefined ? `task family ${scope.family}` : `service ${scope.service}`,
    `log group ${scope.logGroup}`
  ]
  const lines = [
    `Subject: Request for AWS IAM permissions: GitHub Actions deploy ${scope.family} to ECS Fargate`,
    '',
    'Hello,',
    '',
    `Our GitHub repository ${setup.github.repository} deploys ${whatItDeploys(inputs, scope)} with the GitHub ` +
      `Action ecs-fargate-deploy, in AWS account ${scope.account}, region ${scope.region}. The workflow signs ` +
      "in to AWS with GitHub's OpenID Connect tokens: no AWS access keys are stored in GitHub. " +
      'I need your help once, with two things:',
    '',
    `1. Apply the attached CloudFormation template (${attachments.templateFile}, or the same as AWS CLI ` +
      'commands) as an administrator. It creates:',
    ...setup.roles.map((role) => `   - the role ${role.name}, ${role.purpose}.`),
    '2. Check the policy the template gives the deploy role (attached). It lets the workflow:',
    ...groups.map((group) => `   - ${group.group}: ${group.why}.`),
    '',
    `It names only this app's resources where AWS allows it (${inWords(names)}); read-only look-ups that ` +
      'AWS does not scope to a resource use "*".',
    '',
    'What it cannot do: create or change any IAM role or policy (no iam:CreateRole, PutRolePolicy, ' +
      'AttachRolePolicy or UpdateAssumeRolePolicy), so it cannot give itself more permissions; pass a role to ' +
      'any AWS service but the one that uses it; or change a security group it did not create.',
    '',
    'Thank you!'
  ]
  return lines.join('\n')
}
