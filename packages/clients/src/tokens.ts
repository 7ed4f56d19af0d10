import { describeDependency } from '@synapse-sdk/core/base';
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

describeDependency(
  RAY_SERVE_CLIENT,
  'set RAY_DASHBOARD_ADDRESS (--ray-address), or bind RAY_SERVE_CLIENT in a ContainerModule',
);
describeDependency(
  RAY_JOBS_CLIENT,
  'set RAY_DASHBOARD_ADDRESS (--ray-address), or bind RAY_JOBS_CLIENT in a ContainerModule',
);
describeDependency(
  BACKEND_CLIENT,
  'set SYNAPSE_HOST and SYNAPSE_ACCESS_TOKEN (--host, --token) so that a backend client exists, or bind BACKEND_CLIENT in a ContainerModule',
);
describeDependency(
  AGENT_CLIENT,
  'set SYNAPSE_AGENT_HOST and SYNAPSE_AGENT_TOKEN (--agent-host, --agent-token) so that an agent client exists, or bind AGENT_CLIENT in a ContainerModule',
);
