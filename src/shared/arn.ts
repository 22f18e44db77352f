// ARNs and names: the few string rules several modules need. No imports, so any chunk may use it cheaply.

export function isArn(value: string | undefined): boolean {
  return value?.startsWith('arn:') ?? false
}

/** The parts of arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (the resource may hold ':' and '/'). */
export interface ArnParts {
  partition: string
  service: string
  region: string
  account: string
  resource: string
}

/** Splits an ARN into its parts; undefined for anything with fewer than six ':'-separated fields. */
export function parseArn(value: string): ArnParts | undefined {
  const parts = value.split(':')
  if (parts.length < 6 || parts[0] !== 'arn') return undefined
  const [, partition = '', service = '', region = '', account = ''] = parts
  return { partition, service, region, account, resource: parts.slice(5).join(':') }
}

/** The part after the last '/': a task's ID, a cluster's or role's name, "family:revision"; a name as is. */
export function lastSegment(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1)
}
