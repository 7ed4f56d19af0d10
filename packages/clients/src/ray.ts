/**
 * `@synapse-sdk/clients/ray`: the clients of the Ray dashboard ({@link RayServeClient},
 * {@link RayJobsClient}) and the errors they throw, without the Synapse backend and agent
 * clients. `@synapse-sdk/clients` exports all of it too; a program that starts often and talks
 * only to Ray (the CLI's `serve` and `jobs` commands) imports it from here, and so loads fewer
 * modules.
 *
 * @packageDocumentation
 */

export type { ClientCommonOptions, Env } from './http/client-options.js';
export {
  ClientConnectionError,
  ClientError,
  ClientTimeoutError,
  NotFoundError,
} from './http/errors.js';
export { DEFAULT_RAY_DASHBOARD_ADDRESS } from './ray/dashboard-http.js';
export { isTerminalJobStatus } from './ray/jobs/job-schemas.js';
export { RayJobsClient } from './ray/jobs/ray-jobs-client.js';
export { RayServeClient } from './ray/ray-serve-client.js';
