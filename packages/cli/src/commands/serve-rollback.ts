import type { ServeApplicationConfig } from '@synapse-sdk/clients';
import { ConsoleLogger, PluginEnvironment, RunRecorder, runIdFromEnv } from '@synapse-sdk/core';
import {
  classifyChange,
  configIsLive,
  fieldChanges,
  type DeployedRevision,
} from '@synapse-sdk/steps';

import { cliVersion } from '../cli-version.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { outputFormatOf, type OutputFormat } from '../options/output-format.js';
import { confirmInTerminal } from '../prompt/confirm-in-terminal.js';
import { LineReporter } from '../render/line-reporter.js';
import { writeEnvelope } from '../render/write-document.js';
import { createCancelSignal } from '../run/cancel-signal.js';
import { endRunJournal } from '../run/run-journal.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import { readRuns } from '../runs/read-runs.js';
import { runMetaOf, type RunMeta } from '../runs/run-meta.js';
import { formatChange } from '../serve/format-plan.js';
import { rayClientFromFlags } from '../serve/ray-client-from-flags.js';
import { historyView } from '../serve/revision-view.js';
import { runRevisionRollback, SERVE_ROLLBACK_COMMAND } from '../serve/revision-rollback.js';
import { UsageError } from '../usage-error.js';
import { reportError } from './command-error.js';

/** Options of `synapse serve rollback`. */
export interface ServeRollbackOptions extends Record<string, unknown> {
  to?: string;
  yes?: boolean;
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse serve rollback APP [--to REV]`: deploys a revision of APP from `serve history` again
 * — by default the newest one before the live one that succeeded — with a deploy's safety: the
 * plan is shown (and confirmed in a terminal unless `--yes`), packages Ray dropped are uploaded
 * again from the journal, the config is merged under the cluster lock, written ahead, and
 * waited for until RUNNING; on failure the app is put back as it was. Journaled as a run of its
 * own, so `synapse runs rollback` can undo it.
 */
export async function serveRollback(
  app: string,
  options: ServeRollbackOptions,
  io: CliIo,
): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  let workBegan = false;
  const cancel = createCancelSignal((message) => io.stderr.write(`${message}\n`));
  try {
    output = outputFormatOf(options);
    const wanted = revisionNumber(options.to);
    const logger = new ConsoleLogger({
      level: options.verbose ? 'debug' : 'warn',
      stream: io.stderr,
    });
    const ray = rayClientFromFlags(options, io.env, logger);
    const store = journalStoreFor(io.env);
    const liveApp = await ray.getApplication(app, cancel.signal);
    const liveConfig = liveApp?.deployed_app_config;
    const { view, revisions } = historyView(await readRuns(store), app, ray.address, liveConfig);
    if (revisions.length === 0) {
      throw new UsageError(
        `no revision of ${app} on ${ray.address} is recorded in ${store.location}`,
        {
          hint: 'a revision is recorded by each journaled run that deploys it; see synapse serve history',
        },
      );
    }
    const target = pickRevision(revisions, view.live, liveConfig, wanted, app);
    const summary = { app, from: view.live, to: target.revision, runId: null as string | null };
    if (liveApp?.status === 'RUNNING' && configIsLive(target.config, liveConfig)) {
      writeResult(
        io,
        output,
        summary,
        `${app} runs revision ${target.revision} already: nothing to do`,
      );
      return EXIT_CODES.OK;
    }

    const { change } = classifyChange(
      (liveConfig ?? null) as ServeApplicationConfig | null,
      target.config,
    );
    const plan = [
      `rollback of ${app} on ${ray.address} to revision ${target.revision} (run ${target.runId}, ${target.configHash})`,
      `  change: ${change}`,
      ...(liveConfig
        ? [
            '  changed fields (old → new):',
            ...fieldChanges(liveConfig, target.config).map(formatChange),
          ]
        : []),
    ].join('\n');
    io.stderr.write(`${plan}\n`);
    const confirmed =
      options.yes === true ||
      (await confirmInTerminal(
        {
          question: `deploy revision ${target.revision} of ${app}? [y/N] `,
          refusal: `refusing to roll ${app} back without confirmation`,
          hint: 'pass --yes to roll back without asking',
        },
        io,
        cancel.signal,
      ));
    if (!confirmed) {
      writeResult(
        io,
        output,
        summary,
        `not rolled back: ${app} is left as it is (the answer was not yes)`,
      );
      return EXIT_CODES.OK;
    }

    const env = new PluginEnvironment(io.env);
    const journal = await RunRecorder.start(store, runIdFromEnv(env), {
      mode: 'run',
      meta: { ...rollbackMeta(app, target, ray.address) },
      steps: [{ name: 'deploy', resumable: false }],
    });
    summary.runId = journal.runId;
    workBegan = true;
    try {
      await runRevisionRollback(
        { ray, env, logger, signal: cancel.signal, journal, config: target.config },
        new LineReporter(io.stderr),
      );
    } catch (error) {
      const warning = await endRunJournal(
        journal,
        io.env,
        cancel.signal.aborted ? 'cancelled' : 'failed',
        error,
      );
      io.stderr.write(`${warning ?? `run ${journal.runId}: synapse runs show ${journal.runId}`}\n`);
      throw error;
    }
    const warning = await endRunJournal(journal, io.env, 'succeeded');
    if (warning) io.stderr.write(`${warning}\n`);
    writeResult(
      io,
      output,
      summary,
      `${app} runs revision ${target.revision} again (run ${journal.runId})`,
    );
    return EXIT_CODES.OK;
  } catch (error) {
    return reportError(io, error, {
      output,
      verbose: options.verbose === true,
      workBegan,
      cancelled: cancel.signal.aborted,
    });
  } finally {
    cancel.dispose();
  }
}

function revisionNumber(to: string | undefined): number | undefined {
  if (to === undefined) return undefined;
  const n = Number(to);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--to ${to} is not a revision number`, {
      hint: 'pass the REV column of synapse serve history, e.g. --to 3',
    });
  }
  return n;
}

/** `--to`'s revision, else the newest before the live one that succeeded with another config. */
function pickRevision(
  revisions: readonly DeployedRevision[],
  live: number | null,
  liveConfig: unknown,
  wanted: number | undefined,
  app: string,
): DeployedRevision {
  if (wanted !== undefined) {
    const found = revisions.find((revision) => revision.revision === wanted);
    if (!found) {
      throw new UsageError(
        `${app} has no revision ${wanted}; its revisions are 1 to ${revisions.length}`,
        {
          hint: 'see synapse serve history',
        },
      );
    }
    return found;
  }
  const earlier = revisions.filter(
    (revision) =>
      revision.revision < (live ?? Infinity) &&
      revision.runStatus === 'succeeded' &&
      !(liveConfig && configIsLive(revision.config, liveConfig)),
  );
  const found = earlier.at(-1);
  if (!found) {
    throw new UsageError(`${app} has no earlier revision that succeeded to roll back to`, {
      hint: 'pick one with --to REV (see synapse serve history)',
    });
  }
  return found;
}

function rollbackMeta(app: string, target: DeployedRevision, address: string): RunMeta {
  const deployed = runMetaOf(target.meta);
  return {
    command: SERVE_ROLLBACK_COMMAND,
    action: SERVE_ROLLBACK_COMMAND,
    plugin: deployed?.plugin ?? { dir: '' },
    params: {
      app,
      revision: target.revision,
      fromRun: target.runId,
      configHash: target.configHash,
    },
    rayAddress: address,
    sdk: cliVersion(),
  };
}

function writeResult(
  io: CliIo,
  output: OutputFormat,
  summary: Record<string, unknown>,
  text: string,
): void {
  if (output === 'json' || output === 'yaml') {
    writeEnvelope(io.stdout, output, { ok: true, result: summary });
  } else {
    io.stdout.write(`${text}\n`);
  }
}
