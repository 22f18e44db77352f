// ARNs and names: the few string rules several modules need. No imports, so any chunk may use it cheaply.

export function isArn(value: string | undefined): boolean {
  return value?.startsWith('arn:') ?? false
}

/** The part after the last '/': a task's ID, a cluster's or role's name, "family:revision"; a name as is. */
export function lastSegment(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1)
}
