import { ConfigError } from '../errors/errors.js';
import type { JournalStore } from './journal-store.js';
import type { RunState } from './run-state.js';
import { foldRun } from './run-state.js';

/** How many runs the journal keeps. */
export interface RetentionPolicy {
  /** The newest runs kept; older ones are removed. @default 100 */
  keepRuns: number;
  /** Runs older than this many days are removed, however few there are. @default none */
  keepDays?: number | undefined;
}

// A blob is stored before the journal line that names it is written: a younger one may belong
// to a run in progress in another process, so it is spared.
const BLOB_GRACE_MS = 3_600_000;

/** 100 runs, whatever their age. */
export const DEFAULT_RETENTION: RetentionPolicy = { keepRuns: 100 };

/**
 * The retention policy of `SYNAPSE_STATE_KEEP_RUNS` and `SYNAPSE_STATE_KEEP_DAYS`, else
 * {@link DEFAULT_RETENTION}.
 * @throws ConfigError when one is not a whole number (at least 1)
 */
export function retentionFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): RetentionPolicy {
  const keepRuns = positiveInt(env, 'SYNAPSE_STATE_KEEP_RUNS') ?? DEFAULT_RETENTION.keepRuns;
  const keepDays = positiveInt(env, 'SYNAPSE_STATE_KEEP_DAYS');
  return keepDays === undefined ? { keepRuns } : { keepRuns, keepDays };
}

/** What {@link pruneJournal} removed. */
export interface PruneReport {
  runsRemoved: string[];
  blobsRemoved: number;
  bytesFreed: number;
}

/** Options of {@link pruneJournal}. */
export interface PruneOptions {
  /** @default Date.now() */
  nowMs?: number | undefined;
  /** Runs never removed, e.g. the one just written. */
  keep?: ReadonlySet<string> | undefined;
}

/**
 * Applies `policy`: removes the runs beyond the newest `keepRuns` or older than `keepDays`,
 * then every blob no kept run's journal names (unless stored within the last hour). Runs that may still need a rollback — unfinished
 * (running, or killed) or whose rollback failed — are never removed, nor a run a live process
 * holds. Safe to run from several processes at once.
 */
export async function pruneJournal(
  store: JournalStore,
  policy: RetentionPolicy,
  options: PruneOptions = {},
): Promise<PruneReport> {
  const nowMs = options.nowMs ?? Date.now();
  const runs: { state: RunState | undefined; runId: string; text: string; bytes: number }[] = [];
  for (const stored of await store.listRuns()) {
    const record = await store.readRun(stored.runId);
    if (!record) continue;
    runs.push({
      runId: stored.runId,
      state: foldRun(record),
      text: JSON.stringify(record.entries),
      bytes: stored.bytes,
    });
  }
  runs.sort((a, b) => (b.state?.startedAt ?? '').localeCompare(a.state?.startedAt ?? ''));

  const cutoff = policy.keepDays === undefined ? undefined : nowMs - policy.keepDays * 86_400_000;
  const report: PruneReport = { runsRemoved: [], blobsRemoved: 0, bytesFreed: 0 };
  const kept: string[] = [];
  runs.forEach((run, index) => {
    const tooMany = index >= policy.keepRuns;
    const tooOld = cutoff !== undefined && Date.parse(run.state?.updatedAt ?? '') < cutoff;
    if ((tooMany || tooOld) && removable(run.state, run.runId, options.keep)) {
      report.runsRemoved.push(run.runId);
      report.bytesFreed += run.bytes;
    } else {
      kept.push(run.text);
    }
  });
  for (const runId of report.runsRemoved) await store.deleteRun(runId);

  const named = new Set(kept.join('\n').match(/[0-9a-f]{64}/g) ?? []);
  for (const blob of await store.listBlobs()) {
    if (named.has(blob.sha256) || nowMs - blob.modifiedMs < BLOB_GRACE_MS) continue;
    await store.deleteBlob(blob.sha256);
    report.blobsRemoved++;
    report.bytesFreed += blob.bytes;
  }
  return report;
}

function removable(
  state: RunState | undefined,
  runId: string,
  keep: ReadonlySet<string> | undefined,
): boolean {
  if (keep?.has(runId)) return false;
  if (!state) return false; // nothing to read yet: its writer may be starting
  if (state.owner) return false;
  return state.status !== 'unfinished' && state.status !== 'rollback-failed';
}

function positiveInt(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(name, `must be a whole number of at least 1, not '${raw}'`, [], {
      hint: `set ${name} to a number such as 100, or unset it for the default`,
    });
  }
  return value;
}
