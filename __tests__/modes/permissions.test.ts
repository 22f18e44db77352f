import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import type { PolicyDocument } from '../../src/policy/permissions.js'
import { runPermissionsMode, type PermissionsModeDeps } from '../../src/modes/permissions.js'

function inputsWith(given: Record<string, string> = {}): Inputs {
  const all: Record<string, string> = {
    mode: 'permissions',
    region: 'us-east-1',
    repository: 'myapp',
    port: '5000',
    ...given
  }
  return parseInputs((name) => all[name] ?? '', { env: {}, readFile: () => '' })
}

/** Records what the mode shows, outputs and writes. */
function recordingDeps(
  getAccountId?: PermissionsModeDeps['getAccountId'],
  env: Record<string, string | undefined> = { RUNNER_TEMP: '/runner/temp' },
  payload?: unknown
) {
  const record = {
    lines: [] as string[],
    outputs: {} as Record<string, string>,
    summaries: [] as string[],
    files: {} as Record<string, string>
  }
  const deps: PermissionsModeDeps = {
    getAccountId,
    setOutput: (name, value) => {
      record.outputs[name] = value
    },
    writeSummary: async (markdown) => {
      record.summaries.push(markdown)
    },
    info: (message) => {
      record.lines.push(message)
    },
    env,
    readFile: (path) => {
      if (payload === undefined || path !== env['GITHUB_EVENT_PATH']) throw new Error(`ENOENT: ${path}`)
      return JSON.stringify(payload)
    },
    writeFile: async (path, content) => {
      record.files[path] = content
    }
  }
  return { deps, record }
}

describe('runPermissionsMode', () => {
  test('with the account id from STS, the policy names it and no placeholder', async () => {
    let stsCalls = 0
    const { deps, record } = recordingDeps(async () => {
      stsCalls += 1
      return '123456789012'
    })
    const result = await runPermissionsMode(inputsWith(), deps)
    expect(stsCalls).toBe(1)
    expect(result.account).toBe('123456789012')
    expect(result.accountKnown).toBe(true)
    const policy = JSON.parse(record.outputs['policy']!) as PolicyDocument
    expect(policy).toEqual(result.policy)
    const resources = policy.Statement.flatMap((statement) => statement.Resource)
    expect(resources).toContain('arn:aws:ecr:us-east-1:123456789012:repository/myapp')
    expect(JSON.stringify(policy)).not.toContain('ACCOUNT_ID')
    // A policy for deploy and for stop: the same identity can tear down.
    const actions = policy.Statement.flatMap((statement) => statement.Action)
    expect(actions).toEqual(expect.arrayContaining(['ecs:RunTask', 'ecs:StopTask', 'ecs:ListTasks']))
    expect(record.lines.join('\n')).toContain('"ecr:GetAuthorizationToken"')
  })

  test('when STS fails, the placeholder account is used and the log says why', async () => {
    const { deps, record } = recordingDeps(async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError'
      })
    })
    const result = await runPermissionsMode(inputsWith(), deps)
    expect(result.accountKnown).toBe(false)
    expect(result.account).toBe('ACCOUNT_ID')
    expect(record.outputs['policy']).toContain('arn:aws:ecr:us-east-1:ACCOUNT_ID:repository/myapp')
    const log = record.lines.join('\n')
    expect(log).toContain('CredentialsProviderError: Could not load credentials from any providers')
    expect(log).toContain('placeholder ACCOUNT_ID')
    expect(record.summaries[0]).toContain('Replace `ACCOUNT_ID` with your account id')
  })

  test('without getAccountId, or with no answer, the placeholder is used', async () => {
    const none = recordingDeps()
    expect((await runPermissionsMode(inputsWith(), none.deps)).account).toBe('ACCOUNT_ID')
    expect(none.record.lines.join('\n')).toContain('placeholder ACCOUNT_ID')
    const empty = recordingDeps(async () => undefined)
    expect((await runPermissionsMode(inputsWith(), empty.deps)).accountKnown).toBe(false)
  })

  test('the summary has the policy, the execution role documents and the request text', async () => {
    const { deps, record } = recordingDeps(async () => '123456789012')
    await runPermissionsMode(inputsWith({ cluster: 'fargate-cluster' }), deps)
    expect(record.summaries).toHaveLength(1)
    const summary = record.summaries[0]!
    expect(summary).toContain('### Policy for the identity the workflow uses')
    const policyBlock = /```json\n([\s\S]*?)\n```/.exec(summary)![1]!
    expect(JSON.parse(policyBlock)).toEqual(JSON.parse(record.outputs['policy']!))
    expect(summary).toContain('### Task execution role `ecsTaskExecutionRole`')
    expect(summary).toContain('"Service": "ecs-tasks.amazonaws.com"')
    expect(summary).toContain('arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy')
    // The request for the security team comes first, in Markdown and as plain text to paste.
    expect(summary.split('\n')[0]).toBe('## 📨 The permissions to ask for: a request for your security team')
    expect(summary).toContain(
      'Subject: Request for AWS IAM permissions: GitHub Actions deploy myapp to ECS Fargate'
    )
    expect(summary).toContain(
      'to the ECS cluster fargate-cluster with the GitHub Action ecs-fargate-deploy, in AWS account 123456789012, region us-east-1'
    )
    expect(summary).toContain('<summary>The same as plain text, to paste into an email or a ticket</summary>')
    expect(summary.indexOf('Subject: ')).toBeLessThan(summary.indexOf('### Policy for the identity'))
  })

  test('no execution role documents when the action will not create the role', async () => {
    const variants: Array<Record<string, string>> = [
      { 'create-execution-role': 'false' },
      { 'execution-role': 'arn:aws:iam::123456789012:role/exec' }
    ]
    for (const given of variants) {
      const { deps, record } = recordingDeps(async () => '123456789012')
      await runPermissionsMode(inputsWith(given), deps)
      expect(record.summaries[0]).not.toContain('### Task execution role')
      expect(record.summaries[0]).not.toContain('"sts:AssumeRole"')
    }
  })

  test('writes the setup template under RUNNER_TEMP and outputs its path and the trust policy', async () => {
    const env = {
      RUNNER_TEMP: '/runner/temp',
      GITHUB_REPOSITORY: 'acme/web',
      GITHUB_EVENT_PATH: '/event.json'
    }
    const { deps, record } = recordingDeps(async () => '123456789012', env, {
      repository: { default_branch: 'trunk' }
    })
    const result = await runPermissionsMode(inputsWith({ 'environment-name': 'production' }), deps)
    expect(record.outputs['setup-template']).toBe('/runner/temp/ecs-fargate-deploy-setup.json')
    expect(result.setupTemplatePath).toBe('/runner/temp/ecs-fargate-deploy-setup.json')
    const template = JSON.parse(record.files['/runner/temp/ecs-fargate-deploy-setup.json']!) as {
      Resources: Record<string, unknown>
    }
    expect(Object.keys(template.Resources)).toEqual(['GitHubOidcProvider', 'DeployRole', 'ExecutionRole'])
    const trust = JSON.parse(record.outputs['trust-policy']!) as typeof result.trustPolicy
    expect(trust).toEqual(result.trustPolicy)
    expect(trust.Statement[0]!.Principal.Federated).toBe(
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    )
    expect(trust.Statement[0]!.Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:acme/web:environment:production'
    })
    // The summary: the policy first, then the setup with the template, the CLI commands and the trust policy.
    const summary = record.summaries[0]!
    const order = [
      '### Policy for the identity the workflow uses',
      '### One-time setup for an administrator',
      '<summary>CloudFormation template (the setup-template output)</summary>',
      '<summary>The same as AWS CLI commands</summary>',
      "<summary>The deploy role's trust policy (the trust-policy output)</summary>"
    ].map((heading) => summary.indexOf(heading))
    expect(order.every((index) => index >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(summary).toContain(
      '- `ecs-fargate-deploy-myapp`: assumed by jobs of acme/web that declare environment: production.'
    )
    expect(summary).toContain('aws iam create-role \\\n  --role-name ecs-fargate-deploy-myapp')
  })

  test('without GITHUB_REPOSITORY, an event payload or an environment, the setup says what to replace', async () => {
    const { deps, record } = recordingDeps(async () => '123456789012', {})
    await runPermissionsMode(inputsWith(), deps)
    const path = record.outputs['setup-template']!
    expect(path).toMatch(/ecs-fargate-deploy-setup\.json$/)
    expect(record.outputs['trust-policy']).toContain('"repo:OWNER/REPO:ref:refs/heads/main"')
    expect(record.summaries[0]).toContain(
      '> GITHUB_REPOSITORY is not set: replace OWNER/REPO with your repository.'
    )
    expect(record.summaries[0]).toContain('No environment-name is given')
  })
})

describe('an existing standard service: the policy names what its revision names', () => {
  const SCOPE = {
    family: 'shop-td',
    executionRoleArn: 'arn:aws:iam::123456789012:role/shop-exec',
    taskRoleArn: 'arn:aws:iam::123456789012:role/shop-task',
    logGroups: ['/ecs/shop-td']
  }
  const passed = (policy: PolicyDocument) =>
    policy.Statement.filter((statement) => statement.Action.includes('iam:PassRole')).flatMap(
      (s) => s.Resource
    )

  test('with credentials, the service is read: its family, roles and log group in the policy', async () => {
    const { deps, record } = recordingDeps(async () => '123456789012')
    deps.readExistingService = async () => SCOPE
    const result = await runPermissionsMode(inputsWith({ service: 'shop' }), deps)
    expect(passed(result.policy)).toEqual(expect.arrayContaining([SCOPE.executionRoleArn, SCOPE.taskRoleArn]))
    expect(passed(result.policy)).not.toContain('arn:aws:iam::123456789012:role/ecsTaskExecutionRole')
    expect(JSON.stringify(result.policy)).toContain('task-definition/shop-td:*')
    expect(JSON.stringify(result.policy)).toContain('log-group:/ecs/shop-td:log-stream:*')
    expect(record.lines).toContain(
      "Service shop is an existing standard ECS service: the policy names its task definition's family shop-td, " +
        'execution role arn:aws:iam::123456789012:role/shop-exec, task role arn:aws:iam::123456789012:role/shop-task ' +
        'and log group /ecs/shop-td.'
    )
  })

  test('without credentials, it says what it assumed', async () => {
    const { deps, record } = recordingDeps()
    let read = 0
    deps.readExistingService = async () => {
      read += 1
      return SCOPE
    }
    await runPermissionsMode(inputsWith({ service: 'shop' }), deps)
    expect(read).toBe(0)
    expect(record.lines).toContain(
      'If service shop is an existing standard ECS service, the policy assumes its task definition has family myapp, ' +
        'execution role ecsTaskExecutionRole (the inputs): set family, execution-role and task-role to its own, or run this with credentials.'
    )
  })

  test('an Express Mode (or missing) service keeps the inputs', async () => {
    const { deps } = recordingDeps(async () => '123456789012')
    deps.readExistingService = async () => undefined
    const result = await runPermissionsMode(inputsWith({ service: 'shop' }), deps)
    expect(passed(result.policy)).toContain('arn:aws:iam::123456789012:role/ecsTaskExecutionRole')
  })
})
