/** Connect and read timeouts of one client, in milliseconds. */
export interface TimeoutOptions {
  /** Time allowed to resolve the host and open the TCP/TLS connection. */
  connectMs: number;
  /** Time allowed for the server to answer once the request is sent, and again to send the body. */
  readMs: number;
}

/** Ray dashboard defaults: connect 5 s, read 30 s (a PUT starts Serve synchronously). */
export const RAY_DASHBOARD_TIMEOUTS: Readonly<TimeoutOptions> = {
  connectMs: 5_000,
  readMs: 30_000,
};

/** Synapse backend defaults, as in the Python SDK: connect 5 s, read 15 s. */
export const BACKEND_TIMEOUTS: Readonly<TimeoutOptions> = { connectMs: 5_000, readMs: 15_000 };

/** Synapse agent defaults, as in the Python SDK: connect 3 s, read 10 s. */
export const AGENT_TIMEOUTS: Readonly<TimeoutOptions> = { connectMs: 3_000, readMs: 10_000 };
