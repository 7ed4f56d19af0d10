import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatJobsTable } from '../jobs/format-jobs-table.js';
import { writeDocument } from '../render/write-document.js';
import { jobsClientFromFlags } from '../serve/ray-client-from-flags.js';
import { runCommand } from './run-command.js';

/** Options of `synapse jobs list`. */
export interface JobsListOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/** `synapse jobs list`: the cluster's Ray jobs as a table, or as Ray returns them with `-o json|yaml`. */
export async function jobsList(options: JobsListOptions, cliIo: CliIo): Promise<ExitCode> {
  return await runCommand(cliIo, { ...options, readOnly: true }, async (scope) => {
    const { io, output, signal } = scope;
    const jobs = jobsClientFromFlags(options, io.env, scope.logger());
    const list = await jobs.listJobs(signal);
    if (output === 'json' || output === 'yaml') writeDocument(io.stdout, output, list, 2);
    else if (list.length === 0) io.stdout.write(`no Ray jobs on ${jobs.address}\n`);
    else io.stdout.write(`${formatJobsTable(list)}\n`);
    return EXIT_CODES.OK;
  });
}
