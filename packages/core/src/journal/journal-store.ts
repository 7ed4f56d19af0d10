import type { JournalEntry, JournalEntryInput } from './journal-entry.js';
import type { RunOwner } from './journal-error.js';

/** A run's journal opened for writing. Appends are ordered and durable when they resolve. */
export interface RunJournal {
  readonly runId: string;
  /**
   * Numbers, dates and appends `entry`; resolves once it is on stable storage, so that a
   * process killed right after still finds it.
   */
  append(entry: JournalEntryInput): Promise<JournalEntry>;
  /** Releases the journal and the run's lock; later appends fail. */
  close(): Promise<void>;
}

/** What a run's journal reads as. */
export interface RunRecord {
  runId: string;
  entries: JournalEntry[];
  /**
   * Set when a line could not be read: `torn` when it is a partial last line (a write cut short
   * by a crash; the next writer cuts it off), else the journal stops being readable there.
   */
  damaged?: { line: number; reason: string; torn: boolean } | undefined;
  /** The process that holds the run now, if one does (it may have died without letting go). */
  owner?: RunOwner | undefined;
}

/** A run the store holds, as listed without reading it. */
export interface StoredRun {
  runId: string;
  /** Last change, in ms since the epoch. */
  modifiedMs: number;
  bytes: number;
}

/** Bytes kept in the store under their SHA-256. */
export interface BlobRef {
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  bytes: number;
}

/** A blob as listed: its ref and when it was last stored. */
export interface StoredBlob extends BlobRef {
  /** Last time it was stored (storing existing bytes again renews it), ms since the epoch. */
  modifiedMs: number;
}

/** What {@link JournalStore.putBlob} stores: bytes, or a file's content. */
export type BlobSource = Uint8Array | { path: string };

/**
 * Where run journals and the bytes they refer to are kept. The embedded default is
 * {@link FileJournalStore} (one append-only file per run under the state directory); another
 * store (a database, a service shared by a team) implements this interface.
 */
export interface JournalStore {
  /** A description for messages, e.g. the directory. */
  readonly location: string;
  /**
   * Takes run `runId` for this process and opens its journal for appending, creating it when
   * new. One process at a time holds a run: a process that died holding it on this host is
   * taken over.
   * @throws RunLockedError when a live process (or one on another host) holds it
   * @throws RunIdError when `runId` cannot name a journal
   */
  openRun(runId: string): Promise<RunJournal>;
  /** The journal of run `runId`, or undefined when the store has none. */
  readRun(runId: string): Promise<RunRecord | undefined>;
  /** Every run the store holds, in no particular order. */
  listRuns(): Promise<StoredRun[]>;
  /** Removes run `runId`'s journal (retention). */
  deleteRun(runId: string): Promise<void>;
  /**
   * Stores bytes under their SHA-256, once: storing the same bytes again only renews their
   * modification time. With `alias` (e.g. the package URI the bytes were uploaded as), they can
   * be found by it later. Resolves once they are on stable storage.
   */
  putBlob(source: BlobSource, alias?: string): Promise<BlobRef>;
  /** The blob last stored under `alias`, when it is still held. */
  findBlob(alias: string): Promise<BlobRef | undefined>;
  /** The bytes stored under `sha256`, or undefined. */
  readBlob(sha256: string): Promise<Uint8Array | undefined>;
  /** Every blob the store holds. */
  listBlobs(): Promise<StoredBlob[]>;
  /** Removes a blob and its aliases (retention). */
  deleteBlob(sha256: string): Promise<void>;
}
