import { inspect } from 'node:util';

import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@synapse-sdk/core';
import { ConsoleLogger } from '@synapse-sdk/core';
import type { RecordingServer } from '@synapse-sdk/test-kit';
import {
  closedPort,
  failure,
  replyLater,
  sendJson,
  sendText,
  startRecordingServer,
} from '@synapse-sdk/test-kit';

import { AgentClient } from './agent/agent-client.js';
import { BackendClient } from './backend/backend-client.js';
import type { RetryEvent } from './http/http-client.js';
import { RayServeClient } from './ray/ray-serve-client.js';

const RAY_TOKEN = 'rAyT0ken-leak-check-0001';
const ACCESS_TOKEN = 'acc3ss-leak-check-0002';
const AGENT_TOKEN = 'ag3nt-leak-check-0003';
const USER_TOKEN = 'us3r-leak-check-0004';
const URL_PASSWORD = 'urlPassw0rd-leak-0005';
const ALL = [RAY_TOKEN, ACCESS_TOKEN, AGENT_TOKEN, USER_TOKEN, URL_PASSWORD];

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Everything an error can show: message, string form, JSON, inspect output with its causes. */
function renderings(error: unknown): string[] {
  return [
    error instanceof Error ? error.message : '',
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
    error instanceof Error ? (error.stack ?? '') : '',
  ];
}

function capture(): { logger: Logger; lines: string[]; events: RetryEvent[] } {
  const lines: string[] = [];
  const stream = { write: (chunk: string) => lines.push(chunk) };
  return { logger: new ConsoleLogger({ level: 'debug', stream }), lines, events: [] };
}

function expectNoSecret(texts: readonly string[]): void {
  const joined = texts.join('\n');
  for (const secret of ALL) expect(joined).not.toContain(secret);
}

/** A server that echoes the credentials it got back in its error text, as careless servers do. */
function echoingHandler(status: number): Parameters<typeof startRecordingServer>[0] {
  return (req, res) =>
    sendText(
      res,
      status,
      `bad credentials: ${JSON.stringify(req.headers)} raw=${req.headers.authorization ?? ''}`,
    );
}

describe('secret redaction', () => {
  it.each([401, 403, 400, 500, 503])(
    'keeps tokens out of %i errors, logs and retry events of every client',
    async (status) => {
      server = await startRecordingServer(echoingHandler(status));
      const { logger, lines, events } = capture();
      const common = {
        logger,
        onRetry: (e: RetryEvent) => events.push(e),
        retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 },
      };
      const address = server.url.replace('http://', `http://admin:${URL_PASSWORD}@`);
      const ray = new RayServeClient({ address, token: RAY_TOKEN, ...common });
      const backend = new BackendClient({
        baseUrl: server.url,
        accessToken: ACCESS_TOKEN,
        authorizationToken: ACCESS_TOKEN,
        ...common,
      });
      const agent = new AgentClient({
        baseUrl: server.url,
        token: AGENT_TOKEN,
        userToken: USER_TOKEN,
        ...common,
      });
      const errors = [
        await failure(ray.getApplications()),
        await failure(ray.putApplications({ applications: [] })),
        await failure(
          backend.createServeApplication(
            { name: 'a', plugin_release: 1, action: 'd' },
            { idempotencyKey: 'k-1' },
          ),
        ),
        await failure(agent.getServeApplication('a')),
      ];
      expect(
        server.requests.some((r) => r.headers['x-ray-authorization'] === `Bearer ${RAY_TOKEN}`),
      ).toBe(true);
      expect(server.requests.some((r) => r.headers.authorization === AGENT_TOKEN)).toBe(true);
      expectNoSecret(errors.flatMap(renderings));
      expectNoSecret(lines);
      expectNoSecret(events.map((e) => JSON.stringify(e)));
      expect((errors[0] as Error).message).toContain('[REDACTED]');
      expect((errors[0] as Error).message).not.toContain('admin:');
    },
  );

  it('keeps tokens out of connection and timeout errors', async () => {
    const port = await closedPort();
    const ray = new RayServeClient({
      address: `http://127.0.0.1:${port}`,
      token: RAY_TOKEN,
      retry: { attempts: 1 },
    });
    server = await startRecordingServer((_req, res) =>
      replyLater(1_000, () => sendJson(res, 200, {})),
    );
    const agent = new AgentClient({
      baseUrl: server.url,
      token: AGENT_TOKEN,
      timeouts: { readMs: 20 },
      retry: { attempts: 1 },
    });
    const errors = [await failure(ray.getVersion()), await failure(agent.healthCheck())];
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
      'HTTP_CONNECTION',
      'HTTP_TIMEOUT',
    ]);
    expectNoSecret(errors.flatMap(renderings));
  });

  it('keeps tokens out of deploy failures that quote them', async () => {
    server = await startRecordingServer((_req, res) =>
      sendJson(res, 200, {
        applications: {
          web: {
            status: 'DEPLOY_FAILED',
            message: `Runtime env setup failed: RAY_AUTH_TOKEN=${RAY_TOKEN}`,
            last_deployed_time_s: 1,
            deployments: { M: { status: 'DEPLOY_FAILED', message: `token ${RAY_TOKEN} refused` } },
          },
        },
      }),
    );
    const ray = new RayServeClient({ address: server.url, token: RAY_TOKEN });
    const error = await failure(
      ray.waitForApplication('web', { timeoutMs: 1_000, pollIntervalMs: 1 }),
    );
    expectNoSecret(renderings(error));
    expect((error as Error).message).toContain('Runtime env setup failed');
  });
});
