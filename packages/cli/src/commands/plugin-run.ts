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
import { runCommand } from './run-command.js';

/** Options of `synapse plugin run`, as commander parses them. */
export interface PluginRunOptions extends Record<string, unknown> {
  path?: string;
  params?: string;
  output?: string;
  json?: boolean;
  verbose?: boolean;
  timeout?: string;
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
): Promise<ExitCode> {
  let workBegan = false;
  const rolledBack: string[] = [];
  const started = Date.now();
  const failure = () => ({ workBegan, rolledBack });
  return await runCommand(cliIo, { ...options, pluginCode: true, failure }, async (scope) => {
    const { io, output, signal } = scope;
    const live = io.stderr.isTTY === true && io.stdout.isTTY === true && output === 'text';
    const display: RunReporter = live ? new LiveRenderer(io.stderr) : new LineReporter(io.stderr);
    const reporter =
      output === 'ndjson' ? allReporters(new NdjsonReporter(io.stdout), display) : display;
    scope.onCancelNotice((message) => reporter.log(message));
    // Steps' structured events are shown by the reporter; the logger adds warnings (and all
    // HTTP traffic with --verbose).
    const logger = scope.logger((chunk) => reporter.log(chunk));
    const { ctx, action } = await prepareAction(
      actionOptions(actionName, options, io, logger, signal),
    );
    ctx.events.on('step:end', (e) => {
      if (e.result.success) workBegan = true;
    });
    ctx.events.on('progress', (e) => {
      if (e.current > 0) workBegan = true;
    });
    ctx.events.on('step:rollback', (e) => {
      if (e.success) rolledBack.push(e.step);
    });
    // Loaded with the engine by prepareAction: imported here, they would load before its first
    // request.
    const [{ previewSteps }, { JobReporter }] = await Promise.all([
      import('../run/preview-steps.js'),
      import('@synapse-sdk/clients'),
    ]);
    reporter.attach(ctx.events, previewSteps(action, ctx));
    // With a job, the run is mirrored on it in Synapse (progress, metrics, log events).
    const job =
      ctx.jobId && ctx.client ? new JobReporter(ctx.client, ctx.jobId, { logger }) : undefined;
    job?.attach(ctx.events);
    let result: unknown;
    try {
      result = await action.run();
    } catch (error) {
      reporter.finish(signal.aborted ? 'cancelled' : 'failed');
      throw error;
    } finally {
      await job?.flush();
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
}
