// Renders docs/inputs.md from action.yml: every input and output, grouped by what the reader wants to do, with
// action.yml's own descriptions and defaults (written once, there). The group map below is the only thing kept
// by hand; __tests__/docs/inputs-doc.test.ts fails on an input or output without a group, so none is forgotten.
//   npx tsx scripts/inputs-doc.ts          rewrite docs/inputs.md
//   npx tsx scripts/inputs-doc.ts --check  exit 1 when docs/inputs.md differs from action.yml
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const ACTION_YML = join(ROOT, 'action.yml')
export const INPUTS_DOC = join(ROOT, 'docs', 'inputs.md')

export type Group = 'essentials' | 'jobs' | 'services' | 'previews' | 'schedules' | 'advanced'

/** Each group's heading and what it is for, in the order the page shows them. */
export const GROUPS: Record<Group, { title: string; intro: string }> = {
  essentials: {
    title: 'Essentials',
    intro: 'What most workflows set: the image, where it runs, its size and port, and what to wait for.'
  },
  jobs: {
    title: 'Jobs and tasks',
    intro:
      'One-off tasks: a job that runs to its end (`wait-for: stopped`) or a web task, how many, and how to stop them.'
  },
  services: {
    title: 'Services',
    intro:
      'A web app that stays up behind a stable HTTPS URL (`service:`, ECS Express Mode), or a service you already run.'
  },
  previews: {
    title: 'Pull request previews and GitHub deployments',
    intro: 'A deploy per pull request, its time to live, and the GitHub environment that shows its URL.'
  },
  schedules: {
    title: 'Schedules',
    intro: 'A job that AWS runs on a schedule, without a workflow run each time.'
  },
  advanced: {
    title: 'Advanced',
    intro:
      'Bring your own resources (roles, network, log group, task definition), cheaper capacity, and names.'
  }
}

/**
 * Every input and output of action.yml in one group. Names another branch adds may be here before they are in
 * action.yml: the page shows only what action.yml declares.
 */
export const GROUP_OF: Record<string, Group> = {
  // inputs
  mode: 'essentials',
  region: 'essentials',
  repository: 'essentials',
  image: 'essentials',
  context: 'essentials',
  dockerfile: 'essentials',
  tag: 'essentials',
  cluster: 'essentials',
  cpu: 'essentials',
  memory: 'essentials',
  port: 'essentials',
  environment: 'essentials',
  secrets: 'essentials',
  'wait-for': 'essentials',
  'health-path': 'essentials',
  timeout: 'essentials',
  count: 'jobs',
  command: 'jobs',
  'stop-on-timeout': 'jobs',
  'stop-on-cancel': 'jobs',
  'task-arn': 'jobs',
  'started-by': 'jobs',
  service: 'services',
  'infrastructure-role': 'services',
  'create-infrastructure-role': 'services',
  'min-tasks': 'services',
  'max-tasks': 'services',
  'scale-on': 'services',
  'scale-target': 'services',
  'desired-count': 'services',
  'rollback-on-timeout': 'services',
  'scale-to-zero': 'services',
  'release-command': 'services',
  preview: 'previews',
  ttl: 'previews',
  'timer-image': 'previews',
  'ttl-role': 'previews',
  'create-ttl-role': 'previews',
  'allow-fork-code': 'previews',
  'environment-name': 'previews',
  'github-token': 'previews',
  schedule: 'schedules',
  'schedule-timezone': 'schedules',
  'run-now': 'schedules',
  notify: 'schedules',
  'schedule-retries': 'schedules',
  'schedule-max-age': 'schedules',
  'create-repository': 'advanced',
  'create-cluster': 'advanced',
  family: 'advanced',
  'container-name': 'advanced',
  'task-definition': 'advanced',
  'execution-role': 'advanced',
  'create-execution-role': 'advanced',
  'task-role': 'advanced',
  'log-group': 'advanced',
  subnets: 'advanced',
  'security-groups': 'advanced',
  'ingress-cidr': 'advanced',
  'assign-public-ip': 'advanced',
  capacity: 'advanced',
  platform: 'advanced',
  tags: 'advanced',
  // outputs
  url: 'essentials',
  'cluster-arn': 'essentials',
  'task-arns': 'jobs',
  'public-ip': 'jobs',
  'public-ips': 'jobs',
  'private-ip': 'jobs',
  'exit-code': 'jobs',
  logs: 'jobs',
  'stopped-task-arns': 'jobs',
  'task-definition-arn': 'jobs',
  'service-arn': 'services',
  'deployment-arn': 'services',
  'release-exit-code': 'services',
  'schedule-arn': 'schedules',
  'hourly-cost': 'advanced',
  policy: 'advanced',
  'trust-policy': 'advanced',
  'setup-template': 'advanced'
}

/** Outputs whose group differs from the input of the same name. */
const OUTPUT_GROUP_OF: Record<string, Group> = { image: 'essentials', 'task-arn': 'essentials' }

interface Declared {
  description?: string
  default?: string | number | boolean
  required?: boolean
}

export interface ActionYml {
  inputs: Record<string, Declared>
  outputs: Record<string, Declared>
}

export function readActionYml(path = ACTION_YML): ActionYml {
  return parse(readFileSync(path, 'utf8')) as ActionYml
}

export const groupOfInput = (name: string): Group | undefined => GROUP_OF[name]
export const groupOfOutput = (name: string): Group | undefined => OUTPUT_GROUP_OF[name] ?? GROUP_OF[name]

/** The inputs and outputs no group names: the sync test fails on any. */
export function ungrouped(action: ActionYml): string[] {
  return [
    ...Object.keys(action.inputs)
      .filter((name) => !groupOfInput(name))
      .map((name) => `input ${name}`),
    ...Object.keys(action.outputs)
      .filter((name) => !groupOfOutput(name))
      .map((name) => `output ${name}`)
  ]
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-')

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')

export function renderInputsDoc(action: ActionYml): string {
  const missing = ungrouped(action)
  if (missing.length > 0)
    throw new Error(`No group in scripts/inputs-doc.ts for ${missing.join(', ')}: add each to GROUP_OF`)
  // Only the groups with an input or output in this action.yml: a link to a missing section would be dead.
  const shown = (Object.keys(GROUPS) as Group[]).filter(
    (group) =>
      Object.keys(action.inputs).some((name) => groupOfInput(name) === group) ||
      Object.keys(action.outputs).some((name) => groupOfOutput(name) === group)
  )
  const lines = [
    '# Inputs and outputs',
    '',
    '<!-- Generated by `npx tsx scripts/inputs-doc.ts` from action.yml; do not edit by hand. -->',
    '',
    'Every input is checked before any AWS call, and all problems are reported together (in the step log and the',
    'job summary), each naming its input and what is allowed. Inputs are grouped by what you want to do:',
    '',
    ...shown.map((group) => `- [${GROUPS[group].title}](#${anchor(GROUPS[group].title)})`),
    '',
    'Words that come up: a **task** is one run of your container on Fargate; its **task definition** (one',
    '**family**, numbered revisions) says which image, size and settings it runs with; a **cluster** is the named',
    'place tasks and services run in; a **service** keeps a number of tasks running and replaces them on a deploy.'
  ]
  for (const group of shown) {
    const inputs = Object.entries(action.inputs).filter(([name]) => groupOfInput(name) === group)
    const outputs = Object.entries(action.outputs).filter(([name]) => groupOfOutput(name) === group)
    lines.push('', `## ${GROUPS[group].title}`, '', GROUPS[group].intro)
    if (inputs.length > 0) {
      lines.push('', '| Input | Default | What it does |', '| --- | --- | --- |')
      for (const [name, declared] of inputs) {
        const fallback =
          declared.default === undefined || declared.default === '' ? '' : `\`${String(declared.default)}\``
        lines.push(`| \`${name}\` | ${cell(fallback)} | ${cell(declared.description ?? '')} |`)
      }
    }
    if (outputs.length > 0) {
      lines.push('', '| Output | What it holds |', '| --- | --- |')
      for (const [name, declared] of outputs)
        lines.push(`| \`${name}\` | ${cell(declared.description ?? '')} |`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** The page as prettier formats it (it aligns the tables), so that --check agrees with npm run format. */
export async function renderFormattedInputsDoc(action = readActionYml()): Promise<string> {
  const options = (await resolveConfig(INPUTS_DOC)) ?? {}
  return format(renderInputsDoc(action), { ...options, parser: 'markdown' })
}

async function main(argv: string[]): Promise<number> {
  const rendered = await renderFormattedInputsDoc()
  let current = ''
  try {
    current = readFileSync(INPUTS_DOC, 'utf8')
  } catch {
    // Not written yet.
  }
  if (argv.includes('--check')) {
    if (current === rendered) return 0
    console.error('docs/inputs.md is out of date: run npx tsx scripts/inputs-doc.ts')
    return 1
  }
  if (current !== rendered) writeFileSync(INPUTS_DOC, rendered)
  console.log(current === rendered ? 'docs/inputs.md is up to date' : 'Updated docs/inputs.md')
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2))
}
