// Imports point one way: down the layers of src/ (README, "Architecture"), and never in a circle, in src/ and
// local-aws/src/. Run by npm run lint (depcruise), so a new upward or circular import fails the build.
const LAYERS = [
  ['entry', '^src/[^/]+\\.ts$'],
  ['plans', '^src/plans/'],
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

// local-aws/src, top to bottom (local-aws/README.md, "Files"). Services and the task runner share a layer and
// never import each other; what they share lives in state/. A new file joins a layer here.
const LOCAL_AWS = [
  ['entry', '^local-aws/src/(cli|index)\\.ts$'],
  [
    'server',
    '^local-aws/src/(authorize|control-api|controls|dispatch|http-server|instance-state|schedule-targets|shutdown|storage)\\.ts$'
  ],
  [
    'services',
    '^local-aws/src/(services/|task-runner\\.ts$|service-controller\\.ts$|standard-controller\\.ts$|schedule-runner\\.ts$)'
  ],
  ['context', '^local-aws/src/context\\.ts$'],
  ['state', '^local-aws/src/state/'],
  ['base', '^local-aws/src/(docker|fargate|front|policy|protocol|registry)\\.ts$']
]

const localAwsUpward = LOCAL_AWS.slice(1).map(([name, path], index) => ({
  name: `local-aws-no-upward-from-${name}`,
  comment: `local-aws ${name} may import only: ${
    LOCAL_AWS.slice(index + 2)
      .map(([below]) => below)
      .join(', ') || 'nothing of local-aws'
  }`,
  severity: 'error',
  from: { path },
  to: { path: LOCAL_AWS.slice(0, index + 1).map(([, above]) => above) }
}))

const localAwsRules = [
  ...localAwsUpward,
  {
    name: 'local-aws-in-a-layer',
    comment:
      'Every local-aws/src file belongs to a layer of LOCAL_AWS in .dependency-cruiser.mjs: add it there',
    severity: 'error',
    from: { path: '^local-aws/src/', pathNot: LOCAL_AWS.map(([, path]) => path) },
    to: {}
  },
  {
    name: 'local-aws-services-apart',
    comment:
      'A service module, the task runner or the schedule runner imports no other of them: move what they share to state/',
    severity: 'error',
    from: { path: '^local-aws/src/(services/[^/]+|task-runner|schedule-runner)\\.ts$' },
    to: {
      path: '^local-aws/src/(services/|task-runner\\.ts$|schedule-runner\\.ts$)',
      pathNot: '^local-aws/src/$1\\.ts$'
    }
  },
  {
    name: 'action-and-emulator-apart',
    comment: 'The action (src/) and the local AWS (local-aws/src/) never import each other: tests join them',
    severity: 'error',
    from: { path: '^(src|local-aws/src)/' },
    to: { path: '^(src|local-aws/src)/', pathNot: '^$1/' }
  }
]

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
    ...upward,
    ...localAwsRules
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] }
  }
}
