import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { TestServer } from '../test-support/http.js';
import { appConfig, http, startTestServer } from '../test-support/http.js';
import { legacyInstanceDetailsErrors } from '../test-support/ray-schemas.js';
import { rayBehaviour } from './ray-behaviour.js';

describe('rayVersion below 2.58: the older behaviour', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ rayVersion: '2.46.0' });
  });
  afterEach(() => t.dev.stop());

  it('reports that version', async () => {
    const version = await http(`${t.dev.dashboardUrl}/api/version`);
    expect(version.json<Record<string, string>>()['ray_version']).toBe('2.46.0');
  });

  it("answers 400 with pydantic v1's repr and refuses http:// URIs", async () => {
    const res = await t.put({ applications: [{ name: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(
      /^ValidationError\(model='ServeDeploySchema', errors=\[\{'loc': \('applications', 0, 'import_path'\)/,
    );
    const plain = await t.put({
      applications: [appConfig('a', { runtime_env: { working_dir: 'http://h/p.zip' } })],
    });
    expect(plain.status).toBe(400);
    expect(plain.text).toContain("Original error: \\'http\\' is not a valid Protocol");
  });

  it('refuses browser-looking PUTs only, with the older text', async () => {
    const put = await t.put({ applications: [] }, { Origin: 'http://x' });
    expect([put.status, put.text]).toEqual([405, 'Method Not Allowed for browser traffic.']);
    const del = await http(`${t.dev.dashboardUrl}/api/serve/applications/`, {
      method: 'DELETE',
      headers: { Origin: 'http://x' },
    });
    expect(del.status).toBe(200);
  });

  it('routes /api/healthz and /api/local_raylet_healthz on the head', async () => {
    for (const path of ['/api/healthz', '/api/local_raylet_healthz'])
      expect((await http(`${t.dev.dashboardUrl}${path}`)).status).toBe(200);
  });

  it("lists the old deployments while rebuilding, without 2.58's fields, valid for the older schemas", async () => {
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(600);
    await t.put({ applications: [appConfig('a', { args: { x: 1 } })] });
    const body = await t.details();
    expect(legacyInstanceDetailsErrors(body)).toEqual([]);
    expect(body).not.toHaveProperty('controller_health_metrics');
    expect(body).not.toHaveProperty('target_groups');
    const app = body.applications['a'];
    expect(app?.status).toBe('DEPLOYING');
    expect(app?.deployments['app']?.status).toBe('HEALTHY');
    expect(app?.deployments['app']?.replicas[0]?.replica_id).toMatch(/^a#app#[0-9a-f]{8}$/);
    expect(app).not.toHaveProperty('deployment_topology');
  });

  it('words a bad route prefix as Ray did before 2.58', async () => {
    await t.put({ applications: [appConfig('a', { route_prefix: 'x' })] });
    await t.dev.control.advance(300);
    expect((await t.app('a'))?.message).toContain(
      'ValueError: Got "x" for route_prefix. Route prefix must start with "/".',
    );
  });
});

describe('rayBehaviour', () => {
  it('switches to 2.58 at 2.58.0 and refuses what is not a version', () => {
    expect(rayBehaviour('2.57.9').serve258).toBe(false);
    expect(rayBehaviour('2.58.0').serve258).toBe(true);
    expect(rayBehaviour('2.60.1rc1').pydantic).toBe(2);
    expect(() => rayBehaviour('latest')).toThrow('rayVersion must look like 2.58.0, got "latest"');
  });
});
