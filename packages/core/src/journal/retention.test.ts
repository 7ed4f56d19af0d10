import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { ConfigError } from '../errors/errors.js';
import { FileJournalStore } from './file-journal-store.js';
import { DEFAULT_RETENTION, pruneJournal, retentionFromEnv } from './retention.js';

const DAY = 86_400_000;

describe(pruneJournal, () => {
  let dir: string;
  let store: FileJournalStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-retention-'));
    store = new FileJournalStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A run that ended (or not), naming `blob` in its rollback data. */
  async function writeRun(runId: string, options: { ended: boolean; blob?: string }) {
    const journal = await store.openRun(runId);
    await journal.append({ type: 'session', mode: 'run', host: 'h', pid: 1, meta: {}, steps: [] });
    await journal.append({
      type: 'step:write-ahead',
      step: 'deploy',
      kind: 'test/package',
      rollbackData: options.blob ? { packageSha256: options.blob } : {},
    });
    if (options.ended) await journal.append({ type: 'end', outcome: 'succeeded' });
    await journal.close();
  }

  it('keeps the newest runs, removes the others and the blobs only they named', async () => {
    const old = await store.putBlob(new TextEncoder().encode('old package'));
    const shared = await store.putBlob(new TextEncoder().encode('shared package'));
    await writeRun('r1', { ended: true, blob: old.sha256 });
    await writeRun('r2', { ended: true, blob: shared.sha256 });
    await writeRun('r3', { ended: true, blob: shared.sha256 });
    const later = Date.now() + 2 * 3_600_000; // past the grace period of fresh blobs

    const report = await pruneJournal(store, { keepRuns: 2 }, { nowMs: later });

    expect(report.runsRemoved).toEqual(['r1']);
    expect(report.blobsRemoved).toBe(1);
    expect((await store.listRuns()).map((run) => run.runId).sort()).toEqual(['r2', 'r3']);
    expect((await store.listBlobs()).map((blob) => blob.sha256)).toEqual([shared.sha256]);
  });

  it('spares a blob stored within the hour, which a run in progress may not have named yet', async () => {
    await store.putBlob(new TextEncoder().encode('just uploaded'));
    const report = await pruneJournal(store, { keepRuns: 1 });
    expect(report.blobsRemoved).toBe(0);
  });

  it('removes runs last written more than keepDays ago, but never one that may still need a rollback', async () => {
    await writeRun('ended', { ended: true });
    await writeRun('killed', { ended: false });
    const report = await pruneJournal(
      store,
      { keepRuns: 100, keepDays: 1 },
      { nowMs: Date.now() + 5 * DAY },
    );

    expect(report.runsRemoved).toEqual(['ended']);
    expect((await store.listRuns()).map((run) => run.runId)).toEqual(['killed']);
  });

  it('never removes a run it is told to keep, or one a live process holds', async () => {
    await writeRun('a', { ended: true });
    await writeRun('b', { ended: true });
    const held = await store.openRun('a');
    const report = await pruneJournal(store, { keepRuns: 1 }, { keep: new Set(['b']) });
    await held.close();
    expect(report.runsRemoved).toEqual([]);
  });
});

describe(retentionFromEnv, () => {
  it('reads SYNAPSE_STATE_KEEP_RUNS and SYNAPSE_STATE_KEEP_DAYS', () => {
    expect(
      retentionFromEnv({ SYNAPSE_STATE_KEEP_RUNS: '5', SYNAPSE_STATE_KEEP_DAYS: '30' }),
    ).toEqual({ keepRuns: 5, keepDays: 30 });
    expect(retentionFromEnv({})).toEqual(DEFAULT_RETENTION);
  });

  it('names the variable and the value it refuses', () => {
    expect(() => retentionFromEnv({ SYNAPSE_STATE_KEEP_RUNS: 'ten' })).toThrow(ConfigError);
    expect(() => retentionFromEnv({ SYNAPSE_STATE_KEEP_DAYS: '0' })).toThrow(
      "SYNAPSE_STATE_KEEP_DAYS: must be a whole number of at least 1, not '0'",
    );
  });
});
