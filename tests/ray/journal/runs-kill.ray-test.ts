import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { comparable } from '../../../packages/cli/src/test-support/comparable-details.js';
import type { FixturePlugin } from '../../../packages/cli/src/test-support/fixture-plugin.js';
import {
  createFixturePlugin,
  FIXTURE_FILES,
} from '../../../packages/cli/src/test-support/fixture-plugin.js';
import type { HoldingProxy } from '../../../packages/cli/src/test-support/holding-proxy.js';
import { startHoldingProxy } from '../../../packages/cli/src/test-support/holding-proxy.js';
import {
  DEPLOY_KILL_POINTS,
  killSynapseAt,
  stepStatuses,
} from '../../../packages/cli/src/test-support/kill-points.js';
import type { AppView } from '../../parity/serve-target.js';
import { details, proxyRequest, resetTarget } from '../../parity/serve-target.js';
import { deployCommand } from '../../support/deploy-command.js';
import { createVersionedPlugin, versionedServeApp, writeServeApp } from '../support/e2e-plugins.js';
import { recordFigure } from '../support/lane-env.js';
import type { RayE2e } from '../support/ray-e2e.js';
import { startRayE2e } from '../support/ray-e2e.js';

const APP = 'fixture@1.0.0';
const KEPT = 'keeper@1.0.0';

/**
 * The kill points that matter on a real head, of those the devserver's runs-kill test covers
 * (every step boundary): where Ray has the package but not the config, where Ray took the config
 * but the CLI never heard back, where Ray is rolling the new config out, and where the deploy is
 * done but not registered. The earlier points (in or after initialize, in the upload) change
 * nothing Ray serves, and would cost a real deploy each here for no more than the devserver proves.
 */
const KILL_POINTS = [
  'in the PUT, before Ray got it',
  'in the PUT, after Ray applied it',
  'in the wait for RUNNING',
  'between deploy and register',
].map((name) => {
  const kill = DEPLOY_KILL_POINTS.find((point) => point.name === name);
  if (!kill) throw new Error(`DEPLOY_KILL_POINTS has no kill point named "${name}"`);
  return kill;
});

/**
 * A v2 deploy of app A killed with SIGKILL on a real Ray 2.58 head, through the built CLI, while
 * app K runs beside it: `runs show` says what happened and `runs rollback` puts back the exact
 * GET from before the run (times and replica identities aside), K untouched. Then `serve history`
 * and `serve rollback --to` bring v1 back after a v2 that succeeded.
 */
describe('durable runs on a real Ray 2.58 head', () => {
  let e2e: RayE2e;
  let v1: FixturePlugin;
  let v2: FixturePlugin;
  let kept: FixturePlugin;
  let state: string;
  let lockDirs: string;
  let ray: HoldingProxy;
  let backend: HoldingProxy;
  let route: string;
  let before: unknown;
  let keptBefore: AppView;
  let appBefore: AppView;

  const env = (extra: Record<string, string> = {}) => ({
    ...e2e.env,
    RAY_DASHBOARD_ADDRESS: ray.url,
    SYNAPSE_STATE_DIR: state,
    SYNAPSE_JOB_ID: '7',
    SYNAPSE_PLUGIN_RELEASE_ID: '1',
    ...extra,
  });
  const synapse = (args: string[], extra: Record<string, string> = {}) =>
    e2e.synapse(args, {}, { env: env(extra) });
  const deploy = async (plugin: FixturePlugin, runId: string) => {
    const run = await synapse(deployCommand(plugin.dir, { num_cpus: 0.1 }), {
      SYNAPSE_RUN_ID: runId,
    });
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
  };
  const app = async (name: string): Promise<AppView> => {
    const found = (await details(e2e.target)).applications[name];
    if (!found) throw new Error(`${name} is not deployed`);
    return found;
  };
  const answer = async () => (await proxyRequest(e2e.target, route)).json<{ version: string }>();
  /** K as it must stay: its config, status and the very replicas it had (never restarted). */
  const keptNow = async () => {
    const found = await app(KEPT);
    return [found.status, found.deployed_app_config, found.deployments];
  };

  beforeAll(async () => {
    e2e = await startRayE2e();
    await resetTarget(e2e.target);
    state = await mkdtemp(join(tmpdir(), 'synapse-ray-kill-state-'));
    lockDirs = await mkdtemp(join(tmpdir(), 'synapse-ray-kill-locks-'));
    ray = await startHoldingProxy(e2e.target.dashboardUrl);
    backend = await startHoldingProxy(e2e.env['SYNAPSE_HOST']!);
    // Versions of their own: the deploy test's v1/v2 packages, on the same head, stay its own.
    v1 = await createVersionedPlugin('journal-v1');
    v2 = await createVersionedPlugin('journal-v2');
    kept = await createFixturePlugin({
      'requirements.txt': null,
      'serve_app.py': versionedServeApp('k1'),
      'config.yaml': FIXTURE_FILES['config.yaml']!.replace('code: fixture', 'code: keeper'),
    });
    await deploy(kept, 'k-v1');
    await deploy(v1, 'a-v1');
    route = String((await app(APP)).route_prefix);
    expect(await answer()).toMatchObject({ version: 'journal-v1' });
    keptBefore = await app(KEPT);
    appBefore = await app(APP);
    before = comparable(await details(e2e.target));
  });

  afterAll(async () => {
    await ray.close();
    await backend.close();
    await resetTarget(e2e.target);
    await Promise.all([v1.remove(), v2.remove(), kept.remove()]);
    await e2e.close();
    await rm(state, { recursive: true, force: true });
    await rm(lockDirs, { recursive: true, force: true });
  });

  it.each(KILL_POINTS)(
    'killed $name: runs show tells it, runs rollback restores the GET from before',
    async (kill) => {
      const runId = `kill-${KILL_POINTS.indexOf(kill)}`;
      const journalFile = join(state, 'runs', `${runId}.jsonl`);
      // Other code each time: a package Ray does not have yet, so every run uploads.
      await writeServeApp(v2, `journal-v2-${runId}`);
      const exited = killSynapseAt(
        kill,
        kill.via === 'ray' ? ray : backend,
        journalFile,
        deployCommand(v2.dir, { num_cpus: 0.2 }),
        {
          timeoutMs: 240_000,
          env: env({
            SYNAPSE_RUN_ID: runId,
            SYNAPSE_HOST: backend.url,
            // The killed writer's cluster lock goes stale only after 15 s: the rollback does not wait.
            SYNAPSE_LOCK_DIR: join(lockDirs, runId),
          }),
        },
      );
      expect((await exited).signal).toBe('SIGKILL');
      const atKill = await app(APP);
      recordFigure(`kill ${kill.name}: ${APP} status when killed`, atKill.status);

      const shown = await synapse(['runs', 'show', runId, '-o', 'json']);
      expect([shown.code, shown.stderr]).toEqual([0, '']);
      const view = JSON.parse(shown.stdout).result;
      expect(view.status).toBe('interrupted');
      expect(stepStatuses(view)).toEqual(kill.steps);
      const deployStep = view.steps.find((s: { name: string }) => s.name === 'deploy');
      expect(deployStep.writeAheads.map((w: { kind: string }) => w.kind)).toEqual(kill.writeAheads);
      expect(view.cluster).toEqual([
        expect.objectContaining({
          step: 'deploy',
          app: APP,
          running: kill.running,
          rollback: 'restore',
        }),
      ]);
      // What runs show says is what Ray holds: the config from before the run, or this run's.
      if (kill.running === 'before the run') {
        expect(comparable(await details(e2e.target))).toEqual(before);
      } else {
        expect(atKill.deployed_app_config).not.toEqual(appBefore.deployed_app_config);
      }

      const started = Date.now();
      const rolledBack = await synapse(['runs', 'rollback', runId, '--yes', '-o', 'json']);
      recordFigure(
        `kill ${kill.name}: runs rollback took (s)`,
        ((Date.now() - started) / 1000).toFixed(1),
      );
      expect([rolledBack.code, rolledBack.stderr]).toEqual([0, '']);
      expect(JSON.parse(rolledBack.stdout).result.undone).toEqual(kill.undone);
      expect(comparable(await details(e2e.target))).toEqual(before);
      expect(await keptNow()).toEqual([
        keptBefore.status,
        keptBefore.deployed_app_config,
        keptBefore.deployments,
      ]);
      expect(await answer()).toMatchObject({ version: 'journal-v1' });

      const after = JSON.parse((await synapse(['runs', 'show', runId, '-o', 'json'])).stdout);
      expect(after.result.status).toBe('rolled-back');
    },
  );

  const serveHistory = async () => {
    const listed = await synapse(['serve', 'history', APP, '--json']);
    expect([listed.code, listed.stderr]).toEqual([0, '']);
    return JSON.parse(listed.stdout).result as {
      live: number | null;
      drift: boolean;
      revisions: {
        revision: number;
        runId: string;
        command: string;
        configHash: string;
        outcome: string;
        live: boolean;
      }[];
    };
  };

  it('serve history lists the revisions, and serve rollback --to brings v1 back after v2', async () => {
    await writeServeApp(v2, 'journal-v2');
    await deploy(v2, 'a-v2');
    expect(await answer()).toMatchObject({ version: 'journal-v2' });

    const history = await serveHistory();
    // Every run that wrote a config ahead is a revision, the killed ones too (their journal cannot
    // tell whether Ray got the PUT): each says it was rolled back.
    expect(history.revisions.map((r) => [r.revision, r.runId, r.outcome, r.live])).toEqual([
      [1, 'a-v1', 'succeeded', false],
      [2, 'kill-0', 'rolled back', false],
      [3, 'kill-1', 'rolled back', false],
      [4, 'kill-2', 'rolled back', false],
      [5, 'kill-3', 'rolled back', false],
      [6, 'a-v2', 'succeeded', true],
    ]);
    expect({ live: history.live, drift: history.drift }).toEqual({ live: 6, drift: false });

    const rolledBack = await synapse(['serve', 'rollback', APP, '--to', '1', '--yes', '--json'], {
      SYNAPSE_RUN_ID: 'back-to-v1',
    });
    expect(rolledBack.code).toBe(0);
    expect(JSON.parse(rolledBack.stdout)).toEqual({
      ok: true,
      result: { app: APP, from: 6, to: 1, runId: 'back-to-v1' },
    });
    expect(comparable(await details(e2e.target))).toEqual(before);
    expect(await answer()).toMatchObject({ version: 'journal-v1' });
    expect(await keptNow()).toEqual([
      keptBefore.status,
      keptBefore.deployed_app_config,
      keptBefore.deployments,
    ]);
    const after = await serveHistory();
    expect(after.revisions.at(-1)).toMatchObject({
      revision: 7,
      runId: 'back-to-v1',
      command: 'serve rollback',
      configHash: history.revisions[0]!.configHash,
      live: true,
    });
  });
});
