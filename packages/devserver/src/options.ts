import type { Logger } from '@synapse-sdk/core';

import type { Clock } from './clock.js';

/**
 * Durations of the simulated Serve controller, in milliseconds of the devserver's clock.
 * Defaults are short so the demo feels real without waiting long.
 */
export interface DevServerTimings {
  /** Time an app spends building (`DEPLOYING`, `deployments: {}`) after a new or code-changing PUT. @default 300 */
  buildTimeMs: number;
  /** Time replicas stay `STARTING` (deployment `UPDATING`) before `RUNNING`/`HEALTHY`. @default 300 */
  replicaStartTimeMs: number;
  /** Time a lightweight in-place update (user_config, num_replicas, …) keeps a deployment `UPDATING`. @default 100 */
  lightweightUpdateTimeMs: number;
  /** Time a removed app stays `DELETING` before it disappears. @default 200 */
  deleteTimeMs: number;
  /** Time pending replicas wait before the "taken more than 30s to be scheduled" message appears. @default 30000 */
  schedulingWarningMs: number;
  /** Time a submitted job stays `PENDING` before its entrypoint starts (Ray 2.58: about 2 s). @default 500 */
  jobStartTimeMs: number;
  /** Shortest time a job's entrypoint runs; longer when its scripted output takes longer. @default 1000 */
  jobRunTimeMs: number;
  /** Time between the lines of a job's scripted output. @default 100 */
  jobLineIntervalMs: number;
  /** Time a running job takes to turn `STOPPED` after a stop (Ray 2.58: about 1 s). @default 200 */
  jobStopTimeMs: number;
  /** Time after which a job that never started fails (Ray's `RAY_JOB_START_TIMEOUT_SECONDS`). @default 900000 */
  jobStartTimeoutMs: number;
}

/** The default {@link DevServerTimings}. */
export const DEFAULT_TIMINGS: DevServerTimings = {
  buildTimeMs: 300,
  replicaStartTimeMs: 300,
  lightweightUpdateTimeMs: 100,
  deleteTimeMs: 200,
  schedulingWarningMs: 30_000,
  jobStartTimeMs: 500,
  jobRunTimeMs: 1_000,
  jobLineIntervalMs: 100,
  jobStopTimeMs: 200,
  jobStartTimeoutMs: 900_000,
};

/** Ports of the four listeners; 0 picks a free port. */
export interface DevServerPorts {
  /** Ray dashboard (Serve REST, packages, version, admin API). @default 0 (bin: 8265) */
  dashboard?: number;
  /** Serve data plane (`/-/healthz`, `/-/routes`, app routes). @default 0 (bin: 8000) */
  serve?: number;
  /** Synapse backend. @default 0 (bin: 8266) */
  backend?: number;
  /** Synapse agent. @default 0 (bin: 8267) */
  agent?: number;
}

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string | undefined;
  /** Ports to listen on. @default all 0 (random free ports) */
  ports?: DevServerPorts | undefined;
  /**
   * The Ray release to emulate: `ray_version` of `/api/version`, and from 2.58.0 on Ray 2.58's
   * behaviour (pydantic v2 400 texts, `http://` URIs, DELETE refused to browsers, 2.58's GET
   * fields); below, the older behaviour. @default '2.58.0'
   */
  rayVersion?: string | undefined;
  /** When set, the dashboard runs in token auth mode and requires `Bearer <authToken>`. */
  authToken?: string | undefined;
  /** When set, the backend requires `Synapse-Access-Token: Token <backendToken>`. */
  backendToken?: string | undefined;
  /** When set, the agent requires `Authorization: <agentToken>`. */
  agentToken?: string | undefined;
  /** Overrides of the simulated durations. */
  timings?: Partial<DevServerTimings> | undefined;
  /** Time source; pass a {@link ManualClock} to drive statuses from a test. @default systemClock */
  clock?: Clock | undefined;
  /** Reject unknown keys in the PUT body (Ray ≤ 2.6) instead of ignoring them (Ray ≥ 2.7). @default false */
  strictExtras?: boolean | undefined;
  /**
   * Whether the backend answers a `POST serve_applications/` that repeats an `Idempotency-Key`
   * with the first record. `false` creates a record for every POST, as a backend that does not
   * know the header would. @default true
   */
  honourIdempotencyKeys?: boolean | undefined;
  /** JSON file that keeps apps, packages and backend records across restarts (written on change). */
  stateFile?: string | undefined;
  /** Request body cap of the dashboard (Ray: 100 MiB). @default 104857600 */
  maxBodyBytes?: number | undefined;
  /** Where request and lifecycle logs go. @default silentLogger */
  logger?: Logger | undefined;
}
