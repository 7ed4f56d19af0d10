import { request } from 'node:http';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { TestServer } from '../test-support/http.js';
import { appConfig, http, startTestServer } from '../test-support/http.js';
import { instanceDetailsErrors } from '../test-support/ray-schemas.js';

describe('fault injection (docs/ray-serve-rest.md#what-only-fails-later)', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.dev.stop());

  it('build error: DEPLOY_FAILED with a traceback, no recovery until the config changes', async () => {
    t.dev.control.injectFault({
      kind: 'build-error',
      importPath: 'a_module:app',
      error: 'ImportError: cannot import name "Model"',
    });
    await t.put({ applications: [appConfig('a')] });
    expect((await t.app('a'))?.status).toBe('DEPLOYING');
    await t.dev.control.advance(300);
    const failed = await t.app('a');
    expect(failed?.status).toBe('DEPLOY_FAILED');
    expect(failed?.deployments).toEqual({});
    expect(failed?.message).toMatch(
      /^Deploying app 'a' failed with exception:\nTraceback \(most recent call last\):\n/,
    );
    expect(failed?.message.split('\n').pop()).toBe('ImportError: cannot import name "Model"');
    expect(instanceDetailsErrors(await t.details())).toEqual([]);
    await t.dev.control.advance(3_600_000);
    expect((await t.app('a'))?.status).toBe('DEPLOY_FAILED');

    // The same config again is rebuilt (no successful build to compare with) and fails again.
    await t.put({ applications: [appConfig('a')] });
    expect((await t.app('a'))?.status).toBe('DEPLOYING');
    await t.dev.control.advance(300);
    expect((await t.app('a'))?.status).toBe('DEPLOY_FAILED');

    t.dev.control.clearFaults();
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(600);
    expect((await t.app('a'))?.status).toBe('RUNNING');
  });

  it('runtime_env error: DEPLOY_FAILED `Runtime env setup for app ... failed:`', async () => {
    t.dev.control.injectFault({ kind: 'runtime-env-error', app: 'a' });
    await t.put({ applications: [appConfig('a'), appConfig('b')] });
    await t.dev.control.advance(600);
    expect((await t.app('a'))?.message).toMatch(
      /^Runtime env setup for app 'a' failed:\nTraceback/,
    );
    expect((await t.app('b'))?.status).toBe('RUNNING');
  });

  it('replica constructor failure: deployment DEPLOY_FAILED with REPLICA_STARTUP_FAILED after the retries', async () => {
    t.dev.control.injectFault({
      kind: 'replica-startup-failure',
      app: 'a',
      error: 'RuntimeError: CUDA out of memory',
    });
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(300 + 899);
    expect((await t.app('a'))?.deployments['app']?.status).toBe('UPDATING');
    await t.dev.control.advance(1);
    const app = await t.app('a');
    expect([app?.status, app?.message]).toEqual([
      'DEPLOY_FAILED',
      "Failed to update the deployments ['app'].",
    ]);
    expect(app?.deployments['app']).toMatchObject({
      status: 'DEPLOY_FAILED',
      status_trigger: 'REPLICA_STARTUP_FAILED',
    });
    expect(app?.deployments['app']?.message).toMatch(
      /^The deployment failed to start 3 times in a row\. This may be due to a problem with its constructor or initial health check failing\. See controller logs for details\. Retrying after \d+ seconds\. Error:\nTraceback/,
    );
    expect(app?.deployments['app']?.message.split('\n').pop()).toBe(
      'RuntimeError: CUDA out of memory',
    );
    expect(instanceDetailsErrors(await t.details())).toEqual([]);
  });

  it('replica constructor failure can recover to RUNNING without a redeploy', async () => {
    t.dev.control.injectFault({ kind: 'replica-startup-failure', app: 'a', recoverAfterMs: 5000 });
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(1200);
    expect((await t.app('a'))?.status).toBe('DEPLOY_FAILED');
    await t.dev.control.advance(5000);
    const app = await t.app('a');
    expect([
      app?.status,
      app?.deployments['app']?.status,
      app?.deployments['app']?.status_trigger,
    ]).toEqual(['RUNNING', 'HEALTHY', 'CONFIG_UPDATE_COMPLETED']);
  });

  it('a fault with once hits the next rollout only: the config put back afterwards starts', async () => {
    const v1 = appConfig('a', {
      deployments: [{ name: 'app', ray_actor_options: { num_cpus: 0.5 } }],
    });
    const v2 = appConfig('a', {
      deployments: [{ name: 'app', ray_actor_options: { num_cpus: 1 } }],
    });
    await t.put({ applications: [v1] });
    await t.dev.control.advance(600);
    expect((await t.app('a'))?.status).toBe('RUNNING');
    t.dev.control.injectFault({ kind: 'replica-startup-failure', app: 'a', once: true });
    await t.put({ applications: [v2] });
    await t.dev.control.advance(900);
    expect((await t.app('a'))?.status).toBe('DEPLOY_FAILED');
    expect(t.dev.control.listFaults()).toEqual([]);
    await t.put({ applications: [v1] });
    await t.dev.control.advance(300);
    const back = await t.app('a');
    expect([back?.status, back?.deployments['app']?.status]).toEqual(['RUNNING', 'HEALTHY']);
  });

  it('insufficient resources: DEPLOYING forever with the "taken more than 30s to be scheduled" message', async () => {
    t.dev.control.injectFault({ kind: 'insufficient-resources', app: 'a' });
    await t.put({
      applications: [
        appConfig('a', { deployments: [{ name: 'app', ray_actor_options: { num_gpus: 8 } }] }),
      ],
    });
    await t.dev.control.advance(300);
    expect((await t.app('a'))?.deployments['app']?.message).toBe('');
    await t.dev.control.advance(30_000);
    const app = await t.app('a');
    expect([app?.status, app?.deployments['app']?.status]).toEqual(['DEPLOYING', 'UPDATING']);
    expect(app?.deployments['app']?.message).toContain(
      'Deployment "app" in application "a" has 1 replicas that have taken more than 30s to be scheduled.',
    );
    expect(app?.deployments['app']?.message).toContain(
      'Resources required for each replica: {"CPU":1,"GPU":8}',
    );
    await t.dev.control.advance(24 * 3_600_000);
    expect((await t.app('a'))?.status).toBe('DEPLOYING');
  });

  it('UNHEALTHY after RUNNING with HEALTH_CHECK_FAILED', async () => {
    t.dev.control.injectFault({ kind: 'unhealthy', app: 'a', afterMs: 1000 });
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(600);
    expect((await t.app('a'))?.status).toBe('RUNNING');
    await t.dev.control.advance(1000);
    const app = await t.app('a');
    expect([app?.status, app?.message]).toEqual([
      'UNHEALTHY',
      "The deployments ['app'] are UNHEALTHY.",
    ]);
    expect(app?.deployments['app']).toMatchObject({
      status: 'UNHEALTHY',
      status_trigger: 'HEALTH_CHECK_FAILED',
    });
    expect(instanceDetailsErrors(await t.details())).toEqual([]);
  });

  it('UNHEALTHY also hits an app that already runs, only in the named deployment', async () => {
    await t.put({
      applications: [appConfig('a', { deployments: [{ name: 'x' }, { name: 'y' }] })],
    });
    await t.dev.control.advance(600);
    t.dev.control.injectFault({ kind: 'unhealthy', app: 'a', deployment: 'y' });
    const app = await t.app('a');
    expect([app?.status, app?.deployments['x']?.status, app?.deployments['y']?.status]).toEqual([
      'UNHEALTHY',
      'HEALTHY',
      'UNHEALTHY',
    ]);
  });

  it('matches faults by app name or import_path and needs one of them', async () => {
    t.dev.control.injectFault({ kind: 'build-error', importPath: 'b_module:app' });
    await t.put({ applications: [appConfig('a'), appConfig('b')] });
    await t.dev.control.advance(600);
    expect([(await t.app('a'))?.status, (await t.app('b'))?.status]).toEqual([
      'RUNNING',
      'DEPLOY_FAILED',
    ]);
    expect(() => t.dev.control.injectFault({ kind: 'build-error' })).toThrow(
      /give `app` or `importPath`/,
    );
  });

  it('controller unavailable: GET answers 503 with Ray text', async () => {
    t.dev.control.setControllerAvailable(false);
    const res = await http(`${t.dev.dashboardUrl}/api/serve/applications/`);
    expect(res.status).toBe(503);
    expect(res.text).toMatch(
      /^Failed to get a response from the controller\. The GCS may be down, please retry later: /,
    );
    t.dev.control.setControllerAvailable(true);
    expect((await http(`${t.dev.dashboardUrl}/api/serve/applications/`)).status).toBe(200);
  });

  it('slow responses: a delayed dashboard trips a client timeout, then answers normally again', async () => {
    t.dev.control.setDelay(500, 'dashboard');
    const outcome = await new Promise<string>((resolve) => {
      const req = request(
        `${t.dev.dashboardUrl}/api/version`,
        { agent: false, timeout: 25 },
        (res) => {
          res.resume();
          resolve(`status ${res.statusCode ?? 0}`);
        },
      );
      req.on('timeout', () => {
        req.destroy();
        resolve('timeout');
      });
      req.on('error', () => undefined);
      req.end();
    });
    expect(outcome).toBe('timeout');
    t.dev.control.setDelay(0);
    expect((await http(`${t.dev.dashboardUrl}/api/version`)).status).toBe(200);
  });

  it('foreign writer: dropApp PUTs the current config without the app', async () => {
    await t.put({ applications: [appConfig('a'), appConfig('b')] });
    await t.dev.control.advance(600);
    t.dev.control.dropApp('a');
    const body = await t.details();
    expect([body.applications['a']?.status, body.applications['b']?.status]).toEqual([
      'DELETING',
      'RUNNING',
    ]);
  });

  it('reset() forgets faults, switches and state', async () => {
    t.dev.control.injectFault({ kind: 'build-error', app: 'a' });
    t.dev.control.setControllerAvailable(false);
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.reset();
    expect(t.dev.control.listFaults()).toEqual([]);
    expect((await t.details()).applications).toEqual({});
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(600);
    expect((await t.app('a'))?.status).toBe('RUNNING');
  });
});
