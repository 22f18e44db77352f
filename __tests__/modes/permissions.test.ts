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
    expect(summary).toContain('Request for AWS IAM permissions')
    expect(summary).toContain('cluster fargate-cluster, region us-east-1, account 123456789012')
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
})
