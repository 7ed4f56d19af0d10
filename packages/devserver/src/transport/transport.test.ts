import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import { startDevServer } from '../dev-server.js';
import type { TestServer } from '../test-support/http.js';
import { appConfig, http, startTestServer } from '../test-support/http.js';
import { isMutating } from './request-log.js';

const APPS = '/api/serve/applications/';

describe('transport layer: request log, transport faults, triggers', () => {
  let t: TestServer;
  const url = (path: string) => `${t.dev.dashboardUrl}${path}`;
  const put = (names: string[]) => t.put({ applications: names.map((n) => appConfig(n)) });
  const appNames = async () => Object.keys((await t.details()).applications ?? {});

  beforeAll(async () => {
    t = await startTestServer();
  });
  beforeEach(() => t.dev.control.reset());
  afterAll(() => t.dev.stop());

  describe('request log', () => {
    it('records every request with its status, but not the admin API', async () => {
      await put(['a']);
      await t.details();
      await http(`${t.dev.dashboardUrl}/_devserver/state`);
      await http(`${t.dev.backendUrl}serve_applications/`);
      const log = t.dev.control.requests();
      expect(log.map((r) => [r.service, r.method, r.path, r.status])).toEqual([
        ['dashboard', 'PUT', APPS, 200],
        ['dashboard', 'GET', APPS, 200],
        ['backend', 'GET', '/serve_applications/', 200],
      ]);
      expect(log.filter(isMutating).map((r) => r.method)).toEqual(['PUT']);
      expect(t.dev.control.requests(log[1]!.seq).map((r) => r.seq)).toEqual([log[2]!.seq]);
    });

    it('is served by the admin API and cleared by reset', async () => {
      await t.details();
      const listed = await http(url('/_devserver/requests'));
      expect(listed.json<{ requests: { path: string }[] }>().requests.map((r) => r.path)).toEqual([
        APPS,
      ]);
      await t.dev.control.reset();
      expect(t.dev.control.requests()).toEqual([]);
    });
  });

  describe('transport faults', () => {
    it('answers matching requests with an error after skip, for times requests', async () => {
      t.dev.control.injectHttpFault({
        method: 'GET',
        path: APPS,
        effect: 'error',
        skip: 1,
        times: 2,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await http(url(APPS))).status);
      expect(statuses).toEqual([200, 503, 503, 200]);
      expect(t.dev.control.listHttpFaults()[0]?.hits).toBe(2);
      expect(t.dev.control.requests().map((r) => r.fault !== undefined)).toEqual([
        false,
        true,
        true,
        false,
      ]);
    });

    it('does not handle a request it answers with an error', async () => {
      t.dev.control.injectHttpFault({ method: 'PUT', path: APPS, effect: 'error', status: 502 });
      expect((await put(['a'])).status).toBe(502);
      expect(await appNames()).toEqual([]);
    });

    it('matches a path prefix and another service', async () => {
      t.dev.control.injectHttpFault({ service: 'backend', path: '/serve_*', effect: 'error' });
      expect((await http(`${t.dev.backendUrl}serve_applications/`)).status).toBe(503);
      expect((await http(url(APPS))).status).toBe(200);
    });

    it('stops after forMs on the devserver clock', async () => {
      t.dev.control.injectHttpFault({ path: APPS, effect: 'error', forMs: 1_000 });
      expect((await http(url(APPS))).status).toBe(503);
      await t.dev.control.advance(1_000);
      expect((await http(url(APPS))).status).toBe(200);
    });

    it('hangs up without handling the request', async () => {
      t.dev.control.injectHttpFault({ method: 'PUT', path: APPS, effect: 'hang-up' });
      await expect(put(['a'])).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(await appNames()).toEqual([]);
    });

    it('loses the response of a request it handled', async () => {
      const fault = t.dev.control.injectHttpFault({
        method: 'PUT',
        path: APPS,
        effect: 'lost-response',
      });
      await expect(put(['a'])).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(await appNames()).toEqual(['a']);
      expect(t.dev.control.requests()[0]).toMatchObject({ method: 'PUT', fault: fault.id });
      expect(t.dev.control.requests()[0]?.status).toBeUndefined();
    });

    it('holds back the answer of a slow request it handled', async () => {
      t.dev.control.injectHttpFault({ method: 'PUT', path: APPS, effect: 'slow', delayMs: 30 });
      expect((await put(['a'])).status).toBe(200);
      expect(await appNames()).toEqual(['a']);
    });

    it('is injected, listed and removed through the admin API, which checks the spec', async () => {
      const created = await http(url('/_devserver/http-faults'), {
        method: 'POST',
        body: { path: APPS, effect: 'error', status: 500 },
      });
      expect(created.status).toBe(201);
      const { id } = created.json<{ id: string }>();
      expect((await http(url(APPS))).status).toBe(500);
      expect((await http(url(`/_devserver/http-faults/${id}`), { method: 'DELETE' })).status).toBe(
        200,
      );
      expect((await http(url(APPS))).status).toBe(200);
      const bad = await http(url('/_devserver/http-faults'), {
        method: 'POST',
        body: { effect: 'slow' },
      });
      expect([bad.status, bad.json<{ error: string }>().error]).toEqual([
        400,
        'http fault: a slow fault needs delayMs',
      ]);
    });
  });

  describe('triggers', () => {
    it('takes the dashboard down once the nth matching request was answered', async () => {
      t.dev.control.addTrigger({
        after: { request: { method: 'PUT', path: APPS, nth: 2 } },
        then: { dashboardDown: { ms: 500 } },
      });
      await put(['a']);
      expect(t.dev.control.dashboardListening).toBe(true);
      expect((await put(['a', 'b'])).status).toBe(200);
      await until(() => !t.dev.control.dashboardListening);
      await expect(t.details()).rejects.toThrow(/ECONNREFUSED/);
      await t.dev.control.advance(500);
      expect(await appNames()).toEqual(['a', 'b']);
      expect(t.dev.control.listTriggers()[0]?.fired).toBe(true);
    });

    it('fires once a GET showed an app with a status', async () => {
      t.dev.control.injectFault({ kind: 'build-error', app: 'a' });
      t.dev.control.addTrigger({
        after: { appStatus: { app: 'a', status: 'DEPLOY_FAILED' } },
        then: { httpFault: { path: APPS, effect: 'error', times: 1 } },
      });
      await put(['a']);
      expect((await t.app('a'))?.status).toBe('DEPLOYING');
      await t.dev.control.advance(300);
      expect((await t.app('a'))?.status).toBe('DEPLOY_FAILED');
      expect((await http(url(APPS))).status).toBe(503);
      expect((await http(url(APPS))).status).toBe(200);
    });

    it('arms a trigger from a trigger, and writes as another writer', async () => {
      await put(['a']);
      await t.dev.control.advance(600);
      // RUNNING was seen before the second PUT; only a RUNNING seen after it counts.
      t.dev.control.addTrigger({
        after: { request: { method: 'PUT', path: APPS } },
        then: {
          trigger: {
            after: { appStatus: { app: 'b', status: 'RUNNING' } },
            then: { foreignPut: { applications: [appConfig('c')] } },
          },
        },
      });
      expect((await t.app('a'))?.status).toBe('RUNNING');
      await put(['a', 'b']);
      expect(t.dev.control.listTriggers()).toHaveLength(2);
      await t.dev.control.advance(600);
      expect((await t.app('b'))?.status).toBe('RUNNING');
      await until(() => t.dev.control.application('c') !== undefined);
      expect(t.dev.control.application('b')?.['status']).toBe('DELETING');
    });

    it('restarts the cluster after a request, through the admin API', async () => {
      await http(url('/_devserver/triggers'), {
        method: 'POST',
        body: { after: { request: { method: 'PUT', path: APPS } }, then: { restart: {} } },
      });
      const session = t.dev.control.sessionName;
      await put(['a']);
      await until(() => t.dev.control.sessionName !== session);
      expect(await appNames()).toEqual([]);
      const listed = await http(url('/_devserver/triggers'));
      expect(listed.json<{ triggers: { fired: boolean }[] }>().triggers).toMatchObject([
        { fired: true },
      ]);
    });
  });
});

describe('backend idempotency keys', () => {
  it('creates a record for every POST when the backend does not honour them', async () => {
    const dev = await startDevServer({ honourIdempotencyKeys: false });
    try {
      const create = () =>
        http(`${dev.backendUrl}serve_applications/`, {
          method: 'POST',
          headers: { 'Idempotency-Key': 'same' },
          body: { name: 'a', plugin_release: 1, action: 'deployment' },
        });
      expect([(await create()).status, (await create()).status]).toEqual([201, 201]);
      expect(dev.control.backend().serveApplications).toHaveLength(2);
    } finally {
      await dev.stop();
    }
  });
});

/** Waits for a condition that a fired trigger makes true (its action runs after the answer). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}
