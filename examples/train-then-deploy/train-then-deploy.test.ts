import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer, waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import {
  REPO_ROOT,
  runSynapse,
  spawnSynapse,
} from '../../packages/cli/src/test-support/run-synapse.js';

const APP = 'train-then-deploy@1.0.0';
const ARGS = ['plugin', 'run', 'train-and-deploy', '--path', 'examples/train-then-deploy'];

/** What train.py prints, scripted on the devserver (which executes nothing). */
function trainOutput(runId: string, epochs: number): string[] {
  const path = `/tmp/synapse-artifacts/${runId}/model.json`;
  return [
    ...Array.from({ length: epochs }, (_, i) => `epoch ${i + 1}/${epochs} loss=0.0100`),
    `model written to ${path}`,
    '__SYNAPSE_RESULT_START__',
    JSON.stringify({ model_path: path, loss: 0.01 }),
    '__SYNAPSE_RESULT_END__',
  ];
}

describe('examples/train-then-deploy on the devserver', () => {
  let dev: TestDevServer;

  beforeEach(async () => {
    dev = await startTestDevServer({
      timings: { jobStartTimeMs: 50, jobRunTimeMs: 100, jobLineIntervalMs: 20, jobStopTimeMs: 50 },
    });
  });
  afterEach(() => dev.stop());

  const jobStatuses = () => dev.server.control.jobs().map((j) => j['status']);

  it('trains in a Ray job, deploys the model it wrote, and smoke-tests the route', async () => {
    dev.server.control.scriptJobOutput({ entrypoint: 'train.py', lines: trainOutput('run-1', 3) });
    const result = await runSynapse([...ARGS, '--json'], {
      env: { ...dev.env, SYNAPSE_RUN_ID: 'run-1' },
      cwd: REPO_ROOT,
    });
    const app = dev.server.control.application(APP) as Record<string, Record<string, unknown>>;
    expect([
      result.code,
      JSON.parse(result.stdout),
      result.stderr.match(/\] (\S+) started/g)?.map((line) => line.split(' ')[1]),
      result.stderr.match(/\] train │ epoch \d\/3 .*/g),
      dev.server.control.jobs().map((j) => [j['submission_id'], j['status'], j['entrypoint']]),
      app['status'],
      app['deployed_app_config']?.['deployments'],
      /smoke_test_passed url=\S+ answer=\{"simulated":true/.test(result.stderr),
    ]).toEqual([
      0,
      { ok: true, result: { success: true, stepsExecuted: 4, stepsTotal: 5, deployed: true } },
      ['initialize', 'train', 'deploy', 'smoke-test'],
      [
        '] train │ epoch 1/3 loss=0.0100',
        '] train │ epoch 2/3 loss=0.0100',
        '] train │ epoch 3/3 loss=0.0100',
      ],
      [
        [
          'synapse-run-1-train',
          'SUCCEEDED',
          'python train.py --output /tmp/synapse-artifacts/run-1 --epochs 5 --seconds-per-epoch 0.5',
        ],
      ],
      'RUNNING',
      [
        {
          name: 'LinearModel',
          ray_actor_options: { num_cpus: 0.1 },
          user_config: { model_path: '/tmp/synapse-artifacts/run-1/model.json' },
        },
      ],
      true,
    ]);
  }, 20_000);

  it('fails with the job’s last lines and deploys nothing when training fails', async () => {
    dev.server.control.injectJobFault({
      kind: 'exit',
      entrypoint: 'train.py',
      error: 'Traceback (most recent call last):\nMemoryError',
    });
    const result = await runSynapse(ARGS, { env: dev.env, cwd: REPO_ROOT });
    expect([
      result.code,
      /error: Step 'train' failed: Ray job 'synapse-\S+-train' failed \(FAILED, JOB_ENTRYPOINT_COMMAND_ERROR, exit code 1\)/.test(
        result.stderr,
      ),
      result.stderr.includes('  MemoryError\n'),
      dev.server.control.application(APP),
    ]).toEqual([1, true, true, undefined]);
  }, 20_000);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops the job on ${signal} during training, exits 130 and deploys nothing`, async () => {
      dev.server.control.scriptJobOutput({ entrypoint: 'train.py', lines: trainOutput('x', 500) });
      const child = spawnSynapse(ARGS, { env: dev.env, cwd: REPO_ROOT });
      const exited = waitForExit(child);
      await waitForOutput(child, 'stderr', /train │ epoch 2\//);
      child.kill(signal);
      const result = await exited;
      expect([
        result.code,
        result.stderr.includes('ray_job_stopped'),
        jobStatuses(),
        dev.server.control.application(APP),
      ]).toEqual([130, true, ['STOPPED'], undefined]);
    }, 20_000);
  }

  it('re-attaches a re-run to the job a killed run left running: one submission', async () => {
    dev.server.control.scriptJobOutput({
      entrypoint: 'train.py',
      lines: trainOutput('resumed', 500),
    });
    const env = { ...dev.env, SYNAPSE_RUN_ID: 'resumed' };
    const first = spawnSynapse(ARGS, { env, cwd: REPO_ROOT });
    const firstExit = waitForExit(first);
    await waitForOutput(first, 'stderr', /train │ epoch 2\//);
    first.kill('SIGKILL'); // no chance to stop the job: it keeps running
    await firstExit;
    const running = jobStatuses();
    const second = await runSynapse([...ARGS, '--json'], { env, cwd: REPO_ROOT });
    expect([
      running,
      second.code,
      second.stderr.includes('ray_job_attached submissionId=synapse-resumed-train status=RUNNING'),
      dev.server.control.jobSubmissions(),
      jobStatuses(),
      (dev.server.control.application(APP) as Record<string, unknown>)['status'],
    ]).toEqual([['RUNNING'], 0, true, ['synapse-resumed-train'], ['SUCCEEDED'], 'RUNNING']);
  }, 30_000);
});
