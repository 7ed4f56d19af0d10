import type { RunState } from '@synapse-sdk/core';

import { pluginLabel, runMetaOf } from './run-meta.js';
import { runStatusView } from './run-status-text.js';

/** One run as `synapse runs list` shows it (its `-o json` items). */
export interface RunSummary {
  runId: string;
  status: string;
  statusText: string;
  needsAttention: boolean;
  startedAt: string;
  updatedAt: string;
  command: string | null;
  action: string | null;
  plugin: string;
  rayAddress: string | null;
  host: string;
  /** Steps that succeeded or were skipped, of all. */
  stepsDone: number;
  stepsTotal: number;
}

/** The {@link RunSummary} of a run. */
export function summarizeRun(run: RunState): RunSummary {
  const meta = runMetaOf(run.meta);
  const status = runStatusView(run);
  return {
    runId: run.runId,
    status: status.status,
    statusText: status.text,
    needsAttention: status.needsAttention,
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    command: meta?.command ?? null,
    action: meta?.action ?? null,
    plugin: pluginLabel(meta),
    rayAddress: meta?.rayAddress ?? null,
    host: run.sessions[0]!.host,
    stepsDone: run.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length,
    stepsTotal: run.steps.length,
  };
}
