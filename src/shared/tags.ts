// The user's tags in each AWS API's shape, written once: ECS takes key/value, ECR, IAM and EC2 take Key/Value
// (EC2 inside a TagSpecification), CloudWatch Logs a map. No tags is an absent field everywhere.

/** A tag as the tags input gives it. */
export interface Tag {
  key: string
  value: string
}

/** ECS (CreateCluster, RegisterTaskDefinition, RunTask). */
export function ecsTags(tags: readonly Tag[]): Array<{ key: string; value: string }> | undefined {
  return tags.length > 0 ? tags.map(({ key, value }) => ({ key, value })) : undefined
}

/** ECR (CreateRepository) and IAM (CreateRole), whose tags are spelt Key/Value. */
export function keyValueTags(tags: readonly Tag[]): Array<{ Key: string; Value: string }> | undefined {
  return tags.length > 0 ? tags.map(({ key, value }) => ({ Key: key, Value: value })) : undefined
}

/**
 * The tag on the security group the action creates: its family. A closed preview's group may be deleted only
 * with it (the permissions scope ec2:DeleteSecurityGroup to it, as a group's ARN carries its id, not its name).
 */
export const FAMILY_TAG = 'ecs-fargate-deploy:family'

/** EC2, which tags a resource it creates through a TagSpecification naming the resource type. */
export function tagSpecifications(
  resourceType: 'security-group',
  tags: readonly Tag[]
): Array<{ ResourceType: 'security-group'; Tags: Array<{ Key: string; Value: string }> }> | undefined {
  const converted = keyValueTags(tags)
  return converted ? [{ ResourceType: resourceType, Tags: converted }] : undefined
}

/** CloudWatch Logs (CreateLogGroup), whose tags are a map of key to value. */
export function tagMap(tags: readonly Tag[]): Record<string, string> | undefined {
  return tags.length > 0 ? Object.fromEntries(tags.map(({ key, value }) => [key, value])) : undefined
}
