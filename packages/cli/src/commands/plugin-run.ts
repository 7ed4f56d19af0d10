import type { RunRecorder } from '@synapse-sdk/core';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatDuration } from '../render/format-time.js';
import { LineReporter } from '../render/line-reporter.js';
import { LiveRenderer } from '../render/live-renderer.js';
import { allReporters, NdjsonReporter } from '../render/ndjson-reporter.js';
import type { RunReporter } from '../render/run-reporter.js';
import { stylerFor } from '../render/style.js';
import { toJson } from '../render/to-json.js';
import { writeDocument, writeEnvelope } from '../render/write-document.js';
import { actionOptions, prepareAction } from '../run/prepare-action.js';
import type { StartRunJournalOptions } from '../run/run-journal.js';
import { runCommand } from './run-command.js';

/** Options of `synapse plugin run`, as commander parses them. */
export interface PluginRunOptions extends Record<string, unknown> {
  path?: string;
  params?: string;
  output?: string;
  json?: boolean;
  verbose?: boolean;
  timeout?: string;
  /** `--no-journal` sets it false: the run is not recorded in the state directory. */
  journal?: boolean;
}

/** A journaled session other than a new run: `synapse runs resume` continues a run. */
export interface JournalSession extends StartRunJournalOptions {
  /** The process environment of the session, `SYNAPSE_RUN_ID` set to the run's id. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * `synapse plugin run <action>`: loads the plugin, validates params, runs the action with a
 * progress display, prints the result. Ctrl-C aborts the run's signal (the orchestrator rolls
 * back) and exits 130; `--timeout` does the same once it elapses and exits 124. With
 * `-o json|yaml|ndjson`, stdout holds only that format (with ndjson the run's events, then the
 * result) and what the plugin writes to stdout goes to stderr.
 */
export async function pluginRun(
  actionName: string,
  options: PluginRunOptions,
  cliIo: CliIo,
  session?: JournalSession,
): Promise<ExitCode> {
  let workBegan = false;
  let journal: RunRecorder | undefined;
  const rolledBack: string[] = [];
  const started = Date.now();
  const failure = () => ({ workBegan, rolledBack });
  // An app this run changed and has not put back yet: what a second Ctrl-C would leave.
  let changedApp: string | undefined;
  const leftBehind = () =>
    changedApp === undefined
      ? undefined
      : `application '${changedApp}' is left with this run's config or halfway back to its previous one`;
  const run = { ...options, pluginCode: true, timeoutVariable: true, failure, leftBehind };
  try {
    return await runCommand(cliIo, run, async (scope) => {
      const { io, output, signal } = scope;
      const live = io.stderr.isTTY === true && io.stdout.isTTY === true && output === 'text';
      const display: RunReporter = live ? new LiveRenderer(io.stderr) : new LineReporter(io.stderr);
      const reporter =
        output === 'ndjson' ? allReporters(new NdjsonReporter(io.stdout), display) : display;
      scope.onCancelNotice((message) => reporter.log(message));
      // Steps' structured events are shown by the reporter; the logger adds warnings (and all
      // HTTP traffic with --verbose).
      const logger = scope.logger((chunk) => reporter.log(chunk));
      const runIo = { env: session?.env ?? io.env, cwd: io.cwd };
      const prepared = await prepareAction(
        actionOptions(actionName, options, runIo, logger, signal),
      );
      const { ctx, action } = prepared;
      // Loaded with the engine by prepareAction: imported at the top, they would load before its
      // first request.
      const [{ previewSteps }, { JobReporter }, { endRunJournal, startRunJournal }] =
        await Promise.all([
          import('../run/preview-steps.js'),
          import('@synapse-sdk/clients'),
          import('../run/run-journal.js'),
        ]);
      if (options.journal !== false || session) {
        // A second run of the same job waits its turn, as a second deploy of one app does.
        const waitTurn = ctx.env.getBool('SYNAPSE_NO_WAIT', false)
          ? undefined
          : { signal, onWait: (message: string) => reporter.log(message) };
        journal = await startRunJournal(
          prepared,
          session ?? { mode: 'run', command: 'plugin run', waitTurn },
        );
      }
      ctx.events.on('step:end', (e) => {
        if (e.result.success) workBegan = true;
      });
      ctx.events.on('progress', (e) => {
        if (e.current > 0) workBegan = true;
      });
      ctx.events.on('step:rollback', (e) => {
        if (e.success) rolledBack.push(e.step);
      });
      ctx.events.on('log', (e) => {
        const app = typeof e.data['app'] === 'string' ? e.data['app'] : undefined;
        if (e.event === 'app_applied') changedApp = app;
        if (e.event === 'deploy_restored' || e.event === 'deploy_removed') changedApp = undefined;
      });
      reporter.attach(ctx.events, previewSteps(action, ctx));
      // With a job, the run is mirrored on it in Synapse (progress, metrics, log events), from
      // the first step that succeeded on: the initialize step checks the backend, the token and
      // the release id, and a run refused by those checks must not write to the job either.
      const job =
        ctx.jobId && ctx.client
          ? new JobReporter(ctx.client, ctx.jobId, { logger, held: true })
          : undefined;
      job?.attach(ctx.events);
      ctx.events.on('step:end', (e) => {
        if (e.result.success) job?.release();
      });
      let result: unknown;
      try {
        result = await action.run();
      } catch (error) {
        reporter.finish(signal.aborted ? 'cancelled' : 'failed');
        await job?.flush();
        if (journal) {
          // A --timeout aborts the signal as Ctrl-C does: the run was cancelled and rolled back.
          const outcome = signal.aborted ? 'cancelled' : 'failed';
          const warning = await endRunJournal(journal, prepared.env, outcome, error);
          reporter.log(warning ?? `run ${journal.runId}: synapse runs show ${journal.runId}`);
        }
        throw error;
      }
      await job?.flush();
      if (journal) {
        const warning = await endRunJournal(journal, prepared.env, 'succeeded');
        if (warning) reporter.log(warning);
      }
      reporter.finish('done');
      if (output !== 'text') {
        writeEnvelope(io.stdout, output, { ok: true, result });
      } else if (live) {
        const done = `✔ ${actionName} finished in ${formatDuration(Date.now() - started)}`;
        io.stderr.write(`${stylerFor(io.stderr)('green', done)}\n`);
        writeDocument(io.stdout, 'yaml', result ?? null);
      } else {
        io.stdout.write(`${toJson(result ?? null, 2)}\n`);
      }
      return EXIT_CODES.OK;
    });
  } finally {
    await journal?.close().catch(() => undefined);
  }
}
