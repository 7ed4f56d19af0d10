import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { JournalEntryInput, JournalStore, RunJournal, RunState } from '@synapse-sdk/core';
import { FileJournalStore, foldRun, RunRecorder } from '@synapse-sdk/core';

import { deployChangeIn } from '../deploy/deploy-change.js';
import {
  runtimeFor,
  stableView,
  StepDeploy,
  useDeployFixture,
} from '../test-support/deploy-harness.js';
import { DEPLOY_WRITE_AHEAD } from './deploy-write-ahead.js';

const fixture = useDeployFixture();
const APP = 'test-model@1.0.0';
const STEPS = [
  { name: 'initialize', resumable: true },
  { name: 'deploy', resumable: true },
  { name: 'register', resumable: true },
];

describe('a deploy with a journal', () => {
  let dir: string;
  let store: FileJournalStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-deploy-journal-'));
    store = new FileJournalStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the standard pipeline as run `runId` of `journalStore`; returns its outcome. */
  async function deploy(
    runId: string,
    params: Record<string, unknown>,
    options: { mode?: 'run' | 'resume'; resumeFrom?: RunState; journalStore?: JournalStore } = {},
  ): Promise<{ ok: boolean; error?: unknown }> {
    const recorder = await RunRecorder.start(options.journalStore ?? store, runId, {
      mode: options.mode ?? 'run',
      meta: {},
      steps: STEPS,
      resumeFrom: options.resumeFrom,
    });
    const action = new StepDeploy(params, runtimeFor(fixture.env, { journal: recorder }));
    try {
      await action.run();
      await recorder.end('succeeded');
      return { ok: true };
    } catch (error) {
      await recorder.end('failed', String(error));
      return { ok: false, error };
    }
  }

  async function state(runId: string): Promise<RunState> {
    return foldRun((await store.readRun(runId))!)!;
  }

  it('keeps the package it uploads and writes the change ahead of the PUT', async () => {
    expect(await deploy('r1', { num_cpus: 1 })).toEqual({ ok: true });
    const step = (await state('r1')).steps[1]!;
    expect(step.writeAheads.map((entry) => entry.kind)).toEqual([
      DEPLOY_WRITE_AHEAD.UPLOAD,
      DEPLOY_WRITE_AHEAD.PUT,
    ]);
    const [upload, put] = step.writeAheads;
    const uri = String(upload!.detail?.['uri']);
    const kept = await store.readBlob(String(upload!.detail?.['sha256']));
    expect(Buffer.from(kept!)).toEqual(
      Buffer.from(fixture.cluster.dev.control.packageBytes(uri.slice('gcs://'.length))!),
    );
    expect(deployChangeIn(put!.rollbackData)).toMatchObject({
      appName: APP,
      previousConfig: null,
      previousStatus: null,
      appliedConfig: { name: APP, runtime_env: { working_dir: uri } },
    });
    expect(put!.detail).toMatchObject({
      address: fixture.cluster.ray.address,
      appliedPackages: [{ uri, sha256: upload!.detail?.['sha256'] }],
      previousPackages: [],
    });
  });

  it('sends no PUT when the write-ahead cannot be journaled', async () => {
    const failing: JournalStore = Object.create(store) as JournalStore;
    failing.openRun = async (runId) => {
      const journal = await store.openRun(runId);
      const wrapped: RunJournal = {
        runId,
        close: () => journal.close(),
        append: (entry: JournalEntryInput) =>
          entry.type === 'step:write-ahead' && entry.kind === DEPLOY_WRITE_AHEAD.PUT
            ? Promise.reject(new Error('disk full'))
            : journal.append(entry),
      };
      return wrapped;
    };
    const outcome = await deploy('r1', {}, { journalStore: failing });
    expect(outcome.ok).toBe(false);
    expect(String(outcome.error)).toMatch(/disk full/);
    expect(await fixture.cluster.ray.getApplication(APP)).toBeUndefined();
  });

  it('on resume keeps the state from before the interrupted attempt, so a rollback restores it', async () => {
    expect(await deploy('v1', { num_cpus: 1 })).toEqual({ ok: true });
    const before = stableView(await fixture.cluster.ray.getApplications());
    const v1 = (await fixture.cluster.ray.getApplication(APP))!.deployed_app_config!;

    // An attempt killed right after its PUT: v2 is live, and the journal says what was there.
    const killed = await RunRecorder.start(store, 'v2', { mode: 'run', meta: {}, steps: STEPS });
    await killed.stepStarted('initialize', 0, 1);
    await killed.stepStarted('deploy', 1, 1);
    const v2 = { ...v1, deployments: [{ name: 'Model', ray_actor_options: { num_cpus: 2 } }] };
    await killed.writeAhead('deploy', DEPLOY_WRITE_AHEAD.PUT, {
      appName: APP,
      appliedConfig: v2,
      previousConfig: v1,
      previousStatus: 'RUNNING',
      rayVersion: null,
    });
    await killed.close();
    fixture.cluster.dev.control.foreignPut({ applications: [v2] });

    expect(
      await deploy('v2', { num_cpus: 2 }, { mode: 'resume', resumeFrom: await state('v2') }),
    ).toEqual({
      ok: true,
    });
    const resumed = await state('v2');
    expect(deployChangeIn(resumed.steps[1]!.rollbackData)).toMatchObject({
      previousConfig: v1,
      previousStatus: 'RUNNING',
    });

    const recorder = await RunRecorder.start(store, 'v2', {
      mode: 'rollback',
      meta: {},
      steps: STEPS,
    });
    const action = new StepDeploy({ num_cpus: 2 }, runtimeFor(fixture.env, { journal: recorder }));
    const report = await action.rollbackJournaledRun(resumed);
    await recorder.end('rolled-back');
    expect(report.failures).toEqual([]);
    expect(report.undone).toEqual(['deploy']);
    expect(stableView(await fixture.cluster.ray.getApplications())).toEqual(before);
  });

  it('uploads the previous package again when Ray dropped it before the rollback', async () => {
    expect(await deploy('v1', { num_cpus: 1 })).toEqual({ ok: true });
    const before = stableView(await fixture.cluster.ray.getApplications());
    const live = (await fixture.cluster.ray.getApplication(APP))!.deployed_app_config!;
    const v1Package = String((live.runtime_env as Record<string, unknown>)['working_dir']);
    // A code change: another package.
    const serveApp = join(fixture.plugin.dir, 'serve_app.py');
    const source = await readFile(serveApp, 'utf8');
    await writeFile(serveApp, `${source}\n# v2\n`);
    try {
      expect(await deploy('v2', { num_cpus: 1 })).toEqual({ ok: true });
    } finally {
      await writeFile(serveApp, source);
    }
    expect(fixture.cluster.dev.control.dropPackage(v1Package.slice('gcs://'.length))).toBe(true);

    const recorder = await RunRecorder.start(store, 'v2', {
      mode: 'rollback',
      meta: {},
      steps: STEPS,
    });
    const action = new StepDeploy({ num_cpus: 1 }, runtimeFor(fixture.env, { journal: recorder }));
    const report = await action.rollbackJournaledRun(await state('v2'));
    await recorder.end('rolled-back');

    expect(report.failures).toEqual([]);
    expect(fixture.cluster.dev.control.packageNames()).toContain(v1Package.slice('gcs://'.length));
    expect(stableView(await fixture.cluster.ray.getApplications())).toEqual(before);
  });
});
