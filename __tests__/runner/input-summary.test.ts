// The summary of a run whose inputs do not validate.
import { inputErrorSummary } from '../../src/runner/input-summary.js'

test.each<[string, string[], string]>([
  ['one problem', ['cpu: 300 is not a Fargate cpu'], '<h2>❌ Not started: an invalid input</h2>'],
  ['two problems', ['a', 'b'], '<h2>❌ Not started: 2 invalid inputs</h2>']
])('inputErrorSummary: %s has the headline first', (_name, problems, headline) => {
  expect(inputErrorSummary(problems).split('\n')[0]).toBe(headline)
})

test('inputErrorSummary lists every problem, escaped, and says nothing ran', () => {
  expect(inputErrorSummary(['env: line 2 "<x>" is not NAME=value', 'cpu: bad'])).toBe(
    [
      '<h2>❌ Not started: 2 invalid inputs</h2>',
      '<p>Nothing was built, pushed or changed in AWS: the inputs are checked before anything runs.</p>',
      '<ul>',
      '<li>env: line 2 &quot;&lt;x&gt;&quot; is not NAME=value</li>',
      '<li>cpu: bad</li>',
      '</ul>',
      "<p><strong>What to do:</strong> fix the <code>with:</code> values of this step (every input is described in the action's <code>docs/inputs.md</code>) and run the workflow again.</p>",
      ''
    ].join('\n')
  )
})
