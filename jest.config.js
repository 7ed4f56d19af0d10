import { createDefaultEsmPreset } from 'ts-jest';

/** One jest project per package, all on native ESM through ts-jest (see reference/style.md §3). */
const base = {
  ...createDefaultEsmPreset({ tsconfig: '<rootDir>/tsconfig.test.json' }),
  testEnvironment: 'node',
  testEnvironmentOptions: {
    customExportConditions: ['@synapse-sdk/source', 'node', 'node-addons'],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const packages = ['core', 'clients', 'devserver', 'steps', 'cli'];

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
  ],
};
