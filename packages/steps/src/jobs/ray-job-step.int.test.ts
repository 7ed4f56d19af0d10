import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { JobFailedError, JobTimeoutError, RayJobsClient } from '@synapse-sdk/clients';
import type { LogEvent, StepAttempt, StepResult } from '@synapse-sdk/core';
import {
  BaseStep,
  BaseStepContext,
  CancelledError,
  Orchestrator,
  PluginEnvironment,
  RuntimeContext,
  StepFailedError,
  StepRegistry,
  stepSuccess,
} from '@synapse-sdk/core';
import type { DevServer } from '@synapse-sdk/devserver';
import { startDevServer } from '@synapse-sdk/devserver';

import { packagePlugin } from '../packaging/package-plugin.js';
import { createPluginDir } from '../test-support/plugin-fixture.js';
import { RESULT_END, RESULT_START } from './job-output.js';
import type { RayJobContext, RayJobStepOptions } from './ray-job-step.js';
import { RayJobStep } from './ray-job-step.js';
import { jobSubmissionId } from './submission-id.js';

const JOB_TIMINGS = {
  jobStartTimeMs: 30,
  jobRunTimeMs: 60,
  jobLineIntervalMs: 10,
  jobStopTimeMs: 20,
} as const;

class JobContext extends BaseStepContext implements RayJobContext {
  public readonly spec: RayJobContext['spec'];

  public constructor(
    runtimeCtx: RuntimeContext,
    pluginDir: string,
    runtimeEnv: Record<string, unknown> = {},
  ) {
    super(runtimeCtx);
    this.spec = { pluginDir, runtimeEnv };
  }
}

let dev: DevServer;
let plugin: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  plugin = await createPluginDir({ 'train.py': 'print("training")\n' });
});
afterAll(async () => {
  await plugin.remove();
});
afterEach(async () => {
  await dev?.stop();
});

async function startDev(timings: Record<string, number> = {}): Promise<void> {
  dev = await startDevServer({ timings: { ...JOB_TIMINGS, ...timings } });
}

interface Run {
  runtime: RuntimeContext;
  context: JobContext;
  logs: LogEvent[];
  run: () => Promise<unknown>;
}

function pipeline(
  steps: BaseStep<RayJobContext>[],
  options: { runId?: string; signal?: AbortSignal } = {},
): Run {
  const runtime = RuntimeContext.create({
    env: new PluginEnvironment({ RAY_DASHBOARD_ADDRESS: dev.dashboardUrl }),
    ...(options.runId ? { runId: options.runId } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const logs: LogEvent[] = [];
  runtime.events.on('log', (e) => logs.push(e));
  const context = new JobContext(runtime, plugin.dir, { env_vars: { PLUGIN_VAR: '1' } });
  const registry = new StepRegistry<RayJobContext>();
  for (const step of steps) registry.register(step);
  return {
    runtime,
    context,
    logs,
    run: () => new Orchestrator(registry, context).execute(),
  };
}

function train(options: Partial<RayJobStepOptions> = {}): RayJobStep {
  return new RayJobStep({
    name: 'train',
    entrypoint: 'python train.py --epochs 2',
    stopTimeoutMs: 5_000,
    ...options,
  });
}

const output = (logs: LogEvent[]) =>
  logs.filter((e) => e.event === 'ray_job_output').map((e) => e.data['line']);
const events = (logs: LogEvent[]) => logs.map((e) => e.event);

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the run to fail');
}

/** Loses its first `lost` attempts once the job runs, as a dashboard that went away would. */
class LosesAttempts extends RayJobStep {
  public constructor(
    private readonly lost: number,
    options: RayJobStepOptions,
  ) {
    super(options);
  }

  public override async execute(context: RayJobContext, attempt: StepAttempt) {
    if (attempt.number > this.lost) return await super.execute(context, attempt);
    const gone = new AbortController();
    const onLog = (e: LogEvent): void => {
      if (e.event === 'ray_job_status' && e.data['status'] === 'RUNNING') gone.abort();
    };
    context.runtimeCtx.events.on('log', onLog);
    await super.execute(context, { ...attempt, signal: gone.signal }).catch(() => undefined);
    context.runtimeCtx.events.off('log', onLog);
    throw new Error(`attempt ${attempt.number} lost the dashboard`);
  }
}

describe('RayJobStep on the devserver', () => {
  it('submits the packaged plugin once, streams its output and returns the result it printed', async () => {
    await startDev();
    dev.control.scriptJobOutput({
      entrypoint: 'train.py',
      lines: [
        'epoch 1 loss 0.5',
        RESULT_START,
        '{"model_path": "/tmp/m.json", "loss": 0.1}',
        RESULT_END,
      ],
    });
    const { context, logs, run, runtime } = pipeline([
      train({ numCpus: 0.5, resources: { cpu_pool: 1 } }),
    ]);
    await run();
    const id = jobSubmissionId(runtime.runId, 'train');
    const [job] = dev.control.jobs();
    const pkg = await packagePlugin(plugin.dir, {});
    await pkg.remove();
    expect([
      dev.control.jobSubmissions(),
      context.resultOf('train')?.data,
      output(logs).slice(1),
      job?.['runtime_env'],
      job?.['metadata'],
      job?.['status'],
      events(logs).filter(
        (e) => e.startsWith('ray_job_') && e !== 'ray_job_output' && e !== 'ray_job_status',
      ),
    ]).toEqual([
      [id],
      {
        submissionId: id,
        status: 'SUCCEEDED',
        result: { model_path: '/tmp/m.json', loss: 0.1 },
        attached: false,
      },
      [
        `Running entrypoint for job ${id}: python train.py --epochs 2`,
        'epoch 1 loss 0.5',
        RESULT_START,
        '{"model_path": "/tmp/m.json", "loss": 0.1}',
        RESULT_END,
      ],
      {
        env_vars: { PLUGIN_VAR: '1', SYNAPSE_RUN_ID: runtime.runId },
        working_dir: pkg.uri,
      },
      { synapse_run_id: runtime.runId, synapse_step: 'train' },
      'SUCCEEDED',
      ['ray_job_submitted', 'ray_job_succeeded'],
    ]);
  });

  it('fails with the job’s last log lines when the job fails', async () => {
    await startDev();
    dev.control.scriptJobOutput({ entrypoint: 'train.py', lines: ['loading data'] });
    dev.control.injectJobFault({
      kind: 'exit',
      entrypoint: 'train.py',
      exitCode: 3,
      error: 'Traceback (most recent call last):\nValueError: no rows',
    });
    const { run } = pipeline([train({ errorLogLines: 3 })]);
    const error = await failureOf(run());
    const cause = (error as StepFailedError).cause as JobFailedError;
    expect([
      error instanceof StepFailedError,
      cause instanceof JobFailedError,
      cause.exitCode,
      cause.lastLogLines,
      error.message.split('\n').slice(1),
    ]).toEqual([
      true,
      true,
      3,
      ['loading data', 'Traceback (most recent call last):', 'ValueError: no rows'],
      [
        'last 3 log lines:',
        '  loading data',
        '  Traceback (most recent call last):',
        '  ValueError: no rows',
      ],
    ]);
  });

  it('attaches a retried attempt to the job the first attempt submitted: one submission', async () => {
    await startDev({ jobRunTimeMs: 400 });
    const step = new LosesAttempts(1, {
      name: 'train',
      entrypoint: 'python train.py',
      retry: { attempts: 2, initialDelayMs: 10 },
    });
    const { logs, run, context } = pipeline([step]);
    await run();
    expect([
      dev.control.jobSubmissions().length,
      events(logs).filter((e) => e === 'ray_job_submitted' || e === 'ray_job_attached'),
      context.resultOf('train')?.data['attached'],
      dev.control.jobs().map((j) => j['status']),
    ]).toEqual([1, ['ray_job_submitted', 'ray_job_attached'], true, ['SUCCEEDED']]);
  });

  it('resumes a run: attaches to its running job, reuses its succeeded one, resubmits a failed one', async () => {
    await startDev();
    const jobs = new RayJobsClient({ address: dev.dashboardUrl });
    const pkg = await packagePlugin(plugin.dir, {});
    await jobs.uploadPackage(pkg.uri, pkg.zip);
    await pkg.remove();
    const env = { working_dir: pkg.uri };
    dev.control.scriptJobOutput({
      submissionId: jobSubmissionId('done', 'train'),
      lines: [RESULT_START, '{"n": 1}', RESULT_END],
    });
    dev.control.injectJobFault({ kind: 'exit', submissionId: jobSubmissionId('failed', 'train') });
    for (const runId of ['running', 'done', 'failed']) {
      await jobs.submit({
        entrypoint: 'python train.py',
        submission_id: jobSubmissionId(runId, 'train'),
        runtime_env: env,
      });
    }
    await new Promise((r) => setTimeout(r, 150));

    const results: unknown[] = [];
    for (const runId of ['running', 'done', 'failed']) {
      const { context, run } = pipeline([train()], { runId });
      await run();
      const data = context.resultOf('train')?.data;
      results.push([data?.['submissionId'], data?.['attached'], data?.['result']]);
    }
    expect([results, dev.control.jobSubmissions().length]).toEqual([
      [
        [jobSubmissionId('running', 'train'), true, undefined],
        [jobSubmissionId('done', 'train'), true, { n: 1 }],
        [`${jobSubmissionId('failed', 'train')}-r2`, false, undefined],
      ],
      4,
    ]);
  });

  it('stops the job when the run is cancelled while it runs, and waits for STOPPED', async () => {
    await startDev({ jobRunTimeMs: 60_000 });
    const controller = new AbortController();
    const { runtime, run } = pipeline([train()], { signal: controller.signal });
    runtime.events.on('log', (e) => {
      if (e.event === 'ray_job_status' && e.data['status'] === 'RUNNING') controller.abort();
    });
    const error = await failureOf(run());
    expect([
      error instanceof CancelledError,
      error.message,
      dev.control.jobs().map((j) => j['status']),
    ]).toEqual([true, "Cancelled during step 'train'; rolled back 1 step", ['STOPPED']]);
  });

  it('stops the job when its step fails while the job still runs', async () => {
    await startDev({ jobRunTimeMs: 60_000 });
    const { run } = pipeline([
      new LosesAttempts(1, { name: 'train', entrypoint: 'python train.py' }),
    ]);
    const error = await failureOf(run());
    expect([error.message, dev.control.jobs().map((j) => j['status'])]).toEqual([
      "Step 'train' failed: attempt 1 lost the dashboard",
      ['STOPPED'],
    ]);
  });

  it('stops a job that runs past waitTimeoutMs and says so', async () => {
    await startDev({ jobRunTimeMs: 60_000 });
    const { run, runtime } = pipeline([train({ waitTimeoutMs: 200 })]);
    const error = await failureOf(run());
    const cause = (error as StepFailedError).cause;
    expect([
      cause instanceof JobTimeoutError,
      (cause as JobTimeoutError).message.startsWith(
        `Ray job '${jobSubmissionId(runtime.runId, 'train')}' did not end within 0 s`,
      ),
      dev.control.jobs().map((j) => j['status']),
    ]).toEqual([true, true, ['STOPPED']]);
  });

  it('leaves a succeeded job alone when a later step fails', async () => {
    await startDev();
    class Later extends BaseStep<RayJobContext> {
      public readonly name = 'later';
      public readonly progressWeight = 1;
      public execute(): StepResult {
        return { ...stepSuccess(), success: false, error: 'later step said no' };
      }
    }
    const { logs, run } = pipeline([train(), new Later()]);
    await failureOf(run());
    expect([
      dev.control.jobs().map((j) => j['status']),
      logs.find((e) => e.event === 'ray_job_rollback_skipped')?.data['reason'],
    ]).toEqual([['SUCCEEDED'], 'the job is SUCCEEDED']);
  });

  it('refuses a result block that is not a JSON object', async () => {
    await startDev();
    dev.control.scriptJobOutput({
      entrypoint: 'train.py',
      lines: [RESULT_START, '[1, 2]', RESULT_END],
    });
    const { run } = pipeline([train()]);
    const error = await failureOf(run());
    expect(error.message).toMatch(/printed a result block that is not a JSON object: \[1, 2\]$/);
  });
});
