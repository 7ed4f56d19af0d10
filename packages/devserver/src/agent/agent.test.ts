import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { TestServer } from '../test-support/http.js';
import { appConfig, http, startTestServer } from '../test-support/http.js';

describe('simulated Synapse agent', () => {
  let t: TestServer;
  const auth = { Authorization: 'agent-raw-token' };
  beforeAll(async () => {
    t = await startTestServer({ agentToken: 'agent-raw-token' });
    await t.put({ applications: [appConfig('a'), appConfig('b')] });
    await t.dev.control.advance(600);
  });
  afterAll(() => t.dev.stop());

  it('requires the raw agent token in Authorization', async () => {
    expect((await http(`${t.dev.agentUrl}health/`)).status).toBe(401);
    expect(
      (
        await http(`${t.dev.agentUrl}health/`, {
          headers: { Authorization: 'Token agent-raw-token' },
        })
      ).status,
    ).toBe(403);
    const ok = await http(`${t.dev.agentUrl}health/`, { headers: auth });
    expect([ok.status, ok.json()]).toEqual([200, { status: 'healthy' }]);
  });

  it('lists the applications of the simulated cluster', async () => {
    const list = (await http(`${t.dev.agentUrl}ray/serve_applications/`, { headers: auth })).json<
      { name: string; status: string }[]
    >();
    expect(list.map((a) => [a.name, a.status])).toEqual([
      ['a', 'RUNNING'],
      ['b', 'RUNNING'],
    ]);
  });

  it("returns one app's ApplicationDetails, 404 when absent", async () => {
    const app = await http(`${t.dev.agentUrl}ray/serve_applications/a`, { headers: auth });
    expect(app.status).toBe(200);
    expect(app.json()).toEqual((await t.details()).applications['a']);
    expect(
      (await http(`${t.dev.agentUrl}ray/serve_applications/zzz`, { headers: auth })).status,
    ).toBe(404);
  });

  it('deletes just that app, keeping the others', async () => {
    const res = await http(`${t.dev.agentUrl}ray/serve_applications/a`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(res.status).toBe(200);
    expect((await t.app('a'))?.status).toBe('DELETING');
    await t.dev.control.advance(200);
    expect(Object.keys((await t.details()).applications)).toEqual(['b']);
    expect(
      (await http(`${t.dev.agentUrl}ray/serve_applications/a`, { method: 'DELETE', headers: auth }))
        .status,
    ).toBe(404);
  });
});
