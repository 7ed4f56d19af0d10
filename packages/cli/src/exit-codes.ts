import type { ClientErrorCode, DeployErrorCode, JobErrorCode } from '@synapse-sdk/clients';
import type { CoreErrorCode } from '@synapse-sdk/core/base';
import type { DevServerErrorCode } from '@synapse-sdk/devserver';
import type { StepsErrorCode } from '@synapse-sdk/steps';

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

/** Every error code the packages raise, and the CLI's own `USAGE`. */
export type KnownErrorCode =
  | CoreErrorCode
  | ClientErrorCode
  | DeployErrorCode
  | JobErrorCode
  | StepsErrorCode
  | DevServerErrorCode
  | 'USAGE';

/**
 * What an error code means for the exit code:
 * - `bad-input`: exit 2 even after work began (found by a step before it changed anything, and
 *   what ran was rolled back);
 * - `input`: exit 2 when found before work began, else 1;
 * - `unreachable`: exit 3 before work began, else 1;
 * - `cancelled`: exit 130;
 * - `failure`: exit 1.
 */
export type ExitClass = 'bad-input' | 'input' | 'unreachable' | 'cancelled' | 'failure';

/**
 * The one place codes become exit codes. A package's new code does not type-check until it
 * has a line here.
 */
export const EXIT_CLASS_OF_CODE: Readonly<Record<KnownErrorCode, ExitClass>> = {
  USAGE: 'input',
  PARAMS_INVALID: 'bad-input',
  CONFIG_INVALID: 'bad-input',
  CONTEXT_MISSING: 'input',
  DEPENDENCY_MISSING: 'input',
  STEP_REGISTRY: 'input',
  STEP_FAILED: 'failure',
  STEP_TIMEOUT: 'failure',
  CANCELLED: 'cancelled',
  HTTP_CONNECTION: 'unreachable',
  HTTP_AUTH: 'unreachable',
  HTTP_TIMEOUT: 'failure',
  HTTP_NOT_FOUND: 'failure',
  HTTP_VALIDATION: 'failure',
  HTTP_RATE_LIMIT: 'failure',
  HTTP_SERVER: 'failure',
  HTTP_STATUS: 'failure',
  HTTP_RESPONSE_INVALID: 'failure',
  DEPLOY_FAILED: 'failure',
  DEPLOY_TIMEOUT: 'failure',
  JOB_EXISTS: 'failure',
  JOB_FAILED: 'failure',
  JOB_TIMEOUT: 'failure',
  JOB_STOP_TIMEOUT: 'failure',
  PACKAGE_INVALID: 'bad-input',
  IMPERATIVE_APP: 'bad-input',
  IMPERATIVE_APPS_AT_RISK: 'bad-input',
  RAY_TOO_OLD: 'bad-input',
  LOCK_DIR_UNUSABLE: 'bad-input',
  RAY_UNREACHABLE: 'unreachable',
  BACKEND_UNREACHABLE: 'unreachable',
  NOT_A_RAY_DASHBOARD: 'input',
  LOCK_TIMEOUT: 'failure',
  APP_LOCKED: 'failure',
  SERVE_CONFIG_BUSY: 'failure',
  DEPLOY_CONTESTED: 'failure',
  RESTORE_TIMEOUT: 'failure',
  PACKAGE_GONE: 'failure',
  RESTORE_IMPOSSIBLE: 'failure',
  REGISTER_FAILED: 'failure',
  JOB_RESULT_INVALID: 'failure',
  STATE_FILE_INVALID: 'bad-input',
  // The journal refused before anything was sent: no such run, a bad run id, a run held elsewhere.
  RUN_NOT_FOUND: 'input',
  RUN_ID_INVALID: 'input',
  RUN_LOCKED: 'input',
  JOURNAL_UNREADABLE: 'failure',
  STATE_DIR_UNUSABLE: 'bad-input',
  ROLLBACK_INCOMPLETE: 'failure',
};

/** The exit class of `code`; codes of plugins and unknown errors are failures. */
export function exitClassOf(code: string | undefined): ExitClass {
  return code !== undefined && Object.hasOwn(EXIT_CLASS_OF_CODE, code)
    ? EXIT_CLASS_OF_CODE[code as KnownErrorCode]
    : 'failure';
}

/**
 * Exit codes of `synapse serve plan --detailed-exitcode`, as Terraform's `plan
 * -detailed-exitcode`: `OK` (0) a deploy would send nothing, `ERROR` (1) the plan could not be
 * made, whatever the reason, `CHANGES` (2) a deploy would change the cluster.
 */
export const PLAN_EXIT_CODES = { OK: 0, ERROR: 1, CHANGES: 2 } as const;
