import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RayJobsClient, RayServeClient } from '@synapse-sdk/clients';
import { waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import {
  REPO_ROOT,
  runSynapse,
  spawnSynapse,
} from '../../../packages/cli/src/test-support/run-synapse.js';
import { rayLane, recordFigure } from '../support/lane-env.js';

/**
 * examples/train-then-deploy through the built CLI on the lane's head: the job really trains
 * (pure Python, CPU), the replica really loads the model it wrote, the route really predicts.
 */
describe('examples/train-then-deploy on real Ray', () => {
  const lane = rayLane();
  const jobs = new RayJobsClient({ address: lane.dashboardUrl, token: lane.token });
  const ray = new RayServeClient({ address: lane.dashboardUrl, token: lane.token });
  let artifacts: string;

  beforeAll(async () => {
    artifacts = await mkdtemp(join(tmpdir(), 'lane-artifacts-'));
  });
  afterAll(async () => {
    await rm(artifacts, { recursive: true, force: true });
  });

  /** Runs the action for app `code` and run `runId`; `params` on top of a quick training. */
  function args(params: Record<string, unknown> = {}): string[] {
    return [
      'plugin',
      'run',
      'train-and-deploy',
      '--path',
      'examples/train-then-deploy',
      '--params',
      JSON.stringify({ epochs: 3, seconds_per_epoch: 0.2, artifact_dir: artifacts, ...params }),
    ];
  }
  function env(code: string, runId: string): Record<string, string> {
    return {
      RAY_DASHBOARD_ADDRESS: lane.dashboardUrl,
      RAY_AUTH_TOKEN: lane.token,
      RAY_SERVE_URL: lane.serveUrl,
      SYNAPSE_PLUGIN_RELEASE_CODE: code,
      SYNAPSE_RUN_ID: runId,
    };
  }
  const runJobs = async (runId: string) =>
    (await jobs.listJobs()).filter((j) => j.metadata?.['synapse_run_id'] === runId);
  async function removeApp(code: string): Promise<void> {
    await runSynapse(['serve', 'delete', code, '--yes'], {
      env: env(code, 'cleanup'),
      timeoutMs: 120_000,
    });
  }

  it('trains in a job, serves the model it wrote, and predicts y = 3x + 2', async () => {
    const code = `lane-ttd-ok-${process.pid}`;
    const runId = `lane-ok-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const result = await runSynapse([...args(), '--json'], {
      env: env(code, runId),
      cwd: REPO_ROOT,
      timeoutMs: 280_000,
    });
    recordFigure('train-then-deploy: whole run (s)', Math.round((Date.now() - started) / 100) / 10);
    const answer = /smoke_test_passed url=\S+ answer=(\{.*\})/.exec(result.stderr)?.[1];
    const app = await ray.getApplication(code);
    const [job] = await runJobs(runId);
    expect([
      result.code,
      JSON.parse(result.stdout),
      result.stderr.match(/\] train │ epoch \d\/3/g)?.length,
      job?.status,
      app?.status,
      Math.abs(((JSON.parse(answer ?? '{}') as { y?: number }).y ?? 0) - 8) < 0.05,
    ]).toEqual([
      0,
      { ok: true, result: { success: true, stepsExecuted: 4, stepsTotal: 5, deployed: true } },
      3,
      'SUCCEEDED',
      'RUNNING',
      true,
    ]);
    await removeApp(code);
  });

  it('stops the job on Ctrl-C during training: exit 130, no job running, nothing deployed', async () => {
    const code = `lane-ttd-cancel-${process.pid}`;
    const runId = `lane-cancel-${process.pid}-${Date.now()}`;
    const child = spawnSynapse(args({ epochs: 120, seconds_per_epoch: 1 }), {
      env: env(code, runId),
      cwd: REPO_ROOT,
    });
    const exited = waitForExit(child, 120_000);
    await waitForOutput(child, 'stderr', /train │ epoch 2\//, 120_000);
    const signalledAt = Date.now();
    child.kill('SIGINT');
    const result = await exited;
    recordFigure('train-then-deploy: Ctrl-C → job STOPPED and exit (ms)', Date.now() - signalledAt);
    const statuses = (await runJobs(runId)).map((j) => j.status);
    expect([result.code, statuses, await ray.getApplication(code)]).toEqual([
      130,
      ['STOPPED'],
      undefined,
    ]);
  });

  it('re-attaches a re-run to the job a killed run left running: one job', async () => {
    const code = `lane-ttd-resume-${process.pid}`;
    const runId = `lane-resume-${process.pid}-${Date.now()}`;
    const first = spawnSynapse(args({ epochs: 12, seconds_per_epoch: 1 }), {
      env: env(code, runId),
      cwd: REPO_ROOT,
    });
    const firstExit = waitForExit(first, 120_000);
    await waitForOutput(first, 'stderr', /train │ epoch 2\//, 120_000);
    first.kill('SIGKILL');
    await firstExit;
    const whileKilled = (await runJobs(runId)).map((j) => j.status);
    const second = await runSynapse([...args({ epochs: 12, seconds_per_epoch: 1 }), '--json'], {
      env: env(code, runId),
      cwd: REPO_ROOT,
      timeoutMs: 280_000,
    });
    const after = await runJobs(runId);
    expect([
      whileKilled,
      second.code,
      /ray_job_attached submissionId=synapse-\S+-train status=RUNNING/.test(second.stderr),
      after.map((j) => [j.submission_id, j.status]),
      (await ray.getApplication(code))?.status,
    ]).toEqual([['RUNNING'], 0, true, [[`synapse-${runId}-train`, 'SUCCEEDED']], 'RUNNING']);
    await removeApp(code);
  });
});
