import { describe, expect, it } from '@jest/globals';
import { RuntimeContext } from '@synapse-sdk/core';

import { LiveRenderer } from './live-renderer.js';

function setup() {
  let now = 1_000;
  let output = '';
  const stream = { write: (chunk: string) => (output += chunk), columns: 120 };
  const renderer = new LiveRenderer(stream, { now: () => now, color: false, refreshMs: 0 });
  const events = RuntimeContext.create().events;
  return {
    renderer,
    events,
    advance: (ms: number) => (now += ms),
    output: () => output,
  };
}

const ok = { success: true, data: {}, rollbackData: {}, skipped: false, timestamp: new Date() };

describe('LiveRenderer', () => {
  it('shows every known step as pending, then their states, bars and elapsed times', () => {
    const { renderer, events, advance } = setup();
    renderer.attach(events, ['initialize', 'deploy', 'register']);
    expect(renderer.snapshot()).toEqual([
      '· initialize [░░░░░░░░░░░░░░░░░░░░]   0%         pending',
      '· deploy     [░░░░░░░░░░░░░░░░░░░░]   0%         pending',
      '· register   [░░░░░░░░░░░░░░░░░░░░]   0%         pending',
    ]);
    events.emit('step:start', { step: 'initialize', index: 0, attempt: 1 });
    advance(300);
    events.emit('step:end', {
      step: 'initialize',
      index: 0,
      result: ok,
      durationMs: 300,
      attempts: 1,
    });
    events.emit('progress', { current: 10, total: 100, percent: 10 });
    events.emit('step:start', { step: 'deploy', index: 1, attempt: 1 });
    events.emit('progress', { current: 1, total: 2, percent: 50, category: 'deploy' });
    advance(1_500);
    events.emit('step:retry', { step: 'deploy', attempt: 1, delayMs: 500, error: 'HTTP 503' });
    expect(renderer.snapshot()).toEqual([
      '✔ initialize [████████████████████] 100%  300ms  done',
      '↻ deploy     [██████████░░░░░░░░░░]  50%   1.5s  retrying (attempt 1 failed: HTTP 503; next in 500ms)',
      '· register   [░░░░░░░░░░░░░░░░░░░░]   0%         pending',
      '  total      [██░░░░░░░░░░░░░░░░░░]  10%',
    ]);
  });

  it('keeps the failed step failed after its rollback; the steps before turn rolled back', () => {
    const { renderer, events } = setup();
    renderer.attach(events, ['a', 'b', 'c', 'd']);
    events.emit('step:skip', { step: 'a', index: 0 });
    events.emit('step:start', { step: 'b', index: 1, attempt: 1 });
    events.emit('step:end', { step: 'b', index: 1, result: ok, durationMs: 0, attempts: 1 });
    events.emit('step:start', { step: 'c', index: 2, attempt: 1 });
    events.emit('step:end', {
      step: 'c',
      index: 2,
      result: { ...ok, success: false, error: 'boom' },
      durationMs: 0,
      attempts: 1,
    });
    events.emit('step:rollback', { step: 'c', success: true });
    events.emit('step:rollback', { step: 'b', success: true });
    renderer.finish('failed');
    expect(renderer.snapshot().map((line) => line.replace(/\s+/g, ' '))).toEqual([
      '↷ a [████████████████████] 100% skipped',
      '↺ b [████████████████████] 100% 0ms rolled back',
      '✖ c [░░░░░░░░░░░░░░░░░░░░] 0% 0ms failed (rolled back)',
      '· d [░░░░░░░░░░░░░░░░░░░░] 0% pending',
    ]);
  });

  it('shows a failed rollback, and the interrupted step of a cancelled run as cancelled', () => {
    const { renderer, events } = setup();
    renderer.attach(events, ['a', 'b']);
    events.emit('step:start', { step: 'a', index: 0, attempt: 1 });
    events.emit('step:end', { step: 'a', index: 0, result: ok, durationMs: 0, attempts: 1 });
    events.emit('step:start', { step: 'b', index: 1, attempt: 1 });
    events.emit('step:end', {
      step: 'b',
      index: 1,
      result: { ...ok, success: false, error: 'Cancelled' },
      durationMs: 0,
      attempts: 1,
    });
    events.emit('step:rollback', { step: 'b', success: true });
    events.emit('step:rollback', {
      step: 'a',
      success: false,
      error: "Rollback failed for step 'a': restore refused",
    });
    renderer.finish('cancelled');
    expect(renderer.snapshot().map((line) => line.replace(/\s+/g, ' '))).toEqual([
      '✖ a [████████████████████] 100% 0ms rollback failed (restore refused)',
      '✖ b [░░░░░░░░░░░░░░░░░░░░] 0% 0ms cancelled (rolled back)',
    ]);
  });

  it('adds a line per progress category in execute() mode and finishes them', () => {
    const { renderer, events } = setup();
    renderer.attach(events, []);
    events.emit('progress', { current: 1, total: 3, percent: 33, category: 'initialize' });
    events.emit('progress', { current: 2, total: 3, percent: 66, category: 'deploy' });
    renderer.finish('done');
    expect(renderer.snapshot().map((line) => line.replace(/\s+/g, ' '))).toEqual([
      '✔ initialize [████████████████████] 100% 0ms done',
      '✔ deploy [████████████████████] 100% 0ms done',
    ]);
  });

  it("shows the running step's latest event, and only the first line of a failure", () => {
    const { renderer, events } = setup();
    renderer.attach(events, ['deploy', 'register']);
    events.emit('step:start', { step: 'deploy', index: 0, attempt: 1 });
    events.emit('log', { event: 'package_uploaded', data: { bytes: 10 }, timestamp: new Date() });
    const uploading = renderer.snapshot()[0]?.replace(/\s+/g, ' ');
    events.emit('log', {
      event: 'app_status',
      data: { status: 'DEPLOYING' },
      timestamp: new Date(),
    });
    const deploying = renderer.snapshot()[0]?.replace(/\s+/g, ' ');
    events.emit('step:end', {
      step: 'deploy',
      index: 0,
      result: { ...ok, success: false, error: 'DEPLOY_FAILED: boom\nTraceback …' },
      durationMs: 0,
      attempts: 1,
    });
    expect([uploading, deploying, renderer.snapshot()[0]?.replace(/\s+/g, ' ')]).toEqual([
      '› deploy [░░░░░░░░░░░░░░░░░░░░] 0% 0ms running (package uploaded)',
      '› deploy [░░░░░░░░░░░░░░░░░░░░] 0% 0ms running (DEPLOYING)',
      '✖ deploy [░░░░░░░░░░░░░░░░░░░░] 0% 0ms failed (DEPLOY_FAILED: boom)',
    ]);
  });

  it('redraws in place and prints log lines above the block', () => {
    const { renderer, events, output } = setup();
    renderer.attach(events, ['a']);
    renderer.log('INFO hello');
    events.emit('step:start', { step: 'a', index: 0, attempt: 1 });
    const text = output();
    expect(text).toContain('\x1b[1A\r\x1b[0JINFO hello\n');
    expect(text.split('\x1b[1A')).toHaveLength(3);
    expect(text.slice(text.lastIndexOf('\x1b[1A'))).toBe(
      '\x1b[1A\r\x1b[2K› a [░░░░░░░░░░░░░░░░░░░░]   0%    0ms  running\n',
    );
  });

  it("scrolls a Ray job's output above the block and keeps the step's status as its detail", () => {
    const { renderer, events, output } = setup();
    renderer.attach(events, ['train']);
    events.emit('step:start', { step: 'train', index: 0, attempt: 1 });
    events.emit('log', {
      event: 'ray_job_status',
      data: { submissionId: 'j', status: 'RUNNING', message: '' },
      timestamp: new Date(),
    });
    events.emit('log', {
      event: 'ray_job_output',
      data: { submissionId: 'j', line: 'epoch 1 loss=0.50' },
      timestamp: new Date(),
    });
    expect([output().includes('  train │ epoch 1 loss=0.50\n'), renderer.snapshot()]).toEqual([
      true,
      ['› train [░░░░░░░░░░░░░░░░░░░░]   0%    0ms  running (RUNNING)'],
    ]);
  });
});
