import { ConsoleLogger } from '@synapse-sdk/core';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatJobsTable } from '../jobs/format-jobs-table.js';
import type { OutputFormat } from '../options/output-format.js';
import { outputFormatOf } from '../options/output-format.js';
import { writeDocument } from '../render/write-document.js';
import { jobsClientFromFlags } from '../serve/ray-client-from-flags.js';
import { reportError } from './command-error.js';

/** Options of `synapse jobs list`. */
export interface JobsListOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/** `synapse jobs list`: the cluster's Ray jobs as a table, or as Ray returns them with `-o json|yaml`. */
export async function jobsList(options: JobsListOptions, io: CliIo): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  try {
    output = outputFormatOf(options);
    const logger = new ConsoleLogger({
      level: options.verbose ? 'debug' : 'warn',
      stream: io.stderr,
    });
    const jobs = jobsClientFromFlags(options, io.env, logger);
    const list = await jobs.listJobs();
    if (output === 'json' || output === 'yaml') writeDocument(io.stdout, output, list, 2);
    else if (list.length === 0) io.stdout.write(`no Ray jobs on ${jobs.address}\n`);
    else io.stdout.write(`${formatJobsTable(list)}\n`);
    return EXIT_CODES.OK;
  } catch (error) {
    return reportError(io, error, { output, verbose: options.verbose === true });
  }
}
