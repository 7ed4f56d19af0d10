import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';

import type { AppDetailsBody, ServeDetailsBody, TestServer } from './test-support/http.js';
import { http, startTestServer } from './test-support/http.js';
import { instanceDetailsErrors } from './test-support/ray-schemas.js';

/**
 * The flow our SDK drives, done by hand over HTTP: upload the plugin package, merge our app into
 * the live config (keeping another team's app), wait for RUNNING, update in place, ship a broken
 * version, see DEPLOY_FAILED with Ray's message, and roll back to the previous config.
 */
describe('deploy → update → failure → rollback over raw HTTP', () => {
  let t: TestServer;
  let appsUrl: string;
  const v1Pkg = '_ray_pkg_1111111111111111.zip';
  const v2Pkg = '_ray_pkg_2222222222222222.zip';
  const otherApp = {
    name: 'other-team',
    route_prefix: '/other',
    import_path: 'other.app:app',
    runtime_env: { working_dir: 'https://example.com/other.zip' },
  };
  const ourApp = (pkg: string, userConfig: Record<string, unknown>) => ({
    name: 'yolo@1',
    route_prefix: '/3f2a',
    import_path: 'synapse_builder:build_app',
    runtime_env: { working_dir: `gcs://${pkg}` },
    args: { entrypoint: 'plugin.inference:Model', backend_url: 'http://127.0.0.1:8266/' },
    deployments: [{ name: 'Model', user_config: userConfig, ray_actor_options: { num_cpus: 2 } }],
  });

  beforeAll(async () => {
    t = await startTestServer();
    appsUrl = `${t.dev.dashboardUrl}/api/serve/applications/`;
    await t.put({ applications: [otherApp] });
    await t.dev.control.advance(600);
  });
  afterAll(() => t.dev.stop());

  const get = async (): Promise<ServeDetailsBody> => {
    const res = await http(appsUrl);
    expect(res.status).toBe(200);
    const body = res.json<ServeDetailsBody>();
    expect(instanceDetailsErrors(body)).toEqual([]);
    return body;
  };
  const ours = async (): Promise<AppDetailsBody> =>
    (await get()).applications['yolo@1'] as AppDetailsBody;
  const upload = async (name: string, files: Record<string, string>) => {
    const url = `${t.dev.dashboardUrl}/api/packages/gcs/${name}`;
    expect((await http(url)).status).toBe(404);
    const bytes = Buffer.from(
      zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))),
    );
    expect((await http(url, { method: 'PUT', body: bytes })).status).toBe(200);
    expect((await http(url)).status).toBe(200);
  };
  /** Read-modify-write: keep every other declarative app's deployed_app_config verbatim. */
  const putMerged = async (app: Record<string, unknown>) => {
    const live = await get();
    const others = Object.values(live.applications)
      .filter(
        (a) =>
          a.source === 'declarative' &&
          a.name !== app['name'] &&
          a.deployed_app_config !== undefined,
      )
      .map((a) => a.deployed_app_config);
    const res = await http(appsUrl, { method: 'PUT', body: { applications: [...others, app] } });
    expect([res.status, res.text]).toEqual([200, '']);
  };
  const statusTrail: string[] = [];
  const poll = async (stepMs: number, steps: number): Promise<AppDetailsBody> => {
    let app = await ours();
    for (let i = 0; i < steps; i++) {
      statusTrail.push(
        `${app.status}:${Object.values(app.deployments)
          .map((d) => d.status)
          .join(',')}`,
      );
      if (app.status !== 'DEPLOYING') break;
      await t.dev.control.advance(stepMs);
      app = await ours();
    }
    return app;
  };

  let v1Config: Record<string, unknown>;

  it('1. deploys: DEPLOYING (no deployments) → DEPLOYING (UPDATING) → RUNNING, other app untouched', async () => {
    await upload(v1Pkg, { 'synapse_builder.py': '', 'plugin/inference.py': 'class Model: ...' });
    const before = await get();
    expect(before.applications['yolo@1']).toBeUndefined();
    v1Config = ourApp(v1Pkg, { threshold: 0.5 });
    await putMerged(v1Config);
    const app = await poll(300, 10);
    expect(statusTrail).toEqual(['DEPLOYING:', 'DEPLOYING:UPDATING', 'RUNNING:HEALTHY']);
    expect(app.status).toBe('RUNNING');
    expect(app.deployed_app_config).toEqual(v1Config);
    expect(app.deployments['Model']).toMatchObject({
      status: 'HEALTHY',
      status_trigger: 'CONFIG_UPDATE_COMPLETED',
      required_resources: { CPU: 2 },
    });
    const other = (await get()).applications['other-team'];
    expect([other?.status, other?.last_deployed_time_s]).toEqual(['RUNNING', 1_700_000_000.6]);
  });

  let v2Config: Record<string, unknown>;
  let v2Replicas: string[] | undefined;

  it('2. updates user_config in place: DEPLOYING/UPDATING briefly, same replicas, then RUNNING', async () => {
    const replicas = (await ours()).deployments['Model']?.replicas.map((r) => r.replica_id);
    v2Config = ourApp(v1Pkg, { threshold: 0.7 });
    await putMerged(v2Config);
    const updating = await ours();
    expect([
      updating.status,
      updating.deployments['Model']?.status,
      updating.deployments['Model']?.replicas[0]?.state,
    ]).toEqual(['DEPLOYING', 'UPDATING', 'UPDATING']);
    await t.dev.control.advance(100);
    const running = await ours();
    expect(running.status).toBe('RUNNING');
    expect(running.deployments['Model']?.replicas.map((r) => r.replica_id)).toEqual(replicas);
    v2Replicas = replicas;
    expect(running.deployments['Model']?.deployment_config['user_config']).toEqual({
      threshold: 0.7,
    });
  });

  it('3. a broken release fails: DEPLOYING while the old version serves → DEPLOY_FAILED with the traceback', async () => {
    await upload(v2Pkg, { 'synapse_builder.py': '', 'plugin/__init__.py': '' });
    const lastDeployed = (await ours()).last_deployed_time_s;
    await putMerged(ourApp(v2Pkg, { threshold: 0.7 }));
    const building = await ours();
    expect(building.last_deployed_time_s).not.toBe(lastDeployed);
    expect([building.status, building.deployments]).toEqual(['DEPLOYING', {}]);
    await t.dev.control.advance(300);
    const failed = await ours();
    expect(failed.status).toBe('DEPLOY_FAILED');
    expect(failed.message).toMatch(
      /^Deploying app 'yolo@1' failed with exception:\nTraceback \(most recent call last\):\n/,
    );
    expect(failed.message.split('\n').pop()).toBe(
      "ModuleNotFoundError: No module named 'plugin.inference'",
    );
    expect((await get()).applications['other-team']?.status).toBe('RUNNING');
    await t.dev.control.advance(60_000);
    expect((await ours()).status).toBe('DEPLOY_FAILED');
  });

  it('4. putting the previous config back builds it again and runs on the replicas that served', async () => {
    const served = (await http(`${t.dev.serveUrl}/3f2a/predict`, { method: 'POST' })).status;
    expect(served).toBe(200);
    await putMerged(v2Config);
    expect((await ours()).status).toBe('DEPLOYING');
    await t.dev.control.advance(300);
    const app = await ours();
    expect([app.status, app.message]).toEqual(['RUNNING', '']);
    expect(app.deployments['Model']?.replicas.map((r) => r.replica_id)).toEqual(v2Replicas);
    expect(app.deployed_app_config).toEqual(v2Config);
    expect(app.deployments['Model']?.deployment_config['user_config']).toEqual({ threshold: 0.7 });
    const routes = await http(`${t.dev.serveUrl}/-/routes`);
    expect(routes.json()).toEqual({ '/other': 'other-team', '/3f2a': 'yolo@1' });
    const call = await http(`${t.dev.serveUrl}/3f2a/predict`, {
      method: 'POST',
      body: { image: 'x' },
    });
    expect(call.json()).toEqual({
      simulated: true,
      app: 'yolo@1',
      deployment: 'Model',
      path: '/3f2a/predict',
      method: 'POST',
      query: {},
      body: { image: 'x' },
    });
  });
});
