// Imports point one way: down the layers of src/ (README, "Architecture"), and never in a circle, in src/ and
// local-aws/src/. Run by npm run lint (depcruise), so a new upward or circular import fails the build.
const LAYERS = [
  ['entry', '^src/[^/]+\\.ts$'],
  ['runner', '^src/runner/'],
  ['modes', '^src/modes/'],
  ['aws', '^src/aws/'],
  ['docker', '^src/docker/'],
  ['explain', '^src/explain/'],
  ['policy', '^src/policy/'],
  ['inputs', '^src/inputs/'],
  ['shared', '^src/shared/']
]

const upward = LAYERS.slice(1).map(([name, path], index) => ({
  name: `no-upward-from-${name}`,
  comment: `src/${name}/ may import only the layers below it: ${
    LAYERS.slice(index + 2)
      .map(([below]) => below)
      .join(', ') || 'nothing of the action'
  }`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(0, index + 1).map(([, above]) => above) }
}))

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Two modules that import each other (types included) are one module in two files: split or merge',
      severity: 'error',
      from: { path: '^(src|local-aws/src)/' },
      to: { circular: true }
    },
    ...upward
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] }
  }
}
