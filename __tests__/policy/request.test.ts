// The request for the security team: the permissions grouped by AWS service, in words.
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import type { PermissionRow } from '../../src/policy/permissions.js'
import { permissionGroups, securityRequest } from '../../src/policy/request.js'
import { buildSetup } from '../../src/policy/setup.js'

function inputsWith(given: Record<string, string>): Inputs {
  return parseInputs((name) => ({ region: 'eu-west-1', repository: 'web', ...given })[name] ?? '', {
    env: {},
    readFile: () => ''
  })
}

const row = (service: string, step: string, extra: Partial<PermissionRow> = {}): PermissionRow =>
  ({
    service,
    operation: 'X',
    actions: [],
    resource: () => '*',
    step,
    modes: ['deploy'],
    sid: 'S',
    ...extra
  }) as PermissionRow

test('permissionGroups: one line per service in the rows order, steps once, calls needing no permission left out', () => {
  expect(
    permissionGroups([
      row('ecr', 'log in to the registry'),
      row('ecs', 'run the task'),
      row('ecr', 'push the image'),
      row('ecr', 'push the image'),
      row('sts', 'read the account id', { noPermissionNeeded: true }),
      row('sns', 'publish'),
      row('newservice', 'do a new thing')
    ])
  ).toEqual([
    { group: 'Container registry (ECR)', why: 'log in to the registry and push the image' },
    { group: 'Containers (ECS)', why: 'run the task' },
    { group: 'Notifications (SNS)', why: 'publish' },
    { group: 'newservice', why: 'do a new thing' }
  ])
})

test.each<[string, Record<string, string>, string[]]>([
  [
    'a job',
    { 'wait-for': 'stopped' },
    [
      'Subject: Request for AWS IAM permissions: GitHub Actions deploy web to ECS Fargate',
      'Our GitHub repository octo/shop deploys its app web (one container task) to the ECS cluster default with the GitHub Action ecs-fargate-deploy, in AWS account 123456789012, region eu-west-1.',
      '   - the role ecs-fargate-deploy-web, assumed by jobs of octo/shop on its main branch.',
      '   - Logs (CloudWatch Logs): look up the log group, create the log group and read the task',
      '(repository web, cluster default, task family web and log group /ecs/web)'
    ]
  ],
  [
    'a service',
    { service: 'shop', cluster: 'apps' },
    [
      'deploys the web service shop (an ECS Express Mode service it creates, or an existing ECS service it updates) to the ECS cluster apps',
      'service shop and log group'
    ]
  ],
  [
    'a scheduled job',
    {
      repository: 'etl',
      cluster: 'jobs',
      schedule: 'cron(0 3 * * ? *)',
      'schedule-timezone': 'Europe/Berlin',
      notify: 'arn:aws:sns:eu-west-1:123456789012:job-failures'
    },
    [
      'deploys its job etl (one container task) to the ECS cluster jobs, which EventBridge Scheduler runs on the schedule cron(0 3 * * ? *) (Europe/Berlin) as the role efd-job-etl-2e6f47e6, allowed to run only this job, its failed runs sent to arn:aws:sns:eu-west-1:123456789012:job-failures',
      '   - the role efd-job-etl-2e6f47e6, '
    ]
  ]
])('securityRequest: %s', (_name, given, fragments) => {
  const inputs = inputsWith(given)
  const setup = buildSetup(inputs, { repository: 'octo/shop', defaultBranch: 'main' }, '123456789012')
  const text = securityRequest(inputs, setup, '123456789012', { templateFile: 'setup.json' })
  for (const fragment of fragments) expect(text).toContain(fragment)
  expect(text).toContain('What it cannot do: create or change any IAM role or policy')
})
