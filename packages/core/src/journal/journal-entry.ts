import { z } from 'zod';

/**
 * A step's result as the journal keeps it: plain JSON (the timestamp as ISO text, no `cause`),
 * so that a later process can hand it back to the step that produced it.
 */
export interface JournaledResult {
  success: boolean;
  data: Record<string, unknown>;
  error?: string | undefined;
  rollbackData: Record<string, unknown>;
  skipped: boolean;
  timestamp: string;
}

/** A step as a session declared it: its name and whether an interrupted run may re-enter it. */
export interface JournaledStep {
  name: string;
  /** See `BaseStep.resumable`. */
  resumable: boolean;
}

/**
 * Opens each process's part of a run: `run` for the run itself, `resume` and `rollback` for
 * `synapse runs resume|rollback`. A run started again under the same id adds a `run` session.
 */
export interface SessionEntry {
  type: 'session';
  mode: 'run' | 'resume' | 'rollback';
  host: string;
  pid: number;
  user?: string | undefined;
  /** What the run is, as its runner describes it (the CLI: plugin, action, params, cluster). */
  meta: Record<string, unknown>;
  /** The steps of this session, in order. */
  steps: JournaledStep[];
}

/** A step's attempt began. */
export interface StepStartEntry {
  type: 'step:start';
  step: string;
  index: number;
  attempt: number;
}

/** A step ended, successfully or not; `result.rollbackData` is what its rollback needs. */
export interface StepEndEntry {
  type: 'step:end';
  step: string;
  index: number;
  result: JournaledResult;
  attempts: number;
  durationMs: number;
}

/** `canSkip` said yes: the step counts as done and is never rolled back. */
export interface StepSkipEntry {
  type: 'step:skip';
  step: string;
  index: number;
}

/**
 * Written by a step before it changes something outside the process: what its rollback will
 * need if the process dies before the step ends (`data` is its `rollbackData` so far), and
 * under `kind` what it is about to do (e.g. `ray-serve/put`).
 */
export interface WriteAheadEntry {
  type: 'step:write-ahead';
  step: string;
  kind: string;
  rollbackData: Record<string, unknown>;
  /** What the step is about to do, for `runs show`; not used to roll back. */
  detail?: Record<string, unknown> | undefined;
}

/** A step was reused on resume: its result is the one journaled at `fromSeq`. */
export interface StepReuseEntry {
  type: 'step:reuse';
  step: string;
  index: number;
  fromSeq: number;
}

/** A step's rollback began. */
export interface RollbackStartEntry {
  type: 'rollback:start';
  step: string;
}

/** A step's rollback ended. */
export interface RollbackEndEntry {
  type: 'rollback:end';
  step: string;
  success: boolean;
  error?: string | undefined;
}

/** How a session ended. */
export type SessionOutcome = 'succeeded' | 'failed' | 'cancelled' | 'rolled-back';

/** The session ended (a killed process writes none). */
export interface SessionEndEntry {
  type: 'end';
  outcome: SessionOutcome;
  error?: string | undefined;
}

/** What a journal entry holds, before the journal numbers and dates it. */
export type JournalEntryInput =
  | SessionEntry
  | StepStartEntry
  | StepEndEntry
  | StepSkipEntry
  | WriteAheadEntry
  | StepReuseEntry
  | RollbackStartEntry
  | RollbackEndEntry
  | SessionEndEntry;

/** One line of a run's journal: its sequence number (1, 2, …), when it was written, and what. */
export type JournalEntry = JournalEntryInput & { seq: number; at: string };

const Json = z.record(z.string(), z.unknown());
const optionalString = z.string().optional();

const ResultSchema = z.object({
  success: z.boolean(),
  data: Json,
  error: optionalString,
  rollbackData: Json,
  skipped: z.boolean(),
  timestamp: z.string(),
});

const EntrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('session'),
    mode: z.enum(['run', 'resume', 'rollback']),
    host: z.string(),
    pid: z.number(),
    user: optionalString,
    meta: Json,
    steps: z.array(z.object({ name: z.string(), resumable: z.boolean() })),
  }),
  z.object({
    type: z.literal('step:start'),
    step: z.string(),
    index: z.number(),
    attempt: z.number(),
  }),
  z.object({
    type: z.literal('step:end'),
    step: z.string(),
    index: z.number(),
    result: ResultSchema,
    attempts: z.number(),
    durationMs: z.number(),
  }),
  z.object({ type: z.literal('step:skip'), step: z.string(), index: z.number() }),
  z.object({
    type: z.literal('step:write-ahead'),
    step: z.string(),
    kind: z.string(),
    rollbackData: Json,
    detail: Json.optional(),
  }),
  z.object({
    type: z.literal('step:reuse'),
    step: z.string(),
    index: z.number(),
    fromSeq: z.number(),
  }),
  z.object({ type: z.literal('rollback:start'), step: z.string() }),
  z.object({
    type: z.literal('rollback:end'),
    step: z.string(),
    success: z.boolean(),
    error: optionalString,
  }),
  z.object({
    type: z.literal('end'),
    outcome: z.enum(['succeeded', 'failed', 'cancelled', 'rolled-back']),
    error: optionalString,
  }),
]);

const LineSchema = z.intersection(
  z.object({ seq: z.number().int().positive(), at: z.string() }),
  EntrySchema,
);

/** The entry a journal line holds, or undefined when the line is not one. */
export function parseJournalLine(line: string): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = LineSchema.safeParse(value);
  return parsed.success ? (parsed.data as JournalEntry) : undefined;
}
