import type { JobDetails, JobSubmitRequest } from '@synapse-sdk/clients';
import {
  isTerminalJobStatus,
  isTransientError,
  JOB_STOP_WAIT_MS,
  JobExistsError,
  JobFailedError,
  JobTimeoutError,
  RAY_JOBS_CLIENT,
  RayJobsClient,
} from '@synapse-sdk/clients';
import type {
  BaseStepContext,
  RetryPolicy,
  RuntimeContext,
  StepAttempt,
  StepResult,
} from '@synapse-sdk/core';
import { BaseStep, CancelledError, stepSuccess } from '@synapse-sdk/core';

import { JOB_ERROR_LOG_LINES, JOB_WAIT_TIMEOUT_MS } from '../defaults.js';
import { ensurePackage, packagePlugin } from '../packaging/package-plugin.js';
import type { DeploymentSpec } from '../spec/deployment-spec.js';
import { findLatestJob } from './find-job.js';
import { lastLines, LineSplitter, parseJobResult } from './job-output.js';
import { generationId, jobSubmissionId } from './submission-id.js';

/** What {@link RayJobStep} needs from its context; `DeploymentContext` has it. */
export interface RayJobContext extends BaseStepContext {
  /**
   * The run's spec: its plugin directory is packaged as the job's working_dir exactly as a
   * deploy packages it, with the plugin's runtime env (requirements, env vars, excludes).
   */
  readonly spec: Pick<DeploymentSpec, 'pluginDir' | 'runtimeEnv'>;
}

/** A value given as is, or computed from the context when the step runs. */
export type FromContext<T> = T | ((context: RayJobContext) => T);

/** Options of {@link RayJobStep}. */
export interface RayJobStepOptions {
  /** The shell command run on the cluster in the plugin's directory, e.g. `python train.py --epochs 3`. */
  entrypoint: FromContext<string>;
  /** Step name, unique in the pipeline; part of the job's submission id. @default 'ray-job' */
  name?: string;
  /** Share of the run's progress. @default 1 */
  progressWeight?: number;
  /** CPUs reserved for the entrypoint itself (`entrypoint_num_cpus`). @default Ray's 0 */
  numCpus?: number;
  /** GPUs reserved for the entrypoint (`entrypoint_num_gpus`). @default Ray's 0 */
  numGpus?: number;
  /** Memory reserved for the entrypoint, in bytes (`entrypoint_memory`). */
  memory?: number;
  /** Custom resources reserved for the entrypoint (`entrypoint_resources`). */
  resources?: Record<string, number>;
  /**
   * Environment variables of the job, on top of the plugin's `env` and `SYNAPSE_RUN_ID`. They
   * are visible to anyone who can read the dashboard: never put tokens here.
   */
  envVars?: FromContext<Record<string, string>>;
  /** Metadata of the job, on top of `synapse_run_id` and `synapse_step`. */
  metadata?: Record<string, string>;
  /** How long the job may take, from submission to its end; then it is stopped. @default {@link JOB_WAIT_TIMEOUT_MS} (1 h) */
  waitTimeoutMs?: number;
  /** How long a stop (on cancel, rollback or timeout) waits for the job to end. @default 30000 */
  stopTimeoutMs?: number;
  /** Log lines carried by the error of a failed job. @default {@link JOB_ERROR_LOG_LINES} */
  errorLogLines?: number;
  /**
   * Retry policy of the step. A retry finds the job of the earlier attempt: a running one is
   * attached to; only one that failed or was stopped is submitted again. @default no retry
   */
  retry?: RetryPolicy;
  /** Time limit of one attempt (the job keeps running when an attempt gives up). @default none */
  timeoutMs?: number;
  /** The Jobs client. @default the container's `RAY_JOBS_CLIENT`, else one from the environment */
  client?: RayJobsClient;
}

/** What a successful {@link RayJobStep} returns in `data`. */
export interface RayJobResultData extends Record<string, unknown> {
  submissionId: string;
  status: 'SUCCEEDED';
  /** The JSON object the job printed between the result markers, if it printed one. */
  result: Record<string, unknown> | undefined;
  /** True when this attempt found the job already submitted (by an earlier attempt or run). */
  attached: boolean;
}

interface RunState {
  submissionId?: string;
  /** The submit request in flight: rollback waits for it before stopping the job. */
  submitting?: Promise<void>;
}

const ownClients = new WeakMap<RuntimeContext, RayJobsClient>();

/**
 * Runs a command of the plugin on the Ray cluster as a Ray job and waits for it: packages the
 * plugin directory as a deploy does (uploading it only when the cluster lacks it), submits the
 * job under a submission id derived from the run and the step, streams its logs into the run's
 * `ray_job_output` log events, and fails with the job's last log lines when it fails.
 *
 * A retried or resumed step (same run id) never submits twice: it attaches to the job that is
 * running, or takes the result of the one that succeeded. On cancel, rollback or timeout the job
 * is stopped. A job passes results to later steps by printing a JSON object between
 * `__SYNAPSE_RESULT_START__` and `__SYNAPSE_RESULT_END__` lines: it is `data.result` of this
 * step's result (`context.resultOf('<name>')`).
 *
 * @example
 * ```ts
 * registry.register(new RayJobStep({ name: 'train', entrypoint: 'python train.py', numCpus: 1 }));
 * ```
 */
export class RayJobStep extends BaseStep<RayJobContext> {
  public readonly name: string;
  public readonly progressWeight: number;
  public override readonly retry: RetryPolicy | undefined;
  public override readonly timeoutMs: number | undefined;
  private readonly options: RayJobStepOptions;
  private readonly states = new WeakMap<RayJobContext, RunState>();

  public constructor(options: RayJobStepOptions) {
    super();
    this.options = options;
    this.name = options.name ?? 'ray-job';
    this.progressWeight = options.progressWeight ?? 1;
    this.retry = options.retry;
    this.timeoutMs = options.timeoutMs;
  }

  public async execute(context: RayJobContext, attempt: StepAttempt): Promise<StepResult> {
    const { signal } = attempt;
    const jobs = this.jobsClient(context);
    const state = this.stateOf(context);
    const base = jobSubmissionId(context.runtimeCtx.runId, this.name);
    const latest = await findLatestJob(jobs, base, signal);

    let id: string;
    let attached: boolean;
    if (latest.job && latest.job.status !== 'FAILED' && latest.job.status !== 'STOPPED') {
      id = latest.id;
      attached = true;
      state.submissionId = id;
      context.log('ray_job_attached', { submissionId: id, status: latest.job.status });
      if (latest.job.status === 'SUCCEEDED')
        return await this.finish(context, jobs, latest.job, attached, signal);
    } else {
      id = latest.job ? generationId(base, latest.generation + 1) : latest.id;
      attached = await this.submit(context, jobs, id, state, signal);
    }
    context.setProgress(1, 3);

    const followStop = new AbortController();
    let streamed = '';
    const splitter = new LineSplitter((line) =>
      context.log('ray_job_output', { submissionId: id, line }),
    );
    const following = jobs
      .followLogs(id, {
        signal: AbortSignal.any([signal, followStop.signal]),
        onText: (text) => {
          streamed += text;
          splitter.push(text);
        },
      })
      .catch((error: unknown) => {
        if (!followStop.signal.aborted && !signal.aborted) {
          context.runtimeCtx.logger.warn(
            `Following the logs of Ray job '${id}' failed; they are read once it ends`,
            { error: error instanceof Error ? error.message : String(error) },
          );
        }
      });

    let final: JobDetails;
    let lastStatus = '';
    try {
      final = await jobs.waitForJob(id, {
        timeoutMs: this.options.waitTimeoutMs ?? JOB_WAIT_TIMEOUT_MS,
        signal,
        logger: context.runtimeCtx.logger,
        lastLogLines: () => lastLines(streamed, this.options.errorLogLines ?? JOB_ERROR_LOG_LINES),
        onStatus: (job) => {
          context.log('ray_job_status', {
            submissionId: id,
            status: job.status,
            message: job.message ?? '',
          });
          if (job.status === 'RUNNING' && lastStatus !== 'RUNNING') context.setProgress(2, 3);
          lastStatus = job.status;
        },
      });
    } catch (error) {
      followStop.abort();
      if (error instanceof JobTimeoutError) await this.stopJob(context, jobs, id);
      throw error;
    }

    // Ray closes the tail a few seconds after the end; the log is complete now, so read the
    // rest in one request instead of waiting.
    followStop.abort();
    await following;
    const logs = await jobs.getLogs(id, signal);
    if (logs.startsWith(streamed)) splitter.push(logs.slice(streamed.length));
    splitter.flush();
    return await this.finish(context, jobs, final, attached, signal, logs);
  }

  /**
   * Stops the job of this run if it is still going (the run was cancelled, or a step failed),
   * and waits for it to end. A job that already ended is left as it is.
   */
  public override async rollback(context: RayJobContext): Promise<void> {
    const jobs = this.jobsClient(context);
    const state = this.states.get(context);
    await state?.submitting;
    const id =
      state?.submissionId ??
      (await findLatestJob(jobs, jobSubmissionId(context.runtimeCtx.runId, this.name))).job
        ?.submission_id ??
      undefined;
    const job = id === undefined ? undefined : await jobs.findJob(id);
    if (id === undefined || job === undefined) {
      context.log('ray_job_rollback_skipped', { reason: 'no job was submitted' });
      return;
    }
    if (isTerminalJobStatus(job.status)) {
      context.log('ray_job_rollback_skipped', {
        submissionId: id,
        reason: `the job is ${job.status}`,
      });
      return;
    }
    await this.stopJob(context, jobs, id);
  }

  private async submit(
    context: RayJobContext,
    jobs: RayJobsClient,
    id: string,
    state: RunState,
    signal: AbortSignal,
  ): Promise<boolean> {
    const pkg = await packagePlugin(context.spec.pluginDir, context.spec.runtimeEnv);
    try {
      await ensurePackage(jobs, pkg, (event, data) => context.log(event, data), signal);
    } finally {
      await pkg.remove();
    }
    const request = this.request(context, id, pkg.uri);
    // Checked in the same tick as `submitting` is set: a cancel after this point finds the
    // request in flight and waits for it; one before it submits nothing.
    if (signal.aborted) throw new CancelledError(`Cancelled before submitting Ray job '${id}'`);
    state.submissionId = id;
    // Not aborted by a cancel: a POST cut off halfway may still create the job, and rollback
    // must know whether it did before it looks for a job to stop.
    const submitting = jobs.submit(request).then(
      () => false,
      async (error: unknown) => {
        if (error instanceof JobExistsError) return true;
        if (isTransientError(error) && (await jobs.findJob(id)) !== undefined) return true;
        throw error;
      },
    );
    state.submitting = submitting.then(
      () => undefined,
      () => undefined,
    );
    const existed = await submitting;
    context.log(existed ? 'ray_job_attached' : 'ray_job_submitted', {
      submissionId: id,
      entrypoint: request.entrypoint,
      workingDir: pkg.uri,
    });
    return existed;
  }

  private async finish(
    context: RayJobContext,
    jobs: RayJobsClient,
    job: JobDetails,
    attached: boolean,
    signal: AbortSignal,
    logs?: string,
  ): Promise<StepResult> {
    const id = job.submission_id ?? '';
    const text = logs ?? (await jobs.getLogs(id, signal));
    if (job.status !== 'SUCCEEDED') {
      throw new JobFailedError({
        submissionId: id,
        status: job.status,
        rayMessage: job.message ?? '',
        errorType: job.error_type ?? undefined,
        exitCode: job.driver_exit_code ?? undefined,
        lastLogLines: lastLines(text, this.options.errorLogLines ?? JOB_ERROR_LOG_LINES),
      });
    }
    const result = parseJobResult(text, id);
    context.setProgress(3, 3);
    context.log('ray_job_succeeded', { submissionId: id, attached });
    const data: RayJobResultData = { submissionId: id, status: 'SUCCEEDED', result, attached };
    return stepSuccess(data, { submissionId: id });
  }

  private request(context: RayJobContext, id: string, workingDir: string): JobSubmitRequest {
    const { options } = this;
    const runtimeCtx = context.runtimeCtx;
    const entrypoint =
      typeof options.entrypoint === 'function' ? options.entrypoint(context) : options.entrypoint;
    const envVars =
      typeof options.envVars === 'function' ? options.envVars(context) : options.envVars;
    const pluginEnv = context.spec.runtimeEnv['env_vars'];
    return {
      entrypoint,
      submission_id: id,
      runtime_env: {
        ...context.spec.runtimeEnv,
        working_dir: workingDir,
        env_vars: {
          ...(typeof pluginEnv === 'object' && pluginEnv !== null
            ? (pluginEnv as Record<string, string>)
            : {}),
          SYNAPSE_RUN_ID: runtimeCtx.runId,
          ...(runtimeCtx.jobId ? { SYNAPSE_JOB_ID: runtimeCtx.jobId } : {}),
          ...envVars,
        },
      },
      metadata: {
        synapse_run_id: runtimeCtx.runId,
        synapse_step: this.name,
        ...(runtimeCtx.jobId ? { synapse_job_id: runtimeCtx.jobId } : {}),
        ...options.metadata,
      },
      ...(options.numCpus === undefined ? {} : { entrypoint_num_cpus: options.numCpus }),
      ...(options.numGpus === undefined ? {} : { entrypoint_num_gpus: options.numGpus }),
      ...(options.memory === undefined ? {} : { entrypoint_memory: options.memory }),
      ...(options.resources === undefined ? {} : { entrypoint_resources: options.resources }),
    };
  }

  /** Asks Ray to stop the job and waits (bounded) until it has ended. */
  private async stopJob(context: RayJobContext, jobs: RayJobsClient, id: string): Promise<void> {
    const timeoutMs = this.options.stopTimeoutMs ?? JOB_STOP_WAIT_MS;
    context.log('ray_job_stopping', { submissionId: id, waitUpToS: Math.round(timeoutMs / 1000) });
    const status = await jobs.stopAndWait(id, { timeoutMs, logger: context.runtimeCtx.logger });
    if (status === 'PENDING') {
      context.log('ray_job_stop_pending', {
        submissionId: id,
        reason: 'still PENDING (waiting for resources); Ray stops it as soon as it is scheduled',
      });
    } else context.log('ray_job_stopped', { submissionId: id, status });
  }

  private jobsClient(context: RayJobContext): RayJobsClient {
    if (this.options.client) return this.options.client;
    const runtimeCtx = context.runtimeCtx;
    const container = runtimeCtx.container;
    if (container.isBound(RAY_JOBS_CLIENT)) return container.get(RAY_JOBS_CLIENT);
    let client = ownClients.get(runtimeCtx);
    if (!client) {
      client = RayJobsClient.fromEnv(runtimeCtx.env.toObject(), { logger: runtimeCtx.logger });
      ownClients.set(runtimeCtx, client);
    }
    return client;
  }

  private stateOf(context: RayJobContext): RunState {
    let state = this.states.get(context);
    if (!state) {
      state = {};
      this.states.set(context, state);
    }
    return state;
  }
}
