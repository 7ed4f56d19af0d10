import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileJournalStore, foldRun } from '@synapse-sdk/core';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer } from '@synapse-sdk/test-kit';

import { comparable } from './test-support/comparable-details.js';
import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin } from './test-support/fixture-plugin.js';
import type { HoldingProxy } from './test-support/holding-proxy.js';
import { startHoldingProxy } from './test-support/holding-proxy.js';
import { DEPLOY_KILL_POINTS, killSynapseAt, stepStatuses } from './test-support/kill-points.js';
import { runSynapse } from './test-support/run-synapse.js';

const APP = 'fixture@1.0.0';

describe('a deploy killed with SIGKILL', () => {
  let dev: TestDevServer;
  let v1: FixturePlugin;
  let v2: FixturePlugin;
  let state: string;
  let lockDirs: string;
  let ray: HoldingProxy;
  let backend: HoldingProxy;
  let before: unknown;
  let v1Package: string;
  let v1Source: string;

  const env = (extra: Record<string, string> = {}) => ({
    ...dev.env,
    SYNAPSE_STATE_DIR: state,
    SYNAPSE_JOB_ID: '7',
    SYNAPSE_PLUGIN_RELEASE_ID: '1',
    ...extra,
  });
  const serveDetails = async () => comparable(await dev.serveDetails());

  beforeAll(async () => {
    dev = await startTestDevServer();
    state = await mkdtemp(join(tmpdir(), 'synapse-kill-state-'));
    lockDirs = await mkdtemp(join(tmpdir(), 'synapse-kill-locks-'));
    v1 = await createFixturePlugin();
    v2 = await createFixturePlugin();
    v1Source = await readFile(join(v1.dir, 'serve_app.py'), 'utf8');
    ray = await startHoldingProxy(dev.env['RAY_DASHBOARD_ADDRESS']!);
    backend = await startHoldingProxy(dev.env['SYNAPSE_HOST']!);
    const deployed = await runSynapse(['plugin', 'run', 'deployment', '--path', v1.dir], {
      env: env({ SYNAPSE_RUN_ID: 'v1' }),
    });
    expect(deployed.code).toBe(0);
    before = await serveDetails();
    const live = dev.server.control.application(APP)!.deployed_app_config as {
      runtime_env: { working_dir: string };
    };
    v1Package = live.runtime_env.working_dir;
  });

  afterAll(async () => {
    await ray.close();
    await backend.close();
    await dev.stop();
    await v1.remove();
    await v2.remove();
    await rm(state, { recursive: true, force: true });
    await rm(lockDirs, { recursive: true, force: true });
  });

  it.each(DEPLOY_KILL_POINTS)(
    '$name: runs show tells it, runs rollback restores the cluster',
    async (kill) => {
      const runId = `kill-${DEPLOY_KILL_POINTS.indexOf(kill)}`;
      const journalFile = join(state, 'runs', `${runId}.jsonl`);
      const proxy = kill.via === 'ray' ? ray : backend;
      // The same app (code@version) with other code: a package Ray does not have yet.
      await writeFile(join(v2.dir, 'serve_app.py'), `${v1Source}\n# ${runId}\n`);
      const exited = killSynapseAt(
        kill,
        proxy,
        journalFile,
        ['plugin', 'run', 'deployment', '--path', v2.dir, '--params', '{"num_cpus": 2}'],
        {
          env: env({
            SYNAPSE_RUN_ID: runId,
            RAY_DASHBOARD_ADDRESS: ray.url,
            SYNAPSE_HOST: backend.url,
            // The killed writer's cluster lock goes stale only after 15 s: the rollback does not wait.
            SYNAPSE_LOCK_DIR: join(lockDirs, runId),
          }),
        },
      );
      expect((await exited).signal).toBe('SIGKILL');

      const shown = await runSynapse(['runs', 'show', runId, '-o', 'json'], { env: env() });
      expect(shown.code).toBe(0);
      const view = JSON.parse(shown.stdout).result;
      expect(view.status).toBe('interrupted');
      expect(stepStatuses(view)).toEqual(kill.steps);
      const deploy = view.steps.find((s: { name: string }) => s.name === 'deploy');
      expect(deploy.writeAheads.map((w: { kind: string }) => w.kind)).toEqual(kill.writeAheads);
      expect(view.cluster).toEqual(
        kill.running
          ? [
              expect.objectContaining({
                step: 'deploy',
                app: APP,
                running: kill.running,
                rollback: 'restore',
              }),
            ]
          : [],
      );
      if (kill.name === 'in the wait for RUNNING') {
        const text = await runSynapse(['runs', 'show', runId], { env: env() });
        expect(text.stdout).toMatch(
          new RegExp(
            `\ncluster now:\n  deploy: ${APP} runs this run's config \\([A-Z_]+\\); a rollback puts back the config from before the run \\(then RUNNING\\)\n`,
          ),
        );
        expect(text.stdout.split('\n')[0]).toMatch(
          new RegExp(`^run ${runId}: ! interrupted \\(pid \\d+ on .+ is gone\\)$`),
        );
      }

      if (kill.name.includes('after Ray applied it')) {
        // v2 runs now, so nothing references v1's package: Ray drops it after its pin.
        expect(await serveDetails()).not.toEqual(before);
        expect(dev.server.control.dropPackage(v1Package.slice('gcs://'.length))).toBe(true);
      }
      const rolledBack = await runSynapse(['runs', 'rollback', runId, '--yes', '-o', 'json'], {
        env: env(),
      });
      expect([rolledBack.code, rolledBack.stderr]).toEqual([0, '']);
      expect(JSON.parse(rolledBack.stdout).result.undone).toEqual(kill.undone);
      expect(await serveDetails()).toEqual(before);
      expect(dev.server.control.packageNames()).toContain(v1Package.slice('gcs://'.length));

      const after = foldRun((await new FileJournalStore(state).readRun(runId))!)!;
      expect(after.status).toBe('rolled-back');
    },
  );
});
