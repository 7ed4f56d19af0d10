import { ClientConnectionError, ClientTimeoutError, ServerError } from './errors.js';
import { RETRYABLE_STATUSES } from './retry.js';

/**
 * True for failures worth trying again later: the service could not be reached, did not answer
 * in time, or answered 502/503/504 (a proxy or the service itself is briefly unavailable).
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof ClientConnectionError || error instanceof ClientTimeoutError) return true;
  return error instanceof ServerError && RETRYABLE_STATUSES.has(error.status ?? 0);
}
