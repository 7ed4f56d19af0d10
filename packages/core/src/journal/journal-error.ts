import type { SynapseErrorOptions } from '../errors/synapse-error.js';
import { SynapseError } from '../errors/synapse-error.js';

/** Who holds a run's journal open: a process on some host. */
export interface RunOwner {
  host: string;
  pid: number;
  /** When it took the run, ISO text. */
  since: string;
}

/** The journal store has no run of that id. */
export class RunNotFoundError extends SynapseError {
  public readonly runId: string;

  public constructor(runId: string, location: string, options: SynapseErrorOptions = {}) {
    super('RUN_NOT_FOUND', `no run '${runId}' in ${location}`, {
      hint: "list the runs with 'synapse runs list' (SYNAPSE_STATE_DIR selects the state directory)",
      ...options,
    });
    this.runId = runId;
  }
}

/** Another live process holds the run (it is still running, or being resumed or rolled back). */
export class RunLockedError extends SynapseError {
  public readonly runId: string;
  public readonly owner: RunOwner;

  public constructor(runId: string, owner: RunOwner, lockPath: string) {
    super(
      'RUN_LOCKED',
      `run '${runId}' is held by process ${owner.pid} on ${owner.host} since ${owner.since}`,
      {
        hint: `wait for it to end; if that process is gone (another host cannot be checked from here), remove ${lockPath}`,
      },
    );
    this.runId = runId;
    this.owner = owner;
  }
}

/** A run id that cannot name a journal (see {@link isValidRunId}). */
export class RunIdError extends SynapseError {
  public constructor(runId: string, source: string) {
    super(
      'RUN_ID_INVALID',
      `run id '${runId}' (${source}) cannot name a journal: it must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      { hint: 'choose another SYNAPSE_RUN_ID, or leave it unset for a random one' },
    );
  }
}

/** The store could not be read or written (permissions, a full disk, a damaged file). */
export class JournalUnreadableError extends SynapseError {
  public constructor(message: string, options: SynapseErrorOptions = {}) {
    super('JOURNAL_UNREADABLE', message, options);
  }
}

/**
 * The state directory cannot be written (permissions, a read-only or full filesystem): found
 * when a run is taken, before anything was sent.
 */
export class StateDirUnusableError extends SynapseError {
  public constructor(dir: string, error: unknown) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    super('STATE_DIR_UNUSABLE', `cannot write the state directory ${dir} (${code})`, {
      hint: 'make it writable, set SYNAPSE_STATE_DIR to a folder you can write, or run with --no-journal',
      cause: error,
    });
  }
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `runId` can name a journal file on every platform. */
export function isValidRunId(runId: string): boolean {
  return RUN_ID.test(runId) && !runId.endsWith('.') && !runId.includes('..');
}

/**
 * A rollback of a journaled run (`synapse runs rollback`) left some step not undone; the
 * journal keeps it, so running the rollback again retries what failed.
 */
export class RollbackIncompleteError extends SynapseError {
  public readonly runId: string;
  /** One message per rollback that failed. */
  public readonly rollbackErrors: readonly string[];

  public constructor(runId: string, rollbackErrors: readonly string[]) {
    super(
      'ROLLBACK_INCOMPLETE',
      `the rollback of run '${runId}' did not finish: ${rollbackErrors.join('; ')}`,
      { hint: `fix the cause, then run 'synapse runs rollback ${runId}' again` },
    );
    this.runId = runId;
    this.rollbackErrors = rollbackErrors;
  }
}
