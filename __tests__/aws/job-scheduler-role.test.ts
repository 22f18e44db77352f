// A scheduled job's scheduler role on a mocked IAM: an ARN as given, a name looked up, created with its
// documents when missing and allowed, adopted from a concurrent run, refused when it may not be created.
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import { ActionError } from '../../src/explain/action-error.js'
import { ensureJobSchedulerRole, type JobSchedulerRoleOptions } from '../../src/aws/job-scheduler-role.js'
import { jobSchedulerRolePolicy, jobSchedulerTrustPolicy } from '../../src/shared/job-schedule-role.js'

const iam = mockClient(IAMClient)
const client = new IAMClient({ region: 'us-east-1' })
const NAME = 'efd-job-nightly-etl-5f8f671e'
const ROLE_ARN = `arn:aws:iam::123456789012:role/${NAME}`
const SCOPE = {
  partition: 'aws',
  region: 'us-east-1',
  account: '123456789012',
  cluster: 'jobs',
  family: 'nightly-etl',
  group: 'default'
}
const PASS = ['arn:aws:iam::123456789012:role/ecsTaskExecutionRole']
const options: JobSchedulerRoleOptions = {
  role: NAME,
  create: true,
  tags: [{ key: 'team', value: 'data' }],
  scope: SCOPE,
  passRoles: PASS
}
const role = { Role: { Arn: ROLE_ARN, RoleName: NAME, Path: '/', RoleId: 'AROA', CreateDate: new Date(0) } }
const awsError = (name: string) => Object.assign(new Error(`${name} message`), { name })

beforeEach(() => iam.reset())

test('a role ARN is used as given, without any IAM call', async () => {
  expect(await ensureJobSchedulerRole(client, { ...options, role: ROLE_ARN })).toEqual({
    roleArn: ROLE_ARN,
    created: false,
    isNew: false
  })
  expect(iam.calls()).toHaveLength(0)
})

test('an existing role is used as is: no write', async () => {
  iam.on(GetRoleCommand).resolves(role)
  expect(await ensureJobSchedulerRole(client, options)).toEqual({
    roleArn: ROLE_ARN,
    created: false,
    isNew: false
  })
  expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0)
})

test('a missing role is created with its trust and tags, then given its inline policy', async () => {
  iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
  iam.on(CreateRoleCommand).resolves(role)
  expect(await ensureJobSchedulerRole(client, options)).toEqual({
    roleArn: ROLE_ARN,
    created: true,
    isNew: true
  })
  expect(iam.commandCalls(CreateRoleCommand)[0]!.args[0].input).toEqual({
    RoleName: NAME,
    AssumeRolePolicyDocument: JSON.stringify(jobSchedulerTrustPolicy(SCOPE)),
    Description:
      'Runs the scheduled job nightly-etl in cluster jobs (EventBridge Scheduler); created by ecs-fargate-deploy',
    Tags: [{ Key: 'team', Value: 'data' }]
  })
  expect(iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input.PolicyDocument).toBe(
    JSON.stringify(jobSchedulerRolePolicy(SCOPE, PASS))
  )
})

test('a role a concurrent run created first is adopted, and given the policy', async () => {
  iam.on(GetRoleCommand).rejectsOnce(awsError('NoSuchEntityException')).resolves(role)
  iam.on(CreateRoleCommand).rejects(awsError('EntityAlreadyExistsException'))
  expect(await ensureJobSchedulerRole(client, options)).toEqual({
    roleArn: ROLE_ARN,
    created: false,
    isNew: true
  })
  expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(1)
})

test('a missing role that may not be created: an error that says what to do, and no write', async () => {
  iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
  const error = await ensureJobSchedulerRole(client, { ...options, create: false }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ActionError)
  expect((error as ActionError).message).toBe(
    `Scheduler role '${NAME}' does not exist and may not be created`
  )
  expect((error as ActionError).hint).toMatch(/one-time setup/)
  expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0)
})

test('other errors of the look-up are thrown', async () => {
  iam.on(GetRoleCommand).rejects(awsError('AccessDenied'))
  await expect(ensureJobSchedulerRole(client, options)).rejects.toThrow('AccessDenied message')
})

test('with a dead-letter queue, the policy put lets the role send to it', async () => {
  iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
  iam.on(CreateRoleCommand).resolves(role)
  const DLQ = 'arn:aws:sqs:us-east-1:123456789012:job-dlq'
  await ensureJobSchedulerRole(client, { ...options, deadLetterQueueArn: DLQ })
  expect(iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input.PolicyDocument).toBe(
    JSON.stringify(jobSchedulerRolePolicy(SCOPE, PASS, DLQ))
  )
  expect(iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input.PolicyDocument).toContain('sqs:SendMessage')
})

test('a missing role this identity may not create (the deploy policy): the one-time setup named, no policy put', async () => {
  iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'))
  iam.on(CreateRoleCommand).rejects(awsError('AccessDenied'))
  const error = await ensureJobSchedulerRole(client, options).catch((e: unknown) => e)
  expect((error as ActionError).message).toBe(
    `Scheduler role '${NAME}' does not exist, and this AWS identity may not create it (iam:CreateRole): ` +
      'creating and changing roles is the one-time setup, left out of the deploy policy on purpose'
  )
  expect((error as ActionError).hint).toBe(
    'Have an administrator apply the one-time setup that `mode: permissions` prints for these inputs (it creates this role).'
  )
  expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0)
})
