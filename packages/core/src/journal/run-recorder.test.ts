import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { stepFailure, stepSuccess } from '../steps/step-result.js';
import { FileJournalStore } from './file-journal-store.js';
import { RunRecorder } from './run-recorder.js';
import type { RunState } from './run-state.js';
import { foldRun } from './run-state.js';

const steps = [
  { name: 'train', resumable: true },
  { name: 'deploy', resumable: true },
];

describe(RunRecorder, () => {
  let dir: string;
  let store: FileJournalStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-recorder-'));
    store = new FileJournalStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function state(runId: string): Promise<RunState> {
    return foldRun((await store.readRun(runId))!)!;
  }

  it('records a session that the journal folds back into the run', async () => {
    const recorder = await RunRecorder.start(store, 'r1', { mode: 'run', meta: { a: 1 }, steps });
    await recorder.stepStarted('train', 0, 1);
    await recorder.stepEnded(
      'train',
      0,
      stepSuccess({ model: 's3://m', at: new Date(0), big: 10n }),
      1,
      40,
    );
    await recorder.stepStarted('deploy', 1, 1);
    await recorder.writeAhead('deploy', 'test/put', { previous: 'v1' }, { target: 'v2' });
    await recorder.stepEnded('deploy', 1, stepFailure('boom', { previous: 'v1' }), 1, 5);
    await recorder.rollbackStarted('deploy');
    await recorder.rollbackEnded('deploy');
    await recorder.end('failed', "Step 'deploy' failed: boom");

    const run = await state('r1');
    expect(run).toMatchObject({ status: 'failed', meta: { a: 1 } });
    expect(run.owner).toBeUndefined();
    expect(run.sessions[0]).toMatchObject({ mode: 'run', pid: process.pid });
    expect(run.steps[0]?.result?.data).toEqual({
      model: 's3://m',
      at: '1970-01-01T00:00:00.000Z',
      big: '10',
    });
    expect(run.steps[1]).toMatchObject({ status: 'rolled-back', rollbackData: {} });
    expect(run.steps[1]?.writeAheads).toEqual([
      expect.objectContaining({ kind: 'test/put', detail: { target: 'v2' } }),
    ]);
  });

  it('hands a resume the journaled results to reuse and the rollback data of an interrupted step', async () => {
    const first = await RunRecorder.start(store, 'r2', { mode: 'run', meta: {}, steps });
    await first.stepStarted('train', 0, 1);
    await first.stepEnded('train', 0, stepSuccess({ model: 's3://m' }), 1, 40);
    await first.stepStarted('deploy', 1, 1);
    await first.writeAhead('deploy', 'test/put', { previous: 'v1' });
    await first.close(); // as if killed: no end

    const resume = await RunRecorder.start(store, 'r2', {
      mode: 'resume',
      meta: {},
      steps,
      resumeFrom: await state('r2'),
    });
    const reused = resume.reusedResult('train');
    expect(reused).toMatchObject({ success: true, data: { model: 's3://m' } });
    expect(reused?.timestamp).toBeInstanceOf(Date);
    expect(resume.reusedResult('deploy')).toBeUndefined();
    expect(resume.priorRollbackData('deploy')).toEqual({ previous: 'v1' });
    await resume.stepReused('train', 0);
    await resume.end('succeeded');

    const run = await state('r2');
    expect(run.steps[0]).toMatchObject({ reused: true, resultSeq: 3 });
  });
});
