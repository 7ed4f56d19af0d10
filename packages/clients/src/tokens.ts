import type { ServiceIdentifier } from 'inversify';

import type { AgentClient } from './agent/agent-client.js';
import type { BackendClient } from './backend/backend-client.js';
import type { RayJobsClient } from './ray/jobs/ray-jobs-client.js';
import type { RayServeClient } from './ray/ray-serve-client.js';

/** DI token of the {@link RayServeClient}. */
export const RAY_SERVE_CLIENT: ServiceIdentifier<RayServeClient> = Symbol.for(
  '@synapse-sdk/clients/RayServeClient',
);

/** DI token of the {@link BackendClient}. */
export const BACKEND_CLIENT: ServiceIdentifier<BackendClient> = Symbol.for(
  '@synapse-sdk/clients/BackendClient',
);

/** DI token of the {@link AgentClient}. */
export const AGENT_CLIENT: ServiceIdentifier<AgentClient> = Symbol.for(
  '@synapse-sdk/clients/AgentClient',
);

/** DI token of the {@link RayJobsClient}. */
export const RAY_JOBS_CLIENT: ServiceIdentifier<RayJobsClient> = Symbol.for(
  '@synapse-sdk/clients/RayJobsClient',
);
