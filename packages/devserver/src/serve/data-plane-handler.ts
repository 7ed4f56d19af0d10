import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, requestUrl, sendJson, sendText } from '../http/http-util.js';
import type { DevServerRuntime } from '../runtime.js';

interface RoutedApp {
  name: string;
  routePrefix: string;
  status: string;
  ingress: string | undefined;
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
 * The simulated Serve HTTP proxy (port 8000 in Ray): `/-/healthz`, `/-/routes` and, for RUNNING
 * apps, a clearly labelled simulated JSON answer instead of real model output.
 */
export class DataPlaneHandler {
  public constructor(private readonly rt: DevServerRuntime) {}

  /** Handles one request on the serve port. */
  public async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    const path = url.pathname;
    const serveRunning = this.rt.serve.system !== undefined;
    if (path === '/-/healthz') {
      return serveRunning
        ? sendText(res, 200, 'success')
        : sendText(
            res,
            503,
            'Serve is not running: no application was deployed yet (simulated proxy).',
          );
    }
    const apps = this.routedApps();
    if (path === '/-/routes') {
      if (!serveRunning)
        return sendText(
          res,
          503,
          'Serve is not running: no application was deployed yet (simulated proxy).',
        );
      return sendJson(
        res,
        200,
        Object.fromEntries(
          apps.filter((a) => a.status === 'RUNNING').map((a) => [a.routePrefix, a.name]),
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
    if (app.status !== 'RUNNING') {
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
      deployment: app.ingress ?? null,
      path,
      method: (req.method ?? 'GET').toUpperCase(),
      query: Object.fromEntries(url.searchParams),
      body: payload,
    });
  }

  private routedApps(): RoutedApp[] {
    const body = this.rt.renderer.render(this.rt.serve, this.rt.clock.now());
    const apps = (body['applications'] ?? {}) as Record<
      string,
      {
        name: string;
        route_prefix: string | null;
        status: string;
        deployments: Record<string, unknown>;
      }
    >;
    return Object.values(apps)
      .filter((a): a is typeof a & { route_prefix: string } => typeof a.route_prefix === 'string')
      .map((a) => ({
        name: a.name,
        routePrefix: a.route_prefix,
        status: a.status,
        ingress: Object.keys(a.deployments)[0],
      }));
  }
}
