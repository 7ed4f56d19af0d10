/** The remote services this package talks to; each error names one of them. */
export type ServiceName = 'Ray dashboard' | 'Synapse backend' | 'Synapse agent';

/** What the HTTP layer needs to know about a service to phrase its errors. */
export interface ServiceProfile {
  /** Human name used at the start of every error message. */
  readonly name: ServiceName;
  /** Environment variable that holds the service's address (named in connection errors). */
  readonly addressEnv: string;
  /** Environment variable that holds the service's token (named in auth errors). */
  readonly tokenEnv: string;
}

/** The Ray dashboard (Serve REST API, package store). */
export const RAY_DASHBOARD_SERVICE: ServiceProfile = {
  name: 'Ray dashboard',
  addressEnv: 'RAY_DASHBOARD_ADDRESS',
  tokenEnv: 'RAY_AUTH_TOKEN',
};

/** The Synapse backend API. */
export const BACKEND_SERVICE: ServiceProfile = {
  name: 'Synapse backend',
  addressEnv: 'SYNAPSE_HOST',
  tokenEnv: 'SYNAPSE_ACCESS_TOKEN',
};

/** The Synapse agent running next to the Ray cluster. */
export const AGENT_SERVICE: ServiceProfile = {
  name: 'Synapse agent',
  addressEnv: 'SYNAPSE_AGENT_HOST',
  tokenEnv: 'SYNAPSE_AGENT_TOKEN',
};
