/**
 * `@synapse-sdk/clients`: one HTTP layer on got (timeouts, retries, cancellation, error mapping,
 * secret redaction) and the clients of the Ray dashboard, the Synapse backend and the Synapse
 * agent.
 *
 * @example
 * ```ts
 * import { RayServeClient } from '@synapse-sdk/clients';
 *
 * const ray = RayServeClient.fromEnv(process.env);
 * const { ray_version } = await ray.getVersion();
 * ```
 *
 * @packageDocumentation
 */
export type {
  AgentCallOptions,
  AgentClientOptions,
  AgentServeApplication,
} from './agent/agent-client.js';
export type {
  BackendCallOptions,
  BackendClientOptions,
  CreateServeApplicationOptions,
} from './backend/backend-client.js';
export type { JobReporterOptions } from './backend/job-reporter.js';
export type {
  BackendServeApplication,
  JobStatus,
  LogEntry,
  Page,
  ServeApplicationCreateRequest,
  UpdateJobRequest,
} from './backend/schemas.js';
export type { ClientCommonOptions, Env } from './http/client-options.js';
export type { ClientErrorCode, ClientErrorInit } from './http/errors.js';
export type { FileBody, HttpMethod, RetryEvent, RetryListener } from './http/http-client.js';
export type { ResolvedRetryPolicy } from './http/retry.js';
export type { ServiceName } from './http/service.js';
export type { TimeoutOptions } from './http/timeouts.js';
export type { SearchParams } from './http/url.js';
export type { RayDashboardClientOptions } from './ray/dashboard-http.js';
export type {
  DeployErrorCode,
  DeployFailedInit,
  DeployFailureReason,
  DeployTimeoutInit,
  FailedDeployment,
} from './ray/deploy-errors.js';
export type {
  AutoscalingConfig,
  DeploymentOverride,
  GrpcOptions,
  HttpOptions,
  LoggingConfig,
  ProxyLocation,
  RayActorOptions,
  RuntimeEnv,
  ServeApplicationConfig,
  ServeDeployConfig,
} from './ray/deploy-schema.js';
export type {
  ApplicationDetails,
  ApplicationStatus,
  DeploymentDetails,
  DeploymentStatus,
  RayVersion,
  ReplicaDetails,
  ServeInstanceDetails,
} from './ray/details-schema.js';
export type { FollowJobLogsOptions } from './ray/jobs/follow-job-logs.js';
export type { JobErrorCode, JobFailedInit, JobTimeoutInit } from './ray/jobs/job-errors.js';
export type { JobDetails, JobSubmitRequest, RayJobStatus } from './ray/jobs/job-schemas.js';
export type { RayJobsClientOptions, StopAndWaitOptions } from './ray/jobs/ray-jobs-client.js';
export type { WaitForJobOptions } from './ray/jobs/wait-for-job.js';
export type { PollOptions, PollTarget } from './ray/poll.js';
export type { PutApplicationsOptions, RayServeClientOptions } from './ray/ray-serve-client.js';
export type {
  ApplicationStatusUpdate,
  WaitForApplicationOptions,
} from './ray/wait-for-application.js';

import type { AgentClient } from './agent/agent-client.js';
import type { BackendClient } from './backend/backend-client.js';

export { AgentClient } from './agent/agent-client.js';
export { BackendClient } from './backend/backend-client.js';
export { JobReporter } from './backend/job-reporter.js';
export {
  BackendServeApplicationSchema,
  JOB_STATUSES,
  LogEntrySchema,
  ServeApplicationCreateSchema,
  UpdateJobSchema,
} from './backend/schemas.js';
export {
  AuthError,
  ClientConnectionError,
  ClientError,
  ClientTimeoutError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  UnexpectedStatusError,
} from './http/errors.js';
export { isTransientError } from './http/is-transient-error.js';
export { DEFAULT_RETRY } from './http/retry.js';
export { AGENT_TIMEOUTS, BACKEND_TIMEOUTS, RAY_DASHBOARD_TIMEOUTS } from './http/timeouts.js';
export { DEFAULT_RAY_DASHBOARD_ADDRESS } from './ray/dashboard-http.js';
export { DeployFailedError, DeployTimeoutError } from './ray/deploy-errors.js';
export {
  AutoscalingConfigSchema,
  DeploymentSchema,
  GrpcOptionsSchema,
  HttpOptionsSchema,
  importPathProblem,
  LoggingConfigSchema,
  parseServeDeployConfig,
  ProxyLocationSchema,
  RayActorOptionsSchema,
  remoteUriProblem,
  routePrefixProblem,
  RuntimeEnvSchema,
  ServeApplicationSchema,
  serveDeployConfigIssues,
  ServeDeploySchema,
} from './ray/deploy-schema.js';
export {
  APPLICATION_STATUSES,
  ApplicationDetailsSchema,
  DeploymentDetailsSchema,
  RayVersionSchema,
  ReplicaDetailsSchema,
  ServeInstanceDetailsSchema,
} from './ray/details-schema.js';
export {
  JobExistsError,
  JobFailedError,
  JobStopTimeoutError,
  JobTimeoutError,
} from './ray/jobs/job-errors.js';
export {
  isTerminalJobStatus,
  JobDetailsSchema,
  JobSubmitRequestSchema,
  RAY_JOB_STATUSES,
  SUBMISSION_ID_PATTERN,
} from './ray/jobs/job-schemas.js';
export { JOB_STOP_WAIT_MS, RayJobsClient } from './ray/jobs/ray-jobs-client.js';
export { JOB_POLL_INTERVAL_MS } from './ray/jobs/wait-for-job.js';
export {
  MAX_PACKAGE_BYTES,
  packagePathToUri,
  packageUriToPath,
  REMOTE_URI_SCHEMES,
} from './ray/package-uri.js';
export { MAX_POLL_INTERVAL_MS, pollUntil } from './ray/poll.js';
export { RayServeClient } from './ray/ray-serve-client.js';
export { POLL_INTERVAL_MS } from './ray/wait-for-application.js';
export { AGENT_CLIENT, BACKEND_CLIENT, RAY_JOBS_CLIENT, RAY_SERVE_CLIENT } from './tokens.js';

// Types `ctx.client` and `ctx.agentClient` of core's RuntimeContext for every program that uses
// the clients package (core itself knows nothing about HTTP).
declare module '@synapse-sdk/core' {
  interface RuntimeClientTypes {
    backend: BackendClient;
    agent: AgentClient;
  }
}
