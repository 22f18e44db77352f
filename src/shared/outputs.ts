// The action's outputs, each name written once (as runner/state.ts names the state keys): action.yml declares the
// same list (a test compares them), and the reporter's setOutput takes only these names.

export const OUTPUTS = [
  'task-arn',
  'task-arns',
  'public-ip',
  'public-ips',
  'private-ip',
  'url',
  'task-definition-arn',
  'image',
  'cluster-arn',
  'exit-code',
  'hourly-cost',
  'logs',
  'stopped-task-arns',
  'policy',
  'trust-policy',
  'setup-template',
  'service-arn',
  'deployment-arn',
  // Scheduled jobs.
  'schedule-arn',
  'release-exit-code'
] as const

export type OutputName = (typeof OUTPUTS)[number]
