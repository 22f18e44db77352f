// The execution role the action creates when it manages one, written once for the code that creates it
// (aws/iam) and the policy that allows creating it (policy/permissions): trusted by ECS tasks, with AWS's
// managed execution policy attached.

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
