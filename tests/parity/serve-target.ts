import type { HttpResult } from '../../packages/devserver/src/test-support/http.js';
import { http } from '../../packages/devserver/src/test-support/http.js';
import { instanceDetailsProblems } from '../support/ray-2.58-schemas.js';

/**
 * Something that speaks the Ray dashboard's Serve REST API and runs a Serve proxy: the devserver,
 * or a real Ray head. Both run with token auth. The parity suite is written against this only,
 * so every test runs unchanged on both.
 */
export interface ServeTarget {
  /** Shown in test names, e.g. `devserver` or `ray 2.58.0`. */
  name: string;
  dashboardUrl: string;
  /** The Serve HTTP proxy. */
  serveUrl: string;
  /** `Authorization: Bearer <token>` opens the dashboard. */
  token: string;
}

/** Which credential a request carries. */
export type Credential = 'token' | 'none' | 'wrong';

/** Options of {@link dashboardRequest}. */
export interface DashboardRequest {
  method?: string;
  body?: string | Buffer | object;
  headers?: Record<string, string>;
  credential?: Credential;
}

/** One request to the target's dashboard (node:http: no browser headers unless given). */
export function dashboardRequest(
  target: ServeTarget,
  path: string,
  { method = 'GET', body, headers = {}, credential = 'token' }: DashboardRequest = {},
): Promise<HttpResult> {
  const auth: Record<string, string> =
    credential === 'token'
      ? { authorization: `Bearer ${target.token}` }
      : credential === 'wrong'
        ? { authorization: `Bearer not-${target.token}` }
        : {};
  return http(`${target.dashboardUrl}${path}`, {
    method,
    headers: { ...auth, ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

/** The parts of an application's details the suite reads. */
export interface AppView {
  name: string;
  status: string;
  message: string;
  route_prefix: string | null;
  last_deployed_time_s: number;
  deployed_app_config?: Record<string, unknown>;
  deployments: Record<
    string,
    { status: string; message: string; replicas: { replica_id: string; state: string }[] }
  >;
}

/** The parts of `GET /api/serve/applications/` the suite reads. */
export interface DetailsView {
  applications: Record<string, AppView>;
  controller_info: Record<string, unknown>;
  proxies: Record<string, { status: string }>;
  [key: string]: unknown;
}

/**
 * `GET /api/serve/applications/`, checked against Ray 2.58's schema on every call: whatever a test
 * looks at has Ray's shape too.
 */
export async function details(target: ServeTarget): Promise<DetailsView> {
  const res = await dashboardRequest(target, '/api/serve/applications/');
  if (res.status !== 200) throw new Error(`GET details: ${res.status} ${res.text}`);
  const body = res.json<DetailsView>();
  const problems = instanceDetailsProblems(body);
  if (problems.length > 0) {
    throw new Error(
      `${target.name}: GET /api/serve/applications/ does not match Ray 2.58's schema:\n${problems.join('\n')}`,
    );
  }
  return body;
}

/** `PUT /api/serve/applications/` with a JSON body. */
export function putConfig(
  target: ServeTarget,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return dashboardRequest(target, '/api/serve/applications/', {
    method: 'PUT',
    body: body as object,
    headers,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the details until `check` returns a value (not undefined), and returns it. On timeout the
 * error shows the last body, so a failure says what the target was doing.
 */
export async function waitFor<T>(
  target: ServeTarget,
  what: string,
  check: (body: DetailsView) => T | undefined | Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: DetailsView | undefined;
  while (Date.now() < end) {
    last = await details(target);
    const value = await check(last);
    if (value !== undefined) return value;
    await sleep(100);
  }
  const apps = Object.fromEntries(
    Object.entries(last?.applications ?? {}).map(([n, a]) => [
      n,
      { status: a.status, message: a.message.slice(-400) },
    ]),
  );
  throw new Error(
    `${target.name}: ${what} did not happen in ${timeoutMs} ms; apps: ${JSON.stringify(apps)}`,
  );
}

/** Waits until application `name` has `status`, and returns it. */
export function waitForStatus(
  target: ServeTarget,
  name: string,
  status: string,
  timeoutMs?: number,
): Promise<AppView> {
  return waitFor(
    target,
    `${name} reaching ${status}`,
    (body) => {
      const app = body.applications[name];
      return app?.status === status ? app : undefined;
    },
    timeoutMs,
  );
}

/** The `http_options` that keep the target's proxy on 127.0.0.1 and its own port. */
export function pinnedHttpOptions(target: ServeTarget): { host: string; port: number } {
  return { host: '127.0.0.1', port: Number(new URL(target.serveUrl).port) };
}

/**
 * Back to no applications, with Serve running and its proxy healthy on the pinned port (after a
 * DELETE, this PUT starts Serve again there rather than on 0.0.0.0:8000).
 */
export async function resetTarget(target: ServeTarget): Promise<void> {
  const res = await putConfig(target, {
    applications: [],
    http_options: pinnedHttpOptions(target),
  });
  if (res.status !== 200)
    throw new Error(`${target.name}: reset PUT answered ${res.status} ${res.text}`);
  await waitFor(target, 'every application gone and the proxy healthy', (body) => {
    const proxies = Object.values(body.proxies);
    const healthy = proxies.length > 0 && proxies.every((p) => p.status === 'HEALTHY');
    return Object.keys(body.applications).length === 0 && healthy ? true : undefined;
  });
}

/** A request to the target's Serve proxy. */
export function proxyRequest(
  target: ServeTarget,
  path: string,
  options: { method?: string; body?: object } = {},
): Promise<HttpResult> {
  return http(`${target.serveUrl}${path}`, options);
}
