import { describe, expect, it } from '@jest/globals'
import {
  AwsError,
  defaultFaultStatus,
  ec2Error,
  ec2List,
  ec2Response,
  jsonError,
  jsonResponse,
  parseAuthorization,
  parseQueryParams,
  queryError,
  queryList,
  queryResponse
} from '../src/protocol.js'
import { parseDockerLogLine } from '../src/task-runner.js'

describe('query parameter parsing', () => {
  it('nests ec2 lists and structures', () => {
    const p = parseQueryParams(
      'Action=AuthorizeSecurityGroupIngress&GroupId=sg-1&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.IpRanges.2.CidrIp=10.0.0.0%2F8&Filter.1.Name=vpc-id&Filter.1.Value.1=a&Filter.1.Value.2=b'
    )
    expect(p).toEqual({
      Action: 'AuthorizeSecurityGroupIngress',
      GroupId: 'sg-1',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: '80', IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8' }] }
      ],
      Filter: [{ Name: 'vpc-id', Value: ['a', 'b'] }]
    })
  })
  it('drops awsQuery ".member." segments', () => {
    expect(
      parseQueryParams('Action=CreateRole&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=k2')
    ).toEqual({
      Action: 'CreateRole',
      Tags: [{ Key: 'k', Value: 'v' }, { Key: 'k2' }]
    })
  })
})

describe('SigV4 authorization header', () => {
  const sig = 'a'.repeat(64)
  it('reads access key, region and service from the credential scope', () => {
    expect(
      parseAuthorization(
        `AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=${sig}`
      )
    ).toEqual({
      accessKeyId: 'AKID',
      region: 'eu-west-1',
      service: 'ecs'
    })
  })
  it('rejects missing and incomplete signatures with AWS codes', () => {
    expect(() => parseAuthorization(undefined)).toThrow(
      expect.objectContaining({ code: 'MissingAuthenticationToken', status: 403 })
    )
    expect(() => parseAuthorization('AWS4-HMAC-SHA256 SignedHeaders=host')).toThrow(
      expect.objectContaining({ code: 'IncompleteSignature' })
    )
    expect(() => parseAuthorization('AWS4-HMAC-SHA256 Credential=A/20240101/r/s/aws4_request')).toThrow(
      expect.objectContaining({ code: 'IncompleteSignature' })
    )
  })
})

describe('encoders', () => {
  it('JSON: Dates as epoch seconds; errors with __type and x-amzn-ErrorType', () => {
    expect(JSON.parse(jsonResponse({ at: new Date(1500) }).body)).toEqual({ at: 1.5 })
    const e = jsonError(new AwsError('ClusterNotFoundException', 'Cluster not found.'))
    expect(e.status).toBe(400)
    expect(e.headers['x-amzn-errortype']).toBe('ClusterNotFoundException')
    expect(JSON.parse(e.body)).toEqual({ __type: 'ClusterNotFoundException', message: 'Cluster not found.' })
  })
  it('ec2: item lists, escaping, and the <Response><Errors> error shape', () => {
    const r = ec2Response('DescribeVpcs', { vpcSet: ec2List([{ vpcId: 'v<1>', isDefault: true }]) })
    expect(r.body).toContain(
      '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>'
    )
    expect(r.body).toContain(
      '<vpcSet><item><vpcId>v&lt;1&gt;</vpcId><isDefault>true</isDefault></item></vpcSet>'
    )
    const e = ec2Error(new AwsError('InvalidGroup.NotFound', "The security group 'sg-1' does not exist"))
    expect(e.body).toMatch(
      /<Response><Errors><Error><Code>InvalidGroup.NotFound<\/Code><Message>The security group &apos;sg-1&apos; does not exist<\/Message><\/Error><\/Errors><RequestID>/
    )
  })
  it('awsQuery: <OpResult> wrapper, member lists, ISO dates and <ErrorResponse>', () => {
    const r = queryResponse('iam', 'ListAttachedRolePolicies', {
      AttachedPolicies: queryList([{ PolicyName: 'p' }]),
      At: new Date(0)
    })
    expect(r.body).toContain(
      '<ListAttachedRolePoliciesResult><AttachedPolicies><member><PolicyName>p</PolicyName></member></AttachedPolicies><At>1970-01-01T00:00:00.000Z</At></ListAttachedRolePoliciesResult>'
    )
    expect(queryResponse('iam', 'AttachRolePolicy', undefined).body).not.toContain('Result>')
    const e = queryError(new AwsError('NoSuchEntity', 'nope', 404))
    expect(e.status).toBe(404)
    expect(e.body).toMatch(
      /^<ErrorResponse><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>nope<\/Message><\/Error><RequestId>/
    )
  })
  it('default fault statuses follow each service', () => {
    expect(defaultFaultStatus('json', 'ThrottlingException')).toBe(400)
    expect(defaultFaultStatus('json', 'AccessDeniedException')).toBe(400)
    expect(defaultFaultStatus('ec2', 'RequestLimitExceeded')).toBe(503)
    expect(defaultFaultStatus('ec2', 'UnauthorizedOperation')).toBe(403)
    expect(defaultFaultStatus('query', 'AccessDenied')).toBe(403)
    expect(defaultFaultStatus('query', 'Throttling')).toBe(400)
  })
})

describe('docker log lines', () => {
  it('cuts nanoseconds to milliseconds and keeps the message verbatim', () => {
    expect(parseDockerLogLine('2024-01-02T03:04:05.123456789Z  two  spaces')).toEqual({
      timestamp: Date.parse('2024-01-02T03:04:05.123Z'),
      message: ' two  spaces',
      ingestionTime: expect.any(Number)
    })
    expect(parseDockerLogLine('2024-01-02T03:04:05.100000000Z')?.message).toBe('')
    expect(parseDockerLogLine('garbage')).toBeUndefined()
  })
})
