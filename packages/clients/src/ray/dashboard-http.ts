import { ConfigError, registerSecret } from '@synapse-sdk/core/base';

import type { ClientCommonOptions, Env } from '../http/client-options.js';
import { envValue, resolveBaseUrl } from '../http/client-options.js';
import { HttpClient } from '../http/http-client.js';
import { RAY_DASHBOARD_SERVICE } from '../http/service.js';
import { RAY_DASHBOARD_TIMEOUTS } from '../http/timeouts.js';

/** Address of the dashboard when `RAY_DASHBOARD_ADDRESS` is not set. */
export const DEFAULT_RAY_DASHBOARD_ADDRESS = 'http://localhost:8265';

/** Options of the clients of the Ray dashboard ({@link RayServeClient}, {@link RayJobsClient}). */
export interface RayDashboardClientOptions extends ClientCommonOptions {
  /** Dashboard address, e.g. `http://localhost:8265` (a bare `host:port` gets `http://`). */
  address: string;
  /**
   * Ray auth token (`RAY_AUTH_MODE=token`); sent as `Authorization: Bearer <token>`, or as
   * `X-Ray-Authorization: Bearer <token>` when the address carries a proxy's `user:password@`.
   */
  token?: string | undefined;
}

/** The dashboard options `RAY_DASHBOARD_ADDRESS` and `RAY_AUTH_TOKEN` give. */
export function dashboardOptionsFromEnv(
  env: Env,
  options: ClientCommonOptions,
): RayDashboardClientOptions {
  // Set but blank is a mistake (an unexpanded variable, an empty flag), not a wish for the
  // default: deploying to localhost:8265 instead would be a surprise.
  if (env['RAY_DASHBOARD_ADDRESS']?.trim() === '') {
    throw new ConfigError(
      'RAY_DASHBOARD_ADDRESS',
      `is set but empty; set it to the Ray dashboard's URL, e.g. http://127.0.0.1:8265, or unset it to use ${DEFAULT_RAY_DASHBOARD_ADDRESS}`,
    );
  }
  return {
    ...options,
    address: envValue(env, 'RAY_DASHBOARD_ADDRESS') ?? DEFAULT_RAY_DASHBOARD_ADDRESS,
    token: envValue(env, 'RAY_AUTH_TOKEN'),
  };
}

/** The HTTP layer of a dashboard client, and the headers every request (WebSockets too) carries. */
export interface DashboardHttp {
  http: HttpClient;
  /** Authentication headers. Never logged. */
  headers: Record<string, string>;
}

/** Builds the HTTP layer that every dashboard client shares: address, token, timeouts, retries. */
export function createDashboardHttp(options: RayDashboardClientOptions): DashboardHttp {
  registerSecret(options.token);
  const baseUrl = resolveBaseUrl(RAY_DASHBOARD_SERVICE, options.address);
  // Credentials in the address are a proxy's basic auth and take `Authorization`; Ray reads
  // its token from `X-Ray-Authorization` in that case.
  const tokenHeader = baseUrl.username ? 'x-ray-authorization' : 'authorization';
  const headers: Record<string, string> = options.token
    ? { [tokenHeader]: `Bearer ${options.token}` }
    : {};
  const http = new HttpClient({
    service: RAY_DASHBOARD_SERVICE,
    baseUrl,
    headers,
    timeouts: { ...RAY_DASHBOARD_TIMEOUTS, ...options.timeouts },
    retry: options.retry,
    logger: options.logger,
    onRetry: options.onRetry,
    clock: options.clock,
  });
  return { http, headers };
}
