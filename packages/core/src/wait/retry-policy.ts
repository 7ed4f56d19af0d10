import { CancelledError, ParamsValidationError } from '../errors/errors.js';
import type { Backoff } from './backoff.js';

/**
 * When and how a failed try is repeated: a step's `retry`, and a client's `retry` option. The
 * delays are a {@link Backoff}; each field left out takes the default of whoever retries.
 */
export interface RetryPolicy extends Partial<Backoff> {
  /** Total attempts, the first included; 1 means no retry. */
  attempts: number;
  /**
   * Which errors are worth another attempt. Steps retry every error but cancellation and
   * invalid params by default; clients only transient HTTP failures, which this narrows.
   */
  retryOn?: ((error: unknown) => boolean) | undefined;
}

/** Delays of step retries when the policy leaves them out: 100 ms doubling to 30 s, 20% jitter. */
export const STEP_RETRY_BACKOFF: Readonly<Backoff> = {
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.2,
};

/** The policy's delays, with `defaults` where it leaves a field out. */
export function policyBackoff(policy: Partial<Backoff>, defaults: Readonly<Backoff>): Backoff {
  return {
    initialDelayMs: policy.initialDelayMs ?? defaults.initialDelayMs,
    maxDelayMs: policy.maxDelayMs ?? defaults.maxDelayMs,
    factor: policy.factor ?? defaults.factor,
    jitter: policy.jitter ?? defaults.jitter,
  };
}

/** Whether a failed step attempt with `error` should be retried under `policy`. */
export function shouldRetry(policy: RetryPolicy, error: unknown): boolean {
  if (error instanceof CancelledError || error instanceof ParamsValidationError) return false;
  return policy.retryOn ? policy.retryOn(error) : true;
}
