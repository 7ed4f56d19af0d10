/**
 * `@synapse-sdk/devserver`: a local simulator of the Ray dashboard's Serve REST API, the Serve
 * proxy, and the Synapse backend and agent endpoints the SDK calls. The default target of the
 * demo and of integration tests; no Ray cluster needed.
 *
 * @example
 * import { ManualClock, startDevServer } from '@synapse-sdk/devserver';
 * const dev = await startDevServer({ clock: new ManualClock() });
 * process.env.RAY_DASHBOARD_ADDRESS = dev.dashboardUrl;
 * await dev.control.advance(600);
 * await dev.stop();
 *
 * @packageDocumentation
 */
export type {
  BackendSnapshot,
  JobPatch,
  JobRecord,
  JobStatus,
  LogEntry,
  ServeApplicationRecord,
} from './backend/backend-store.js';
export type { Clock, TimerHandle } from './clock.js';
export { ManualClock, systemClock } from './clock.js';
export type { ForeignPutResult, RestartOptions } from './control.js';
export { DevServerControl } from './control.js';
export type { DevServer } from './dev-server.js';
export { DEFAULT_BIN_PORTS, startDevServer } from './dev-server.js';
export type { DevServerErrorCode } from './errors.js';
export { DevServerError } from './errors.js';
export type {
  JobFault,
  JobFaultKind,
  JobFaultSpec,
  JobMatch,
  JobOutputSpec,
} from './jobs/job-behaviour.js';
export type { DevServerOptions, DevServerPorts, DevServerTimings } from './options.js';
export { DEFAULT_TIMINGS } from './options.js';
export type { Fault, FaultKind, FaultSpec } from './ray/faults.js';
export type { ImperativeAppSpec } from './ray/serve-state.js';
export type { DelayTarget } from './runtime.js';
export type { HttpFault, HttpFaultEffect, HttpFaultSpec } from './transport/http-faults.js';
export type { DevServerService, RecordedRequest } from './transport/request-log.js';
export { isMutating } from './transport/request-log.js';
export type {
  Trigger,
  TriggerAction,
  TriggerCondition,
  TriggerSpec,
} from './transport/triggers.js';
