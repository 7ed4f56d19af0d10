import { createServer } from 'node:net';

import type { Logger } from '@synapse-sdk/core';
import { startDevServer, type DevServer, type DevServerOptions } from '@synapse-sdk/devserver';

/** A devserver for a test, the environment that points `synapse` at it, and a request count. */
export interface TestDevServer {
  server: DevServer;
  /** RAY_DASHBOARD_ADDRESS, SYNAPSE_HOST, SYNAPSE_ACCESS_TOKEN, SYNAPSE_AGENT_HOST/TOKEN. */
  env: Record<string, string>;
  /** Requests received so far, on every listener. */
  requests(): number;
  /**
   * `GET /api/serve/applications/` as the dashboard answers it, without
   * `controller_health_metrics` (which Ray 2.58 recomputes on every read).
   */
  serveDetails(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts a devserver on random ports with short simulated durations. */
export async function startTestDevServer(options: DevServerOptions = {}): Promise<TestDevServer> {
  let requests = 0;
  const logger: Logger = {
    debug: (message) => {
      if (message === 'request') requests++;
    },
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const server = await startDevServer({
    ...options,
    timings: {
      buildTimeMs: 50,
      replicaStartTimeMs: 50,
      deleteTimeMs: 50,
      lightweightUpdateTimeMs: 20,
      ...options.timings,
    },
    logger,
  });
  const env = {
    RAY_DASHBOARD_ADDRESS: server.dashboardUrl,
    SYNAPSE_HOST: server.backendUrl,
    SYNAPSE_ACCESS_TOKEN: options.backendToken ?? 'test-token',
    SYNAPSE_AGENT_HOST: server.agentUrl,
    SYNAPSE_AGENT_TOKEN: options.agentToken ?? 'test-agent-token',
    RAY_SERVE_URL: server.serveUrl,
    ...(options.authToken === undefined ? {} : { RAY_AUTH_TOKEN: options.authToken }),
  };
  return {
    server,
    env,
    requests: () => requests,
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

/** A local port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
