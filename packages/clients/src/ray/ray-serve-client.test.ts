import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';
import { ConfigError } from '@synapse-sdk/core';
import type { RecordingServer } from '@synapse-sdk/test-kit';
import {
  closedPort,
  failure,
  sendJson,
  sendText,
  startRecordingServer,
} from '@synapse-sdk/test-kit';

import {
  AuthError,
  ClientConnectionError,
  NotFoundError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
} from '../http/errors.js';
import { DEFAULT_RAY_DASHBOARD_ADDRESS } from './dashboard-http.js';
import type { ServeDeployConfig } from './deploy-schema.js';
import { MAX_PACKAGE_BYTES, packagePathToUri, packageUriToPath } from './package-uri.js';
import { RayServeClient } from './ray-serve-client.js';

const FAST = { retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 } };
const TOKEN = 'ray-token-abcdef123456';
const PKG = 'gcs://_ray_pkg_0123456789abcdef.zip';
const CONFIG: ServeDeployConfig = {
  applications: [
    {
      name: 'app',
      route_prefix: '/app',
      import_path: 'builder:app',
      deployments: [{ name: 'M', num_replicas: 1 }],
    },
  ],
};
const INSTANCE = {
  controller_info: { node_id: 'n1' },
  proxy_location: 'EveryNode',
  applications: {
    app: {
      name: 'app',
      status: 'RUNNING',
      message: '',
      last_deployed_time_s: 1694042836.19,
      route_prefix: '/app',
      source: 'declarative',
      deployed_app_config: CONFIG.applications[0],
      deployments: {
        M: {
          name: 'M',
          status: 'HEALTHY',
          message: '',
          replicas: [{ replica_id: 'r1', state: 'RUNNING' }],
        },
      },
      some_new_field: { x: 1 },
    },
  },
  target_groups: [],
};

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function ray(
  handler: Parameters<typeof startRecordingServer>[0],
  token?: string,
): Promise<RayServeClient> {
  server = await startRecordingServer(handler);
  return new RayServeClient({ address: server.url, token, ...FAST });
}

describe('RayServeClient', () => {
  describe('.fromEnv', () => {
    it('reads RAY_DASHBOARD_ADDRESS and RAY_AUTH_TOKEN', async () => {
      server = await startRecordingServer((_req, res) =>
        sendJson(res, 200, { version: '4', ray_version: '2.46.0' }),
      );
      const client = RayServeClient.fromEnv({
        RAY_DASHBOARD_ADDRESS: server.url,
        RAY_AUTH_TOKEN: TOKEN,
      });
      expect(client.address).toBe(`${server.url}/`);
      await client.getVersion();
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('defaults to http://localhost:8265 without a token', () => {
      const client = RayServeClient.fromEnv({});
      expect(DEFAULT_RAY_DASHBOARD_ADDRESS).toBe('http://localhost:8265');
      expect(client.address).toBe('http://localhost:8265/');
    });

    it('refuses an address that is not http(s)', () => {
      expect(() => RayServeClient.fromEnv({ RAY_DASHBOARD_ADDRESS: 'ray://head:10001' })).toThrow(
        ConfigError,
      );
      expect(() => RayServeClient.fromEnv({ RAY_DASHBOARD_ADDRESS: 'ray://head:10001' })).toThrow(
        /RAY_DASHBOARD_ADDRESS/,
      );
    });

    it('refuses an address that is set but empty instead of using the default', () => {
      expect(() => RayServeClient.fromEnv({ RAY_DASHBOARD_ADDRESS: ' ' })).toThrow(
        'RAY_DASHBOARD_ADDRESS: is set but empty',
      );
      expect(() => RayServeClient.fromEnv({ RAY_DASHBOARD_ADDRESS: 'htp:/x' })).toThrow(
        'RAY_DASHBOARD_ADDRESS: "htp:/x" is not an http(s) URL',
      );
    });
  });

  describe('.getVersion', () => {
    it('GETs /api/version and parses it', async () => {
      const version = {
        version: '4',
        ray_version: '2.46.0',
        ray_commit: 'c3f',
        session_name: 'session_1',
      };
      const client = await ray((_req, res) => sendJson(res, 200, version), TOKEN);
      expect(await client.getVersion()).toEqual(version);
      expect(server?.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
        ['GET', '/api/version', `Bearer ${TOKEN}`],
      ]);
    });

    it('after prefetchVersion, answers the first call with that request and asks again after', async () => {
      let asked = 0;
      const client = await ray((_req, res) =>
        sendJson(res, 200, { version: '4', ray_version: `2.58.${asked++}` }),
      );
      client.prefetchVersion();
      const first = await client.getVersion();
      const second = await client.getVersion();
      expect([first.ray_version, second.ray_version, server?.requests.length]).toEqual([
        '2.58.0',
        '2.58.1',
        2,
      ]);
    });

    it('keeps the failure of a prefetched request for the call that takes it', async () => {
      const port = await closedPort();
      const client = new RayServeClient({ address: `http://127.0.0.1:${port}`, ...FAST });
      client.prefetchVersion();
      // Nothing awaits the request meanwhile: its failure must not be an unhandled rejection.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await failure(client.getVersion())).toBeInstanceOf(ClientConnectionError);
    });

    it('refuses an answer without ray_version', async () => {
      const client = await ray((_req, res) => sendJson(res, 200, { version: '4' }));
      const error = (await failure(client.getVersion())) as ResponseValidationError;
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect(error.message).toContain('ray_version');
    });

    it('moves the token to X-Ray-Authorization when the address carries basic auth', async () => {
      server = await startRecordingServer((_req, res) =>
        sendJson(res, 200, { version: '4', ray_version: '2.52.0' }),
      );
      const client = new RayServeClient({
        address: server.url.replace('http://', 'http://proxy:pw-1234@'),
        token: TOKEN,
      });
      await client.getVersion();
      expect(server.requests[0]?.headers.authorization).toBe(
        `Basic ${Buffer.from('proxy:pw-1234').toString('base64')}`,
      );
      expect(server.requests[0]?.headers['x-ray-authorization']).toBe(`Bearer ${TOKEN}`);
      expect(client.address).toBe(`${server.url}/`);
    });

    it('sends no Authorization header without a token', async () => {
      const client = await ray((_req, res) =>
        sendJson(res, 200, { version: '4', ray_version: '2.9.0' }),
      );
      await client.getVersion();
      expect(server?.requests[0]?.headers.authorization).toBeUndefined();
    });
  });

  describe('.getAuthMode', () => {
    it('GETs /api/authentication_mode', async () => {
      const client = await ray((_req, res) => sendJson(res, 200, { authentication_mode: 'token' }));
      expect(await client.getAuthMode()).toBe('token');
      expect(server?.requests[0]?.url).toBe('/api/authentication_mode');
    });
  });

  describe('.checkHealth', () => {
    it('is true on 200 success', async () => {
      const client = await ray((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/text' });
        res.end('success');
      });
      expect(await client.checkHealth()).toBe(true);
      expect(server?.requests[0]?.url).toBe('/api/gcs_healthz');
    });

    it('is false on 503, asked once', async () => {
      const client = await ray((_req, res) => sendText(res, 503, 'Health check failed'));
      expect(await client.checkHealth()).toBe(false);
      expect(server?.requests).toHaveLength(1);
    });
  });

  describe('.getApplications', () => {
    it('GETs /api/serve/applications/ with the trailing slash and keeps unknown fields', async () => {
      const client = await ray((_req, res) => sendJson(res, 200, INSTANCE));
      const details = await client.getApplications();
      expect(server?.requests[0]?.url).toBe('/api/serve/applications/');
      expect(details.applications['app']?.status).toBe('RUNNING');
      expect(details.applications['app']?.['some_new_field']).toEqual({ x: 1 });
      expect(details['target_groups']).toEqual([]);
    });

    it('accepts the empty "Serve not started" answer and unknown statuses', async () => {
      const client = await ray((req, res) =>
        req.url === '/api/serve/applications/'
          ? sendJson(res, 200, {
              deploy_mode: 'MULTI_APP',
              controller_info: {},
              proxies: {},
              applications: {},
              target_capacity: null,
            })
          : sendJson(res, 404, {}),
      );
      expect((await client.getApplications()).applications).toEqual({});
      server?.handle((_req, res) =>
        sendJson(res, 200, { applications: { a: { status: 'SOMETHING_NEW' } } }),
      );
      expect(await client.getApplication('a')).toEqual({ status: 'SOMETHING_NEW' });
      expect(await client.getApplication('missing')).toBeUndefined();
    });

    it('refuses an application without status', async () => {
      const client = await ray((_req, res) =>
        sendJson(res, 200, { applications: { a: { name: 'a' } } }),
      );
      const error = (await failure(client.getApplications())) as ResponseValidationError;
      expect(error.issues.map((i) => i.path)).toEqual(['applications.a.status']);
    });
  });

  describe('.putApplications', () => {
    it('PUTs the config as JSON to /api/serve/applications/', async () => {
      const client = await ray((_req, res) => sendText(res, 200, ''), TOKEN);
      await client.putApplications(CONFIG);
      const [request] = server?.requests ?? [];
      expect([request?.method, request?.url]).toEqual(['PUT', '/api/serve/applications/']);
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request?.json).toEqual(CONFIG);
    });

    it('makes exactly one attempt with retry: false, so a stale body is never re-sent', async () => {
      const client = await ray((_req, res) => sendText(res, 503, 'busy'));
      const error = (await failure(
        client.putApplications(CONFIG, undefined, { retry: false }),
      )) as Error;
      expect([error.message.includes('503'), server?.requests.length]).toEqual([true, 1]);
    });

    it('refuses an invalid config before any request, naming the field', async () => {
      const client = await ray((_req, res) => sendText(res, 200, ''));
      const bad = {
        applications: [
          { name: 'a', import_path: 'm:a', deployments: [{ name: 'M', num_replicas: 0 }] },
        ],
      };
      const error = (await failure(
        client.putApplications(bad as ServeDeployConfig),
      )) as RequestValidationError;
      expect(error).toBeInstanceOf(RequestValidationError);
      expect(error.code).toBe('HTTP_VALIDATION');
      expect(error.status).toBeUndefined();
      expect(error.issues.map((i) => i.path)).toEqual([
        'applications.0.deployments.0.num_replicas',
      ]);
      expect(error.message).toContain(
        `Ray dashboard PUT ${server?.url ?? ''}/api/serve/applications/ failed: not sent, invalid Serve deploy config: applications.0.deployments.0.num_replicas: must be a positive integer or "auto"`,
      );
      expect(server?.requests).toHaveLength(0);
    });

    it('sends an unchecked body when validation is turned off', async () => {
      const client = await ray((_req, res) => sendText(res, 200, ''));
      const foreign = {
        applications: [{ name: 'other', import_path: 'o:app', max_concurrent_queries: 3 }],
      };
      await client.putApplications(foreign as unknown as ServeDeployConfig, undefined, {
        validate: false,
      });
      expect(server?.requests[0]?.json).toEqual(foreign);
    });

    it("surfaces Ray's 400 text", async () => {
      const text = `ValidationError(model='ServeDeploySchema', errors=[{'loc': ('applications',), 'msg': 'Found duplicate applications for route prefix "/a".'}])`;
      const client = await ray((_req, res) => sendText(res, 400, text));
      const error = (await failure(client.putApplications(CONFIG))) as RequestValidationError;
      expect(error.status).toBe(400);
      expect(error.serverMessage).toBe(text);
      expect(server?.requests).toHaveLength(1);
    });

    it('retries a 503 (the PUT is idempotent)', async () => {
      const client = await ray((_req, res) => sendText(res, 503, 'unavailable'));
      expect(await failure(client.putApplications(CONFIG))).toBeInstanceOf(ServerError);
      expect(server?.requests).toHaveLength(2);
    });
  });

  describe('.deleteAllApplications', () => {
    it('DELETEs /api/serve/applications/', async () => {
      const client = await ray((_req, res) => sendText(res, 200, ''));
      await client.deleteAllApplications();
      expect(server?.requests.map((r) => [r.method, r.url])).toEqual([
        ['DELETE', '/api/serve/applications/'],
      ]);
    });
  });

  describe('.hasPackage', () => {
    it('is true on 200 and false on 404, keeping the .zip suffix in the path', async () => {
      const client = await ray((req, res) =>
        req.url?.endsWith('0123456789abcdef.zip')
          ? sendText(res, 200, '')
          : sendText(res, 404, 'Package gcs://x does not exist'),
      );
      expect(await client.hasPackage(PKG)).toBe(true);
      expect(await client.hasPackage('gcs://_ray_pkg_ffffffffffffffff.zip')).toBe(false);
      expect(server?.requests.map((r) => [r.method, r.url])).toEqual([
        ['GET', '/api/packages/gcs/_ray_pkg_0123456789abcdef.zip'],
        ['GET', '/api/packages/gcs/_ray_pkg_ffffffffffffffff.zip'],
      ]);
    });

    it('throws for other statuses', async () => {
      const client = await ray((_req, res) =>
        sendText(res, 401, 'Unauthorized: Missing authentication token'),
      );
      expect(await failure(client.hasPackage(PKG))).toBeInstanceOf(AuthError);
    });
  });

  describe('.uploadPackage', () => {
    it('PUTs the raw zip bytes as application/zip', async () => {
      const client = await ray((_req, res) => sendText(res, 200, ''), TOKEN);
      const zip = new Uint8Array([0x50, 0x4b, 0x05, 0x06, 0, 0]);
      await client.uploadPackage(PKG, zip);
      const [request] = server?.requests ?? [];
      expect([request?.method, request?.url, request?.headers['content-type']]).toEqual([
        'PUT',
        '/api/packages/gcs/_ray_pkg_0123456789abcdef.zip',
        'application/zip',
      ]);
      expect([...(request?.body ?? [])]).toEqual([...zip]);
      expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('streams a zip file from disk, again on each retry, with its Content-Length', async () => {
      let calls = 0;
      const client = await ray((_req, res) => sendText(res, ++calls === 1 ? 503 : 200, ''));
      const dir = await mkdtemp(join(tmpdir(), 'upload-'));
      const zip = randomBytes(300_000);
      await writeFile(join(dir, 'p.zip'), zip);
      await client.uploadPackage(PKG, { path: join(dir, 'p.zip'), byteLength: zip.byteLength });
      await rm(dir, { recursive: true });
      expect(
        server?.requests.map((r) => [r.headers['content-length'], Buffer.from(r.body).equals(zip)]),
      ).toEqual([
        ['300000', true],
        ['300000', true],
      ]);
    });

    it('refuses a zip over the dashboard cap before sending', async () => {
      const client = await ray((_req, res) => sendText(res, 200, ''));
      const error = (await failure(
        client.uploadPackage(PKG, new Uint8Array(MAX_PACKAGE_BYTES + 1)),
      )) as RequestValidationError;
      expect(error.message).toContain('at most 100 MiB');
      expect(server?.requests).toHaveLength(0);
    });

    it('refuses a URI that is not a gcs package', async () => {
      const client = await ray((_req, res) => sendText(res, 200, ''));
      await expect(client.uploadPackage('/tmp/x.zip', new Uint8Array(1))).rejects.toThrow(
        ConfigError,
      );
    });
  });

  describe('errors', () => {
    it('maps a 404 from a non-Ray server to NotFoundError naming the address variable', async () => {
      const client = await ray((_req, res) => sendText(res, 404, '404: Not Found'));
      const error = (await failure(client.getVersion())) as NotFoundError;
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toContain('check RAY_DASHBOARD_ADDRESS');
    });
  });
});

describe('package URIs', () => {
  it('maps gcs:// URIs to dashboard paths and back', () => {
    expect(packageUriToPath(PKG)).toBe('/api/packages/gcs/_ray_pkg_0123456789abcdef.zip');
    expect(packagePathToUri('/api/packages/gcs/_ray_pkg_0123456789abcdef.zip')).toBe(PKG);
    expect(packagePathToUri(packageUriToPath('gcs://my_pkg-1.0-py3-none-any.whl'))).toBe(
      'gcs://my_pkg-1.0-py3-none-any.whl',
    );
  });

  it.each(['s3://bucket/x.zip', 'gcs://../etc/passwd', 'gcs://x.tar', '_ray_pkg_x.zip'])(
    'rejects %s',
    (uri) => {
      expect(() => packageUriToPath(uri)).toThrow(ConfigError);
    },
  );
});
