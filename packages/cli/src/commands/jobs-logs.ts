import { CancelledError, ConsoleLogger } from '@synapse-sdk/core';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { forExistingJob } from '../jobs/job-not-found.js';
import { jobsClientFromFlags } from '../serve/ray-client-from-flags.js';
import { reportError } from './command-error.js';

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
export async function jobsLogs(id: string, options: JobsLogsOptions, io: CliIo): Promise<ExitCode> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new CancelledError('Cancelled by Ctrl-C'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const logger = new ConsoleLogger({
      level: options.verbose ? 'debug' : 'warn',
      stream: io.stderr,
    });
    const jobs = jobsClientFromFlags(options, io.env, logger);
    if (options.follow !== true) {
      io.stdout.write(await forExistingJob(id, jobs.address, () => jobs.getLogs(id)));
      return EXIT_CODES.OK;
    }
    await forExistingJob(id, jobs.address, () => jobs.getJob(id, controller.signal));
    try {
      await jobs.followLogs(id, {
        signal: controller.signal,
        onText: (text) => io.stdout.write(text),
      });
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      io.stderr.write(
        `stopped following; Ray job '${id}' keeps running ('synapse jobs stop ${id}' stops it)\n`,
      );
      return EXIT_CODES.CANCELLED;
    }
    const job = await jobs.getJob(id);
    io.stderr.write(
      `Ray job '${id}' ended: ${job.status}${job.message ? ` (${job.message.split('\n')[0]})` : ''}\n`,
    );
    return EXIT_CODES.OK;
  } catch (error) {
    return reportError(io, error, { verbose: options.verbose === true });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
