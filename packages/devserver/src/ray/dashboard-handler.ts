import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  header,
  parseJson,
  readBody,
  requestUrl,
  send,
  sendEmpty,
  sendJson,
  sendText,
} from '../http/http-util.js';
import type { DevServerRuntime } from '../runtime.js';
import { SIMULATED_RAY_COMMIT } from '../runtime.js';
import {
  entityTooLargeTraceback,
  genericTraceback,
  jsonDecodeTraceback,
} from './dashboard-errors.js';
import { validateServeDeploy } from './deploy-schema.js';

/** A route of the dashboard: handlers by method for one path pattern. */
export interface DashboardRoute {
  pattern: RegExp;
  route: Route;
}

type Route = Partial<
  Record<
    'GET' | 'PUT' | 'POST' | 'DELETE',
    (
      req: IncomingMessage,
      res: ServerResponse,
      params: string[],
      headOnly: boolean,
    ) => Promise<void> | void
  >
>;

/** Paths that token auth lets through (docs/ray-serve-rest.md#authentication). */
const AUTH_WHITELIST = new Set([
  '/',
  '/favicon.ico',
  '/api/authentication_mode',
  '/api/authenticate',
  '/api/healthz',
  '/api/gcs_healthz',
  '/api/local_raylet_healthz',
  '/-/healthz',
]);
const BROWSER_HEADERS = [
  'referer',
  'origin',
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-site',
  'sec-fetch-user',
  'access-control-request-method',
  'access-control-request-headers',
];
const AUTH_COOKIE = 'ray-authentication-token';

/** `optional_utils.is_browser_request`. */
export function isBrowserRequest(req: IncomingMessage): boolean {
  if ((header(req, 'user-agent') ?? '').startsWith('Mozilla')) return true;
  return BROWSER_HEADERS.some((h) => req.headers[h] !== undefined);
}

/**
 * Ray's token check for `path`: the status and text the dashboard refuses the request with, or
 * undefined when it may pass (auth off, a whitelisted path, or the right token).
 */
export function authRefusal(
  token: string | undefined,
  req: IncomingMessage,
  path: string,
): { status: 401 | 403; text: string } | undefined {
  if (token === undefined || AUTH_WHITELIST.has(path) || path.startsWith('/static/')) {
    return undefined;
  }
  const credential = credentialOf(req);
  if (credential === undefined) {
    return { status: 401, text: 'Unauthorized: Missing authentication token' };
  }
  if (!sameSecret(credential, `Bearer ${token}`)) {
    return { status: 403, text: 'Forbidden: Invalid authentication token' };
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function credentialOf(req: IncomingMessage): string | undefined {
  const direct = header(req, 'authorization') ?? header(req, 'x-ray-authorization');
  if (direct !== undefined) return direct;
  const cookie = header(req, 'cookie');
  if (cookie === undefined) return undefined;
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === AUTH_COOKIE) return `Bearer ${v.join('=')}`;
  }
  return undefined;
}

/**
 * The simulated Ray dashboard head: exact aiohttp-style routing, token auth, the browser
 * heuristic, version/health, the Serve REST API and the package store.
 */
export class DashboardHandler {
  private readonly routes: DashboardRoute[];

  public constructor(
    private readonly rt: DevServerRuntime,
    private readonly admin: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
    private readonly onPut: (appNames: string[]) => void,
    /** Routes of other dashboard modules (the Jobs API). */
    moduleRoutes: readonly DashboardRoute[] = [],
  ) {
    this.routes = [
      {
        pattern: /^\/$/,
        route: {
          GET: (_q, res, _p, head) =>
            sendText(res, 200, 'Ray dashboard (simulated by @synapse-sdk/devserver)', {}, head),
        },
      },
      {
        pattern: /^\/api\/version$/,
        route: { GET: (_q, res, _p, head) => sendJson(res, 200, this.version(), {}, head) },
      },
      {
        pattern: /^\/api\/ray\/version$/,
        route: { GET: (_q, res, _p, head) => sendJson(res, 200, this.version(), {}, head) },
      },
      {
        pattern: /^\/api\/gcs_healthz$/,
        route: { GET: (_q, res, _p, head) => this.gcsHealthz(res, head) },
      },
      // Ray 2.58's head leaves these to the dashboard agent (404), although auth lets them through.
      ...(rt.settings.behaviour.headRoutesNodeHealth
        ? [
            {
              pattern: /^\/api\/healthz$/,
              route: { GET: (_q, res, _p, head) => this.gcsHealthz(res, head) } as Route,
            },
            {
              pattern: /^\/api\/local_raylet_healthz$/,
              route: {
                GET: (_q, res, _p, head) => sendText(res, 200, 'success', {}, head),
              } as Route,
            },
          ]
        : []),
      {
        pattern: /^\/api\/authentication_mode$/,
        route: {
          GET: (_q, res, _p, head) =>
            sendJson(
              res,
              200,
              {
                authentication_mode:
                  this.rt.settings.authToken === undefined ? 'disabled' : 'token',
              },
              {},
              head,
            ),
        },
      },
      {
        pattern: /^\/api\/authenticate$/,
        route: { POST: (req, res) => this.authenticate(req, res) },
      },
      {
        pattern: /^\/api\/serve\/applications\/$/,
        route: {
          GET: (req, res, _p, head) => this.getApplications(req, res, head),
          PUT: (req, res) => this.putApplications(req, res),
          DELETE: (_req, res) => this.deleteApplications(res),
        },
      },
      {
        pattern: /^\/api\/packages\/([^/]+)\/([^/]+)$/,
        route: {
          GET: (_req, res, params, head) => this.getPackage(res, params, head),
          PUT: (req, res, params) => this.putPackage(req, res, params),
        },
      },
      ...moduleRoutes,
    ];
  }

  /** Handles one request on the dashboard port. */
  public async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return sendText(res, 400, '400: Bad Request');
    }
    if (path.startsWith('/_devserver/')) return this.admin(req, res);
    const method = (req.method ?? 'GET').toUpperCase();

    const refusal = authRefusal(this.rt.settings.authToken, req, path);
    if (refusal !== undefined) return sendText(res, refusal.status, refusal.text);
    const behaviour = this.rt.settings.behaviour;
    if (!behaviour.browserMayUse(method) && path !== '/api/authenticate' && isBrowserRequest(req)) {
      return sendText(res, 405, behaviour.browserRefusal(method));
    }

    for (const { pattern, route } of this.routes) {
      const match = pattern.exec(path);
      if (match === null) continue;
      const lookup = method === 'HEAD' ? 'GET' : method;
      const handler = route[lookup as keyof Route];
      if (handler === undefined) {
        const allowed = Object.keys(route);
        if (allowed.includes('GET')) allowed.push('HEAD');
        return sendText(res, 405, '405: Method Not Allowed', { Allow: allowed.sort().join(',') });
      }
      return handler(req, res, match.slice(1), method === 'HEAD');
    }
    return sendText(res, 404, '404: Not Found');
  }

  private version(): Record<string, string> {
    return {
      version: '4',
      ray_version: this.rt.settings.behaviour.version,
      ray_commit: SIMULATED_RAY_COMMIT,
      session_name: this.rt.node.sessionName,
    };
  }

  private gcsHealthz(res: ServerResponse, head: boolean): void {
    if (this.rt.isGcsHealthy())
      send(res, 200, 'success', 'application/text; charset=utf-8', {}, head);
    else
      sendText(
        res,
        503,
        'Health check failed: GCS is not reachable (simulated by the devserver).',
        {},
        head,
      );
  }

  private authenticate(req: IncomingMessage, res: ServerResponse): void {
    const token = this.rt.settings.authToken;
    if (token === undefined)
      return sendText(res, 401, 'Unauthorized: Authentication is not enabled');
    const credential = header(req, 'authorization') ?? header(req, 'x-ray-authorization');
    if (credential === undefined)
      return sendText(res, 401, 'Unauthorized: Missing authentication token');
    if (!sameSecret(credential, `Bearer ${token}`))
      return sendText(res, 403, 'Forbidden: Invalid authentication token');
    sendJson(
      res,
      200,
      { status: 'authenticated', message: 'Token is valid' },
      { 'Set-Cookie': `${AUTH_COOKIE}=${token}; HttpOnly; Path=/; SameSite=Strict` },
    );
  }

  private getApplications(req: IncomingMessage, res: ServerResponse, head: boolean): void {
    if (!this.rt.controllerAvailable) {
      return sendText(
        res,
        503,
        'Failed to get a response from the controller. The GCS may be down, please retry later: ray.exceptions.RayTaskError: Serve controller is unavailable (simulated by the devserver).',
        {},
        head,
      );
    }
    const apiType = requestUrl(req).searchParams.get('api_type');
    if (apiType !== null && apiType !== 'declarative' && apiType !== 'imperative') {
      return sendText(
        res,
        400,
        `Invalid 'api_type' value: '${apiType}'. Must be one of: imperative, declarative`,
        {},
        head,
      );
    }
    const body = this.rt.renderer.render(this.rt.serve, this.rt.clock.now());
    if (
      apiType !== null &&
      typeof body['applications'] === 'object' &&
      body['applications'] !== null
    ) {
      const apps = body['applications'] as Record<string, { source?: string }>;
      body['applications'] = Object.fromEntries(
        Object.entries(apps).filter(([, a]) => a.source === apiType),
      );
    }
    sendJson(res, 200, body, {}, head);
  }

  private async putApplications(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const max = this.rt.settings.maxBodyBytes;
    const body = await readBody(req, max);
    if (!body.ok) {
      return sendText(
        res,
        500,
        entityTooLargeTraceback(
          'ray/dashboard/modules/serve/serve_head.py',
          'put_all_applications',
          'config: ServeDeploySchema = ServeDeploySchema.parse_obj(await req.json())',
          max,
          body.received,
        ),
      );
    }
    const text = body.bytes.toString('utf8');
    const parsed = parseJson(body.bytes);
    if (!parsed.ok) return sendText(res, 500, jsonDecodeTraceback(text, parsed.error));
    const validation = validateServeDeploy(parsed.value, {
      strictExtras: this.rt.settings.strictExtras,
      behaviour: this.rt.settings.behaviour,
    });
    if (!validation.ok) return sendText(res, 400, validation.text);
    this.rt.serve.apply(validation.config);
    this.rt.logger.info('serve config applied', {
      applications: validation.config.applications.map((a) => a.name ?? 'default'),
    });
    this.onPut(validation.config.applications.map((a) => a.name ?? 'default'));
    this.rt.persist();
    sendEmpty(res);
  }

  private deleteApplications(res: ServerResponse): void {
    this.rt.serve.shutdown();
    this.rt.logger.info('serve shut down');
    this.rt.persist();
    sendEmpty(res);
  }

  private getPackage(res: ServerResponse, [protocol, name]: string[], head: boolean): void {
    const uri = `${protocol}://${name}`;
    if (protocol === 'gcs' && name !== undefined && this.rt.packages.has(name))
      return send(res, 200, '', 'application/octet-stream', {}, head);
    sendText(res, 404, `Package ${uri} does not exist`, {}, head);
  }

  private async putPackage(
    req: IncomingMessage,
    res: ServerResponse,
    [protocol, name]: string[],
  ): Promise<void> {
    const max = this.rt.settings.maxBodyBytes;
    const body = await readBody(req, max);
    if (!body.ok) {
      return sendText(
        res,
        500,
        entityTooLargeTraceback(
          'ray/dashboard/modules/job/job_head.py',
          'upload_package',
          'data=await req.read()',
          max,
          body.received,
        ),
      );
    }
    if (protocol !== 'gcs' || name === undefined) {
      return sendText(
        res,
        500,
        genericTraceback(
          'ray/dashboard/modules/job/job_head.py',
          'upload_package',
          'upload_package_to_gcs(package_uri, await req.read())',
          'RuntimeError',
          `Only gcs:// packages can be uploaded; got ${protocol}://${name}.`,
        ),
      );
    }
    this.rt.packages.put(name, new Uint8Array(body.bytes));
    this.rt.logger.info('package stored', { uri: `gcs://${name}`, bytes: body.bytes.length });
    this.rt.persist();
    sendEmpty(res);
  }
}
