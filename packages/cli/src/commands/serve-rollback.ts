import type { ServeApplicationConfig } from '@synapse-sdk/clients';
import { PluginEnvironment, RunRecorder } from '@synapse-sdk/core';
import type { DeployedRevision } from '@synapse-sdk/steps';
import { classifyChange, configIsLive, fieldChanges } from '@synapse-sdk/steps';

import type { CliIo } from '../cli-io.js';
import { cliVersion } from '../cli-version.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { OutputFormat } from '../options/output-format.js';
import { confirmRollback, notRolledBack } from '../prompt/confirm-rollback.js';
import { LineReporter } from '../render/line-reporter.js';
import { writeEnvelope } from '../render/write-document.js';
import { endRunJournal, endRunJournalWarning } from '../run/run-journal.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import { readRuns } from '../runs/read-runs.js';
import type { RunMeta } from '../runs/run-meta.js';
import { runMetaOf } from '../runs/run-meta.js';
import { formatChange } from '../serve/format-plan.js';
import { rayClientFromFlags } from '../serve/ray-client-from-flags.js';
import {
  revisionRollbackSteps,
  runRevisionRollback,
  SERVE_ROLLBACK_COMMAND,
} from '../serve/revision-rollback.js';
import { historyView } from '../serve/revision-view.js';
import { UsageError } from '../usage-error.js';
import { runCommand } from './run-command.js';

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
  cliIo: CliIo,
): Promise<ExitCode> {
  let workBegan = false;
  const failure = () => ({ workBegan });
  return await runCommand(
    cliIo,
    { ...options, failure },
    async ({ io, output, signal, logger }) => {
      const wanted = revisionNumber(options.to);
      const log = logger();
      const ray = rayClientFromFlags(options, io.env, log);
      const store = journalStoreFor(io.env);
      const liveApp = await ray.getApplication(app, signal);
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
      const confirmed = await confirmRollback(
        {
          yes: options.yes,
          question: `deploy revision ${target.revision} of ${app}? [y/N] `,
          refusal: `refusing to roll ${app} back without confirmation`,
        },
        io,
        signal,
      );
      if (!confirmed) {
        writeResult(io, output, summary, notRolledBack(app));
        return EXIT_CODES.OK;
      }

      const env = new PluginEnvironment(io.env);
      const pipeline = revisionRollbackSteps({
        ray,
        env,
        logger: log,
        signal,
        config: target.config,
      });
      const journal = await RunRecorder.start(store, pipeline.context.runtimeCtx.runId, {
        mode: 'run',
        meta: { ...rollbackMeta(app, target, ray.address) },
        steps: [{ name: 'deploy', resumable: false }],
      });
      pipeline.context.runtimeCtx.attachJournal(journal);
      summary.runId = journal.runId;
      workBegan = true;
      try {
        await runRevisionRollback(pipeline, new LineReporter(io.stderr));
      } catch (error) {
        const warning = await endRunJournal(
          journal,
          io.env,
          signal.aborted ? 'cancelled' : 'failed',
          error,
        );
        io.stderr.write(
          `${warning ?? `run ${journal.runId}: synapse runs show ${journal.runId}`}\n`,
        );
        throw error;
      }
      await endRunJournalWarning(journal, io.env, 'succeeded', io.stderr);
      writeResult(
        io,
        output,
        summary,
        `${app} runs revision ${target.revision} again (run ${journal.runId})`,
      );
      return EXIT_CODES.OK;
    },
  );
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
