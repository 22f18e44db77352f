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
  {
    files: jsFiles,
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: nodeGlobals },
    rules: { 'no-unused-vars': unusedVars }
  }
]
