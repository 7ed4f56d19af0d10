import { setTimeout as delay } from 'node:timers/promises';

import { CancelledError } from '../errors/errors.js';

/**
 * The time source of every wait in the SDK: the orchestrator's retry delays, HTTP retries,
 * status polls, the cluster lock. Inject another one (a manual clock in tests) through
 * `RuntimeContext.create({ clock })` or a client's `clock` option.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, as far as this clock knows. */
  now(): number;
  /** Resolves after `ms`, or rejects with {@link CancelledError} as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and Node's abortable `timers/promises` timer. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (signal?.aborted) throw cancellation(signal);
    try {
      await delay(ms, undefined, { signal });
    } catch (error) {
      if (signal?.aborted) throw cancellation(signal);
      throw error;
    }
  },
};

/**
 * The error that stands for an aborted `signal`: its reason when that is a
 * {@link CancelledError}, else a CancelledError that says why (a timeout, for instance).
 */
export function cancellation(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  if (reason instanceof CancelledError) return reason;
  const detail =
    reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new CancelledError(`Cancelled${detail}`, { cause: reason });
}
