import { redactSecrets, SynapseError } from '@synapse-sdk/core/base';

import type { ClientErrorInit } from '../../http/errors.js';
import { ClientError } from '../../http/errors.js';

/**
 * Ray already has a job with this submission id (it answers 500 with a `ValueError`). A caller
 * that derives the id from its own run can attach to that job instead of submitting again.
 */
export class JobExistsError extends ClientError {
  public readonly submissionId: string;

  public constructor(submissionId: string, init: ClientErrorInit) {
    super('JOB_EXISTS', {
      ...init,
      description: `a job with submission_id '${submissionId}' already exists`,
      hint: 'attach to it (GET /api/jobs/<id>), or submit under another submission_id',
    });
    this.submissionId = submissionId;
  }
}

/** What went wrong with a Ray job: the codes of {@link JobFailedError} and {@link JobTimeoutError}. */
export type JobErrorCode =
  /** The job ended without succeeding (FAILED, or STOPPED by someone else). */
  | 'JOB_FAILED'
  /** The job did not end within the wait's timeout. */
  | 'JOB_TIMEOUT'
  /** The job was asked to stop and is still running after the stop wait. */
  | 'JOB_STOP_TIMEOUT';

/** What {@link JobFailedError} reports. */
export interface JobFailedInit {
  submissionId: string;
  /** `FAILED` or `STOPPED`. */
  status: string;
  /** Ray's message for the job (for a failed start, often a traceback). */
  rayMessage: string;
  /** Ray's error type, e.g. `JOB_ENTRYPOINT_COMMAND_ERROR` or `RUNTIME_ENV_SETUP_FAILURE`. */
  errorType?: string | undefined;
  /** The entrypoint's exit code, when it ran. */
  exitCode?: number | undefined;
  /** The last lines of the job's logs. */
  lastLogLines: readonly string[];
}

const MAX_MESSAGE_DETAIL = 2_000;

/**
 * A Ray job ended without succeeding: FAILED (the entrypoint exited non-zero, or its runtime
 * environment or supervisor could not start) or STOPPED by someone else. The message carries
 * Ray's reason and the job's last log lines.
 */
export class JobFailedError extends SynapseError<JobErrorCode> {
  public readonly submissionId: string;
  public readonly status: string;
  public readonly rayMessage: string;
  public readonly errorType: string | undefined;
  public readonly exitCode: number | undefined;
  public readonly lastLogLines: readonly string[];

  public constructor(init: JobFailedInit) {
    const how = init.status === 'STOPPED' ? 'was stopped' : 'failed';
    const facts = [
      init.status,
      init.errorType,
      init.exitCode === undefined ? undefined : `exit code ${init.exitCode}`,
    ]
      .filter((f) => f !== undefined)
      .join(', ');
    const [firstLine = '', ...rest] = init.rayMessage.trim().split('\n');
    const parts = [
      `Ray job '${init.submissionId}' ${how} (${facts})${firstLine ? `: ${firstLine}` : ''}`,
    ];
    if (init.lastLogLines.length > 0) {
      parts.push(
        `last ${init.lastLogLines.length} log lines:`,
        ...init.lastLogLines.map((l) => `  ${l}`),
      );
    } else if (rest.length > 0) {
      // Without logs (the job never started), Ray's traceback is the only clue.
      parts.push(rest.join('\n').slice(0, MAX_MESSAGE_DETAIL));
    }
    super('JOB_FAILED', redactSecrets(parts.join('\n')), {
      hint:
        init.status === 'STOPPED'
          ? `it was stopped from outside this run; see 'synapse jobs logs ${init.submissionId}'`
          : `fix the cause shown above; the whole log: 'synapse jobs logs ${init.submissionId}'`,
    });
    this.submissionId = init.submissionId;
    this.status = init.status;
    this.rayMessage = redactSecrets(init.rayMessage);
    this.errorType = init.errorType;
    this.exitCode = init.exitCode;
    this.lastLogLines = init.lastLogLines.map((l) => redactSecrets(l));
  }
}

/** What {@link JobTimeoutError} reports. */
export interface JobTimeoutInit {
  submissionId: string;
  timeoutMs: number;
  lastStatus: string | undefined;
  lastMessage: string | undefined;
  lastLogLines: readonly string[];
}

/** A Ray job did not end within its time limit. */
export class JobTimeoutError extends SynapseError<JobErrorCode> {
  public readonly submissionId: string;
  public readonly timeoutMs: number;
  public readonly lastStatus: string | undefined;
  public readonly lastLogLines: readonly string[];

  public constructor(init: JobTimeoutInit) {
    const status = init.lastStatus
      ? `last status ${init.lastStatus}${init.lastMessage?.trim() ? `: ${init.lastMessage.trim().split('\n')[0]}` : ''}`
      : 'its status was never read';
    const parts = [
      `Ray job '${init.submissionId}' did not end within ${Math.round(init.timeoutMs / 1000)} s; ${status}`,
    ];
    if (init.lastLogLines.length > 0) {
      parts.push(
        `last ${init.lastLogLines.length} log lines:`,
        ...init.lastLogLines.map((l) => `  ${l}`),
      );
    }
    super('JOB_TIMEOUT', redactSecrets(parts.join('\n')), {
      hint:
        init.lastStatus === 'PENDING'
          ? 'the job never started: check the cluster has the CPUs, GPUs and resources it asks for, and its runtime_env'
          : 'raise the time limit if the job legitimately needs longer',
    });
    this.submissionId = init.submissionId;
    this.timeoutMs = init.timeoutMs;
    this.lastStatus = init.lastStatus;
    this.lastLogLines = init.lastLogLines.map((l) => redactSecrets(l));
  }
}

/**
 * A Ray job was asked to stop and had still not ended (nor was it PENDING, which Ray stops once
 * it is scheduled) when the wait for the stop was over.
 */
export class JobStopTimeoutError extends SynapseError<JobErrorCode> {
  public readonly submissionId: string;

  public constructor(submissionId: string, waited: JobTimeoutError, hint: string) {
    super(
      'JOB_STOP_TIMEOUT',
      `Ray job '${submissionId}' was asked to stop but is still ${waited.lastStatus ?? 'running'} after ${Math.round(waited.timeoutMs / 1000)} s`,
      { cause: waited, hint },
    );
    this.submissionId = submissionId;
  }
}
