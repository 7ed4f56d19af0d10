import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { forExistingJob } from '../jobs/job-not-found.js';
import { jobsClientFromFlags } from '../serve/ray-client-from-flags.js';
import { runCommand } from './run-command.js';

/** Options of `synapse jobs logs`. */
export interface JobsLogsOptions extends Record<string, unknown> {
  follow?: boolean;
  verbose?: boolean;
}

/**
 * `synapse jobs logs ID [--follow]`: prints what the job wrote; with `--follow`, keeps printing
 * until the job ends, then says how it ended (on stderr). Ctrl-C stops following only: the job
 * keeps running.
 */
export async function jobsLogs(
  id: string,
  options: JobsLogsOptions,
  cliIo: CliIo,
): Promise<ExitCode> {
  return await runCommand(cliIo, { ...options, readOnly: true }, async (scope) => {
    const { io, signal } = scope;
    const jobs = jobsClientFromFlags(options, io.env, scope.logger());
    if (options.follow !== true) {
      io.stdout.write(await forExistingJob(id, jobs.address, () => jobs.getLogs(id, signal)));
      return EXIT_CODES.OK;
    }
    await forExistingJob(id, jobs.address, () => jobs.getJob(id, signal));
    // Stopping to follow is the expected way out: the line below says it, not a notice.
    scope.onCancelNotice(() => undefined);
    try {
      await jobs.followLogs(id, { signal, onText: (text) => io.stdout.write(text) });
    } catch (error) {
      if (!signal.aborted) throw error;
      io.stderr.write(
        `stopped following; Ray job '${id}' keeps running ('synapse jobs stop ${id}' stops it)\n`,
      );
      return EXIT_CODES.CANCELLED;
    }
    const job = await jobs.getJob(id, signal);
    io.stderr.write(
      `Ray job '${id}' ended: ${job.status}${job.message ? ` (${job.message.split('\n')[0]})` : ''}\n`,
    );
    return EXIT_CODES.OK;
  });
}
