import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { TestServer } from '../test-support/http.js';
import { appConfig, http, startTestServer } from '../test-support/http.js';

describe('dashboard transport (docs/ray-serve-rest.md#transport)', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    t = await startTestServer({ maxBodyBytes: 1024 });
    base = t.dev.dashboardUrl;
  });
  afterAll(() => t.dev.stop());

  it('answers 404 `404: Not Found` text/plain for the path without trailing slash', async () => {
    const res = await http(`${base}/api/serve/applications`);
    expect([res.status, res.text, res.headers['content-type']]).toEqual([
      404,
      '404: Not Found',
      'text/plain; charset=utf-8',
    ]);
  });

  it('answers 400 for a path with broken percent-encoding', async () => {
    expect((await http(`${base}/api/%E0%A4%A`)).status).toBe(400);
  });

  it('answers 404 for the removed v1 single-app API', async () => {
    expect((await http(`${base}/api/serve/deployments/`)).status).toBe(404);
  });

  it('answers 405 with an Allow header for a wrong method', async () => {
    const res = await http(`${base}/api/serve/applications/`, { method: 'POST', body: {} });
    expect([res.status, res.text, res.headers['allow']]).toEqual([
      405,
      '405: Method Not Allowed',
      'DELETE,GET,HEAD,PUT',
    ]);
    const version = await http(`${base}/api/version`, { method: 'DELETE' });
    expect([version.status, version.headers['allow']]).toEqual([405, 'GET,HEAD']);
  });

  it('answers HEAD on GET routes without a body', async () => {
    const res = await http(`${base}/api/version`, { method: 'HEAD' });
    expect([res.status, res.text, res.headers['content-type']]).toEqual([
      200,
      '',
      'application/json; charset=utf-8',
    ]);
  });

  it.each([
    ['a Mozilla User-Agent', { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' }],
    ['a Referer', { Referer: 'http://localhost:8265/' }],
    ['an Origin', { Origin: 'http://localhost:3000' }],
    ['Sec-Fetch-Mode', { 'Sec-Fetch-Mode': 'cors' }],
    ['Sec-Fetch-Site', { 'Sec-Fetch-Site': 'same-origin' }],
    ['Access-Control-Request-Method', { 'Access-Control-Request-Method': 'PUT' }],
  ])('refuses a PUT and a DELETE with %s as browser traffic', async (_what, headers) => {
    const res = await t.put({ applications: [] }, headers);
    expect([res.status, res.text]).toEqual([405, "'PUT' method not allowed for browser traffic."]);
    const del = await http(`${base}/api/serve/applications/`, { method: 'DELETE', headers });
    expect([del.status, del.text]).toEqual([
      405,
      "'DELETE' method not allowed for browser traffic.",
    ]);
  });

  it("refuses Node's built-in fetch on PUT, which sends Sec-Fetch-Mode (docs/ray-serve-rest.md#transport)", async () => {
    const res = await fetch(`${base}/api/serve/applications/`, {
      method: 'PUT',
      body: '{"applications": []}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect([res.status, await res.text()]).toEqual([
      405,
      "'PUT' method not allowed for browser traffic.",
    ]);
  });

  it('lets browser-looking GETs through', async () => {
    const res = await http(`${base}/api/version`, {
      headers: { 'User-Agent': 'Mozilla/5.0', Origin: 'http://x' },
    });
    expect(res.status).toBe(200);
  });

  it('answers a package upload over the body cap with a 500 HTTPRequestEntityTooLarge traceback', async () => {
    const res = await http(`${base}/api/packages/gcs/_ray_pkg_big.zip`, {
      method: 'PUT',
      body: Buffer.alloc(2048),
    });
    expect(res.status).toBe(500);
    expect(res.text).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(res.text).toContain(
      'aiohttp.web_exceptions.HTTPRequestEntityTooLarge: Request Entity Too Large (max_size=1024, actual_size=2048)',
    );
    expect(t.dev.control.packageNames()).toEqual([]);
  });

  it('answers malformed JSON on PUT with a 500 Python traceback, not a 400', async () => {
    const res = await t.put('{"applications": [');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(res.text).toContain(
      'json.decoder.JSONDecodeError: Expecting value: line 1 column 19 (char 18)',
    );
    const empty = await t.put('');
    expect([empty.status, empty.text.split('\n').pop()]).toEqual([
      500,
      'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
    ]);
  });

  it("answers a schema violation with 400 text/plain in pydantic v2's words", async () => {
    const res = await t.put({ applications: [{ name: 'x' }] });
    expect([res.status, res.headers['content-type']]).toEqual([400, 'text/plain; charset=utf-8']);
    expect(res.text).toBe(
      [
        '1 validation error for ServeDeploySchema',
        'applications.0.import_path',
        "  Field required [type=missing, input_value={'name': 'x'}, input_type=dict]",
        '    For further information visit https://errors.pydantic.dev/2.14/v/missing',
      ].join('\n'),
    );
  });

  it('answers a successful PUT and DELETE with 200 and an empty body', async () => {
    const put = await t.put({ applications: [appConfig('a')] });
    expect([put.status, put.text]).toEqual([200, '']);
    const del = await http(`${base}/api/serve/applications/`, { method: 'DELETE' });
    expect([del.status, del.text]).toEqual([200, '']);
  });
});

describe('version and health (docs/ray-serve-rest.md#version-and-probes)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ rayVersion: '2.52.1' });
  });
  afterAll(() => t.dev.stop());

  it('serves the same version payload on /api/version and /api/ray/version', async () => {
    const a = (await http(`${t.dev.dashboardUrl}/api/version`)).json<Record<string, string>>();
    const b = (await http(`${t.dev.dashboardUrl}/api/ray/version`)).json<Record<string, string>>();
    expect(a).toEqual(b);
    expect(Object.keys(a).sort()).toEqual(['ray_commit', 'ray_version', 'session_name', 'version']);
    expect([a['version'], a['ray_version']]).toEqual(['4', '2.52.1']);
    expect(a['session_name']).toMatch(
      /^session_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_\d{6}_\d+_\d+$/,
    );
  });

  it('changes session_name on a simulated restart, which also forgets Serve state', async () => {
    await t.put({ applications: [appConfig('a')] });
    const before = (await http(`${t.dev.dashboardUrl}/api/version`)).json<Record<string, string>>()[
      'session_name'
    ];
    await t.dev.control.restart();
    const after = (await http(`${t.dev.dashboardUrl}/api/version`)).json<Record<string, string>>()[
      'session_name'
    ];
    expect(after).not.toBe(before);
    expect((await t.details()).applications).toEqual({});
  });

  it('answers /api/gcs_healthz with `success` as application/text, and 503 when switched off', async () => {
    const ok = await http(`${t.dev.dashboardUrl}/api/gcs_healthz`);
    expect([ok.status, ok.text, ok.headers['content-type']]).toEqual([
      200,
      'success',
      'application/text; charset=utf-8',
    ]);
    t.dev.control.setGcsHealthy(false);
    const down = await http(`${t.dev.dashboardUrl}/api/gcs_healthz`);
    expect(down.status).toBe(503);
    expect(down.text).toMatch(/^Health check failed/);
    t.dev.control.setGcsHealthy(true);
  });

  it('reports the GCS unhealthy for N ms after "boot" on the clock', async () => {
    t.dev.control.setGcsHealthy(false, 5000);
    expect((await http(`${t.dev.dashboardUrl}/api/gcs_healthz`)).status).toBe(503);
    await t.dev.control.advance(5000);
    expect((await http(`${t.dev.dashboardUrl}/api/gcs_healthz`)).status).toBe(200);
  });

  it('refuses connections while the dashboard is down and comes back on the same port', async () => {
    await t.dev.control.dashboardDown(10_000);
    await expect(http(`${t.dev.dashboardUrl}/api/version`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await t.dev.control.advance(9_999);
    expect(t.dev.control.dashboardListening).toBe(false);
    await t.dev.control.advance(1);
    expect((await http(`${t.dev.dashboardUrl}/api/version`)).status).toBe(200);
  });
});

describe('token auth (docs/ray-serve-rest.md#authentication)', () => {
  let t: TestServer;
  const token = 'sekret-token';
  beforeAll(async () => {
    t = await startTestServer({ authToken: token });
  });
  afterAll(() => t.dev.stop());
  const url = () => `${t.dev.dashboardUrl}/api/serve/applications/`;

  it('reports the mode on /api/authentication_mode without a token', async () => {
    const res = await http(`${t.dev.dashboardUrl}/api/authentication_mode`);
    expect([res.status, res.json()]).toEqual([200, { authentication_mode: 'token' }]);
  });

  it('answers 401 without a credential and 403 with a wrong one', async () => {
    const missing = await http(url());
    expect([missing.status, missing.text]).toEqual([
      401,
      'Unauthorized: Missing authentication token',
    ]);
    const wrong = await http(url(), { headers: { Authorization: 'Bearer nope' } });
    expect([wrong.status, wrong.text]).toEqual([403, 'Forbidden: Invalid authentication token']);
  });

  it('needs the full `Bearer <token>` string', async () => {
    expect((await http(url(), { headers: { Authorization: token } })).status).toBe(403);
    expect((await http(url(), { headers: { Authorization: `bearer ${token}` } })).status).toBe(403);
    expect((await http(url(), { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('accepts X-Ray-Authorization as well', async () => {
    expect(
      (await http(url(), { headers: { 'X-Ray-Authorization': `Bearer ${token}` } })).status,
    ).toBe(200);
  });

  it('checks auth before routing and before the browser rule', async () => {
    expect((await http(`${t.dev.dashboardUrl}/api/serve/applications`)).status).toBe(401);
    expect(
      (
        await http(url(), {
          method: 'PUT',
          body: { applications: [] },
          headers: { 'User-Agent': 'Mozilla/5.0' },
        })
      ).status,
    ).toBe(401);
  });

  it('lets the whitelist through without a token', async () => {
    for (const path of ['/api/gcs_healthz', '/api/authentication_mode', '/']) {
      expect([path, (await http(`${t.dev.dashboardUrl}${path}`)).status]).toEqual([path, 200]);
    }
    // Whitelisted, but 2.58's head does not route it: 404 rather than 401.
    expect((await http(`${t.dev.dashboardUrl}/api/healthz`)).status).toBe(404);
    expect((await http(`${t.dev.dashboardUrl}/api/version`)).status).toBe(401);
  });

  it('logs a browser in through /api/authenticate and then accepts the cookie', async () => {
    const login = await http(`${t.dev.dashboardUrl}/api/authenticate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'Mozilla/5.0' },
    });
    expect([login.status, login.json()]).toEqual([
      200,
      { status: 'authenticated', message: 'Token is valid' },
    ]);
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0] ?? '';
    expect((await http(url(), { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it('keeps the admin API outside Ray auth', async () => {
    expect((await http(`${t.dev.dashboardUrl}/_devserver/state`)).status).toBe(200);
  });
});

describe('auth disabled', () => {
  it('reports `disabled` and accepts requests without a token', async () => {
    const t = await startTestServer();
    try {
      expect((await http(`${t.dev.dashboardUrl}/api/authentication_mode`)).json()).toEqual({
        authentication_mode: 'disabled',
      });
      expect((await http(`${t.dev.dashboardUrl}/api/serve/applications/`)).status).toBe(200);
    } finally {
      await t.dev.stop();
    }
  });
});
