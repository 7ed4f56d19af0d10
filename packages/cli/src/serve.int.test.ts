import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import {
  closedPort,
  startRecordingServer,
  startTestDevServer,
  waitForExit,
  withoutHealthMetrics,
} from '@synapse-sdk/test-kit';

import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin, FIXTURE_FILES } from './test-support/fixture-plugin.js';
import { runSynapse, runSynapseInTerminal, spawnSynapse } from './test-support/run-synapse.js';

describe('synapse serve', () => {
  let dev: TestDevServer;
  let plugin: FixturePlugin;

  async function deploy(code: string, params = '{}'): Promise<void> {
    const result = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '--params', params],
      { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: code } },
    );
    expect(result.code).toBe(0);
  }

  beforeAll(async () => {
    dev = await startTestDevServer();
    plugin = await createFixturePlugin();
    await deploy('alpha');
    await deploy('beta');
  });

  afterAll(async () => {
    await dev.stop();
    await plugin.remove();
  });

  describe('status', () => {
    it('prints a table of apps, deployments, replicas and messages', async () => {
      const result = await runSynapse(['serve', 'status'], { env: dev.env });
      expect(result.code).toBe(0);
      const [header, ...rows] = result.stdout.trimEnd().split('\n');
      expect(header?.split(/\s{2,}/)).toEqual([
        'APP',
        'STATUS',
        'ROUTE PREFIX',
        'DEPLOYMENT',
        'DEPLOYMENT STATUS',
        'REPLICAS',
        'MESSAGE',
      ]);
      expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
        ['alpha', 'RUNNING', expect.stringMatching(/^\/[0-9a-f]{32}$/), 'Model', 'HEALTHY', '1/1'],
        ['beta', 'RUNNING', expect.stringMatching(/^\/[0-9a-f]{32}$/), 'Model', 'HEALTHY', '1/1'],
      ]);
    });

    it('fits the table in 80 columns (COLUMNS, as a terminal would be)', async () => {
      const result = await runSynapse(['serve', 'status'], { env: { ...dev.env, COLUMNS: '80' } });
      const lines = result.stdout.trimEnd().split('\n');
      expect(result.code).toBe(0);
      expect(lines.filter((line) => line.length > 80)).toEqual([]);
      expect(lines.map((line) => line.split(/\s{2,}/)[0])).toEqual(['APP', 'alpha', 'beta']);
    });

    it('prints the raw details with --json, for all apps or one', async () => {
      const all = await runSynapse(['serve', 'status', '--json'], { env: dev.env });
      const one = await runSynapse(['serve', 'status', 'beta', '--json'], { env: dev.env });
      expect(withoutHealthMetrics(JSON.parse(all.stdout) as Record<string, unknown>)).toEqual(
        await dev.serveDetails(),
      );
      expect(JSON.parse(one.stdout)).toMatchObject({ name: 'beta', status: 'RUNNING' });
    });

    it('exits 2 for an unknown app, naming the running ones', async () => {
      const result = await runSynapse(['serve', 'status', 'gamma'], { env: dev.env });
      expect([result.code, result.stderr]).toEqual([
        2,
        "error: no application named gamma; running: alpha, beta. Check the name with 'synapse serve status'\n",
      ]);
    });

    it('exits 3 when the dashboard cannot be reached', async () => {
      const port = await closedPort();
      const result = await runSynapse([
        'serve',
        'status',
        '--ray-address',
        `http://127.0.0.1:${port}`,
      ]);
      expect(result.code).toBe(3);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines.filter((line) => line.startsWith('error:'))).toEqual([
        `error: Ray dashboard GET http://127.0.0.1:${port}/api/serve/applications/ failed: connection refused (ECONNREFUSED); is the Ray dashboard running at http://127.0.0.1:${port}/? set RAY_DASHBOARD_ADDRESS (set by --ray-address) to its address`,
      ]);
    });

    it('stops on Ctrl-C while the dashboard does not answer: exit 130, no rollback announced', async () => {
      // The dashboard takes the request and never answers.
      const silent = await startRecordingServer(() => undefined);
      try {
        const child = spawnSynapse(['serve', 'status', '--ray-address', silent.url]);
        const exit = waitForExit(child);
        while (silent.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
        child.kill('SIGINT');
        const result = await exit;
        expect([result.code, result.stderr.split('\n')[0]]).toEqual([
          130,
          'SIGINT: stopping (press Ctrl-C again to exit at once)',
        ]);
      } finally {
        await silent.close();
      }
    });

    it('takes the dashboard address from --ray-address over the environment', async () => {
      const result = await runSynapse(
        ['serve', 'status', '--ray-address', dev.env['RAY_DASHBOARD_ADDRESS']!],
        {
          env: { RAY_DASHBOARD_ADDRESS: 'http://127.0.0.1:9' },
        },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('alpha');
    });
  });

  describe('plan', () => {
    it('says unchanged for the deployed config and changes nothing', async () => {
      const before = dev.requests();
      const details = await dev.serveDetails();
      const result = await runSynapse(['serve', 'plan', '--path', plugin.dir], {
        env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'alpha' },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^plan for alpha \(route \/[0-9a-f]{32}\) on http:\/\/127\.0\.0\.1:\d+\/\n {2}change: unchanged \(a deploy would change nothing\)\n {2}other apps kept: beta\nnothing was changed\n$/,
      );
      expect(await dev.serveDetails()).toEqual(details);
      expect(dev.requests()).toBeGreaterThan(before);
    });

    it('lists the changed fields of an in-place update as JSON', async () => {
      const result = await runSynapse(
        ['serve', 'plan', '--path', plugin.dir, '--params', '{"num_cpus": 2}', '--json'],
        { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'alpha' } },
      );
      expect(result.code).toBe(0);
      const { result: plan } = JSON.parse(result.stdout) as { result: Record<string, unknown> };
      expect(plan).toMatchObject({
        appName: 'alpha',
        change: 'updated-in-place',
        otherApps: ['beta'],
        changedFields: expect.arrayContaining([expect.stringMatching(/^deployments/)]),
      });
    });

    it('shows each changed field with its old and new value', async () => {
      const result = await runSynapse(
        ['serve', 'plan', '--path', plugin.dir, '--params', '{"num_cpus": 2}'],
        { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'alpha' } },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        '  changed fields (old → new):\n    ~ deployments.0.ray_actor_options.num_cpus: 1 → 2\n',
      );
    });

    it('gives the same old → new values in JSON', async () => {
      const result = await runSynapse(
        ['serve', 'plan', '--path', plugin.dir, '--params', '{"num_cpus": 2}', '-o', 'json'],
        { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'alpha' } },
      );
      const { result: plan } = JSON.parse(result.stdout) as { result: Record<string, unknown> };
      expect(plan['changes']).toEqual([
        {
          field: 'deployments.0.ray_actor_options.num_cpus',
          change: 'changed',
          before: 1,
          after: 2,
          masked: false,
        },
      ]);
      expect(plan['upToDate']).toBe(false);
    });

    it('masks the values of credential-named environment variables', async () => {
      const secretive = await createFixturePlugin({
        'config.yaml': FIXTURE_FILES['config.yaml']!.replace(
          'env:\n',
          'env:\n  HF_TOKEN: hf_first_secret_value\n',
        ),
      });
      try {
        const first = await runSynapse(['plugin', 'run', 'deployment', '--path', secretive.dir], {
          env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'secretive' },
        });
        expect(first.code).toBe(0);
        await writeFile(
          join(secretive.dir, 'config.yaml'),
          FIXTURE_FILES['config.yaml']!.replace(
            'env:\n',
            'env:\n  HF_TOKEN: hf_second_secret_value\n',
          ),
        );
        const text = await runSynapse(['serve', 'plan', '--path', secretive.dir], {
          env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'secretive' },
        });
        const json = await runSynapse(['serve', 'plan', '--path', secretive.dir, '--json'], {
          env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'secretive' },
        });
        expect(text.stdout).toContain(
          '    ~ runtime_env.env_vars.HF_TOKEN: "[REDACTED]" → "[REDACTED]" (secret, masked)\n',
        );
        expect(`${text.stdout}${json.stdout}`).not.toMatch(/hf_(first|second)_secret_value/);
        expect(JSON.parse(json.stdout).result.changes).toContainEqual(
          expect.objectContaining({ field: 'runtime_env.env_vars.HF_TOKEN', masked: true }),
        );
      } finally {
        dev.server.control.deleteApp('secretive'); // the delete tests count the apps
        await secretive.remove();
      }
    });

    it('exits 0 / 2 / 1 with --detailed-exitcode: nothing to send, changes, an error', async () => {
      const env = { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'alpha' };
      const plan = (args: string[], extra: Record<string, string> = {}) =>
        runSynapse(['serve', 'plan', '--path', plugin.dir, '--detailed-exitcode', ...args], {
          env: { ...env, ...extra },
        });
      const port = await closedPort();
      const [same, changed, added, badParams, unreachable] = await Promise.all([
        plan([]),
        plan(['--params', '{"num_cpus": 2}']),
        plan([], { SYNAPSE_PLUGIN_RELEASE_CODE: 'gamma' }),
        plan(['--params', '{"num_cpus": -1}']),
        plan(['--ray-address', `http://127.0.0.1:${port}`]),
      ]);
      expect([same.code, changed.code, added.code, badParams.code, unreachable.code]).toEqual([
        0, 2, 2, 1, 1,
      ]);
      expect(badParams.stderr).toMatch(/^error: Invalid params: num_cpus/);
    });

    it('says added for an app that is not deployed', async () => {
      const result = await runSynapse(['serve', 'plan', '--path', plugin.dir], {
        env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_CODE: 'gamma' },
      });
      expect(result.stdout).toContain('change: app added (not deployed yet)');
      expect(result.stdout).toContain('other apps kept: alpha, beta');
    });

    it('exits 2 for an action that is not a deployment action', async () => {
      const result = await runSynapse(
        ['serve', 'plan', '--path', plugin.dir, '--action', 'echo', '--params', '{"message":"x"}'],
        {
          env: dev.env,
        },
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^error: action 'echo' of .*config\.yaml is not a deployment action/,
      );
    });
  });

  describe('delete', () => {
    it('exits 2 for an unknown app and refuses without --yes outside a terminal', async () => {
      const unknown = await runSynapse(['serve', 'delete', 'gamma', '--yes'], { env: dev.env });
      const unconfirmed = await runSynapse(['serve', 'delete', 'alpha'], { env: dev.env });
      expect([unknown.code, unknown.stderr]).toEqual([
        2,
        "error: no application named gamma; running: alpha, beta. Check the name with 'synapse serve status'\n",
      ]);
      expect([unconfirmed.code, unconfirmed.stderr]).toEqual([
        2,
        'error: refusing to delete alpha without confirmation. Pass --yes to delete without asking\n',
      ]);
      expect(Object.keys((await dev.serveDetails())['applications'] as object)).toEqual([
        'alpha',
        'beta',
      ]);
    });

    it('keeps the app and exits 0 when the answer at the prompt is no, without error:', async () => {
      const before = await dev.serveDetails();
      const no = await runSynapseInTerminal(['serve', 'delete', 'alpha'], 'n\r', /\[y\/N\] /, {
        env: dev.env,
      });
      expect([no.code, no.screen.includes('error:')]).toEqual([0, false]);
      expect(no.screen).toContain('not deleted: alpha is kept (the answer was not yes)\n');
      expect(await dev.serveDetails()).toEqual(before);
    });

    it('removes one app and keeps the others', async () => {
      const betaBefore = (
        (await dev.serveDetails())['applications'] as Record<string, Record<string, unknown>>
      )['beta'];
      const result = await runSynapse(['serve', 'delete', 'alpha', '--yes', '--json'], {
        env: dev.env,
      });
      expect([result.code, JSON.parse(result.stdout)]).toEqual([
        0,
        { ok: true, result: { removed: 'alpha', kept: ['beta'] } },
      ]);
      const apps = (await dev.serveDetails())['applications'] as Record<
        string,
        Record<string, unknown>
      >;
      expect(Object.keys(apps)).toEqual(['beta']);
      expect({ ...apps['beta'], last_deployed_time_s: 0 }).toEqual({
        ...betaBefore,
        last_deployed_time_s: 0,
      });
    });
  });
});
