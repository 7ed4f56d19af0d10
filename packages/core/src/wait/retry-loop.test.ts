import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '@synapse-sdk/test-kit';

import { CancelledError } from '../errors/errors.js';
import { backoffDelay } from './backoff.js';
import type { GiveUp, TryOutcome } from './retry-loop.js';
import { done, retryLoop, tryAgain } from './retry-loop.js';

const STEADY = { initialDelayMs: 100, maxDelayMs: 400, factor: 2, jitter: 0 };

/** A try that fails `failures` times with 'busy', then returns 'ok'. */
function failing(failures: number): (attempt: number) => Promise<TryOutcome<string>> {
  return async (attempt) => (attempt > failures ? done('ok') : tryAgain(`busy ${attempt}`));
}

function giveUpWith(stops: GiveUp[]): (stop: GiveUp) => Error {
  return (stop) => {
    stops.push(stop);
    return new Error(`gave up: ${stop.why}`);
  };
}

describe('backoffDelay', () => {
  it('grows by the factor up to the cap, jitter taken off, a floor raising it within the cap', () => {
    const jittered = { ...STEADY, jitter: 0.5 };
    expect([
      [1, 2, 3, 4].map((retry) => backoffDelay(STEADY, retry)),
      backoffDelay(jittered, 2, () => 1),
      backoffDelay(STEADY, 1, () => 0, 250),
      backoffDelay(STEADY, 1, () => 0, 60_000),
    ]).toEqual([[100, 200, 400, 400], 100, 250, 400]);
  });
});

describe('retryLoop', () => {
  it('sleeps the backoff on the clock between tries and returns the value', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const retries: unknown[] = [];
    const value = await retryLoop(
      failing(3),
      { clock, backoff: STEADY, onRetry: (r) => retries.push([r.attempt, r.delayMs, r.reason]) },
      giveUpWith([]),
    );
    expect([value, clock.sleeps, retries]).toEqual([
      'ok',
      [100, 200, 400],
      [
        [1, 100, 'busy 1'],
        [2, 200, 'busy 2'],
        [3, 400, 'busy 3'],
      ],
    ]);
  });

  it('gives up after the last attempt with its reason', async () => {
    const stops: GiveUp[] = [];
    const clock = new ManualClock({ autoAdvance: true });
    await expect(
      retryLoop(failing(9), { clock, backoff: STEADY, attempts: 2 }, giveUpWith(stops)),
    ).rejects.toThrow('gave up: attempts');
    expect(stops).toEqual([{ why: 'attempts', reason: 'busy 2', attempts: 2, elapsedMs: 100 }]);
  });

  it('gives up when the next try would start after the timeout, without sleeping past it', async () => {
    const stops: GiveUp[] = [];
    const clock = new ManualClock({ autoAdvance: true });
    await expect(
      retryLoop(failing(9), { clock, backoff: STEADY, timeoutMs: 350 }, giveUpWith(stops)),
    ).rejects.toThrow('gave up: timeout');
    // Tries at 0, 100 and 300; a 400 ms wait would end at 700, past 350.
    expect([stops, clock.sleeps]).toEqual([
      [{ why: 'timeout', reason: 'busy 3', attempts: 3, elapsedMs: 300 }],
      [100, 200],
    ]);
  });

  it('sleeps its first delay before the first try, within the timeout and the signal', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const tries: number[] = [];
    const timed = async (attempt: number): Promise<TryOutcome<string>> => {
      tries.push(clock.now());
      return attempt > 1 ? done('ok') : tryAgain('busy');
    };
    const startedAt = clock.now();
    const value = await retryLoop(
      timed,
      { clock, backoff: STEADY, firstDelayMs: 300 },
      giveUpWith([]),
    );
    const stops: GiveUp[] = [];
    await expect(
      retryLoop(
        timed,
        { clock, backoff: STEADY, firstDelayMs: 300, timeoutMs: 200 },
        giveUpWith(stops),
      ),
    ).rejects.toThrow('gave up: timeout');
    const controller = new AbortController();
    const waiting = new ManualClock();
    const cancelled = retryLoop(
      timed,
      { clock: waiting, backoff: STEADY, firstDelayMs: 300, signal: controller.signal },
      giveUpWith(stops),
    );
    await waiting.sleepsReach(1);
    controller.abort();
    await expect(cancelled).rejects.toThrow('gave up: cancelled');
    expect([
      value,
      tries.map((t) => t - startedAt),
      clock.sleeps,
      stops.map((s) => [s.why, s.attempts]),
    ]).toEqual([
      'ok',
      [300, 400],
      [300, 100],
      [
        ['timeout', 0],
        ['cancelled', 0],
      ],
    ]);
  });

  it('when paced, counts each delay from the start of the try before it', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const slow = async (attempt: number): Promise<TryOutcome<string>> => {
      await clock.sleep(attempt === 1 ? 30 : 250);
      return attempt > 2 ? done('ok') : tryAgain('busy');
    };
    await retryLoop(slow, { clock, backoff: STEADY, paced: true }, giveUpWith([]));
    // Tries take 30 and 250 ms: the waits after them are 100 - 30 and none (200 - 250).
    expect(clock.sleeps).toEqual([30, 70, 250, 0, 250]);
  });

  it('waits only as time moves on a manual clock', async () => {
    const clock = new ManualClock();
    let settled = false;
    const loop = retryLoop(failing(1), { clock, backoff: STEADY }, giveUpWith([])).then((v) => {
      settled = true;
      return v;
    });
    await clock.sleepsReach(1);
    clock.advance(99);
    await Promise.resolve();
    const early = settled;
    clock.advance(1);
    expect([early, await loop]).toEqual([false, 'ok']);
  });

  it('stops at once when cancelled during a wait', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const stops: GiveUp[] = [];
    const loop = retryLoop(
      failing(9),
      { clock, backoff: STEADY, signal: controller.signal },
      giveUpWith(stops),
    );
    await clock.sleepsReach(1);
    controller.abort(new CancelledError('Cancelled by SIGINT'));
    await expect(loop).rejects.toThrow('gave up: cancelled');
    expect(stops).toEqual([{ why: 'cancelled', reason: 'busy 1', attempts: 1, elapsedMs: 0 }]);
  });

  it('makes no try when the signal is already aborted, and lets a throwing try end the loop', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const controller = new AbortController();
    controller.abort();
    const stops: GiveUp[] = [];
    let tries = 0;
    const counted = async (): Promise<TryOutcome<string>> => {
      tries++;
      return done('ok');
    };
    await expect(
      retryLoop(counted, { clock, backoff: STEADY, signal: controller.signal }, giveUpWith(stops)),
    ).rejects.toThrow('gave up: cancelled');
    await expect(
      retryLoop(
        () => Promise.reject(new Error('not retryable')),
        { clock, backoff: STEADY },
        giveUpWith(stops),
      ),
    ).rejects.toThrow('not retryable');
    expect([tries, stops.map((s) => s.why)]).toEqual([0, ['cancelled']]);
  });
});

describe('systemClock', () => {
  it('sleeps on a real timer and rejects with CancelledError when its signal aborts', async () => {
    const { systemClock } = await import('./clock.js');
    const controller = new AbortController();
    const pending = systemClock.sleep(60_000, controller.signal);
    controller.abort(new CancelledError('Cancelled by SIGTERM'));
    await expect(pending).rejects.toThrow(new CancelledError('Cancelled by SIGTERM'));
    await expect(systemClock.sleep(1)).resolves.toBeUndefined();
  });
});
