import type { CliIo } from '../cli-io.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { outputFormatOf, type OutputFormat } from '../options/output-format.js';
import { writeEnvelope } from '../render/write-document.js';
import { formatRunsList } from '../runs/format-runs-list.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import { readRuns } from '../runs/read-runs.js';
import { summarizeRun } from '../runs/run-summary.js';
import { reportError } from './command-error.js';

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
export async function runsList(options: RunsListOptions, io: CliIo): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  try {
    output = outputFormatOf(options);
    const store = journalStoreFor(io.env);
    const runs = (await readRuns(store)).map(summarizeRun);
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(io.stdout, output, { ok: true, result: { location: store.location, runs } });
    } else {
      io.stdout.write(formatRunsList(runs, store.location));
    }
    return EXIT_CODES.OK;
  } catch (error) {
    return reportError(io, error, { output, verbose: options.verbose === true });
  }
}
