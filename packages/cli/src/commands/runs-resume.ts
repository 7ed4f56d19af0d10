import { planResume } from '@synapse-sdk/core';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import type { OutputFormat } from '../options/output-format.js';
import { outputFormatOf } from '../options/output-format.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import { journaledRunInputs } from '../runs/journaled-run-inputs.js';
import { readRunById } from '../runs/read-runs.js';
import { SERVE_ROLLBACK_COMMAND } from '../serve/revision-rollback.js';
import { UsageError } from '../usage-error.js';
import { reportError } from './command-error.js';
import type { JournalSession, PluginRunOptions } from './plugin-run.js';
import { pluginRun } from './plugin-run.js';

/**
 * `synapse runs resume ID`: continues a run that was interrupted or failed, as `plugin run`
 * runs it (same plugin directory, action and params, same cluster and job), without running
 * again the steps that succeeded and were not rolled back: their results and rollback data
 * come from the journal (see `planResume`). Refused before anything is sent when the run
 * succeeded, is held by a live process, or has an interrupted step that is not resumable.
 */
export async function runsResume(
  runId: string,
  options: PluginRunOptions,
  io: CliIo,
): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  let action: string;
  let runOptions: PluginRunOptions;
  let session: JournalSession;
  try {
    output = outputFormatOf(options);
    const run = await readRunById(journalStoreFor(io.env), runId);
    const { meta, env } = journaledRunInputs(run, io.env);
    if (meta.command === SERVE_ROLLBACK_COMMAND) {
      throw new UsageError(`run ${run.runId} is a serve rollback: it cannot be resumed`, {
        hint: `run 'synapse serve rollback' again, or undo it with 'synapse runs rollback ${run.runId}'`,
      });
    }
    const refusal = planResume(run).refusal;
    if (refusal) {
      throw new UsageError(`run ${run.runId} cannot be resumed: ${refusal}`, {
        hint: `see synapse runs show ${run.runId}`,
      });
    }
    action = meta.action;
    runOptions = { ...options, path: meta.plugin.dir, params: JSON.stringify(meta.params) };
    session = { mode: 'resume', command: meta.command, resumeFrom: run, env };
  } catch (error) {
    return reportError(io, error, { output, verbose: options.verbose === true });
  }
  return await pluginRun(action, runOptions, io, session);
}
