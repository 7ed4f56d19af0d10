import { z } from 'zod';

import { REMOTE_URI_SCHEMES } from '../package-uri.js';

/** Statuses of a Ray job; the last three are terminal. */
export const RAY_JOB_STATUSES = ['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED'] as const;

/** A Ray job status; unknown future values are plain strings. */
export type RayJobStatus = (typeof RAY_JOB_STATUSES)[number] | (string & {});

const TERMINAL: ReadonlySet<string> = new Set(['STOPPED', 'SUCCEEDED', 'FAILED']);

/** Whether a job in `status` can no longer change (STOPPED, SUCCEEDED or FAILED). */
export function isTerminalJobStatus(status: string): boolean {
  return TERMINAL.has(status);
}

/**
 * Submission ids this SDK sends: letters, digits, `_`, `.` and `-`. Ray accepts any string, but
 * the id ends up in a URL path, a log file name and an actor name.
 */
export const SUBMISSION_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

const stringMap = () => z.record(z.string(), z.string());
const nonNegative = (what: string) =>
  z.number({ error: `${what} must be a number` }).min(0, `${what} must be 0 or more`);

const workingDir = z.string().refine(
  (value) => {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
    return scheme !== undefined && REMOTE_URI_SCHEMES.includes(scheme);
  },
  {
    error: (issue) =>
      `"${String(issue.input)}" is not a remote URI: Ray accepts a local working_dir, then fails the job; upload the directory as a package (gcs://_ray_pkg_<hash>.zip) first`,
  },
);

/**
 * The body of `POST /api/jobs/` (Ray's `JobSubmitRequest`), checked before it is sent. Unknown
 * keys are refused: Ray answers them with a 400 traceback.
 */
export const JobSubmitRequestSchema = z.strictObject({
  /** Shell command run on the cluster, in the working_dir, e.g. `python train.py`. */
  entrypoint: z.string().trim().min(1, 'entrypoint must be a non-empty shell command'),
  submission_id: z
    .string()
    .regex(
      SUBMISSION_ID_PATTERN,
      'submission_id must be 1-128 letters, digits, "_", "." or "-", starting with a letter, digit or "_"',
    )
    .optional(),
  runtime_env: z.looseObject({ working_dir: workingDir.optional() }).optional(),
  metadata: stringMap().optional(),
  entrypoint_num_cpus: nonNegative('entrypoint_num_cpus').optional(),
  entrypoint_num_gpus: nonNegative('entrypoint_num_gpus').optional(),
  entrypoint_memory: z.int('entrypoint_memory must be a whole number of bytes').min(0).optional(),
  entrypoint_resources: z.record(z.string(), nonNegative('a resource quantity')).optional(),
  entrypoint_label_selector: stringMap().optional(),
});

/** What {@link RayJobsClient.submit} sends. */
export type JobSubmitRequest = z.input<typeof JobSubmitRequestSchema>;

/** `POST /api/jobs/` answer. `job_id` is the same id (deprecated by Ray). */
export const JobSubmitResponseSchema = z.looseObject({
  submission_id: z.string(),
  job_id: z.string().nullish(),
});

/**
 * One job as `GET /api/jobs/{id}` and `GET /api/jobs/` return it (Ray's `JobDetails`). Lenient:
 * only `status` and `type` are required; `job_id` is null until (and unless) the entrypoint
 * starts a Ray driver, so key on `submission_id`.
 */
export const JobDetailsSchema = z.looseObject({
  type: z.string(),
  job_id: z.string().nullish(),
  submission_id: z.string().nullish(),
  status: z.string(),
  entrypoint: z.string().nullish(),
  message: z.string().nullish(),
  error_type: z.string().nullish(),
  /** Unix time in ms. */
  start_time: z.number().nullish(),
  /** Unix time in ms, once terminal. */
  end_time: z.number().nullish(),
  metadata: stringMap().nullish(),
  runtime_env: z.record(z.string(), z.unknown()).nullish(),
  driver_agent_http_address: z.string().nullish(),
  driver_node_id: z.string().nullish(),
  driver_exit_code: z.number().nullish(),
});

/** A job as the dashboard describes it. */
export type JobDetails = z.infer<typeof JobDetailsSchema>;

/** `GET /api/jobs/`: submission jobs and plain driver jobs. */
export const JobListSchema = z.array(JobDetailsSchema);

/** `GET /api/jobs/{id}/logs`. */
export const JobLogsResponseSchema = z.looseObject({ logs: z.string() });

/** `POST /api/jobs/{id}/stop`: whether the job was still running. */
export const JobStopResponseSchema = z.looseObject({ stopped: z.boolean() });

/** `DELETE /api/jobs/{id}`. */
export const JobDeleteResponseSchema = z.looseObject({ deleted: z.boolean() });
