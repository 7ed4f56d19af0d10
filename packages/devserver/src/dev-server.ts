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
import { DevServerRuntime } from './runtime.js';
import { DataPlaneHandler } from './serve/data-plane-handler.js';
import { instrument } from './transport/instrument.js';
import type { DevServerService } from './transport/request-log.js';

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
      honourIdempotencyKeys: options.honourIdempotencyKeys ?? true,
      maxBodyBytes: options.maxBodyBytes ?? 100 * 1024 * 1024,
      stateFile: options.stateFile,
      timings,
    },
    options.clock ?? systemClock,
    logger,
  );
  rt.restore();

  // The control object runs the triggers; it needs the dashboard listener, made below.
  const wiring: { dashboard?: DashboardHandler; control?: DevServerControl } = {};
  const instrumented = (service: DevServerService, handler: Handler) =>
    instrument(service, handler, {
      clock: rt.clock,
      logger,
      requests: rt.requests,
      httpFaults: rt.httpFaults,
      triggers: rt.triggers,
      delayMs: (target) => rt.delays[target],
      fire: (due) => wiring.control?.fire(due),
    });
  const onError = (error: unknown) =>
    logger.error('devserver handler failed', { error: String(error) });
  const ports = options.ports ?? {};

  // The dashboard listener, the control object and the admin API refer to each other.
  const logTail = new JobLogTail(rt, (req, path) => authRefusal(rt.settings.authToken, req, path));
  const dashboard = new ListeningServer(
    host,
    ports.dashboard ?? 0,
    instrumented('dashboard', (req, res) => wiring.dashboard?.handle(req, res)),
    onError,
    (req, socket, head) => logTail.handleUpgrade(req, socket, head),
  );
  const control = new DevServerControl(rt, dashboard);
  wiring.control = control;
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
    instrumented('serve', (req, res) => new DataPlaneHandler(rt).handle(req, res)),
    onError,
  );
  const backendHandler = new BackendHandler(rt);
  const backend = new ListeningServer(
    host,
    ports.backend ?? 0,
    instrumented('backend', (req, res) => backendHandler.handle(req, res)),
    onError,
  );
  const agentHandler = new AgentHandler(rt);
  const agent = new ListeningServer(
    host,
    ports.agent ?? 0,
    instrumented('agent', (req, res) => agentHandler.handle(req, res)),
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
