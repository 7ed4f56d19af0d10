import { describe, expect, it } from '@jest/globals';

import { ManualClock, systemClock } from './clock.js';

describe('ManualClock', () => {
  it('fires due timers in time order while advancing, and not the others', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimer(50, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(10, () => fired.push(`a@${clock.now()}`));
    const cancelled = clock.setTimer(20, () => fired.push('cancelled'));
    clock.setTimer(500, () => fired.push('late'));
    cancelled.cancel();
    clock.advance(100);
    expect(fired).toEqual(['a@1010', 'b@1050']);
    expect([clock.now(), clock.pendingTimers]).toEqual([1100, 1]);
  });

  it('rejects negative steps', () => {
    expect(() => new ManualClock().advance(-1)).toThrow(RangeError);
  });
});

describe('systemClock', () => {
  it('reads Date.now()', () => {
    const before = Date.now();
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
  });
});
