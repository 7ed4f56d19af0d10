import { describe, expect, it } from '@jest/globals';
import { RuntimeContext } from '@synapse-sdk/core';

import { LineReporter } from './line-reporter.js';

describe('LineReporter', () => {
  it('writes one timestamped line per event and a progress line per new percentage', () => {
    let output = '';
    const reporter = new LineReporter(
      { write: (chunk: string) => (output += chunk) },
      () => new Date(2026, 0, 1, 12, 0, 1),
    );
    const events = RuntimeContext.create().events;
    reporter.attach(events, ['deploy']);
    const result = {
      success: true,
      data: {},
      rollbackData: {},
      skipped: false,
      timestamp: new Date(),
    };
    events.emit('step:start', { step: 'deploy', index: 0, attempt: 1 });
    events.emit('progress', { current: 1, total: 4, percent: 25, category: 'deploy' });
    events.emit('progress', { current: 1, total: 4, percent: 25, category: 'deploy' });
    events.emit('step:retry', { step: 'deploy', attempt: 1, delayMs: 250, error: 'HTTP 503' });
    events.emit('step:start', { step: 'deploy', index: 0, attempt: 2 });
    events.emit('step:end', { step: 'deploy', index: 0, result, durationMs: 1_234, attempts: 2 });
    events.emit('step:end', {
      step: 'register',
      index: 1,
      result: { ...result, success: false, error: 'HTTP 401' },
      durationMs: 5,
      attempts: 1,
    });
    events.emit('step:rollback', { step: 'register', success: true });
    events.emit('step:rollback', {
      step: 'deploy',
      success: false,
      error: "Rollback failed for step 'deploy': restore failed",
    });
    events.emit('step:skip', { step: 'smoke', index: 2 });
    events.emit('step:start', { step: 'deploy', index: 0, attempt: 3 });
    events.emit('log', {
      event: 'app_status',
      data: {
        app: 'm@1',
        status: 'DEPLOY_FAILED',
        message: 'Deploying failed:\nTraceback …',
        replicas: 2,
      },
      timestamp: new Date(),
    });
    events.emit('step:end', {
      step: 'deploy',
      index: 0,
      result: {
        ...result,
        success: false,
        error: 'app failed:\nTraceback (most recent call last):',
      },
      durationMs: 5,
      attempts: 3,
    });
    events.emit('log', { event: 'done', data: {}, timestamp: new Date() });
    reporter.log('INFO hello');
    expect(output.split('\n')).toEqual([
      '[12:00:01] deploy started',
      '[12:00:01] deploy 25%',
      '[12:00:01] deploy retrying in 250ms (attempt 1 failed: HTTP 503)',
      '[12:00:01] deploy started (attempt 2)',
      '[12:00:01] deploy done in 1.2s',
      '[12:00:01] register failed after 5ms: HTTP 401',
      '[12:00:01] register failed, rolled back',
      '[12:00:01] deploy rollback failed: restore failed',
      '[12:00:01] smoke skipped',
      '[12:00:01] deploy started (attempt 3)',
      '[12:00:01] deploy: app_status app=m@1 status=DEPLOY_FAILED message="Deploying failed: …" replicas=2',
      '[12:00:01] deploy failed after 5ms: app failed:',
      '[12:00:01] done',
      'INFO hello',
      '',
    ]);
  });

  it("prints a Ray job's output lines as they are, under the running step", () => {
    let output = '';
    const reporter = new LineReporter(
      { write: (chunk: string) => (output += chunk) },
      () => new Date(2026, 0, 1, 12, 0, 1),
    );
    const events = RuntimeContext.create().events;
    reporter.attach(events, ['train']);
    events.emit('step:start', { step: 'train', index: 0, attempt: 1 });
    for (const line of ['epoch 1 loss=0.50', 'epoch 2 loss=0.25']) {
      events.emit('log', {
        event: 'ray_job_output',
        data: { submissionId: 'synapse-r1-train', line },
        timestamp: new Date(),
      });
    }
    expect(output.split('\n')).toEqual([
      '[12:00:01] train started',
      '[12:00:01] train │ epoch 1 loss=0.50',
      '[12:00:01] train │ epoch 2 loss=0.25',
      '',
    ]);
  });
});
