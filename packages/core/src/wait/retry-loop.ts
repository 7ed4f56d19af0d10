import type { Backoff } from './backoff.js';
import { backoffDelay } from './backoff.js';
import type { Clock } from './clock.js';

/** What one try of a {@link retryLoop} found: a value, or a reason to try again. */
export type TryOutcome<T> =
  | { readonly done: true; readonly value: T }
  | {
      readonly done: false;
      /** Why this try did not succeed (an error, a status); handed to `onRetry` and `giveUp`. */
      readonly reason: unknown;
      /** The next delay is at least this long (a server's `Retry-After`). */
      readonly minDelayMs?: number;
    };

/** A try that succeeded with `value`. */
export function done<T>(value: T): TryOutcome<T> {
  return { done: true, value };
}

/** A try that should be made again; `minDelayMs` raises the next delay. */
export function tryAgain(reason: unknown, minDelayMs?: number): TryOutcome<never> {
  return minDelayMs === undefined ? { done: false, reason } : { done: false, reason, minDelayMs };
}

/** Reported before each wait between two tries. */
export interface LoopRetry {
  /** The try that just failed, counting from 1. */
  attempt: number;
  /** The wait before the next try. */
  delayMs: number;
  /** The failed try's reason. */
  reason: unknown;
}

/** Why a {@link retryLoop} stopped trying. */
export interface GiveUp {
  /** `attempts`: the last allowed try failed; `timeout`: the next try would start too late. */
  why: 'attempts' | 'timeout' | 'cancelled';
  /** The last failed try's reason; undefined when none ran. */
  reason: unknown;
  /** Tries made. */
  attempts: number;
  /** Time since the loop started (its first delay included), on the loop's clock. */
  elapsedMs: number;
}

/** Options of {@link retryLoop}. */
export interface RetryLoopOptions {
  /** Measures the timeout and sleeps between tries. */
  clock: Clock;
  /** The delays between tries. */
  backoff: Backoff;
  /** Tries at most this many times. @default unlimited */
  attempts?: number | undefined;
  /**
   * Sleeps this long before the first try, as between two tries (cancellable, within the
   * timeout): for a state known to need time before a try can succeed. @default 0
   */
  firstDelayMs?: number | undefined;
  /**
   * Counts each delay from the start of the try before it rather than from its end, so tries
   * keep a steady rhythm however long each one takes (a poll's cadence). @default false
   */
  paced?: boolean | undefined;
  /**
   * Gives up once this long has passed: no try starts after it, and the loop does not sleep
   * past it. @default none
   */
  timeoutMs?: number | undefined;
  /** Cancels the loop (checked before each try and during each wait). */
  signal?: AbortSignal | undefined;
  /** Source of jitter, in [0, 1). @default Math.random */
  random?: (() => number) | undefined;
  /** Called before each wait; must not throw. */
  onRetry?: ((retry: LoopRetry) => void) | undefined;
}

/**
 * The one wait loop of the SDK: calls `tryOnce` until it reports {@link done}, sleeping on the
 * clock between tries with the backoff's growing delays, and stops at the first of the
 * attempt limit, the timeout and cancellation, throwing what `giveUp` returns for it. A try that
 * throws ends the loop with that error: only what a try reports with {@link tryAgain} is
 * retried.
 */
export async function retryLoop<T>(
  tryOnce: (attempt: number) => Promise<TryOutcome<T>>,
  options: RetryLoopOptions,
  giveUp: (stop: GiveUp) => Error,
): Promise<T> {
  const { clock, signal } = options;
  const attempts = options.attempts ?? Number.POSITIVE_INFINITY;
  const startedAt = clock.now();
  let reason: unknown;
  const stop = (why: GiveUp['why'], made: number): Error =>
    giveUp({ why, reason, attempts: made, elapsedMs: clock.now() - startedAt });
  /** Sleeps `delayMs` after `made` tries, unless that would end past the timeout. */
  const wait = async (delayMs: number, made: number, onWait?: () => void): Promise<void> => {
    if (options.timeoutMs !== undefined && clock.now() - startedAt + delayMs > options.timeoutMs) {
      throw stop('timeout', made);
    }
    onWait?.();
    try {
      await clock.sleep(delayMs, signal);
    } catch (error) {
      if (signal?.aborted) throw stop('cancelled', made);
      throw error;
    }
  };
  if (options.firstDelayMs) {
    if (signal?.aborted) throw stop('cancelled', 0);
    await wait(options.firstDelayMs, 0);
  }
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw stop('cancelled', attempt - 1);
    const triedAt = clock.now();
    const outcome = await tryOnce(attempt);
    if (outcome.done) return outcome.value;
    reason = outcome.reason;
    if (attempt >= attempts) throw stop('attempts', attempt);
    if (signal?.aborted) throw stop('cancelled', attempt);
    const backoffMs = backoffDelay(options.backoff, attempt, options.random, outcome.minDelayMs);
    const delayMs = options.paced ? Math.max(0, backoffMs - (clock.now() - triedAt)) : backoffMs;
    await wait(delayMs, attempt, () => options.onRetry?.({ attempt, delayMs, reason }));
  }
}
