// The service inputs: defaults, scaling validated before any AWS call, and what does not go with a service.
import { InputError, parseInputs, type Inputs } from '../../src/inputs/inputs.js'

const TEMPLATE = JSON.stringify({
  family: 'shop',
  containerDefinitions: [
    { name: 'Main', image: 'x' },
    { name: 'sidecar', image: 'y' }
  ]
})

function parse(given: Record<string, string>): Inputs {
  return parseInputs((name) => given[name] ?? '', {
    env: { AWS_REGION: 'us-east-1' },
    readFile: (path) => {
      if (path !== 'td.json') throw new Error(`ENOENT: '${path}'`)
      return TEMPLATE
    }
  })
}

function problems(given: Record<string, string>): string[] {
  try {
    parse(given)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected the inputs to be rejected')
}

describe('service inputs', () => {
  test('without service: tasks, as before, with the service defaults filled in', () => {
    expect(parse({ repository: 'shop' })).toMatchObject({
      serviceName: undefined,
      infrastructureRole: 'ecsInfrastructureRoleForExpressServices',
      createInfrastructureRole: true,
      minTasks: 1,
      maxTasks: 1,
      scaleOn: undefined,
      scaleTarget: undefined
    })
  })

  test('max-tasks defaults to min-tasks', () => {
    expect(parse({ repository: 'shop', service: 'web', 'min-tasks': '3' })).toMatchObject({
      serviceName: 'web',
      minTasks: 3,
      maxTasks: 3
    })
  })

  test('every service input read', () => {
    expect(
      parse({
        repository: 'shop',
        service: 'web',
        'infrastructure-role': 'arn:aws:iam::123456789012:role/infra',
        'create-infrastructure-role': 'false',
        'min-tasks': '2',
        'max-tasks': '8',
        'scale-on': 'requests',
        'scale-target': '500',
        'wait-for': 'healthy'
      })
    ).toMatchObject({
      serviceName: 'web',
      infrastructureRole: 'arn:aws:iam::123456789012:role/infra',
      createInfrastructureRole: false,
      minTasks: 2,
      maxTasks: 8,
      scaleOn: 'requests',
      scaleTarget: 500,
      waitFor: 'healthy'
    })
  })

  test('wait-for healthy needs no port with a service (the endpoint is requested)', () => {
    expect(parse({ repository: 'shop', service: 'web', 'wait-for': 'healthy' }).port).toBeUndefined()
    expect(problems({ repository: 'shop', 'wait-for': 'healthy' })).toEqual([
      "wait-for: healthy needs a port to request (set port, or use wait-for 'running')"
    ])
  })

  test.each<[string, Record<string, string>, string[]]>([
    [
      'a bad service name',
      { service: 'web app' },
      ["service: 'web app' is not a valid service name (letters, digits, - and _, at most 255)"]
    ],
    [
      'max-tasks below min-tasks',
      { service: 'web', 'min-tasks': '4', 'max-tasks': '2' },
      ['max-tasks: 2 is less than min-tasks (4); set max-tasks ≥ min-tasks']
    ],
    [
      'min-tasks 0',
      { service: 'web', 'min-tasks': '0' },
      ['min-tasks: 0 is not a whole number from 1 to 5000']
    ],
    [
      'min-tasks not a number',
      { service: 'web', 'min-tasks': 'two' },
      ["min-tasks: 'two' is not a whole number"]
    ],
    [
      'an unknown scale-on',
      { service: 'web', 'scale-on': 'gpu' },
      ["scale-on: 'gpu' is not one of cpu, memory, requests"]
    ],
    [
      'a cpu target over 100',
      { service: 'web', 'max-tasks': '3', 'scale-target': '150' },
      ['scale-target: 150 is not a whole number from 1 to 100 (% utilization for scale-on cpu)']
    ],
    [
      'a bad infrastructure role',
      { service: 'web', 'infrastructure-role': 'arn:aws:s3:::bucket' },
      ["infrastructure-role: 'arn:aws:s3:::bucket' is not an IAM role name or role ARN"]
    ],
    [
      'count with a service',
      { service: 'web', count: '2' },
      ['count: is for one-off tasks; with service, set min-tasks and max-tasks']
    ],
    [
      'wait-for stopped with a service',
      { service: 'web', 'wait-for': 'stopped' },
      ['wait-for: stopped is for one-off tasks; a service keeps running (use running, healthy or none)']
    ],
    [
      'scaling inputs without a service',
      { 'max-tasks': '3', 'scale-on': 'cpu', 'scale-target': '50' },
      [
        'max-tasks: is only used with service (an ECS Express Mode service)',
        'scale-on: is only used with service (an ECS Express Mode service)',
        'scale-target: is only used with service (an ECS Express Mode service)'
      ]
    ],
    [
      'a template whose container is not Main, without a port',
      { service: 'web', 'task-definition': 'td.json', 'container-name': 'sidecar' },
      [
        "container-name: 'sidecar': with service and task-definition, Express Mode needs the container named Main",
        'port: is required with service and task-definition (Express Mode needs one named port mapping)'
      ]
    ]
  ])('rejects %s before any AWS call', (_name, given, expected) => {
    expect(problems({ repository: 'shop', ...given })).toEqual(expected)
  })

  test('a template with a Main container and a port is accepted', () => {
    expect(
      parse({
        repository: 'shop',
        service: 'web',
        'task-definition': 'td.json',
        'container-name': 'Main',
        port: '8080'
      })
    ).toMatchObject({ containerName: 'Main', family: 'shop', port: 8080 })
  })

  test('mode stop with service needs no repository and refuses task-arn', () => {
    expect(parse({ mode: 'stop', service: 'web' })).toMatchObject({ mode: 'stop', serviceName: 'web' })
    expect(
      problems({ mode: 'stop', service: 'web', 'task-arn': '0123456789abcdef0123456789abcdef' })
    ).toEqual([
      'task-arn: is for one-off tasks; with service, mode stop deletes the service (leave task-arn empty)'
    ])
  })
})

test.each<[Record<string, string>, string]>([
  [{ capacity: 'spot' }, 'capacity: spot runs tasks only: an Express Mode service runs on Fargate on-demand'],
  [{ ttl: '2h', 'ttl-role': 'not a role' }, "ttl-role: 'not a role' is not an IAM role name or role ARN"],
  [{ ttl: '2h', 'create-ttl-role': 'maybe' }, "create-ttl-role: 'maybe' is not a boolean; use true or false"]
])('with a service, %j is refused before any AWS call', (given, problem) => {
  const env = { GITHUB_EVENT_NAME: 'pull_request' }
  const found = (() => {
    try {
      const all: Record<string, string> = { repository: 'shop', service: 'shop', ...given }
      parseInputs((name) => all[name] ?? '', {
        env: { AWS_REGION: 'us-east-1', ...env },
        readFile: () => '{}'
      })
    } catch (error) {
      if (error instanceof InputError) return error.problems
      throw error
    }
    return []
  })()
  expect(found).toContain(problem)
})

describe('a service preview and a service ttl', () => {
  const parseIn = (given: Record<string, string>, env: Record<string, string> = {}) => {
    const all: Record<string, string> = { repository: 'shop', service: 'shop', ...given }
    return parseInputs((name) => all[name] ?? '', {
      env: { AWS_REGION: 'us-east-1', GITHUB_EVENT_NAME: 'pull_request', ...env },
      readFile: () => '{}'
    })
  }

  test('preview and ttl are accepted with a service; the ttl role defaults to the one the action makes', () => {
    expect(parseIn({ preview: 'true', ttl: '1h30m' })).toMatchObject({
      preview: true,
      serviceName: 'shop',
      ttlSeconds: 5400,
      ttlRole: 'ecsFargateDeployTtlRole',
      createTtlRole: true
    })
  })

  test("a ttl role given as an ARN, and create-ttl-role false, are the user's", () => {
    const arn = 'arn:aws:iam::123456789012:role/expiry'
    expect(parseIn({ ttl: '2h', 'ttl-role': arn, 'create-ttl-role': 'false' })).toMatchObject({
      ttlRole: arn,
      createTtlRole: false
    })
  })

  test('a service has no timer container, so its name is free with a ttl (tasks refuse it)', () => {
    expect(parseIn({ ttl: '2h', 'container-name': 'ecs-fargate-deploy-ttl' })).toMatchObject({
      containerName: 'ecs-fargate-deploy-ttl'
    })
    expect(() => parseIn({ ttl: '2h', service: '', 'container-name': 'ecs-fargate-deploy-ttl' })).toThrow(
      /container-name: 'ecs-fargate-deploy-ttl' is the name of the ttl's timer container/
    )
  })
})
