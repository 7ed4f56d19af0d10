/**
 * `@synapse-sdk/core/base`: the part of the core that needs neither the engine nor its
 * dependencies — errors, logging and secret redaction, the clock and the one wait loop.
 * `@synapse-sdk/core` exports all of it too; code that needs only this part (the clients, the
 * CLI's `serve` commands) imports it from here, and so starts without loading inversify,
 * reflect-metadata, zod and yaml.
 *
 * @packageDocumentation
 */

export { describeDependency } from './di/dependency-hints.js';
export { MAX_DURATION_MS, parseDuration } from './env/duration.js';
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
export type { ConsoleLoggerOptions, Logger, LogLevel } from './logging/logger.js';
export { ConsoleLogger, silentLogger } from './logging/logger.js';
export { REDACTED, redactSecrets, redactValue, registerSecret } from './logging/secrets.js';
export { errorMessage } from './steps/error-message.js';
export type { Backoff } from './wait/backoff.js';
export { backoffDelay } from './wait/backoff.js';
export type { Clock } from './wait/clock.js';
export { cancellation, systemClock } from './wait/clock.js';
export type { GiveUp, LoopRetry, RetryLoopOptions, TryOutcome } from './wait/retry-loop.js';
export { done, retryLoop, tryAgain } from './wait/retry-loop.js';
export type { RetryPolicy } from './wait/retry-policy.js';
