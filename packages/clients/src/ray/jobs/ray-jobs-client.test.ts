import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';
import { CancelledError } from '@synapse-sdk/core';
import type { RecordingServer } from '@synapse-sdk/test-kit';
import {
  failure,
  ManualClock,
  sendJson,
  sendText,
  startRecordingServer,
} from '@synapse-sdk/test-kit';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';

import { NotFoundError, RequestValidationError, ServerError } from '../../http/errors.js';
import type { JobStopTimeoutError, JobTimeoutError } from './job-errors.js';
import { JobExistsError } from './job-errors.js';
import { RayJobsClient } from './ray-jobs-client.js';

const FAST = { retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 } };
const TOKEN = 'ray-jobs-token-0123456789';
const DUPLICATE_500 = `Traceback (most recent call last):
  File "/ray/dashboard/modules/job/job_head.py", line 398, in submit_job
    resp = await job_agent_client.submit_job_internal(submit_request)
RuntimeError: Request failed with status code 400: Traceback (most recent call last):
ValueError: Job with submission_id train-1 already exists. Please use a different submission_id.
.`;

function job(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'SUBMISSION',
    job_id: null,
    submission_id: 'train-1',
    status,
    entrypoint: 'python train.py',
    message: `${status.toLowerCase()}`,
    ...extra,
  };
}

let server: RecordingServer | undefined;
const sockets = new Set<WebSocketServer>();
afterEach(async () => {
  for (const wss of sockets) for (const client of wss.clients) client.terminate();
  sockets.clear();
  await server?.close();
  server = undefined;
});

/** Serves the tail WebSocket: `onConnection(ws, n)` runs for the n-th connection (from 1). */
function serveTail(
  target: RecordingServer,
  onConnection: (ws: WebSocket, n: number, request: IncomingMessage) => void,
): IncomingMessage[] {
  const wss = new WebSocketServer({ noServer: true });
  sockets.add(wss);
  const handshakes: IncomingMessage[] = [];
  target.handleUpgrade((raw: IncomingMessage, socket: Socket, head: Buffer) => {
    handshakes.push(raw);
    wss.handleUpgrade(raw, socket, head, (ws) => onConnection(ws, handshakes.length, raw));
  });
  return handshakes;
}

describe('RayJobsClient', () => {
  describe('.submit', () => {
    it('posts the request to /api/jobs/ with the token and returns the submission id', async () => {
      server = await startRecordingServer((_req, res) =>
        sendJson(res, 200, { job_id: 'train-1', submission_id: 'train-1' }),
      );
      const jobs = new RayJobsClient({ address: server.url, token: TOKEN, ...FAST });
      const request = {
        entrypoint: 'python train.py --epochs 2',
        submission_id: 'train-1',
        runtime_env: { working_dir: 'gcs://_ray_pkg_0123456789abcdef.zip', env_vars: { A: '1' } },
        metadata: { synapse_run: 'r1' },
        entrypoint_num_cpus: 0.5,
        entrypoint_num_gpus: 0,
        entrypoint_resources: { worker: 1 },
      };
      const id = await jobs.submit(request);
      const sent = server.requests[0]!;
      expect([id, sent.method, sent.url, sent.headers['authorization'], sent.json]).toEqual([
        'train-1',
        'POST',
        '/api/jobs/',
        `Bearer ${TOKEN}`,
        request,
      ]);
    });

    it('refuses a local working_dir before sending, naming the field', async () => {
      server = await startRecordingServer();
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const error = await failure(
        jobs.submit({ entrypoint: 'python x.py', runtime_env: { working_dir: './plugin' } }),
      );
      expect([
        error instanceof RequestValidationError,
        (error as RequestValidationError).issues.map((i) => i.path),
        (error as Error).message.includes('upload the directory as a package'),
        server.requests.length,
      ]).toEqual([true, ['runtime_env.working_dir'], true, 0]);
    });

    it('names an unknown field and suggests the right one', async () => {
      server = await startRecordingServer();
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const error = (await failure(
        jobs.submit({ entrypoint: 'x', entrypoint_num_cpu: 1 } as never),
      )) as RequestValidationError;
      expect(error.issues).toEqual([
        {
          path: 'entrypoint_num_cpu',
          message: 'unknown field; did you mean "entrypoint_num_cpus"?',
        },
      ]);
    });

    it("turns Ray's 500 for a duplicate submission_id into JobExistsError, sent once", async () => {
      server = await startRecordingServer((_req, res) => sendText(res, 500, DUPLICATE_500));
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const error = await failure(jobs.submit({ entrypoint: 'x', submission_id: 'train-1' }));
      expect([
        error instanceof JobExistsError,
        (error as JobExistsError).code,
        (error as JobExistsError).submissionId,
        server.requests.length,
      ]).toEqual([true, 'JOB_EXISTS', 'train-1', 1]);
    });

    it('keeps any other 500 a ServerError with the traceback', async () => {
      server = await startRecordingServer((_req, res) =>
        sendText(res, 500, 'No available agent to submit job, please try again later.'),
      );
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const error = await failure(jobs.submit({ entrypoint: 'x', submission_id: 'a' }));
      expect([error instanceof ServerError, (error as ServerError).serverMessage]).toEqual([
        true,
        'No available agent to submit job, please try again later.',
      ]);
    });
  });

  describe('.getJob / .findJob / .listJobs / .getLogs', () => {
    it('reads a job by its URL-encoded id; a missing one is NotFoundError, or undefined', async () => {
      server = await startRecordingServer((req, res) =>
        req.url.endsWith('/gone')
          ? sendText(res, 404, 'Job gone does not exist')
          : sendJson(res, 200, job('RUNNING', { some_new_field: 1 })),
      );
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const found = await jobs.getJob('a b');
      const missing = await failure(jobs.getJob('gone'));
      expect([
        found.status,
        found.job_id,
        server.requests[0]!.url,
        missing instanceof NotFoundError,
        await jobs.findJob('gone'),
      ]).toEqual(['RUNNING', null, '/api/jobs/a%20b', true, undefined]);
    });

    it('lists jobs and reads logs', async () => {
      server = await startRecordingServer((req, res) =>
        req.url === '/api/jobs/'
          ? sendJson(res, 200, [job('SUCCEEDED'), { type: 'DRIVER', status: 'RUNNING' }])
          : sendJson(res, 200, { logs: 'line 1\nline 2\n' }),
      );
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const list = await jobs.listJobs();
      expect([list.map((j) => j.type), await jobs.getLogs('train-1')]).toEqual([
        ['SUBMISSION', 'DRIVER'],
        'line 1\nline 2\n',
      ]);
    });
  });

  describe('.stop / .delete', () => {
    it('retries a stop answered 503, since stopping twice is harmless', async () => {
      let calls = 0;
      server = await startRecordingServer((_req, res) =>
        ++calls === 1 ? sendText(res, 503, 'busy') : sendJson(res, 200, { stopped: true }),
      );
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      expect([await jobs.stop('train-1'), server.requests.map((r) => r.url)]).toEqual([
        true,
        ['/api/jobs/train-1/stop', '/api/jobs/train-1/stop'],
      ]);
    });

    it('says to stop a job first when Ray refuses to delete it', async () => {
      server = await startRecordingServer((_req, res) =>
        sendText(
          res,
          500,
          "RuntimeError: Attempted to delete job 'train-1', but it is in a non-terminal state RUNNING.",
        ),
      );
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const error = (await failure(jobs.delete('train-1'))) as ServerError;
      expect([error.reason, error.hint]).toEqual([
        "Ray job 'train-1' has not ended, and Ray deletes only ended jobs",
        "stop it first ('synapse jobs stop train-1'), then delete it",
      ]);
    });
  });

  describe('.waitForJob', () => {
    it('polls through a 503 until the job is terminal, reporting each status once', async () => {
      const answers = [job('PENDING'), 503, job('RUNNING'), job('RUNNING'), job('FAILED')];
      server = await startRecordingServer((_req, res) => {
        const next = answers.shift() ?? job('FAILED');
        if (next === 503) sendText(res, 503, 'unavailable');
        else sendJson(res, 200, next);
      });
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const seen: string[] = [];
      const final = await jobs.waitForJob('train-1', {
        timeoutMs: 10_000,
        pollIntervalMs: 1,
        maxPollIntervalMs: 2,
        onStatus: (j) => seen.push(j.status),
      });
      expect([final.status, seen]).toEqual(['FAILED', ['PENDING', 'RUNNING', 'FAILED']]);
    });

    it('times out on the client clock with the last status and log lines', async () => {
      server = await startRecordingServer((_req, res) =>
        sendJson(res, 200, job('PENDING', { message: 'Job has not started yet.' })),
      );
      const clock = new ManualClock({ autoAdvance: true });
      const jobs = new RayJobsClient({ address: server.url, ...FAST, clock });
      const error = (await failure(
        jobs.waitForJob('train-1', {
          timeoutMs: 50,
          pollIntervalMs: 5,
          lastLogLines: () => ['Runtime env is setting up.'],
        }),
      )) as JobTimeoutError;
      expect([error.code, error.lastStatus, error.message]).toEqual([
        'JOB_TIMEOUT',
        'PENDING',
        "Ray job 'train-1' did not end within 0 s; last status PENDING: Job has not started yet.\nlast 1 log lines:\n  Runtime env is setting up.",
      ]);
    });
  });

  describe('.stopAndWait', () => {
    /** A dashboard whose job answers `status` to every GET after the stop POST. */
    async function jobStuckIn(status: string): Promise<string[]> {
      const calls: string[] = [];
      server = await startRecordingServer((req, res) => {
        calls.push(`${req.method} ${req.url}`);
        if (req.method === 'POST') sendJson(res, 200, { stopped: true });
        else sendJson(res, 200, job(status));
      });
      return calls;
    }

    it('stops the job and returns its final status', async () => {
      const calls = await jobStuckIn('STOPPED');
      const jobs = new RayJobsClient({ address: server!.url, ...FAST });
      expect([await jobs.stopAndWait('train-1'), calls]).toEqual([
        'STOPPED',
        ['POST /api/jobs/train-1/stop', 'GET /api/jobs/train-1'],
      ]);
    });

    it('returns PENDING for a job Ray stops once it is scheduled, after the wait, on the clock', async () => {
      await jobStuckIn('PENDING');
      const clock = new ManualClock({ autoAdvance: true });
      const jobs = new RayJobsClient({ address: server!.url, ...FAST, clock });
      const started = clock.now();
      expect(await jobs.stopAndWait('train-1', { timeoutMs: 30_000 })).toBe('PENDING');
      expect(clock.now() - started).toBeGreaterThan(29_000);
    });

    it('fails with JOB_STOP_TIMEOUT when the job is still running after the wait', async () => {
      await jobStuckIn('RUNNING');
      const jobs = new RayJobsClient({
        address: server!.url,
        ...FAST,
        clock: new ManualClock({ autoAdvance: true }),
      });
      const error = (await failure(jobs.stopAndWait('train-1'))) as JobStopTimeoutError;
      expect([error.code, error.message, error.hint]).toEqual([
        'JOB_STOP_TIMEOUT',
        "Ray job 'train-1' was asked to stop but is still RUNNING after 30 s",
        "check it with 'synapse jobs list' and stop it again with 'synapse jobs stop train-1'",
      ]);
    });
  });

  describe('.followLogs', () => {
    it('streams the tail WebSocket with the token until Ray closes it normally', async () => {
      server = await startRecordingServer();
      const handshakes = serveTail(server, (ws) => {
        ws.send('Runtime env is setting up.\n');
        ws.send('tick 0\ntick 1\n');
        ws.close(1000);
      });
      const jobs = new RayJobsClient({ address: server.url, token: TOKEN, ...FAST });
      const chunks: string[] = [];
      await jobs.followLogs('train-1', { onText: (t) => chunks.push(t) });
      expect([
        chunks,
        handshakes[0]!.url,
        handshakes[0]!.headers['authorization'],
        handshakes[0]!.headers['origin'],
      ]).toEqual([
        ['Runtime env is setting up.\n', 'tick 0\ntick 1\n'],
        '/api/jobs/train-1/logs/tail',
        `Bearer ${TOKEN}`,
        undefined,
      ]);
    });

    it('reconnects after a broken stream and skips what the replay repeats', async () => {
      server = await startRecordingServer();
      serveTail(server, (ws, n) => {
        if (n === 1) {
          ws.send('a\nb');
          setTimeout(() => ws.terminate(), 20);
        } else {
          ws.send('a\nb\nc\n');
          ws.send('d\n');
          ws.close(1000);
        }
      });
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      let text = '';
      await jobs.followLogs('train-1', { onText: (t) => (text += t) });
      expect(text).toBe('a\nb\nc\nd\n');
    });

    it('polls /logs when the dashboard refuses the WebSocket', async () => {
      const statuses = ['RUNNING', 'SUCCEEDED'];
      const logs = ['one\n', 'one\ntwo\n'];
      server = await startRecordingServer((req, res) => {
        if (req.url.endsWith('/logs')) sendJson(res, 200, { logs: logs.shift() ?? 'one\ntwo\n' });
        else sendJson(res, 200, job(statuses.shift() ?? 'SUCCEEDED'));
      });
      // No upgrade handler: the test server answers 426, as a proxy without WebSockets would.
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      let text = '';
      await jobs.followLogs('train-1', { onText: (t) => (text += t), pollIntervalMs: 1 });
      expect(text).toBe('one\ntwo\n');
    });

    it('fails with NotFoundError when the job does not exist', async () => {
      server = await startRecordingServer();
      server.handleUpgrade((_raw, socket) => {
        socket.end(
          'HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 23\r\n\r\nJob nope does not exist',
        );
      });
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const error = (await failure(jobs.followLogs('nope', { onText: () => undefined }))) as Error;
      expect([error instanceof NotFoundError, (error as NotFoundError).serverMessage]).toEqual([
        true,
        'Job nope does not exist',
      ]);
    });

    it('stops with CancelledError when the signal aborts', async () => {
      server = await startRecordingServer();
      serveTail(server, (ws) => ws.send('started\n'));
      const jobs = new RayJobsClient({ address: server.url, ...FAST });
      const controller = new AbortController();
      const error = await failure(
        jobs.followLogs('train-1', {
          signal: controller.signal,
          onText: () => controller.abort(),
        }),
      );
      expect(error instanceof CancelledError).toBe(true);
    });
  });
});
