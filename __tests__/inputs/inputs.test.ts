import {
  InputError,
  familyFromRepository,
  inputFromEnv,
  parseCommand,
  parseInputs,
  parseKeyValueLines,
  parseList,
  parseTaskArns,
  type Inputs
} from '../../src/inputs/inputs.js'

const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/fargate-cluster/0123456789abcdef0123456789abcdef'

function parse(
  given: Record<string, string>,
  files: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {}
): Inputs {
  return parseInputs((name) => given[name] ?? '', {
    env: { AWS_REGION: 'us-east-1', ...env },
    readFile: (path) => {
      if (!(path in files)) throw new Error(`ENOENT: no such file '${path}'`)
      return files[path]!
    }
  })
}

function problems(
  given: Record<string, string>,
  files: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {}
): string[] {
  try {
    parse(given, files, env)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected the inputs to be rejected')
}

describe('parseInputs', () => {
  test('fills in the documented defaults for a deploy', () => {
    const inputs = parse({ repository: 'myapp' }, {}, { GITHUB_SHA: 'abc123' })
    expect(inputs).toMatchObject({
      mode: 'deploy',
      region: 'us-east-1',
      repository: 'myapp',
      image: 'myapp',
      tag: 'abc123',
      cluster: 'default',
      family: 'myapp',
      containerName: 'myapp',
      cpu: 256,
      memory: 512,
      executionRole: 'ecsTaskExecutionRole',
      logGroup: '/ecs/myapp',
      ingressCidr: '0.0.0.0/0',
      assignPublicIp: true,
      createRepository: true,
      createCluster: true,
      createExecutionRole: true,
      count: 1,
      waitFor: 'running',
      healthPath: '/',
      timeoutSeconds: 600,
      stopOnTimeout: true,
      stopOnCancel: true,
      startedBy: 'ecs-fargate-deploy',
      subnets: [],
      securityGroups: [],
      environment: [],
      secrets: [],
      tags: [],
      taskArns: []
    })
    expect(inputs.port).toBeUndefined()
    expect(inputs.command).toBeUndefined()
  })

  test('tag falls back to latest without GITHUB_SHA', () => {
    expect(parse({ repository: 'myapp' }).tag).toBe('latest')
  })

  test('region comes from the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(parse({ repository: 'a', region: 'eu-west-1' }).region).toBe('eu-west-1')
    const fromDefault = parseInputs((name) => (name === 'repository' ? 'a' : ''), {
      env: { AWS_DEFAULT_REGION: 'ap-south-1' },
      readFile: () => ''
    })
    expect(fromDefault.region).toBe('ap-south-1')
  })

  test('parses every list and line-based input', () => {
    const inputs = parse({
      repository: 'team/web.app',
      port: '5000',
      environment: 'GREETING=hello world\n# a comment\n\nURL=http://x/?a=b',
      secrets: 'DB_PASSWORD=arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      command: '["python", "app.py", "--port", "5000"]',
      subnets: 'subnet-0123456789abcdef0, subnet-0123456789abcdef1',
      'security-groups': 'sg-0123456789abcdef0\nsg-0123456789abcdef1',
      tags: 'team=data\nenv = dev',
      count: '3',
      'wait-for': 'healthy',
      'assign-public-ip': 'false'
    })
    expect(inputs.family).toBe('team-web-app')
    expect(inputs.port).toBe(5000)
    expect(inputs.environment).toEqual([
      { name: 'GREETING', value: 'hello world' },
      { name: 'URL', value: 'http://x/?a=b' }
    ])
    expect(inputs.secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }
    ])
    expect(inputs.command).toEqual(['python', 'app.py', '--port', '5000'])
    expect(inputs.subnets).toEqual(['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'])
    expect(inputs.securityGroups).toEqual(['sg-0123456789abcdef0', 'sg-0123456789abcdef1'])
    expect(inputs.tags).toEqual([
      { key: 'team', value: 'data' },
      { key: 'env', value: 'dev' }
    ])
    expect(inputs.count).toBe(3)
    expect(inputs.assignPublicIp).toBe(false)
  })

  test.each([
    [{ repository: 'myapp', cpu: '300' }, "cpu: '300' is not a Fargate cpu value; use one of 256, 512, 1024"],
    [
      { repository: 'myapp', cpu: '256', memory: '4096' },
      'memory: 4096 MiB does not go with cpu 256 on Fargate: cpu 256 takes memory 512, 1024 or 2048 MiB; memory 4096 goes with cpu 512 or 1024 or 2048'
    ],
    [{ repository: 'myapp', port: '70000' }, "port: '70000' is not a whole number from 1 to 65535"],
    [{ repository: 'myapp', count: '11' }, "count: '11' is not a whole number from 1 to 10"],
    [
      { repository: 'myapp', mode: 'destroy' },
      "mode: 'destroy' is not allowed; use one of deploy, stop, permissions"
    ],
    [
      { repository: 'myapp', 'wait-for': 'ready' },
      "wait-for: 'ready' is not allowed; use one of none, running"
    ],
    [{ repository: 'myapp', 'wait-for': 'healthy' }, 'wait-for: healthy needs a port'],
    [
      { repository: 'myapp', 'create-cluster': 'yes' },
      "create-cluster: 'yes' is not a boolean; use true or false"
    ],
    [{ repository: 'MyApp' }, "repository: 'MyApp' is not a valid ECR repository name"],
    [{}, 'repository: is required for mode deploy'],
    [
      { repository: 'myapp', environment: 'A=1\n\nJUST_A_NAME' },
      "environment: line 3 ('JUST_A_NAME') is not KEY=value"
    ],
    [{ repository: 'myapp', environment: '1BAD=x' }, "environment: '1BAD' is not a valid variable name"],
    [
      { repository: 'myapp', secrets: 'TOKEN=not an arn' },
      "secrets: TOKEN: 'not an arn' is not a Secrets Manager"
    ],
    [{ repository: 'myapp', command: '["a", 1]' }, 'command: must be a JSON array of strings'],
    [{ repository: 'myapp', command: '[oops' }, 'command: is not valid JSON'],
    [{ repository: 'myapp', command: 'echo "unclosed' }, 'command: has an unclosed " quote'],
    [{ repository: 'myapp', subnets: 'subnet-1,vpc-123' }, "subnets: 'subnet-1' is not a subnet ID"],
    [
      { repository: 'myapp', 'security-groups': 'default' },
      "security-groups: 'default' is not a security group ID"
    ],
    [
      { repository: 'myapp', 'ingress-cidr': '10.0.0.0/33' },
      "ingress-cidr: '10.0.0.0/33' is not an IPv4 CIDR"
    ],
    [{ repository: 'myapp', 'health-path': 'health' }, "health-path: 'health' must start with /"],
    [{ repository: 'myapp', timeout: '0' }, "timeout: '0' is not a whole number from 1 to 86400"],
    [{ repository: 'myapp', tags: 'aws:owner=me' }, "tags: 'aws:owner': the aws: prefix is reserved"],
    [{ repository: 'myapp', 'execution-role': 'arn:aws:iam::12:role/x' }, 'execution-role: '],
    [{ repository: 'myapp', tag: '-bad' }, "tag: '-bad' is not a valid image tag"],
    [{ repository: 'myapp', region: 'useast' }, "region: 'useast' is not an AWS region name"],
    [{ repository: 'myapp', 'task-arn': TASK_ARN }, 'task-arn: is only used with mode stop'],
    [{ mode: 'stop', 'task-arn': 'not-a-task' }, "task-arn: 'not-a-task' is not an ECS task ARN or task ID"],
    [{ mode: 'stop', 'task-arn': '["a", ' }, 'task-arn: must be a JSON array of strings'],
    [{ mode: 'stop' }, 'task-arn: is empty, so mode stop needs family (or repository)'],
    [
      { repository: 'myapp', 'task-definition': 'missing.json' },
      "task-definition: cannot read 'missing.json'"
    ]
  ])('rejects %j: %s', (given, message) => {
    expect(problems(given).join('\n')).toContain(message)
  })

  test('reports every problem together, naming each input', () => {
    const found = problems({
      repository: 'Bad Name',
      cpu: '100',
      port: 'http',
      count: '0',
      'wait-for': 'soon'
    })
    expect(found.map((problem) => problem.slice(0, problem.indexOf(':')))).toEqual([
      'repository',
      'cpu',
      'port',
      'wait-for',
      'count'
    ])
  })

  test('the error message lists the problems one per line', () => {
    expect(() => parse({ cpu: '1' })).toThrow(/^2 invalid inputs:\n {2}- repository: .*\n {2}- cpu: /)
  })

  test('a missing region is an error in deploy and stop but not in permissions mode', () => {
    const noRegion = (mode: string): unknown =>
      parseInputs((name) => ({ mode, repository: 'app' })[name] ?? '', { env: {}, readFile: () => '' })
    expect(() => noRegion('deploy')).toThrow(/region: is not set/)
    expect(() => noRegion('stop')).toThrow(/region: is not set/)
    expect(noRegion('permissions')).toMatchObject({ mode: 'permissions', region: '' })
  })

  test('stop mode without task-arn finds tasks by the family, from family or repository', () => {
    expect(parse({ mode: 'stop', repository: 'team/web' })).toMatchObject({
      family: 'team-web',
      taskArns: []
    })
    expect(parse({ mode: 'stop', family: 'web' })).toMatchObject({ family: 'web', taskArns: [] })
  })

  test('stop mode needs no repository and takes task ARNs as lines or a JSON array', () => {
    const id = '0123456789abcdef0123456789abcdef'
    expect(parse({ mode: 'stop', 'task-arn': `${TASK_ARN}\n${id}` }).taskArns).toEqual([TASK_ARN, id])
    expect(parse({ mode: 'stop', 'task-arn': JSON.stringify([TASK_ARN]) }).taskArns).toEqual([TASK_ARN])
  })

  describe('with a task definition template', () => {
    const template = {
      taskDefinition: {
        family: 'from-template',
        cpu: '1024',
        memory: '2048',
        executionRoleArn: 'arn:aws:iam::123456789012:role/custom-exec',
        containerDefinitions: [
          {
            name: 'web',
            image: 'placeholder',
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/custom/group' } }
          }
        ]
      }
    }
    const files = { 'td.json': JSON.stringify(template) }

    test('takes family, size, role, container and log group from it unless inputs say otherwise', () => {
      const inputs = parse({ repository: 'myapp', 'task-definition': 'td.json' }, files)
      expect(inputs).toMatchObject({
        family: 'from-template',
        cpu: 1024,
        memory: 2048,
        executionRole: 'arn:aws:iam::123456789012:role/custom-exec',
        containerName: 'web',
        logGroup: '/custom/group'
      })
      expect(
        parse({ repository: 'myapp', 'task-definition': 'td.json', cpu: '512', memory: '1024' }, files)
      ).toMatchObject({ cpu: 512, memory: 1024 })
    })

    test.each([
      ['{ "family": ', "task-definition: 'td.json' is not valid JSON"],
      ['[1, 2]', "task-definition: 'td.json' must hold a JSON object"],
      ['{ "containerDefinitions": {} }', 'containerDefinitions must be an array']
    ])('rejects %s', (text, message) => {
      expect(
        problems({ repository: 'myapp', 'task-definition': 'td.json' }, { 'td.json': text }).join('\n')
      ).toContain(message)
    })

    test('rejects a container-name the template does not have', () => {
      expect(
        problems({ repository: 'myapp', 'task-definition': 'td.json', 'container-name': 'api' }, files).join(
          '\n'
        )
      ).toContain("task-definition: has no container named 'api' (it has: web)")
    })
  })
})

describe('capacity and platform', () => {
  test.each([
    [{}, {}, { capacity: 'on-demand', platform: 'linux/amd64' }],
    [{ capacity: 'spot' }, {}, { capacity: 'spot', platform: 'linux/amd64' }],
    [{ platform: 'linux/arm64' }, {}, { capacity: 'on-demand', platform: 'linux/arm64' }],
    [
      { 'task-definition': 'td.json' },
      { 'td.json': JSON.stringify({ runtimePlatform: { cpuArchitecture: 'ARM64' } }) },
      { capacity: 'on-demand', platform: 'linux/arm64' }
    ]
  ])('%j (files %j) reads as %j', (given, files, expected) => {
    expect(parse({ repository: 'myapp', ...given }, files)).toMatchObject(expected)
  })

  test.each([
    [{ capacity: 'SPOT' }, "capacity: 'SPOT' is not allowed; use one of on-demand, spot"],
    [{ platform: 'arm64' }, "platform: 'arm64' is not allowed; use one of linux/amd64, linux/arm64"],
    [
      { platform: 'windows/amd64' },
      "platform: 'windows/amd64' is not allowed; use one of linux/amd64, linux/arm64"
    ],
    [
      { capacity: 'spot', platform: 'linux/arm64' },
      'capacity: spot runs only linux/amd64 tasks (Fargate Spot has no ARM64 capacity); use capacity: on-demand with platform linux/arm64, or platform linux/amd64 with spot'
    ]
  ])('%j is rejected: %s', (given, problem) => {
    expect(problems({ repository: 'myapp', ...given })).toEqual([problem])
  })
})

describe('input helpers', () => {
  test('inputFromEnv reads INPUT_ variables upper-cased, hyphens kept, trimmed', () => {
    const get = inputFromEnv({ 'INPUT_CREATE-REPOSITORY': ' false ', INPUT_MY_INPUT: 'x' })
    expect(get('create-repository')).toBe('false')
    expect(get('my input')).toBe('x')
    expect(get('missing')).toBe('')
  })

  test.each([
    ['a,b', ['a', 'b']],
    ['a\nb, c\n\n', ['a', 'b', 'c']],
    ['', []]
  ])('parseList(%j)', (text, expected) => {
    expect(parseList(text)).toEqual(expected)
  })

  test('parseKeyValueLines keeps = in values and reports lines without one', () => {
    expect(parseKeyValueLines('A=1=2\nnope\n#c\n B = x ')).toEqual({
      pairs: [
        { name: 'A', value: '1=2' },
        { name: 'B', value: 'x' }
      ],
      bad: [{ line: 2, text: 'nope' }]
    })
  })

  test.each([
    ['npm start', ['npm', 'start']],
    ['sh -c "echo hi there"', ['sh', '-c', 'echo hi there']],
    ["echo ''", ['echo', '']],
    ['["a b", "c"]', ['a b', 'c']]
  ])('parseCommand(%j)', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected)
  })

  test('parseTaskArns takes the task-arns output of a deploy step', () => {
    expect(parseTaskArns(JSON.stringify([TASK_ARN, TASK_ARN]))).toEqual([TASK_ARN, TASK_ARN])
    expect(parseTaskArns('[1]')).toMatch(/JSON array of strings/)
  })

  test.each([
    ['myapp', 'myapp'],
    ['team/web.app', 'team-web-app'],
    ['a_b-c', 'a_b-c']
  ])('familyFromRepository(%j) = %j', (repository, family) => {
    expect(familyFromRepository(repository)).toBe(family)
  })
})
