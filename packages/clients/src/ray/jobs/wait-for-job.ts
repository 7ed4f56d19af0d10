import type { Logger } from '@synapse-sdk/core/base';
import { CancelledError } from '@synapse-sdk/core/base';

import type { PollOptions } from '../poll.js';
import { notifyListener, pollUntil } from '../poll.js';
import { JobTimeoutError } from './job-errors.js';
import type { JobDetails } from './job-schemas.js';
import { isTerminalJobStatus } from './job-schemas.js';

/** First delay between two status polls of a job. */
export const JOB_POLL_INTERVAL_MS = 250;

/** Options of {@link RayJobsClient.waitForJob}. */
export interface WaitForJobOptions extends PollOptions {
  /** First delay between polls; doubles up to `maxPollIntervalMs`. @default {@link JOB_POLL_INTERVAL_MS} */
  pollIntervalMs?: number | undefined;
  /** Called with the job whenever its status or message changes. Must not throw. */
  onStatus?: ((job: JobDetails) => void) | undefined;
  /** The job's last log lines, for the timeout error. */
  lastLogLines?: (() => readonly string[]) | undefined;
  logger?: Logger | undefined;
}

/** Reads the job once; the wait passes the signal that bounds it. */
export type FetchJob = (signal: AbortSignal) => Promise<JobDetails>;

/**
 * Polls a job until its status is terminal (STOPPED, SUCCEEDED or FAILED) and returns it, which
 * ever it is. 502/503/504 and connection errors while polling are tolerated until the timeout.
 * @throws JobTimeoutError (JOB_TIMEOUT), CancelledError, NotFoundError when the job vanished.
 */
export function waitForJob(
  fetchJob: FetchJob,
  id: string,
  options: WaitForJobOptions,
): Promise<JobDetails> {
  let last: JobDetails | undefined;
  let lastKey = '';
  return pollUntil(
    {
      subject: `Ray job '${id}'`,
      defaultIntervalMs: JOB_POLL_INTERVAL_MS,
      read: fetchJob,
      check: (job) => {
        last = job;
        const key = `${job.status}\n${job.message ?? ''}`;
        if (key !== lastKey) {
          lastKey = key;
          notifyListener(options.onStatus, job, options.logger);
        }
        return isTerminalJobStatus(job.status) ? job : undefined;
      },
      stopped: (why) =>
        why === 'cancelled'
          ? new CancelledError(`Cancelled while waiting for Ray job '${id}' to end`)
          : new JobTimeoutError({
              submissionId: id,
              timeoutMs: options.timeoutMs,
              lastStatus: last?.status,
              lastMessage: last?.message ?? undefined,
              lastLogLines: options.lastLogLines?.() ?? [],
            }),
      logger: options.logger,
    },
    options,
  );
}
