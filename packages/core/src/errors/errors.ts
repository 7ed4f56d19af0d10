import type { CoreErrorCode, SynapseErrorOptions } from './synapse-error.js';
import { SynapseError } from './synapse-error.js';

/** One invalid field of a params or config object. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `deployments.0.num_replicas`; empty for the object itself. */
  path: string;
  message: string;
}

/** Params of an action failed their zod schema. Raised before any step runs. */
export class ParamsValidationError extends SynapseError<CoreErrorCode> {
  public readonly issues: readonly FieldIssue[];

  public constructor(issues: readonly FieldIssue[], options: SynapseErrorOptions = {}) {
    super('PARAMS_INVALID', `Invalid params: ${formatIssues(issues)}`, options);
    this.issues = issues;
  }
}

/** A configuration file or value is invalid. `source` names the file or setting. */
export class ConfigError extends SynapseError<CoreErrorCode> {
  public readonly source: string;
  public readonly issues: readonly FieldIssue[];

  public constructor(
    source: string,
    message: string,
    issues: readonly FieldIssue[] = [],
    options: SynapseErrorOptions = {},
  ) {
    super('CONFIG_INVALID', `${source}: ${message}`, options);
    this.source = source;
    this.issues = issues;
  }
}

/** The step registry was used wrongly: a duplicate name, or an unknown anchor for insertion. */
export class StepRegistryError extends SynapseError<CoreErrorCode> {
  public constructor(message: string) {
    super('STEP_REGISTRY', message);
  }
}

/** Thrown by the orchestrator when a step fails; the step's own error is the `cause`. */
export class StepFailedError extends SynapseError<CoreErrorCode> {
  public readonly stepName: string;
  /** Messages of rollbacks that failed while undoing this run, in the order they ran. */
  public readonly rollbackErrors: readonly string[];

  public constructor(
    stepName: string,
    errorMessage: string,
    rollbackErrors: readonly string[],
    options: SynapseErrorOptions = {},
  ) {
    super('STEP_FAILED', `Step '${stepName}' failed: ${errorMessage}`, options);
    this.stepName = stepName;
    this.rollbackErrors = rollbackErrors;
  }
}

/** A step attempt ran longer than its `timeoutMs`. */
export class StepTimeoutError extends SynapseError<CoreErrorCode> {
  public readonly stepName: string;
  public readonly timeoutMs: number;

  public constructor(stepName: string, timeoutMs: number) {
    super('STEP_TIMEOUT', `Step '${stepName}' timed out after ${timeoutMs} ms`, {
      hint: `raise the step's timeoutMs if it legitimately needs longer`,
    });
    this.stepName = stepName;
    this.timeoutMs = timeoutMs;
  }
}

/** The run was cancelled through its AbortSignal (for example Ctrl-C). */
export class CancelledError extends SynapseError<CoreErrorCode> {
  /** Messages of rollbacks that failed while undoing the cancelled run. */
  public readonly rollbackErrors: readonly string[];

  public constructor(
    message = 'Cancelled',
    options: SynapseErrorOptions & { rollbackErrors?: readonly string[] } = {},
  ) {
    super('CANCELLED', message, options);
    this.rollbackErrors = options.rollbackErrors ?? [];
  }
}

/** Something the code needs from its context (a client, an entrypoint, a setting) is absent. */
export class ContextMissingError extends SynapseError<CoreErrorCode> {
  public constructor(message: string, options: SynapseErrorOptions = {}) {
    super('CONTEXT_MISSING', message, options);
  }
}

/**
 * A step class could not be built because the DI container lacks something it needs; the
 * message names it and the hint says what to configure.
 */
export class DependencyMissingError extends SynapseError<CoreErrorCode> {
  public constructor(message: string, options: SynapseErrorOptions = {}) {
    super('DEPENDENCY_MISSING', message, options);
  }
}

/** Renders issues as `path: message; path: message`. */
export function formatIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
