/**
 * A mistake in how the command was called (an unknown action, an unreadable `--params` file,
 * an export that is not an action). It maps to exit code 2 and is raised before anything is sent.
 */
export class UsageError extends Error {
  /** Stable machine-readable code, printed in `--json` error objects. */
  public readonly code = 'USAGE';
  /** What the user can do about it. */
  public readonly hint: string | undefined;

  public constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UsageError';
    this.hint = options.hint;
  }
}
