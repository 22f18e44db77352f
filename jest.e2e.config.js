// End-to-end tests: the bundled dist/index.js against the local AWS, a real registry and a real Docker engine.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/__tests__/e2e/**/*.e2e.test.ts', '**/local-aws/test/**/*.e2e.test.ts'],
  testTimeout: 180000
}
