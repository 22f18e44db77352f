// The step summary of a run whose inputs do not validate: written by the entry point before anything heavy is
// loaded (no @actions/core), so it stays a pure builder beside a plain file append.

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Headline (failed, and why in a phrase), every problem as a list item, and what to do. */
export function inputErrorSummary(problems: readonly string[]): string {
  const count = problems.length === 1 ? 'an invalid input' : `${problems.length} invalid inputs`
  return [
    `<h2>❌ Not started: ${count}</h2>`,
    '<p>Nothing was built, pushed or changed in AWS: the inputs are checked before anything runs.</p>',
    '<ul>',
    ...problems.map((problem) => `<li>${escapeHtml(problem)}</li>`),
    '</ul>',
    '<p><strong>What to do:</strong> fix the <code>with:</code> values of this step ' +
      "(every input is described in the action's <code>docs/inputs.md</code>) and run the workflow again.</p>",
    ''
  ].join('\n')
}
