import type { IncomingMessage, ServerResponse } from 'node:http';

import { readBody, requestUrl, sendJson, sendText } from '../http/http-util.js';
import type { DevServerRuntime } from '../runtime.js';

interface RoutedApp {
  name: string;
  routePrefix: string;
  status: string;
  /** The deployment whose replicas answer, when some are up (also while a rebuild runs or after it failed). */
  serving: string | undefined;
}

/** Longest-prefix match of a path against route prefixes, as the Serve proxy does it. */
export function matchRoute<T extends { routePrefix: string }>(
  path: string,
  apps: readonly T[],
): T | undefined {
  let best: T | undefined;
  for (const app of apps) {
    const p = app.routePrefix;
    const hit = p === '/' || path === p || path.startsWith(`${p}/`);
    if (hit && (best === undefined || p.length > best.routePrefix.length)) best = app;
  }
  return best;
}

/**
 * The simulated Serve HTTP proxy (port 8000 in Ray): `/-/healthz`, `/-/routes` and, for apps
 * whose replicas are up, a clearly labelled simulated JSON answer instead of real model output.
 * As in Ray, the running version keeps answering while a new one builds, and after its build
 * failed.
 */
export class DataPlaneHandler {
  public constructor(private readonly rt: DevServerRuntime) {}

  /** Handles one request on the serve port. */
  public async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    const path = url.pathname;
    const system = this.rt.serve.system;
    const apps = this.routedApps();
    // Ray 2.58's proxy answers its own endpoints only once it got a route table, i.e. once an
    // app served since Serve started (an empty table afterwards is fine).
    if (system !== undefined && apps.some((a) => a.serving !== undefined))
      system.routeTableSeen = true;
    const ready =
      system !== undefined &&
      (!this.rt.settings.behaviour.serve258 || system.routeTableSeen === true);
    if ((path === '/-/healthz' || path === '/-/routes') && !ready) {
      return system === undefined
        ? sendText(
            res,
            503,
            'Serve is not running: no application was deployed yet (simulated proxy).',
          )
        : sendText(res, 503, 'Route table is not populated yet.');
    }
    if (path === '/-/healthz') return sendText(res, 200, 'success');
    if (path === '/-/routes') {
      return sendJson(
        res,
        200,
        Object.fromEntries(
          apps.filter((a) => a.serving !== undefined).map((a) => [a.routePrefix, a.name]),
        ),
      );
    }
    const app = matchRoute(path, apps);
    if (app === undefined) {
      return sendText(
        res,
        404,
        `Path '${path}' not found. Ping http://.../-/routes for available routes.`,
      );
    }
    if (app.serving === undefined) {
      return sendText(
        res,
        503,
        `Application '${app.name}' is ${app.status}; it cannot serve requests yet (simulated proxy).`,
      );
    }
    const body = await readBody(req, 16 * 1024 * 1024);
    let payload: unknown = null;
    if (body.ok && body.bytes.length > 0) {
      const text = body.bytes.toString('utf8');
      try {
        payload = JSON.parse(text) as unknown;
      } catch {
        payload = text;
      }
    }
    sendJson(res, 200, {
      simulated: true,
      app: app.name,
      deployment: app.serving,
      path,
      method: (req.method ?? 'GET').toUpperCase(),
      query: Object.fromEntries(url.searchParams),
      body: payload,
    });
  }

  private routedApps(): RoutedApp[] {
    const now = this.rt.clock.now();
    const body = this.rt.renderer.render(this.rt.serve, now);
    const statuses = (body['applications'] ?? {}) as Record<string, { status: string }>;
    return [...this.rt.serve.apps.values()]
      .filter((a) => a.deletingSince === undefined && a.active.routePrefix !== null)
      .map((a) => ({
        name: a.name,
        routePrefix: a.active.routePrefix as string,
        status: statuses[a.name]?.status ?? 'DEPLOYING',
        serving: this.rt.renderer.servingDeployment(a, now),
      }));
  }
}
