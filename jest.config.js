import { createDefaultEsmPreset } from 'ts-jest';

/** Settings every jest project shares: native ESM through ts-jest (docs/development.md#jest-on-native-esm). */
export const base = {
  ...createDefaultEsmPreset({ tsconfig: '<rootDir>/tsconfig.test.json' }),
  testEnvironment: 'node',
  testEnvironmentOptions: {
    customExportConditions: ['@synapse-sdk/source', 'node', 'node-addons'],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const packages = ['core', 'clients', 'devserver', 'steps', 'cli', 'test-kit'];

/** One jest project per package, the examples, and the cross-package tests under tests/. */
export default {
  // Integration and CLI tests spawn processes; on a shared, busy 2-core machine one spawn can
  // take seconds, and jest's 5 s default then fails a test that would pass.
  testTimeout: 30_000,
  projects: [
    ...packages.map((name) => ({
      ...base,
      displayName: name,
      roots: [`<rootDir>/packages/${name}/src`],
    })),
    { ...base, displayName: 'examples', roots: ['<rootDir>/examples'] },
    // `*.ray-test.ts` files there need a real Ray head: `pnpm test:ray` runs them.
    { ...base, displayName: 'tests', roots: ['<rootDir>/tests'] },
  ],
};
