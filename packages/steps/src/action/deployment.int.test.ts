import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CancelledError, ParamsValidationError, StepFailedError } from '@synapse-sdk/core';
import { failure, sendJson, sendText, startRecordingServer } from '@synapse-sdk/test-kit';

import { BUILDER_IMPORT_PATH } from '../packaging/serve-builder.js';
import type { Cluster } from '../test-support/deploy-harness.js';
import {
  BrokenStepDeploy,
  runtimeFor,
  SimpleDeploy,
  stableView,
  startCluster,
  StepDeploy,
} from '../test-support/deploy-harness.js';
import { createPluginDir } from '../test-support/plugin-fixture.js';

let plugin: { dir: string; remove: () => Promise<void> };
let cluster: Cluster;
let env: Record<string, string>;

beforeAll(async () => {
  plugin = await createPluginDir();
});
afterAll(async () => {
  await plugin.remove();
});
beforeEach(async () => {
  cluster = await startCluster();
  env = {
    ...cluster.env,
    SYNAPSE_PLUGIN_DIR: plugin.dir,
    SYNAPSE_JOB_ID: '41',
    SYNAPSE_PLUGIN_RELEASE_ID: '7',
  };
});
afterEach(async () => {
  await cluster.stop();
});

/** Deploys another team's app straight through the dashboard, as another tool would. */
async function deployOtherApp(): Promise<void> {
  cluster.dev.control.foreignPut({
    applications: [{ name: 'other-team', route_prefix: '/other', import_path: 'other.app:build' }],
  });
  await cluster.ray.waitForApplication('other-team', { timeoutMs: 5_000, pollIntervalMs: 10 });
}

describe('BaseDeploymentAction against the devserver', () => {
  it('deploys, waits for RUNNING and registers, in step mode', async () => {
    const result = await new StepDeploy({ num_cpus: 1, num_gpus: 0 }, runtimeFor(env)).run();
    const app = await cluster.ray.getApplication('test-model@1.0.0');
    const records = cluster.dev.control.backend().serveApplications;
    expect(result).toEqual({
      success: true,
      stepsExecuted: 3,
      stepsTotal: 3,
      deployed: true,
      serveApplication: records[0]?.id,
    });
    expect(app?.status).toBe('RUNNING');
    expect(app?.deployed_app_config).toEqual({
      name: 'test-model@1.0.0',
      route_prefix: expect.stringMatching(/^\/[0-9a-f]{32}$/),
      import_path: BUILDER_IMPORT_PATH,
      runtime_env: {
        working_dir: expect.stringMatching(/^gcs:\/\/_ray_pkg_[0-9a-f]{16}\.zip$/),
        pip: {
          packages: ['numpy==2.1.0'],
          pip_install_options: ['--extra-index-url', 'https://example.org/simple', '--upgrade'],
        },
      },
      args: { entrypoint: 'serve_app:Model', backend_url: cluster.dev.backendUrl },
      deployments: [{ name: 'Model', ray_actor_options: { num_cpus: 1, num_gpus: 0 } }],
    });
    expect(
      records.map((r) => ({ name: r.name, plugin_release: r.plugin_release, action: r.action })),
    ).toEqual([{ name: 'test-model@1.0.0', plugin_release: 7, action: 'deployment' }]);
  });

  it('keeps other apps exactly as they were when it redeploys with a change', async () => {
    await deployOtherApp();
    await new StepDeploy({ num_cpus: 1 }, runtimeFor(env)).run();
    const otherBefore = (await cluster.ray.getApplication('other-team'))?.deployed_app_config;
    await new StepDeploy({ num_cpus: 2 }, runtimeFor(env)).run();
    const details = await cluster.ray.getApplications();
    expect({
      other: details.applications['other-team']?.deployed_app_config,
      otherStatus: details.applications['other-team']?.status,
      ours: details.applications['test-model@1.0.0']?.deployed_app_config?.deployments,
    }).toEqual({
      other: otherBefore,
      otherStatus: 'RUNNING',
      ours: [{ name: 'Model', ray_actor_options: { num_cpus: 2 } }],
    });
  });

  it('sends nothing for an unchanged redeploy and reuses the backend record', async () => {
    await new StepDeploy({ num_cpus: 1 }, runtimeFor(env)).run();
    const before = await cluster.ray.getApplication('test-model@1.0.0');
    const second = await new StepDeploy({ num_cpus: 1 }, runtimeFor(env)).run();
    const after = await cluster.ray.getApplication('test-model@1.0.0');
    expect({
      deployedTime: after?.last_deployed_time_s,
      records: cluster.dev.control.backend().serveApplications.length,
      second,
    }).toEqual({
      deployedTime: before?.last_deployed_time_s,
      records: 1,
      second: expect.objectContaining({ success: true, deployed: true }),
    });
  });

  it("surfaces Ray's messages on DEPLOY_FAILED and restores the previous version exactly", async () => {
    await deployOtherApp();
    await new StepDeploy({ num_cpus: 1 }, runtimeFor(env)).run();
    const before = stableView(await cluster.ray.getApplications());
    cluster.dev.control.injectFault({
      kind: 'replica-startup-failure',
      app: 'test-model@1.0.0',
      deployment: 'BrokenModel',
      error: 'RuntimeError: weights not found',
    });

    const error = await failure(new BrokenStepDeploy({ num_cpus: 1 }, runtimeFor(env)).run());

    expect(error).toBeInstanceOf(StepFailedError);
    expect(error.message).toMatch(/^Step 'deploy' failed: .*DEPLOY_FAILED/);
    expect(error.message).toContain('RuntimeError: weights not found');
    expect(stableView(await cluster.ray.getApplications())).toEqual(before);
  });

  it('returns what it changed as its rollbackData, a JSON record, also when it fails', async () => {
    await new StepDeploy({ num_cpus: 1 }, runtimeFor(env)).run();
    const previous = (await cluster.ray.getApplication('test-model@1.0.0'))?.deployed_app_config;
    cluster.dev.control.injectFault({
      kind: 'replica-startup-failure',
      app: 'test-model@1.0.0',
      deployment: 'BrokenModel',
      error: 'RuntimeError: weights not found',
    });
    const runtime = runtimeFor(env);
    const records: unknown[] = [];
    runtime.events.on('step:end', (e) => {
      if (e.step === 'deploy') records.push(JSON.parse(JSON.stringify(e.result.rollbackData)));
    });
    await failure(new BrokenStepDeploy({ num_cpus: 1 }, runtime).run());
    expect(records).toEqual([
      {
        appName: 'test-model@1.0.0',
        previousConfig: previous,
        previousStatus: 'RUNNING',
        appliedConfig: expect.objectContaining({
          args: expect.objectContaining({ entrypoint: 'serve_app:BrokenModel' }),
        }),
        rayVersion: expect.any(String),
      },
    ]);
  });

  it('removes an app it created when the deploy fails, leaving the others', async () => {
    await deployOtherApp();
    const before = stableView(await cluster.ray.getApplications());
    cluster.dev.control.injectFault({
      kind: 'build-error',
      app: 'test-model@1.0.0',
      error: 'ImportError: no torch',
    });
    const error = await failure(new StepDeploy({}, runtimeFor(env)).run());
    expect(error.message).toContain('ImportError: no torch');
    expect(stableView(await cluster.ray.getApplications())).toEqual(before);
  });

  it('rolls the deploy back to the previous version when registration fails', async () => {
    await new StepDeploy({ num_cpus: 1 }, runtimeFor({ ...env, SYNAPSE_JOB_ID: '' })).run();
    const before = stableView(await cluster.ray.getApplications());
    // A backend that answers reads (so the initialize check passes) but fails every write.
    const backend = await startRecordingServer((req, res) =>
      req.method === 'GET'
        ? sendJson(res, 200, { count: 0, next: null, previous: null, results: [] })
        : sendText(res, 503, 'database is read-only'),
    );
    try {
      const flaky = { ...env, SYNAPSE_HOST: `${backend.url}/` };
      const error = await failure(new StepDeploy({ num_cpus: 3 }, runtimeFor(flaky)).run());
      expect(error.message).toMatch(/^Step 'register' failed: .*503.*database is read-only/);
      expect(stableView(await cluster.ray.getApplications())).toEqual(before);
    } finally {
      await backend.close();
    }
  });

  it('leaves the same cluster state in simple mode as in step mode', async () => {
    const simpleResult = await new SimpleDeploy({ num_cpus: 1 }, runtimeFor(env)).run();
    const simpleView = stableView(await cluster.ray.getApplications());
    const other = await startCluster();
    try {
      const otherEnv = {
        ...other.env,
        SYNAPSE_PLUGIN_DIR: plugin.dir,
        SYNAPSE_JOB_ID: '41',
        SYNAPSE_PLUGIN_RELEASE_ID: '7',
      };
      await new StepDeploy({ num_cpus: 1 }, runtimeFor(otherEnv)).run();
      const stepView = stableView(await other.ray.getApplications());
      const backendUrls = [cluster.dev.backendUrl, other.dev.backendUrl];
      const normalize = (view: unknown) =>
        JSON.parse(
          JSON.stringify(view)
            .split(backendUrls[0]!)
            .join('<backend>')
            .split(backendUrls[1]!)
            .join('<backend>'),
        );
      expect([normalize(simpleView), simpleResult]).toEqual([
        normalize(stepView),
        { serveApplication: 1 },
      ]);
    } finally {
      await other.stop();
    }
  });

  it('stops at initialize, before any change, when the backend of the job is unreachable', async () => {
    const error = await failure(
      new StepDeploy({}, runtimeFor({ ...env, SYNAPSE_HOST: 'http://127.0.0.1:9/' })).run(),
    );
    expect(error.message).toMatch(
      /^Step 'initialize' failed: Synapse backend GET http:\/\/127\.0\.0\.1:9\/serve_applications\/.*connection refused/,
    );
    expect([
      cluster.dev.control.packageNames(),
      Object.keys((await cluster.ray.getApplications()).applications),
    ]).toEqual([[], []]);
  });

  it('fails fast, naming the address, when the dashboard is down', async () => {
    await cluster.dev.control.dashboardDown();
    const error = await failure(new StepDeploy({}, runtimeFor(env)).run());
    expect(error.message).toMatch(
      new RegExp(
        `^Step 'initialize' failed: Cannot reach the Ray dashboard at ${cluster.dev.dashboardUrl.replace(/[./]/g, '\\$&')}`,
      ),
    );
    await cluster.dev.control.dashboardUp();
    expect(cluster.dev.control.packageNames()).toEqual([]);
  });

  it('refuses bad params before anything reaches the cluster', async () => {
    const error = await failure(
      (async () => new StepDeploy({ num_cpus: -1, num_replicas: 0 }, runtimeFor(env)).run())(),
    );
    expect(error).toBeInstanceOf(ParamsValidationError);
    expect(error.message).toMatch(/^Invalid params: num_cpus: .+; num_replicas: .+$/);
    expect([
      cluster.dev.control.packageNames(),
      Object.keys((await cluster.ray.getApplications()).applications),
    ]).toEqual([[], []]);
  });

  it('refuses to run with a job id but no release id, before anything changes', async () => {
    const { SYNAPSE_PLUGIN_RELEASE_ID: _omit, ...noRelease } = env;
    const error = await failure(new StepDeploy({}, runtimeFor(noRelease)).run());
    expect(error.message).toMatch(
      /SYNAPSE_PLUGIN_RELEASE_ID: is required to register the application of job 41/,
    );
    expect(cluster.dev.control.packageNames()).toEqual([]);
  });
});

describe('cancellation', () => {
  let slow: Cluster;
  beforeEach(async () => {
    slow = await startCluster({ timings: { buildTimeMs: 60_000 } });
  });
  afterEach(async () => {
    await slow.stop();
  });

  it('stops while waiting for RUNNING and removes the app it was creating', async () => {
    const controller = new AbortController();
    const slowEnv = { ...slow.env, SYNAPSE_PLUGIN_DIR: plugin.dir };
    const runtime = runtimeFor(slowEnv, { signal: controller.signal });
    runtime.events.on('log', (event) => {
      if (event.event === 'app_status' && event.data['status'] === 'DEPLOYING') controller.abort();
    });
    const error = await failure(new StepDeploy({}, runtime).run());
    const details = await slow.ray.getApplications();
    expect([
      error instanceof CancelledError,
      error.message,
      Object.keys(details.applications),
    ]).toEqual([true, "Cancelled during step 'deploy'; rolled back 1 step", []]);
  });
});
