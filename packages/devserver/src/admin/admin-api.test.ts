import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import type { TestServer } from '../test-support/http.js';
import { appConfig, http, startTestServer } from '../test-support/http.js';

describe('admin HTTP API under /_devserver/', () => {
  let t: TestServer;
  const admin = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
    http(
      `${t.dev.dashboardUrl}/_devserver${path}`,
      body === undefined ? { method } : { method, body: body as object },
    );

  beforeAll(async () => {
    t = await startTestServer({ authToken: 'tok' });
  });
  beforeEach(() => t.dev.control.reset());
  afterAll(() => t.dev.stop());

  const put = (apps: unknown[]) => t.put({ applications: apps }, { 'User-Agent': 'node' });

  it('reports the state, exempt from auth', async () => {
    const res = await admin('/state');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      authMode: 'token',
      controllerAvailable: true,
      gcsHealthy: true,
      faults: [],
      packages: [],
      serve: { applications: {} },
    });
  });

  it('injects, lists and removes faults', async () => {
    const created = await admin('/faults', {
      kind: 'build-error',
      app: 'a',
      error: 'RuntimeError: nope',
    });
    expect(created.status).toBe(201);
    const id = created.json<{ id: string }>().id;
    await put([appConfig('a')]);
    await admin('/clock/advance', { ms: 300 });
    expect((await t.app('a'))?.status).toBe('DEPLOY_FAILED');
    expect((await admin('/faults')).json()).toEqual({
      faults: [{ id, kind: 'build-error', app: 'a', error: 'RuntimeError: nope' }],
    });
    expect((await admin(`/faults/${id}`, undefined, 'DELETE')).status).toBe(200);
    expect((await admin('/faults')).json()).toEqual({ faults: [] });
  });

  it('validates admin bodies with a clear message', async () => {
    const res = await admin('/faults', { kind: 'explode', app: 'a' });
    expect(res.status).toBe(400);
    expect(res.json<{ error: string }>().error).toMatch(/^Invalid admin request body: kind: /);
    expect((await admin('/faults', { kind: 'unhealthy' })).status).toBe(400);
    expect((await admin('/nope', {})).status).toBe(404);
  });

  it('switches the controller and the GCS health', async () => {
    await admin('/controller', { available: false });
    expect(
      (
        await http(`${t.dev.dashboardUrl}/api/serve/applications/`, {
          headers: { Authorization: 'Bearer tok' },
        })
      ).status,
    ).toBe(503);
    await admin('/gcs', { healthy: false });
    expect((await http(`${t.dev.dashboardUrl}/api/gcs_healthz`)).status).toBe(503);
  });

  it('takes the dashboard down for N ms of the clock', async () => {
    expect((await admin('/dashboard-down', { ms: 1000 })).json()).toEqual({ downForMs: 1000 });
    await new Promise((resolve) => setImmediate(resolve));
    await expect(http(`${t.dev.dashboardUrl}/api/gcs_healthz`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await t.dev.control.advance(1000);
    expect((await http(`${t.dev.dashboardUrl}/api/gcs_healthz`)).status).toBe(200);
  });

  it('runs a foreign PUT and drops apps like another writer', async () => {
    const foreign = await admin('/foreign-put', { applications: [appConfig('a'), appConfig('b')] });
    expect(foreign.json()).toEqual({ status: 200, text: '' });
    expect(
      (await admin('/foreign-put', { applications: 'x' })).json<{ status: number }>().status,
    ).toBe(400);
    await admin('/drop-app', { name: 'a' });
    expect((await t.app('a'))?.status).toBe('DELETING');
    await admin('/drop-app', { name: 'b', afterNextPut: true });
    await put([appConfig('b')]);
    expect((await t.app('b'))?.status).toBe('DELETING');
  });

  it('seeds imperative apps, sets delays, restarts and advances the clock', async () => {
    const seeded = await admin('/imperative-apps', { name: 'manual', routePrefix: '/m' });
    expect([seeded.status, seeded.json<{ source: string }>().source]).toEqual([201, 'imperative']);
    expect((await admin('/delay', { ms: 0, target: 'backend' })).json()).toEqual({
      ms: 0,
      target: 'backend',
    });
    const session = t.dev.control.sessionName;
    expect((await admin('/restart', {})).json()).toEqual({ previousSession: session });
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.dev.control.sessionName).not.toBe(session);
    const before = t.clock.now();
    expect((await admin('/clock/advance', { ms: 42 })).json()).toEqual({ now: before + 42 });
  });

  it('resets everything', async () => {
    await put([appConfig('a')]);
    await admin('/faults', { kind: 'unhealthy', app: 'a' });
    expect((await admin('/reset', {})).json()).toEqual({ reset: true });
    expect((await admin('/state')).json()).toMatchObject({
      faults: [],
      serve: { applications: {} },
    });
  });
});

describe('admin clock endpoint with the system clock', () => {
  it('answers 409 because only a ManualClock can be advanced', async () => {
    const { startDevServer } = await import('../dev-server.js');
    const dev = await startDevServer();
    try {
      const res = await http(`${dev.dashboardUrl}/_devserver/clock/advance`, {
        method: 'POST',
        body: { ms: 1 },
      });
      expect(res.status).toBe(409);
      expect(res.json<{ error: string }>().error).toMatch(/needs a ManualClock/);
    } finally {
      await dev.stop();
    }
  });
});
