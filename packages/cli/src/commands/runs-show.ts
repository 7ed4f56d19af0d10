import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { writeEnvelope } from '../render/write-document.js';
import { clusterNow, formatClusterNow } from '../runs/cluster-now.js';
import { formatRun } from '../runs/format-run.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import { readRunById } from '../runs/read-runs.js';
import { runView } from '../runs/run-view.js';
import { runCommand } from './run-command.js';

/** Options of `synapse runs show`. */
export interface RunsShowOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse runs show ID`: what each step of the run did, what the cluster holds now of what it
 * changed (and what a rollback would do), and what resuming it would do. `ID`
 * may be a unique prefix of the run id.
 */
export async function runsShow(
  runId: string,
  options: RunsShowOptions,
  cliIo: CliIo,
): Promise<ExitCode> {
  return await runCommand(cliIo, { ...options, readOnly: true }, async ({ io, output }) => {
    const run = await readRunById(journalStoreFor(io.env), runId);
    const view = runView(run);
    const cluster = await clusterNow(run, io.env);
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(io.stdout, output, { ok: true, result: { ...view, cluster } });
    } else {
      const section = formatClusterNow(cluster);
      io.stdout.write(formatRun(view, section === undefined ? [] : [section]));
    }
    return EXIT_CODES.OK;
  });
}
