import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';

import { startTestDevServer } from '@synapse-sdk/test-kit';

import { ManualClock } from '../clock.js';
import type { DevServer } from '../dev-server.js';
import type { DevServerOptions } from '../options.js';
import { DEFAULT_TIMINGS } from '../options.js';

/** A response read completely. */
export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: Buffer;
  json<T = unknown>(): T;
}

/** Options of {@link http}. */
export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}

/** One request over node:http (no keep-alive, no browser headers), the whole body read. */
export function http(url: string, options: HttpOptions = {}): Promise<HttpResult> {
  const { method = 'GET', headers = {} } = options;
  let payload: Buffer | undefined;
  const finalHeaders: Record<string, string> = { ...headers };
  if (options.body !== undefined) {
    if (Buffer.isBuffer(options.body)) payload = options.body;
    else if (typeof options.body === 'string') payload = Buffer.from(options.body);
    else {
      payload = Buffer.from(JSON.stringify(options.body));
      finalHeaders['Content-Type'] ??= 'application/json';
    }
    finalHeaders['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: finalHeaders, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          body,
          json: <T>() => JSON.parse(text) as T,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A devserver on random ports with a manual clock, for one test file. */
export interface TestServer {
  dev: DevServer;
  clock: ManualClock;
  /** `GET /api/serve/applications/` as JSON. */
  details(): Promise<ServeDetailsBody>;
  /** `PUT /api/serve/applications/` with a JSON body. */
  put(body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  /** One app of the GET body. */
  app(name: string): Promise<AppDetailsBody | undefined>;
}

/** The parts of ServeInstanceDetails the tests read. */
export interface ServeDetailsBody {
  applications: Record<string, AppDetailsBody>;
  [key: string]: unknown;
}

/** The parts of ApplicationDetails the tests read. */
export interface AppDetailsBody {
  name: string;
  status: string;
  message: string;
  route_prefix: string | null;
  last_deployed_time_s: number;
  source: string;
  deployed_app_config?: Record<string, unknown>;
  deployments: Record<string, DeploymentDetailsBody>;
  [key: string]: unknown;
}

/** The parts of DeploymentDetails the tests read. */
export interface DeploymentDetailsBody {
  name: string;
  status: string;
  status_trigger: string;
  message: string;
  deployment_config: Record<string, unknown>;
  target_num_replicas: number;
  required_resources: Record<string, number>;
  replicas: { replica_id: string; state: string; start_time_s: number }[];
}

/** Starts a devserver with a ManualClock (unless one is given), its default timings, on random ports. */
export async function startTestServer(options: DevServerOptions = {}): Promise<TestServer> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const { server: dev } = await startTestDevServer({
    ...options,
    clock,
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
  });
  const url = `${dev.dashboardUrl}/api/serve/applications/`;
  const auth: Record<string, string> =
    options.authToken === undefined ? {} : { Authorization: `Bearer ${options.authToken}` };
  return {
    dev,
    clock,
    details: async () => (await http(url, { headers: auth })).json<ServeDetailsBody>(),
    put: (body, headers = {}) =>
      http(url, { method: 'PUT', body: body as object, headers: { ...auth, ...headers } }),
    app: async (name) =>
      (await http(url, { headers: auth })).json<ServeDetailsBody>().applications[name],
  };
}

/** A minimal valid app config. */
export function appConfig(
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name, route_prefix: `/${name}`, import_path: `${name}_module:app`, ...extra };
}
