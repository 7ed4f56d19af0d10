/** How a simulated job can go wrong (injected like the Serve faults). */
export type JobFaultKind =
  /** The entrypoint exits with `exitCode` (default 1): FAILED, JOB_ENTRYPOINT_COMMAND_ERROR. */
  | 'exit'
  /** The runtime_env cannot be set up: FAILED before starting, RUNTIME_ENV_SETUP_FAILURE, no logs. */
  | 'runtime-env-error'
  /** The entrypoint's resources never free up: PENDING until Ray's start timeout, then FAILED. */
  | 'unschedulable';

/** Which jobs a fault or an output script applies to; at least one field is required. */
export interface JobMatch {
  /** Jobs whose entrypoint contains this text. */
  entrypoint?: string | undefined;
  /** The job with this submission id. */
  submissionId?: string | undefined;
}

/** A fault to inject into jobs submitted from now on. */
export interface JobFaultSpec extends JobMatch {
  kind: JobFaultKind;
  /** `exit`: the exit code. @default 1 */
  exitCode?: number | undefined;
  /** `exit`: lines printed before exiting (e.g. a traceback); `runtime-env-error`: the error text. */
  error?: string | undefined;
}

/** What a simulated entrypoint prints: nothing is executed, so tests script the output. */
export interface JobOutputSpec extends JobMatch {
  /** Lines printed, in order. */
  lines: string[];
  /** Time between lines, from the start. @default timings.jobLineIntervalMs */
  lineIntervalMs?: number | undefined;
}

/** An injected job fault with its id. */
export interface JobFault extends JobFaultSpec {
  id: string;
}

/** Whether `spec` applies to a job. */
export function jobMatches(spec: JobMatch, submissionId: string, entrypoint: string): boolean {
  if (spec.entrypoint === undefined && spec.submissionId === undefined) return false;
  if (spec.submissionId !== undefined && spec.submissionId !== submissionId) return false;
  if (spec.entrypoint !== undefined && !entrypoint.includes(spec.entrypoint)) return false;
  return true;
}
