import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer } from '@synapse-sdk/test-kit';

import type {
  RunSynapseOptions,
  SynapseRun,
} from '../../../packages/cli/src/test-support/run-synapse.js';
import { runSynapse } from '../../../packages/cli/src/test-support/run-synapse.js';
import type { ServeTarget } from '../../parity/serve-target.js';
import type { Exchange } from '../../support/recording-proxy.js';
import { rayLane } from './lane-env.js';

/**
 * What an end-to-end test needs around the real head: the head as a {@link ServeTarget}, a
 * Synapse backend (the devserver's, which records what is registered) and the environment that
 * points the built `synapse` at both.
 */
export interface RayE2e {
  target: ServeTarget;
  backend: TestDevServer;
  /** RAY_DASHBOARD_ADDRESS, RAY_AUTH_TOKEN, RAY_SERVE_URL, SYNAPSE_HOST/ACCESS_TOKEN, SYNAPSE_LOCK_DIR. */
  env: Record<string, string>;
  /** Runs the built `synapse` against the head with {@link env} plus `extra`. */
  synapse(
    args: string[],
    extra?: Record<string, string>,
    options?: RunSynapseOptions,
  ): Promise<SynapseRun>;
  close(): Promise<void>;
}

/** Sets up {@link RayE2e} for one test file. */
export async function startRayE2e(): Promise<RayE2e> {
  const lane = rayLane();
  const target: ServeTarget = {
    name: 'ray 2.58.0',
    dashboardUrl: lane.dashboardUrl,
    serveUrl: lane.serveUrl,
    token: lane.token,
  };
  const backend = await startTestDevServer();
  const lockDir = await mkdtemp(join(tmpdir(), 'synapse-ray-e2e-locks-'));
  const env = {
    RAY_DASHBOARD_ADDRESS: lane.dashboardUrl,
    RAY_AUTH_TOKEN: lane.token,
    RAY_SERVE_URL: lane.serveUrl,
    SYNAPSE_HOST: backend.env['SYNAPSE_HOST'] ?? '',
    SYNAPSE_ACCESS_TOKEN: backend.env['SYNAPSE_ACCESS_TOKEN'] ?? '',
    SYNAPSE_LOCK_DIR: lockDir,
  };
  return {
    target,
    backend,
    env,
    synapse: (args, extra = {}, options = {}) =>
      runSynapse(args, {
        timeoutMs: 240_000,
        ...options,
        env: { ...env, ...extra, ...options.env },
      }),
    close: async () => {
      await backend.stop();
      await rm(lockDir, { recursive: true, force: true });
    },
  };
}

/** What a {@link startRequestLoop} saw. */
export interface RequestTally {
  ok: number;
  failed: number;
  /** The first few failures (status and body, or the error). */
  failures: string[];
}

/**
 * Sends requests to `url` one after another, as a client would during a deploy, until `stop()`.
 * Anything but a 200 within 30 s counts as failed.
 */
export function startRequestLoop(url: string, body?: unknown): { stop(): Promise<RequestTally> } {
  const tally: RequestTally = { ok: 0, failed: 0, failures: [] };
  let running = true;
  const fail = (what: string) => {
    tally.failed++;
    if (tally.failures.length < 5) tally.failures.push(what);
  };
  const once = () =>
    new Promise<void>((resolve) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        url,
        {
          method: payload ? 'POST' : 'GET',
          agent: false,
          timeout: 30_000,
          headers: payload ? { 'content-type': 'application/json' } : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            if (res.statusCode === 200) tally.ok++;
            else fail(`${res.statusCode} ${text.slice(0, 200)}`);
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', (error) => {
        fail(error.message);
        resolve();
      });
      req.end(payload);
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return tally;
    },
  };
}

/**
 * Seconds from the PUT that deployed `app` to the first GET that showed it RUNNING with that
 * config, from what a recording proxy saw; undefined when it saw no such pair.
 */
export function putToRunningSeconds(
  exchanges: readonly Exchange[],
  app: string,
): number | undefined {
  const put = [...exchanges]
    .reverse()
    .find(
      (e) =>
        e.method === 'PUT' &&
        e.path === '/api/serve/applications/' &&
        e.status === 200 &&
        (
          JSON.parse(e.requestBody.toString('utf8')) as { applications: { name?: string }[] }
        ).applications.some((a) => a.name === app),
    );
  if (!put) return undefined;
  const running = exchanges.find((e) => {
    if (e.startedAt < put.endedAt || e.method !== 'GET' || e.path !== '/api/serve/applications/')
      return false;
    const body = JSON.parse(e.responseBody.toString('utf8')) as {
      applications?: Record<string, { status: string }>;
    };
    return body.applications?.[app]?.status === 'RUNNING';
  });
  return running ? (running.endedAt - put.startedAt) / 1000 : undefined;
}
