/** A simulated job's status; the last three are terminal. */
export type SimJobStatus = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';

/** What the submitter asked for (Ray's `JobSubmitRequest`, `null` keys already dropped). */
export interface JobRequest {
  entrypoint: string;
  submissionId: string;
  runtimeEnv: Record<string, unknown> | undefined;
  metadata: Record<string, string> | undefined;
  numCpus: number;
  numGpus: number;
  memory: number;
  resources: Record<string, number> | undefined;
}

/** One line the entrypoint (or Ray) writes to the driver log, at a time on the devserver clock. */
export interface LogLine {
  at: number;
  text: string;
}

/**
 * How a job will play out, decided when it is submitted. Times are on the devserver clock; a
 * job is computed from them on every read, so a manual clock drives it without timers.
 */
export interface JobPlan {
  /** When the entrypoint starts (the supervisor is scheduled); undefined: never. */
  startAt: number | undefined;
  /** A failure before the entrypoint starts (bad runtime_env or working_dir). */
  failBeforeStart?: { at: number; message: string; errorType: string };
  /** The driver log, Ray's own lines included. */
  lines: LogLine[];
  /** When the entrypoint exits, and with which code (when it starts). */
  endAt: number;
  exitCode: number;
  /** When Ray gives up on a job that never starts (RAY_JOB_START_TIMEOUT_SECONDS). */
  startTimeoutAt: number;
  /** How long a running job takes to turn STOPPED after a stop request. */
  stopTimeMs: number;
}

/** Ray's `JobStatus` messages (job/common.py `JobInfo.__post_init__`). */
function defaultMessage(status: SimJobStatus, request: JobRequest): string {
  switch (status) {
    case 'PENDING': {
      let text = 'Job has not started yet.';
      const resources =
        request.numCpus > 0 ||
        request.numGpus > 0 ||
        request.memory > 0 ||
        Object.keys(request.resources ?? {}).length > 0;
      if (resources) {
        text +=
          ' It may be waiting for resources (CPUs, GPUs, memory, custom resources) to become available.';
      }
      if (request.runtimeEnv && Object.keys(request.runtimeEnv).length > 0) {
        text += ' It may be waiting for the runtime environment to be set up.';
      }
      return text;
    }
    case 'RUNNING':
      return 'Job is currently running.';
    case 'STOPPED':
      return 'Job was intentionally stopped.';
    case 'SUCCEEDED':
      return 'Job finished successfully.';
    case 'FAILED':
      return 'Job failed.';
  }
}

/** The state of a job at one moment. */
export interface JobSnapshot {
  status: SimJobStatus;
  message: string;
  errorType: string | null;
  endTime: number | null;
  exitCode: number | null;
  started: boolean;
  /** The driver log so far. */
  logs: string;
  /** The next time anything about the job changes; undefined when nothing will. */
  nextChangeAt: number | undefined;
}

/** One submitted job of the simulator. */
export class SimJob {
  /** When a stop was first requested. */
  public stopRequestedAt: number | undefined;

  public constructor(
    public readonly request: JobRequest,
    public readonly submittedAt: number,
    public readonly plan: JobPlan,
  ) {}

  /** When the job turns STOPPED, if a stop will take effect. */
  private stoppedAt(): number | undefined {
    const requested = this.stopRequestedAt;
    const { startAt, endAt, stopTimeMs, failBeforeStart } = this.plan;
    if (requested === undefined || startAt === undefined || failBeforeStart) return undefined;
    // A stop that reaches a pending job is delivered once its supervisor starts (Ray queues it).
    const at = Math.max(requested, startAt) + stopTimeMs;
    return at < endAt ? at : undefined;
  }

  /** The job as it is at `now`. */
  public at(now: number): JobSnapshot {
    const { plan, request } = this;
    const changes: number[] = [];
    const base = (status: SimJobStatus, extra: Partial<JobSnapshot> = {}): JobSnapshot => ({
      status,
      message: defaultMessage(status, request),
      errorType: null,
      endTime: null,
      exitCode: null,
      started: false,
      logs: '',
      nextChangeAt: changes.filter((t) => t > now).sort((a, b) => a - b)[0],
      ...extra,
    });

    if (plan.failBeforeStart) {
      const failure = plan.failBeforeStart;
      if (now >= failure.at) {
        return base('FAILED', {
          message: failure.message,
          errorType: failure.errorType,
          endTime: failure.at,
        });
      }
      changes.push(failure.at);
      return base('PENDING');
    }
    if (plan.startAt === undefined || now < plan.startAt) {
      if (now >= plan.startTimeoutAt) {
        return base('FAILED', {
          message: `Job supervisor actor failed to start within ${Math.round((plan.startTimeoutAt - this.submittedAt) / 1000)} seconds. This timeout can be configured by setting the environment variable RAY_JOB_START_TIMEOUT_SECONDS.`,
          errorType: 'JOB_SUPERVISOR_ACTOR_START_TIMEOUT',
          endTime: plan.startTimeoutAt,
        });
      }
      changes.push(plan.startAt ?? plan.startTimeoutAt);
      return base('PENDING');
    }

    const stoppedAt = this.stoppedAt();
    const cutoff = Math.min(now, stoppedAt ?? plan.endAt, plan.endAt);
    const printed = plan.lines.filter((line) => line.at <= cutoff);
    const logs = printed.map((line) => `${line.text}\n`).join('');
    for (const line of plan.lines) changes.push(line.at);
    changes.push(stoppedAt ?? plan.endAt);

    if (stoppedAt !== undefined && now >= stoppedAt) {
      return base('STOPPED', { endTime: stoppedAt, started: true, logs });
    }
    if (now < plan.endAt) return base('RUNNING', { started: true, logs });
    if (plan.exitCode === 0) {
      return base('SUCCEEDED', { endTime: plan.endAt, exitCode: 0, started: true, logs });
    }
    const tail = printed
      .slice(-10)
      .map((line) => `${line.text}\n`)
      .join('');
    return base('FAILED', {
      message: `Job entrypoint command failed with exit code ${plan.exitCode}, last available logs (truncated to 20,000 chars):\n${tail}`,
      errorType: 'JOB_ENTRYPOINT_COMMAND_ERROR',
      endTime: plan.endAt,
      exitCode: plan.exitCode,
      started: true,
      logs,
    });
  }
}
