import { ECS_TASKS_TRUST_POLICY, executionRolePolicyArn } from '../../src/shared/execution-role.js'

test('the trust policy lets only ECS tasks assume the role', () => {
  expect(JSON.stringify(ECS_TASKS_TRUST_POLICY)).toBe(
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
  )
})

test.each([
  [undefined, 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'],
  ['aws-cn', 'arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'],
  ['aws-us-gov', 'arn:aws-us-gov:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy']
])('the managed execution policy in partition %s: %s', (partition, arn) => {
  expect(executionRolePolicyArn(partition)).toBe(arn)
})
