/**
 * `@synapse-sdk/test-kit` (private): what the packages' tests share, so that each helper exists
 * once — a manual clock, free ports, a devserver starter, plugin directories, Ray's schemas, a
 * recording HTTP server and child processes (docs/development.md#test-kit).
 *
 * @packageDocumentation
 */
export type { TestDevServer } from './dev-server.js';
export { startTestDevServer, TEST_TIMINGS, withoutHealthMetrics } from './dev-server.js';
export { failure } from './failure.js';
export type { ManualClockOptions } from './manual-clock.js';
export { ManualClock } from './manual-clock.js';
export type { NodeRun, SpawnNodeOptions } from './node-process.js';
export { runNode, spawnNode, waitForExit, waitForOutput } from './node-process.js';
export type { PluginDir } from './plugin-dir.js';
export { writePluginDir } from './plugin-dir.js';
export { closedPort, holdPort } from './ports.js';
export { RAY_JOB_DETAILS_KEYS } from './ray-job-details.js';
export type { RaySchemaBody, RaySchemaEra } from './ray-schemas.js';
export { raySchema, raySchemaErrors } from './ray-schemas.js';
export type { RecordedRequest, RecordingServer, TestHandler } from './recording-server.js';
export { replyLater, sendJson, sendText, startRecordingServer } from './recording-server.js';
