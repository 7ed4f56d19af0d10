import type { Backoff, Clock, Logger, TryOutcome } from '@synapse-sdk/core/base';
import {
  done,
  errorMessage,
  retryLoop,
  silentLogger,
  systemClock,
  tryAgain,
} from '@synapse-sdk/core/base';

import { isTransientError } from '../http/is-transient-error.js';

/** Longest delay between two polls of the dashboard (failed polls back off up to it). */
export const MAX_POLL_INTERVAL_MS = 1_000;

/** Polling cadence and cancellation shared by the dashboard waits (applications and jobs). */
export interface PollOptions {
  /** Give up after this long. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /**
   * Delay between polls: steady for an application wait, doubling up to `maxPollIntervalMs` for a
   * job wait. The default is the wait's.
   */
  pollIntervalMs?: number | undefined;
  /** Longest delay between polls (after failed polls, which back off). @default {@link MAX_POLL_INTERVAL_MS} */
  maxPollIntervalMs?: number | undefined;
  /**
   * Whether to wait one interval before the first poll. Right after a PUT it is pointless to
   * poll at once: Ray sets the new target synchronously with the PUT, so that poll can only read
   * DEPLOYING. @default false
   */
  afterPut?: boolean | undefined;
  /** Times the polls (the client's clock when called through a client). @default systemClock */
  clock?: Clock | undefined;
}

/** What one dashboard wait polls and when it is over. */
export interface PollTarget<R, T> {
  /** Names what is polled in log lines and errors, e.g. `Ray job 'train-1'`. */
  subject: string;
  /** Delay between polls when the options leave it out. */
  defaultIntervalMs: number;
  /**
   * Polls at a steady pace (each delay counted from the start of the poll before it), backing
   * off, doubling, only after failed polls; otherwise the delay doubles after every poll.
   * @default false
   */
  steady?: boolean | undefined;
  /** Reads once; the signal ends the read when the wait's time is up. */
  read: (signal: AbortSignal) => Promise<R>;
  /** The value that ends the wait, or undefined to poll again; throws to fail the wait. */
  check: (read: R, elapsedMs: number) => T | undefined;
  /**
   * The error of a cancelled or timed-out wait; `lastError` is the message of the last read that
   * failed, when the last read failed.
   */
  stopped: (why: 'cancelled' | 'timeout', lastError: string | undefined) => Error;
  logger?: Logger | undefined;
}

/**
 * Polls `target` on the clock until its check returns a value, the timeout passes or the signal
 * aborts. Reads that fail with 502/503/504 or a connection error are tolerated (one warning, then
 * debug lines) until the timeout; any other failure ends the wait with that error.
 */
export async function pollUntil<R, T>(target: PollTarget<R, T>, options: PollOptions): Promise<T> {
  const logger = target.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const intervalMs = options.pollIntervalMs ?? target.defaultIntervalMs;
  const steady = target.steady === true;
  const backoff: Backoff = {
    initialDelayMs: intervalMs,
    maxDelayMs: Math.max(intervalMs, options.maxPollIntervalMs ?? MAX_POLL_INTERVAL_MS),
    factor: steady ? 1 : 2,
    jitter: 0,
  };
  let lastError: string | undefined;
  let warned = false;
  let failures = 0;

  const pollOnce = async (): Promise<TryOutcome<T>> => {
    // A read that hangs must not outlast the wait: it is aborted when time is up.
    const remainingMs = Math.max(1, options.timeoutMs - (clock.now() - startedAt));
    const deadline = AbortSignal.timeout(remainingMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    let read: R;
    try {
      read = await target.read(signal);
    } catch (error) {
      if (signal.aborted) return tryAgain(error);
      if (!isTransientError(error)) throw error;
      lastError = errorMessage(error);
      // One warning says the dashboard is flaky; every further failure is detail.
      (warned ? logger.debug : logger.warn).call(
        logger,
        `Polling ${target.subject} failed; will retry`,
        { error: lastError },
      );
      warned = true;
      failures++;
      // A struggling dashboard is given more time at each failure in a row.
      return steady ? tryAgain(error, intervalMs * 2 ** failures) : tryAgain(error);
    }
    failures = 0;
    lastError = undefined;
    const result = target.check(read, clock.now() - startedAt);
    return result === undefined ? tryAgain(read) : done(result);
  };

  return await retryLoop(
    pollOnce,
    {
      clock,
      backoff,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      firstDelayMs: options.afterPut === true ? intervalMs : 0,
      paced: steady,
    },
    ({ why }) => target.stopped(why === 'cancelled' ? 'cancelled' : 'timeout', lastError),
  );
}

/** Calls a wait's `onStatus` listener; a listener that throws is logged and ignored. */
export function notifyListener<U>(
  listener: ((update: U) => void) | undefined,
  update: U,
  logger: Logger | undefined,
): void {
  try {
    listener?.(update);
  } catch (error) {
    (logger ?? silentLogger).warn('onStatus listener threw; ignored', {
      error: errorMessage(error),
    });
  }
}
