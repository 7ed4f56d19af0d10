import { z } from 'zod';

/*
 * What the Ray dashboard answers. Lenient on purpose: Ray omits unset fields, renames and adds
 * fields between versions, and may grow new enum values, so only what a client cannot work
 * without is required (the `applications` map and each application's `status`). Unknown keys
 * are kept.
 */

/** Known application statuses; others are passed through as plain strings. */
export const APPLICATION_STATUSES = [
  'NOT_STARTED',
  'DEPLOYING',
  'DEPLOY_FAILED',
  'RUNNING',
  'UNHEALTHY',
  'DELETING',
] as const;

/** An application status; unknown future values are plain strings. */
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number] | (string & {});

/** Known deployment statuses; others are passed through as plain strings. */
export type DeploymentStatus =
  | 'UPDATING'
  | 'HEALTHY'
  | 'UNHEALTHY'
  | 'DEPLOY_FAILED'
  | 'UPSCALING'
  | 'DOWNSCALING'
  | (string & {});

const record = () => z.record(z.string(), z.unknown());

/** One replica of a deployment. */
export const ReplicaDetailsSchema = z.looseObject({
  replica_id: z.string().nullish(),
  state: z.string().nullish(),
  pid: z.number().nullish(),
  start_time_s: z.number().nullish(),
  node_id: z.string().nullish(),
  node_ip: z.string().nullish(),
  actor_id: z.string().nullish(),
  actor_name: z.string().nullish(),
  worker_id: z.string().nullish(),
  log_file_path: z.string().nullish(),
});

/** One deployment of an application. */
export const DeploymentDetailsSchema = z.looseObject({
  name: z.string().nullish(),
  status: z.string().nullish(),
  status_trigger: z.string().nullish(),
  message: z.string().nullish(),
  deployment_config: record().nullish(),
  target_num_replicas: z.number().nullish(),
  required_resources: record().nullish(),
  replicas: z.array(ReplicaDetailsSchema).nullish(),
});

/** One application as Ray reports it. */
export const ApplicationDetailsSchema = z.looseObject({
  status: z.string(),
  name: z.string().nullish(),
  route_prefix: z.string().nullish(),
  docs_path: z.string().nullish(),
  message: z.string().nullish(),
  last_deployed_time_s: z.number().nullish(),
  deployed_app_config: record().nullish(),
  source: z.string().nullish(),
  deployments: z.record(z.string(), DeploymentDetailsSchema).nullish(),
  external_scaler_enabled: z.boolean().nullish(),
});

/** The answer of `GET /api/serve/applications/`. */
export const ServeInstanceDetailsSchema = z.looseObject({
  applications: z.record(z.string(), ApplicationDetailsSchema),
  controller_info: record().nullish(),
  proxy_location: z.string().nullish(),
  http_options: record().nullish(),
  grpc_options: record().nullish(),
  proxies: z.record(z.string(), record()).nullish(),
  deploy_mode: z.string().nullish(),
  target_capacity: z.number().nullish(),
});

/** The answer of `GET /api/version`. */
export const RayVersionSchema = z.looseObject({
  version: z.string(),
  ray_version: z.string(),
  ray_commit: z.string().nullish(),
  session_name: z.string().nullish(),
});

/** The answer of `GET /api/authentication_mode`. */
export const AuthModeSchema = z.looseObject({ authentication_mode: z.string() });

/** One replica of a deployment. */
export type ReplicaDetails = z.infer<typeof ReplicaDetailsSchema>;
/** One deployment of an application; `status` is a {@link DeploymentStatus}. */
export type DeploymentDetails = z.infer<typeof DeploymentDetailsSchema>;
/** One application; `status` is an {@link ApplicationStatus}. */
export type ApplicationDetails = z.infer<typeof ApplicationDetailsSchema>;
/** The answer of `GET /api/serve/applications/`. */
export type ServeInstanceDetails = z.infer<typeof ServeInstanceDetailsSchema>;
/** The answer of `GET /api/version`. */
export type RayVersion = z.infer<typeof RayVersionSchema>;
