/**
 * How the delay between two tries grows: `initialDelayMs`, times `factor` after each try, at
 * most `maxDelayMs`, with a random share (`jitter`) taken off so that many clients do not retry
 * in lockstep. One vocabulary for step retries, HTTP retries and every wait loop.
 */
export interface Backoff {
  /** Delay after the first failed try. */
  initialDelayMs: number;
  /** Upper bound of any delay. */
  maxDelayMs: number;
  /** Growth between delays; 1 keeps them constant. */
  factor: number;
  /**
   * Share of each delay that is randomized, from 0 (exact delays) to 1 (anywhere from 0 to the
   * delay).
   */
  jitter: number;
}

/**
 * The delay after failed try number `retry` (1 for the first), jitter included; a
 * `floorMs` (a server's `Retry-After`) raises it, still within `maxDelayMs`.
 */
export function backoffDelay(
  backoff: Backoff,
  retry: number,
  random: () => number = Math.random,
  floorMs = 0,
): number {
  const jitter = Math.min(Math.max(backoff.jitter, 0), 1);
  const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** (retry - 1));
  const floor = Math.min(backoff.maxDelayMs, floorMs);
  return Math.round(Math.max(base * (1 - jitter * random()), floor));
}
