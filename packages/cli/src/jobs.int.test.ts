import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { RayJobsClient } from '@synapse-sdk/clients';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer, waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import { runSynapse, spawnSynapse } from './test-support/run-synapse.js';

describe('synapse jobs', () => {
  let dev: TestDevServer;
  let jobs: RayJobsClient;

  beforeEach(async () => {
    dev = await startTestDevServer({
      timings: { jobStartTimeMs: 50, jobRunTimeMs: 300, jobLineIntervalMs: 50, jobStopTimeMs: 50 },
    });
    jobs = new RayJobsClient({ address: dev.env['RAY_DASHBOARD_ADDRESS']! });
  });
  afterEach(async () => {
    await dev.stop();
  });

  const status = async (id: string) => (await jobs.getJob(id)).status;
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

  describe('list', () => {
    it('says when there are no jobs, then lists them oldest first', async () => {
      const empty = await runSynapse(['jobs', 'list'], { env: dev.env });
      // Never scheduled, so the listing does not depend on how fast the command starts.
      dev.server.control.injectJobFault({ kind: 'unschedulable', entrypoint: 'python' });
      await jobs.submit({ entrypoint: 'python train.py --epochs 3', submission_id: 'first' });
      await settle(5);
      await jobs.submit({ entrypoint: 'python eval.py', submission_id: 'second' });
      const listed = await runSynapse(['jobs', 'list'], { env: dev.env });
      const [header, ...rows] = listed.stdout.trimEnd().split('\n');
      expect([
        empty.code,
        empty.stdout,
        listed.code,
        header?.split(/\s{2,}/),
        rows.map((row) => row.split(/\s{2,}/).filter((_, i) => i !== 3 && i !== 4)),
      ]).toEqual([
        0,
        `no Ray jobs on ${dev.env['RAY_DASHBOARD_ADDRESS']}/\n`,
        0,
        ['SUBMISSION ID', 'TYPE', 'STATUS', 'STARTED', 'DURATION', 'ENTRYPOINT', 'MESSAGE'],
        [
          [
            'first',
            'SUBMISSION',
            'PENDING',
            'python train.py --epochs 3',
            'Job has not started yet.',
          ],
          ['second', 'SUBMISSION', 'PENDING', 'python eval.py', 'Job has not started yet.'],
        ],
      ]);
    });

    it('prints what the dashboard returns with --json', async () => {
      await jobs.submit({ entrypoint: 'echo hi', submission_id: 'one' });
      const result = await runSynapse(['jobs', 'list', '--json'], { env: dev.env });
      const listed = JSON.parse(result.stdout) as Record<string, unknown>[];
      expect(listed.map((j) => [j['submission_id'], j['type'], j['entrypoint']])).toEqual([
        ['one', 'SUBMISSION', 'echo hi'],
      ]);
    });
  });

  describe('logs', () => {
    it('prints the logs so far, and with --follow until the job ends', async () => {
      dev.server.control.scriptJobOutput({ submissionId: 'train', lines: ['epoch 1', 'epoch 2'] });
      await jobs.submit({ entrypoint: 'python train.py', submission_id: 'train' });
      const followed = await runSynapse(['jobs', 'logs', 'train', '--follow'], { env: dev.env });
      const whole = await runSynapse(['jobs', 'logs', 'train'], { env: dev.env });
      expect([
        followed.code,
        followed.stdout.split('\n').slice(1),
        followed.stderr,
        whole.stdout,
      ]).toEqual([
        0,
        ['Running entrypoint for job train: python train.py', 'epoch 1', 'epoch 2', ''],
        "Ray job 'train' ended: SUCCEEDED (Job finished successfully.)\n",
        followed.stdout,
      ]);
    });

    it('stops following on Ctrl-C, exits 130 and leaves the job running', async () => {
      dev.server.control.scriptJobOutput({ submissionId: 'long', lines: Array(300).fill('tick') });
      await jobs.submit({ entrypoint: 'python train.py', submission_id: 'long' });
      const child = spawnSynapse(['jobs', 'logs', 'long', '--follow'], { env: dev.env });
      const exit = waitForExit(child);
      await waitForOutput(child, 'stdout', /tick/);
      child.kill('SIGINT');
      const result = await exit;
      expect([result.code, result.stderr, await status('long')]).toEqual([
        130,
        "stopped following; Ray job 'long' keeps running ('synapse jobs stop long' stops it)\n",
        'RUNNING',
      ]);
    });

    it('exits 2 for a job the cluster does not have', async () => {
      const result = await runSynapse(['jobs', 'logs', 'nope'], { env: dev.env });
      expect([result.code, result.stderr]).toEqual([
        2,
        `error: no Ray job 'nope' on ${dev.env['RAY_DASHBOARD_ADDRESS']}/. List the jobs with 'synapse jobs list'\n`,
      ]);
    });
  });

  describe('stop', () => {
    it('stops a running job and waits until it is STOPPED; an ended job is left alone', async () => {
      dev.server.control.scriptJobOutput({ submissionId: 'long', lines: Array(300).fill('tick') });
      await jobs.submit({ entrypoint: 'python train.py', submission_id: 'long' });
      await settle(120);
      const stopped = await runSynapse(['jobs', 'stop', 'long'], { env: dev.env });
      const after = await status('long');
      const again = await runSynapse(['jobs', 'stop', 'long', '--json'], { env: dev.env });
      expect([stopped.code, stopped.stdout, after, again.code, JSON.parse(again.stdout)]).toEqual([
        0,
        "Ray job 'long' stopped (STOPPED)\n",
        'STOPPED',
        0,
        { ok: true, result: { submissionId: 'long', status: 'STOPPED' } },
      ]);
    });
  });
});
