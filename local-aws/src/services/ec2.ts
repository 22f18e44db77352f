// EC2 (ec2 query protocol): the default VPC, its two default subnets, security groups and the ENIs that
// Fargate tasks get. Responses use EC2's wire names (lowerCamel, "xxxSet" lists of <item>).
import type { Context, Handler } from '../context.js'
import { arr, hex, str } from '../context.js'
import { AwsError, ec2List, type XmlNode } from '../protocol.js'
import type { IpRange, NetworkInterface, Permission, SecurityGroup, Subnet, Tag } from '../state/ec2.js'

interface Filter {
  Name?: string
  Value?: string[]
}

/** EC2 filters: every filter must match; within one filter any value matches. */
function matchesFilters(filters: Filter[], fields: Record<string, string | string[] | undefined>): boolean {
  return filters.every((f) => {
    if (!f.Name) return true
    if (f.Name.startsWith('tag:')) {
      const key = f.Name.slice(4)
      const tags = fields.__tags as string[] | undefined
      return (f.Value ?? []).some((v) => tags?.includes(`${key}=${v}`))
    }
    if (!(f.Name in fields)) {
      throw new AwsError('InvalidParameterValue', `The filter '${f.Name}' is invalid`)
    }
    const actual = fields[f.Name]
    const values = Array.isArray(actual) ? actual : [actual]
    return (f.Value ?? []).some((v) => values.includes(v))
  })
}

const tagSet = (tags: Tag[]): ReturnType<typeof ec2List> =>
  ec2List(tags.map((t) => ({ key: t.Key, value: t.Value })))
const tagFields = (tags: Tag[]): string[] => tags.map((t) => `${t.Key}=${t.Value}`)

function vpcXml(ctx: Context): XmlNode {
  return {
    vpcId: ctx.ec2.vpc.VpcId,
    ownerId: ctx.accountId,
    state: 'available',
    cidrBlock: ctx.ec2.vpc.CidrBlock,
    dhcpOptionsId: 'dopt-0def0000000000a1',
    instanceTenancy: 'default',
    isDefault: true,
    cidrBlockAssociationSet: ec2List([
      {
        associationId: 'vpc-cidr-assoc-0def0000000a1',
        cidrBlock: ctx.ec2.vpc.CidrBlock,
        cidrBlockState: { state: 'associated' }
      }
    ])
  }
}

const DescribeVpcs: Handler = (ctx, p) => {
  const ids = arr<string>(p, 'VpcId')
  for (const id of ids)
    if (id !== ctx.ec2.vpc.VpcId)
      throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`)
  const ok = matchesFilters(arr<Filter>(p, 'Filter'), {
    'is-default': 'true',
    isDefault: 'true',
    'vpc-id': ctx.ec2.vpc.VpcId,
    state: 'available',
    'owner-id': ctx.accountId,
    'cidr-block': ctx.ec2.vpc.CidrBlock
  })
  return { vpcSet: ec2List(ok ? [vpcXml(ctx)] : []) }
}

function subnetXml(ctx: Context, s: Subnet): XmlNode {
  return {
    subnetId: s.SubnetId,
    subnetArn: `arn:aws:ec2:us-east-1:${ctx.accountId}:subnet/${s.SubnetId}`,
    state: 'available',
    vpcId: s.VpcId,
    cidrBlock: s.CidrBlock,
    availableIpAddressCount: 4091,
    availabilityZone: s.AvailabilityZone,
    availabilityZoneId: s.AvailabilityZone === 'us-east-1a' ? 'use1-az1' : 'use1-az2',
    defaultForAz: s.DefaultForAz,
    mapPublicIpOnLaunch: true,
    ownerId: ctx.accountId
  }
}

const DescribeSubnets: Handler = (ctx, p) => {
  const ids = arr<string>(p, 'SubnetId')
  for (const id of ids) {
    if (!ctx.ec2.subnets.some((s) => s.SubnetId === id))
      throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`)
  }
  const filters = arr<Filter>(p, 'Filter')
  const subnets = ctx.ec2.subnets.filter(
    (s) =>
      (ids.length === 0 || ids.includes(s.SubnetId)) &&
      matchesFilters(filters, {
        'vpc-id': s.VpcId,
        vpcId: s.VpcId,
        'subnet-id': s.SubnetId,
        'default-for-az': String(s.DefaultForAz),
        defaultForAz: String(s.DefaultForAz),
        'availability-zone': s.AvailabilityZone,
        availabilityZone: s.AvailabilityZone,
        state: 'available',
        'map-public-ip-on-launch': 'true'
      })
  )
  return { subnetSet: ec2List(subnets.map((s) => subnetXml(ctx, s))) }
}

function permissionXml(perm: Permission): XmlNode {
  return {
    ipProtocol: perm.IpProtocol,
    fromPort: perm.FromPort,
    toPort: perm.ToPort,
    groups: ec2List([]),
    ipRanges: ec2List(perm.IpRanges.map((r) => ({ cidrIp: r.CidrIp, description: r.Description }))),
    ipv6Ranges: ec2List([]),
    prefixListIds: ec2List([])
  }
}

function groupXml(ctx: Context, g: SecurityGroup): XmlNode {
  return {
    ownerId: ctx.accountId,
    groupId: g.GroupId,
    groupName: g.GroupName,
    groupDescription: g.Description,
    vpcId: g.VpcId,
    securityGroupArn: `arn:aws:ec2:us-east-1:${ctx.accountId}:security-group/${g.GroupId}`,
    ipPermissions: ec2List(g.Ingress.map(permissionXml)),
    ipPermissionsEgress: ec2List(g.Egress.map(permissionXml)),
    tagSet: tagSet(g.Tags)
  }
}

function getGroup(ctx: Context, id: string): SecurityGroup {
  const g = ctx.ec2.securityGroups.get(id)
  if (!g) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`)
  return g
}

const DescribeSecurityGroups: Handler = (ctx, p) => {
  const ids = arr<string>(p, 'GroupId')
  const names = arr<string>(p, 'GroupName')
  const all = [...ctx.ec2.securityGroups.values()]
  ids.forEach((id) => getGroup(ctx, id))
  for (const n of names) {
    // GroupName (not the group-name filter) looks in the default VPC only and fails when absent.
    if (!all.some((g) => g.GroupName === n && g.VpcId === ctx.ec2.vpc.VpcId)) {
      throw new AwsError(
        'InvalidGroup.NotFound',
        `The security group '${n}' does not exist in default VPC '${ctx.ec2.vpc.VpcId}'`
      )
    }
  }
  const filters = arr<Filter>(p, 'Filter')
  const groups = all.filter(
    (g) =>
      (ids.length === 0 || ids.includes(g.GroupId)) &&
      (names.length === 0 || names.includes(g.GroupName)) &&
      matchesFilters(filters, {
        'group-name': g.GroupName,
        'group-id': g.GroupId,
        'vpc-id': g.VpcId,
        description: g.Description,
        'owner-id': ctx.accountId,
        __tags: tagFields(g.Tags)
      })
  )
  return { securityGroupInfo: ec2List(groups.map((g) => groupXml(ctx, g))) }
}

function tagsFor(p: Record<string, unknown>, resourceType: string): Tag[] {
  const specs = arr<{ ResourceType?: string; Tag?: Tag[] }>(p, 'TagSpecification')
  return specs.filter((s) => s.ResourceType === resourceType).flatMap((s) => s.Tag ?? [])
}

const CreateSecurityGroup: Handler = (ctx, p) => {
  const name = str(p, 'GroupName')
  const description = str(p, 'GroupDescription')
  if (!name) throw new AwsError('MissingParameter', 'The request must contain the parameter groupName')
  if (!description)
    throw new AwsError('MissingParameter', 'The request must contain the parameter groupDescription')
  if (name.startsWith('sg-'))
    throw new AwsError('InvalidParameterValue', 'Group names may not be in the format sg-*.')
  const vpcId = str(p, 'VpcId') ?? ctx.ec2.vpc.VpcId
  if (vpcId !== ctx.ec2.vpc.VpcId)
    throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`)
  if ([...ctx.ec2.securityGroups.values()].some((g) => g.GroupName === name && g.VpcId === vpcId)) {
    throw new AwsError(
      'InvalidGroup.Duplicate',
      `The security group '${name}' already exists for VPC '${vpcId}'`
    )
  }
  const group: SecurityGroup = {
    GroupId: `sg-${hex(9).slice(0, 17)}`,
    GroupName: name,
    Description: description,
    VpcId: vpcId,
    Ingress: [],
    Egress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    Tags: tagsFor(p, 'security-group')
  }
  ctx.ec2.securityGroups.set(group.GroupId, group)
  return {
    groupId: group.GroupId,
    securityGroupArn: `arn:aws:ec2:us-east-1:${ctx.accountId}:security-group/${group.GroupId}`,
    tagSet: group.Tags.length ? tagSet(group.Tags) : undefined
  }
}

/** The permissions of an Authorize/Revoke call: IpPermissions, or the legacy top-level CidrIp/FromPort form. */
function requestedPermissions(p: Record<string, unknown>): Permission[] {
  const listed = arr<Record<string, unknown>>(p, 'IpPermissions').map((x) => ({
    IpProtocol: String(x.IpProtocol ?? ''),
    FromPort: x.FromPort === undefined ? undefined : Number(x.FromPort),
    ToPort: x.ToPort === undefined ? undefined : Number(x.ToPort),
    IpRanges: arr<IpRange>(x, 'IpRanges')
  }))
  if (listed.length > 0) return listed
  const cidr = str(p, 'CidrIp')
  if (!cidr) throw new AwsError('MissingParameter', 'Either ipPermissions or cidrIp must be specified')
  return [
    {
      IpProtocol: str(p, 'IpProtocol') ?? '-1',
      FromPort: Number(p.FromPort),
      ToPort: Number(p.ToPort),
      IpRanges: [{ CidrIp: cidr }]
    }
  ]
}

function normalizeProtocol(proto: string): string {
  const lower = proto.toLowerCase()
  return lower === '6' ? 'tcp' : lower === '17' ? 'udp' : lower === 'all' ? '-1' : lower
}

function ruleText(perm: Permission, cidr: string): string {
  const proto = perm.IpProtocol === '-1' ? 'ALL' : perm.IpProtocol.toUpperCase()
  return `peer: ${cidr}, ${proto}, from port: ${perm.FromPort ?? -1}, to port: ${perm.ToPort ?? -1}, ALLOW`
}

const AuthorizeSecurityGroupIngress: Handler = (ctx, p) => {
  const id = str(p, 'GroupId')
  const group = id ? getGroup(ctx, id) : findByName(ctx, str(p, 'GroupName'))
  const rules: XmlNode[] = []
  for (const raw of requestedPermissions(p)) {
    const perm: Permission = { ...raw, IpProtocol: normalizeProtocol(raw.IpProtocol) }
    if (!['tcp', 'udp', 'icmp', '-1'].includes(perm.IpProtocol)) {
      throw new AwsError(
        'InvalidParameterValue',
        `Invalid value '${raw.IpProtocol}' for IP protocol. Unknown protocol.`
      )
    }
    if (
      (perm.IpProtocol === 'tcp' || perm.IpProtocol === 'udp') &&
      (perm.FromPort === undefined || perm.ToPort === undefined)
    ) {
      throw new AwsError(
        'InvalidParameterValue',
        `Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.`
      )
    }
    for (const range of perm.IpRanges) {
      const existing = group.Ingress.find(
        (e) =>
          e.IpProtocol === perm.IpProtocol &&
          e.FromPort === perm.FromPort &&
          e.ToPort === perm.ToPort &&
          e.IpRanges.some((r) => r.CidrIp === range.CidrIp)
      )
      if (existing) {
        throw new AwsError(
          'InvalidPermission.Duplicate',
          `the specified rule "${ruleText(perm, range.CidrIp)}" already exists`
        )
      }
    }
  }
  for (const raw of requestedPermissions(p)) {
    const perm: Permission = { ...raw, IpProtocol: normalizeProtocol(raw.IpProtocol) }
    group.Ingress.push(perm)
    for (const range of perm.IpRanges) {
      rules.push({
        securityGroupRuleId: `sgr-${hex(9).slice(0, 17)}`,
        groupId: group.GroupId,
        groupOwnerId: ctx.accountId,
        isEgress: false,
        ipProtocol: perm.IpProtocol,
        fromPort: perm.FromPort,
        toPort: perm.ToPort,
        cidrIpv4: range.CidrIp,
        description: range.Description
      })
    }
  }
  return { return: true, securityGroupRuleSet: ec2List(rules) }
}

function findByName(ctx: Context, name: string | undefined): SecurityGroup {
  const g = [...ctx.ec2.securityGroups.values()].find(
    (x) => x.GroupName === name && x.VpcId === ctx.ec2.vpc.VpcId
  )
  if (!g)
    throw new AwsError(
      'InvalidGroup.NotFound',
      `The security group '${name ?? ''}' does not exist in default VPC '${ctx.ec2.vpc.VpcId}'`
    )
  return g
}

const RevokeSecurityGroupIngress: Handler = (ctx, p) => {
  const group = getGroup(ctx, str(p, 'GroupId') ?? '')
  for (const raw of requestedPermissions(p)) {
    const proto = normalizeProtocol(raw.IpProtocol)
    group.Ingress = group.Ingress.filter(
      (e) => !(e.IpProtocol === proto && e.FromPort === raw.FromPort && e.ToPort === raw.ToPort)
    )
  }
  return { return: true }
}

const DeleteSecurityGroup: Handler = (ctx, p) => {
  const groupId = str(p, 'GroupId')
  // GroupName, as in DescribeSecurityGroups, names a group of the default VPC only.
  const group =
    groupId || !str(p, 'GroupName') ? getGroup(ctx, groupId ?? '') : findByName(ctx, str(p, 'GroupName'))
  if (group.GroupName === 'default')
    throw new AwsError(
      'CannotDelete',
      `the specified group: "${group.GroupId}" name: "default" cannot be deleted by a user`
    )
  const holding = [...ctx.ec2.enis.values()].filter((e) => e.GroupIds.includes(group.GroupId))
  // An interface of a stopped task being torn down (eniHoldsGroupDeletes) lets go after its count of calls.
  for (const e of holding) {
    if (e.releasedAfterDeletes === undefined) continue
    e.releasedAfterDeletes -= 1
    if (e.releasedAfterDeletes < 0) ctx.ec2.enis.delete(e.NetworkInterfaceId)
  }
  if (holding.some((e) => ctx.ec2.enis.has(e.NetworkInterfaceId)))
    throw new AwsError('DependencyViolation', `resource ${group.GroupId} has a dependent object`)
  ctx.ec2.securityGroups.delete(group.GroupId)
  return { return: true }
}

function eniXml(ctx: Context, eni: NetworkInterface, showPublicIp: boolean): XmlNode {
  const subnet = ctx.ec2.subnets.find((s) => s.SubnetId === eni.SubnetId)
  const association =
    showPublicIp && eni.PublicIp
      ? { publicIp: eni.PublicIp, publicDnsName: '', ipOwnerId: 'amazon' }
      : undefined
  return {
    networkInterfaceId: eni.NetworkInterfaceId,
    subnetId: eni.SubnetId,
    vpcId: eni.VpcId,
    availabilityZone: subnet?.AvailabilityZone,
    description: eni.Description,
    ownerId: ctx.accountId,
    requesterId: '578734482556',
    requesterManaged: true,
    status: eni.Status,
    macAddress: '0a:00:00:00:00:01',
    privateIpAddress: eni.PrivateIpAddress,
    sourceDestCheck: true,
    interfaceType: 'interface',
    groupSet: ec2List(
      eni.GroupIds.map((g) => ({ groupId: g, groupName: ctx.ec2.securityGroups.get(g)?.GroupName }))
    ),
    association,
    privateIpAddressesSet: ec2List([{ privateIpAddress: eni.PrivateIpAddress, primary: true, association }])
  }
}

const DescribeNetworkInterfaces: Handler = (ctx, p) => {
  const ids = arr<string>(p, 'NetworkInterfaceId')
  for (const id of ids) {
    if (!ctx.ec2.enis.has(id))
      throw new AwsError(
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${id}' does not exist`
      )
  }
  const filters = arr<Filter>(p, 'Filter')
  const enis = [...ctx.ec2.enis.values()].filter(
    (e) =>
      (ids.length === 0 || ids.includes(e.NetworkInterfaceId)) &&
      matchesFilters(filters, {
        'network-interface-id': e.NetworkInterfaceId,
        'subnet-id': e.SubnetId,
        'vpc-id': e.VpcId,
        status: e.Status,
        'group-id': e.GroupIds,
        'association.public-ip': e.PublicIp
      })
  )
  return {
    networkInterfaceSet: ec2List(
      enis.map((e) => {
        // publicIpDelayDescribes: the public IP association shows up only after N describes, like a slow EIP attach.
        e.describes++
        return eniXml(ctx, e, e.describes > ctx.behaviour.publicIpDelayDescribes)
      })
    )
  }
}

export const ec2Handlers: Record<string, Handler> = {
  DescribeVpcs,
  DescribeSubnets,
  DescribeSecurityGroups,
  CreateSecurityGroup,
  AuthorizeSecurityGroupIngress,
  RevokeSecurityGroupIngress,
  DeleteSecurityGroup,
  DescribeNetworkInterfaces
}
