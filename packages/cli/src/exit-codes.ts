/**
 * Exit codes of the `synapse` command. They are part of the CLI's contract: scripts branch on
 * them, so a code never changes meaning.
 */
export const EXIT_CODES = {
  /** The command did what was asked. */
  OK: 0,
  /** A failure after work began; whatever the run changed was rolled back first. */
  FAILURE: 1,
  /**
   * Bad input (usage, params, config.yaml, plugin code or package content), found before
   * anything was changed: nothing was sent, or what ran was rolled back.
   */
  USAGE: 2,
  /** A service could not be reached or refused the credentials before the run changed anything. */
  UNREACHABLE: 3,
  /**
   * A rollback failed (after a failure or a cancellation): the cluster may not be as it was
   * before the run.
   */
  ROLLBACK_FAILED: 4,
  /** `--timeout` elapsed before the command finished; what ran was rolled back. */
  TIMED_OUT: 124,
  /** Cancelled (Ctrl-C / SIGINT / SIGTERM); what ran was rolled back. */
  CANCELLED: 130,
} as const;

/** One of the values of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
