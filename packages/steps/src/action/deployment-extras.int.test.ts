import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { removeApplication } from '../deploy/remove-application.js';
import type { Cluster } from '../test-support/deploy-harness.js';
import {
  FAST_TIMINGS,
  runtimeFor,
  startCluster,
  StepDeploy,
  useDeployFixture,
} from '../test-support/deploy-harness.js';

const fixture = useDeployFixture({ agentToken: 'agent-token-5678' });
const APP = 'test-model@1.0.0';

describe('another writer', () => {
  it('puts our app back when another writer drops it before it is RUNNING', async () => {
    fixture.cluster.dev.control.dropAppAfterNextPut(APP, 5);
    const runtime = runtimeFor(fixture.env);
    const deployData: Array<Record<string, unknown>> = [];
    runtime.events.on('step:end', (e) => {
      if (e.step === 'deploy') deployData.push(e.result.data);
    });
    const result = await new StepDeploy({}, runtime).run();
    const app = await fixture.cluster.ray.getApplication(APP);
    expect([result, app?.status, deployData[0]?.['reapplied']]).toEqual([
      { success: true, stepsExecuted: 2, stepsTotal: 3, deployed: true },
      'RUNNING',
      1,
    ]);
  });

  describe('on a cluster that deletes at once', () => {
    let instant: Cluster;
    beforeEach(async () => {
      instant = await startCluster({ timings: { ...FAST_TIMINGS, deleteTimeMs: 0 } });
    });
    afterEach(async () => {
      await instant.stop();
    });

    it('puts our app back when it is already gone at the first read after the PUT', async () => {
      // Dropped and deleted before Ray answers our PUT: no read ever shows it.
      instant.dev.control.dropAppAfterNextPut(APP);
      const runtime = runtimeFor({ ...instant.env, SYNAPSE_PLUGIN_DIR: fixture.plugin.dir });
      const deployData: Array<Record<string, unknown>> = [];
      runtime.events.on('step:end', (e) => {
        if (e.step === 'deploy') deployData.push(e.result.data);
      });
      const result = await new StepDeploy({}, runtime).run();
      const app = await instant.ray.getApplication(APP);
      expect([result, app?.status, deployData[0]?.['reapplied']]).toEqual([
        { success: true, stepsExecuted: 2, stepsTotal: 3, deployed: true },
        'RUNNING',
        1,
      ]);
    });
  });
});

describe('an imperative app of the same name', () => {
  it('makes the plan say that a deploy will be refused', async () => {
    fixture.cluster.dev.control.seedImperativeApp({
      name: APP,
      importPath: 'legacy:app',
      routePrefix: '/legacy',
    });
    const plan = await new StepDeploy({}, runtimeFor(fixture.env)).plan();
    expect(plan.warnings).toContain(
      `a deploy will be refused: '${APP}' is running and was started imperatively (serve.run), so replacing it could not be rolled back`,
    );
  });

  it('is left running: the deploy refuses before changing anything', async () => {
    fixture.cluster.dev.control.seedImperativeApp({
      name: APP,
      importPath: 'legacy:app',
      routePrefix: '/legacy',
    });
    const before = await fixture.cluster.ray.getApplications();
    let message = '';
    try {
      await new StepDeploy({}, runtimeFor(fixture.env)).run();
    } catch (error) {
      message = (error as Error).message;
    }
    const after = await fixture.cluster.ray.getApplications();
    expect([
      message,
      after.applications[APP]?.source,
      after.applications[APP]?.last_deployed_time_s,
    ]).toEqual([
      `Step 'deploy' failed: Application '${APP}' is running and was started imperatively (serve.run); replacing it could not be rolled back`,
      'imperative',
      before.applications[APP]?.last_deployed_time_s,
    ]);
  });
});

describe('plan', () => {
  it('reports an added app, then unchanged, then in-place and code changes, without changing anything', async () => {
    const planOf = async (params: Record<string, unknown>, extraEnv: Record<string, string> = {}) =>
      await new StepDeploy(params, runtimeFor({ ...fixture.env, ...extraEnv })).plan();
    const first = await planOf({ num_cpus: 1 });
    expect([
      first.change,
      first.uploadNeeded,
      first.previous,
      Object.keys((await fixture.cluster.ray.getApplications()).applications),
    ]).toEqual(['added', true, null, []]);
    await new StepDeploy({ num_cpus: 1 }, runtimeFor(fixture.env)).run();
    const same = await planOf({ num_cpus: 1 });
    const inPlace = await planOf({ num_cpus: 2 });
    const code = await planOf({ num_cpus: 1 }, { SYNAPSE_HOST: 'http://elsewhere.example' });
    expect([
      [same.change, same.changedFields, same.uploadNeeded],
      [inPlace.change, inPlace.changedFields],
      [code.change, code.changedFields],
    ]).toEqual([
      ['unchanged', [], false],
      ['updated-in-place', ['deployments.0.ray_actor_options.num_cpus']],
      ['code-change', ['args.backend_url']],
    ]);
  });

  it('warns about a route prefix already used by another app', async () => {
    fixture.cluster.dev.control.foreignPut({
      applications: [{ name: 'squatter', route_prefix: '/taken', import_path: 'x.y:z' }],
    });
    const plan = await new StepDeploy(
      {},
      runtimeFor({ ...fixture.env, SYNAPSE_PLUGIN_RELEASE_CHECKSUM: 'taken' }),
    ).plan();
    expect([plan.otherApps, plan.warnings]).toEqual([
      ['squatter'],
      ["route prefix /taken is already used by 'squatter'; Ray would refuse the deploy"],
    ]);
  });
});

describe('removeApplication', () => {
  it('removes one app and keeps the others', async () => {
    fixture.cluster.dev.control.foreignPut({
      applications: [{ name: 'keep-me', route_prefix: '/keep', import_path: 'x.y:z' }],
    });
    await new StepDeploy({}, runtimeFor(fixture.env)).run();
    const kept = (await fixture.cluster.ray.getApplication('keep-me'))?.deployed_app_config;
    const outcome = await removeApplication(fixture.cluster.ray, APP, { timeoutMs: 5_000 });
    const details = await fixture.cluster.ray.getApplications();
    expect([
      outcome,
      Object.keys(details.applications),
      details.applications['keep-me']?.deployed_app_config,
    ]).toEqual([{ removed: true }, ['keep-me'], kept]);
  });

  it('reports an absent app as not removed', async () => {
    await expect(
      removeApplication(fixture.cluster.ray, 'nope', { timeoutMs: 1_000 }),
    ).resolves.toEqual({
      removed: false,
    });
  });
});

describe('registration', () => {
  it('reads the status through the agent when one is configured', async () => {
    const agentEnv = {
      ...fixture.env,
      SYNAPSE_AGENT_HOST: fixture.cluster.dev.agentUrl,
      SYNAPSE_AGENT_TOKEN: 'agent-token-5678',
      SYNAPSE_JOB_ID: '9',
      SYNAPSE_PLUGIN_RELEASE_ID: '12',
    };
    const result = await new StepDeploy(
      { num_replicas: 2 },
      runtimeFor(agentEnv, { agent: true }),
    ).run();
    const records = fixture.cluster.dev.control.backend().serveApplications;
    expect([result, records.map((r) => [r.name, r.plugin_release, r.num_replicas])]).toEqual([
      {
        success: true,
        stepsExecuted: 3,
        stepsTotal: 3,
        deployed: true,
        serveApplication: records[0]?.id,
      },
      [[APP, 12, 2]],
    ]);
  });
});

describe('a dashboard with token auth', () => {
  let secured: Cluster;
  beforeEach(async () => {
    secured = await startCluster({ authToken: 'ray-secret-token' });
  });
  afterEach(async () => {
    await secured.stop();
  });

  it('deploys with the right token', async () => {
    const result = await new StepDeploy(
      {},
      runtimeFor({ ...secured.env, SYNAPSE_PLUGIN_DIR: fixture.plugin.dir }),
    ).run();
    expect(result).toEqual({ success: true, stepsExecuted: 2, stepsTotal: 3, deployed: true });
  });

  it('stops at initialize with a message that names the variable and never the token', async () => {
    const wrong = {
      ...secured.env,
      RAY_AUTH_TOKEN: 'not-the-token',
      SYNAPSE_PLUGIN_DIR: fixture.plugin.dir,
    };
    let message = '';
    try {
      await new StepDeploy({}, runtimeFor(wrong)).run();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Step 'initialize' failed: .*403.*RAY_AUTH_TOKEN/);
    expect(message).not.toContain('not-the-token');
    expect(secured.dev.control.packageNames()).toEqual([]);
  });
});
