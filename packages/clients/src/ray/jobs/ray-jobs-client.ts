import { zodIssues } from '@synapse-sdk/core/base';

import type { ClientCommonOptions, Env } from '../../http/client-options.js';
import { errorForStatus } from '../../http/error-mapping.js';
import { NotFoundError, RequestValidationError, ServerError } from '../../http/errors.js';
import type { FileBody, HttpClient } from '../../http/http-client.js';
import type { RayDashboardClientOptions } from '../dashboard-http.js';
import { createDashboardHttp, dashboardOptionsFromEnv } from '../dashboard-http.js';
import { hasPackage, uploadPackage } from '../package-store.js';
import type { FollowJobLogsOptions } from './follow-job-logs.js';
import { followJobLogs } from './follow-job-logs.js';
import { JobExistsError, JobStopTimeoutError, JobTimeoutError } from './job-errors.js';
import type { JobDetails, JobSubmitRequest, RayJobStatus } from './job-schemas.js';
import {
  JobDeleteResponseSchema,
  JobDetailsSchema,
  JobListSchema,
  JobLogsResponseSchema,
  JobStopResponseSchema,
  JobSubmitRequestSchema,
  JobSubmitResponseSchema,
} from './job-schemas.js';
import type { WaitForJobOptions } from './wait-for-job.js';
import { waitForJob } from './wait-for-job.js';

/** Options of {@link RayJobsClient}: the dashboard address and token, like `RayServeClient`. */
export type RayJobsClientOptions = RayDashboardClientOptions;

const JOBS_PATH = '/api/jobs/';

/** How long {@link RayJobsClient.stopAndWait} waits for the job to end (Ray takes about a second). */
export const JOB_STOP_WAIT_MS = 30_000;

/** Options of {@link RayJobsClient.stopAndWait}. */
export interface StopAndWaitOptions {
  /** How long to wait for the job to end. @default {@link JOB_STOP_WAIT_MS} */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  logger?: ClientCommonOptions['logger'];
}

/**
 * Client of the Ray Jobs REST API on the dashboard (`/api/jobs/`), on the same HTTP layer as
 * the Serve client: token auth, timeouts, retries of idempotent calls, errors that name the URL,
 * redaction. Jobs are addressed by submission id (`job_id` may be null).
 *
 * @example
 * ```ts
 * const jobs = RayJobsClient.fromEnv(process.env);
 * await jobs.uploadPackage(pkg.uri, pkg.bytes);
 * const id = await jobs.submit({
 *   entrypoint: 'python train.py',
 *   submission_id: 'train-1',
 *   runtime_env: { working_dir: pkg.uri },
 * });
 * await jobs.followLogs(id, { onText: (text) => process.stdout.write(text) });
 * const job = await jobs.waitForJob(id, { timeoutMs: 3_600_000 });
 * ```
 */
export class RayJobsClient {
  private readonly http: HttpClient;
  private readonly headers: Record<string, string>;
  private readonly logger: ClientCommonOptions['logger'];

  public constructor(options: RayJobsClientOptions) {
    const { http, headers } = createDashboardHttp(options);
    this.http = http;
    this.headers = headers;
    this.logger = options.logger;
  }

  /** A client for `RAY_DASHBOARD_ADDRESS` (default `http://localhost:8265`) and `RAY_AUTH_TOKEN`. */
  public static fromEnv(env: Env, options: ClientCommonOptions = {}): RayJobsClient {
    return new RayJobsClient(dashboardOptionsFromEnv(env, options));
  }

  /** The dashboard's base URL, without credentials. */
  public get address(): string {
    return this.http.displayBaseUrl;
  }

  /**
   * `POST /api/jobs/`: submits a job and returns its submission id. The request is checked
   * first (a local `working_dir` is refused: Ray accepts it, then fails the job). Sent once,
   * never retried: with a `submission_id`, a caller that lost the answer can look the job up.
   * @throws RequestValidationError before sending; JobExistsError (JOB_EXISTS) when Ray has a
   *   job with this `submission_id` already.
   */
  public async submit(request: JobSubmitRequest, signal?: AbortSignal): Promise<string> {
    const parsed = JobSubmitRequestSchema.safeParse(request);
    if (!parsed.success) {
      throw RequestValidationError.beforeSend(
        this.http.callTo('POST', JOBS_PATH),
        'job submission',
        zodIssues(parsed.error, JobSubmitRequestSchema),
      );
    }
    const response = await this.http.request({
      method: 'POST',
      path: JOBS_PATH,
      json: parsed.data,
      signal,
      acceptStatuses: [500],
    });
    if (response.status === 500) {
      const text = response.body.toString('utf8');
      const target = this.http.callTarget('POST', JOBS_PATH);
      const id = parsed.data.submission_id;
      // Ray's agent refuses a duplicate with a ValueError that its head turns into a 500.
      if (id !== undefined && text.includes(`submission_id ${id} already exists`)) {
        throw new JobExistsError(id, {
          ...this.http.callTo('POST', JOBS_PATH),
          status: 500,
          description: '',
        });
      }
      throw errorForStatus(target, 500, text, response.headers);
    }
    return this.http.parseJson('POST', response, JobSubmitResponseSchema).submission_id;
  }

  /**
   * `GET /api/jobs/{id}`: the job with this submission (or job) id.
   * @throws NotFoundError (HTTP_NOT_FOUND) when Ray has no such job.
   */
  public getJob(id: string, signal?: AbortSignal): Promise<JobDetails> {
    return this.http.requestJson({ method: 'GET', path: jobPath(id), signal }, JobDetailsSchema);
  }

  /** Like {@link getJob}, but undefined when Ray has no such job. */
  public async findJob(id: string, signal?: AbortSignal): Promise<JobDetails | undefined> {
    try {
      return await this.getJob(id, signal);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** `GET /api/jobs/`: every job Ray knows, submitted ones and plain driver jobs. */
  public listJobs(signal?: AbortSignal): Promise<JobDetails[]> {
    return this.http.requestJson({ method: 'GET', path: JOBS_PATH, signal }, JobListSchema);
  }

  /** `GET /api/jobs/{id}/logs`: everything the job printed so far (empty before it starts). */
  public async getLogs(id: string, signal?: AbortSignal): Promise<string> {
    const body = await this.http.requestJson(
      { method: 'GET', path: `${jobPath(id)}/logs`, signal },
      JobLogsResponseSchema,
    );
    return body.logs;
  }

  /**
   * Streams the job's logs to `onText` as they are written (WebSocket
   * `/api/jobs/{id}/logs/tail`, polling `/logs` where WebSockets are refused) and resolves once
   * the job has ended and everything was delivered.
   * @throws NotFoundError, AuthError, ClientConnectionError when the stream keeps breaking, CancelledError.
   */
  public followLogs(id: string, options: FollowJobLogsOptions): Promise<void> {
    return followJobLogs(
      {
        http: this.http,
        headers: this.headers,
        logger: this.logger,
        status: async (jobId, signal) => (await this.getJob(jobId, signal)).status,
        logs: (jobId, signal) => this.getLogs(jobId, signal),
      },
      id,
      options,
    );
  }

  /**
   * `POST /api/jobs/{id}/stop`: asks Ray to stop the job; true when it was still running. Safe
   * to repeat. The job turns STOPPED about a second later; one still PENDING on resources turns
   * STOPPED once Ray schedules it.
   */
  public async stop(id: string, signal?: AbortSignal): Promise<boolean> {
    const body = await this.http.requestJson(
      { method: 'POST', path: `${jobPath(id)}/stop`, signal, idempotent: true },
      JobStopResponseSchema,
    );
    return body.stopped;
  }

  /**
   * `DELETE /api/jobs/{id}`: forgets an ended job (its status and logs).
   * @throws ServerError with a hint when the job has not ended yet (Ray refuses with 500).
   */
  public async delete(id: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const body = await this.http.requestJson(
        { method: 'DELETE', path: jobPath(id), signal },
        JobDeleteResponseSchema,
      );
      return body.deleted;
    } catch (error) {
      if (error instanceof ServerError && error.serverMessage?.includes('non-terminal state')) {
        throw new ServerError({
          service: error.service,
          method: error.method,
          url: error.url,
          status: error.status,
          serverMessage: error.serverMessage,
          description: `Ray job '${id}' has not ended, and Ray deletes only ended jobs`,
          hint: `stop it first ('synapse jobs stop ${id}'), then delete it`,
        });
      }
      throw error;
    }
  }

  /** Whether the dashboard's package store holds `uri` (see `RayServeClient.hasPackage`). */
  public hasPackage(uri: string, signal?: AbortSignal): Promise<boolean> {
    return hasPackage(this.http, uri, signal);
  }

  /** Stores a working_dir zip, from memory or a file, under `uri` (see `RayServeClient.uploadPackage`). */
  public uploadPackage(
    uri: string,
    zip: Uint8Array | FileBody,
    signal?: AbortSignal,
  ): Promise<void> {
    return uploadPackage(this.http, uri, zip, signal);
  }

  /**
   * Asks Ray to stop the job ({@link stop}) and waits until it has ended. Returns its final
   * status, or `PENDING` for a job still waiting for resources: Ray stops it once it is
   * scheduled, without running its command.
   * @throws JobStopTimeoutError (JOB_STOP_TIMEOUT) when it is still running after the wait.
   */
  public async stopAndWait(id: string, options: StopAndWaitOptions = {}): Promise<RayJobStatus> {
    await this.stop(id, options.signal);
    try {
      const job = await this.waitForJob(id, {
        timeoutMs: options.timeoutMs ?? JOB_STOP_WAIT_MS,
        signal: options.signal,
        logger: options.logger,
      });
      return job.status;
    } catch (error) {
      if (!(error instanceof JobTimeoutError)) throw error;
      if (error.lastStatus === 'PENDING') return 'PENDING';
      throw new JobStopTimeoutError(
        id,
        error,
        `check it with 'synapse jobs list' and stop it again with 'synapse jobs stop ${id}'`,
      );
    }
  }

  /**
   * Polls the job until it has ended and returns it, whatever its final status.
   * @throws JobTimeoutError (JOB_TIMEOUT), CancelledError, NotFoundError.
   */
  public waitForJob(id: string, options: WaitForJobOptions): Promise<JobDetails> {
    return waitForJob(
      (signal) =>
        this.http.requestJson(
          { method: 'GET', path: jobPath(id), signal, retry: false },
          JobDetailsSchema,
        ),
      id,
      {
        ...options,
        clock: options.clock ?? this.http.clock,
        logger: options.logger ?? this.logger,
      },
    );
  }
}

function jobPath(id: string): string {
  return `${JOBS_PATH}${encodeURIComponent(id)}`;
}
