import type { IncomingMessage, ServerResponse } from 'node:http';

import { silentLogger } from '@synapse-sdk/core';

import { AdminHandler } from './admin/admin-handler.js';
import { AgentHandler } from './agent/agent-handler.js';
import { BackendHandler } from './backend/backend-handler.js';
import { systemClock } from './clock.js';
import { DevServerControl } from './control.js';
import type { Handler } from './http/listening-server.js';
import { ListeningServer } from './http/listening-server.js';
import { JobLogTail } from './jobs/job-log-tail.js';
import { jobRoutes } from './jobs/jobs-routes.js';
import type { DevServerOptions } from './options.js';
import { DEFAULT_TIMINGS } from './options.js';
import { authRefusal, DashboardHandler } from './ray/dashboard-handler.js';
import { DEFAULT_RAY_VERSION, rayBehaviour } from './ray/ray-behaviour.js';
import type { DelayTarget } from './runtime.js';
import { DevServerRuntime } from './runtime.js';
import { DataPlaneHandler } from './serve/data-plane-handler.js';

/** A running devserver. */
export interface DevServer {
  /** Ray dashboard base URL, e.g. `http://127.0.0.1:8265` (use as `RAY_DASHBOARD_ADDRESS`). */
  dashboardUrl: string;
  /** Synapse backend base URL with a trailing slash (use as `SYNAPSE_HOST`). */
  backendUrl: string;
  /** Synapse agent base URL with a trailing slash (use as `SYNAPSE_AGENT_HOST`). */
  agentUrl: string;
  /** Serve data-plane URL, e.g. `http://127.0.0.1:8000`. */
  serveUrl: string;
  /** Test hooks: time, faults, switches, records. */
  control: DevServerControl;
  /** Closes every listener and drops open connections. */
  stop(): Promise<void>;
}

/** The default port of each listener when the bin runs without flags. */
export const DEFAULT_BIN_PORTS = {
  dashboard: 8265,
  serve: 8000,
  backend: 8266,
  agent: 8267,
} as const;

/**
 * Starts the simulated Ray dashboard, Serve proxy, Synapse backend and agent.
 *
 * @example
 * const clock = new ManualClock();
 * const dev = await startDevServer({ clock });
 * // … PUT a config to `${dev.dashboardUrl}/api/serve/applications/` …
 * await dev.control.advance(600); // build + replica start
 * await dev.stop();
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const timings = { ...DEFAULT_TIMINGS, ...(options.timings ?? {}) };
  for (const [k, v] of Object.entries(timings)) {
    if (!(typeof v === 'number' && v >= 0))
      throw new RangeError(
        `startDevServer: timings.${k} must be a non-negative number of ms, got ${String(v)}`,
      );
  }
  const rt = new DevServerRuntime(
    {
      host,
      behaviour: rayBehaviour(options.rayVersion ?? DEFAULT_RAY_VERSION),
      authToken: options.authToken,
      backendToken: options.backendToken,
      agentToken: options.agentToken,
      strictExtras: options.strictExtras ?? false,
      maxBodyBytes: options.maxBodyBytes ?? 100 * 1024 * 1024,
      stateFile: options.stateFile,
      timings,
    },
    options.clock ?? systemClock,
    logger,
  );
  rt.restore();

  const delayed =
    (target: DelayTarget, handler: Handler): Handler =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const ms = rt.delays[target];
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      logger.debug('request', { server: target, method: req.method, path: req.url?.split('?')[0] });
      await handler(req, res);
    };
  const onError = (error: unknown) =>
    logger.error('devserver handler failed', { error: String(error) });
  const ports = options.ports ?? {};

  // The dashboard listener, the control object and the admin API refer to each other.
  const wiring: { dashboard?: DashboardHandler } = {};
  const logTail = new JobLogTail(rt, (req, path) => authRefusal(rt.settings.authToken, req, path));
  const dashboard = new ListeningServer(
    host,
    ports.dashboard ?? 0,
    delayed('dashboard', (req, res) => wiring.dashboard?.handle(req, res)),
    onError,
    (req, socket, head) => logTail.handleUpgrade(req, socket, head),
  );
  const control = new DevServerControl(rt, dashboard);
  const admin = new AdminHandler(rt, control);
  wiring.dashboard = new DashboardHandler(
    rt,
    (req, res) => admin.handle(req, res),
    (names) => control.afterPut(names),
    jobRoutes(rt),
  );
  const serve = new ListeningServer(
    host,
    ports.serve ?? 0,
    delayed('serve', (req, res) => new DataPlaneHandler(rt).handle(req, res)),
    onError,
  );
  const backendHandler = new BackendHandler(rt);
  const backend = new ListeningServer(
    host,
    ports.backend ?? 0,
    delayed('backend', (req, res) => backendHandler.handle(req, res)),
    onError,
  );
  const agentHandler = new AgentHandler(rt);
  const agent = new ListeningServer(
    host,
    ports.agent ?? 0,
    delayed('agent', (req, res) => agentHandler.handle(req, res)),
    onError,
  );

  const servers = [dashboard, serve, backend, agent];
  try {
    for (const s of servers) await s.start();
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `devserver could not listen on ${host}: ${(error as Error).message}. Stop what uses that port or pass other ports (0 picks a free one).`,
        { cause: error },
      );
    }
    throw error;
  }
  logger.info('devserver started', {
    dashboard: dashboard.url,
    serve: serve.url,
    backend: backend.url,
    agent: agent.url,
  });

  return {
    dashboardUrl: dashboard.url,
    serveUrl: serve.url,
    backendUrl: `${backend.url}/`,
    agentUrl: `${agent.url}/`,
    control,
    async stop() {
      control.dispose();
      logTail.close();
      await Promise.all(servers.map((s) => s.stop()));
      logger.info('devserver stopped');
    },
  };
}
