// Where the task runs: subnets (the default VPC's by default), a security group that opens the port,
// and the public IP of each task's network interface.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type SecurityGroup
} from '@aws-sdk/client-ec2'
import { ActionError } from '../explain/action-error.js'
import { isAccessDenied } from '../explain/access-denied.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { FAMILY_TAG, tagSpecifications, type Tag } from '../shared/tags.js'

export interface NetworkOptions {
  family: string
  subnets: string[]
  securityGroups: string[]
  port?: number
  ingressCidr: string
  tags: Tag[]
}

export interface NetworkResult {
  subnets: string[]
  securityGroups: string[]
  /** Set when the action created the security group, or opened the port in its existing one. */
  securityGroupChange?: 'created' | 'opened-port'
}

export function securityGroupName(family: string): string {
  return `ecs-fargate-deploy-${family}`
}

/** The description the action gives the group it creates: with the name, what tells its group from another. */
export function securityGroupDescription(family: string): string {
  return `ecs-fargate-deploy: tasks of ${family}`
}

/**
 * Resolves subnets and security groups in as few sequential rounds as it can: the VPC look-up and the
 * security group look-up go together, then subnets and the group's creation, then its ingress rule.
 */
export async function resolveNetwork(ec2: EC2Client, options: NetworkOptions): Promise<NetworkResult> {
  if (options.subnets.length > 0 && options.securityGroups.length > 0) {
    // Nothing to look up: RunTask itself rejects subnets or groups that do not exist.
    return { subnets: options.subnets, securityGroups: options.securityGroups }
  }
  const groupName = securityGroupName(options.family)
  const needGroup = options.securityGroups.length === 0
  const [vpcId, candidateGroups] = await Promise.all([
    options.subnets.length > 0 ? vpcOfSubnets(ec2, options.subnets) : defaultVpc(ec2),
    needGroup ? findGroupsByName(ec2, groupName) : Promise.resolve([])
  ])
  const [subnets, group] = await Promise.all([
    options.subnets.length > 0 ? Promise.resolve(options.subnets) : defaultSubnets(ec2, vpcId),
    needGroup ? ensureSecurityGroup(ec2, vpcId, candidateGroups, options) : Promise.resolve(undefined)
  ])
  if (!group) return { subnets, securityGroups: options.securityGroups }
  return { subnets, securityGroups: [group.groupId], securityGroupChange: group.change }
}

async function defaultVpc(ec2: EC2Client): Promise<string> {
  const { Vpcs } = await ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] })
  )
  const vpcId = Vpcs?.[0]?.VpcId
  if (!vpcId) {
    throw new ActionError('This region has no default VPC to run the task in', {
      hint: 'Give subnets (public subnets of your VPC, or private ones with a NAT gateway) in the subnets input.'
    })
  }
  return vpcId
}

async function vpcOfSubnets(ec2: EC2Client, subnetIds: string[]): Promise<string> {
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))
  const vpcIds = [...new Set((Subnets ?? []).map((subnet) => subnet.VpcId))]
  if (vpcIds.length !== 1 || !vpcIds[0]) {
    throw new ActionError(
      `The subnets ${subnetIds.join(', ')} are not all in one VPC (found ${vpcIds.join(', ')})`
    )
  }
  return vpcIds[0]
}

async function defaultSubnets(ec2: EC2Client, vpcId: string): Promise<string[]> {
  const { Subnets } = await ec2.send(
    new DescribeSubnetsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'default-for-az', Values: ['true'] }
      ]
    })
  )
  const subnets = (Subnets ?? []).map((subnet) => subnet.SubnetId!).sort()
  if (subnets.length === 0) {
    throw new ActionError(`The default VPC ${vpcId} has no default subnets`, {
      hint: 'Give subnets in the subnets input.'
    })
  }
  return subnets
}

async function findGroupsByName(ec2: EC2Client, groupName: string): Promise<SecurityGroup[]> {
  const { SecurityGroups } = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [groupName] }] })
  )
  return SecurityGroups ?? []
}

export function allowsIngress(group: SecurityGroup, port: number, cidr: string): boolean {
  return (group.IpPermissions ?? []).some(
    (permission) =>
      (permission.IpProtocol === '-1' ||
        (permission.IpProtocol === 'tcp' &&
          (permission.FromPort ?? 0) <= port &&
          port <= (permission.ToPort ?? -1))) &&
      (permission.IpRanges ?? []).some((range) => range.CidrIp === cidr)
  )
}

/**
 * The family's group in the VPC: found, or created, or (when a concurrent run created it between our look-up
 * and CreateSecurityGroup) adopted; then the port opened unless the group already allows it. A rule a
 * concurrent run added first is no error either.
 */
async function ensureSecurityGroup(
  ec2: EC2Client,
  vpcId: string,
  candidates: SecurityGroup[],
  options: NetworkOptions
): Promise<{ groupId: string; change?: 'created' | 'opened-port' }> {
  const groupName = securityGroupName(options.family)
  let group = candidates.find((candidate) => candidate.VpcId === vpcId)
  let change: 'created' | 'opened-port' | undefined
  if (!group) {
    try {
      const created = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: groupName,
          Description: securityGroupDescription(options.family),
          VpcId: vpcId,
          TagSpecifications: tagSpecifications('security-group', [
            ...options.tags,
            { key: FAMILY_TAG, value: options.family }
          ])
        })
      )
      group = { GroupId: created.GroupId!, VpcId: vpcId }
      change = 'created'
    } catch (error) {
      if ((error as Error).name !== 'InvalidGroup.Duplicate') throw error
      group = (await findGroupsByName(ec2, groupName)).find((candidate) => candidate.VpcId === vpcId)
      if (!group) throw error
    }
  }
  const groupId = group.GroupId!
  if (options.port !== undefined && !allowsIngress(group, options.port, options.ingressCidr)) {
    try {
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: options.port,
              ToPort: options.port,
              IpRanges: [{ CidrIp: options.ingressCidr, Description: 'ecs-fargate-deploy' }]
            }
          ]
        })
      )
      change = change ?? 'opened-port'
    } catch (error) {
      if (isAccessDenied(error) && !carriesFamilyTag(group, options.family))
        throw untaggedGroupError(groupId, options, error)
      if ((error as Error).name !== 'InvalidPermission.Duplicate') throw error
    }
  }
  return { groupId, change }
}

/** Whether a group carries the family tag the action puts on the groups it creates (older versions did not). */
export function carriesFamilyTag(group: SecurityGroup, family: string): boolean {
  return (group.Tags ?? []).some((tag) => tag.Key === FAMILY_TAG && tag.Value === family)
}

/**
 * A group of the action's name without its family tag (made by an older version, or by someone else) that does
 * not allow the port: the deploy policy may open ports only in groups carrying the tag, so say how to fix it. A
 * group without the tag that already allows the port is used as it is.
 */
function untaggedGroupError(groupId: string, options: NetworkOptions, cause: unknown): ActionError {
  return new ActionError(
    `Security group ${groupId} (${securityGroupName(options.family)}) does not allow port ${options.port} from ` +
      `${options.ingressCidr}, and this AWS identity may not open it: the group does not carry the tag ` +
      `${FAMILY_TAG}=${options.family}, and the deploy policy changes only groups that do (the action tags the groups it creates)`,
    {
      cause,
      hint:
        `If the group is the action's (made by an older version), tag it: aws ec2 create-tags --resources ${groupId} ` +
        `--tags Key=${FAMILY_TAG},Value=${options.family}; or delete it and let the action create it again; or ` +
        'give your own groups in security-groups.'
    }
  )
}

/**
 * The family's group in the VPC the action runs its tasks in (the subnets' VPC, else the default VPC), found
 * by its exact name as resolveNetwork finds it; undefined when there is none.
 */
export async function findFamilySecurityGroup(
  ec2: EC2Client,
  options: { family: string; subnets: string[] }
): Promise<SecurityGroup | undefined> {
  const groupName = securityGroupName(options.family)
  const [vpcId, groups] = await Promise.all([
    options.subnets.length > 0 ? vpcOfSubnets(ec2, options.subnets) : defaultVpc(ec2),
    findGroupsByName(ec2, groupName)
  ])
  return groups.find((group) => group.VpcId === vpcId && group.GroupName === groupName)
}

/**
 * Why a group found by the family's name is not one the action created, or undefined when it is: the action
 * gives its group its description and the tags input, so a group without them was made by someone else (and
 * adopted by the deploy): it is not the action's to delete.
 */
export function notCreatedByAction(group: SecurityGroup, family: string, tags: Tag[]): string | undefined {
  if (group.Description !== securityGroupDescription(family))
    return `its description is '${group.Description ?? ''}', not '${securityGroupDescription(family)}'`
  const missing = tags.filter(
    (tag) => !(group.Tags ?? []).some((carried) => carried.Key === tag.key && carried.Value === tag.value)
  )
  if (missing.length > 0)
    return `it does not carry the tags ${missing.map((tag) => `${tag.key}=${tag.value}`).join(', ')}`
  return undefined
}

export interface DeleteGroupOptions {
  /** DependencyViolation is retried until then; the last one is thrown after it. */
  deadline: number
  clock?: Clock
  log?: (message: string) => void
}

const FIRST_RETRY_MS = 2_000
const MAX_RETRY_MS = 15_000

/**
 * Deletes a security group. The network interface of a task just STOPPED can hold the group a little longer:
 * DeleteSecurityGroup answers DependencyViolation until it is gone, so that is retried with backoff until the
 * deadline, then thrown. A group that does not exist (any more) is 'absent', no error.
 */
export async function deleteSecurityGroup(
  ec2: EC2Client,
  groupId: string,
  options: DeleteGroupOptions
): Promise<'deleted' | 'absent'> {
  const clock = options.clock ?? systemClock
  let delay = FIRST_RETRY_MS
  for (;;) {
    try {
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }))
      return 'deleted'
    } catch (error) {
      const name = (error as Error).name
      if (name === 'InvalidGroup.NotFound') return 'absent'
      if (name !== 'DependencyViolation' || clock.now() + delay > options.deadline) throw error
      options.log?.(`Security group ${groupId} is still in use; deleting it again in ${delay / 1000} s`)
      await clock.sleep(delay)
      delay = Math.min(delay * 2, MAX_RETRY_MS)
    }
  }
}

export interface InterfaceAddresses {
  publicIp?: string
  privateIp?: string
}

/** Reads the addresses of network interfaces in one call. */
export async function readInterfaceAddresses(
  ec2: EC2Client,
  networkInterfaceIds: string[]
): Promise<Map<string, InterfaceAddresses>> {
  const addresses = new Map<string, InterfaceAddresses>()
  if (networkInterfaceIds.length === 0) return addresses
  const { NetworkInterfaces } = await ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: networkInterfaceIds })
  )
  for (const eni of NetworkInterfaces ?? []) {
    addresses.set(eni.NetworkInterfaceId!, {
      publicIp: eni.Association?.PublicIp,
      privateIp: eni.PrivateIpAddress
    })
  }
  return addresses
}
