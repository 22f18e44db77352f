// ARNs and names: the few string rules several modules need. No imports, so any chunk may use it cheaply.

export function isArn(value: string | undefined): boolean {
  return value?.startsWith('arn:') ?? false
}

/** The part after the last '/': a task's ID, a cluster's or role's name, "family:revision"; a name as is. */
export function lastSegment(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1)
}

/** The parts of an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (the resource keeps its ':' and '/'). */
export interface Arn {
  partition: string
  service: string
  region: string
  account: string
  resource: string
}

/** Splits an ARN into its parts, or undefined when it does not start with arn: or has fewer than six parts. */
export function parseArn(value: string): Arn | undefined {
  const parts = value.split(':')
  if (parts[0] !== 'arn' || parts.length < 6) return undefined
  const [, partition = '', service = '', region = '', account = ''] = parts
  return { partition, service, region, account, resource: parts.slice(5).join(':') }
}

/** aws, aws-cn, aws-us-gov and the other aws-* partitions (aws-iso, aws-iso-b, aws-eusc...). */
export function isAwsPartition(partition: string): boolean {
  return /^aws(?:-[a-z]+)*$/.test(partition)
}
