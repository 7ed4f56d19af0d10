import { afterEach, describe, expect, it } from '@jest/globals';
import { RuntimeContext } from '@synapse-sdk/core';
import type { RecordingServer } from '@synapse-sdk/test-kit';
import { sendJson, startRecordingServer } from '@synapse-sdk/test-kit';

import { BackendClient } from './backend-client.js';
import { JobReporter } from './job-reporter.js';

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ok = { success: true, data: {}, rollbackData: {}, skipped: false, timestamp: new Date() };

async function setup(status = 200) {
  server = await startRecordingServer((_req, res) => sendJson(res, status, { ok: true }));
  const client = new BackendClient({
    baseUrl: server.url,
    accessToken: 'job-token-7777',
    retry: { attempts: 1 },
  });
  const warnings: string[] = [];
  const reporter = new JobReporter(client, '42', {
    flushIntervalMs: 60_000,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => warnings.push(message),
      error: () => undefined,
    },
  });
  const runtime = RuntimeContext.create();
  const detach = reporter.attach(runtime.events);
  return { server, reporter, runtime, warnings, detach };
}

describe('JobReporter', () => {
  it('merges progress and metrics into one PATCH and sends log events as one POST', async () => {
    const { server, reporter, runtime } = await setup();
    runtime.events.emit('step:start', { step: 'deploy', index: 1, attempt: 1 });
    runtime.setProgress(2, 4, 'deploy');
    runtime.setProgress(3, 4, 'deploy');
    runtime.setMetrics({ replicas: 1 }, 'deploy');
    runtime.setMetrics({ gpus: 0 }, 'deploy');
    runtime.log('app_status', { status: 'RUNNING' });
    runtime.events.emit('step:end', {
      step: 'deploy',
      index: 1,
      result: ok,
      durationMs: 1,
      attempts: 1,
    });
    runtime.setProgress(80, 100);
    await reporter.flush();

    expect(server.requests.map((r) => [r.method, r.url])).toEqual([
      ['PATCH', '/jobs/42/'],
      ['POST', '/logs/'],
    ]);
    expect(server.requests[0]?.json).toEqual({
      progress_record: {
        record: { steps: { deploy: { percent: 100 } }, percent: 80 },
        current_progress: { overall: 80, step: 'deploy', percent: 100 },
      },
      metrics_record: { record: { steps: { deploy: { replicas: 1, gpus: 0 } } } },
    });
    expect(server.requests[1]?.json).toEqual({
      event: 'app_status',
      data: { status: 'RUNNING' },
      datetime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/),
      job: '42',
    });
  });

  it('sends nothing when nothing happened, and nothing after detaching', async () => {
    const { server, reporter, runtime, detach } = await setup();
    await reporter.flush();
    detach();
    runtime.setProgress(1, 2);
    await reporter.flush();
    expect(server.requests).toEqual([]);
  });

  it('holds every report until released, then sends what it held; never released, nothing', async () => {
    server = await startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
    const client = new BackendClient({ baseUrl: server.url, accessToken: 'job-token-7777' });
    const runtime = RuntimeContext.create();
    const refused = new JobReporter(client, '42', { held: true });
    refused.attach(runtime.events);
    runtime.log('run_started', {});
    await refused.flush();
    expect(server.requests).toEqual([]);

    const checked = new JobReporter(client, '43', { held: true });
    const events = RuntimeContext.create();
    checked.attach(events.events);
    events.log('ray_connected', {});
    checked.release();
    await checked.flush();
    expect(server.requests.map((r) => [r.method, r.url])).toEqual([['POST', '/logs/']]);
  });

  it('never fails the run when the backend refuses, and warns once', async () => {
    const { reporter, runtime, warnings } = await setup(500);
    runtime.setProgress(1, 2);
    runtime.log('a', {});
    await expect(reporter.flush()).resolves.toBeUndefined();
    expect(warnings).toEqual(['Could not report job progress to Synapse job 42; the run goes on']);
  });
});
