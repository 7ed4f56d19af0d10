import type { Clock, Logger, RetryPolicy } from '@synapse-sdk/core/base';
import { ConfigError } from '@synapse-sdk/core/base';

import type { RetryListener } from './http-client.js';
import type { ServiceProfile } from './service.js';
import type { TimeoutOptions } from './timeouts.js';
import { parseBaseUrl } from './url.js';

/** Options every client accepts besides its address and credentials. */
export interface ClientCommonOptions {
  /** Override the service's default connect/read timeouts. */
  timeouts?: Partial<TimeoutOptions> | undefined;
  /**
   * Override the retry policy (attempts, delays, jitter; `retryOn` narrows which transient
   * failures are retried). Unset fields keep {@link DEFAULT_RETRY}.
   */
  retry?: Partial<RetryPolicy> | undefined;
  /** Receives one debug line per answered request and one warning per retry; never headers. */
  logger?: Logger | undefined;
  /** Called before every retry. */
  onRetry?: RetryListener | undefined;
  /** Times retries and status polls; a test passes a manual clock. @default systemClock */
  clock?: Clock | undefined;
}

/** Environment variables, as in `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses a client's address.
 * @throws ConfigError naming the service's address variable when it is not an http(s) URL.
 */
export function resolveBaseUrl(service: ServiceProfile, address: string): URL {
  const url = parseBaseUrl(address);
  if (!url) {
    throw new ConfigError(
      service.addressEnv,
      `"${address}" is not an http(s) URL of the ${service.name}; set it like http://127.0.0.1:8265`,
    );
  }
  return url;
}

/** The first non-blank value among `names` in `env`. */
export function envValue(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}
