import type {
  JournaledResult,
  SessionEntry,
  SessionOutcome,
  WriteAheadEntry,
} from './journal-entry.js';
import type { RunOwner } from './journal-error.js';
import type { RunRecord } from './journal-store.js';

/** Where a step stands, as its journal tells it. */
export type StepStatus =
  | 'pending'
  /** Began and did not end: running now, or its process died. */
  | 'started'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  /** Its rollback began and did not end. */
  | 'rolling-back'
  | 'rolled-back'
  | 'rollback-failed';

/** A step of a run, folded from its journal entries. */
export interface StepState {
  name: string;
  /** Whether an interrupted run may re-enter it (see `BaseStep.resumable`). */
  resumable: boolean;
  status: StepStatus;
  /** Attempts of its latest execution. */
  attempts: number;
  startedAt?: string | undefined;
  endedAt?: string | undefined;
  /** Its latest result, once it ended. */
  result?: JournaledResult | undefined;
  /** Sequence number of the entry holding `result` (what a resume reuses). */
  resultSeq?: number | undefined;
  /** What its rollback needs: the latest of its result's or write-ahead's rollback data. */
  rollbackData: Record<string, unknown>;
  /** The write-ahead entries of its latest execution, oldest first. */
  writeAheads: (WriteAheadEntry & { seq: number; at: string })[];
  /** The error of its latest rollback, when that failed. */
  rollbackError?: string | undefined;
  /** True when the latest session took its result from the journal instead of running it. */
  reused: boolean;
  /** Sequence number of its latest start: rollbacks run from the highest down. */
  lastStartSeq: number;
}

/** How a run stands as a whole. */
export type RunStatus =
  | 'succeeded'
  /** Failed; what ran was rolled back. */
  | 'failed'
  /** Cancelled; what ran was rolled back. */
  | 'cancelled'
  /** Undone by `synapse runs rollback`. */
  | 'rolled-back'
  /** A rollback failed: the cluster may not be as it was. */
  | 'rollback-failed'
  /** Its latest session has no end: it is running, or its process died (see {@link RunState.owner}). */
  | 'unfinished';

/** One process's part of a run. */
export interface SessionState {
  mode: SessionEntry['mode'];
  host: string;
  pid: number;
  user?: string | undefined;
  startedAt: string;
  endedAt?: string | undefined;
  outcome?: SessionOutcome | undefined;
  error?: string | undefined;
}

/** A run as its journal tells it. */
export interface RunState {
  runId: string;
  status: RunStatus;
  /** What the run is (the meta of its latest `run` session). */
  meta: Record<string, unknown>;
  startedAt: string;
  updatedAt: string;
  sessions: SessionState[];
  /** The steps: the latest session's, in order, then any an earlier session had. */
  steps: StepState[];
  /** The error the run ended with, if any. */
  error?: string | undefined;
  damaged?: { line: number; reason: string; torn: boolean } | undefined;
  owner?: RunOwner | undefined;
}

/**
 * Folds a run's journal into its {@link RunState}, or undefined when it holds no session yet
 * (a process killed before its first line).
 */
export function foldRun(record: RunRecord): RunState | undefined {
  const { entries } = record;
  const first = entries[0];
  if (first?.type !== 'session') return undefined;

  const steps = new Map<string, StepState>();
  const sessions: SessionState[] = [];
  let order: string[] = [];
  let meta: Record<string, unknown> = first.meta;

  const stepNamed = (name: string): StepState => {
    let state = steps.get(name);
    if (!state) {
      state = newStep(name, false);
      steps.set(name, state);
    }
    return state;
  };

  for (const entry of entries) {
    switch (entry.type) {
      case 'session': {
        sessions.push({
          mode: entry.mode,
          host: entry.host,
          pid: entry.pid,
          ...(entry.user === undefined ? {} : { user: entry.user }),
          startedAt: entry.at,
        });
        if (entry.mode !== 'rollback') meta = entry.meta;
        order = entry.steps.map((step) => step.name);
        for (const step of entry.steps) stepNamed(step.name).resumable = step.resumable;
        break;
      }
      case 'step:start': {
        const step = stepNamed(entry.step);
        if (entry.attempt <= 1 || step.status !== 'started') {
          step.writeAheads = [];
          step.startedAt = entry.at;
          step.endedAt = undefined;
          step.reused = false;
        }
        step.status = 'started';
        step.attempts = entry.attempt;
        step.lastStartSeq = entry.seq;
        break;
      }
      case 'step:write-ahead': {
        const step = stepNamed(entry.step);
        step.writeAheads.push(entry);
        step.rollbackData = entry.rollbackData;
        break;
      }
      case 'step:end': {
        const step = stepNamed(entry.step);
        step.status = entry.result.success ? 'succeeded' : 'failed';
        step.result = entry.result;
        step.resultSeq = entry.seq;
        step.endedAt = entry.at;
        step.rollbackData = entry.result.rollbackData;
        step.attempts = entry.attempts;
        break;
      }
      case 'step:skip': {
        const step = stepNamed(entry.step);
        step.status = 'skipped';
        step.endedAt = entry.at;
        break;
      }
      case 'step:reuse': {
        stepNamed(entry.step).reused = true;
        break;
      }
      case 'rollback:start': {
        stepNamed(entry.step).status = 'rolling-back';
        break;
      }
      case 'rollback:end': {
        const step = stepNamed(entry.step);
        step.status = entry.success ? 'rolled-back' : 'rollback-failed';
        step.rollbackError = entry.success ? undefined : entry.error;
        // Undone: a later execution starts from a clean slate.
        if (entry.success) step.rollbackData = {};
        break;
      }
      case 'end': {
        const session = sessions.at(-1);
        if (session) {
          session.endedAt = entry.at;
          session.outcome = entry.outcome;
          if (entry.error !== undefined) session.error = entry.error;
        }
        break;
      }
    }
  }

  const ordered = [...order, ...[...steps.keys()].filter((name) => !order.includes(name))];
  const stepStates = ordered.map((name) => steps.get(name)!);
  const last = sessions.at(-1)!;
  return {
    runId: record.runId,
    status: runStatus(last, stepStates),
    meta,
    startedAt: first.at,
    updatedAt: entries.at(-1)!.at,
    sessions,
    steps: stepStates,
    ...(last.error === undefined ? {} : { error: last.error }),
    ...(record.damaged === undefined ? {} : { damaged: record.damaged }),
    ...(record.owner === undefined ? {} : { owner: record.owner }),
  };
}

/**
 * The steps a rollback of the run must visit, newest first: every step that ran (or began to)
 * and was not rolled back since. Whether a step has anything to undo is its own business.
 */
export function stepsToRollBack(run: RunState): StepState[] {
  return run.steps
    .filter((step) => UNDONE_STATUSES.has(step.status))
    .sort((a, b) => b.lastStartSeq - a.lastStartSeq);
}

const UNDONE_STATUSES: ReadonlySet<StepStatus> = new Set([
  'started',
  'succeeded',
  'failed',
  'rolling-back',
  'rollback-failed',
]);

function runStatus(last: SessionState, steps: StepState[]): RunStatus {
  if (last.outcome === undefined) return 'unfinished';
  if (steps.some((step) => step.status === 'rollback-failed')) return 'rollback-failed';
  if (last.outcome === 'rolled-back') return 'rolled-back';
  if (last.mode === 'rollback') return 'rollback-failed';
  return last.outcome;
}

function newStep(name: string, resumable: boolean): StepState {
  return {
    name,
    resumable,
    status: 'pending',
    attempts: 0,
    rollbackData: {},
    writeAheads: [],
    reused: false,
    lastStartSeq: 0,
  };
}
