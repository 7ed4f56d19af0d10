import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '@synapse-sdk/devserver';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer, waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin } from './test-support/fixture-plugin.js';
import { runSynapse, spawnSynapse } from './test-support/run-synapse.js';

describe('synapse plugin run', () => {
  let dev: TestDevServer;
  let plugin: FixturePlugin;

  beforeAll(async () => {
    dev = await startTestDevServer();
    plugin = await createFixturePlugin();
  });

  afterEach(async () => {
    dev.server.control.clearFaults();
    await dev.server.control.reset();
  });

  afterAll(async () => {
    await dev.stop();
    await plugin.remove();
  });

  it('loads a plugin outside the repository, injects actionName/category and the environment', async () => {
    const result = await runSynapse(
      ['plugin', 'run', 'echo', '--path', plugin.dir, '--params', '{"message": "hi"}', '--json'],
      // A loopback address with nothing behind it: the run reads the dashboard's version early.
      { env: { FIXTURE_OVERRIDE: 'from-process', RAY_DASHBOARD_ADDRESS: 'http://127.0.0.4:8265' } },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      result: {
        text: 'hi',
        actionName: 'echo',
        category: 'neural_net',
        pluginDir: plugin.dir,
        fromConfig: 'from-config',
        override: 'from-process',
        rayAddress: 'http://127.0.0.4:8265/',
        jobId: null,
        hasBackendClient: false,
      },
    });
  });

  it('lets flags win over the environment', async () => {
    const result = await runSynapse(
      [
        'plugin',
        'run',
        'echo',
        '--path',
        plugin.dir,
        '--params',
        '{"message": "hi"}',
        '--json',
        '--ray-address',
        'http://127.0.0.2:9999',
        '--host',
        'http://127.0.0.3:8000/',
        '--job-id',
        '17',
      ],
      { env: { RAY_DASHBOARD_ADDRESS: 'http://127.0.0.5:8265', SYNAPSE_JOB_ID: '5' } },
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      result: { rayAddress: 'http://127.0.0.2:9999/', jobId: '17', hasBackendClient: true },
    });
  });

  it('prints the result as indented JSON and line events on stderr when not in a terminal', async () => {
    const before = dev.requests();
    const result = await runSynapse(['plugin', 'run', 'deployment', '--path', plugin.dir], {
      env: dev.env,
    });
    expect(result.code).toBe(0);
    // The version, read before the plugin's code loaded, is the deploy's connect answer: asked once.
    const dashboard = dev
      .requestLog()
      .slice(before)
      .filter((request) => request.startsWith('dashboard '));
    expect([
      dashboard[0],
      dashboard.filter((request) => request === 'dashboard GET /api/version'),
    ]).toEqual(['dashboard GET /api/version', ['dashboard GET /api/version']]);
    expect(JSON.parse(result.stdout)).toEqual({
      success: true,
      stepsExecuted: 2,
      stepsTotal: 3,
      deployed: true,
    });
    expect(result.stdout).toContain('\n  "success": true');
    const events = result.stderr
      .split('\n')
      .filter((line) => /^\[\d\d:\d\d:\d\d\] /.test(line))
      .map((line) => line.slice(11).replace(/ (in|after) \d+(ms|\.\ds)/, ''));
    expect(events).toEqual(
      expect.arrayContaining([
        'initialize started',
        'initialize done',
        'deploy started',
        'deploy done',
        'register skipped',
        'progress 100%',
      ]),
    );
    const app = (await dev.serveDetails())['applications'] as Record<string, { status: string }>;
    expect(app['fixture@1.0.0']?.status).toBe('RUNNING');
  });

  it('registers the app with the backend when a job id is given', async () => {
    const result = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '--json', '--job-id', '42'],
      { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_ID: '9' } },
    );
    expect(result.code).toBe(0);
    const { result: outcome } = JSON.parse(result.stdout) as {
      result: { serveApplication: number };
    };
    expect(outcome).toMatchObject({ success: true, stepsExecuted: 3, deployed: true });
    expect(dev.server.control.backend().serveApplications).toEqual([
      expect.objectContaining({
        id: outcome.serveApplication,
        name: 'fixture@1.0.0',
        plugin_release: 9,
      }),
    ]);
  });

  it('exits 1 after rolling back when the deploy fails, keeping other apps', async () => {
    const first = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '--json'],
      {
        env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'kept-app' },
      },
    );
    expect(first.code).toBe(0);
    dev.server.control.injectFault({
      kind: 'build-error',
      app: 'fixture@1.0.0',
      error: 'RuntimeError: weights not found',
    });
    const result = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '--json'],
      {
        env: dev.env,
      },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: { code: 'STEP_FAILED', message: expect.stringContaining("Step 'deploy' failed:") },
    });
    expect(result.stderr).toMatch(
      /^error: Step 'deploy' failed: .* … RuntimeError: weights not found \(rolled back: deploy\)\. Fix the cause shown in the message below .*\n {2}Traceback/m,
    );
    expect(result.stderr).toMatch(/\] deploy failed, rolled back\n/);
    const apps = (await dev.serveDetails())['applications'] as Record<string, { status: string }>;
    expect(Object.keys(apps).filter((name) => apps[name]?.status !== 'DELETING')).toEqual([
      'kept-app',
    ]);
  });

  it('cancels on SIGINT: rolls back what ran, exits 130, leaves the cluster as it was', async () => {
    const { slow, tick, details, before } = await frozenClusterWithKeptApp(plugin.dir);
    let ticking: NodeJS.Timeout | undefined;
    try {
      const child = spawnSynapse(['plugin', 'run', 'deployment', '--path', plugin.dir, '--json'], {
        env: slow.env,
      });
      const exit = waitForExit(child);
      await waitForOutput(child, 'stderr', /status=DEPLOYING/);
      child.kill('SIGINT');
      ticking = tick(100);
      const result = await exit;
      const after = await waitForEqual(details, before);
      clearInterval(ticking);

      expect(result.code).toBe(130);
      expect(JSON.parse(result.stdout)).toEqual({
        ok: false,
        error: {
          code: 'CANCELLED',
          message: "Cancelled during step 'deploy'; rolled back 1 step",
        },
      });
      expect(result.stderr).toMatch(/SIGINT: cancelling/);
      expect(after).toEqual(before);
    } finally {
      clearInterval(ticking);
      await slow.stop();
    }
  }, 30_000);

  it('stops at --timeout like a cancel: rolls back what ran, exits 124, leaves the cluster as it was', async () => {
    const { slow, tick, details, before } = await frozenClusterWithKeptApp(plugin.dir);
    let ticking: NodeJS.Timeout | undefined;
    try {
      // The build is frozen until the timeout has fired; then the clock moves for the rollback.
      // 8 s leaves a loaded machine time to start the CLI and reach the wait.
      const child = spawnSynapse(
        ['plugin', 'run', 'deployment', '--path', plugin.dir, '--json', '--timeout', '8s'],
        { env: slow.env },
      );
      const exit = waitForExit(child);
      await waitForOutput(child, 'stderr', /--timeout 8\.0s elapsed: cancelling/, 40_000);
      ticking = tick(100);
      const result = await exit;
      const after = await waitForEqual(details, before);
      clearInterval(ticking);

      expect(result.code).toBe(124);
      expect(JSON.parse(result.stdout)).toEqual({
        ok: false,
        error: {
          code: 'CANCELLED',
          message: "Cancelled during step 'deploy'; rolled back 1 step",
        },
      });
      expect(result.stderr).toMatch(/status=DEPLOYING/);
      expect(after).toEqual(before);
    } finally {
      clearInterval(ticking);
      await slow.stop();
    }
  }, 60_000);

  it('refuses a --timeout that is not a duration before sending anything', async () => {
    const result = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '--timeout', '10x'],
      { env: dev.env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: --timeout '10x' is not a duration. Give seconds (90) or a duration such as 90s, 10m or 1h30m\n",
    );
    expect(Object.keys((await dev.serveDetails())['applications'] as object)).toEqual([]);
  });
});

/**
 * A devserver on a frozen clock (a build never ends unless the test advances it) with one app,
 * `kept-app`, already RUNNING; `details` reads the cluster as a rollback must leave it, `before`
 * is that reading now. `tick(ms)` advances the clock by `ms` every 20 ms.
 */
async function frozenClusterWithKeptApp(pluginDir: string) {
  const clock = new ManualClock();
  const slow = await startTestDevServer({ clock, timings: { buildTimeMs: 60_000 } });
  const tick = (ms: number) => setInterval(() => void slow.server.control.advance(ms), 20);
  const ticking = tick(5_000);
  const kept = await runSynapse(['plugin', 'run', 'deployment', '--path', pluginDir], {
    env: { ...slow.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'kept-app' },
  });
  clearInterval(ticking);
  expect(kept.code).toBe(0);
  // Ray bumps last_deployed_time_s of every app on every PUT, the rollback's included.
  const details = async () => withoutDeployTimes(await slow.serveDetails());
  return { slow, tick, details, before: await details() };
}

/** `details` without the apps' `last_deployed_time_s`. */
function withoutDeployTimes(details: Record<string, unknown>): Record<string, unknown> {
  const apps = details['applications'] as Record<string, Record<string, unknown>>;
  const stripped = Object.fromEntries(
    Object.entries(apps).map(([name, { last_deployed_time_s: _time, ...rest }]) => [name, rest]),
  );
  return { ...details, applications: stripped };
}

/** Polls `read` until it deep-equals `expected` (the removal of an app takes a moment). */
async function waitForEqual<T>(read: () => Promise<T>, expected: T, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
