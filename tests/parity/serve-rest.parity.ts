import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';

import type { FixturePlugin } from '../../packages/cli/src/test-support/fixture-plugin.js';
import { createFixturePlugin } from '../../packages/cli/src/test-support/fixture-plugin.js';
import { runSynapse } from '../../packages/cli/src/test-support/run-synapse.js';
import { deployCommand } from '../support/deploy-command.js';
import { deployBodyProblems, instanceDetailsProblems } from '../support/ray-2.58-schemas.js';
import { startRecordingProxy } from '../support/recording-proxy.js';
import type { ProbePackage } from './probe-package.js';
import { probeApp, probePackage, uploadPackage } from './probe-package.js';
import type { AppView, ServeTarget } from './serve-target.js';
import {
  dashboardRequest,
  details,
  proxyRequest,
  putConfig,
  resetTarget,
  waitFor,
  waitForStatus,
} from './serve-target.js';

const replicaIds = (app: AppView | undefined): string[] =>
  Object.values(app?.deployments ?? {})
    .flatMap((d) => d.replicas.map((r) => r.replica_id))
    .sort();

/**
 * The Serve REST behaviours the SDK relies on, written once. `devserver.test.ts` runs them
 * against the devserver, `ray.ray-test.ts` against a real Ray 2.58 head: a test that passes on
 * one and not the other is a devserver bug (or a divergence listed in the devserver README).
 */
export function describeServeRestParity(getTarget: () => ServeTarget): void {
  // Real Ray takes seconds per deploy; the devserver finishes long before this.
  jest.setTimeout(300_000);
  let target: ServeTarget;
  let v1: ProbePackage;
  let v2: ProbePackage;

  beforeAll(async () => {
    target = getTarget();
    [v1, v2] = await Promise.all([probePackage('v1'), probePackage('v2')]);
    await uploadPackage(target, v1);
    await uploadPackage(target, v2);
  });

  beforeEach(async () => {
    await resetTarget(target);
  });

  describe('version and health', () => {
    it('reports the Ray version and a session, and a healthy GCS', async () => {
      const version = await dashboardRequest(target, '/api/version');
      expect(version.status).toBe(200);
      expect(version.json()).toEqual({
        version: expect.any(String),
        ray_version: '2.58.0',
        ray_commit: expect.stringMatching(/^[0-9a-f]{40}$/),
        session_name: expect.stringMatching(/^session_/),
      });
      const health = await dashboardRequest(target, '/api/gcs_healthz');
      expect([health.status, health.text]).toEqual([200, 'success']);
      expect(health.headers['content-type']).toMatch(/^application\/text/);
      const mode = await dashboardRequest(target, '/api/authentication_mode');
      expect(mode.json()).toEqual({ authentication_mode: 'token' });
    });
  });

  describe('token auth', () => {
    it('needs the token for the version and Serve, not for the health check', async () => {
      for (const path of ['/api/version', '/api/serve/applications/']) {
        const missing = await dashboardRequest(target, path, { credential: 'none' });
        expect([missing.status, missing.text]).toEqual([
          401,
          'Unauthorized: Missing authentication token',
        ]);
        const wrong = await dashboardRequest(target, path, { credential: 'wrong' });
        expect([wrong.status, wrong.text]).toEqual([
          403,
          'Forbidden: Invalid authentication token',
        ]);
      }
      const viaProxyHeader = await dashboardRequest(target, '/api/version', {
        credential: 'none',
        headers: { 'x-ray-authorization': `Bearer ${target.token}` },
      });
      expect(viaProxyHeader.status).toBe(200);
      const health = await dashboardRequest(target, '/api/gcs_healthz', { credential: 'none' });
      expect(health.status).toBe(200);
      const put = await putConfig(target, { applications: [] }, { authorization: 'Bearer nope' });
      expect(put.status).toBe(403);
    });
  });

  describe('routing', () => {
    it('matches paths exactly, with 405 and Allow for a method the path lacks', async () => {
      const noSlash = await dashboardRequest(target, '/api/serve/applications');
      expect([noSlash.status, noSlash.text]).toEqual([404, '404: Not Found']);
      const post = await dashboardRequest(target, '/api/serve/applications/', { method: 'POST' });
      expect(post.status).toBe(405);
      expect(String(post.headers['allow']).split(',').sort()).toEqual([
        'DELETE',
        'GET',
        'HEAD',
        'PUT',
      ]);
      const legacy = await dashboardRequest(target, '/api/serve/deployments/');
      expect(legacy.status).toBe(404);
      // Let through by token auth, but routed by the dashboard agent, not the head.
      for (const path of ['/api/healthz', '/api/local_raylet_healthz']) {
        expect((await dashboardRequest(target, path)).status).toBe(404);
      }
      const badFilter = await dashboardRequest(target, '/api/serve/applications/?api_type=nope');
      expect(badFilter.status).toBe(400);
      expect(badFilter.text).toContain("Invalid 'api_type' value");
    });
  });

  describe('browser block', () => {
    it('refuses PUT and DELETE that look like a browser, and changes nothing', async () => {
      expect((await putConfig(target, { applications: [probeApp('kept', v1)] })).status).toBe(200);
      const asBrowser: Record<string, string>[] = [
        { origin: 'http://evil.example' },
        { 'sec-fetch-mode': 'cors' },
        { 'user-agent': 'Mozilla/5.0' },
      ];
      for (const headers of asBrowser) {
        const put = await putConfig(target, { applications: [] }, headers);
        expect(put.status).toBe(405);
        expect(put.text).toMatch(/'PUT' method not allowed for browser traffic/);
        const del = await dashboardRequest(target, '/api/serve/applications/', {
          method: 'DELETE',
          headers,
        });
        expect(del.status).toBe(405);
        expect(del.text).toMatch(/'DELETE' method not allowed for browser traffic/);
      }
      const get = await dashboardRequest(target, '/api/serve/applications/', {
        headers: { origin: 'http://evil.example' },
      });
      expect(get.status).toBe(200);
      expect(Object.keys((await details(target)).applications)).toEqual(['kept']);
    });
  });

  describe('validation', () => {
    it('answers 400 naming the field, and changes nothing', async () => {
      expect((await putConfig(target, { applications: [probeApp('kept', v1)] })).status).toBe(200);
      const cases: [string, Record<string, unknown>, RegExp][] = [
        [
          'num_replicas',
          probeApp('bad', v1, { deployments: [{ name: 'Probe', num_replicas: -1 }] }),
          /applications\.0\.deployments\.0\.num_replicas/,
        ],
        [
          'import_path',
          probeApp('bad', v1, { import_path: 'nocolon' }),
          /applications\.0\.import_path/,
        ],
        [
          'a local working_dir',
          probeApp('bad', v1, { runtime_env: { working_dir: '/srv/plugin' } }),
          /applications\.0\.runtime_env[\s\S]*only remote URIs/,
        ],
        [
          'logging_config extras',
          probeApp('bad', v1, { logging_config: { colour: 'blue' } }),
          /applications\.0\.logging_config\.colour/,
        ],
      ];
      for (const [, app, names] of cases) {
        const res = await putConfig(target, { applications: [app] });
        expect(res.status).toBe(400);
        expect(res.text).toMatch(names);
        expect(res.text).toMatch(/validation errors? for ServeDeploySchema/);
      }
      const dupes = await putConfig(target, {
        applications: [
          probeApp('a', v1, { route_prefix: '/same' }),
          probeApp('b', v1, { route_prefix: '/same' }),
        ],
      });
      expect(dupes.status).toBe(400);
      expect(dupes.text).toContain('Found duplicate applications for route prefix "/same"');
      const malformed = await putConfig(target, '{"applications": [');
      expect(malformed.status).toBe(500);
      expect(malformed.text).toContain('json.decoder.JSONDecodeError');
      const body = await details(target);
      expect(Object.keys(body.applications)).toEqual(['kept']);
    });

    it('drops unknown keys silently (why the SDK checks them before sending)', async () => {
      const app = probeApp('lenient', v1, {
        colour: 'blue',
        deployments: [
          { name: 'Probe', colour: 'red', ray_actor_options: { num_cpus: 0.05, colour: 1 } },
        ],
      });
      const res = await putConfig(target, { applications: [app], colour: 'green' });
      expect(res.status).toBe(200);
      const live = (await details(target)).applications['lenient']?.deployed_app_config;
      expect(live).toEqual(probeApp('lenient', v1));
    });

    it('accepts an http:// working_dir', async () => {
      const app = probeApp('plain-http', v1, {
        runtime_env: { working_dir: 'http://127.0.0.1:9/plugin.zip' },
      });
      expect((await putConfig(target, { applications: [app] })).status).toBe(200);
      const live = (await details(target)).applications['plain-http']?.deployed_app_config;
      expect(live?.['runtime_env']).toEqual({ working_dir: 'http://127.0.0.1:9/plugin.zip' });
    });
  });

  describe('deploy lifecycle', () => {
    it('shows DEPLOYING right after the PUT, then RUNNING, and the proxy routes to the app', async () => {
      expect((await putConfig(target, { applications: [probeApp('life', v1)] })).status).toBe(200);
      const first = (await details(target)).applications['life'];
      expect(first).toMatchObject({ status: 'DEPLOYING', route_prefix: null, deployments: {} });
      expect(first?.deployed_app_config).toEqual(probeApp('life', v1));

      const seen = new Set<string>();
      const running = await waitFor(target, 'life RUNNING', (body) => {
        const app = body.applications['life'];
        if (app) seen.add(app.status);
        return app?.status === 'RUNNING' ? app : undefined;
      });
      expect([...seen].sort()).toEqual(['DEPLOYING', 'RUNNING']);
      expect(running.route_prefix).toBe('/life');
      expect(running.deployments['Probe']).toMatchObject({ status: 'HEALTHY' });
      expect(running.deployments['Probe']?.replicas.map((r) => r.state)).toEqual(['RUNNING']);

      const routes = await proxyRequest(target, '/-/routes');
      expect(routes.json()).toEqual({ '/life': 'life' });
      const health = await proxyRequest(target, '/-/healthz');
      expect([health.status, health.text]).toEqual([200, 'success']);
      const answer = await proxyRequest(target, '/life/anything?x=1');
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect((await proxyRequest(target, '/nowhere')).status).toBe(404);
    });

    it('rebuilds on a code change while the old version keeps serving', async () => {
      await putConfig(target, { applications: [probeApp('code', v1)] });
      const before = await waitForStatus(target, 'code', 'RUNNING');
      expect((await putConfig(target, { applications: [probeApp('code', v2)] })).status).toBe(200);
      // The build runs first: its deployments are not listed yet, the route stays.
      const building = (await details(target)).applications['code'];
      expect(building).toMatchObject({
        status: 'DEPLOYING',
        route_prefix: '/code',
        deployments: {},
      });
      expect((await proxyRequest(target, '/code')).status).toBe(200);
      const after = await waitFor(target, 'code RUNNING on v2', (body) => {
        const app = body.applications['code'];
        const live = app?.deployed_app_config?.['runtime_env'] as
          | { working_dir?: string }
          | undefined;
        return app?.status === 'RUNNING' && live?.working_dir === v2.uri ? app : undefined;
      });
      expect(replicaIds(after)).toHaveLength(1);
      expect(replicaIds(after)).not.toEqual(replicaIds(before));
    });

    it('keeps serving the old version when a rebuild fails, and takes it back without a restart', async () => {
      await putConfig(target, { applications: [probeApp('keep', v1)] });
      const before = await waitForStatus(target, 'keep', 'RUNNING');
      const broken = probeApp('keep', v1, { args: { entrypoint: 'missing_module:Probe' } });
      expect((await putConfig(target, { applications: [broken] })).status).toBe(200);
      const failed = await waitForStatus(target, 'keep', 'DEPLOY_FAILED');
      expect(failed).toMatchObject({ route_prefix: '/keep', deployments: {} });
      expect((await proxyRequest(target, '/keep')).status).toBe(200);
      // Putting the previous config back builds again, then runs on the replicas that served.
      expect((await putConfig(target, { applications: [probeApp('keep', v1)] })).status).toBe(200);
      expect((await details(target)).applications['keep']?.status).toBe('DEPLOYING');
      const restored = await waitForStatus(target, 'keep', 'RUNNING');
      expect(replicaIds(restored)).toEqual(replicaIds(before));
    });

    it('restarts replicas in place on an actor-options change, answering all along', async () => {
      await putConfig(target, { applications: [probeApp('swap', v1)] });
      const before = await waitForStatus(target, 'swap', 'RUNNING');
      const more = probeApp('swap', v1, {
        deployments: [{ name: 'Probe', ray_actor_options: { num_cpus: 0.1 } }],
      });
      expect((await putConfig(target, { applications: [more] })).status).toBe(200);
      const statuses: number[] = [];
      const after = await waitFor<AppView>(
        target,
        'swap RUNNING with new replicas',
        async (body) => {
          statuses.push((await proxyRequest(target, '/swap')).status);
          const app = body.applications['swap'];
          return app?.status === 'RUNNING' && replicaIds(app).join() !== replicaIds(before).join()
            ? app
            : undefined;
        },
      );
      expect(after.deployments['Probe']?.replicas.map((r) => r.state)).toEqual(['RUNNING']);
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
    });

    it('scales in place: more replicas, the running one kept', async () => {
      await putConfig(target, { applications: [probeApp('scale', v1)] });
      const before = await waitForStatus(target, 'scale', 'RUNNING');
      const two = probeApp('scale', v1, {
        deployments: [{ name: 'Probe', num_replicas: 2, ray_actor_options: { num_cpus: 0.05 } }],
      });
      expect((await putConfig(target, { applications: [two] })).status).toBe(200);
      const after = await waitFor(target, 'scale with 2 replicas RUNNING', (body) => {
        const app = body.applications['scale'];
        const states = app?.deployments['Probe']?.replicas.map((r) => r.state) ?? [];
        return app?.status === 'RUNNING' &&
          states.length === 2 &&
          states.every((s) => s === 'RUNNING')
          ? app
          : undefined;
      });
      expect(replicaIds(after)).toEqual(expect.arrayContaining(replicaIds(before)));
    });
  });

  describe('declarative replace', () => {
    it('deletes an unlisted app (DELETING, then gone) and leaves a listed one running', async () => {
      await putConfig(target, { applications: [probeApp('stay', v1), probeApp('go', v1)] });
      await waitForStatus(target, 'stay', 'RUNNING');
      await waitForStatus(target, 'go', 'RUNNING');
      const stayBefore = (await details(target)).applications['stay'];

      expect((await putConfig(target, { applications: [probeApp('stay', v1)] })).status).toBe(200);
      const right = await details(target);
      expect(right.applications['go']?.status).toBe('DELETING');
      expect(right.applications['go']?.deployed_app_config).toBeNull();
      await waitFor(target, 'go gone', (body) => (body.applications['go'] ? undefined : true));
      const stay = (await details(target)).applications['stay'];
      expect(stay?.status).toBe('RUNNING');
      expect(replicaIds(stay)).toEqual(replicaIds(stayBefore));
    });
  });

  describe('deferred failures', () => {
    it("accepts, then fails the app with Ray's reason: route prefix, override, package, module", async () => {
      const apps = [
        probeApp('fine', v1),
        probeApp('prefix', v1, { route_prefix: 'no-slash' }),
        probeApp('override', v1, { deployments: [{ name: 'Nope', num_replicas: 1 }] }),
        probeApp('package', v1, {
          runtime_env: { working_dir: 'gcs://_ray_pkg_0000000000000000.zip' },
        }),
        probeApp('module', v1, { args: { entrypoint: 'missing_module:Probe' } }),
      ];
      expect((await putConfig(target, { applications: apps })).status).toBe(200);
      const failed = await waitFor(target, 'four apps DEPLOY_FAILED and one RUNNING', (body) => {
        const statuses = apps.map((a) => body.applications[String(a['name'])]?.status);
        return statuses.join() === 'RUNNING,DEPLOY_FAILED,DEPLOY_FAILED,DEPLOY_FAILED,DEPLOY_FAILED'
          ? body.applications
          : undefined;
      });
      expect(failed['prefix']?.message).toMatch(/ValueError: Invalid route_prefix 'no-slash'/);
      expect(failed['override']?.message).toContain(
        "ValueError: Deployment 'Nope' does not exist. Available: ['Probe']",
      );
      expect(failed['package']?.message).toMatch(/^Runtime env setup for app 'package' failed:/);
      expect(failed['package']?.message).toContain('gcs://_ray_pkg_0000000000000000.zip');
      expect(failed['module']?.message).toMatch(/^Deploying app 'module' failed with exception:/);
      expect(failed['module']?.message).toContain(
        "ModuleNotFoundError: No module named 'missing_module'",
      );
    });
  });

  describe('package store', () => {
    it('answers 404 for a package it lacks and 200 once it was uploaded', async () => {
      const pkg = await probePackage(`store-${Date.now()}`);
      const path = `/api/packages/gcs/${pkg.uri.slice('gcs://'.length)}`;
      const absent = await dashboardRequest(target, path);
      expect([absent.status, absent.text]).toEqual([404, `Package ${pkg.uri} does not exist`]);
      const put = await dashboardRequest(target, path, {
        method: 'PUT',
        body: pkg.bytes,
      });
      expect([put.status, put.text]).toEqual([200, '']);
      const present = await dashboardRequest(target, path);
      expect([present.status, present.text]).toEqual([200, '']);
    });
  });

  describe('DELETE', () => {
    it('shuts Serve down: the empty details, no route', async () => {
      await putConfig(target, { applications: [probeApp('doomed', v1)] });
      await waitForStatus(target, 'doomed', 'RUNNING');
      const del = await dashboardRequest(target, '/api/serve/applications/', { method: 'DELETE' });
      expect([del.status, del.text]).toEqual([200, '']);
      expect(await details(target)).toEqual({
        deploy_mode: 'MULTI_APP',
        controller_info: {},
        proxies: {},
        applications: {},
        target_capacity: null,
      });
      // Started again on the pinned port; a proxy that never routed an app is not healthy yet.
      await resetTarget(target);
      const fresh = await proxyRequest(target, '/-/healthz');
      expect([fresh.status, fresh.text]).toEqual([503, 'Route table is not populated yet.']);
    });
  });

  describe('what the SDK sends and reads', () => {
    let plugin: FixturePlugin;
    let lockDir: string;

    beforeAll(async () => {
      plugin = await createFixturePlugin({ 'requirements.txt': null });
      lockDir = await mkdtemp(join(tmpdir(), 'synapse-parity-locks-'));
    });
    afterAll(async () => {
      await plugin.remove();
      await rm(lockDir, { recursive: true, force: true });
    });

    it("matches Ray 2.58's schemas through a deploy, an in-place change, a plan, status and delete", async () => {
      const proxy = await startRecordingProxy(target.dashboardUrl);
      try {
        const env = {
          RAY_DASHBOARD_ADDRESS: proxy.url,
          RAY_AUTH_TOKEN: target.token,
          SYNAPSE_LOCK_DIR: lockDir,
        };
        const run = (args: string[]) => runSynapse(args, { env, timeoutMs: 240_000 });
        const deploy = (cpus: number) => run(deployCommand(plugin.dir, { num_cpus: cpus }));
        for (const result of [
          await deploy(0.05),
          await deploy(0.1),
          await run(['serve', 'plan', '--path', plugin.dir, '--params', '{"num_cpus":0.05}']),
          await run(['serve', 'status']),
          await run(['serve', 'delete', 'fixture@1.0.0', '--yes']),
        ]) {
          expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
            code: 0,
            stderr: '',
          });
        }
        const puts = proxy.exchanges.filter(
          (e) => e.method === 'PUT' && e.path === '/api/serve/applications/',
        );
        expect(puts.length).toBeGreaterThanOrEqual(3);
        for (const put of puts) {
          expect(put.status).toBe(200);
          expect(deployBodyProblems(JSON.parse(put.requestBody.toString('utf8')))).toEqual([]);
        }
        const gets = proxy.exchanges.filter(
          (e) => e.method === 'GET' && e.path === '/api/serve/applications/',
        );
        expect(gets.length).toBeGreaterThan(3);
        for (const get of gets) {
          expect(get.status).toBe(200);
          expect(instanceDetailsProblems(JSON.parse(get.responseBody.toString('utf8')))).toEqual(
            [],
          );
        }
      } finally {
        await proxy.close();
      }
    });
  });
}
