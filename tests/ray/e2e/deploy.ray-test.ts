import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import type { FixturePlugin } from '../../../packages/cli/src/test-support/fixture-plugin.js';
import { spawnSynapse } from '../../../packages/cli/src/test-support/run-synapse.js';
import type { AppView } from '../../parity/serve-target.js';
import { details, proxyRequest, resetTarget } from '../../parity/serve-target.js';
import { deployCommand } from '../../support/deploy-command.js';
import type { RecordingProxy } from '../../support/recording-proxy.js';
import { startRecordingProxy } from '../../support/recording-proxy.js';
import { createVersionedPlugin, writeServeApp } from '../support/e2e-plugins.js';
import { recordFigure } from '../support/lane-env.js';
import type { RayE2e } from '../support/ray-e2e.js';
import { putToRunningSeconds, startRayE2e, startRequestLoop } from '../support/ray-e2e.js';

const APP = 'fixture@1.0.0';

/** One app through its life on a real head, deployed with the built CLI as a user would. */
describe('synapse plugin run deployment against a real Ray 2.58 head', () => {
  let e2e: RayE2e;
  let plugin: FixturePlugin;
  let proxy: RecordingProxy;
  let route: string;

  const app = async (): Promise<AppView> => {
    const found = (await details(e2e.target)).applications[APP];
    if (!found) throw new Error(`${APP} is not deployed`);
    return found;
  };
  const answer = async () => {
    const res = await proxyRequest(e2e.target, route);
    return {
      status: res.status,
      body: res.status === 200 ? res.json<Record<string, string>>() : res.text,
    };
  };
  /** Deploys through a fresh recording proxy (kept in `proxy`). */
  const deploy = async (numCpus: number, extra: Record<string, string> = {}) => {
    proxy = await startRecordingProxy(e2e.target.dashboardUrl);
    try {
      return await e2e.synapse(deployCommand(plugin.dir, { num_cpus: numCpus }), {
        RAY_DASHBOARD_ADDRESS: proxy.url,
        ...extra,
      });
    } finally {
      await proxy.close();
    }
  };
  const puts = () => proxy.exchanges.filter((x) => x.method === 'PUT').map((x) => x.path);

  beforeAll(async () => {
    e2e = await startRayE2e();
    await resetTarget(e2e.target);
    plugin = await createVersionedPlugin('v1');
  });
  afterAll(async () => {
    await resetTarget(e2e.target);
    await plugin.remove();
    await e2e.close();
  });

  it('a first deploy ends RUNNING, answers through the proxy with the backend URL bound, and is registered', async () => {
    const run = await deploy(0.1, { SYNAPSE_JOB_ID: '101', SYNAPSE_PLUGIN_RELEASE_ID: '7' });
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    recordFigure(
      'first deploy: PUT to RUNNING (s)',
      putToRunningSeconds(proxy.exchanges, APP) ?? 'n/a',
    );
    const deployed = await app();
    expect(deployed.status).toBe('RUNNING');
    route = String(deployed.route_prefix);
    expect(route).toMatch(/^\/[0-9a-f]{32}$/);
    expect(await answer()).toEqual({
      status: 200,
      body: { version: 'v1', backend_url: e2e.env['SYNAPSE_HOST'] },
    });
    const records = e2e.backend.server.control.backend().serveApplications;
    expect(records.map((r) => [r.name, r.plugin_release])).toEqual([[APP, 7]]);
  });

  it('an unchanged redeploy is up to date: no upload, no PUT, nothing restarted', async () => {
    const before = await app();
    const run = await deploy(0.1);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('app_up_to_date');
    expect(puts()).toEqual([]);
    const after = await app();
    expect(after.last_deployed_time_s).toBe(before.last_deployed_time_s);
    expect(after.deployments).toEqual(before.deployments);
  });

  it('an in-place change (num_cpus) keeps serving: no request fails while it rolls out', async () => {
    const before = await app();
    const load = startRequestLoop(`${e2e.target.serveUrl}${route}`);
    const run = await deploy(0.2);
    const tally = await load.stop();
    expect(run.code).toBe(0);
    recordFigure(
      'in-place change: PUT to RUNNING (s)',
      putToRunningSeconds(proxy.exchanges, APP) ?? 'n/a',
    );
    recordFigure(
      'in-place change: failed requests',
      `${tally.failed} of ${tally.ok + tally.failed}`,
    );
    const after = await app();
    expect(after.deployments['Model']?.replicas[0]?.replica_id).not.toBe(
      before.deployments['Model']?.replicas[0]?.replica_id,
    );
    expect(puts()).toEqual(['/api/serve/applications/']);
    expect(tally).toEqual({ ok: expect.any(Number), failed: 0, failures: [] });
    expect(tally.ok).toBeGreaterThan(0);
  });

  it('a code change rebuilds, and the route answers the new version', async () => {
    await writeServeApp(plugin, 'v2');
    const load = startRequestLoop(`${e2e.target.serveUrl}${route}`);
    const run = await deploy(0.2);
    const tally = await load.stop();
    expect(run.code).toBe(0);
    recordFigure(
      'code change: PUT to RUNNING (s)',
      putToRunningSeconds(proxy.exchanges, APP) ?? 'n/a',
    );
    recordFigure('code change: failed requests', `${tally.failed} of ${tally.ok + tally.failed}`);
    expect(puts()).toEqual([
      expect.stringMatching(/^\/api\/packages\/gcs\/_ray_pkg_[0-9a-f]+\.zip$/),
      '/api/serve/applications/',
    ]);
    expect((await answer()).body).toEqual({ version: 'v2', backend_url: e2e.env['SYNAPSE_HOST'] });
  });

  it("broken serve code: exit 1 with Ray's traceback, v2 put back and answering, nothing registered", async () => {
    const before = await app();
    await writeServeApp(plugin, 'v3', { broken: true });
    const load = startRequestLoop(`${e2e.target.serveUrl}${route}`);
    const run = await deploy(0.2, { SYNAPSE_JOB_ID: '102', SYNAPSE_PLUGIN_RELEASE_ID: '8' });
    const tally = await load.stop();
    recordFigure('failed deploy: failed requests', `${tally.failed} of ${tally.ok + tally.failed}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Traceback (most recent call last):');
    expect(run.stderr).toContain('RuntimeError: model weights are missing');
    expect(run.stderr).toMatch(/rolled back: deploy/);
    const after = await app();
    expect([after.status, after.deployed_app_config]).toEqual([
      'RUNNING',
      before.deployed_app_config,
    ]);
    expect((await answer()).body).toEqual({ version: 'v2', backend_url: e2e.env['SYNAPSE_HOST'] });
    expect(e2e.backend.server.control.backend().serveApplications).toHaveLength(1);
    expect(tally.failed).toBe(0);
  });

  it('Ctrl-C while it waits for RUNNING: exit 130, v2 put back and answering', async () => {
    const before = await app();
    await writeServeApp(plugin, 'v4');
    const child = spawnSynapse(deployCommand(plugin.dir, { num_cpus: 0.2 }), { env: e2e.env });
    const exit = waitForExit(child, 240_000);
    await waitForOutput(child, 'stderr', /app_status .*status=DEPLOYING/, 120_000);
    child.kill('SIGINT');
    const run = await exit;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/SIGINT: cancelling/);
    const after = await app();
    expect([after.status, after.deployed_app_config]).toEqual([
      'RUNNING',
      before.deployed_app_config,
    ]);
    expect((await answer()).body).toEqual({ version: 'v2', backend_url: e2e.env['SYNAPSE_HOST'] });
  });
});
