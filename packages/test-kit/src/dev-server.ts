import type { Logger } from '@synapse-sdk/core';
import type { DevServer, DevServerOptions, DevServerTimings } from '@synapse-sdk/devserver';
import { startDevServer } from '@synapse-sdk/devserver';

/** Simulated durations short enough for tests and long enough to see every status. */
export const TEST_TIMINGS: Readonly<Partial<DevServerTimings>> = {
  buildTimeMs: 50,
  replicaStartTimeMs: 50,
  deleteTimeMs: 50,
  lightweightUpdateTimeMs: 20,
};

/** A devserver for a test, the environment that points the SDK at it, and its requests. */
export interface TestDevServer {
  server: DevServer;
  /**
   * `RAY_DASHBOARD_ADDRESS`, `RAY_SERVE_URL`, `SYNAPSE_HOST`, `SYNAPSE_ACCESS_TOKEN`,
   * `SYNAPSE_AGENT_HOST`, `SYNAPSE_AGENT_TOKEN`, and `RAY_AUTH_TOKEN` with token auth.
   */
  env: Record<string, string>;
  /** Requests received so far, on every listener. */
  requests(): number;
  /** Those requests in order, each as `<listener> <METHOD> <path>`, e.g. `dashboard GET /api/version`. */
  requestLog(): readonly string[];
  /**
   * `GET /api/serve/applications/` as the dashboard answers it, without
   * `controller_health_metrics` (which Ray 2.58 recomputes on every read).
   */
  serveDetails(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * Starts a devserver on free ports with {@link TEST_TIMINGS} (overridable), recording the
 * requests it answers. Every package's tests start their devservers here.
 */
export async function startTestDevServer(options: DevServerOptions = {}): Promise<TestDevServer> {
  const requests: string[] = [];
  const recording: Logger = {
    debug: (message, data) => {
      if (message === 'request') {
        requests.push(
          `${String(data?.['server'])} ${String(data?.['method'])} ${String(data?.['path'])}`,
        );
      }
    },
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const server = await startDevServer({
    ...options,
    timings: { ...TEST_TIMINGS, ...options.timings },
    logger: options.logger ?? recording,
  });
  const env: Record<string, string> = {
    RAY_DASHBOARD_ADDRESS: server.dashboardUrl,
    RAY_SERVE_URL: server.serveUrl,
    SYNAPSE_HOST: server.backendUrl,
    SYNAPSE_ACCESS_TOKEN: options.backendToken ?? 'test-token',
    SYNAPSE_AGENT_HOST: server.agentUrl,
    SYNAPSE_AGENT_TOKEN: options.agentToken ?? 'test-agent-token',
  };
  if (options.authToken !== undefined) env['RAY_AUTH_TOKEN'] = options.authToken;
  return {
    server,
    env,
    requests: () => requests.length,
    requestLog: () => [...requests],
    serveDetails: async () => {
      const response = await fetch(`${server.dashboardUrl}/api/serve/applications/`, {
        headers: options.authToken ? { authorization: `Bearer ${options.authToken}` } : {},
      });
      return withoutHealthMetrics((await response.json()) as Record<string, unknown>);
    },
    stop: () => server.stop(),
  };
}

/** A details body without `controller_health_metrics`, so that two reads compare equal. */
export function withoutHealthMetrics(details: Record<string, unknown>): Record<string, unknown> {
  const { controller_health_metrics: _metrics, ...rest } = details;
  return rest;
}
