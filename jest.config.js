/**
 * Three projects through one runner: `unit` (pure code, no database, seconds), `integration`
 * (every test file on its own migrated copy of PGlite or PostgreSQL) and `e2e` (Chromium on the
 * `npm start` host). `npm test` runs all three; `npm run test:unit` only the first.
 */
const swc = [
  '@swc/jest',
  {
    jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
    module: { type: 'commonjs' },
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  // ESM-only packages are compiled to CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'], testMatch: ['**/*.test.ts', '**/*.test.tsx'] },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      // Migrates once per run; each file copies the migrated database (test/helpers/test-database.ts).
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test/e2e'], testMatch: ['**/*.e2e.test.ts'] },
  ],
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  maxWorkers: 2,
  testTimeout: 120000,
};
