/**
 * `@synapse-sdk/test-kit` (private): what the packages' tests share, so each helper exists once.
 *
 * @packageDocumentation
 */
export type { ManualClockOptions } from './manual-clock.js';

export { ManualClock } from './manual-clock.js';
