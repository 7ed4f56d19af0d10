import { z } from 'zod';

/** Job statuses the backend accepts in an update. */
export const JOB_STATUSES = ['pending', 'running', 'stopped', 'succeeded', 'failed'] as const;

/** Body of `POST serve_applications/` (the SDK's ServeApplicationCreateRequest; unknown keys refused). */
export const ServeApplicationCreateSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  plugin_release: z.int(),
  action: z.string().min(1, 'must not be empty'),
  params: z.record(z.string(), z.unknown()).nullish(),
  num_replicas: z.int().positive().default(1),
});

/** Body of `PATCH jobs/{id}/` (the SDK's UpdateJobRequest; unknown keys refused). */
export const UpdateJobSchema = z.strictObject({
  status: z.enum(JOB_STATUSES).optional(),
  progress_record: z.record(z.string(), z.unknown()).optional(),
  metrics_record: z.record(z.string(), z.unknown()).optional(),
  console_logs: z.unknown().optional(),
  result: z.unknown().optional(),
});

/** One entry of `POST logs/`. */
export const LogEntrySchema = z.looseObject({
  event: z.string().optional(),
  data: z.unknown().optional(),
  datetime: z.string().optional(),
  job: z.union([z.int(), z.string()]).optional(),
});

/** A serve application record of the backend (only `id` is relied on). */
export const BackendServeApplicationSchema = z.looseObject({
  id: z.union([z.int(), z.string()]),
});

/** One page of a paginated backend list. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    count: z.int().nullish(),
    next: z.string().nullish(),
    previous: z.string().nullish(),
    results: z.array(item),
  });

/** Input of {@link BackendClient.createServeApplication}; `num_replicas` defaults to 1. */
export type ServeApplicationCreateRequest = z.input<typeof ServeApplicationCreateSchema>;
/** Input of {@link BackendClient.updateJob}. */
export type UpdateJobRequest = z.input<typeof UpdateJobSchema>;
/** A job status the backend accepts. */
export type JobStatus = (typeof JOB_STATUSES)[number];
/** One log entry: `{ event, data, datetime, job }` plus any other field the backend takes. */
export type LogEntry = z.input<typeof LogEntrySchema>;
/** A serve application record as the backend returns it. */
export type BackendServeApplication = z.infer<typeof BackendServeApplicationSchema>;

/** One page of a paginated list. */
export interface Page<T> {
  count?: number | null | undefined;
  next?: string | null | undefined;
  previous?: string | null | undefined;
  results: T[];
}
