import { describe, expect, it } from '@jest/globals';

import type { JournalEntry, JournalEntryInput } from './journal-entry.js';
import { foldRun, stepsToRollBack } from './run-state.js';

/** Numbers and dates entries as a journal would. */
function journal(...inputs: JournalEntryInput[]): JournalEntry[] {
  return inputs.map((input, index) => ({
    seq: index + 1,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
    ...input,
  })) as JournalEntry[];
}

const steps = [
  { name: 'initialize', resumable: true },
  { name: 'deploy', resumable: true },
  { name: 'register', resumable: false },
];
const run = (mode: 'run' | 'resume' | 'rollback' = 'run'): JournalEntryInput => ({
  type: 'session',
  mode,
  host: 'h',
  pid: 7,
  meta: { action: 'deployment', mode },
  steps,
});
const ok = (data: Record<string, unknown>, rollbackData: Record<string, unknown> = {}) => ({
  success: true,
  data,
  rollbackData,
  skipped: false,
  timestamp: '2026-01-01T00:00:00.000Z',
});
const start = (step: string, index: number, attempt = 1): JournalEntryInput => ({
  type: 'step:start',
  step,
  index,
  attempt,
});
const end = (step: string, index: number, rollbackData: Record<string, unknown> = {}) =>
  ({
    type: 'step:end',
    step,
    index,
    result: ok({ step }, rollbackData),
    attempts: 1,
    durationMs: 5,
  }) as JournalEntryInput;
const writeAhead = (step: string, rollbackData: Record<string, unknown>): JournalEntryInput => ({
  type: 'step:write-ahead',
  step,
  kind: 'test/put',
  rollbackData,
});

describe(foldRun, () => {
  it('returns undefined for a journal without a session', () => {
    expect(foldRun({ runId: 'r', entries: [] })).toBeUndefined();
  });

  describe('a run killed while its second step waited', () => {
    const state = foldRun({
      runId: 'r',
      entries: journal(
        run(),
        start('initialize', 0),
        end('initialize', 0),
        start('deploy', 1),
        writeAhead('deploy', { previous: 'v1', applied: 'v2' }),
      ),
    })!;

    it('is unfinished, with each step where it stopped', () => {
      expect(state.status).toBe('unfinished');
      expect(state.steps.map((step) => [step.name, step.status])).toEqual([
        ['initialize', 'succeeded'],
        ['deploy', 'started'],
        ['register', 'pending'],
      ]);
    });

    it('gives the interrupted step the rollback data it wrote ahead', () => {
      expect(state.steps[1]?.rollbackData).toEqual({ previous: 'v1', applied: 'v2' });
      expect(state.steps[1]?.writeAheads).toHaveLength(1);
    });

    it('rolls back the newest step first, and only what ran', () => {
      expect(stepsToRollBack(state).map((step) => step.name)).toEqual(['deploy', 'initialize']);
    });
  });

  it('keeps the rollback data of an interrupted execution until a resumed one writes its own', () => {
    const entries = journal(
      run(),
      start('deploy', 1),
      writeAhead('deploy', { previous: 'v1' }),
      run('resume'),
      start('deploy', 1),
    );
    const state = foldRun({ runId: 'r', entries })!;
    expect(state.sessions.map((session) => session.mode)).toEqual(['run', 'resume']);
    expect(state.steps[1]?.rollbackData).toEqual({ previous: 'v1' });
    expect(state.steps[1]?.writeAheads).toEqual([]);
  });

  it('counts a failed run whose rollbacks all succeeded as failed, and clears what was undone', () => {
    const state = foldRun({
      runId: 'r',
      entries: journal(
        run(),
        start('deploy', 1),
        end('deploy', 1, { previous: 'v1' }),
        start('register', 2),
        {
          type: 'step:end',
          step: 'register',
          index: 2,
          result: { ...ok({}), success: false, error: 'backend said no' },
          attempts: 1,
          durationMs: 1,
        },
        { type: 'rollback:start', step: 'deploy' },
        { type: 'rollback:end', step: 'deploy', success: true },
        { type: 'end', outcome: 'failed', error: "Step 'register' failed: backend said no" },
      ),
    })!;
    expect(state.status).toBe('failed');
    expect(state.error).toBe("Step 'register' failed: backend said no");
    expect(state.steps[1]).toMatchObject({ status: 'rolled-back', rollbackData: {} });
    expect(stepsToRollBack(state).map((step) => step.name)).toEqual(['register']);
  });

  it('says rollback-failed when a rollback failed, whatever the session outcome', () => {
    const state = foldRun({
      runId: 'r',
      entries: journal(
        run(),
        start('deploy', 1),
        end('deploy', 1, { previous: 'v1' }),
        { type: 'rollback:start', step: 'deploy' },
        { type: 'rollback:end', step: 'deploy', success: false, error: 'timed out' },
        { type: 'end', outcome: 'cancelled' },
      ),
    })!;
    expect(state.status).toBe('rollback-failed');
    expect(state.steps[1]?.rollbackError).toBe('timed out');
  });

  it('marks a rollback cut short as rolling-back, still to roll back', () => {
    const state = foldRun({
      runId: 'r',
      entries: journal(
        run(),
        start('deploy', 1),
        end('deploy', 1, { previous: 'v1' }),
        run('rollback'),
        { type: 'rollback:start', step: 'deploy' },
      ),
    })!;
    expect(state.steps[1]?.status).toBe('rolling-back');
    expect(state.steps[1]?.rollbackData).toEqual({ previous: 'v1' });
    expect(stepsToRollBack(state).map((step) => step.name)).toEqual(['deploy']);
    // The meta stays the run's own, not the rollback session's.
    expect(state.meta).toEqual({ action: 'deployment', mode: 'run' });
  });

  it('is rolled-back once a rollback session ends so', () => {
    const state = foldRun({
      runId: 'r',
      entries: journal(
        run(),
        start('deploy', 1),
        end('deploy', 1, { previous: 'v1' }),
        run('rollback'),
        { type: 'rollback:start', step: 'deploy' },
        { type: 'rollback:end', step: 'deploy', success: true },
        { type: 'end', outcome: 'rolled-back' },
      ),
    })!;
    expect(state.status).toBe('rolled-back');
  });

  it('marks steps a resume reused, and counts attempts of the latest execution', () => {
    const state = foldRun({
      runId: 'r',
      entries: journal(
        run(),
        start('initialize', 0),
        end('initialize', 0),
        start('deploy', 1),
        start('deploy', 1, 2),
        run('resume'),
        { type: 'step:reuse', step: 'initialize', index: 0, fromSeq: 3 },
        start('deploy', 1),
      ),
    })!;
    expect(state.steps[0]).toMatchObject({ reused: true, status: 'succeeded', resultSeq: 3 });
    expect(state.steps[1]).toMatchObject({ attempts: 1, status: 'started', lastStartSeq: 8 });
  });
});
