import { readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@synapse-sdk/core';
import { CancelledError } from '@synapse-sdk/core';
import type { RecordingServer } from '@synapse-sdk/test-kit';
import {
  closedPort,
  failure,
  ManualClock,
  replyLater,
  sendJson,
  sendText,
  startRecordingServer,
} from '@synapse-sdk/test-kit';
import { z } from 'zod';

import { USER_AGENT } from '../version.js';
import {
  AuthError,
  ClientConnectionError,
  ClientError,
  ClientTimeoutError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  UnexpectedStatusError,
} from './errors.js';
import type { HttpClientOptions, RetryEvent } from './http-client.js';
import { HttpClient } from './http-client.js';
import { RAY_DASHBOARD_SERVICE } from './service.js';
import { parseBaseUrl } from './url.js';

const FAST_RETRY = { attempts: 3, initialDelayMs: 1, maxDelayMs: 5, jitter: 0 };

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(url: string, options: Partial<HttpClientOptions> = {}): HttpClient {
  const baseUrl = parseBaseUrl(url);
  if (!baseUrl) throw new Error(`bad test url ${url}`);
  return new HttpClient({
    service: RAY_DASHBOARD_SERVICE,
    baseUrl,
    timeouts: { connectMs: 1_000, readMs: 2_000 },
    retry: FAST_RETRY,
    ...options,
  });
}

describe('HttpClient', () => {
  describe('.request', () => {
    it('joins the path as given, keeping the trailing slash and the base path', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 200, 'ok'));
      await client(`${server.url}/prefix`).request({
        method: 'GET',
        path: '/api/serve/applications/',
      });
      await client(server.url).request({
        method: 'GET',
        path: 'ray/serve_applications/a',
        searchParams: { x: 1, y: undefined },
      });
      expect(server.requests.map((r) => r.url)).toEqual([
        '/prefix/api/serve/applications/',
        '/ray/serve_applications/a?x=1',
      ]);
    });

    it('sends our own User-Agent and no browser headers', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 200, ''));
      await client(server.url).request({ method: 'PUT', path: 'x/', json: { a: 1 } });
      const [request] = server.requests;
      expect(request?.headers['user-agent']).toBe(USER_AGENT);
      const { version } = JSON.parse(
        readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
      ) as { version: string };
      expect(USER_AGENT).toBe(`synapse-sdk-ts/${version} (node/${process.versions.node})`);
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.json).toEqual({ a: 1 });
      const names = request?.rawHeaderNames.map((n) => n.toLowerCase()) ?? [];
      expect(
        names.filter((n) => n === 'origin' || n === 'referer' || n.startsWith('sec-fetch-')),
      ).toEqual([]);
    });

    it('sends a raw body with its content type', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 200, ''));
      await client(server.url).request({
        method: 'PUT',
        path: 'p',
        body: new Uint8Array([80, 75, 3, 4]),
        contentType: 'application/zip',
      });
      expect(server.requests[0]?.headers['content-type']).toBe('application/zip');
      expect([...(server.requests[0]?.body ?? [])]).toEqual([80, 75, 3, 4]);
    });

    it('returns accepted non-2xx statuses instead of throwing', async () => {
      server = await startRecordingServer((_req, res) =>
        sendText(res, 404, 'Package gcs://x.zip does not exist'),
      );
      const response = await client(server.url).request({
        method: 'GET',
        path: 'p',
        acceptStatuses: [404],
      });
      expect(response.status).toBe(404);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('when the server answers an error status', () => {
    const cases: [number, new (...args: never[]) => ClientError, string][] = [
      [400, RequestValidationError, 'HTTP_VALIDATION'],
      [422, RequestValidationError, 'HTTP_VALIDATION'],
      [401, AuthError, 'HTTP_AUTH'],
      [403, AuthError, 'HTTP_AUTH'],
      [404, NotFoundError, 'HTTP_NOT_FOUND'],
      [405, UnexpectedStatusError, 'HTTP_STATUS'],
      [409, UnexpectedStatusError, 'HTTP_STATUS'],
      [429, RateLimitError, 'HTTP_RATE_LIMIT'],
      [500, ServerError, 'HTTP_SERVER'],
      [501, ServerError, 'HTTP_SERVER'],
    ];
    it.each(cases)('maps %i to the right class and code, once', async (status, type, code) => {
      server = await startRecordingServer((_req, res) =>
        sendText(res, status, `  server says ${status}\n`),
      );
      const error = await failure(client(server.url).request({ method: 'GET', path: '/api/x/' }));
      expect(error).toBeInstanceOf(type);
      expect(error).toBeInstanceOf(ClientError);
      const e = error as ClientError;
      expect(e.code).toBe(code);
      expect(e.status).toBe(status);
      expect(e.service).toBe('Ray dashboard');
      expect(e.method).toBe('GET');
      expect(e.url).toBe(`${server?.url ?? ''}/api/x/`);
      expect(e.serverMessage).toBe(`server says ${status}`);
      expect(e.message).toContain(
        `Ray dashboard GET ${server?.url ?? ''}/api/x/ failed: ${status} `,
      );
      expect(server?.requests).toHaveLength(1);
    });

    it('formats the message with the status text and the server text', async () => {
      server = await startRecordingServer((_req, res) =>
        sendText(res, 400, "ValidationError(model='ServeDeploySchema')"),
      );
      const error = (await failure(
        client(server.url).request({ method: 'PUT', path: '/api/serve/applications/', json: {} }),
      )) as ClientError;
      expect(error.message).toBe(
        `Ray dashboard PUT ${server.url}/api/serve/applications/ failed: 400 Bad Request: ValidationError(model='ServeDeploySchema')`,
      );
    });

    it('names the token variable on 401 and 403', async () => {
      server = await startRecordingServer((req, res) =>
        req.headers.authorization
          ? sendText(res, 403, 'Forbidden: Invalid authentication token')
          : sendText(res, 401, 'Unauthorized: Missing authentication token'),
      );
      const missing = (await failure(
        client(server.url).request({ method: 'GET', path: 'a' }),
      )) as AuthError;
      expect(missing.message).toContain(
        '401 Unauthorized: Unauthorized: Missing authentication token; set RAY_AUTH_TOKEN',
      );
      const refused = (await failure(
        client(server.url, { headers: { authorization: 'Bearer wrong-token-1234' } }).request({
          method: 'GET',
          path: 'a',
        }),
      )) as AuthError;
      expect(refused.status).toBe(403);
      expect(refused.message).toContain('check RAY_AUTH_TOKEN');
    });

    it('trims a huge server text', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 500, 'x'.repeat(10_000)));
      const error = (await failure(
        client(server.url).request({ method: 'POST', path: 'a' }),
      )) as ServerError;
      expect(error.serverMessage?.length).toBeLessThan(2_100);
      expect(error.serverMessage).toContain('(8000 more characters)');
    });

    it('reads Retry-After on 429', async () => {
      server = await startRecordingServer((_req, res) =>
        sendText(res, 429, 'slow down', { 'retry-after': '7' }),
      );
      const error = (await failure(
        client(server.url).request({ method: 'GET', path: 'a' }),
      )) as RateLimitError;
      expect(error.retryAfterMs).toBe(7_000);
    });
  });

  describe('retries', () => {
    it('makes exactly `attempts` GET attempts on 503, then throws ServerError', async () => {
      server = await startRecordingServer((_req, res) =>
        sendText(res, 503, 'Failed to get a response from the controller'),
      );
      const events: RetryEvent[] = [];
      const error = await failure(
        client(server.url, {
          retry: { ...FAST_RETRY, attempts: 4 },
          onRetry: (e) => events.push(e),
        }).request({ method: 'GET', path: 'a' }),
      );
      expect(error).toBeInstanceOf(ServerError);
      expect(server.requests).toHaveLength(4);
      expect(events.map((e) => [e.attempt, e.attempts, e.status, e.reason])).toEqual([
        [1, 4, 503, '503 Service Unavailable'],
        [2, 4, 503, '503 Service Unavailable'],
        [3, 4, 503, '503 Service Unavailable'],
      ]);
    });

    it('waits the default backoff on its clock between attempts, honouring Retry-After', async () => {
      let calls = 0;
      server = await startRecordingServer((_req, res) =>
        ++calls === 2
          ? sendText(res, 503, 'busy', { 'retry-after': '2' })
          : sendText(res, 503, 'busy'),
      );
      const clock = new ManualClock({ autoAdvance: true });
      const error = await failure(
        client(server.url, { retry: { jitter: 0 }, clock }).request({ method: 'GET', path: 'a' }),
      );
      // 250 ms doubling, a Retry-After of 2 s raising the second wait: no real time spent.
      expect([error instanceof ServerError, server.requests.length, clock.sleeps]).toEqual([
        true,
        4,
        [250, 2_000, 1_000],
      ]);
    });

    it('succeeds when a later attempt succeeds', async () => {
      let calls = 0;
      server = await startRecordingServer((_req, res) =>
        ++calls < 3 ? sendText(res, 502, 'bad gateway') : sendJson(res, 200, { ok: true }),
      );
      const body = await client(server.url).requestJson(
        { method: 'DELETE', path: 'a' },
        z.object({ ok: z.boolean() }),
      );
      expect(body).toEqual({ ok: true });
      expect(server.requests).toHaveLength(3);
    });

    it('retries PUT and DELETE on 504', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 504, ''));
      await failure(client(server.url).request({ method: 'PUT', path: 'a', json: {} }));
      await failure(client(server.url).request({ method: 'DELETE', path: 'a' }));
      expect(server.requests.map((r) => r.method)).toEqual([
        'PUT',
        'PUT',
        'PUT',
        'DELETE',
        'DELETE',
        'DELETE',
      ]);
    });

    it('sends a POST without an idempotency key exactly once', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 503, 'busy'));
      const error = await failure(
        client(server.url).request({ method: 'POST', path: 'a', json: {} }),
      );
      expect(error).toBeInstanceOf(ServerError);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.headers['idempotency-key']).toBeUndefined();
    });

    it('retries a POST that carries an idempotency key, sending the same key each time', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 503, 'busy'));
      await failure(
        client(server.url).request({
          method: 'POST',
          path: 'a',
          json: {},
          idempotencyKey: 'run-42',
        }),
      );
      expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual([
        'run-42',
        'run-42',
        'run-42',
      ]);
    });

    it('does not retry other statuses', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 500, 'Traceback ...'));
      await failure(client(server.url).request({ method: 'GET', path: 'a' }));
      expect(server.requests).toHaveLength(1);
    });

    it('makes one attempt when the call disables retries', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 503, ''));
      await failure(client(server.url).request({ method: 'GET', path: 'a', retry: false }));
      expect(server.requests).toHaveLength(1);
    });

    it('retries connection resets for GET', async () => {
      server = await startRecordingServer((_req, _res, raw) => {
        raw.socket.destroy();
      });
      const error = (await failure(
        client(server.url).request({ method: 'GET', path: 'a' }),
      )) as ClientConnectionError;
      expect(error).toBeInstanceOf(ClientConnectionError);
      expect(error.code).toBe('HTTP_CONNECTION');
      expect(server.requests).toHaveLength(3);
    });

    it('does not retry a connection reset for a POST without key', async () => {
      server = await startRecordingServer((_req, _res, raw) => {
        raw.socket.destroy();
      });
      await failure(client(server.url).request({ method: 'POST', path: 'a', json: {} }));
      expect(server.requests).toHaveLength(1);
    });

    it('logs each retry at debug level (routine), without headers', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 503, ''));
      const lines: string[] = [];
      const logger: Logger = {
        debug: (m, d) => lines.push(`debug ${m} ${JSON.stringify(d)}`),
        info: (m, d) => lines.push(`info ${m} ${JSON.stringify(d)}`),
        warn: (m, d) => lines.push(`warn ${m} ${JSON.stringify(d)}`),
        error: (m, d) => lines.push(`error ${m} ${JSON.stringify(d)}`),
      };
      await failure(
        client(server.url, {
          logger,
          headers: { authorization: 'Bearer logged-token-5678' },
        }).request({ method: 'GET', path: 'a' }),
      );
      expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(0);
      expect(lines.filter((l) => l.includes('retrying in'))).toHaveLength(2);
      expect(lines.filter((l) => l.startsWith('debug'))).toHaveLength(5);
      expect(lines.join('\n')).not.toContain('logged-token-5678');
    });
  });

  describe('connection failures', () => {
    it('says what to check when nothing listens', async () => {
      const port = await closedPort();
      const error = (await failure(
        client(`http://127.0.0.1:${port}`).request({ method: 'GET', path: '/api/version' }),
      )) as ClientConnectionError;
      expect(error).toBeInstanceOf(ClientConnectionError);
      expect(error.message).toBe(
        `Ray dashboard GET http://127.0.0.1:${port}/api/version failed: connection refused (ECONNREFUSED); is the Ray dashboard running at http://127.0.0.1:${port}/? set RAY_DASHBOARD_ADDRESS to its address`,
      );
      expect(error.status).toBeUndefined();
    });
  });

  describe('timeouts', () => {
    it('raises ClientTimeoutError when the answer is slower than the read timeout, retrying GET', async () => {
      server = await startRecordingServer((_req, res) =>
        replyLater(2_000, () => sendText(res, 200, 'late')),
      );
      const error = (await failure(
        client(server.url, {
          timeouts: { connectMs: 1_000, readMs: 50 },
          retry: { ...FAST_RETRY, attempts: 2 },
        }).request({ method: 'GET', path: 'slow' }),
      )) as ClientTimeoutError;
      expect(error).toBeInstanceOf(ClientTimeoutError);
      expect(error.code).toBe('HTTP_TIMEOUT');
      expect(error.phase).toBe('read');
      expect(error.timeoutMs).toBe(50);
      expect(error.message).toContain('no answer within 50 ms (read timeout)');
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('cancellation', () => {
    it('aborts a request in flight with CancelledError', async () => {
      server = await startRecordingServer(() => undefined);
      const controller = new AbortController();
      const pending = failure(
        client(server.url).request({ method: 'GET', path: 'hang', signal: controller.signal }),
      );
      while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      const error = await pending;
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as CancelledError).code).toBe('CANCELLED');
      expect(server.requests).toHaveLength(1);
    });

    it('aborts during the backoff wait without another attempt', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 503, ''));
      const controller = new AbortController();
      const pending = failure(
        client(server.url, {
          retry: { attempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
        }).request({
          method: 'GET',
          path: 'a',
          signal: controller.signal,
        }),
      );
      while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      expect(await pending).toBeInstanceOf(CancelledError);
      expect(server.requests).toHaveLength(1);
    });

    it('sends nothing when the signal is already aborted', async () => {
      server = await startRecordingServer();
      const error = await failure(
        client(server.url).request({ method: 'GET', path: 'a', signal: AbortSignal.abort() }),
      );
      expect(error).toBeInstanceOf(CancelledError);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('.requestJson', () => {
    it('raises ResponseValidationError for malformed JSON', async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 200, '{"applications": '));
      const error = (await failure(
        client(server.url).requestJson({ method: 'GET', path: 'a' }, z.unknown()),
      )) as ResponseValidationError;
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect(error.code).toBe('HTTP_RESPONSE_INVALID');
      expect(error.message).toContain('the response is not valid JSON');
    });

    it('raises ResponseValidationError naming the field for a wrong shape', async () => {
      server = await startRecordingServer((_req, res) => sendJson(res, 200, { version: 4 }));
      const error = (await failure(
        client(server.url).requestJson(
          { method: 'GET', path: 'a' },
          z.object({ version: z.string() }),
        ),
      )) as ResponseValidationError;
      expect(error.issues.map((i) => i.path)).toEqual(['version']);
      expect(error.message).toContain('version: Invalid input: expected string, received number');
    });
  });
});
