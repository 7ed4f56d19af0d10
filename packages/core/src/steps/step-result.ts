/** What a step returns. Mirrors the Python SDK's `StepResult` dataclass. */
export interface StepResult {
  success: boolean;
  /** Output of the step, for later steps and for the action's result. */
  data: Record<string, unknown>;
  /** Why the step failed; set when `success` is false. */
  error?: string;
  /** What the step's `rollback` needs to undo it (for example the previous config). */
  rollbackData: Record<string, unknown>;
  /** True when `canSkip` returned true and the step did not run. */
  skipped: boolean;
  timestamp: Date;
  /** The error behind `error`, when there was one; becomes the cause of the run's error. */
  cause?: unknown;
}

/** A successful result. */
export function stepSuccess(
  data: Record<string, unknown> = {},
  rollbackData: Record<string, unknown> = {},
): StepResult {
  return { success: true, data, rollbackData, skipped: false, timestamp: new Date() };
}

/**
 * A failed result. Pass the thrown error itself to keep it as the run's `cause`; `rollbackData`
 * tells rollback what was already changed.
 */
export function stepFailure(
  error: string | Error,
  rollbackData: Record<string, unknown> = {},
): StepResult {
  const message = typeof error === 'string' ? error : error.message || error.name;
  return {
    success: false,
    data: {},
    error: message,
    rollbackData,
    skipped: false,
    timestamp: new Date(),
    ...(typeof error === 'string' ? {} : { cause: error }),
  };
}

/** The result recorded for a skipped step. */
export function stepSkipped(): StepResult {
  return { success: true, data: {}, rollbackData: {}, skipped: true, timestamp: new Date() };
}

/** Why `value` is not a {@link StepResult}, or undefined when it is one. */
export function describeMalformedResult(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return `returned ${value === null ? 'null' : typeof value} instead of a StepResult`;
  }
  const result = value as Record<string, unknown>;
  if (typeof result['success'] !== 'boolean') {
    return 'returned a malformed StepResult: `success` must be a boolean';
  }
  // Checked one by one, not in a loop over their names: this runs once per step.
  if (!isObjectOrAbsent(result['data'])) {
    return 'returned a malformed StepResult: `data` must be an object';
  }
  if (!isObjectOrAbsent(result['rollbackData'])) {
    return 'returned a malformed StepResult: `rollbackData` must be an object';
  }
  return undefined;
}

function isObjectOrAbsent(field: unknown): boolean {
  return field === undefined || (typeof field === 'object' && field !== null);
}

/** The `rollbackData` of what a step returned, or `{}` when it returned no StepResult. */
export function rollbackDataOf(value: unknown): Record<string, unknown> {
  if (describeMalformedResult(value) !== undefined) return {};
  return normalizeResult(value as StepResult).rollbackData;
}

/** Fills the optional parts of a well-formed result a step returned loosely. */
export function normalizeResult(value: Partial<StepResult> & { success: boolean }): StepResult {
  // What stepSuccess/stepFailure made is complete already: no copy (the hot path).
  if (
    value.data !== undefined &&
    value.rollbackData !== undefined &&
    value.skipped !== undefined &&
    value.timestamp !== undefined
  ) {
    return value as StepResult;
  }
  return {
    success: value.success,
    data: value.data ?? {},
    ...(value.error === undefined ? {} : { error: value.error }),
    rollbackData: value.rollbackData ?? {},
    skipped: value.skipped ?? false,
    timestamp: value.timestamp ?? new Date(),
    ...(value.cause === undefined ? {} : { cause: value.cause }),
  };
}
