import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import type { TestServer } from '../test-support/http.js';
import { http, startTestServer } from '../test-support/http.js';

describe('simulated Synapse backend', () => {
  let t: TestServer;
  const token = 'backend-secret';
  const auth = { 'Synapse-Access-Token': `Token ${token}` };
  const url = (path: string) => `${t.dev.backendUrl}${path}`;
  const create = (body: unknown, headers: Record<string, string> = {}) =>
    http(url('serve_applications/'), {
      method: 'POST',
      body: body as object,
      headers: { ...auth, ...headers },
    });

  beforeAll(async () => {
    t = await startTestServer({ backendToken: token });
  });
  beforeEach(() => t.dev.control.reset());
  afterAll(() => t.dev.stop());

  it('ends its base URL with a slash so relative paths resolve under it', () => {
    expect(t.dev.backendUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('requires Synapse-Access-Token: 401 when missing, 403 when wrong', async () => {
    const missing = await http(url('serve_applications/'));
    expect([missing.status, missing.json()]).toEqual([
      401,
      { detail: 'Authentication credentials were not provided.' },
    ]);
    const wrong = await http(url('serve_applications/'), {
      headers: { 'Synapse-Access-Token': token },
    });
    expect(wrong.status).toBe(403);
  });

  it('creates a serve application record (201) with defaults', async () => {
    const res = await create({ name: 'yolo@1', plugin_release: 7, action: 'deployment' });
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({
      id: 1,
      name: 'yolo@1',
      plugin_release: 7,
      action: 'deployment',
      params: {},
      num_replicas: 1,
      created: '2023-11-14T22:13:20.000Z',
    });
    expect(t.dev.control.backend().serveApplications).toEqual([res.json()]);
  });

  it('rejects unknown keys, missing fields and wrong types DRF-style', async () => {
    const extra = await create({
      name: 'a',
      plugin_release: 1,
      action: 'deployment',
      job: 5,
      status: 'RUNNING',
    });
    expect([extra.status, extra.json()]).toEqual([
      400,
      { job: ['This field is not allowed.'], status: ['This field is not allowed.'] },
    ]);
    const missing = await create({ plugin_release: 'x', params: [] });
    expect(missing.json()).toEqual({
      name: ['This field is required.'],
      plugin_release: ['A valid integer is required.'],
      action: ['This field is required.'],
      params: ['Expected a dictionary of items but got type "list".'],
    });
    expect(t.dev.control.backend().serveApplications).toEqual([]);
  });

  it('returns the same record with 200 for a repeated Idempotency-Key, 409 when the body differs', async () => {
    const body = {
      name: 'a',
      plugin_release: 1,
      action: 'deployment',
      params: { x: 1 },
      num_replicas: 2,
    };
    const first = await create(body, { 'Idempotency-Key': 'run-42' });
    const again = await create(body, { 'Idempotency-Key': 'run-42' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json()).toEqual(first.json());
    expect(t.dev.control.backend().serveApplications).toHaveLength(1);
    expect(
      (await create({ ...body, num_replicas: 3 }, { 'Idempotency-Key': 'run-42' })).status,
    ).toBe(409);
    expect((await create(body)).status).toBe(201);
  });

  it('lists records with DRF pagination and a name filter', async () => {
    for (let i = 1; i <= 5; i++)
      await create({ name: i % 2 === 0 ? 'even' : 'odd', plugin_release: i, action: 'deployment' });
    const page1 = (await http(url('serve_applications/?page_size=2'), { headers: auth })).json<{
      count: number;
      next: string | null;
      previous: string | null;
      results: { plugin_release: number }[];
    }>();
    expect([page1.count, page1.previous, page1.results.map((r) => r.plugin_release)]).toEqual([
      5,
      null,
      [1, 2],
    ]);
    expect(page1.next).toBe(`${t.dev.backendUrl}serve_applications/?page_size=2&page=2`);
    const page3 = (
      await http(page1.next?.replace('page=2', 'page=3') ?? '', { headers: auth })
    ).json<{ next: string | null; previous: string; results: unknown[] }>();
    expect([page3.next, page3.previous, page3.results.length]).toEqual([
      null,
      `${t.dev.backendUrl}serve_applications/?page_size=2&page=2`,
      1,
    ]);
    const even = (await http(url('serve_applications/?name=even'), { headers: auth })).json<{
      count: number;
    }>();
    expect(even.count).toBe(2);
    expect((await http(url('serve_applications/?page=9'), { headers: auth })).json()).toEqual({
      detail: 'Invalid page.',
    });
  });

  it('records job updates and validates UpdateJobRequest', async () => {
    const ok = await http(url('jobs/12/'), {
      method: 'PATCH',
      body: { status: 'running', progress_record: { deploy: 50 } },
      headers: auth,
    });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({
      id: '12',
      status: 'running',
      progress_record: { deploy: 50 },
    });
    await http(url('jobs/12/'), {
      method: 'PATCH',
      body: { status: 'succeeded', result: { id: 1 } },
      headers: auth,
    });
    expect((await http(url('jobs/12/'), { headers: auth })).json()).toMatchObject({
      status: 'succeeded',
      progress_record: { deploy: 50 },
      result: { id: 1 },
    });
    const bad = await http(url('jobs/12/'), {
      method: 'PATCH',
      body: { status: 'done', extra: 1 },
      headers: auth,
    });
    expect([bad.status, bad.json()]).toEqual([
      400,
      { status: ['"done" is not a valid choice.'], extra: ['This field is not allowed.'] },
    ]);
    expect(t.dev.control.backend().jobPatches.map((p) => p.body['status'])).toEqual([
      'running',
      'succeeded',
    ]);
  });

  it('accepts one log object or a list on logs/', async () => {
    expect(
      (await http(url('logs/'), { method: 'POST', body: { event: 'a' }, headers: auth })).status,
    ).toBe(201);
    const many = await http(url('logs/'), {
      method: 'POST',
      body: [{ event: 'b' }, { event: 'c' }],
      headers: auth,
    });
    expect([many.status, many.json()]).toEqual([
      201,
      [
        { id: 2, event: 'b' },
        { id: 3, event: 'c' },
      ],
    ]);
    expect(t.dev.control.backend().logs.map((l) => l.entry['event'])).toEqual(['a', 'b', 'c']);
    expect(
      (
        await http(url('logs/'), {
          method: 'POST',
          body: '"text"',
          headers: { ...auth, 'Content-Type': 'application/json' },
        })
      ).status,
    ).toBe(400);
  });

  it('exposes the records on the admin API', async () => {
    await create({ name: 'a', plugin_release: 1, action: 'deployment' });
    const admin = await http(`${t.dev.dashboardUrl}/_devserver/backend`);
    expect(
      admin.json<{ serveApplications: { name: string }[] }>().serveApplications.map((a) => a.name),
    ).toEqual(['a']);
  });
});

describe('backend without a token', () => {
  it('accepts requests without Synapse-Access-Token', async () => {
    const t = await startTestServer();
    try {
      expect((await http(`${t.dev.backendUrl}serve_applications/`)).status).toBe(200);
    } finally {
      await t.dev.stop();
    }
  });
});
