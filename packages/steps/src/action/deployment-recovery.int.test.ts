import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { StepFailedError } from '@synapse-sdk/core';
import type { ManualClock } from '@synapse-sdk/test-kit';

import { prepareApplication } from '../deploy/build-application.js';
import type { Cluster } from '../test-support/deploy-harness.js';
import {
  BrokenStepDeploy,
  runtimeFor,
  stableView,
  startCluster,
  StepDeploy,
  useDeployFixture,
} from '../test-support/deploy-harness.js';

const fixture = useDeployFixture();
const APP = 'test-model@1.0.0';

/** The config a deploy of `params` would apply, with its package already uploaded. */
async function uploadedConfig(params: Record<string, unknown>) {
  const action = new StepDeploy(params, runtimeFor(fixture.env));
  const { app, pkg } = await prepareApplication(action.spec);
  await fixture.cluster.ray.uploadPackage(pkg.uri, pkg.zip);
  await pkg.remove();
  return app;
}

/** Puts `config` in place as another tool would. */
function foreignDeploy(config: unknown): void {
  fixture.cluster.dev.control.foreignPut({ applications: [config] });
}

/**
 * Reads `read` until it returns `expected` (deep equality), moving the cluster's clock on by
 * 20 ms between reads, for at most 5 s of it; returns the last value.
 */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const clock = fixture.cluster.clock as ManualClock;
  const deadline = clock.now() + 5_000;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected) && clock.now() < deadline) {
    clock.advance(20);
    value = await read();
  }
  return value;
}

describe('redeploying the identical config of an app that is not healthy', () => {
  it('sends it again, so Ray retries, and ends RUNNING', async () => {
    const config = await uploadedConfig({ num_cpus: 1 });
    const fault = fixture.cluster.dev.control.injectFault({
      kind: 'build-error',
      app: APP,
      error: 'OSError: index down',
    });
    foreignDeploy(config);
    const failed = await eventually(
      async () => (await fixture.cluster.ray.getApplication(APP))?.status,
      'DEPLOY_FAILED',
    ).then(() => fixture.cluster.ray.getApplication(APP));
    fixture.cluster.dev.control.removeFault(fault.id);

    const result = await new StepDeploy({ num_cpus: 1 }, runtimeFor(fixture.env)).run();
    const app = await fixture.cluster.ray.getApplication(APP);
    expect([
      failed?.status,
      result,
      app?.status,
      app?.last_deployed_time_s === failed?.last_deployed_time_s,
    ]).toEqual([
      'DEPLOY_FAILED',
      { success: true, stepsExecuted: 2, stepsTotal: 3, deployed: true },
      'RUNNING',
      false,
    ]);
  });
});

describe('rolling back to an app that was still deploying', () => {
  it('restores its config without waiting for a RUNNING that may never come', async () => {
    const config = await uploadedConfig({ num_cpus: 1 });
    fixture.cluster.dev.control.injectFault({
      kind: 'insufficient-resources',
      app: APP,
      deployment: 'Model',
    });
    fixture.cluster.dev.control.injectFault({
      kind: 'replica-startup-failure',
      app: APP,
      deployment: 'BrokenModel',
    });
    foreignDeploy(config);
    const view = async () => stableView(await fixture.cluster.ray.getApplications());
    // Stuck for want of resources: deployment Model UPDATING, app DEPLOYING, forever.
    const stuck = await eventually(async () => {
      const app = await fixture.cluster.ray.getApplication(APP);
      return [app?.status, app?.deployments?.['Model']?.status];
    }, ['DEPLOYING', 'UPDATING']);
    const before = await view();

    let error: unknown;
    try {
      await new BrokenStepDeploy({ num_cpus: 1 }, runtimeFor(fixture.env)).run();
    } catch (e) {
      error = e;
    }
    expect([
      stuck,
      error instanceof StepFailedError,
      (error as StepFailedError).rollbackErrors,
    ]).toEqual([['DEPLOYING', 'UPDATING'], true, []]);
    expect(await eventually(view, before)).toEqual(before);
  });
});

describe('another writer putting back an older config of our app', () => {
  it('is noticed when the app turns RUNNING, and our config is applied again', async () => {
    await new StepDeploy({ num_cpus: 1 }, runtimeFor(fixture.env)).run();
    const v1 = (await fixture.cluster.ray.getApplication(APP))?.deployed_app_config;
    // Our replicas cannot be scheduled, so the deploy is still DEPLOYING when the other writer
    // acts, however late the first read comes; the config it puts back schedules again.
    const stuck = fixture.cluster.dev.control.injectFault({
      kind: 'insufficient-resources',
      app: APP,
      deployment: 'Model',
    });
    const runtime = runtimeFor(fixture.env);
    let reverted = false;
    runtime.events.on('log', (event) => {
      if (!reverted && event.event === 'app_status' && event.data['status'] === 'DEPLOYING') {
        reverted = true;
        fixture.cluster.dev.control.removeFault(stuck.id);
        fixture.cluster.dev.control.foreignPut({ applications: [v1] });
      }
    });
    const deployData: Array<Record<string, unknown>> = [];
    runtime.events.on('step:end', (e) => {
      if (e.step === 'deploy') deployData.push(e.result.data);
    });
    await new StepDeploy({ num_cpus: 2 }, runtime).run();
    const live = await fixture.cluster.ray.getApplication(APP);
    expect([
      reverted,
      deployData[0]?.['reapplied'],
      live?.status,
      live?.deployed_app_config?.deployments,
    ]).toEqual([true, 1, 'RUNNING', [{ name: 'Model', ray_actor_options: { num_cpus: 2 } }]]);
  });
});

describe('a Ray too old to keep serve.run apps through a PUT', () => {
  let old: Cluster;
  beforeEach(async () => {
    old = await startCluster({ rayVersion: '2.10.0' });
  });
  afterEach(async () => {
    await old.stop();
  });

  it('refuses to deploy while an imperative app runs, changing nothing', async () => {
    old.dev.control.seedImperativeApp({
      name: 'legacy',
      importPath: 'legacy:app',
      routePrefix: '/legacy',
    });
    const before = await old.ray.getApplications();
    let message = '';
    try {
      await new StepDeploy(
        {},
        runtimeFor({ ...old.env, SYNAPSE_PLUGIN_DIR: fixture.plugin.dir }),
      ).run();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      "Step 'deploy' failed: Ray 2.10.0 deletes applications started with serve.run on every config PUT; refusing to change the config while legacy runs",
    );
    expect(await old.ray.getApplications()).toEqual(before);
  });
});
