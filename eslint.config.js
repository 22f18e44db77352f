// ESLint flat config: typescript-eslint's recommended rules for TypeScript, ESLint's for plain JavaScript.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const tsFiles = ['**/*.ts', '**/*.mts', '**/*.cts']
const jsFiles = ['**/*.js', '**/*.mjs', '**/*.cjs']

const unusedVars = [
  'error',
  {
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrorsIgnorePattern: '^_',
    ignoreRestSiblings: true
  }
]

// Node's globals, for the .js/.mjs scripts and configs (TypeScript checks the .ts files itself).
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'fetch',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'queueMicrotask',
    'structuredClone',
    'AbortController',
    'TextEncoder',
    'TextDecoder'
  ].map((name) => [name, 'readonly'])
)

export default [
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/', 'bench/results/'] },
  { files: [...jsFiles, ...tsFiles], ...js.configs.recommended },
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: tsFiles })),
  {
    files: tsFiles,
    rules: { '@typescript-eslint/no-unused-vars': unusedVars }
  },
  // Every AWS call is sent from src/aws/ (README, "Architecture"), each operation written once: the SDK's commands
  // and paginators are imported nowhere else in the action (its types are), and no SDK package is import()ed.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/aws/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*'],
              importNamePattern: '(Command$|^paginate)',
              allowTypeImports: true,
              message: 'Send AWS calls from src/aws/ only: add or reuse a function there.'
            }
          ]
        }
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/^@aws-sdk\\//]',
          message: 'Load the AWS SDK from src/aws/ only (aws/clients.ts creates the clients).'
        }
      ]
    }
  },
  {
    files: jsFiles,
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: nodeGlobals },
    rules: { 'no-unused-vars': unusedVars }
  }
]
