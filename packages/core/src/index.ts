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
export type { CreateContainerOptions } from './di/create-container.js';
export { createContainer } from './di/create-container.js';
export { describeDependency } from './di/dependency-error.js';
export { LOGGER, PLUGIN_ENVIRONMENT, RUNTIME_CONTEXT } from './di/tokens.js';
export { MAX_DURATION_MS, parseDuration } from './env/duration.js';
export { PluginEnvironment } from './env/plugin-environment.js';
export type { FieldIssue } from './errors/errors.js';
export {
  CancelledError,
  ConfigError,
  ContextMissingError,
  DependencyMissingError,
  formatIssues,
  ParamsValidationError,
  StepFailedError,
  StepRegistryError,
  StepTimeoutError,
} from './errors/errors.js';
export type { CoreErrorCode, SynapseErrorOptions } from './errors/synapse-error.js';
export { SynapseError } from './errors/synapse-error.js';
export { zodIssues } from './errors/zod-issues.js';
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
export type { ConsoleLoggerOptions, Logger, LogLevel } from './logging/logger.js';
export { ConsoleLogger, silentLogger } from './logging/logger.js';
export { REDACTED, redactSecrets, redactValue, registerSecret } from './logging/secrets.js';
export type { LoadedPluginConfig } from './plugin/load-plugin-config.js';
export {
  loadPluginConfig,
  parsePluginConfig,
  yamlErrorReason,
} from './plugin/load-plugin-config.js';
export type { ActionConfig, PluginConfig } from './plugin/plugin-config.js';
export { ActionConfigSchema, PluginConfigSchema } from './plugin/plugin-config.js';
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
export { errorMessage } from './steps/error-message.js';
export type { OrchestratorOptions, OrchestratorResult } from './steps/orchestrator.js';
export { Orchestrator } from './steps/orchestrator.js';
export { BaseStepContext } from './steps/step-context.js';
export type { StepLike } from './steps/step-registry.js';
export { StepRegistry } from './steps/step-registry.js';
export type { StepResult } from './steps/step-result.js';
export { stepFailure, stepSkipped, stepSuccess } from './steps/step-result.js';
export type { Backoff } from './wait/backoff.js';
export { backoffDelay } from './wait/backoff.js';
export type { Clock } from './wait/clock.js';
export { cancellation, systemClock } from './wait/clock.js';
export type { GiveUp, LoopRetry, RetryLoopOptions, TryOutcome } from './wait/retry-loop.js';
export { done, retryLoop, tryAgain } from './wait/retry-loop.js';
export type { RetryPolicy } from './wait/retry-policy.js';
