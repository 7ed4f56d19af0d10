import { userInfo } from 'node:os';

import type { StepResult } from '../steps/step-result.js';
import type {
  JournaledResult,
  JournaledStep,
  SessionEntry,
  SessionOutcome,
} from './journal-entry.js';
import type { BlobRef, BlobSource, JournalStore, RunJournal } from './journal-store.js';
import { thisHost } from './process-alive.js';
import type { ResumePlan } from './resume-plan.js';
import { planResume } from './resume-plan.js';
import type { RunState } from './run-state.js';

/** Options of {@link RunRecorder.start}. */
export interface RunRecorderOptions {
  /** `run` for a new run (or one started again under the same id), `resume`, `rollback`. */
  mode: SessionEntry['mode'];
  /** What the run is, for `runs show` and for a later resume or rollback. */
  meta: Record<string, unknown>;
  /** The steps this session will run, in order. */
  steps: JournaledStep[];
  /** The run as its journal told it before this session: what a resume reuses. */
  resumeFrom?: RunState | undefined;
}

/**
 * Records one session of a run in its journal: the orchestrator calls it at each step
 * boundary, steps call {@link RunRecorder.writeAhead} before they change something outside the
 * process, and the runner ends it. Every call resolves once its entry is durable, so a process
 * killed at any moment leaves a journal that says where it was.
 *
 * Without a recorder nothing of this runs: a run built in code pays nothing for the journal.
 */
export class RunRecorder {
  public readonly runId: string;
  public readonly store: JournalStore;
  private readonly journal: RunJournal;
  private resumeFrom: RunState | undefined;
  private plan: ResumePlan | undefined;

  private constructor(store: JournalStore, journal: RunJournal) {
    this.runId = journal.runId;
    this.store = store;
    this.journal = journal;
  }

  /**
   * Takes run `runId` in `store` for this process; {@link RunRecorder.begin} then opens the
   * session. (A runner takes the run first, to refuse early when another process holds it.)
   * @throws RunLockedError, RunIdError
   */
  public static async open(store: JournalStore, runId: string): Promise<RunRecorder> {
    return new RunRecorder(store, await store.openRun(runId));
  }

  /** {@link RunRecorder.open}, then {@link RunRecorder.begin}. */
  public static async start(
    store: JournalStore,
    runId: string,
    options: RunRecorderOptions,
  ): Promise<RunRecorder> {
    const recorder = await RunRecorder.open(store, runId);
    try {
      await recorder.begin(options);
    } catch (error) {
      await recorder.close();
      throw error;
    }
    return recorder;
  }

  /** Writes the session's first entry: what runs, where, and which steps. */
  public async begin(options: RunRecorderOptions): Promise<void> {
    this.resumeFrom = options.resumeFrom;
    this.plan = options.resumeFrom ? planResume(options.resumeFrom) : undefined;
    await this.journal.append({
      type: 'session',
      mode: options.mode,
      host: thisHost(),
      pid: process.pid,
      ...userField(),
      meta: options.meta,
      steps: options.steps,
    });
  }

  /**
   * The result a resume takes from the journal instead of running step `name`, or undefined
   * when the step runs. A reused result keeps its data and rollback data.
   */
  public reusedResult(name: string): StepResult | undefined {
    const planned = this.plan?.steps.find((step) => step.name === name);
    if (planned?.action !== 'reuse') return undefined;
    const result = this.resumeFrom?.steps.find((step) => step.name === name)?.result;
    return result ? fromJournal(result) : undefined;
  }

  /**
   * What the interrupted (or failed) execution of step `name` wrote for its rollback, when the
   * step runs again on resume: the step merges it into its own, so that a rollback after the
   * resume still restores what was there before the run, not what the interrupted attempt left.
   */
  public priorRollbackData(name: string): Record<string, unknown> | undefined {
    const step = this.resumeFrom?.steps.find((s) => s.name === name);
    if (!step || Object.keys(step.rollbackData).length === 0) return undefined;
    return step.rollbackData;
  }

  /** Records that a resume reused step `name` (see {@link RunRecorder.reusedResult}). */
  public async stepReused(name: string, index: number): Promise<void> {
    const fromSeq = this.resumeFrom?.steps.find((s) => s.name === name)?.resultSeq ?? 0;
    await this.journal.append({ type: 'step:reuse', step: name, index, fromSeq });
  }

  public async stepStarted(name: string, index: number, attempt: number): Promise<void> {
    await this.journal.append({ type: 'step:start', step: name, index, attempt });
  }

  public async stepEnded(
    name: string,
    index: number,
    result: StepResult,
    attempts: number,
    durationMs: number,
  ): Promise<void> {
    await this.journal.append({
      type: 'step:end',
      step: name,
      index,
      result: toJournal(result),
      attempts,
      durationMs,
    });
  }

  public async stepSkipped(name: string, index: number): Promise<void> {
    await this.journal.append({ type: 'step:skip', step: name, index });
  }

  /**
   * Records, before step `name` changes something outside the process, what its rollback will
   * need (`rollbackData`, JSON) and what it is about to do (`kind`, `detail`).
   */
  public async writeAhead(
    name: string,
    kind: string,
    rollbackData: Record<string, unknown>,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    await this.journal.append({
      type: 'step:write-ahead',
      step: name,
      kind,
      rollbackData: asJson(rollbackData),
      ...(detail === undefined ? {} : { detail: asJson(detail) }),
    });
  }

  public async rollbackStarted(name: string): Promise<void> {
    await this.journal.append({ type: 'rollback:start', step: name });
  }

  public async rollbackEnded(name: string, error?: string): Promise<void> {
    await this.journal.append({
      type: 'rollback:end',
      step: name,
      success: error === undefined,
      ...(error === undefined ? {} : { error }),
    });
  }

  /**
   * Keeps bytes in the store (e.g. a package about to be uploaded, under its URI as `alias`),
   * once durable.
   */
  public async keepBlob(source: BlobSource, alias?: string): Promise<BlobRef> {
    return await this.store.putBlob(source, alias);
  }

  /** Ends the session and lets go of the run. */
  public async end(outcome: SessionOutcome, error?: string): Promise<void> {
    try {
      await this.journal.append({
        type: 'end',
        outcome,
        ...(error === undefined ? {} : { error }),
      });
    } finally {
      await this.journal.close();
    }
  }

  /** Lets go of the run without an end (the runner failed before it could say how it ended). */
  public async close(): Promise<void> {
    await this.journal.close();
  }
}

/** A step result as plain JSON. */
export function toJournal(result: StepResult): JournaledResult {
  return {
    success: result.success,
    data: asJson(result.data),
    ...(result.error === undefined ? {} : { error: result.error }),
    rollbackData: asJson(result.rollbackData),
    skipped: result.skipped,
    timestamp: result.timestamp.toISOString(),
  };
}

/** A journaled result as a step result again. */
export function fromJournal(result: JournaledResult): StepResult {
  return {
    success: result.success,
    data: result.data,
    ...(result.error === undefined ? {} : { error: result.error }),
    rollbackData: result.rollbackData,
    skipped: result.skipped,
    timestamp: new Date(result.timestamp),
  };
}

/** `value` as it reads back from JSON: dates as ISO text, bigints as text, undefined left out. */
function asJson(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint' ? item.toString() : item,
    ) ?? '{}',
  ) as Record<string, unknown>;
}

function userField(): { user?: string } {
  try {
    return { user: userInfo().username };
  } catch {
    return {}; // no passwd entry (some containers)
  }
}
