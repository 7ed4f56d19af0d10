import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { TestServer } from '../test-support/http.js';
import { appConfig, http, startTestServer } from '../test-support/http.js';
import { matchRoute } from './data-plane-handler.js';

describe('simulated Serve proxy (data plane)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.dev.stop());

  it('answers 503 on /-/healthz and /-/routes before Serve starts, and until an app first serves', async () => {
    expect((await http(`${t.dev.serveUrl}/-/healthz`)).status).toBe(503);
    await t.put({ applications: [appConfig('a'), appConfig('root', { route_prefix: '/' })] });
    for (const path of ['/-/healthz', '/-/routes']) {
      const early = await http(`${t.dev.serveUrl}${path}`);
      expect([early.status, early.text]).toEqual([503, 'Route table is not populated yet.']);
    }
    await t.dev.control.advance(600);
    const ok = await http(`${t.dev.serveUrl}/-/healthz`);
    expect([ok.status, ok.text]).toEqual([200, 'success']);
  });

  it('lists the apps that serve in /-/routes', async () => {
    expect((await http(`${t.dev.serveUrl}/-/routes`)).json()).toEqual({ '/a': 'a', '/': 'root' });
  });

  it('answers requests under a RUNNING app with a labelled simulated response (longest prefix wins)', async () => {
    const res = await http(`${t.dev.serveUrl}/a/predict?x=1`, {
      method: 'POST',
      body: { input: [1, 2] },
    });
    expect([res.status, res.json()]).toEqual([
      200,
      {
        simulated: true,
        app: 'a',
        deployment: 'app',
        path: '/a/predict',
        method: 'POST',
        query: { x: '1' },
        body: { input: [1, 2] },
      },
    ]);
    expect((await http(`${t.dev.serveUrl}/ab`)).json()).toMatchObject({ app: 'root' });
  });

  it('answers 503 for a matched app that is not RUNNING and 404 without a match', async () => {
    t.dev.control.injectFault({ kind: 'unhealthy', app: 'a' });
    const res = await http(`${t.dev.serveUrl}/a/predict`);
    expect([res.status, res.text]).toEqual([
      503,
      "Application 'a' is UNHEALTHY; it cannot serve requests yet (simulated proxy).",
    ]);
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(200);
    expect((await http(`${t.dev.serveUrl}/nothing`)).status).toBe(404);
  });

  it('matches route prefixes on path segments', () => {
    const apps = [{ routePrefix: '/a' }, { routePrefix: '/a/b' }, { routePrefix: '/' }];
    expect(matchRoute('/a/b/c', apps)).toBe(apps[1]);
    expect(matchRoute('/a', apps)).toBe(apps[0]);
    expect(matchRoute('/ab', apps)).toBe(apps[2]);
    expect(matchRoute('/x', [{ routePrefix: '/a' }])).toBeUndefined();
  });
});
