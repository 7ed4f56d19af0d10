import { describe, expect, it } from '@jest/globals';

import {
  DEFAULT_RETRY,
  isRetrySafe,
  parseRetryAfter,
  resolveRetryOptions,
  retryDelay,
  sleep,
} from './retry.js';

describe('retryDelay', () => {
  const options = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0 };
  it('doubles from the base delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, options))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });
  it('randomizes the jittered fraction downwards', () => {
    const jittered = { ...options, jitter: 0.5 };
    expect(retryDelay(2, jittered, undefined, () => 0)).toBe(200);
    expect(retryDelay(2, jittered, undefined, () => 1)).toBe(100);
  });
  it("waits at least the server's Retry-After, within the cap", () => {
    expect(retryDelay(1, options, 700)).toBe(700);
    expect(retryDelay(1, options, 60_000)).toBe(1_000);
  });
});

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

describe('resolveRetryOptions', () => {
  it('merges over the defaults', () => {
    expect(resolveRetryOptions({ attempts: 2 })).toEqual({ ...DEFAULT_RETRY, attempts: 2 });
  });
  it.each([{ attempts: 0 }, { attempts: 1.5 }, { baseDelayMs: -1 }, { jitter: 2 }])(
    'refuses %j',
    (bad) => {
      expect(() => resolveRetryOptions(bad)).toThrow(RangeError);
    },
  );
});

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
  it('resolves after the delay', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
