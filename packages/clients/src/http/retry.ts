/** How a client retries failed requests. */
export interface RetryOptions {
  /** Total attempts, the first one included; `1` disables retries. @default 4 */
  attempts: number;
  /** Delay before the first retry; each later retry doubles it. @default 250 */
  baseDelayMs: number;
  /** Upper bound of one delay (also caps a server's `Retry-After`). @default 5000 */
  maxDelayMs: number;
  /**
   * Fraction of each delay that is randomized (0 = fixed delays, 1 = anywhere from 0 to the
   * delay), so that many clients do not retry in lockstep. @default 0.5
   */
  jitter: number;
}

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: Readonly<RetryOptions> = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  jitter: 0.5,
};

/** Statuses that mean "try again later": bad gateway, unavailable, gateway timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** Merges partial options over the defaults and checks them. */
export function resolveRetryOptions(options: Partial<RetryOptions> | undefined): RetryOptions {
  const merged = { ...DEFAULT_RETRY, ...options };
  if (!Number.isInteger(merged.attempts) || merged.attempts < 1) {
    throw new RangeError(`retry.attempts must be an integer >= 1, got ${merged.attempts}`);
  }
  if (merged.baseDelayMs < 0 || merged.maxDelayMs < 0) {
    throw new RangeError('retry delays must be >= 0');
  }
  if (merged.jitter < 0 || merged.jitter > 1) {
    throw new RangeError(`retry.jitter must be between 0 and 1, got ${merged.jitter}`);
  }
  return merged;
}

/**
 * True when repeating the request cannot do harm: GET, HEAD, PUT and DELETE always; POST and
 * PATCH only when they carry an idempotency key the server uses to drop duplicates.
 */
export function isRetrySafe(method: string, idempotencyKey: string | undefined): boolean {
  return IDEMPOTENT_METHODS.has(method) || Boolean(idempotencyKey);
}

/**
 * Delay before retry number `retry` (1 for the first retry): exponential, capped, with jitter.
 * A server's `Retry-After` raises the delay, still capped at `maxDelayMs`.
 */
export function retryDelay(
  retry: number,
  options: RetryOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  const jittered = exponential * (1 - options.jitter * random());
  const floor = retryAfterMs === undefined ? 0 : Math.min(options.maxDelayMs, retryAfterMs);
  return Math.round(Math.max(jittered, floor));
}

/** Parses a `Retry-After` header given in seconds; HTTP dates are ignored. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  return Math.round(Number(text) * 1000);
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts. The timer is cleared
 * on abort so that nothing keeps the process alive.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new Error('Aborted');
}
