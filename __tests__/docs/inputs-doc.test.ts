// docs/inputs.md is generated from action.yml (scripts/inputs-doc.ts): every input and output in a group, and
// the page in sync with action.yml.
import { readFileSync } from 'node:fs'
import {
  INPUTS_DOC,
  readActionYml,
  renderFormattedInputsDoc,
  renderInputsDoc,
  ungrouped
} from '../../scripts/inputs-doc.js'

test('every input and output of action.yml has a group (add a new one to GROUP_OF in scripts/inputs-doc.ts)', () => {
  expect(ungrouped(readActionYml())).toEqual([])
})

test('an input without a group is named, and the page is not rendered', () => {
  const action = { inputs: { 'brand-new': { description: 'x' } }, outputs: { 'new-output': {} } }
  expect(ungrouped(action)).toEqual(['input brand-new', 'output new-output'])
  expect(() => renderInputsDoc(action)).toThrow(
    'No group in scripts/inputs-doc.ts for input brand-new, output new-output'
  )
})

test('a group lists its inputs with their defaults and descriptions, | escaped', () => {
  const page = renderInputsDoc({
    inputs: { ttl: { description: 'a | b', default: '1h' }, cpu: { description: 'units' } },
    outputs: { url: { description: 'where' } }
  })
  expect(page).toContain('## Essentials\n\nWhat most workflows set')
  expect(page).toContain('| `cpu` |  | units |')
  expect(page).toContain('| `url` | where |')
  expect(page).toContain('## Pull request previews and GitHub deployments')
  expect(page).toContain('| `ttl` | `1h` | a \\| b |')
  // A group with nothing in it has neither a section nor a link.
  expect(page).not.toContain('Schedules')
  expect(page).toContain(
    '- [Essentials](#essentials)\n- [Pull request previews and GitHub deployments](#pull-request-previews-and-github-deployments)\n\n'
  )
})

test('docs/inputs.md is up to date (run npx tsx scripts/inputs-doc.ts)', async () => {
  expect(readFileSync(INPUTS_DOC, 'utf8')).toBe(await renderFormattedInputsDoc())
})
