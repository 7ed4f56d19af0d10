import { describe, expect, it } from '@jest/globals';

import { createContainer } from '../di/create-container.js';
import { LOGGER, PLUGIN_ENVIRONMENT, RUNTIME_CONTEXT } from '../di/tokens.js';
import { PluginEnvironment } from '../env/plugin-environment.js';
import { BaseStepContext } from '../steps/step-context.js';
import { RuntimeContext } from './runtime-context.js';

describe('RuntimeContext', () => {
  it('takes the job id from SYNAPSE_JOB_ID unless given', () => {
    const env = new PluginEnvironment({ SYNAPSE_JOB_ID: '42' });
    expect([
      RuntimeContext.create({ env }).jobId,
      RuntimeContext.create({ env, jobId: '7' }).jobId,
    ]).toEqual(['42', '7']);
  });

  it('takes the run id from the option, SYNAPSE_RUN_ID, or the job id, else makes one up', () => {
    const made = RuntimeContext.create({ env: new PluginEnvironment({}) }).runId;
    expect([
      RuntimeContext.create({ env: new PluginEnvironment({ SYNAPSE_RUN_ID: 'r1' }), runId: 'r0' })
        .runId,
      RuntimeContext.create({ env: new PluginEnvironment({ SYNAPSE_RUN_ID: 'r1' }) }).runId,
      RuntimeContext.create({ env: new PluginEnvironment({ SYNAPSE_JOB_ID: '42' }) }).runId,
      /^[0-9a-f]{8}-[0-9a-f]{4}$/.test(made),
      made === RuntimeContext.create({ env: new PluginEnvironment({}) }).runId,
    ]).toEqual(['r0', 'r1', 'job-42', true, false]);
  });

  it('binds itself, its logger and its environment in its container', () => {
    const ctx = RuntimeContext.create();
    expect([
      ctx.container.get(RUNTIME_CONTEXT) === ctx,
      ctx.container.get(LOGGER) === ctx.logger,
      ctx.container.get(PLUGIN_ENVIRONMENT) === ctx.env,
    ]).toEqual([true, true, true]);
  });

  it('makes its bindings in the container only when the container is first used', () => {
    const container = createContainer();
    const ctx = RuntimeContext.create({ container });
    const before = container.isBound(RUNTIME_CONTEXT);
    expect([before, ctx.container === container, container.get(RUNTIME_CONTEXT) === ctx]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('reads process.env when its environment is first used, and makes a signal that never aborts', () => {
    const ctx = RuntimeContext.create();
    process.env['SYNAPSE_TEST_LAZY_ENV'] = 'read later';
    try {
      expect([
        ctx.env.get('SYNAPSE_TEST_LAZY_ENV'),
        ctx.env === ctx.env,
        ctx.signal.aborted,
      ]).toEqual(['read later', true, false]);
    } finally {
      delete process.env['SYNAPSE_TEST_LAZY_ENV'];
    }
  });

  it('rejects progress outside 0..total', () => {
    expect(() => RuntimeContext.create().setProgress(3, 2)).toThrow(
      'setProgress(3, 2): current must be within 0..total and total above 0',
    );
  });

  it('defaults step-context categories to the current step', () => {
    const ctx = RuntimeContext.create();
    const seen: unknown[] = [];
    ctx.events.on('progress', (e) => seen.push(e.category));
    ctx.events.on('metrics', (e) => seen.push(e.category));
    const stepCtx = new BaseStepContext(ctx);
    stepCtx.currentStep = 'deploy';
    stepCtx.setProgress(1, 4);
    stepCtx.setMetrics({ replicas: 2 });
    expect(seen).toEqual(['deploy', 'deploy']);
  });

  it('requires a category for metrics outside a step', () => {
    expect(() => new BaseStepContext(RuntimeContext.create()).setMetrics({ a: 1 })).toThrow(
      /category must be provided when not executing within a step/,
    );
  });
});
