// The bundled action against the local AWS: deploy the example web app, reuse the revision, stop by ARN and by
// started-by, and reject bad input without a single AWS call.
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs'
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { runAction, type ActionRun } from './harness.js'
import { REGION, WEB_IMAGE, startStack, type Stack } from './stack.js'

let stack: Stack
const clientConfig = (): object => ({
  region: REGION,
  endpoint: stack.aws.endpoint,
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
})

beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack?.aws.stop()
})

const webInputs = {
  repository: 'web',
  image: WEB_IMAGE,
  cluster: 'fargate-cluster',
  cpu: '256',
  memory: '512',
  port: '5000'
}

function operations(): string[] {
  return stack.aws.calls().map((call) => call.operation)
}

async function taskStatus(taskArn: string): Promise<string | undefined> {
  const ecs = new ECSClient(clientConfig())
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'fargate-cluster', tasks: [taskArn] }))
  return tasks?.[0]?.lastStatus
}

describe('deploy and stop the example web app', () => {
  let first: ActionRun

  test('deploys on port 5000: creates what is missing, pins the digest, serves the page, logs out', async () => {
    stack.aws.clearCalls()
    // An identity that may create roles: the action creates the missing execution role itself.
    first = await runAction(webInputs, { env: stack.env, identity: 'quick-path' })
    expect(first.errors).toEqual([])
    expect(first.exitCode).toBe(0)

    const { outputs } = first
    expect(outputs['task-arn']).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:task\/fargate-cluster\/[a-f0-9]{32}$/)
    expect(JSON.parse(outputs['task-arns']!)).toEqual([outputs['task-arn']])
    expect(outputs['public-ip']).toMatch(/^127\.0\.0\.\d+$/)
    expect(JSON.parse(outputs['public-ips']!)).toEqual([outputs['public-ip']])
    expect(outputs['url']).toBe(`http://${outputs['public-ip']}:5000`)
    expect(outputs['image']).toMatch(
      new RegExp(`^${stack.aws.registryHost.replace(/\./g, '\\.')}/web@sha256:[a-f0-9]{64}$`)
    )
    expect(outputs['cluster-arn']).toMatch(/:cluster\/fargate-cluster$/)
    expect(outputs['task-definition-arn']).toMatch(/:task-definition\/web:1$/)

    const page = await (await fetch(outputs['url']!)).text()
    expect(page).toContain('<h1>Cat of the day</h1>')

    for (const created of [
      'CreateRepository',
      'CreateCluster',
      'CreateLogGroup',
      'CreateSecurityGroup',
      'CreateRole'
    ]) {
      expect(operations()).toContain(created)
    }
    expect(operations()).toContain('AuthorizeSecurityGroupIngress')

    // The pushed digest is what the registry holds and what the task definition runs.
    const digest = outputs['image']!.split('@')[1]
    const ecr = new ECRClient(clientConfig())
    const images = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'web', imageIds: [{ imageDigest: digest }] })
    )
    expect(images.imageDetails?.[0]?.imageTags).toContain('0123456789abcdef0123456789abcdef01234567')
    const ecs = new ECSClient(clientConfig())
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }))
    expect(taskDefinition?.containerDefinitions?.[0]?.image).toBe(outputs['image'])
    expect(taskDefinition?.containerDefinitions?.[0]?.portMappings?.[0]).toMatchObject({
      containerPort: 5000
    })

    const ec2 = new EC2Client(clientConfig())
    const { SecurityGroups } = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [{ Name: 'group-name', Values: ['ecs-fargate-deploy-web'] }]
      })
    )
    expect(SecurityGroups?.[0]?.IpPermissions?.[0]).toMatchObject({ FromPort: 5000, ToPort: 5000 })
    const logs = new CloudWatchLogsClient(clientConfig())
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/web' }))
    expect(logGroups?.map((group) => group.logGroupName)).toEqual(['/ecs/web'])

    // The post step logged out of the registry and removed the action's Docker config folder.
    expect(first.post.exitCode).toBe(0)
    expect(first.post.stdout).toContain(`Logged out of ${stack.aws.registryHost}`)
    expect(first.state['dockerConfigDir']).toContain(first.runnerTemp)
    expect(first.runnerTempLeft).toEqual([])
    // The ECR password never reached the log.
    expect(first.stdout).not.toMatch(/password/i)
  })

  test('stops the task by task-arn, and a second stop of the same task succeeds', async () => {
    const taskArn = first.outputs['task-arn']!
    const stop = await runAction(
      { mode: 'stop', cluster: 'fargate-cluster', 'task-arn': taskArn },
      { env: stack.env }
    )
    expect(stop.errors).toEqual([])
    expect(JSON.parse(stop.outputs['stopped-task-arns']!)).toEqual([taskArn])
    expect(await taskStatus(taskArn)).toBe('STOPPED')
    await expect(fetch(first.outputs['url']!)).rejects.toThrow()

    const again = await runAction(
      { mode: 'stop', cluster: 'fargate-cluster', 'task-arn': taskArn },
      { env: stack.env }
    )
    expect(again.exitCode).toBe(0)
    expect(JSON.parse(again.outputs['stopped-task-arns']!)).toEqual([taskArn])
    expect(again.stdout).toContain('was already stopped')
  })

  test('a second deploy of the same image reuses the task definition revision', async () => {
    stack.aws.clearCalls()
    const second = await runAction(webInputs, { env: stack.env })
    expect(second.errors).toEqual([])
    expect(second.outputs['task-definition-arn']).toBe(first.outputs['task-definition-arn'])
    expect(second.outputs['image']).toBe(first.outputs['image'])
    expect(operations()).not.toContain('RegisterTaskDefinition')
    for (const created of [
      'CreateRepository',
      'CreateCluster',
      'CreateLogGroup',
      'CreateSecurityGroup',
      'CreateRole'
    ]) {
      expect(operations()).not.toContain(created)
    }
    expect(second.stdout).toContain('it already matches')
    expect(await (await fetch(second.outputs['url']!)).text()).toContain('Cat of the day')

    // Teardown without task-arn: every running task of the family started by the action.
    const stop = await runAction(
      { mode: 'stop', cluster: 'fargate-cluster', repository: 'web' },
      { env: stack.env }
    )
    expect(stop.errors).toEqual([])
    expect(JSON.parse(stop.outputs['stopped-task-arns']!)).toEqual([second.outputs['task-arn']])
    expect(operations()).toContain('ListTasks')
    expect(await taskStatus(second.outputs['task-arn']!)).toBe('STOPPED')
  })
})

test('bad input fails with every problem named and makes no AWS call', async () => {
  stack.aws.clearCalls()
  const run = await runAction(
    { repository: 'Not A Repo', cpu: '300', port: '99999', 'wait-for': 'soon', count: '0' },
    { env: stack.env }
  )
  expect(run.exitCode).toBe(1)
  expect(run.errors).toHaveLength(1)
  const message = run.errors[0]!
  for (const input of ['repository:', 'cpu:', 'port:', 'wait-for:', 'count:'])
    expect(message).toContain(input)
  expect(message).toContain('5 invalid inputs')
  expect(stack.aws.calls()).toEqual([])
  expect(run.post.exitCode).toBe(0)
})
