import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { FileJournalStore } from './file-journal-store.js';
import type { JournalEntryInput } from './journal-entry.js';
import { RunIdError, RunLockedError, StateDirUnusableError } from './journal-error.js';

const CHILD = join(
  dirname(fileURLToPath(import.meta.url)),
  '../test-support/journal-writer-child.mjs',
);

const session: JournalEntryInput = {
  type: 'session',
  mode: 'run',
  host: 'test-host',
  pid: 1,
  meta: { action: 'deployment' },
  steps: [{ name: 'deploy', resumable: true }],
};

/** Starts the writer child, waits until it has acknowledged `after` lines, then SIGKILLs it. */
async function killWriterMidWrite(
  dir: string,
  mode: 'entries' | 'blobs',
  after: number,
): Promise<string[]> {
  const child = spawn(process.execPath, [CHILD, dir, mode, 'killed-run'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').length > after) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('close', (code) => reject(new Error(`writer exited with ${code}: ${err}`)));
  });
  await closed;
  return out.split('\n').filter((line) => line !== '');
}

describe('FileJournalStore', () => {
  let dir: string;
  let store: FileJournalStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-journal-'));
    store = new FileJournalStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('a run journal', () => {
    it('numbers entries from 1, dates them, and reads them back in order', async () => {
      const journal = await store.openRun('run-1');
      await journal.append(session);
      await journal.append({ type: 'step:start', step: 'deploy', index: 0, attempt: 1 });
      await journal.close();

      const record = await store.readRun('run-1');
      expect(record?.entries.map((entry) => [entry.seq, entry.type])).toEqual([
        [1, 'session'],
        [2, 'step:start'],
      ]);
      expect(Number.isNaN(Date.parse(record!.entries[0]!.at))).toBe(false);
      expect(record?.damaged).toBeUndefined();
      expect(record?.owner).toBeUndefined();
    });

    it('refuses a state directory it cannot write, naming it and what to do', async () => {
      // A file where the directory should be: refused even for root, who ignores permissions.
      const blocked = join(dir, 'not-a-dir');
      await writeFile(blocked, '');
      const error = await new FileJournalStore(blocked).openRun('run-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateDirUnusableError);
      expect([(error as StateDirUnusableError).code, (error as Error).message]).toEqual([
        'STATE_DIR_UNUSABLE',
        `cannot write the state directory ${blocked} (ENOTDIR)`,
      ]);
      expect((error as StateDirUnusableError).hint).toBe(
        'make it writable, set SYNAPSE_STATE_DIR to a folder you can write, or run with --no-journal',
      );
    });

    it('keeps appends ordered when they are not awaited one by one', async () => {
      const journal = await store.openRun('run-1');
      await Promise.all(
        [0, 1, 2, 3, 4].map((index) =>
          journal.append({ type: 'step:skip', step: `s${index}`, index }),
        ),
      );
      await journal.close();
      const record = await store.readRun('run-1');
      expect(record?.entries.map((entry) => (entry as { step: string }).step)).toEqual([
        's0',
        's1',
        's2',
        's3',
        's4',
      ]);
    });

    it('continues the numbering when the run is opened again', async () => {
      const first = await store.openRun('run-1');
      await first.append(session);
      await first.close();
      const second = await store.openRun('run-1');
      const entry = await second.append({ ...session, mode: 'resume' } as JournalEntryInput);
      await second.close();
      expect(entry.seq).toBe(2);
    });

    it('is held by one process at a time and tells who holds it', async () => {
      const journal = await store.openRun('run-1');
      await expect(store.openRun('run-1')).rejects.toThrow(RunLockedError);
      const record = await store.readRun('run-1');
      expect(record?.owner?.pid).toBe(process.pid);
      await journal.close();
      await (await store.openRun('run-1')).close();
    });

    it('refuses a run id that cannot name a file', async () => {
      await expect(store.openRun('../escape')).rejects.toThrow(RunIdError);
      await expect(store.openRun('')).rejects.toThrow(RunIdError);
      expect(await store.readRun('../escape')).toBeUndefined();
    });

    it('lists the runs it holds and deletes one', async () => {
      for (const id of ['a', 'b']) {
        const journal = await store.openRun(id);
        await journal.append(session);
        await journal.close();
      }
      expect((await store.listRuns()).map((run) => run.runId).sort()).toEqual(['a', 'b']);
      await store.deleteRun('a');
      expect((await store.listRuns()).map((run) => run.runId)).toEqual(['b']);
    });

    it('reports a line in the middle that is not an entry, and refuses to append after it', async () => {
      const journal = await store.openRun('run-1');
      await journal.append(session);
      await journal.close();
      const path = join(dir, 'runs', 'run-1.jsonl');
      await writeFile(path, `${await readFile(path, 'utf8')}garbage\n{"seq":3}\n`);

      const record = await store.readRun('run-1');
      expect(record?.entries).toHaveLength(1);
      expect(record?.damaged).toEqual({ line: 2, reason: 'not a journal entry', torn: false });
      await expect(store.openRun('run-1')).rejects.toThrow(/damaged at line 2/);
    });
  });

  it('reports a partial last line, and cuts it off before the next append', async () => {
    const journal = await store.openRun('run-1');
    await journal.append(session);
    await journal.close();
    const path = join(dir, 'runs', 'run-1.jsonl');
    const whole = await readFile(path, 'utf8');
    await writeFile(path, `${whole}{"seq":2,"at":"2026-01-01T00:00:00.000Z","type":"step:st`);

    expect((await store.readRun('run-1'))?.damaged).toEqual({
      line: 2,
      reason: 'incomplete last line (a write was interrupted)',
      torn: true,
    });
    const reopened = await store.openRun('run-1');
    await reopened.append({ type: 'step:start', step: 'deploy', index: 0, attempt: 1 });
    await reopened.close();
    const record = await store.readRun('run-1');
    expect(record?.damaged).toBeUndefined();
    expect(record?.entries.map((entry) => entry.type)).toEqual(['session', 'step:start']);
  });

  describe('killed with SIGKILL in the middle of a write', () => {
    it('keeps every acknowledged entry, skips the partial line, and appends after it on reopen', async () => {
      const acknowledged = await killWriterMidWrite(dir, 'entries', 40);
      const last = Number(acknowledged.at(-1));

      const record = await store.readRun('killed-run');
      const seqs = record!.entries.map((entry) => entry.seq);
      expect(seqs.length).toBeGreaterThanOrEqual(last);
      expect(seqs).toEqual(seqs.map((_, index) => index + 1));
      // The killed writer's lock is left behind; a live process of this host takes it over.
      expect(record?.owner?.pid).not.toBe(process.pid);

      const journal = await store.openRun('killed-run');
      const next = await journal.append({ type: 'end', outcome: 'failed' });
      await journal.close();
      expect(next.seq).toBe(seqs.length + 1);
      const reread = await store.readRun('killed-run');
      expect(reread?.damaged).toBeUndefined();
      expect(reread?.entries.at(-1)).toMatchObject({ type: 'end', seq: seqs.length + 1 });
    });

    it('never leaves a blob under a name its bytes do not hash to', async () => {
      const acknowledged = await killWriterMidWrite(dir, 'blobs', 10);
      const blobs = await store.listBlobs();
      expect(blobs.map((blob) => blob.sha256)).toEqual(expect.arrayContaining(acknowledged));
      for (const blob of blobs) {
        const bytes = await readFile(join(dir, 'blobs', blob.sha256));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(blob.sha256);
      }
      await store.removeStaleTemporaries(0);
      expect((await readdir(join(dir, 'blobs'))).filter((name) => name.startsWith('.'))).toEqual(
        [],
      );
    });
  });

  describe('blobs', () => {
    it('stores bytes and files under their SHA-256, once', async () => {
      const bytes = new TextEncoder().encode('package bytes');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const first = await store.putBlob(bytes);
      const file = join(dir, 'pkg.zip');
      await writeFile(file, bytes);
      const second = await store.putBlob({ path: file });

      expect(first).toEqual({ sha256, bytes: bytes.byteLength });
      expect(second).toEqual(first);
      expect(await store.listBlobs()).toEqual([
        { sha256, bytes: bytes.byteLength, modifiedMs: expect.any(Number) },
      ]);
      expect(Buffer.from((await store.readBlob(sha256))!).toString()).toBe('package bytes');
      expect(await store.readBlob('0'.repeat(64))).toBeUndefined();
    });

    it('finds a blob by the alias it was stored under, until the blob is removed', async () => {
      const bytes = new TextEncoder().encode('zip');
      const ref = await store.putBlob(bytes, 'gcs://_ray_pkg_abc.zip');
      expect(await store.findBlob('gcs://_ray_pkg_abc.zip')).toEqual(ref);
      expect(await store.findBlob('gcs://_ray_pkg_other.zip')).toBeUndefined();
      await store.deleteBlob(ref.sha256);
      expect(await store.findBlob('gcs://_ray_pkg_abc.zip')).toBeUndefined();
      expect(await readdir(join(dir, 'blobs', 'aliases'))).toEqual([]);
    });

    it('refuses to return bytes that no longer match their name', async () => {
      const { sha256 } = await store.putBlob(new TextEncoder().encode('original'));
      await writeFile(join(dir, 'blobs', sha256), 'changed');
      await expect(store.readBlob(sha256)).rejects.toThrow(/does not hold the bytes/);
    });
  });
});
