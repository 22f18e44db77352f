// The inputs every mode reads: mode, region, cluster, started-by, tags, timeout, the GitHub deployment.
import { DEFAULTS, REGION_ENV } from './defaults.js'
import { parseKeyValueLines, type Reader } from './reader.js'
import type { CommonInputs, ModeRules, Tag } from './types.js'

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/
/** Cluster, family and container names. */
export const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/
const STARTED_BY = /^[A-Za-z0-9_/-]{1,128}$/

export function readCommonInputs(r: Reader, rules: ModeRules, env: NodeJS.ProcessEnv): CommonInputs {
  const region = readRegion(r, rules, env)

  const cluster = r.raw('cluster') || DEFAULTS.cluster
  if (!ECS_NAME.test(cluster) && !CLUSTER_ARN.test(cluster)) {
    r.fail(
      'cluster',
      `'${cluster}' is not a cluster name (letters, digits, - and _, at most 255) or a cluster ARN`
    )
  }

  const startedBy = r.raw('started-by') || DEFAULTS['started-by']
  r.matching('started-by', startedBy, STARTED_BY, 'valid (letters, digits, - _ /, at most 128)')

  return {
    mode: rules.mode,
    region,
    cluster,
    startedBy,
    tags: readTags(r),
    timeoutSeconds: r.integer('timeout', DEFAULTS.timeout, 1, 86400),
    environmentName: r.optional('environment-name'),
    githubToken: r.raw('github-token')
  }
}

function readRegion(r: Reader, rules: ModeRules, env: NodeJS.ProcessEnv): string {
  const region = r.raw('region') || REGION_ENV.map((name) => env[name]).find((value) => value) || ''
  if (region === '' && rules.needsRegion) {
    r.fail(
      'region',
      'is not set; give the region input or set AWS_REGION (aws-actions/configure-aws-credentials does)'
    )
  }
  r.matching('region', region, REGION, 'an AWS region name such as us-east-1')
  return region
}

function readTags(r: Reader): Tag[] {
  const lines = parseKeyValueLines(r.raw('tags'))
  for (const { line, text } of lines.bad) r.fail('tags', `line ${line} ('${text}') is not key=value`)
  const tags: Tag[] = lines.pairs.map(({ name, value }) => ({ key: name, value }))
  for (const { key, value } of tags) {
    if (key.length > 128 || value.length > 256)
      r.fail('tags', `'${key}': keys take at most 128 characters, values 256`)
    if (key.toLowerCase().startsWith('aws:')) r.fail('tags', `'${key}': the aws: prefix is reserved by AWS`)
  }
  if (tags.length > 45)
    r.fail('tags', `${tags.length} tags given; at most 45 (AWS allows 50 and the action adds its own)`)
  return tags
}
