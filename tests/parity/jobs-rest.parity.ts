import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { RayJobsClient } from '@synapse-sdk/clients';
import type { WorkingDirPackage } from '@synapse-sdk/steps';
import { packageWorkingDir } from '@synapse-sdk/steps';
import { RAY_JOB_DETAILS_KEYS } from '@synapse-sdk/test-kit';
import WebSocket from 'ws';

import type { HttpResult } from '../../packages/devserver/src/test-support/http.js';
import { http } from '../../packages/devserver/src/test-support/http.js';

/** A Ray dashboard with the Jobs API: the devserver or a real head, both with token auth. */
export interface JobsTarget {
  /** Shown in test names. */
  name: string;
  dashboardUrl: string;
  token: string;
  /**
   * Makes the job `submissionId` print `lines`: the devserver is told to (it executes nothing);
   * on Ray the entrypoint the suite submits prints them itself, so this does nothing.
   */
  scriptOutput(submissionId: string, lines: readonly string[]): void;
}

/** A one-line `python -c` entrypoint that prints `lines`, one every `seconds`. */
function printing(lines: readonly string[], seconds = 0.1): string {
  const list = JSON.stringify(lines).replace(/"/g, "'");
  return `python -c "import time; [print(l, flush=True) or time.sleep(${seconds}) for l in ${list}]"`;
}

/**
 * The Ray Jobs REST behaviours the SDK and its simulator rely on, written once and run against
 * the devserver (`jobs-devserver.test.ts`) and a real Ray 2.58 head (`jobs.ray-test.ts`).
 */
export function describeJobsRestParity(getTarget: () => JobsTarget): void {
  // Its own block, so that the cleanup below runs before the caller stops the target.
  describe('the Jobs API', () => describeJobs(getTarget));
}

function describeJobs(getTarget: () => JobsTarget): void {
  jest.setTimeout(Number(process.env['JOBS_PARITY_TIMEOUT_MS'] ?? 300_000));
  let target: JobsTarget;
  let jobs: RayJobsClient;
  let pkg: WorkingDirPackage;
  const seq = { n: 0 };
  const unique = (name: string) => `parity-${name}-${process.pid}-${Date.now()}-${++seq.n}`;
  const created: string[] = [];
  const raw = (path: string, method = 'GET', body?: object): Promise<HttpResult> =>
    http(`${target.dashboardUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${target.token}` },
      ...(body === undefined ? {} : { body }),
    });
  const submit = async (body: Record<string, unknown>): Promise<HttpResult> => {
    const response = await raw('/api/jobs/', 'POST', body);
    if (response.status === 200)
      created.push(response.json<{ submission_id: string }>().submission_id);
    return response;
  };
  const ended = (id: string) => jobs.waitForJob(id, { timeoutMs: 120_000, pollIntervalMs: 100 });

  beforeAll(async () => {
    target = getTarget();
    jobs = new RayJobsClient({ address: target.dashboardUrl, token: target.token });
    pkg = await packageWorkingDir(await fixtureDir(), {});
    if (!(await jobs.hasPackage(pkg.uri))) await jobs.uploadPackage(pkg.uri, pkg.zip);
    await pkg.remove();
  });
  afterAll(async () => {
    for (const id of created) {
      await jobs.stop(id).catch(() => undefined);
      await jobs.waitForJob(id, { timeoutMs: 30_000 }).catch(() => undefined);
      await jobs.delete(id).catch(() => undefined);
    }
  });

  describe(`POST /api/jobs/ and the lifecycle`, () => {
    it('answers the submission id and runs PENDING/RUNNING → SUCCEEDED with Ray’s fields', async () => {
      const id = unique('ok');
      const lines = ['hello', 'world'];
      target.scriptOutput(id, lines);
      const entrypoint = printing(lines);
      const response = await submit({ entrypoint, submission_id: id, metadata: { a: 'b' } });
      const first = await jobs.getJob(id);
      const done = await ended(id);
      const logs = await jobs.getLogs(id);
      expect([
        response.status,
        response.json(),
        ['PENDING', 'RUNNING'].includes(first.status),
        Object.keys(done).sort(),
        done.status,
        done.message,
        done.job_id,
        done.driver_exit_code,
        done.metadata,
        typeof done.end_time,
        logs.split('\n').slice(1),
      ]).toEqual([
        200,
        { job_id: id, submission_id: id },
        true,
        [...RAY_JOB_DETAILS_KEYS].sort(),
        'SUCCEEDED',
        'Job finished successfully.',
        null,
        0,
        { a: 'b' },
        'number',
        [`Running entrypoint for job ${id}: ${entrypoint}`, 'hello', 'world', ''],
      ]);
    });

    it('answers a duplicate submission id with 500', async () => {
      const id = unique('dup');
      await submit({ entrypoint: 'echo 1', submission_id: id });
      const again = await raw('/api/jobs/', 'POST', { entrypoint: 'echo 2', submission_id: id });
      expect([
        again.status,
        again.text.includes(`Job with submission_id ${id} already exists`),
      ]).toEqual([500, true]);
    });

    it('refuses an unknown key or a wrong type with a 400 TypeError', async () => {
      const unknown = await raw('/api/jobs/', 'POST', { entrypoint: 'echo', bogus: 1 });
      const wrong = await raw('/api/jobs/', 'POST', { entrypoint: 5 });
      expect([
        unknown.status,
        unknown.text.trim().split('\n').at(-1),
        wrong.status,
        wrong.text.trim().split('\n').at(-1),
      ]).toEqual([
        400,
        "TypeError: JobSubmitRequest.__init__() got an unexpected keyword argument 'bogus'",
        400,
        "TypeError: entrypoint must be a string, got <class 'int'>",
      ]);
    });

    it('answers 404 for an unknown job on every route', async () => {
      const id = unique('none');
      const answers = await Promise.all([
        raw(`/api/jobs/${id}`),
        raw(`/api/jobs/${id}/logs`),
        raw(`/api/jobs/${id}/stop`, 'POST'),
        raw(`/api/jobs/${id}`, 'DELETE'),
      ]);
      expect(answers.map((a) => [a.status, a.text])).toEqual(
        Array(4).fill([404, `Job ${id} does not exist`]),
      );
    });
  });

  describe('working_dir and entrypoint', () => {
    it('accepts a local working_dir, then fails the job without logs', async () => {
      const id = unique('local');
      const response = await submit({
        entrypoint: 'echo hi',
        submission_id: id,
        runtime_env: { working_dir: '/tmp' },
      });
      const job = await ended(id);
      expect([response.status, job.status, job.error_type, await jobs.getLogs(id)]).toEqual([
        200,
        'FAILED',
        'JOB_SUPERVISOR_ACTOR_START_FAILURE',
        '',
      ]);
    });

    it('fails the runtime env of a gcs:// package that was never uploaded', async () => {
      const id = unique('nopkg');
      await submit({
        entrypoint: 'python train.py',
        submission_id: id,
        runtime_env: { working_dir: 'gcs://_ray_pkg_00000000deadbeef.zip' },
      });
      const job = await ended(id);
      expect([
        job.status,
        job.error_type,
        job.message?.startsWith('runtime_env setup failed:'),
      ]).toEqual(['FAILED', 'RUNTIME_ENV_SETUP_FAILURE', true]);
    });

    it('runs a script of the uploaded package, and exits 2 for one the package lacks', async () => {
      const ok = unique('script');
      const missing = unique('noscript');
      target.scriptOutput(ok, ['from the package']);
      const env = { working_dir: pkg.uri };
      await submit({ entrypoint: 'python job.py', submission_id: ok, runtime_env: env });
      await submit({ entrypoint: 'python nope.py', submission_id: missing, runtime_env: env });
      const [good, bad] = [await ended(ok), await ended(missing)];
      expect([
        good.status,
        (await jobs.getLogs(ok)).trim().split('\n').at(-1),
        bad.status,
        bad.error_type,
        bad.driver_exit_code,
        /can't open file '.*\/nope\.py': \[Errno 2\] No such file or directory$/.test(
          (await jobs.getLogs(missing)).trim(),
        ),
      ]).toEqual([
        'SUCCEEDED',
        'from the package',
        'FAILED',
        'JOB_ENTRYPOINT_COMMAND_ERROR',
        2,
        true,
      ]);
    });
  });

  describe('stop, delete and the tail', () => {
    it('stops a running job (twice is fine), then deletes it; not before it ended', async () => {
      const id = unique('stop');
      const lines = Array.from({ length: 600 }, (_, i) => `tick ${i}`);
      target.scriptOutput(id, lines);
      await submit({ entrypoint: printing(lines, 0.2), submission_id: id });
      while ((await jobs.getJob(id)).status !== 'RUNNING')
        await new Promise((r) => setTimeout(r, 100));
      const early = await raw(`/api/jobs/${id}`, 'DELETE');
      const stops = [await jobs.stop(id), await jobs.stop(id)];
      const job = await ended(id);
      const late = await jobs.stop(id);
      const deleted = await raw(`/api/jobs/${id}`, 'DELETE');
      expect([
        early.status,
        early.text.includes('non-terminal state'),
        stops,
        job.status,
        job.message,
        late,
        deleted.json(),
        (await raw(`/api/jobs/${id}`)).status,
      ]).toEqual([
        500,
        true,
        [true, true],
        'STOPPED',
        'Job was intentionally stopped.',
        false,
        { deleted: true },
        404,
      ]);
    });

    it('tails the log over a WebSocket that closes normally after the end', async () => {
      const id = unique('tail');
      const lines = ['one', 'two', 'three'];
      target.scriptOutput(id, lines);
      await submit({ entrypoint: printing(lines, 0.3), submission_id: id });
      const [plain, deflate] = await Promise.all([tail(id, false), tail(id, true)]);
      expect([plain.code, plain.text.split('\n').slice(-4), deflate]).toEqual([
        1000,
        ['one', 'two', 'three', ''],
        // A client that offers permessage-deflate gets nothing (see follow-job-logs.ts).
        { code: 1000, text: '' },
      ]);
    });
  });

  function tail(id: string, perMessageDeflate: boolean): Promise<{ code: number; text: string }> {
    const url = `${target.dashboardUrl.replace(/^http/, 'ws')}/api/jobs/${id}/logs/tail`;
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${target.token}` },
      perMessageDeflate,
    });
    let text = '';
    return new Promise((resolve, reject) => {
      ws.on('message', (data) => (text += String(data)));
      ws.on('close', (code) => resolve({ code, text }));
      ws.on('error', reject);
    });
  }
}

/** A directory with one script, `job.py`, packaged as a job's working_dir. */
async function fixtureDir(): Promise<string> {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'jobs-parity-'));
  await writeFile(join(dir, 'job.py'), 'print("from the package", flush=True)\n');
  return dir;
}
