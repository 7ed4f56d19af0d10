const SYNAPSE_ERROR_BRAND: unique symbol = Symbol.for('@synapse-sdk/core/SynapseError');

/**
 * Stable machine-readable error codes. Codes are part of the public API: match on `error.code`,
 * not on messages.
 */
export type SynapseErrorCode =
  | 'PARAMS_INVALID'
  | 'CONFIG_INVALID'
  | 'STEP_REGISTRY'
  | 'STEP_FAILED'
  | 'STEP_TIMEOUT'
  | 'CANCELLED'
  | 'CONTEXT_MISSING'
  | 'HTTP_CONNECTION'
  | 'HTTP_TIMEOUT'
  | 'HTTP_AUTH'
  | 'HTTP_NOT_FOUND'
  | 'HTTP_VALIDATION'
  | 'HTTP_RATE_LIMIT'
  | 'HTTP_SERVER'
  | 'HTTP_STATUS'
  | 'HTTP_RESPONSE_INVALID'
  | 'DEPLOY_FAILED'
  | 'DEPLOY_TIMEOUT'
  | 'PACKAGE_INVALID'
  | 'REGISTER_FAILED'
  | 'JOB_EXISTS'
  | 'JOB_FAILED'
  | 'JOB_TIMEOUT';

/** Options accepted by every {@link SynapseError} subclass. */
export interface SynapseErrorOptions extends ErrorOptions {
  /** A one-line suggestion of what the user can do about it. */
  hint?: string;
}

/**
 * Base class of every error the SDK throws on purpose.
 *
 * The brand survives duplicate copies of the package and jest's module realms, so prefer
 * {@link SynapseError.is} over `instanceof` when the error may come from another copy.
 */
export class SynapseError extends Error {
  public readonly [SYNAPSE_ERROR_BRAND] = true;
  public readonly code: SynapseErrorCode;
  public readonly hint: string | undefined;

  public constructor(code: SynapseErrorCode, message: string, options: SynapseErrorOptions = {}) {
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
