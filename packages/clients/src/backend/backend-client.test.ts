import { afterEach, describe, expect, it } from '@jest/globals';
import type { RecordingServer } from '@synapse-sdk/test-kit';
import { failure, sendJson, sendText, startRecordingServer } from '@synapse-sdk/test-kit';

import { RequestValidationError, ResponseValidationError, ServerError } from '../http/errors.js';
import { BackendClient } from './backend-client.js';
import type { ServeApplicationCreateRequest, UpdateJobRequest } from './schemas.js';

const FAST = { retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 } };

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function backend(
  handler: Parameters<typeof startRecordingServer>[0],
  extra: Partial<ConstructorParameters<typeof BackendClient>[0]> = {},
): Promise<BackendClient> {
  server = await startRecordingServer(handler);
  return new BackendClient({
    baseUrl: `${server.url}/api/v1`,
    accessToken: 'access-tok-1111',
    ...FAST,
    ...extra,
  });
}

describe('BackendClient', () => {
  describe('.fromEnv', () => {
    it('prefers SYNAPSE_PLUGIN_RUN_HOST and sends SYNAPSE_ACCESS_TOKEN', async () => {
      server = await startRecordingServer((_req, res) => sendJson(res, 200, { id: 1 }));
      const client = BackendClient.fromEnv({
        SYNAPSE_PLUGIN_RUN_HOST: server.url,
        SYNAPSE_HOST: 'http://other.invalid',
        SYNAPSE_ACCESS_TOKEN: 'env-token-2222',
      });
      expect(client?.baseUrl).toBe(`${server.url}/`);
      await client?.createServeApplication({ name: 'a', plugin_release: 1, action: 'deployment' });
      expect(server.requests[0]?.headers['synapse-access-token']).toBe('Token env-token-2222');
    });

    it('falls back to SYNAPSE_HOST and is undefined without a host', () => {
      expect(BackendClient.fromEnv({ SYNAPSE_HOST: 'https://api.example/' })?.baseUrl).toBe(
        'https://api.example/',
      );
      expect(BackendClient.fromEnv({ SYNAPSE_ACCESS_TOKEN: 'x' })).toBeUndefined();
    });
  });

  describe('headers', () => {
    it('sends each token header exactly as the Python SDK, only when set', async () => {
      const client = await backend((_req, res) => sendJson(res, 200, { results: [] }), {
        authorizationToken: 'auth-tok-3333',
        tenant: 'tenant-4444',
        agentToken: 'agent-tok-5555',
      });
      await client.listServeApplicationsPage();
      const request = server?.requests[0];
      expect(request?.headers['synapse-access-token']).toBe('Token access-tok-1111');
      expect(request?.headers.authorization).toBe('Token auth-tok-3333');
      expect(request?.headers['synapse-tenant']).toBe('Token tenant-4444');
      expect(request?.headers['synapse-agent']).toBe('Token agent-tok-5555');
    });

    it('leaves unset ones out', async () => {
      const client = await backend((_req, res) => sendJson(res, 200, { results: [] }));
      await client.listServeApplicationsPage();
      const headers = server?.requests[0]?.headers ?? {};
      expect([headers.authorization, headers['synapse-tenant'], headers['synapse-agent']]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });
  });

  describe('.createServeApplication', () => {
    it('POSTs serve_applications/ with num_replicas defaulting to 1', async () => {
      const client = await backend((_req, res) => sendJson(res, 201, { id: 17, name: 'a' }));
      const created = await client.createServeApplication({
        name: 'a',
        plugin_release: 3,
        action: 'deployment',
        params: { x: 1 },
      });
      expect(created).toEqual({ id: 17, name: 'a' });
      const request = server?.requests[0];
      expect([request?.method, request?.url]).toEqual(['POST', '/api/v1/serve_applications/']);
      expect(request?.json).toEqual({
        name: 'a',
        plugin_release: 3,
        action: 'deployment',
        params: { x: 1 },
        num_replicas: 1,
      });
    });

    it('refuses unknown keys and missing fields before sending', async () => {
      const client = await backend((_req, res) => sendJson(res, 201, { id: 1 }));
      const bad = {
        job: 1,
        status: 'RUNNING',
        data: {},
      } as unknown as ServeApplicationCreateRequest;
      const error = (await failure(client.createServeApplication(bad))) as RequestValidationError;
      expect(error).toBeInstanceOf(RequestValidationError);
      expect(error.issues.map((i) => i.path).sort()).toEqual([
        'action',
        'data',
        'job',
        'name',
        'plugin_release',
        'status',
      ]);
      expect(server?.requests).toHaveLength(0);
    });

    it('is sent once on 503 without an idempotency key', async () => {
      const client = await backend((_req, res) => sendText(res, 503, 'busy'));
      expect(
        await failure(client.createServeApplication({ name: 'a', plugin_release: 1, action: 'd' })),
      ).toBeInstanceOf(ServerError);
      expect(server?.requests).toHaveLength(1);
    });

    it('is retried with its idempotency key', async () => {
      let calls = 0;
      const client = await backend((_req, res) =>
        ++calls < 3 ? sendText(res, 503, 'busy') : sendJson(res, 201, { id: 5 }),
      );
      const created = await client.createServeApplication(
        { name: 'a', plugin_release: 1, action: 'd' },
        { idempotencyKey: 'job-9-register' },
      );
      expect(created.id).toBe(5);
      expect(server?.requests.map((r) => r.headers['idempotency-key'])).toEqual([
        'job-9-register',
        'job-9-register',
        'job-9-register',
      ]);
    });
  });

  describe('.listServeApplications', () => {
    it('follows absolute next links and returns every result', async () => {
      const client = await backend((req, res) => {
        const base = server?.url ?? '';
        if (req.url === '/api/v1/serve_applications/?page_size=100&plugin_release=3') {
          sendJson(res, 200, {
            count: 3,
            next: `${base}/api/v1/serve_applications/?page=2&page_size=100`,
            previous: null,
            results: [{ id: 1 }, { id: 2 }],
          });
        } else if (req.url === '/api/v1/serve_applications/?page=2&page_size=100') {
          sendJson(res, 200, { count: 3, next: null, previous: 'x', results: [{ id: 3 }] });
        } else {
          sendText(res, 404, 'nope');
        }
      });
      const all = await client.listServeApplications({ plugin_release: 3 });
      expect(all.map((a) => a.id)).toEqual([1, 2, 3]);
      expect(server?.requests).toHaveLength(2);
    });

    it('returns one page with listServeApplicationsPage', async () => {
      const client = await backend((_req, res) =>
        sendJson(res, 200, { count: 5, next: 'http://x/?page=2', results: [{ id: 1 }] }),
      );
      const page = await client.listServeApplicationsPage({ page_size: 1 });
      expect(page).toEqual({ count: 5, next: 'http://x/?page=2', results: [{ id: 1 }] });
      expect(server?.requests[0]?.url).toBe('/api/v1/serve_applications/?page_size=1');
    });

    it('refuses to follow a next link to another origin', async () => {
      const client = await backend((_req, res) =>
        sendJson(res, 200, { next: 'http://evil.example/steal', results: [{ id: 1 }] }),
      );
      const error = (await failure(client.listServeApplications())) as ResponseValidationError;
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect(error.message).toContain('points at another origin');
      expect(server?.requests).toHaveLength(1);
    });

    it('stops on a next link that loops', async () => {
      const client = await backend((_req, res) =>
        sendJson(res, 200, {
          next: `${server?.url ?? ''}/api/v1/serve_applications/?page=2`,
          results: [{ id: 1 }],
        }),
      );
      const error = (await failure(client.listServeApplications())) as ResponseValidationError;
      expect(error.message).toContain('repeats a page');
    });
  });

  describe('.updateJob', () => {
    it('PATCHes jobs/{id}/ with the validated body', async () => {
      const client = await backend((_req, res) =>
        sendJson(res, 200, { id: 42, status: 'running' }),
      );
      const data: UpdateJobRequest = {
        status: 'running',
        progress_record: { record: { percent: 50 } },
      };
      expect(await client.updateJob(42, data)).toEqual({ id: 42, status: 'running' });
      const request = server?.requests[0];
      expect([request?.method, request?.url, request?.json]).toEqual([
        'PATCH',
        '/api/v1/jobs/42/',
        data,
      ]);
    });

    it('reads an empty answer as {}', async () => {
      const client = await backend((_req, res) => {
        res.writeHead(204);
        res.end();
      });
      expect(await client.updateJob('7', { result: { ok: true } })).toEqual({});
    });

    it('refuses an unknown status before sending', async () => {
      const client = await backend((_req, res) => sendJson(res, 200, {}));
      const error = (await failure(
        client.updateJob(1, { status: 'done' } as unknown as UpdateJobRequest),
      )) as RequestValidationError;
      expect(error.issues.map((i) => i.path)).toEqual(['status']);
      expect(server?.requests).toHaveLength(0);
    });

    it('is not retried (PATCH without a key)', async () => {
      const client = await backend((_req, res) => sendText(res, 502, 'bad gateway'));
      await failure(client.updateJob(1, { status: 'failed' }));
      expect(server?.requests).toHaveLength(1);
    });
  });

  describe('.createLogs', () => {
    const entry = {
      event: 'deploy',
      data: { app: 'x' },
      datetime: '2026-01-01 00:00:00.000000',
      job: 4,
    };

    it('sends a single-item list unwrapped', async () => {
      const client = await backend((_req, res) => sendJson(res, 201, { id: 1 }));
      expect(await client.createLogs([entry])).toEqual({ id: 1 });
      expect([
        server?.requests[0]?.method,
        server?.requests[0]?.url,
        server?.requests[0]?.json,
      ]).toEqual(['POST', '/api/v1/logs/', entry]);
    });

    it('sends several entries as a list', async () => {
      const client = await backend((_req, res) => sendJson(res, 201, [{ id: 1 }, { id: 2 }]));
      await client.createLogs([entry, { ...entry, event: 'done' }]);
      expect(server?.requests[0]?.json).toEqual([entry, { ...entry, event: 'done' }]);
    });

    it('refuses an entry with a wrong type before sending', async () => {
      const client = await backend((_req, res) => sendJson(res, 201, {}));
      const error = (await failure(
        client.createLogs([entry, { event: 5 } as unknown as typeof entry]),
      )) as RequestValidationError;
      expect(error.issues.map((i) => i.path)).toEqual(['1.event']);
      expect(server?.requests).toHaveLength(0);
    });
  });
});
