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
