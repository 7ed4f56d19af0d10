/**
 * `@synapse-sdk/core`: actions, the step engine (registry, context, orchestrator), runtime
 * events, dependency injection, the waits on an injectable clock and the SDK's error types.
 * Nothing here knows about Ray.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export type { ActionClass } from './action/base-action.js';
export { BaseAction } from './action/base-action.js';
export { validateParams } from './action/validate-params.js';
export * from './base.js';
export type { CreateContainerOptions } from './di/create-container.js';
export { createContainer } from './di/create-container.js';
export { LOGGER, PLUGIN_ENVIRONMENT, RUNTIME_CONTEXT } from './di/tokens.js';
export { PluginEnvironment } from './env/plugin-environment.js';
export { FileJournalStore } from './journal/file-journal-store.js';
export type {
  JournaledResult,
  JournaledStep,
  JournalEntry,
  JournalEntryInput,
  RollbackEndEntry,
  RollbackStartEntry,
  SessionEndEntry,
  SessionEntry,
  SessionOutcome,
  StepEndEntry,
  StepReuseEntry,
  StepSkipEntry,
  StepStartEntry,
  WriteAheadEntry,
} from './journal/journal-entry.js';
export type { RunOwner } from './journal/journal-error.js';
export {
  isValidRunId,
  JournalUnreadableError,
  RollbackIncompleteError,
  RunIdError,
  RunLockedError,
  RunNotFoundError,
  StateDirUnusableError,
} from './journal/journal-error.js';
export type {
  BlobRef,
  BlobSource,
  JournalStore,
  RunJournal,
  RunRecord,
  StoredBlob,
  StoredRun,
} from './journal/journal-store.js';
export { ownerLiveness } from './journal/process-alive.js';
export type { ResumePlan } from './journal/resume-plan.js';
export { planResume } from './journal/resume-plan.js';
export type { PruneOptions, PruneReport, RetentionPolicy } from './journal/retention.js';
export { DEFAULT_RETENTION, pruneJournal, retentionFromEnv } from './journal/retention.js';
export type { RollbackRunReport } from './journal/rollback-run.js';
export { rollbackRun, rollbackTargets } from './journal/rollback-run.js';
export type { RunRecorderOptions } from './journal/run-recorder.js';
export { fromJournal, RunRecorder, toJournal } from './journal/run-recorder.js';
export type {
  RunState,
  RunStatus,
  SessionState,
  StepState,
  StepStatus,
} from './journal/run-state.js';
export { foldRun, stepsToRollBack } from './journal/run-state.js';
export type { StateDirInputs } from './journal/state-dir.js';
export { defaultStateDir } from './journal/state-dir.js';
export * from './plugin-config.js';
export type {
  AgentClientType,
  BackendClientType,
  RuntimeClientTypes,
} from './runtime/runtime-client-types.js';
export type { RuntimeContextOptions } from './runtime/runtime-context.js';
export { RuntimeContext } from './runtime/runtime-context.js';
export type {
  LogEvent,
  MetricsEvent,
  ProgressEvent,
  RuntimeEvents,
  StepEndEvent,
  StepRetryEvent,
  StepReuseEvent,
  StepRollbackEvent,
  StepSkipEvent,
  StepStartEvent,
} from './runtime/runtime-events.js';
export type { StepAttempt } from './steps/base-step.js';
export { BaseStep } from './steps/base-step.js';
export type { OrchestratorOptions, OrchestratorResult } from './steps/orchestrator.js';
export { Orchestrator } from './steps/orchestrator.js';
export { BaseStepContext } from './steps/step-context.js';
export type { StepLike } from './steps/step-registry.js';
export { StepRegistry } from './steps/step-registry.js';
export type { StepResult } from './steps/step-result.js';
export { stepFailure, stepSkipped, stepSuccess } from './steps/step-result.js';
