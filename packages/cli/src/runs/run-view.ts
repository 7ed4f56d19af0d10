import type { ResumePlan, RunState, StepState } from '@synapse-sdk/core';
import { planResume } from '@synapse-sdk/core';

import type { RunMeta } from './run-meta.js';
import { runMetaOf } from './run-meta.js';
import type { RunStatusView } from './run-status-text.js';
import { runStatusView } from './run-status-text.js';

/** A step as `synapse runs show` reports it. */
export interface StepView {
  name: string;
  status: StepState['status'];
  resumable: boolean;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  reused: boolean;
  error: string | null;
  data: Record<string, unknown>;
  rollbackData: Record<string, unknown>;
  /** What it wrote ahead before changing something, oldest first. */
  writeAheads: { kind: string; at: string; detail: Record<string, unknown> }[];
  rollbackError: string | null;
}

/** A run as `synapse runs show` reports it (its `-o json` result, secrets masked on output). */
export interface RunView extends RunStatusView {
  runId: string;
  meta: RunMeta | null;
  startedAt: string;
  updatedAt: string;
  sessions: RunState['sessions'];
  steps: StepView[];
  resume: ResumePlan;
  damaged: RunState['damaged'] | null;
}

/** The {@link RunView} of a run. */
export function runView(run: RunState): RunView {
  return {
    runId: run.runId,
    ...runStatusView(run),
    meta: runMetaOf(run.meta) ?? null,
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    sessions: run.sessions,
    steps: run.steps.map(stepView),
    resume: planResume(run),
    damaged: run.damaged ?? null,
  };
}

function stepView(step: StepState): StepView {
  return {
    name: step.name,
    status: step.status,
    resumable: step.resumable,
    attempts: step.attempts,
    startedAt: step.startedAt ?? null,
    endedAt: step.endedAt ?? null,
    reused: step.reused,
    error: step.result?.error ?? null,
    data: step.result?.data ?? {},
    rollbackData: step.rollbackData,
    writeAheads: step.writeAheads.map((entry) => ({
      kind: entry.kind,
      at: entry.at,
      detail: entry.detail ?? {},
    })),
    rollbackError: step.rollbackError ?? null,
  };
}
