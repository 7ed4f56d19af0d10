import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { RayServeClient } from '@synapse-sdk/clients';
import type { StepRegistry } from '@synapse-sdk/core';
import { failure, ManualClock } from '@synapse-sdk/test-kit';

import { prepareApplication } from '../deploy/build-application.js';
import { restoreApplication } from '../deploy/restore-application.js';
import type { DeploymentContext } from '../deployment-context.js';
import { DeployStep } from '../steps/deploy-step.js';
import { InitializeRayStep } from '../steps/initialize-ray-step.js';
import { RegisterStep } from '../steps/register-step.js';
import type { Cluster } from '../test-support/deploy-harness.js';
import { runtimeFor, startCluster, StepDeploy } from '../test-support/deploy-harness.js';
import { createPluginDir } from '../test-support/plugin-fixture.js';

const APP = 'test-model@1.0.0';

/** The standard steps with the default timeouts (a 15 s connect, a 5 min rollback); a 1 min wait. */
class DefaultDeploy extends StepDeploy {
  public override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep());
    registry.register(new DeployStep({ waitTimeoutMs: 60_000 }));
    registry.register(new RegisterStep());
  }
}

let plugin: { dir: string; remove: () => Promise<void> };
let cluster: Cluster | undefined;
beforeAll(async () => {
  plugin = await createPluginDir();
});
afterAll(async () => {
  await plugin.remove();
});
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** A devserver and the SDK on one manual clock: every wait moves time on, nothing waits for real. */
async function onClock(
  timings: Record<string, number>,
): Promise<{ clock: ManualClock; env: Record<string, string> }> {
  const clock = new ManualClock({ autoAdvance: true });
  cluster = await startCluster({ clock, timings });
  return { clock, env: { ...cluster.env, SYNAPSE_PLUGIN_DIR: plugin.dir } };
}

describe('deploy, restore and connect on a manual clock', () => {
  it('waits through a half-minute build for RUNNING, on the clock', async () => {
    const { clock, env } = await onClock({ buildTimeMs: 30_000, replicaStartTimeMs: 10_000 });
    const startedAt = clock.now();
    const result = await new DefaultDeploy({}, runtimeFor(env, { clock })).run();
    expect([
      result,
      (await cluster?.ray.getApplication(APP))?.status,
      clock.now() - startedAt >= 40_000,
    ]).toEqual([
      { success: true, stepsExecuted: 2, stepsTotal: 3, deployed: true },
      'RUNNING',
      true,
    ]);
  });

  it('times out waiting for RUNNING on the clock and removes the app it created', async () => {
    const { clock, env } = await onClock({ buildTimeMs: 3_600_000 });
    const error = await failure<Error & { code?: string }>(
      new DefaultDeploy({}, runtimeFor(env, { clock })).run(),
    );
    expect([
      error.message,
      Object.keys((await cluster?.ray.getApplications())?.applications ?? {}),
    ]).toEqual([
      expect.stringMatching(
        /^Step 'deploy' failed: Timed out after 60000 ms waiting for Ray Serve application 'test-model@1\.0\.0' to be RUNNING/,
      ),
      [],
    ]);
  });

  it('fails a restore that never settles with RESTORE_TIMEOUT once the rollback timeout has passed', async () => {
    const { clock, env } = await onClock({});
    const ray = new RayServeClient({ address: env['RAY_DASHBOARD_ADDRESS'] ?? '', clock });
    const { app, pkg } = await prepareApplication(new StepDeploy({}, runtimeFor(env)).spec);
    await ray.uploadPackage(pkg.uri, pkg.zip);
    await pkg.remove();
    // Its replicas can never be scheduled: the restored app stays DEPLOYING.
    cluster?.dev.control.injectFault({ kind: 'insufficient-resources', app: APP });
    const error = await failure<Error & { code?: string }>(
      restoreApplication(
        ray,
        {
          appName: APP,
          previousConfig: app,
          previousStatus: 'DEPLOY_FAILED',
          appliedConfig: app,
          rayVersion: null,
        },
        { timeoutMs: 60_000, clock },
      ),
    );
    expect([error.code, error.message]).toEqual([
      'RESTORE_TIMEOUT',
      `Restoring application '${APP}' did not settle within 60 s: it is DEPLOYING`,
    ]);
  });

  it('retries an unreachable dashboard for the connect timeout, on the clock', async () => {
    const { clock, env } = await onClock({});
    await cluster?.dev.control.dashboardDown();
    const error = await failure<Error & { code?: string }>(
      new DefaultDeploy({}, runtimeFor(env, { clock })).run(),
    );
    expect([error.message, clock.sleeps.filter((ms) => ms === 2_000).length > 0]).toEqual([
      expect.stringMatching(
        /^Step 'initialize' failed: Cannot reach the Ray dashboard at .* \(tried for 15 s\)/,
      ),
      true,
    ]);
  });
});
