// The execution role the action creates when it manages one, written once for the code that creates it
// (aws/iam), the policy that allows creating it (policy/permissions) and the one-time setup that creates it
// ahead of time (policy/setup): trusted by ECS tasks, with AWS's managed execution policy attached and an
// inline policy to read exactly the task's secrets.
import { isArn, parseArn } from './arn.js'

export const ECS_TASKS_SERVICE = 'ecs-tasks.amazonaws.com'

export interface TrustPolicy {
  Version: '2012-10-17'
  Statement: Array<{ Effect: 'Allow'; Principal: { Service: string }; Action: 'sts:AssumeRole' }>
}

/** Lets ECS tasks (and nothing else) assume the role. */
export const ECS_TASKS_TRUST_POLICY: TrustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ECS_TASKS_SERVICE }, Action: 'sts:AssumeRole' }]
}

/** AmazonECSTaskExecutionRolePolicy in the partition: pull from ECR, write to CloudWatch Logs. */
export function executionRolePolicyArn(partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`
}

export const EXECUTION_ROLE_DESCRIPTION = 'ECS task execution role created by ecs-fargate-deploy'

/** The inline policy, one per family, that lets the execution role read exactly that family's secrets. */
export function secretsPolicyName(family: string): string {
  return `ecs-fargate-deploy-secrets-${family}`.slice(0, 128)
}

export interface SecretsPolicy {
  Version: '2012-10-17'
  Statement: Array<{ Effect: 'Allow'; Action: string; Resource: string[] }>
}

/**
 * What ECS needs to inject `secrets`: secretsmanager:GetSecretValue on each secret (its ARN without the
 * json-key/version suffix ECS accepts) and ssm:GetParameters on each parameter (a name becomes its ARN).
 */
export function secretsPolicy(
  secrets: ReadonlyArray<{ name: string; valueFrom: string }>,
  where: { partition: string; region: string; account: string }
): SecretsPolicy {
  const secretArns = new Set<string>()
  const parameterArns = new Set<string>()
  for (const { valueFrom } of secrets) {
    const arn = parseArn(valueFrom)
    if (arn?.service === 'secretsmanager') {
      // arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf[:json-key:version-stage:version-id]
      const [secret, name] = arn.resource.split(':')
      secretArns.add(`arn:${arn.partition}:secretsmanager:${arn.region}:${arn.account}:${secret}:${name}`)
    } else if (isArn(valueFrom)) {
      parameterArns.add(valueFrom)
    } else {
      const name = valueFrom.replace(/^\//, '')
      parameterArns.add(`arn:${where.partition}:ssm:${where.region}:${where.account}:parameter/${name}`)
    }
  }
  const statements: SecretsPolicy['Statement'] = []
  if (secretArns.size > 0) {
    statements.push({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: [...secretArns].sort()
    })
  }
  if (parameterArns.size > 0) {
    statements.push({ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [...parameterArns].sort() })
  }
  return { Version: '2012-10-17', Statement: statements }
}
