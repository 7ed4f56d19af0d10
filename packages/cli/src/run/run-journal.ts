import { RAY_SERVE_CLIENT } from '@synapse-sdk/clients';
import type {
  BaseAction,
  JournaledStep,
  RunState,
  SessionEntry,
  SessionOutcome,
} from '@synapse-sdk/core';
import {
  errorMessage,
  pruneJournal,
  retentionFromEnv,
  RunRecorder,
  StepRegistry,
} from '@synapse-sdk/core';

import type { CliStream } from '../cli-io.js';
import { cliVersion } from '../cli-version.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import type { RunMeta } from '../runs/run-meta.js';
import type { PreparedAction } from './prepare-action.js';

/** What {@link startRunJournal} records about the run besides what `prepared` holds. */
export interface StartRunJournalOptions {
  mode: SessionEntry['mode'];
  /** `plugin run`, `serve rollback`. */
  command: string;
  /** The run as its journal told it, for a resume or a rollback of it. */
  resumeFrom?: RunState | undefined;
}

/**
 * Takes the prepared action's run (`ctx.runId`) in the journal of the state directory and
 * opens this process's session of it: the orchestrator then records each step boundary and the
 * steps write ahead. Taken after the params were validated, so bad input leaves no run behind.
 * @throws RunLockedError when another live process holds the run; RunIdError
 */
export async function startRunJournal(
  prepared: PreparedAction,
  options: StartRunJournalOptions,
): Promise<RunRecorder> {
  const { ctx, action } = prepared;
  const recorder = await RunRecorder.open(journalStoreFor(prepared.env), ctx.runId);
  try {
    await recorder.begin({
      mode: options.mode,
      meta: { ...runMeta(prepared, options.command) },
      steps: journaledSteps(action, prepared),
      resumeFrom: options.resumeFrom,
    });
  } catch (error) {
    await recorder.close();
    throw error;
  }
  ctx.attachJournal(recorder);
  return recorder;
}

/**
 * Ends the session with how the command ended, then applies the retention policy
 * (`SYNAPSE_STATE_KEEP_RUNS` / `_DAYS`). A journal that cannot be written any more only costs
 * its record: the run's own outcome stands, so this never throws; it returns a warning instead.
 */
export async function endRunJournal(
  recorder: RunRecorder,
  env: Readonly<Record<string, string | undefined>>,
  outcome: SessionOutcome,
  error?: unknown,
): Promise<string | undefined> {
  try {
    await recorder.end(outcome, error === undefined ? undefined : errorMessage(error));
    await pruneJournal(recorder.store, retentionFromEnv(env), { keep: new Set([recorder.runId]) });
    return undefined;
  } catch (cause) {
    return `warning: the journal of run ${recorder.runId} in ${recorder.store.location} could not be completed: ${errorMessage(cause)}`;
  }
}

/** {@link endRunJournal} for a command that ends its own session: a warning goes to `stderr`. */
export async function endRunJournalWarning(
  recorder: RunRecorder,
  env: Readonly<Record<string, string | undefined>>,
  outcome: SessionOutcome,
  stderr: CliStream,
  error?: unknown,
): Promise<void> {
  const warning = await endRunJournal(recorder, env, outcome, error);
  if (warning) stderr.write(`${warning}\n`);
}

function runMeta(prepared: PreparedAction, command: string): RunMeta {
  const { ctx, plugin } = prepared;
  const ray = ctx.container.isBound(RAY_SERVE_CLIENT)
    ? ctx.container.get(RAY_SERVE_CLIENT).address
    : '';
  return {
    command,
    action: plugin.actionName,
    plugin: {
      dir: plugin.dir,
      code: plugin.config.code,
      version: plugin.config.version,
    },
    params: prepared.params,
    rayAddress: ray,
    ...(ctx.jobId === undefined ? {} : { jobId: ctx.jobId }),
    sdk: cliVersion(),
  };
}

/** The steps the action registers, as the journal declares them. */
function journaledSteps(action: BaseAction, prepared: PreparedAction): JournaledStep[] {
  const registry = new StepRegistry(prepared.ctx.container);
  action.setupSteps(registry);
  return registry
    .getSteps()
    .map((step) => ({ name: step.name, resumable: step.resumable === true }));
}
