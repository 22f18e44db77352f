import { describe, expect, it } from '@jest/globals'
import { accessDenied, evaluate, resourceFor, wildcardMatch, type PolicyDocument } from '../src/policy.js'

describe('policy evaluation', () => {
  const policy: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['ecr:Describe*', 'ecs:*'], Resource: '*' },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/ecs-*' },
      { Effect: 'Deny', Action: 'ecs:DeleteCluster', Resource: '*' }
    ]
  }
  it.each([
    ['ecr:DescribeRepositories', '*', 'allow'],
    ['ECR:describeimages', '*', 'allow'],
    ['ecr:CreateRepository', 'arn:aws:ecr:us-east-1:123456789012:repository/x', 'implicitDeny'],
    ['ecs:RunTask', 'arn:aws:ecs:us-east-1:123456789012:task-definition/a:1', 'allow'],
    ['ecs:DeleteCluster', '*', 'explicitDeny'],
    ['iam:PassRole', 'arn:aws:iam::123456789012:role/ecs-exec', 'allow'],
    ['iam:PassRole', 'arn:aws:iam::123456789012:role/admin', 'implicitDeny']
  ])('%s on %s → %s', (action, resource, decision) => {
    expect(evaluate(policy, action, resource)).toBe(decision)
  })
  it('wildcards: * and ? only', () => {
    expect(wildcardMatch('a?c*', 'abcdef')).toBe(true)
    expect(wildcardMatch('a.c', 'abc')).toBe(false)
  })
  it('denials use each protocol’s code and IAM’s sentence', () => {
    const e = accessDenied('json', 'implicitDeny', 'arn:aws:iam::1:user/u', 'ecr:CreateRepository', 'arn:r')
    expect([e.code, e.status, e.message]).toEqual([
      'AccessDeniedException',
      400,
      'User: arn:aws:iam::1:user/u is not authorized to perform: ecr:CreateRepository on resource: arn:r because no identity-based policy allows the ecr:CreateRepository action'
    ])
    expect(accessDenied('ec2', 'explicitDeny', 'p', 'ec2:X', '*').code).toBe('UnauthorizedOperation')
    expect(accessDenied('query', 'implicitDeny', 'p', 'iam:X', '*').status).toBe(403)
  })
  it('derives resource ARNs from parameters', () => {
    expect(resourceFor('ecr', 'CreateRepository', { repositoryName: 'a/b' }, 'eu-west-1', '1')).toBe(
      'arn:aws:ecr:eu-west-1:1:repository/a/b'
    )
    expect(resourceFor('iam', 'GetRole', { RoleName: 'r' }, 'us-east-1', '1')).toBe('arn:aws:iam::1:role/r')
    expect(resourceFor('ecs', 'RunTask', { taskDefinition: 'f:2' }, 'us-east-1', '1')).toBe(
      'arn:aws:ecs:us-east-1:1:task-definition/f:2'
    )
    expect(resourceFor('ec2', 'DescribeVpcs', {}, 'us-east-1', '1')).toBe('*')
  })
})
