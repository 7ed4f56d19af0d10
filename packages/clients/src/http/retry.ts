import type { Backoff, RetryPolicy } from '@synapse-sdk/core/base';

/** A client's retry policy with every default filled in. */
export type ResolvedRetryPolicy = Backoff & Pick<RetryPolicy, 'attempts' | 'retryOn'>;

/** How clients retry when their `retry` option leaves a field out: 4 attempts, 250 ms doubling to 5 s, 50% jitter. */
export const DEFAULT_RETRY: Readonly<ResolvedRetryPolicy> = {
  attempts: 4,
  initialDelayMs: 250,
  maxDelayMs: 5_000,
  factor: 2,
  jitter: 0.5,
};

/** Statuses that mean "try again later": bad gateway, unavailable, gateway timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** Merges a partial policy over {@link DEFAULT_RETRY} and checks it. */
export function resolveRetryPolicy(policy: Partial<RetryPolicy> | undefined): ResolvedRetryPolicy {
  const merged = { ...DEFAULT_RETRY, ...policy };
  if (!Number.isInteger(merged.attempts) || merged.attempts < 1) {
    throw new RangeError(`retry.attempts must be an integer >= 1, got ${merged.attempts}`);
  }
  if (merged.initialDelayMs < 0 || merged.maxDelayMs < 0) {
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

/** Parses a `Retry-After` header given in seconds; HTTP dates are ignored. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  return Math.round(Number(text) * 1000);
}
