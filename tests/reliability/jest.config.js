import { createDefaultEsmPreset } from 'ts-jest';

/**
 * `pnpm test:reliability`: the fault matrix, signals, concurrency and the bad-input corpus,
 * each row driving the built `synapse` against its own devserver. The reporter writes
 * docs/RELIABILITY.md from the rows the tests record.
 */
export default {
  ...createDefaultEsmPreset({ tsconfig: '<rootDir>/tsconfig.test.json' }),
  rootDir: '../..',
  testEnvironment: 'node',
  testEnvironmentOptions: {
    customExportConditions: ['@synapse-sdk/source', 'node', 'node-addons'],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  roots: ['<rootDir>/tests/reliability'],
  testMatch: ['**/*.rel-test.ts'],
  // A row runs a few CLI processes against a devserver; the slowest rows wait out a 15 s
  // client timeout. The harness kills a hung CLI itself and reports it as a problem.
  testTimeout: 240_000,
  // Every row has its own devserver, so rows run side by side: files in two workers, and up to
  // four rows of a file at once (it.concurrent); most of a row is waiting on simulated time.
  maxWorkers: 2,
  maxConcurrency: 4,
  reporters: ['default', '<rootDir>/tests/reliability/report/markdown-reporter.js'],
};
