import { CancelledError, silentLogger } from '@synapse-sdk/core';
import type { Logger } from '@synapse-sdk/core';

import { isTransientError } from '../../http/is-transient-error.js';
import { sleep } from '../../http/retry.js';
import { JobTimeoutError } from './job-errors.js';
import { isTerminalJobStatus, type JobDetails } from './job-schemas.js';

/** Options of {@link RayJobsClient.waitForJob}. */
export interface WaitForJobOptions {
  /** Give up after this long. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** First delay between polls; doubles up to `maxPollIntervalMs`. @default 250 */
  pollIntervalMs?: number;
  /** Longest delay between polls. @default 1000 */
  maxPollIntervalMs?: number;
  /** Called with the job whenever its status or message changes. Must not throw. */
  onStatus?: (job: JobDetails) => void;
  /** The job's last log lines, for the timeout error. */
  lastLogLines?: () => readonly string[];
  logger?: Logger | undefined;
}

/** Reads the job once; the wait passes the signal that bounds it. */
export type FetchJob = (signal: AbortSignal) => Promise<JobDetails>;

/**
 * Polls a job until its status is terminal (STOPPED, SUCCEEDED or FAILED) and returns it, which
 * ever it is. 502/503/504 and connection errors while polling are tolerated until the timeout.
 * @throws JobTimeoutError (JOB_TIMEOUT), CancelledError, NotFoundError when the job vanished.
 */
export async function waitForJob(
  fetchJob: FetchJob,
  id: string,
  options: WaitForJobOptions,
): Promise<JobDetails> {
  const logger = options.logger ?? silentLogger;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('deadline')), options.timeoutMs);
  const signal = options.signal
    ? AbortSignal.any([options.signal, deadline.signal])
    : deadline.signal;
  let interval = options.pollIntervalMs ?? 250;
  const maxInterval = options.maxPollIntervalMs ?? 1_000;
  let last: JobDetails | undefined;
  let lastKey = '';
  let warned = false;

  const stopped = (): Error => {
    if (options.signal?.aborted) {
      return new CancelledError(`Cancelled while waiting for Ray job '${id}' to end`);
    }
    return new JobTimeoutError({
      submissionId: id,
      timeoutMs: options.timeoutMs,
      lastStatus: last?.status,
      lastMessage: last?.message ?? undefined,
      lastLogLines: options.lastLogLines?.() ?? [],
    });
  };

  try {
    for (;;) {
      if (signal.aborted) throw stopped();
      try {
        last = await fetchJob(signal);
        const key = `${last.status}\n${last.message ?? ''}`;
        if (key !== lastKey) {
          lastKey = key;
          notify(options, last, logger);
        }
        if (isTerminalJobStatus(last.status)) return last;
      } catch (error) {
        if (signal.aborted) throw stopped();
        if (!isTransientError(error)) throw error;
        (warned ? logger.debug : logger.warn).call(
          logger,
          `Polling Ray job '${id}' failed; will retry`,
          { error: error instanceof Error ? error.message : String(error) },
        );
        warned = true;
      }
      try {
        await sleep(interval, signal);
      } catch {
        throw stopped();
      }
      interval = Math.min(maxInterval, interval * 2);
    }
  } finally {
    clearTimeout(timer);
  }
}

function notify(options: WaitForJobOptions, job: JobDetails, logger: Logger): void {
  try {
    options.onStatus?.(job);
  } catch (error) {
    logger.warn('onStatus listener threw; ignored', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
