// When AWS says no (issue 4), run through the bundled action against the local AWS: denied permissions, a task
// that cannot start, eventual consistency, throttling, a timeout that leaves a trail, bad input and secrets.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs'
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction, type ActionRun } from './harness.js'
import { REGION, WEB_IMAGE, startStack, type Stack } from './stack.js'

let stack: Stack
/** Every run of this file, to check afterwards that none printed the ECR password. */
const runs: ActionRun[] = []
const scratch = mkdtempSync(join(tmpdir(), 'efd-failures-'))

/** An unrestricted key, for the test's own look-ups (the action's key may carry a policy). */
const clientConfig = (): object => ({
  region: REGION,
  endpoint: stack.aws.endpoint,
  credentials: { accessKeyId: 'AKIDFAILURESTEST', secretAccessKey: 'x' }
})

beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack?.aws.stop()
  rmSync(scratch, { recursive: true, force: true })
})
afterEach(() => {
  stack.aws.clearFaults()
  stack.aws.setBehaviour({ describeTasksMissingTimes: 0, publicIpDelayDescribes: 0, runTaskFailures: [] })
  stack.aws.configure({ taskTimings: { provisioningMs: 100, pendingMs: 100 } })
})

/** The example web app on its own repository, cluster and port (5100–5149 belong to this file). */
function webApp(name: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    repository: name,
    image: WEB_IMAGE,
    cluster: `${name}-cluster`,
    port: String(port),
    environment: `PORT=${port}`,
    ...extra
  }
}

async function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const result = await runAction(inputs, { env: { ...stack.env, ...env } })
  runs.push(result)
  return result
}

function callsTo(operation: string) {
  return stack.aws.calls().filter((call) => call.operation === operation)
}

async function describeTask(cluster: string, taskArn: string) {
  const ecs = new ECSClient(clientConfig())
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))
  return tasks?.[0]
}

/** The first JSON object in a message: the policy statement an AccessDenied error carries. */
function statementIn(message: string): { Sid: string; Effect: string; Action: string[]; Resource: string[] } {
  const start = message.indexOf('{')
  let depth = 0
  for (let i = start; i < message.length; i++) {
    if (message[i] === '{') depth++
    if (message[i] === '}' && --depth === 0) return JSON.parse(message.slice(start, i + 1))
  }
  throw new Error(`no JSON object in: ${message}`)
}

/** Allows everything but the given actions: AWS then denies them implicitly, as a real narrow role would. */
function allowAllBut(...actions: string[]) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow' as const, NotAction: actions, Resource: '*' }]
  }
}

describe('AccessDenied, explained from the permissions table', () => {
  test('on an optional step (ecr:CreateRepository): action, repository ARN, step, statement, and the input to bring your own', async () => {
    const key = 'AKIDNOCREATEREPO'
    stack.aws.setPolicy(key, allowAllBut('ecr:CreateRepository'))
    stack.aws.clearCalls()
    const result = await run(webApp('denied-repo', 5100), { AWS_ACCESS_KEY_ID: key })

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    const message = result.errors[0]!
    const repositoryArn = `arn:aws:ecr:us-east-1:${stack.aws.accountId}:repository/denied-repo`
    expect(message).toContain(
      `Not authorized to create the ECR repository: the AWS identity (arn:aws:iam::${stack.aws.accountId}:user/${key}) may not perform ecr:CreateRepository on ${repositoryArn} (ECR CreateRepository).`
    )
    const statement = statementIn(message)
    expect(statement).toMatchObject({ Effect: 'Allow', Resource: [repositoryArn] })
    expect(statement.Action).toContain('ecr:CreateRepository')
    expect(message).toContain('Or skip this step: set create-repository: false')
    expect(message).toContain('(input create-repository)')
    expect(message).toContain('mode: permissions')

    const denied = callsTo('CreateRepository')
    expect(denied).toHaveLength(1)
    expect(denied[0]).toMatchObject({ accessKeyId: key, error: 'AccessDeniedException' })
    // Nothing is pushed or run once a look-up step fails.
    for (const later of ['RegisterTaskDefinition', 'RunTask']) expect(callsTo(later)).toEqual([])
    expect(result.outputs['task-arn']).toBeUndefined()
    expect(result.post.exitCode).toBe(0)
  })

  test('on a required step (ecs:RunTask): action, task definition ARN, statement, no bring-your-own; the post step still logs out', async () => {
    const key = 'AKIDNORUNTASK'
    stack.aws.setPolicy(key, allowAllBut('ecs:RunTask'))
    stack.aws.clearCalls()
    const result = await run(webApp('denied-run', 5101), { AWS_ACCESS_KEY_ID: key })

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    const message = result.errors[0]!
    const taskDefinitionArn = `arn:aws:ecs:us-east-1:${stack.aws.accountId}:task-definition/denied-run:1`
    expect(message).toContain(
      `Not authorized to run the task: the AWS identity (arn:aws:iam::${stack.aws.accountId}:user/${key}) may not perform ecs:RunTask on ${taskDefinitionArn} (ECS RunTask).`
    )
    expect(message).toContain('because no identity-based policy allows the ecs:RunTask action')
    const statement = statementIn(message)
    expect(statement).toMatchObject({
      Sid: 'EcsRunTask',
      Effect: 'Allow',
      Action: ['ecs:RunTask'],
      Resource: [`arn:aws:ecs:us-east-1:${stack.aws.accountId}:task-definition/denied-run:*`]
    })
    expect(message).not.toContain('Or skip this step')
    expect(callsTo('RunTask')).toEqual([
      expect.objectContaining({ accessKeyId: key, error: 'AccessDeniedException' })
    ])
    // What was done before the failure is in the outputs; no task was started.
    expect(result.outputs['task-definition-arn']).toBe(taskDefinitionArn)
    expect(result.outputs['image']).toMatch(/\/denied-run@sha256:[a-f0-9]{64}$/)
    expect(result.outputs['task-arn']).toBeUndefined()

    // The main step failed after docker login: the post step logs out and removes the Docker config folder.
    expect(result.state['registryHost']).toBe(stack.aws.registryHost)
    expect(result.post.exitCode).toBe(0)
    expect(result.post.stdout).toContain(`Logged out of ${stack.aws.registryHost}`)
    expect(result.state['dockerConfigDir']).toContain(result.runnerTemp)
    expect(result.runnerTempLeft).toEqual([])
  })

  test('on a required step, with the sentence AWS sends for an assumed role (ecs:RegisterTaskDefinition)', async () => {
    const principal = `arn:aws:sts::${stack.aws.accountId}:assumed-role/github-deploy/GitHubActions`
    stack.aws.injectFault({
      operation: 'RegisterTaskDefinition',
      code: 'AccessDeniedException',
      message: `User: ${principal} is not authorized to perform: ecs:RegisterTaskDefinition on resource: * because no identity-based policy allows the ecs:RegisterTaskDefinition action`
    })
    stack.aws.clearCalls()
    const result = await run(webApp('denied-register', 5107))

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    const message = result.errors[0]!
    expect(message).toContain(
      `Not authorized to register the task definition: the AWS identity (${principal}) may not perform ecs:RegisterTaskDefinition on * (ECS RegisterTaskDefinition).`
    )
    expect(statementIn(message)).toMatchObject({
      Sid: 'EcsTaskDefinitions',
      Action: ['ecs:RegisterTaskDefinition'],
      Resource: ['*']
    })
    expect(message).toContain(
      'Add the statement above to the IAM policy of role github-deploy, which your workflow assumes.'
    )
    expect(message).not.toContain('Or skip this step')
    // AccessDenied is not retried: one call, then the step fails.
    expect(callsTo('RegisterTaskDefinition')).toHaveLength(1)
    expect(callsTo('RunTask')).toEqual([])
  })

  test('iam:PassRole for the execution role, checked by RegisterTaskDefinition as in AWS: the role ARN and the PassedToService condition', async () => {
    const key = 'AKIDNOPASSROLE'
    stack.aws.setPolicy(key, allowAllBut('iam:PassRole'))
    const result = await run(webApp('denied-pass-role', 5108), { AWS_ACCESS_KEY_ID: key })

    expect(result.exitCode).toBe(1)
    const message = result.errors[0]!
    const roleArn = `arn:aws:iam::${stack.aws.accountId}:role/ecsTaskExecutionRole`
    expect(message).toContain(
      `Not authorized to pass the execution role to ECS in the task definition: the AWS identity (arn:aws:iam::${stack.aws.accountId}:user/${key}) may not perform iam:PassRole on ${roleArn} (ECS RegisterTaskDefinition).`
    )
    expect(statementIn(message)).toEqual({
      Sid: 'IamPassRoles',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [roleArn],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }
    })
    expect(message).not.toContain('Or skip this step')
    expect(callsTo('RunTask').filter((call) => call.accessKeyId === key)).toEqual([])
  })
})

test('a task that cannot pull its image fails the step with stop code, reasons and a hint; task-arn is still set', async () => {
  // A role ECS may assume but with no ECR pull policy: RunTask accepts it, the task fails to start.
  const iam = new IAMClient(clientConfig())
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: 'role-without-ecr-pull',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
        ]
      })
    })
  )
  stack.aws.clearCalls()
  const result = await run(webApp('no-pull', 5102, { 'execution-role': Role!.Arn! }))

  expect(result.exitCode).toBe(1)
  expect(result.errors).toHaveLength(1)
  const message = result.errors[0]!
  const taskArn = result.outputs['task-arn']!
  expect(taskArn).toMatch(/:task\/no-pull-cluster\/[a-f0-9]{32}$/)
  expect(JSON.parse(result.outputs['task-arns']!)).toEqual([taskArn])
  expect(message).toContain(`Task ${taskArn} stopped before it was RUNNING`)
  expect(message).toMatch(
    /stopped: TaskFailedToStart: ResourceInitializationError: unable to pull secrets or registry auth/
  )
  expect(message).toMatch(
    /container no-pull: reason: ResourceInitializationError: .*ecr:GetAuthorizationToken/
  )
  expect(message).toContain('The execution role could not pull the image')
  // An ARN needs no IAM look-up.
  expect(callsTo('GetRole')).toEqual([])

  const task = await describeTask('no-pull-cluster', taskArn)
  expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' })
})

test('RunTask failures[] are reported with arn, reason, detail and a hint', async () => {
  const subnetArn = `arn:aws:ec2:us-east-1:${stack.aws.accountId}:subnet/subnet-0def0000000000a01`
  stack.aws.setBehaviour({
    runTaskFailures: [
      { arn: subnetArn, reason: 'RESOURCE:ENI', detail: 'no free IP addresses in the subnet' }
    ]
  })
  stack.aws.clearCalls()
  const result = await run(webApp('run-failures', 5109))

  expect(result.exitCode).toBe(1)
  expect(result.errors).toHaveLength(1)
  const message = result.errors[0]!
  expect(message).toContain('RunTask started no task')
  expect(message).toContain(`- ${subnetArn}: RESOURCE:ENI: no free IP addresses in the subnet`)
  expect(message).toContain('No network interface could be created')
  expect(callsTo('RunTask')).toHaveLength(1)
  expect(callsTo('DescribeTasks')).toEqual([])
  expect(result.outputs['task-arn']).toBeUndefined()
})

test('DescribeTasks answering MISSING right after RunTask is polled again, and the deploy succeeds', async () => {
  stack.aws.setBehaviour({ describeTasksMissingTimes: 3 })
  stack.aws.clearCalls()
  const result = await run(webApp('missing-first', 5103))

  expect(result.errors).toEqual([])
  expect(result.exitCode).toBe(0)
  expect(result.outputs['url']).toBe(`http://${result.outputs['public-ip']}:5103`)
  expect(await (await fetch(result.outputs['url']!)).text()).toContain('Cat of the day')
  // Three MISSING answers, then at least one that shows the task (a deploy without them makes about two).
  expect(callsTo('DescribeTasks').length).toBeGreaterThanOrEqual(4)
  expect(callsTo('DescribeTasks').every((call) => call.error === undefined)).toBe(true)
})

test('a public IP that appears after RUNNING is polled for, and the deploy succeeds with it', async () => {
  stack.aws.setBehaviour({ publicIpDelayDescribes: 2 })
  stack.aws.clearCalls()
  const result = await run(webApp('late-ip', 5104))

  expect(result.errors).toEqual([])
  expect(result.exitCode).toBe(0)
  expect(result.outputs['public-ip']).toMatch(/^127\.0\.0\.\d+$/)
  expect(result.outputs['url']).toBe(`http://${result.outputs['public-ip']}:5104`)
  expect(await (await fetch(result.outputs['url']!)).text()).toContain('Cat of the day')
  // Two answers without an Association, then the one with the public IP.
  expect(callsTo('DescribeNetworkInterfaces').length).toBeGreaterThanOrEqual(3)
})

test('throttling on RegisterTaskDefinition is retried by the SDK, and the deploy succeeds', async () => {
  stack.aws.injectFault({ operation: 'RegisterTaskDefinition', code: 'ThrottlingException', times: 2 })
  stack.aws.clearCalls()
  const result = await run(webApp('throttled', 5105))

  expect(result.errors).toEqual([])
  expect(result.exitCode).toBe(0)
  expect(result.outputs['task-definition-arn']).toMatch(/:task-definition\/throttled:1$/)
  expect(callsTo('RegisterTaskDefinition').map((call) => call.error)).toEqual([
    'ThrottlingException',
    'ThrottlingException',
    undefined
  ])
  expect(await (await fetch(result.outputs['url']!)).text()).toContain('Cat of the day')
})

describe('a timeout leaves a trail, and stop is idempotent', () => {
  let timedOut: ActionRun

  test('the wait times out: the step names what it waited for and the last state; task-arn is set', async () => {
    stack.aws.configure({ taskTimings: { provisioningMs: 20_000 } })
    timedOut = await run(webApp('slow-start', 5106, { timeout: '2' }))

    expect(timedOut.exitCode).toBe(1)
    expect(timedOut.errors).toHaveLength(1)
    const message = timedOut.errors[0]!
    const taskArn = timedOut.outputs['task-arn']!
    expect(taskArn).toMatch(/:task\/slow-start-cluster\/[a-f0-9]{32}$/)
    expect(JSON.parse(timedOut.outputs['task-arns']!)).toEqual([taskArn])
    expect(message).toContain('Timed out')
    expect(message).toContain('RUNNING')
    expect(message).toContain(`${taskArn}: last status PROVISIONING`)
    expect(message).toContain(
      'The tasks were left running when timeout (2 s) ran out, and Fargate bills them until they stop: stop them in a later step with mode: stop'
    )
    // The task is still starting: whoever holds task-arn can stop it.
    expect((await describeTask('slow-start-cluster', taskArn))?.lastStatus).toBe('PROVISIONING')
  })

  test('mode stop with that task-arn stops it; a second stop, a gone task and a gone cluster all succeed', async () => {
    const taskArn = timedOut.outputs['task-arn']!
    const stopInputs = {
      mode: 'stop',
      cluster: 'slow-start-cluster',
      'task-arn': timedOut.outputs['task-arns']!
    }
    const stop = await run(stopInputs)
    expect(stop.errors).toEqual([])
    expect(stop.exitCode).toBe(0)
    expect(JSON.parse(stop.outputs['stopped-task-arns']!)).toEqual([taskArn])
    expect(await describeTask('slow-start-cluster', taskArn)).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated'
    })

    stack.aws.clearCalls()
    const again = await run(stopInputs)
    expect(again.errors).toEqual([])
    expect(again.exitCode).toBe(0)
    expect(JSON.parse(again.outputs['stopped-task-arns']!)).toEqual([taskArn])
    expect(again.stdout).toContain(`${taskArn} was already stopped`)
    expect(callsTo('StopTask')).toEqual([])

    const goneTask = taskArn.replace(/[a-f0-9]{32}$/, 'f'.repeat(32))
    const gone = await run({ mode: 'stop', cluster: 'slow-start-cluster', 'task-arn': goneTask })
    expect(gone.errors).toEqual([])
    expect(gone.stdout).toContain(`${goneTask} is not known to ECS`)

    // A task of that cluster: the printed policy allows a stop's calls on the cluster's tasks only.
    const neverCreatedTask = goneTask.replace('/slow-start-cluster/', '/never-created/')
    const noCluster = await run({ mode: 'stop', cluster: 'never-created', 'task-arn': neverCreatedTask })
    expect(noCluster.errors).toEqual([])
    expect(noCluster.exitCode).toBe(0)
    expect(noCluster.stdout).toContain('Cluster never-created does not exist: nothing to stop')
  })
})

test('a list of bad inputs is reported together, each input named, without a single AWS call', async () => {
  const brokenTemplate = join(scratch, 'task-definition.json')
  writeFileSync(brokenTemplate, '{ "family": "web", "containerDefinitions": [ ')
  stack.aws.clearCalls()
  const result = await run({
    mode: 'destroy',
    repository: 'bad-inputs',
    cpu: '512',
    memory: '512',
    port: '70000',
    count: '11',
    'wait-for': 'forever',
    'create-cluster': 'yes',
    subnets: 'subnet-0def0000000000a01, not-a-subnet',
    environment: 'PORT=5107\nJUST_A_WORD',
    'task-definition': brokenTemplate
  })

  expect(result.exitCode).toBe(1)
  expect(result.errors).toHaveLength(1)
  const message = result.errors[0]!
  expect(message).toContain('9 invalid inputs')
  expect(message).toContain("mode: 'destroy' is not allowed; use one of deploy, stop, permissions")
  expect(message).toContain('memory: 512 MiB does not go with cpu 512 on Fargate')
  expect(message).toContain("port: '70000' is not a whole number from 1 to 65535")
  expect(message).toContain("count: '11' is not a whole number from 1 to 10")
  expect(message).toContain("wait-for: 'forever' is not allowed")
  expect(message).toContain("create-cluster: 'yes' is not a boolean; use true or false")
  expect(message).toContain("subnets: 'not-a-subnet' is not a subnet ID")
  expect(message).toContain("environment: line 2 ('JUST_A_WORD') is not KEY=value")
  expect(message).toContain(`task-definition: '${brokenTemplate}' is not valid JSON`)
  // The step summary says so too: nothing started, and every problem.
  expect(result.summary).toMatch(/^<h2>❌ Not started: 9 invalid inputs<\/h2>\n/)
  expect(result.summary).toContain("<li>environment: line 2 ('JUST_A_WORD') is not KEY=value</li>")
  expect(stack.aws.calls()).toEqual([])
  // No Docker login happened, so the post step has nothing to log out of.
  expect(result.post.exitCode).toBe(0)
  expect(result.post.stdout).not.toContain('Logged out')
})

test('no step of any run printed the ECR password', async () => {
  const ecr = new ECRClient(clientConfig())
  const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}))
  const [user, password] = Buffer.from(authorizationData![0]!.authorizationToken!, 'base64')
    .toString()
    .split(':')
  expect(user).toBe('AWS')
  expect(password!.length).toBeGreaterThanOrEqual(16)
  expect(runs.length).toBeGreaterThanOrEqual(8)
  const loggedIn = runs.filter((run) => run.state['registryHost'] !== undefined)
  expect(loggedIn.length).toBeGreaterThanOrEqual(5)
  for (const { stdout } of loggedIn) {
    // Masked before docker login: the runner takes this command out of the log and hides the value everywhere.
    expect(stdout.indexOf(`::add-mask::${password}`)).toBeGreaterThanOrEqual(0)
    expect(stdout.indexOf(`::add-mask::${password}`)).toBeLessThan(stdout.indexOf('[command]'))
  }
  for (const { stdout, stderr, post } of runs) {
    const printed = [stdout.replace(`::add-mask::${password}`, ''), stderr, post.stdout, post.stderr]
    for (const text of printed) expect(text).not.toContain(password)
  }
})
