const SYNAPSE_ERROR_BRAND: unique symbol = Symbol.for('@synapse-sdk/core/SynapseError');

/**
 * The codes of the errors core raises. Codes are part of the public API: match on
 * `error.code`, not on messages. Every package names its own codes (`ClientErrorCode`,
 * `StepsErrorCode`, …); a code says what happened, and only the CLI decides what exit code it
 * means.
 */
export type CoreErrorCode =
  | 'PARAMS_INVALID'
  | 'CONFIG_INVALID'
  | 'STEP_REGISTRY'
  | 'STEP_FAILED'
  | 'STEP_TIMEOUT'
  | 'CANCELLED'
  | 'CONTEXT_MISSING'
  | 'DEPENDENCY_MISSING'
  | 'RUN_NOT_FOUND'
  | 'RUN_LOCKED'
  | 'RUN_ID_INVALID'
  | 'JOURNAL_UNREADABLE'
  | 'STATE_DIR_UNUSABLE'
  | 'ROLLBACK_INCOMPLETE';

/** Options accepted by every {@link SynapseError} subclass. */
export interface SynapseErrorOptions extends ErrorOptions {
  /** A one-line suggestion of what the user can do about it. */
  hint?: string | undefined;
}

/**
 * Base class of every error the SDK throws on purpose; `Code` is the raising package's union
 * of codes (plugins may use their own strings).
 *
 * The brand survives duplicate copies of the package and jest's module realms, so prefer
 * {@link SynapseError.is} over `instanceof` when the error may come from another copy.
 */
export class SynapseError<Code extends string = string> extends Error {
  public readonly [SYNAPSE_ERROR_BRAND] = true;
  /** What happened, as a stable machine-readable code of the package that raised it. */
  public readonly code: Code;
  public readonly hint: string | undefined;

  public constructor(code: Code, message: string, options: SynapseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** True when `value` is a {@link SynapseError} from any copy of this package. */
  public static is(value: unknown): value is SynapseError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[SYNAPSE_ERROR_BRAND] === true
    );
  }
}
