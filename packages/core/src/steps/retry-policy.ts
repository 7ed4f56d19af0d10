import { CancelledError, ParamsValidationError } from '../errors/errors.js';

/** When and how a failed step attempt is retried. */
export interface RetryPolicy {
  /** Total attempts, the first included. @default 1 (no retry) */
  attempts: number;
  /** Delay before the first retry. @default 100 */
  initialDelayMs?: number;
  /** Upper bound of any delay. @default 30000 */
  maxDelayMs?: number;
  /** Growth factor between retries. @default 2 */
  factor?: number;
  /**
   * Share of each delay that is randomized, from 0 (exact delays) to 1 (anywhere from 0 to the
   * delay). Jitter keeps many clients from retrying in lockstep. @default 0.2
   */
  jitter?: number;
  /** Which errors are worth another attempt. @default every error except cancellation and invalid params */
  retryOn?: (error: unknown) => boolean;
}

/** The delay before retry number `retry` (1 for the first retry), jitter included. */
export function retryDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const initial = policy.initialDelayMs ?? 100;
  const max = policy.maxDelayMs ?? 30_000;
  const factor = policy.factor ?? 2;
  const jitter = Math.min(Math.max(policy.jitter ?? 0.2, 0), 1);
  const base = Math.min(max, initial * factor ** (retry - 1));
  return Math.round(base * (1 - jitter * random()));
}

/** Whether `error` should be retried under `policy`. */
export function shouldRetry(policy: RetryPolicy, error: unknown): boolean {
  if (error instanceof CancelledError || error instanceof ParamsValidationError) return false;
  return policy.retryOn ? policy.retryOn(error) : true;
}
