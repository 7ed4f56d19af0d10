import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer } from '@synapse-sdk/test-kit';

import { comparable } from './test-support/comparable-details.js';
import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin } from './test-support/fixture-plugin.js';
import { runSynapse, runSynapseInTerminal } from './test-support/run-synapse.js';

const APP = 'fixture@1.0.0';

describe('synapse serve history | serve rollback', () => {
  let dev: TestDevServer;
  let v1: FixturePlugin;
  let v2: FixturePlugin;
  let state: string;
  const env = () => ({ ...dev.env, SYNAPSE_STATE_DIR: state });
  const deploy = (plugin: FixturePlugin, runId: string, params: string) =>
    runSynapse(['plugin', 'run', 'deployment', '--path', plugin.dir, '--params', params], {
      env: { ...env(), SYNAPSE_RUN_ID: runId },
    });
  const history = async () => {
    const result = await runSynapse(['serve', 'history', APP, '--json'], { env: env() });
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout).result;
  };
  const packageOf = () =>
    (
      dev.server.control.application(APP)!.deployed_app_config as {
        runtime_env: { working_dir: string };
      }
    ).runtime_env.working_dir;

  beforeAll(async () => {
    dev = await startTestDevServer();
    state = await mkdtemp(join(tmpdir(), 'synapse-history-'));
    v1 = await createFixturePlugin();
    v2 = await createFixturePlugin({
      'serve_app.py': `${await readFile(join(v1.dir, 'serve_app.py'), 'utf8')}\n# v2\n`,
    });
  });

  afterAll(async () => {
    await dev.stop();
    await v1.remove();
    await v2.remove();
    await rm(state, { recursive: true, force: true });
  });

  let atRevision1: unknown;
  let atRevision2: unknown;
  let v1Package: string;
  let before: { revisions: { configHash: string }[] };

  it('lists the revisions deployed through synapse, the live one marked', async () => {
    expect((await deploy(v1, 'rev-1', '{"num_cpus": 1}')).code).toBe(0);
    atRevision1 = comparable(await dev.serveDetails());
    v1Package = packageOf();
    expect((await deploy(v2, 'rev-2', '{"num_cpus": 2}')).code).toBe(0);
    atRevision2 = comparable(await dev.serveDetails());
    // A deploy that fails is rolled back, and stays in the history as such.
    dev.server.control.injectFault({ kind: 'build-error', app: APP });
    expect((await deploy(v1, 'rev-3', '{"num_cpus": 3}')).code).toBe(1);
    dev.server.control.clearFaults();
    // An identical config sends nothing: no revision.
    expect(await deploy(v2, 'same-as-2', '{"num_cpus": 2}')).toMatchObject({ code: 0 });

    before = await history();
    expect(before).toMatchObject({ app: APP, live: 2, drift: false });
    expect(
      before.revisions.map((r: Record<string, unknown>) => [
        r['revision'],
        r['runId'],
        r['release'],
        r['params'],
        r['outcome'],
        r['live'],
      ]),
    ).toEqual([
      [1, 'rev-1', APP, { num_cpus: 1 }, 'succeeded', false],
      [2, 'rev-2', APP, { num_cpus: 2 }, 'succeeded', true],
      [3, 'rev-3', APP, { num_cpus: 3 }, 'failed, rolled back', false],
    ]);
    const text = await runSynapse(['serve', 'history', APP], { env: env() });
    const rows = text.stdout.trimEnd().split('\n');
    expect(rows[0]!.trim().split(/\s{2,}/)).toEqual([
      'REV',
      'DEPLOYED',
      'RELEASE',
      'PARAMS',
      'CONFIG',
      'OUTCOME',
      'RUN',
      'WHERE',
    ]);
    expect(rows[2]).toMatch(/^\*\s+2\s/);
    expect(rows.at(-1)).toBe('* live: revision 2');
  }, 120_000);

  it('serve rollback --to deploys a revision again, uploading the package Ray dropped', async () => {
    // Outside a terminal nobody can confirm: refused, nothing changed.
    const refused = await runSynapse(['serve', 'rollback', APP, '--to', '1'], { env: env() });
    expect([refused.code, refused.stderr.trimEnd().split('\n').at(-1)]).toEqual([
      2,
      `error: refusing to roll ${APP} back without confirmation. Pass --yes to roll back without asking`,
    ]);
    expect(comparable(await dev.serveDetails())).toEqual(atRevision2);

    // Nothing runs from v1's package any more: Ray drops it; the rollback uploads it again.
    expect(dev.server.control.dropPackage(v1Package.slice('gcs://'.length))).toBe(true);
    const rolledBack = await runSynapse(
      ['serve', 'rollback', APP, '--to', '1', '--yes', '--json'],
      {
        env: { ...env(), SYNAPSE_RUN_ID: 'back-to-1' },
      },
    );
    expect(rolledBack.code).toBe(0);
    expect(JSON.parse(rolledBack.stdout)).toEqual({
      ok: true,
      result: { app: APP, from: 2, to: 1, runId: 'back-to-1' },
    });
    expect(rolledBack.stderr).toContain(
      `rollback of ${APP} on ${dev.env['RAY_DASHBOARD_ADDRESS']}/ to revision 1 (run rev-1, ${before.revisions[0]!.configHash})`,
    );
    expect(rolledBack.stderr).toContain('    ~ deployments.0.ray_actor_options.num_cpus: 2 → 1\n');
    expect(comparable(await dev.serveDetails())).toEqual(atRevision1);
  }, 60_000);

  it('records the rollback as a revision, and runs rollback undoes it', async () => {
    const after = await history();
    expect(after.live).toBe(4);
    expect(after.revisions.at(-1)).toMatchObject({
      revision: 4,
      runId: 'back-to-1',
      command: 'serve rollback',
      configHash: before.revisions[0]!.configHash,
      live: true,
    });

    // Asked in a terminal, an answer that is not yes leaves the run and the cluster as they are;
    // outside a terminal nobody can answer: refused.
    const refused = await runSynapse(['runs', 'rollback', 'back-to-1'], { env: env() });
    expect([refused.code, refused.stderr]).toEqual([
      2,
      'error: refusing to roll back run back-to-1 without confirmation. Pass --yes to roll back without asking\n',
    ]);
    const no = await runSynapseInTerminal(['runs', 'rollback', 'back-to-1'], 'n\r', /\[y\/N\] /, {
      env: env(),
    });
    expect([no.code, no.screen.includes('error:')]).toEqual([0, false]);
    expect(no.screen).toContain(
      'not rolled back: run back-to-1 is left as it is (the answer was not yes)\n',
    );
    const noServe = await runSynapseInTerminal(
      ['serve', 'rollback', APP, '--to', '2'],
      'n\r',
      /\[y\/N\] /,
      { env: env() },
    );
    expect([noServe.code, noServe.screen.includes('error:')]).toEqual([0, false]);
    expect(noServe.screen).toContain(
      `not rolled back: ${APP} is left as it is (the answer was not yes)\n`,
    );
    expect(comparable(await dev.serveDetails())).toEqual(atRevision1);

    // The serve rollback is a run of its own: runs rollback undoes it.
    const undone = await runSynapse(['runs', 'rollback', 'back-to-1', '--yes'], { env: env() });
    expect([undone.code, undone.stdout]).toEqual([
      0,
      'run back-to-1 rolled back; undone: deploy\n',
    ]);
    expect(comparable(await dev.serveDetails())).toEqual(atRevision2);
  });

  it('serve rollback without --to goes to the newest earlier revision that succeeded', async () => {
    // Live is revision 2 again; 3 failed, so the one before 2 that succeeded is 1.
    const result = await runSynapse(['serve', 'rollback', APP, '--yes', '--json'], {
      env: { ...env(), SYNAPSE_RUN_ID: 'back-again' },
    });
    expect([result.code, JSON.parse(result.stdout).result]).toEqual([
      0,
      { app: APP, from: 2, to: 1, runId: 'back-again' },
    ]);
    expect(comparable(await dev.serveDetails())).toEqual(atRevision1);
    const again = await runSynapse(['serve', 'rollback', APP, '--to', '6', '--yes'], {
      env: env(),
    });
    expect([again.code, again.stderr]).toEqual([
      2,
      `error: ${APP} has no revision 6; its revisions are 1 to 5. See synapse serve history\n`,
    ]);
  });

  it('shows drift when the live config matches no revision', async () => {
    // A config sent by another writer matches no revision.
    const live = dev.server.control.application(APP)!.deployed_app_config!;
    dev.server.control.foreignPut({
      applications: [{ ...live, deployments: [{ name: 'Model', num_replicas: 2 }] }],
    });
    expect(await history()).toMatchObject({ live: null, drift: true });
    expect((await runSynapse(['serve', 'history', APP], { env: env() })).stdout).toContain(
      `! drift: the config ${APP} runs now matches no revision (it was changed outside synapse)`,
    );
  });
});
