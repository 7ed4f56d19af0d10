import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { header, requestUrl, sendJson } from '../http/http-util.js';
import type { DevServerRuntime } from '../runtime.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The simulated Synapse agent: `health/` and its Ray Serve proxy endpoints, answering from the
 * same simulated cluster as the dashboard.
 */
export class AgentHandler {
  public constructor(private readonly rt: DevServerRuntime) {}

  /** Handles one request on the agent port. */
  public handle(req: IncomingMessage, res: ServerResponse): void {
    const token = this.rt.settings.agentToken;
    if (token !== undefined) {
      const given = header(req, 'authorization');
      if (given === undefined)
        return sendJson(res, 401, { detail: 'Authentication credentials were not provided.' });
      if (!sameSecret(given, token)) return sendJson(res, 403, { detail: 'Invalid agent token.' });
    }
    const path = requestUrl(req).pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === '/health/') {
      return method === 'GET'
        ? sendJson(res, 200, { status: 'healthy' })
        : sendJson(res, 405, { detail: `Method "${method}" not allowed.` }, { Allow: 'GET' });
    }
    if (path === '/ray/serve_applications/') {
      if (method !== 'GET')
        return sendJson(res, 405, { detail: `Method "${method}" not allowed.` }, { Allow: 'GET' });
      return sendJson(res, 200, Object.values(this.applications()));
    }
    const match = /^\/ray\/serve_applications\/([^/]+)\/?$/.exec(path);
    if (match !== null) {
      const name = decodeURIComponent(match[1] ?? '');
      if (method === 'GET') {
        const app = this.applications()[name];
        return app === undefined
          ? sendJson(res, 404, { detail: `Serve application '${name}' not found.` })
          : sendJson(res, 200, app);
      }
      if (method === 'DELETE') {
        if (!this.rt.serve.deleteApp(name))
          return sendJson(res, 404, { detail: `Serve application '${name}' not found.` });
        this.rt.logger.info('agent deleted serve application', { name });
        this.rt.persist();
        return sendJson(res, 200, { name, status: 'DELETING' });
      }
      return sendJson(
        res,
        405,
        { detail: `Method "${method}" not allowed.` },
        { Allow: 'DELETE, GET' },
      );
    }
    sendJson(res, 404, { detail: 'Not found.' });
  }

  private applications(): Record<string, unknown> {
    const body = this.rt.renderer.render(this.rt.serve, this.rt.clock.now());
    return (body['applications'] ?? {}) as Record<string, unknown>;
  }
}
