import { describe, expect, it } from '@jest/globals'
import {
  PASSED_TO_ECS_TASKS,
  accessDenied,
  conditionMatches,
  evaluate,
  requestContextFor,
  resourceFor,
  resourcesFor,
  tagOnCreateFor,
  wildcardMatch,
  type Condition,
  type PolicyDocument,
  type RequestContext
} from '../src/policy.js'

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

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod'

describe('conditions', () => {
  const cases: Array<[string, Condition, RequestContext, boolean]> = [
    [
      'StringEquals, equal',
      { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      PASSED_TO_ECS_TASKS,
      true
    ],
    [
      'StringEquals, other value',
      { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      { 'iam:PassedToService': 'ecs.amazonaws.com' },
      false
    ],
    [
      'StringEquals, key absent',
      { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      {},
      false
    ],
    [
      'StringEquals is case-sensitive in values',
      { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      { 'ecs:CreateAction': 'runtask' },
      false
    ],
    [
      'key names are case-insensitive',
      { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      { 'ECS:createaction': 'RunTask' },
      true
    ],
    [
      'one of several values',
      { StringEquals: { 'ecs:CreateAction': ['CreateCluster', 'RunTask'] } },
      { 'ecs:CreateAction': 'RunTask' },
      true
    ],
    [
      'every key must hold',
      { StringEquals: { 'ecs:CreateAction': 'RunTask', 'aws:RequestTag/team': 'web' } },
      { 'ecs:CreateAction': 'RunTask', 'aws:RequestTag/team': 'db' },
      false
    ],
    [
      'every operator must hold',
      { StringEquals: { 'ecs:CreateAction': 'RunTask' }, ArnEquals: { 'ecs:cluster': CLUSTER } },
      { 'ecs:CreateAction': 'RunTask' },
      false
    ],
    [
      'StringEqualsIfExists, key absent',
      { StringEqualsIfExists: { 'aws:RequestTag/team': 'web' } },
      {},
      true
    ],
    [
      'StringEqualsIfExists, other value',
      { StringEqualsIfExists: { 'aws:RequestTag/team': 'web' } },
      { 'aws:RequestTag/team': 'db' },
      false
    ],
    ['StringNotEquals, key absent', { StringNotEquals: { 'aws:RequestTag/team': 'web' } }, {}, true],
    [
      'StringNotEquals, equal',
      { StringNotEquals: { 'aws:RequestTag/team': 'web' } },
      { 'aws:RequestTag/team': 'web' },
      false
    ],
    [
      'StringEqualsIgnoreCase',
      { StringEqualsIgnoreCase: { 'aws:RequestTag/team': 'Web' } },
      { 'aws:RequestTag/team': 'WEB' },
      true
    ],
    [
      'StringLike, wildcard',
      { StringLike: { 'iam:AWSServiceName': 'ecs.*' } },
      { 'iam:AWSServiceName': 'ecs.amazonaws.com' },
      true
    ],
    [
      'StringLike, no match',
      { StringLike: { 'iam:AWSServiceName': 'ecs.*' } },
      { 'iam:AWSServiceName': 'ecs-tasks.amazonaws.com' },
      false
    ],
    [
      'StringNotLike, match',
      { StringNotLike: { 'iam:AWSServiceName': 'ecs*' } },
      { 'iam:AWSServiceName': 'ecs.amazonaws.com' },
      false
    ],
    ['ArnEquals, same cluster', { ArnEquals: { 'ecs:cluster': CLUSTER } }, { 'ecs:cluster': CLUSTER }, true],
    [
      'ArnEquals, other cluster',
      { ArnEquals: { 'ecs:cluster': CLUSTER } },
      { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/dev' },
      false
    ],
    ['ArnEquals, key absent', { ArnEquals: { 'ecs:cluster': CLUSTER } }, {}, false],
    [
      'ArnLike, wildcard in the region',
      { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:eu-*:123456789012:cluster/prod' } },
      { 'ecs:cluster': CLUSTER },
      true
    ],
    [
      'ArnLike, a wildcard stays in its component',
      { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:*:cluster/prod' } },
      { 'ecs:cluster': CLUSTER },
      false
    ],
    [
      'ArnLike, not an ARN',
      { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:*:*:cluster/*' } },
      { 'ecs:cluster': 'prod' },
      false
    ],
    [
      'ArnNotEquals, other cluster',
      { ArnNotEquals: { 'ecs:cluster': CLUSTER } },
      { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/dev' },
      true
    ],
    [
      'ForAllValues, every tag key allowed',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
      { 'aws:TagKeys': ['team'] },
      true
    ],
    [
      'ForAllValues, one tag key not allowed',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
      { 'aws:TagKeys': ['team', 'owner'] },
      false
    ],
    ['ForAllValues, no tags', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, {}, true],
    [
      'ForAnyValue, one tag key matches',
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } },
      { 'aws:TagKeys': ['owner', 'team'] },
      true
    ],
    [
      'ForAnyValue, no tags',
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } },
      { 'aws:TagKeys': [] },
      false
    ],
    [
      'ForAllValues:StringNotLike, none of the keys',
      { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'aws:*' } },
      { 'aws:TagKeys': ['team', 'aws:x'] },
      false
    ],
    ['Null true, key absent', { Null: { 'aws:RequestTag/team': 'true' } }, {}, true],
    [
      'Null true, key present',
      { Null: { 'aws:RequestTag/team': 'true' } },
      { 'aws:RequestTag/team': 'web' },
      false
    ],
    [
      'Null false, key present',
      { Null: { 'aws:RequestTag/team': false } },
      { 'aws:RequestTag/team': 'web' },
      true
    ],
    ['Bool, true', { Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'true' }, true],
    ['Bool, key absent', { Bool: { 'aws:SecureTransport': 'true' } }, {}, false]
  ]
  it.each(cases)('%s', (_name, condition, context, holds) => {
    expect(conditionMatches(condition, context)).toBe(holds)
  })

  it('an operator the local AWS does not know is an error, not a silent match', () => {
    expect(() => conditionMatches({ DateLessThan: { 'aws:CurrentTime': '2030-01-01' } }, {})).toThrow(
      'The local AWS does not evaluate the condition operator DateLessThan.'
    )
  })

  const policy: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: 'arn:aws:iam::123456789012:role/exec',
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
      },
      {
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*',
        Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } }
      },
      {
        Effect: 'Deny',
        Action: 'ecs:RunTask',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestTag/env': 'forbidden' } }
      }
    ]
  }
  const role = 'arn:aws:iam::123456789012:role/exec'
  const taskDefinition = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3'
  it.each<[string, string, string, RequestContext | undefined, string]>([
    ['pass to ECS tasks', 'iam:PassRole', role, PASSED_TO_ECS_TASKS, 'allow'],
    [
      'pass to another service',
      'iam:PassRole',
      role,
      { 'iam:PassedToService': 'lambda.amazonaws.com' },
      'implicitDeny'
    ],
    ['pass with no service known', 'iam:PassRole', role, {}, 'implicitDeny'],
    ['run in the cluster', 'ecs:RunTask', taskDefinition, { 'ecs:cluster': CLUSTER }, 'allow'],
    [
      'run in another cluster',
      'ecs:RunTask',
      taskDefinition,
      { 'ecs:cluster': `${CLUSTER}-2` },
      'implicitDeny'
    ],
    [
      'a Deny whose condition holds',
      'ecs:RunTask',
      taskDefinition,
      { 'ecs:cluster': CLUSTER, 'aws:RequestTag/env': 'forbidden' },
      'explicitDeny'
    ],
    ['no context: conditions not evaluated', 'ecs:RunTask', taskDefinition, undefined, 'explicitDeny'],
    ['no context: an Allow with a condition applies', 'iam:PassRole', role, undefined, 'allow']
  ])('%s: %s → %s', (_name, action, resource, context, decision) => {
    expect(evaluate(policy, action, resource, context)).toBe(decision)
  })
})

describe('the resources of the Express calls', () => {
  const SERVICE = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web'
  it.each<[string, Record<string, unknown>, string[]]>([
    ['CreateExpressGatewayService', { cluster: 'prod', serviceName: 'web' }, [SERVICE]],
    [
      'CreateExpressGatewayService',
      { serviceName: 'web' },
      ['arn:aws:ecs:eu-west-1:123456789012:service/default/web']
    ],
    ['UpdateExpressGatewayService', { serviceArn: SERVICE }, [SERVICE]],
    ['DescribeExpressGatewayService', { serviceArn: SERVICE }, [SERVICE]],
    ['DeleteExpressGatewayService', { serviceArn: SERVICE }, [SERVICE]],
    ['ListServiceDeployments', { cluster: 'prod', service: 'web' }, [SERVICE]],
    ['ListServiceDeployments', { service: SERVICE }, [SERVICE]],
    [
      'DescribeServiceDeployments',
      { serviceDeploymentArns: ['arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc'] },
      ['arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc']
    ],
    ['DescribeServices', { cluster: 'prod', services: ['web', SERVICE] }, [SERVICE, SERVICE]],
    ['TagResource', { resourceArn: SERVICE, tags: [] }, [SERVICE]],
    ['ListTagsForResource', { resourceArn: SERVICE }, [SERVICE]]
  ])('%s %j', (operation, params, resources) => {
    expect(resourcesFor('ecs', operation, params, 'eu-west-1', '123456789012')).toEqual(resources)
  })

  it('tags on create are authorized on the service', () => {
    expect(
      tagOnCreateFor(
        'ecs',
        'CreateExpressGatewayService',
        { cluster: 'prod', serviceName: 'web', tags: [{ key: 'a', value: 'b' }] },
        'eu-west-1',
        '123456789012'
      )
    ).toEqual([
      {
        action: 'ecs:TagResource',
        resource: SERVICE,
        context: {
          'aws:RequestTag/a': 'b',
          'aws:TagKeys': ['a'],
          'ecs:cluster': CLUSTER,
          'ecs:CreateAction': 'CreateExpressGatewayService'
        }
      }
    ])
  })
})

describe('request context from parameters', () => {
  it.each<[string, string, Record<string, unknown>, RequestContext]>([
    [
      'ecs',
      'RunTask',
      { cluster: 'prod', tags: [{ key: 'team', value: 'web' }] },
      {
        'aws:RequestTag/team': 'web',
        'aws:TagKeys': ['team'],
        'ecs:cluster': CLUSTER
      }
    ],
    ['ecs', 'RunTask', {}, { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/default' }],
    ['ecs', 'ListTasks', { cluster: CLUSTER }, { 'ecs:cluster': CLUSTER }],
    ['ecs', 'StopTask', { cluster: 'prod', task: 't' }, { 'ecs:cluster': CLUSTER }],
    ['ecs', 'DescribeClusters', { clusters: ['prod'] }, {}],
    [
      'ecs',
      'UntagResource',
      {
        resourceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web',
        tagKeys: ['ecs-fargate-deploy:expires-at']
      },
      { 'aws:TagKeys': ['ecs-fargate-deploy:expires-at'] }
    ],
    [
      'ecs',
      'UpdateExpressGatewayService',
      { serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web' },
      { 'ecs:cluster': CLUSTER }
    ],
    [
      'ecs',
      'DescribeServiceDeployments',
      { serviceDeploymentArns: ['arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc'] },
      { 'ecs:cluster': CLUSTER }
    ],
    ['ecs', 'DescribeServices', { cluster: 'prod', services: ['web'] }, { 'ecs:cluster': CLUSTER }],
    [
      'ecr',
      'CreateRepository',
      { repositoryName: 'a', tags: [{ Key: 'team', Value: 'web' }] },
      {
        'aws:RequestTag/team': 'web',
        'aws:TagKeys': ['team']
      }
    ],
    [
      'logs',
      'CreateLogGroup',
      { logGroupName: '/ecs/a', tags: { team: 'web', env: 'prod' } },
      {
        'aws:RequestTag/team': 'web',
        'aws:RequestTag/env': 'prod',
        'aws:TagKeys': ['team', 'env']
      }
    ],
    [
      'ec2',
      'CreateSecurityGroup',
      { TagSpecification: [{ ResourceType: 'security-group', Tag: [{ Key: 'Name', Value: 'web' }] }] },
      {
        'aws:RequestTag/Name': 'web',
        'aws:TagKeys': ['Name']
      }
    ],
    [
      'iam',
      'AttachRolePolicy',
      {
        RoleName: 'exec',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
      },
      {
        'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'
      }
    ],
    [
      'iam',
      'CreateServiceLinkedRole',
      { AWSServiceName: 'ecs.amazonaws.com' },
      { 'iam:AWSServiceName': 'ecs.amazonaws.com' }
    ],
    [
      'events',
      'PutTargets',
      {
        Rule: 'efd-job-etl-0a1b2c3d',
        Targets: [
          { Id: 'a', Arn: 'arn:aws:sns:eu-west-1:123456789012:failures' },
          { Id: 'b', Arn: 'arn:aws:sqs:eu-west-1:123456789012:q' }
        ]
      },
      {
        'events:TargetArn': [
          'arn:aws:sns:eu-west-1:123456789012:failures',
          'arn:aws:sqs:eu-west-1:123456789012:q'
        ]
      }
    ]
  ])('%s %s %j', (service, operation, params, context) => {
    expect(requestContextFor(service, operation, params, 'eu-west-1', '123456789012')).toEqual(context)
  })

  it.each<[string, string, Record<string, unknown>, ReturnType<typeof tagOnCreateFor>]>([
    [
      'ecs',
      'CreateCluster',
      { clusterName: 'prod', tags: [{ key: 'team', value: 'web' }] },
      [
        {
          action: 'ecs:TagResource',
          resource: CLUSTER,
          context: {
            'aws:RequestTag/team': 'web',
            'aws:TagKeys': ['team'],
            'ecs:CreateAction': 'CreateCluster'
          }
        }
      ]
    ],
    [
      'ecs',
      'RegisterTaskDefinition',
      { family: 'web', tags: [{ key: 'team', value: 'web' }] },
      [
        {
          action: 'ecs:TagResource',
          resource: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*',
          context: {
            'aws:RequestTag/team': 'web',
            'aws:TagKeys': ['team'],
            'ecs:CreateAction': 'RegisterTaskDefinition'
          }
        }
      ]
    ],
    [
      'ecs',
      'RunTask',
      { cluster: CLUSTER, tags: [{ key: 'team', value: 'web' }] },
      [
        {
          action: 'ecs:TagResource',
          resource: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/*',
          context: {
            'aws:RequestTag/team': 'web',
            'aws:TagKeys': ['team'],
            'ecs:cluster': CLUSTER,
            'ecs:CreateAction': 'RunTask'
          }
        }
      ]
    ],
    ['ecs', 'RunTask', { cluster: 'prod' }, []],
    [
      'ec2',
      'CreateSecurityGroup',
      { TagSpecification: [{ ResourceType: 'security-group', Tag: [{ Key: 'Name', Value: 'web' }] }] },
      [
        {
          action: 'ec2:CreateTags',
          resource: 'arn:aws:ec2:eu-west-1:123456789012:security-group/*',
          context: {
            'aws:RequestTag/Name': 'web',
            'aws:TagKeys': ['Name'],
            'ec2:CreateAction': 'CreateSecurityGroup'
          }
        }
      ]
    ],
    [
      'ecr',
      'CreateRepository',
      { repositoryName: 'app', tags: [{ Key: 'team', Value: 'web' }] },
      [
        {
          action: 'ecr:TagResource',
          resource: 'arn:aws:ecr:eu-west-1:123456789012:repository/app',
          context: { 'aws:RequestTag/team': 'web', 'aws:TagKeys': ['team'] }
        }
      ]
    ],
    [
      'iam',
      'CreateRole',
      { RoleName: 'exec', Tags: [{ Key: 'team', Value: 'web' }] },
      [
        {
          action: 'iam:TagRole',
          resource: 'arn:aws:iam::123456789012:role/exec',
          context: { 'aws:RequestTag/team': 'web', 'aws:TagKeys': ['team'] }
        }
      ]
    ]
  ])('tag on create: %s %s %j', (service, operation, params, checks) => {
    expect(tagOnCreateFor(service, operation, params, 'eu-west-1', '123456789012')).toEqual(checks)
  })
})
