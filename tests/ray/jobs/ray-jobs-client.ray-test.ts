import { describe, expect, it } from '@jest/globals';
import {
  AuthError,
  JobExistsError,
  RayJobsClient,
  RequestValidationError,
  ServerError,
} from '@synapse-sdk/clients';

import { http } from '../../../packages/devserver/src/test-support/http.js';
import { rayLane, recordFigure } from '../support/lane-env.js';

/** The Ray Jobs API facts the SDK relies on, checked on the lane's Ray 2.58 head (token auth). */
describe('Ray Jobs REST API on a real head', () => {
  const lane = rayLane();
  const jobs = new RayJobsClient({ address: lane.dashboardUrl, token: lane.token });
  const unique = (name: string) => `lane-${name}-${process.pid}-${Date.now()}`;
  const ticks = (n: number, seconds: number) =>
    `python -c "import time\nfor i in range(${n}): print('tick', i, time.time(), flush=True); time.sleep(${seconds})"`;

  it('runs a job PENDING → RUNNING → SUCCEEDED keyed by submission id, its output streamed', async () => {
    const id = unique('ok');
    const submittedAt = Date.now();
    await jobs.submit({ entrypoint: ticks(4, 0.5), submission_id: id, metadata: { k: 'v' } });
    const statuses: string[] = [];
    let runningAt: number | undefined;
    const received: Array<[number, string]> = [];
    const following = jobs.followLogs(id, {
      onText: (text) => received.push([Date.now(), text]),
    });
    const final = await jobs.waitForJob(id, {
      timeoutMs: 120_000,
      pollIntervalMs: 100,
      maxPollIntervalMs: 100,
      onStatus: (job) => {
        statuses.push(job.status);
        if (job.status === 'RUNNING') runningAt ??= Date.now();
      },
    });
    await following;
    const lines = received
      .map(([, t]) => t)
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('tick '));
    const latencies = received.flatMap(([at, text]) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('tick '))
        .map((l) => at - Number(l.split(' ')[2]) * 1000),
    );
    if (runningAt !== undefined)
      recordFigure('jobs: submit → RUNNING (ms)', runningAt - submittedAt);
    recordFigure(
      'jobs: log latency over the tail WebSocket, mean (ms)',
      Math.round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
    );
    expect([
      [...new Set(statuses)].filter((s) => s !== 'PENDING'),
      final.job_id,
      final.submission_id,
      final.metadata,
      final.driver_exit_code,
      lines.map((l) => l.split(' ').slice(0, 2).join(' ')),
      (await jobs.getLogs(id)).includes(`Running entrypoint for job ${id}: `),
    ]).toEqual([
      ['RUNNING', 'SUCCEEDED'],
      null,
      id,
      { k: 'v' },
      0,
      ['tick 0', 'tick 1', 'tick 2', 'tick 3'],
      true,
    ]);
    await jobs.delete(id);
  });

  it('answers a duplicate submission_id with 500, which the client reports as JobExistsError', async () => {
    const id = unique('dup');
    await jobs.submit({ entrypoint: 'echo first', submission_id: id });
    let error: unknown;
    try {
      await jobs.submit({ entrypoint: 'echo second', submission_id: id });
    } catch (caught) {
      error = caught;
    }
    expect([error instanceof JobExistsError, (error as JobExistsError).status]).toEqual([
      true,
      500,
    ]);
    await jobs.waitForJob(id, { timeoutMs: 60_000 });
    await jobs.delete(id);
  });

  it('accepts a local working_dir and then fails the job; the client refuses to send one', async () => {
    const id = unique('local');
    const raw = await http(`${lane.dashboardUrl}/api/jobs/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${lane.token}` },
      body: { entrypoint: 'echo hi', submission_id: id, runtime_env: { working_dir: '/tmp' } },
    });
    let refused: unknown;
    try {
      await jobs.submit({
        entrypoint: 'echo hi',
        submission_id: unique('never'),
        runtime_env: { working_dir: '/tmp' },
      });
    } catch (error) {
      refused = error;
    }
    const job = await jobs.waitForJob(id, { timeoutMs: 60_000 });
    expect([
      raw.status,
      job.status,
      job.error_type,
      await jobs.getLogs(id),
      refused instanceof RequestValidationError,
    ]).toEqual([200, 'FAILED', 'JOB_SUPERVISOR_ACTOR_START_FAILURE', '', true]);
    await jobs.delete(id);
  });

  it('stops a running job (twice is fine) and deletes it only once it ended', async () => {
    const id = unique('stop');
    await jobs.submit({ entrypoint: ticks(600, 0.2), submission_id: id });
    for (;;) {
      if ((await jobs.getJob(id)).status === 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    let deleteEarly: unknown;
    try {
      await jobs.delete(id);
    } catch (error) {
      deleteEarly = error;
    }
    const first = await jobs.stop(id);
    const second = await jobs.stop(id);
    const ended = await jobs.waitForJob(id, { timeoutMs: 60_000 });
    const afterEnd = await jobs.stop(id);
    expect([
      deleteEarly instanceof ServerError,
      first,
      second,
      ended.status,
      afterEnd,
      await jobs.delete(id),
      await jobs.findJob(id),
    ]).toEqual([true, true, true, 'STOPPED', false, true, undefined]);
  });

  it('refuses the Jobs API and its tail without the token', async () => {
    const anonymous = new RayJobsClient({ address: lane.dashboardUrl, retry: { attempts: 1 } });
    const failures: unknown[] = [];
    for (const call of [
      () => anonymous.listJobs(),
      () => anonymous.followLogs('x', { onText: () => undefined }),
    ]) {
      try {
        await call();
      } catch (error) {
        failures.push(error instanceof AuthError ? (error as AuthError).status : error);
      }
    }
    expect(failures).toEqual([401, 401]);
  });
});
