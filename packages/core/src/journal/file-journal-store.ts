import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { JournalEntry, JournalEntryInput } from './journal-entry.js';
import { parseJournalLine } from './journal-entry.js';
import {
  isValidRunId,
  JournalUnreadableError,
  RunIdError,
  StateDirUnusableError,
} from './journal-error.js';
import type {
  BlobRef,
  BlobSource,
  JournalStore,
  RunJournal,
  RunRecord,
  StoredBlob,
  StoredRun,
} from './journal-store.js';
import { readRunLock, releaseRunLock, takeRunLock } from './run-lock.js';
import { syncDirectory } from './sync-directory.js';

const JOURNAL_SUFFIX = '.jsonl';
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The embedded {@link JournalStore}: one append-only JSON-lines file per run under
 * `<dir>/runs/` and content-addressed blobs under `<dir>/blobs/`. Every append is followed by
 * `fdatasync`, a new file or blob by an `fsync` of its directory, and a blob is written to a
 * temporary name and renamed into place, so a process killed at any moment leaves at worst a
 * partial last line, which readers skip and the next writer cuts off.
 *
 * Several processes may share the directory (one writer per run, enforced by a lock directory
 * per run); it may sit on a filesystem shared by several machines (see the README's Teams).
 */
export class FileJournalStore implements JournalStore {
  public readonly location: string;
  private readonly runsDir: string;
  private readonly blobsDir: string;
  private readonly aliasesDir: string;

  public constructor(dir: string) {
    this.location = dir;
    this.runsDir = join(dir, 'runs');
    this.blobsDir = join(dir, 'blobs');
    this.aliasesDir = join(this.blobsDir, 'aliases');
  }

  public async openRun(runId: string): Promise<RunJournal> {
    if (!isValidRunId(runId)) throw new RunIdError(runId, 'journal');
    const lockPath = this.lockPath(runId);
    try {
      await mkdir(this.runsDir, { recursive: true, mode: 0o700 });
      await takeRunLock(lockPath, runId);
    } catch (error) {
      throw isFileSystemError(error) ? new StateDirUnusableError(this.location, error) : error;
    }
    try {
      return await FileRunJournal.open(runId, this.journalPath(runId), this.runsDir, lockPath);
    } catch (error) {
      await releaseRunLock(lockPath);
      throw error;
    }
  }

  public async readRun(runId: string): Promise<RunRecord | undefined> {
    if (!isValidRunId(runId)) return undefined;
    let text: string;
    try {
      text = await readFile(this.journalPath(runId), 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw unreadable(this.journalPath(runId), error);
    }
    const { entries, damaged } = parseJournal(text);
    const owner = await readRunLock(this.lockPath(runId));
    return {
      runId,
      entries,
      ...(damaged === undefined ? {} : { damaged }),
      ...(owner === undefined ? {} : { owner }),
    };
  }

  public async listRuns(): Promise<StoredRun[]> {
    const names = await readdirOrEmpty(this.runsDir);
    const runs: StoredRun[] = [];
    for (const name of names) {
      if (!name.endsWith(JOURNAL_SUFFIX)) continue;
      const runId = name.slice(0, -JOURNAL_SUFFIX.length);
      try {
        const info = await stat(join(this.runsDir, name));
        runs.push({ runId, modifiedMs: info.mtimeMs, bytes: info.size });
      } catch (error) {
        if (!isNotFound(error)) throw error; // removed meanwhile by another process's retention
      }
    }
    return runs;
  }

  public async deleteRun(runId: string): Promise<void> {
    if (!isValidRunId(runId)) throw new RunIdError(runId, 'journal');
    try {
      await unlink(this.journalPath(runId));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  public async putBlob(source: BlobSource, alias?: string): Promise<BlobRef> {
    const ref = await this.storeBlob(source);
    if (alias !== undefined) await this.writeAlias(alias, ref.sha256);
    return ref;
  }

  public async findBlob(alias: string): Promise<BlobRef | undefined> {
    let sha256: unknown;
    try {
      sha256 = (JSON.parse(await readFile(this.aliasPath(alias), 'utf8')) as { sha256?: unknown })
        .sha256;
    } catch (error) {
      if (isNotFound(error) || error instanceof SyntaxError) return undefined;
      throw error;
    }
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return undefined;
    const bytes = await sizeOf(join(this.blobsDir, sha256));
    return bytes === undefined ? undefined : { sha256, bytes };
  }

  private async storeBlob(source: BlobSource): Promise<BlobRef> {
    await mkdir(this.blobsDir, { recursive: true, mode: 0o700 });
    const temp = join(this.blobsDir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      const ref = await writeTemp(temp, source);
      const target = join(this.blobsDir, ref.sha256);
      if ((await sizeOf(target)) === ref.bytes) {
        await unlink(temp);
        const now = new Date();
        await utimes(target, now, now); // renewed: retention spares recently stored blobs
        return ref;
      }
      await rename(temp, target);
      await syncDirectory(this.blobsDir);
      return ref;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  public async readBlob(sha256: string): Promise<Uint8Array | undefined> {
    if (!SHA256_HEX.test(sha256)) return undefined;
    const path = join(this.blobsDir, sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw unreadable(path, error);
    }
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
      throw new JournalUnreadableError(`blob ${path} does not hold the bytes it is named after`, {
        hint: 'the file was changed or damaged; delete it (a later deploy stores it again)',
      });
    }
    return bytes;
  }

  public async listBlobs(): Promise<StoredBlob[]> {
    const blobs: StoredBlob[] = [];
    for (const name of await readdirOrEmpty(this.blobsDir)) {
      if (!SHA256_HEX.test(name)) continue;
      try {
        const info = await stat(join(this.blobsDir, name));
        blobs.push({ sha256: name, bytes: info.size, modifiedMs: info.mtimeMs });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return blobs;
  }

  public async deleteBlob(sha256: string): Promise<void> {
    if (!SHA256_HEX.test(sha256)) return;
    await rm(join(this.blobsDir, sha256), { force: true });
    for (const name of await readdirOrEmpty(this.aliasesDir)) {
      const path = join(this.aliasesDir, name);
      try {
        if ((JSON.parse(await readFile(path, 'utf8')) as { sha256?: unknown }).sha256 === sha256) {
          await rm(path, { force: true });
        }
      } catch (error) {
        if (!isNotFound(error) && !(error instanceof SyntaxError)) throw error;
      }
    }
  }

  /** Points `alias` at a blob: a small file named after the alias's hash, renamed into place. */
  private async writeAlias(alias: string, sha256: string): Promise<void> {
    await mkdir(this.aliasesDir, { recursive: true, mode: 0o700 });
    const temp = join(this.aliasesDir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify({ alias, sha256 }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.aliasPath(alias));
    await syncDirectory(this.aliasesDir);
  }

  private aliasPath(alias: string): string {
    return join(this.aliasesDir, createHash('sha256').update(alias).digest('hex'));
  }

  /**
   * Removes what killed writers left behind — temporary blob files and half-made lock
   * directories — once older than `olderThanMs`.
   */
  public async removeStaleTemporaries(olderThanMs: number, nowMs = Date.now()): Promise<number> {
    let removed = 0;
    for (const dir of [this.blobsDir, this.aliasesDir, this.runsDir]) {
      for (const name of await readdirOrEmpty(dir)) {
        if (!name.includes('.tmp-') && !name.includes('.stale-')) continue;
        const path = join(dir, name);
        try {
          if (nowMs - (await stat(path)).mtimeMs < olderThanMs) continue;
          await rm(path, { recursive: true, force: true });
          removed++;
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
    }
    return removed;
  }

  private journalPath(runId: string): string {
    return join(this.runsDir, `${runId}${JOURNAL_SUFFIX}`);
  }

  private lockPath(runId: string): string {
    return join(this.runsDir, `${runId}.lock`);
  }
}

/** An open run journal file. */
class FileRunJournal implements RunJournal {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    public readonly runId: string,
    private readonly handle: FileHandle,
    private readonly lockPath: string,
    private nextSeq: number,
  ) {}

  public static async open(
    runId: string,
    path: string,
    dir: string,
    lockPath: string,
  ): Promise<FileRunJournal> {
    const handle = await open(path, 'a+', 0o600);
    try {
      const text = (await handle.readFile()).toString('utf8');
      const { entries, damaged, completeBytes } = parseJournal(text);
      if (damaged && !damaged.torn) {
        throw new JournalUnreadableError(
          `journal ${path} is damaged at line ${damaged.line} (${damaged.reason})`,
          { hint: 'move the file away to start the run afresh; its other lines stay readable' },
        );
      }
      // A write cut short by a crash left a partial line: cut it off before appending.
      if (completeBytes < Buffer.byteLength(text)) await handle.truncate(completeBytes);
      if (text.length === 0) await syncDirectory(dir);
      return new FileRunJournal(runId, handle, lockPath, (entries.at(-1)?.seq ?? 0) + 1);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  public append(entry: JournalEntryInput): Promise<JournalEntry> {
    const run = this.queue.then(() => this.write(entry));
    this.queue = run.catch(() => undefined);
    return run;
  }

  public async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.handle.close();
    await releaseRunLock(this.lockPath);
  }

  private async write(input: JournalEntryInput): Promise<JournalEntry> {
    if (this.closed) throw new Error(`the journal of run '${this.runId}' is closed`);
    const entry = { seq: this.nextSeq, at: new Date().toISOString(), ...input } as JournalEntry;
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    let offset = 0;
    while (offset < line.length) {
      const { bytesWritten } = await this.handle.write(line, offset, line.length - offset);
      offset += bytesWritten;
    }
    await this.handle.datasync();
    this.nextSeq++;
    return entry;
  }
}

interface ParsedJournal {
  entries: JournalEntry[];
  damaged?: { line: number; reason: string; torn: boolean } | undefined;
  /** Bytes up to the end of the last complete line. */
  completeBytes: number;
}

/** Reads journal text; stops at the first line that is not an entry in sequence. */
function parseJournal(text: string): ParsedJournal {
  const entries: JournalEntry[] = [];
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n');
  lines.pop(); // the empty string after the last newline
  for (let i = 0; i < lines.length; i++) {
    const entry = parseJournalLine(lines[i]!);
    const expected = entries.length + 1;
    if (entry === undefined || entry.seq !== expected) {
      const reason =
        entry === undefined
          ? 'not a journal entry'
          : `entry ${entry.seq} where ${expected} was expected`;
      return { entries, damaged: { line: i + 1, reason, torn: false }, completeBytes: end };
    }
    entries.push(entry);
  }
  const damaged =
    end < text.length
      ? {
          line: lines.length + 1,
          reason: 'incomplete last line (a write was interrupted)',
          torn: true,
        }
      : undefined;
  return { entries, damaged, completeBytes: Buffer.byteLength(text.slice(0, end)) };
}

async function writeTemp(temp: string, source: BlobSource): Promise<BlobRef> {
  const hash = createHash('sha256');
  let bytes = 0;
  if (source instanceof Uint8Array) {
    hash.update(source);
    bytes = source.byteLength;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(source);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } else {
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(
      createReadStream(source.path),
      tap,
      createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
    );
    const handle = await open(temp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function isFileSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code === 'ENOSPC' ||
    code === 'ENOTDIR' ||
    code === 'EEXIST'
  );
}

function unreadable(path: string, error: unknown): JournalUnreadableError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  return new JournalUnreadableError(`cannot read ${path} (${code})`, {
    hint: 'check the permissions of the state directory (SYNAPSE_STATE_DIR)',
    cause: error,
  });
}
