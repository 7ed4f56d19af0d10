import { isTerminalJobStatus } from '@synapse-sdk/clients/ray';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { forExistingJob } from '../jobs/job-not-found.js';
import { writeEnvelope } from '../render/write-document.js';
import { jobsClientFromFlags } from '../serve/ray-client-from-flags.js';
import { runCommand } from './run-command.js';

/** Options of `synapse jobs stop`. */
export interface JobsStopOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse jobs stop ID`: asks Ray to stop the job and waits until it has ended. A job that
 * already ended is left as it is; one still waiting for resources is stopped by Ray once it is
 * scheduled.
 */
export async function jobsStop(
  id: string,
  options: JobsStopOptions,
  cliIo: CliIo,
): Promise<ExitCode> {
  // A stop cannot be undone: Ctrl-C stops the wait, not the stop Ray was asked for.
  return await runCommand(cliIo, { ...options, readOnly: true }, async (scope) => {
    const { io, output, signal } = scope;
    const jobs = jobsClientFromFlags(options, io.env, scope.logger());
    const before = await forExistingJob(id, jobs.address, () => jobs.getJob(id, signal));
    let status = before.status;
    let note: string;
    if (isTerminalJobStatus(status)) {
      note = `Ray job '${id}' had already ended (${status}); nothing to stop`;
    } else {
      status = await jobs.stopAndWait(id, { signal });
      note =
        status === 'PENDING'
          ? `Ray job '${id}' is still PENDING (waiting for resources); Ray stops it as soon as it is scheduled`
          : `Ray job '${id}' stopped (${status})`;
    }
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(io.stdout, output, { ok: true, result: { submissionId: id, status } });
    } else io.stdout.write(`${note}\n`);
    return EXIT_CODES.OK;
  });
}
