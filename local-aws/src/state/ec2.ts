// EC2 state: the default VPC with its two default subnets, the security groups and the ENIs of running tasks.

export interface Tag {
  Key: string
  Value: string
}
export interface IpRange {
  CidrIp: string
  Description?: string
}
export interface Permission {
  IpProtocol: string
  FromPort?: number
  ToPort?: number
  IpRanges: IpRange[]
}
export interface SecurityGroup {
  GroupId: string
  GroupName: string
  Description: string
  VpcId: string
  Ingress: Permission[]
  Egress: Permission[]
  Tags: Tag[]
}
export interface Subnet {
  SubnetId: string
  VpcId: string
  AvailabilityZone: string
  CidrBlock: string
  DefaultForAz: boolean
}
export interface NetworkInterface {
  NetworkInterfaceId: string
  SubnetId: string
  VpcId: string
  PrivateIpAddress: string
  PublicIp?: string
  GroupIds: string[]
  Description: string
  Status: 'in-use' | 'available'
  describes: number
  /**
   * Set when its task STOPPED under the eniHoldsGroupDeletes switch: the interface is still being torn down and
   * holds its groups for this many more DeleteSecurityGroup calls, then is gone.
   */
  releasedAfterDeletes?: number
}

export interface Ec2State {
  vpc: { VpcId: string; CidrBlock: string }
  subnets: Subnet[]
  securityGroups: Map<string, SecurityGroup>
  enis: Map<string, NetworkInterface>
}

export function newEc2State(): Ec2State {
  const vpcId = 'vpc-0def00000000000a1'
  const allOpen: Permission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }
  const defaultSg: SecurityGroup = {
    GroupId: 'sg-0def00000000000a1',
    GroupName: 'default',
    Description: 'default VPC security group',
    VpcId: vpcId,
    Ingress: [],
    Egress: [allOpen],
    Tags: []
  }
  return {
    vpc: { VpcId: vpcId, CidrBlock: '172.31.0.0/16' },
    subnets: [
      {
        SubnetId: 'subnet-0def0000000000a01',
        VpcId: vpcId,
        AvailabilityZone: 'us-east-1a',
        CidrBlock: '172.31.0.0/20',
        DefaultForAz: true
      },
      {
        SubnetId: 'subnet-0def0000000000b01',
        VpcId: vpcId,
        AvailabilityZone: 'us-east-1b',
        CidrBlock: '172.31.16.0/20',
        DefaultForAz: true
      }
    ],
    securityGroups: new Map([[defaultSg.GroupId, defaultSg]]),
    enis: new Map()
  }
}
