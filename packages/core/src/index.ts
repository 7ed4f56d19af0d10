/**
 * `@synapse-sdk/core`: actions, the step engine (registry, context, orchestrator), runtime
 * events, dependency injection and the SDK's error types.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export type { SynapseErrorCode, SynapseErrorOptions } from './errors/synapse-error.js';
export type { FieldIssue } from './errors/errors.js';
export type { ConsoleLoggerOptions, LogLevel, Logger } from './logging/logger.js';

export { SynapseError } from './errors/synapse-error.js';
export {
  CancelledError,
  ConfigError,
  ContextMissingError,
  ParamsValidationError,
  StepFailedError,
  StepRegistryError,
  StepTimeoutError,
  formatIssues,
} from './errors/errors.js';
export { zodIssues } from './errors/zod-issues.js';
export { ConsoleLogger, silentLogger } from './logging/logger.js';
export { REDACTED, redactSecrets, redactValue, registerSecret } from './logging/secrets.js';
