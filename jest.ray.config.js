import { base } from './jest.config.js';

/**
 * The real-Ray lane: every `*.ray-test.ts` under tests/, run by `pnpm test:ray`
 * (tests/ray/lane/run-ray-lane.mjs), which starts the head they talk to and stops it afterwards.
 */
export default {
  ...base,
  displayName: 'ray',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.ray-test.ts'],
  // A deploy to a real head takes seconds, a failed one that rolls back up to a minute.
  testTimeout: 300_000,
};
