import { describe, expect, it } from '@jest/globals';

import { DEFAULT_RETRY, isRetrySafe, parseRetryAfter, resolveRetryPolicy } from './retry.js';

describe('parseRetryAfter', () => {
  it('reads seconds and ignores dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('isRetrySafe', () => {
  it('allows idempotent methods, and POST/PATCH only with a key', () => {
    expect(['GET', 'HEAD', 'PUT', 'DELETE'].map((m) => isRetrySafe(m, undefined))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(isRetrySafe('POST', undefined)).toBe(false);
    expect(isRetrySafe('PATCH', undefined)).toBe(false);
    expect(isRetrySafe('POST', 'key')).toBe(true);
  });
});

describe('resolveRetryPolicy', () => {
  it('merges over the defaults', () => {
    expect(resolveRetryPolicy({ attempts: 2 })).toEqual({ ...DEFAULT_RETRY, attempts: 2 });
  });
  it.each([{ attempts: 0 }, { attempts: 1.5 }, { initialDelayMs: -1 }, { jitter: 2 }])(
    'refuses %j',
    (bad) => {
      expect(() => resolveRetryPolicy(bad)).toThrow(RangeError);
    },
  );
});
