import { afterEach, describe, expect, it } from '@jest/globals';
import { RAY_JOB_DETAILS_KEYS } from '@synapse-sdk/test-kit';
import { zipSync } from 'fflate';
import WebSocket from 'ws';

import type { TestServer } from '../test-support/http.js';
import { http, startTestServer } from '../test-support/http.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dev.stop();
  server = undefined;
});

interface Job {
  status: string;
  message: string;
  error_type: string | null;
  driver_exit_code: number | null;
  end_time: number | null;
  [key: string]: unknown;
}

async function start(options: Parameters<typeof startTestServer>[0] = {}) {
  server = await startTestServer(options);
  const base = `${server.dev.dashboardUrl}/api/jobs/`;
  const { clock } = server;
  const auth: Record<string, string> =
    options.authToken === undefined ? {} : { Authorization: `Bearer ${options.authToken}` };
  return {
    clock,
    advance: (ms: number) => server!.dev.control.advance(ms),
    submit: (body: unknown) => http(base, { method: 'POST', body: body as object, headers: auth }),
    job: async (id: string) => (await http(`${base}${id}`, { headers: auth })).json<Job>(),
    logs: async (id: string) =>
      (await http(`${base}${id}/logs`, { headers: auth })).json<{ logs: string }>().logs,
    stop: async (id: string) =>
      (await http(`${base}${id}/stop`, { method: 'POST', headers: auth })).json<{
        stopped: boolean;
      }>().stopped,
    remove: (id: string) => http(`${base}${id}`, { method: 'DELETE', headers: auth }),
    upload: (name: string, files: Record<string, string>) =>
      http(`${server!.dev.dashboardUrl}/api/packages/gcs/${name}`, {
        method: 'PUT',
        headers: auth,
        body: Buffer.from(
          zipSync(
            Object.fromEntries(
              Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)]),
            ),
          ),
        ),
      }),
    tailUrl: (id: string) => `${base.replace('http://', 'ws://')}${id}/logs/tail`,
  };
}

describe('devserver Jobs API', () => {
  describe('POST /api/jobs/ and the job lifecycle', () => {
    it('goes PENDING → RUNNING → SUCCEEDED on the clock, with Ray’s shapes and messages', async () => {
      const api = await start();
      const submitted = await api.submit({
        entrypoint: 'python -c "print(1)"',
        submission_id: 'job-1',
        metadata: { a: 'b' },
        entrypoint_num_cpus: 0.5,
      });
      const pending = await api.job('job-1');
      await api.advance(500);
      const running = await api.job('job-1');
      const runningLogs = await api.logs('job-1');
      await api.advance(1_000);
      const done = await api.job('job-1');
      expect([
        submitted.status,
        submitted.json(),
        Object.keys(pending),
        pending.status,
        pending.message,
        pending.driver_agent_http_address,
        running.status,
        running.message,
        runningLogs.split('\n').slice(1),
        done.status,
        done.message,
        done.driver_exit_code,
        done.end_time === api.clock.now(),
        done.job_id,
        done.metadata,
      ]).toEqual([
        200,
        { job_id: 'job-1', submission_id: 'job-1' },
        RAY_JOB_DETAILS_KEYS,
        'PENDING',
        'Job has not started yet. It may be waiting for resources (CPUs, GPUs, memory, custom resources) to become available.',
        null,
        'RUNNING',
        'Job is currently running.',
        ['Running entrypoint for job job-1: python -c "print(1)"', ''],
        'SUCCEEDED',
        'Job finished successfully.',
        0,
        true,
        null,
        { a: 'b' },
      ]);
    });

    it('generates a raysubmit_ id when none is given and lists jobs', async () => {
      const api = await start();
      const body = (await api.submit({ entrypoint: 'echo hi' })).json<{ submission_id: string }>();
      const list = (await http(`${server!.dev.dashboardUrl}/api/jobs/`)).json<
        { submission_id: string }[]
      >();
      expect([
        /^raysubmit_[A-HJ-NP-Za-km-z1-9]{16}$/.test(body.submission_id),
        list.map((j) => j.submission_id),
      ]).toEqual([true, [body.submission_id]]);
    });

    it('answers a duplicate submission_id with Ray’s 500 (not 400)', async () => {
      const api = await start();
      await api.submit({ entrypoint: 'echo 1', submission_id: 'dup' });
      const again = await api.submit({ entrypoint: 'echo 2', submission_id: 'dup' });
      expect([again.status, again.text.split('\n').at(-2)]).toEqual([
        500,
        'ValueError: Job with submission_id dup already exists. Please use a different submission_id.',
      ]);
    });

    it('refuses unknown keys and wrong types with a 400 traceback, bad JSON with a 500', async () => {
      const api = await start();
      const unknown = await api.submit({ entrypoint: 'x', bogus: 1 });
      const wrongType = await api.submit({ entrypoint: 5 });
      const badMetadata = await api.submit({ entrypoint: 'x', metadata: { a: 1 } });
      const badJson = await http(`${server!.dev.dashboardUrl}/api/jobs/`, {
        method: 'POST',
        body: '{bad',
      });
      const nullsDropped = await api.submit({ entrypoint: 'x', submission_id: null });
      expect([
        unknown.status,
        unknown.text.split('\n').at(-1),
        wrongType.text.split('\n').at(-1),
        badMetadata.text.split('\n').at(-1),
        badJson.status,
        badJson.text,
        nullsDropped.status,
      ]).toEqual([
        400,
        "TypeError: JobSubmitRequest.__init__() got an unexpected keyword argument 'bogus'",
        "TypeError: entrypoint must be a string, got <class 'int'>",
        "TypeError: metadata values must be strings, got <class 'int'>",
        500,
        '500 Internal Server Error\n\nServer got itself in trouble',
        200,
      ]);
    });
  });

  describe('working_dir and entrypoint checks', () => {
    it('accepts a local working_dir, then fails the job at once (as Ray does)', async () => {
      const api = await start();
      const submitted = await api.submit({
        entrypoint: 'python train.py',
        submission_id: 'local',
        runtime_env: { working_dir: './plugin' },
      });
      const job = await api.job('local');
      expect([submitted.status, job.status, job.error_type, await api.logs('local')]).toEqual([
        200,
        'FAILED',
        'JOB_SUPERVISOR_ACTOR_START_FAILURE',
        '',
      ]);
    });

    it('fails the runtime_env when the gcs:// package was never uploaded', async () => {
      const api = await start();
      await api.submit({
        entrypoint: 'python train.py',
        submission_id: 'nopkg',
        runtime_env: { working_dir: 'gcs://_ray_pkg_00000000deadbeef.zip' },
      });
      await api.advance(500);
      const job = await api.job('nopkg');
      expect([
        job.status,
        job.error_type,
        job.message.startsWith('runtime_env setup failed: Failed to set up runtime environment.'),
        job.message.includes(
          'Failed to download runtime_env file package gcs://_ray_pkg_00000000deadbeef.zip',
        ),
      ]).toEqual(['FAILED', 'RUNTIME_ENV_SETUP_FAILURE', true, true]);
    });

    it('runs python <file> only when the package has the file', async () => {
      const api = await start();
      await api.upload('_ray_pkg_aaaaaaaaaaaaaaaa.zip', { 'train.py': 'print(1)\n' });
      const env = { working_dir: 'gcs://_ray_pkg_aaaaaaaaaaaaaaaa.zip' };
      await api.submit({
        entrypoint: 'python train.py --epochs 2',
        submission_id: 'ok',
        runtime_env: env,
      });
      await api.submit({
        entrypoint: 'python eval.py',
        submission_id: 'missing',
        runtime_env: env,
      });
      await api.advance(1_500);
      const missing = await api.job('missing');
      expect([
        (await api.job('ok')).status,
        missing.status,
        missing.driver_exit_code,
        (await api.logs('missing')).split('\n').at(-2),
      ]).toEqual([
        'SUCCEEDED',
        'FAILED',
        2,
        "/home/ray/anaconda3/bin/python: can't open file '/tmp/ray/session_latest/runtime_resources/working_dir_files/_ray_pkg_aaaaaaaaaaaaaaaa/eval.py': [Errno 2] No such file or directory",
      ]);
    });
  });

  describe('faults and scripted output', () => {
    it('prints the scripted lines over time and fails with an exit fault, Ray’s last lines in the message', async () => {
      const api = await start();
      server!.dev.control.scriptJobOutput({
        entrypoint: 'train.py',
        lines: ['epoch 1', 'epoch 2'],
      });
      server!.dev.control.injectJobFault({
        kind: 'exit',
        entrypoint: 'train.py',
        exitCode: 3,
        error: 'Traceback\nValueError: bad data',
      });
      await api.submit({ entrypoint: 'python train.py', submission_id: 'f' });
      await api.advance(600);
      const early = await api.logs('f');
      await api.advance(2_000);
      const job = await api.job('f');
      expect([
        early.split('\n').slice(2),
        job.status,
        job.error_type,
        job.driver_exit_code,
        job.message.split('\n').slice(0, 1),
        job.message.split('\n').slice(-5),
      ]).toEqual([
        ['epoch 1', ''],
        'FAILED',
        'JOB_ENTRYPOINT_COMMAND_ERROR',
        3,
        [
          'Job entrypoint command failed with exit code 3, last available logs (truncated to 20,000 chars):',
        ],
        ['epoch 1', 'epoch 2', 'Traceback', 'ValueError: bad data', ''],
      ]);
    });

    it('keeps an unschedulable job PENDING until Ray’s start timeout', async () => {
      const api = await start({ timings: { jobStartTimeoutMs: 10_000 } });
      server!.dev.control.injectJobFault({ kind: 'unschedulable', submissionId: 'u' });
      await api.submit({ entrypoint: 'echo', submission_id: 'u' });
      await api.advance(9_000);
      const before = (await api.job('u')).status;
      await api.advance(1_000);
      const after = await api.job('u');
      expect([before, after.status, after.error_type]).toEqual([
        'PENDING',
        'FAILED',
        'JOB_SUPERVISOR_ACTOR_START_TIMEOUT',
      ]);
    });
  });

  describe('stop and delete', () => {
    it('stops a running job after the stop time; stopping again is harmless', async () => {
      const api = await start();
      await api.submit({ entrypoint: 'sleep 100', submission_id: 's' });
      await api.advance(600);
      const first = await api.stop('s');
      const second = await api.stop('s');
      const during = (await api.job('s')).status;
      await api.advance(200);
      const job = await api.job('s');
      expect([
        first,
        second,
        during,
        job.status,
        job.message,
        job.driver_exit_code,
        await api.stop('s'),
      ]).toEqual([true, true, 'RUNNING', 'STOPPED', 'Job was intentionally stopped.', null, false]);
    });

    it('stops a pending job once it is scheduled', async () => {
      const api = await start();
      await api.submit({ entrypoint: 'sleep 100', submission_id: 'p' });
      const stopped = await api.stop('p');
      await api.advance(400);
      const stillPending = (await api.job('p')).status;
      await api.advance(400);
      expect([stopped, stillPending, (await api.job('p')).status]).toEqual([
        true,
        'PENDING',
        'STOPPED',
      ]);
    });

    it('deletes only ended jobs', async () => {
      const api = await start();
      await api.submit({ entrypoint: 'sleep 1', submission_id: 'd' });
      const early = await api.remove('d');
      await api.advance(2_000);
      const late = await api.remove('d');
      const again = await api.remove('d');
      expect([
        early.status,
        early.text.includes(
          "Attempted to delete job 'd', but it is in a non-terminal state PENDING.",
        ),
        late.json(),
        again.status,
        again.text,
      ]).toEqual([500, true, { deleted: true }, 404, 'Job d does not exist']);
    });
  });

  describe('GET /api/jobs/{id}/logs/tail (WebSocket)', () => {
    function follow(url: string, headers: Record<string, string> = {}, perMessageDeflate = false) {
      const frames: string[] = [];
      const ws = new WebSocket(url, { headers, perMessageDeflate });
      const closed = new Promise<{ code: number } | { status: number; text: string }>((resolve) => {
        ws.on('message', (data) => frames.push(String(data)));
        ws.on('close', (code) => resolve({ code }));
        ws.on('unexpected-response', (_req, res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
      });
      const opened = new Promise<void>((resolve) => {
        ws.on('open', () => resolve());
        ws.on('unexpected-response', () => resolve());
      });
      return { frames, closed, opened };
    }

    it('streams lines as the clock reaches them and closes normally at the end', async () => {
      const api = await start();
      server!.dev.control.scriptJobOutput({ submissionId: 't', lines: ['one', 'two'] });
      await api.submit({ entrypoint: 'python -c pass', submission_id: 't' });
      const tail = follow(api.tailUrl('t'));
      await tail.opened;
      const beforeStart = tail.frames.length;
      await api.advance(500);
      await new Promise((r) => setTimeout(r, 50));
      const atStart = tail.frames.length;
      await api.advance(1_000);
      const closed = await tail.closed;
      expect([beforeStart, atStart, tail.frames.join('').split('\n').slice(1), closed]).toEqual([
        0,
        1,
        ['Running entrypoint for job t: python -c pass', 'one', 'two', ''],
        { code: 1000 },
      ]);
    });

    it('closes the tail of a stopped job once it is STOPPED', async () => {
      const api = await start();
      await api.submit({ entrypoint: 'sleep 100', submission_id: 'st' });
      await api.advance(600);
      const tail = follow(api.tailUrl('st'));
      await tail.opened;
      await api.stop('st');
      await api.advance(200);
      expect(await tail.closed).toEqual({ code: 1000 });
    });

    it('sends nothing to a client that offers permessage-deflate, as Ray 2.58 does', async () => {
      const api = await start();
      server!.dev.control.scriptJobOutput({ submissionId: 'z', lines: ['one'] });
      await api.submit({ entrypoint: 'python -c pass', submission_id: 'z' });
      const tail = follow(api.tailUrl('z'), {}, true);
      await tail.opened;
      await api.advance(2_000);
      expect([await tail.closed, tail.frames]).toEqual([{ code: 1000 }, []]);
    });

    it('refuses an unknown job with 404 and a missing token with 401', async () => {
      const api = await start({ authToken: 'tail-token-123456' });
      await api.submit({ entrypoint: 'echo', submission_id: 'x' });
      const missing = follow(api.tailUrl('nope'), { Authorization: 'Bearer tail-token-123456' });
      const anonymous = follow(api.tailUrl('x'));
      expect([await missing.closed, await anonymous.closed]).toEqual([
        { status: 404, text: 'Job nope does not exist' },
        { status: 401, text: 'Unauthorized: Missing authentication token' },
      ]);
    });
  });

  describe('admin API', () => {
    it('scripts output and faults over HTTP and lists every submission', async () => {
      const api = await start();
      const admin = `${server!.dev.dashboardUrl}/_devserver/jobs`;
      const output = await http(`${admin}/output`, {
        method: 'POST',
        body: { entrypoint: 'train.py', lines: ['hello'] },
      });
      const fault = await http(`${admin}/faults`, {
        method: 'POST',
        body: { kind: 'exit', submissionId: 'b', exitCode: 4 },
      });
      const unmatched = await http(`${admin}/faults`, { method: 'POST', body: { kind: 'exit' } });
      await api.submit({ entrypoint: 'python train.py', submission_id: 'a' });
      await api.submit({ entrypoint: 'python train.py', submission_id: 'b' });
      await api.advance(2_000);
      const listed = (await http(admin)).json<{ submissions: string[]; jobs: Job[] }>();
      expect([
        output.status,
        fault.status,
        unmatched.status,
        listed.submissions,
        listed.jobs.map((j) => [j.status, j.driver_exit_code]),
        (await api.logs('a')).split('\n').at(-2),
      ]).toEqual([
        201,
        201,
        400,
        ['a', 'b'],
        [
          ['SUCCEEDED', 0],
          ['FAILED', 4],
        ],
        'hello',
      ]);
    });
  });
});
