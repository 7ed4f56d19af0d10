import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { writeEnvelope } from '../render/write-document.js';
import { formatRunsList } from '../runs/format-runs-list.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import { readRuns } from '../runs/read-runs.js';
import { summarizeRun } from '../runs/run-summary.js';
import { runCommand } from './run-command.js';

/** Options of `synapse runs list`. */
export interface RunsListOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse runs list`: the runs the journal holds, newest first, with their status; the ones
 * that may have left the cluster changed (interrupted, rollback failed) are marked. Reads the
 * state directory only.
 */
export async function runsList(options: RunsListOptions, cliIo: CliIo): Promise<ExitCode> {
  return await runCommand(cliIo, { ...options, readOnly: true }, async ({ io, output }) => {
    const store = journalStoreFor(io.env);
    const runs = (await readRuns(store)).map(summarizeRun);
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(io.stdout, output, { ok: true, result: { location: store.location, runs } });
    } else {
      io.stdout.write(formatRunsList(runs, store.location));
    }
    return EXIT_CODES.OK;
  });
}
