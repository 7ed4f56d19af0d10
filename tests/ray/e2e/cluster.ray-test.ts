import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import type { FixturePlugin } from '../../../packages/cli/src/test-support/fixture-plugin.js';
import type { ProbePackage } from '../../parity/probe-package.js';
import { probeApp, probePackage, uploadPackage } from '../../parity/probe-package.js';
import {
  details,
  proxyRequest,
  putConfig,
  resetTarget,
  waitForStatus,
} from '../../parity/serve-target.js';
import { deployCommand } from '../../support/deploy-command.js';
import { createVersionedPlugin } from '../support/e2e-plugins.js';
import type { RayE2e } from '../support/ray-e2e.js';
import { startRayE2e } from '../support/ray-e2e.js';

const APP = 'fixture@1.0.0';
const replicaIds = (app: { deployments: Record<string, { replicas: { replica_id: string }[] }> }) =>
  Object.values(app.deployments).flatMap((d) => d.replicas.map((r) => r.replica_id));

/** The cluster around our app: other writers' apps, several deploys at once, serve *, auth. */
describe('synapse against a shared real Ray 2.58 head', () => {
  let e2e: RayE2e;
  let plugin: FixturePlugin;
  let foreignPkg: ProbePackage;
  const deployArgs = () => deployCommand(plugin.dir, { num_cpus: 0.05 });

  beforeAll(async () => {
    e2e = await startRayE2e();
    plugin = await createVersionedPlugin('v1');
    foreignPkg = await probePackage('foreign');
    await uploadPackage(e2e.target, foreignPkg);
  });
  beforeEach(async () => {
    await resetTarget(e2e.target);
  });
  afterAll(async () => {
    await resetTarget(e2e.target);
    await plugin.remove();
    await e2e.close();
  });

  it('keeps an app someone else deployed verbatim: same config, same replicas, still RUNNING', async () => {
    // Written by another tool: keys the SDK would not send itself, and two replicas.
    const foreign = probeApp('team-b', foreignPkg, {
      deployments: [
        {
          name: 'Probe',
          num_replicas: 2,
          max_ongoing_requests: 7,
          ray_actor_options: { num_cpus: 0.05 },
        },
      ],
      args: { entrypoint: 'probe:Probe', note: 'hand-written' },
    });
    expect((await putConfig(e2e.target, { applications: [foreign] })).status).toBe(200);
    const before = await waitForStatus(e2e.target, 'team-b', 'RUNNING');

    const run = await e2e.synapse(deployArgs());
    expect(run.code).toBe(0);
    const after = (await details(e2e.target)).applications;
    expect(after[APP]?.status).toBe('RUNNING');
    expect(after['team-b']).toMatchObject({ status: 'RUNNING', deployed_app_config: foreign });
    expect(replicaIds(after['team-b']!)).toEqual(replicaIds(before));
    expect((await proxyRequest(e2e.target, '/team-b')).status).toBe(200);
  });

  it('deploys five different apps at once: all RUNNING, each answering', async () => {
    const names = ['one', 'two', 'three', 'four', 'five'].map((n) => `fleet-${n}`);
    const runs = await Promise.all(
      names.map((name) => e2e.synapse(deployArgs(), { SYNAPSE_PLUGIN_RELEASE_CODE: name })),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    const apps = (await details(e2e.target)).applications;
    expect(names.map((n) => apps[n]?.status)).toEqual(names.map(() => 'RUNNING'));
    for (const name of names) {
      const res = await proxyRequest(e2e.target, String(apps[name]?.route_prefix));
      expect([name, res.status]).toEqual([name, 200]);
    }
  });

  it('serve status, serve plan and serve delete', async () => {
    expect(
      (await putConfig(e2e.target, { applications: [probeApp('team-b', foreignPkg)] })).status,
    ).toBe(200);
    await waitForStatus(e2e.target, 'team-b', 'RUNNING');
    expect((await e2e.synapse(deployArgs())).code).toBe(0);

    const status = await e2e.synapse(['serve', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(
        `^${APP.replace('.', '\\.')}\\s+RUNNING\\s+/[0-9a-f]{32}\\s+Model\\s+HEALTHY\\s+1/1`,
        'm',
      ),
    );
    expect(status.stdout).toMatch(/^team-b\s+RUNNING\s+\/team-b\s+Probe\s+HEALTHY\s+1\/1/m);
    const one = await e2e.synapse(['serve', 'status', APP, '--json']);
    expect(JSON.parse(one.stdout)).toMatchObject({ name: APP, status: 'RUNNING' });

    const before = await details(e2e.target);
    const plan = await e2e.synapse([
      'serve',
      'plan',
      '--path',
      plugin.dir,
      '--params',
      '{"num_cpus":0.1}',
      '--json',
    ]);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      ok: true,
      result: { change: 'updated-in-place' },
    });
    const same = await e2e.synapse([
      'serve',
      'plan',
      '--path',
      plugin.dir,
      '--params',
      '{"num_cpus":0.05}',
      '--json',
    ]);
    expect(JSON.parse(same.stdout)).toMatchObject({ ok: true, result: { change: 'unchanged' } });
    const afterPlans = await details(e2e.target);
    expect(afterPlans.applications[APP]?.last_deployed_time_s).toBe(
      before.applications[APP]?.last_deployed_time_s,
    );

    const del = await e2e.synapse(['serve', 'delete', APP, '--yes']);
    expect(del.code).toBe(0);
    const left = (await details(e2e.target)).applications;
    expect(Object.keys(left)).toEqual(['team-b']);
    expect(left['team-b']?.status).toBe('RUNNING');
  });

  it('token auth: the right token works, a wrong or missing one exits 3, and the token is never printed', async () => {
    const token = e2e.env['RAY_AUTH_TOKEN'] ?? '';
    const right = await e2e.synapse(deployArgs());
    const wrong = await e2e.synapse(deployArgs(), { RAY_AUTH_TOKEN: `${token}-wrong` });
    const missing = await e2e.synapse(deployArgs(), { RAY_AUTH_TOKEN: '' });
    const verbose = await e2e.synapse(['serve', 'status', '--verbose'], {
      RAY_AUTH_TOKEN: `${token}-wrong`,
    });
    expect([right.code, wrong.code, missing.code, verbose.code]).toEqual([0, 3, 3, 3]);
    expect(wrong.stderr).toMatch(/403 Forbidden.*refused the credentials; check RAY_AUTH_TOKEN/);
    expect(missing.stderr).toMatch(/401 Unauthorized.*set RAY_AUTH_TOKEN/);
    for (const run of [right, wrong, missing, verbose]) {
      expect(run.stdout + run.stderr).not.toContain(token);
    }
  });
});
