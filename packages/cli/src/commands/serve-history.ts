import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { writeEnvelope } from '../render/write-document.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import { readRuns } from '../runs/read-runs.js';
import { formatHistory } from '../serve/format-history.js';
import { rayClientFromFlags } from '../serve/ray-client-from-flags.js';
import { historyView } from '../serve/revision-view.js';
import { runCommand } from './run-command.js';

/** Options of `synapse serve history`. */
export interface ServeHistoryOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse serve history APP`: the configs of APP that runs journaled in the state directory
 * sent to the cluster, oldest first — when, which release and params, the config's hash, how
 * the run ended, where it ran — with the live one marked, and drift when the live config
 * matches none. Reads the cluster's live config once; changes nothing.
 */
export async function serveHistory(
  app: string,
  options: ServeHistoryOptions,
  cliIo: CliIo,
): Promise<ExitCode> {
  const command = { ...options, readOnly: true };
  return await runCommand(cliIo, command, async ({ io, output, signal, logger }) => {
    const ray = rayClientFromFlags(options, io.env, logger());
    const live = await ray.getApplication(app, signal);
    const runs = await readRuns(journalStoreFor(io.env));
    const { view } = historyView(runs, app, ray.address, live?.deployed_app_config);
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(io.stdout, output, { ok: true, result: view });
    } else {
      io.stdout.write(formatHistory(view));
    }
    return EXIT_CODES.OK;
  });
}
