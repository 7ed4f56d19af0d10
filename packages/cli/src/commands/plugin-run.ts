import { JobReporter } from '@synapse-sdk/clients';
import { ConsoleLogger } from '@synapse-sdk/core';

import type { CliIo } from '../cli-io.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { configFlagEnv } from '../options/config-flags.js';
import { outputFormatOf, type OutputFormat } from '../options/output-format.js';
import { timeoutMsOf } from '../options/timeout-option.js';
import { formatDuration } from '../render/format-time.js';
import { LineReporter } from '../render/line-reporter.js';
import { LiveRenderer } from '../render/live-renderer.js';
import type { RunReporter } from '../render/run-reporter.js';
import { allReporters, NdjsonReporter } from '../render/ndjson-reporter.js';
import { toJson } from '../render/to-json.js';
import { stylerFor } from '../render/style.js';
import { writeDocument, writeEnvelope } from '../render/write-document.js';
import { createCancelSignal } from '../run/cancel-signal.js';
import { prepareAction, previewSteps } from '../run/prepare-action.js';
import { redirectStdout } from '../run/redirect-stdout.js';
import { reportError } from './command-error.js';

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
 * back) and exits 130; `--timeout` does the same once it elapses and exits 124. With `-o json|yaml|ndjson`, stdout holds only that format (with ndjson
 * the run's events, then the result) and what the plugin writes to stdout goes to stderr.
 */
export async function pluginRun(
  actionName: string,
  options: PluginRunOptions,
  cliIo: CliIo,
): Promise<ExitCode> {
  let output: OutputFormat;
  let timeoutMs: number | undefined;
  try {
    output = outputFormatOf(options);
    timeoutMs = timeoutMsOf(options);
  } catch (error) {
    return reportError(cliIo, error, { verbose: options.verbose === true });
  }
  const redirect = output === 'text' ? undefined : redirectStdout(cliIo);
  const io: CliIo = redirect ? { ...cliIo, stdout: redirect.stdout } : cliIo;
  const live = io.stderr.isTTY === true && io.stdout.isTTY === true && output === 'text';
  const display: RunReporter = live ? new LiveRenderer(io.stderr) : new LineReporter(io.stderr);
  const reporter =
    output === 'ndjson' ? allReporters(new NdjsonReporter(io.stdout), display) : display;
  // Steps' structured events are shown by the reporter; the logger adds warnings (and all
  // HTTP traffic with --verbose).
  const logger = new ConsoleLogger({
    level: options.verbose ? 'debug' : 'warn',
    stream: { write: (chunk: string) => reporter.log(chunk) },
  });
  const cancel = createCancelSignal((message) => reporter.log(message), { timeoutMs });
  let workBegan = false;
  const rolledBack: string[] = [];
  const started = Date.now();
  try {
    const prepared = await prepareAction({
      action: actionName,
      path: options.path,
      params: options.params,
      flagEnv: configFlagEnv(options),
      processEnv: io.env,
      cwd: io.cwd,
      logger,
      signal: cancel.signal,
    });
    const { ctx, action } = prepared;
    ctx.events.on('step:end', (e) => {
      if (e.result.success) workBegan = true;
    });
    ctx.events.on('progress', (e) => {
      if (e.current > 0) workBegan = true;
    });
    ctx.events.on('step:rollback', (e) => {
      if (e.success) rolledBack.push(e.step);
    });
    reporter.attach(ctx.events, previewSteps(action, ctx));
    // With a job, the run is mirrored on it in Synapse (progress, metrics, log events).
    const job =
      ctx.jobId && ctx.client ? new JobReporter(ctx.client, ctx.jobId, { logger }) : undefined;
    job?.attach(ctx.events);
    let result: unknown;
    try {
      result = await action.run();
    } catch (error) {
      reporter.finish(cancel.signal.aborted ? 'cancelled' : 'failed');
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
  } catch (error) {
    return reportError(io, error, {
      output,
      verbose: options.verbose === true,
      workBegan,
      cancelled: cancel.signal.aborted,
      timedOut: cancel.timedOut,
      rolledBack,
    });
  } finally {
    cancel.dispose();
    redirect?.restore();
  }
}
