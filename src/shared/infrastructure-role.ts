// The infrastructure role Express Mode manages a service's load balancer, certificate, security groups and
// scaling with, written once for the code that creates it (aws/iam) and the policy that allows creating and
// passing it (policy/permissions) and the one-time setup (policy/setup): trusted by ECS, with AWS's managed policy for Express Mode attached.
import type { TrustPolicy } from './execution-role.js'

export const ECS_SERVICE = 'ecs.amazonaws.com'

export const INFRASTRUCTURE_ROLE_DESCRIPTION =
  'ECS Express Mode infrastructure role created by ecs-fargate-deploy'

/** Lets ECS (and nothing else) assume the role. */
export const ECS_TRUST_POLICY: TrustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ECS_SERVICE }, Action: 'sts:AssumeRole' }]
}

/** AmazonECSInfrastructureRoleforExpressGatewayServices in the partition. */
export function infrastructureRolePolicyArn(partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices`
}
