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

  /** The fixture's app as the dashboard shows it. */
  const fixtureApp = async () =>
    ((await dev.serveDetails())['applications'] as Record<string, Record<string, unknown>>)[
      'fixture@1.0.0'
    ] ?? {};

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

  it('puts the previous config back when the replicas of an in-place update fail to start, exit 1 (row F22)', async () => {
    const run = (numCpus: number) =>
      runSynapse(
        [
          'plugin',
          'run',
          'deployment',
          '--path',
          plugin.dir,
          '--params',
          `{"num_cpus": ${numCpus}}`,
        ],
        { env: dev.env },
      );
    expect((await run(0.5)).code).toBe(0);
    const before = await fixtureApp();
    // Only this version's replicas fail: the previous config's start again, as on Ray.
    dev.server.control.injectFault({
      kind: 'replica-startup-failure',
      app: 'fixture@1.0.0',
      once: true,
    });
    const result = await run(1);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\] deploy failed, rolled back\n/);
    expect(result.stderr).toMatch(
      /^error: Step 'deploy' failed: Ray Serve application 'fixture@1.0.0' failed to deploy \(DEPLOY_FAILED\)/m,
    );
    expect(result.stderr).toMatch(/REPLICA_STARTUP_FAILED/);
    const after = await fixtureApp();
    expect([after.status, after.deployed_app_config]).toEqual([
      'RUNNING',
      before.deployed_app_config,
    ]);
  }, 60_000);

  it('lets the registration POST finish on SIGINT and reports the record it created (row S05)', async () => {
    // The backend creates the record, then answers 2 s late: SIGINT arrives in between.
    dev.server.control.injectHttpFault({
      service: 'backend',
      method: 'POST',
      path: '/serve_applications/',
      effect: 'slow',
      delayMs: 2_000,
      times: 1,
    });
    const child = spawnSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '--job-id', '42'],
      { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_ID: '9' } },
    );
    const exit = waitForExit(child);
    await waitForEqual(
      async () =>
        dev.server.control
          .requests()
          .some(
            (r) =>
              r.service === 'backend' && r.method === 'POST' && r.path === '/serve_applications/',
          ),
      true,
      60_000,
    );
    child.kill('SIGINT');
    const result = await exit;
    const records = dev.server.control.backend().serveApplications;
    expect([result.code, records.length]).toEqual([130, 1]);
    expect(result.stderr).toContain(
      `Backend record ${String(records[0]?.id)} of 'fixture@1.0.0' is left in place: the Synapse backend offers no way to delete it`,
    );
    expect(result.stderr).toMatch(/^error: Cancelled during step 'register'; rolled back 2 steps/m);
    // The app did not exist before the run: the rollback removed it.
    const apps = async () =>
      Object.entries(
        (await dev.serveDetails())['applications'] as Record<string, { status: string }>,
      )
        .filter(([, app]) => app.status !== 'DELETING')
        .map(([name]) => name);
    expect(await waitForEqual(apps, [])).toEqual([]);
  }, 60_000);

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

  // SYNAPSE_TIMEOUT gives --timeout when the flag is absent.
  for (const [source, args, env] of [
    ['--timeout', ['--timeout', '8s'], {}],
    ['SYNAPSE_TIMEOUT', [], { SYNAPSE_TIMEOUT: '8s' }],
  ] as const) {
    it(`stops at ${source} like a cancel: rolls back what ran, exits 124, leaves the cluster as it was`, async () => {
      const { slow, tick, details, before } = await frozenClusterWithKeptApp(plugin.dir);
      let ticking: NodeJS.Timeout | undefined;
      try {
        // The build is frozen until the timeout has fired; then the clock moves for the rollback.
        // 8 s leaves a loaded machine time to start the CLI and reach the wait.
        const runId = `timeout-${process.pid}-${Date.now()}`;
        const child = spawnSynapse(
          ['plugin', 'run', 'deployment', '--path', plugin.dir, '--json', ...args],
          { env: { ...slow.env, ...env, SYNAPSE_RUN_ID: runId } },
        );
        const exit = waitForExit(child);
        await waitForOutput(
          child,
          'stderr',
          new RegExp(`${source} 8\\.0s elapsed: cancelling`),
          40_000,
        );
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
        // The journal tells it as a Ctrl-C: cancelled, the deploy rolled back, nothing to resume.
        expect(result.stderr).toContain(`run ${runId}: synapse runs show ${runId}`);
        const shown = await runSynapse(['runs', 'show', runId, '-o', 'json'], { env: slow.env });
        expect(shown.code).toBe(0);
        const run = (JSON.parse(shown.stdout) as { result: JournaledRunView }).result;
        expect(run.status).toBe('cancelled');
        expect(run.sessions.map((session) => session.outcome)).toEqual(['cancelled']);
        expect(run.steps.map(({ name, status }) => ({ name, status }))).toEqual([
          { name: 'initialize', status: 'succeeded' },
          { name: 'deploy', status: 'rolled-back' },
          { name: 'register', status: 'pending' },
        ]);
      } finally {
        clearInterval(ticking);
        await slow.stop();
      }
    }, 60_000);
  }

  it('refuses a --timeout that is not a duration before sending anything', async () => {
    const result = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '--timeout', '10x'],
      { env: dev.env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: --timeout '10x' is not a duration. Give seconds (90) or a duration such as 90s, 10m or 1h30m, at most 24h\n",
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

/** The fields of `synapse runs show -o json` these tests read. */
interface JournaledRunView {
  status: string;
  sessions: { outcome?: string }[];
  steps: { name: string; status: string }[];
}
