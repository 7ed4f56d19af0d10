import { RAY_SERVE_CLIENT } from '@synapse-sdk/clients';
import type { Logger, RollbackRunReport, RunState } from '@synapse-sdk/core';
import {
  PluginEnvironment,
  RollbackIncompleteError,
  rollbackRun,
  rollbackTargets,
  RunRecorder,
} from '@synapse-sdk/core';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { configFlagEnv } from '../options/config-flags.js';
import type { OutputFormat } from '../options/output-format.js';
import { confirmRollback, notRolledBack } from '../prompt/confirm-rollback.js';
import { writeEnvelope } from '../render/write-document.js';
import { buildRunEnv } from '../run/build-run-env.js';
import { actionOptions, prepareAction } from '../run/prepare-action.js';
import { endRunJournalWarning, startRunJournal } from '../run/run-journal.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import { journaledRunInputs } from '../runs/journaled-run-inputs.js';
import { readRunById } from '../runs/read-runs.js';
import type { RunMeta } from '../runs/run-meta.js';
import { pluginLabel } from '../runs/run-meta.js';
import { runStatusView } from '../runs/run-status-text.js';
import { rayClientFromFlags } from '../serve/ray-client-from-flags.js';
import { revisionRollbackSteps, SERVE_ROLLBACK_COMMAND } from '../serve/revision-rollback.js';
import { runCommand } from './run-command.js';

/** Options of `synapse runs rollback`. */
export interface RunsRollbackOptions extends Record<string, unknown> {
  yes?: boolean;
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse runs rollback ID`: undoes what a journaled run changed — every step that ran (or was
 * interrupted in the middle) and was not rolled back, newest first, with the rollback data its
 * journal holds — and finishes a rollback that was interrupted. The deploy step puts back the
 * exact config the application had before the run (uploading again a package Ray dropped since)
 * or removes the application the run created. Asks in a terminal unless `--yes`.
 */
export async function runsRollback(
  runId: string,
  options: RunsRollbackOptions,
  cliIo: CliIo,
): Promise<ExitCode> {
  // The run's plugin is loaded: in a machine format, what it writes to stdout goes to stderr.
  const command = { ...options, pluginCode: true };
  return await runCommand(cliIo, command, async ({ io, output, signal, logger }) => {
    const run = await readRunById(journalStoreFor(io.env), runId);
    const { meta, env } = journaledRunInputs(run, io.env);
    // The plugin is loaded before asking: one that no longer loads changes nothing.
    const undo = await undoerFor(run, meta, env, options, io, logger(), signal);
    const pending = undo.targets();
    if (pending.length === 0 && !runStatusView(run).needsAttention) {
      writeResult(
        io,
        output,
        run.runId,
        NOTHING_UNDONE,
        `run ${run.runId} has nothing to roll back (${runStatusView(run).text})`,
      );
      return EXIT_CODES.OK;
    }
    // An interrupted run with nothing to undo is still closed by a rollback session, without asking.
    const confirmed =
      pending.length === 0 ||
      (await confirmRollback(
        {
          yes: options.yes,
          question: `roll back run ${run.runId} (${meta.action} of ${pluginLabel(meta)} on ${undo.address}): undo ${pending.join(', ')}? [y/N] `,
          refusal: `refusing to roll back run ${run.runId} without confirmation`,
        },
        io,
        signal,
      ));
    if (!confirmed) {
      writeResult(io, output, run.runId, NOTHING_UNDONE, notRolledBack(`run ${run.runId}`));
      return EXIT_CODES.OK;
    }
    const journal = await undo.open();
    let report: RollbackRunReport;
    try {
      report = await undo.rollback();
    } catch (error) {
      await endRunJournalWarning(journal, undo.env, 'failed', io.stderr, error);
      throw error;
    }
    if (report.failures.length > 0) {
      const error = new RollbackIncompleteError(run.runId, report.failures);
      await endRunJournalWarning(journal, undo.env, 'failed', io.stderr, error);
      throw error;
    }
    await endRunJournalWarning(journal, undo.env, 'rolled-back', io.stderr);
    writeResult(io, output, run.runId, report, rolledBackText(run.runId, report));
    return EXIT_CODES.OK;
  });
}

const NOTHING_UNDONE: RollbackRunReport = { undone: [], passedOver: [], failures: [] };

function rolledBackText(runId: string, report: RollbackRunReport): string {
  const parts = [`run ${runId} rolled back`];
  if (report.undone.length > 0) parts.push(`undone: ${report.undone.join(', ')}`);
  if (report.passedOver.length > 0) {
    parts.push(`nothing to undo: ${report.passedOver.join(', ')}`);
  }
  return parts.join('; ');
}

function writeResult(
  io: CliIo,
  output: OutputFormat,
  runId: string,
  report: RollbackRunReport,
  text: string,
): void {
  if (output === 'json' || output === 'yaml') {
    writeEnvelope(io.stdout, output, {
      ok: true,
      result: { runId, undone: report.undone, passedOver: report.passedOver },
    });
  } else {
    io.stdout.write(`${text}\n`);
  }
}

/** How a journaled run is undone: by its plugin's action, or by the serve rollback pipeline. */
interface Undoer {
  /** The cluster the rollback talks to. */
  address: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The steps the rollback would undo, newest first. */
  targets(): string[];
  /** Takes the run in the journal for this rollback session. */
  open(): Promise<RunRecorder>;
  rollback(): Promise<RollbackRunReport>;
}

async function undoerFor(
  run: RunState,
  meta: RunMeta,
  env: Record<string, string | undefined>,
  options: RunsRollbackOptions,
  io: CliIo,
  logger: Logger,
  signal: AbortSignal,
): Promise<Undoer> {
  if (meta.command === SERVE_ROLLBACK_COMMAND) {
    const runEnv = buildRunEnv({ processEnv: env, flagEnv: configFlagEnv(options) });
    const ray = rayClientFromFlags(options, env, logger);
    const { context, registry } = revisionRollbackSteps({
      ray,
      env: new PluginEnvironment(runEnv),
      logger,
      signal,
      config: { import_path: '' },
    });
    const steps = registry.getSteps();
    return {
      address: ray.address,
      env: runEnv,
      targets: () => rollbackTargets(steps, run),
      open: async () => {
        const journal = await RunRecorder.start(journalStoreFor(runEnv), run.runId, {
          mode: 'rollback',
          meta: { ...meta },
          steps: steps.map((step) => ({ name: step.name, resumable: step.resumable === true })),
        });
        context.runtimeCtx.attachJournal(journal);
        return journal;
      },
      rollback: () => rollbackRun(steps, context, run, context.runtimeCtx.journal),
    };
  }
  const flags = { ...options, path: meta.plugin.dir, params: JSON.stringify(meta.params) };
  const prepared = await prepareAction(
    actionOptions(meta.action, flags, { env, cwd: io.cwd }, logger, signal),
  );
  return {
    address: prepared.ctx.container.get(RAY_SERVE_CLIENT).address,
    env: prepared.env,
    targets: () => prepared.action.journaledRunRollbackTargets(run),
    open: () => startRunJournal(prepared, { mode: 'rollback', command: meta.command }),
    rollback: () => prepared.action.rollbackJournaledRun(run),
  };
}
