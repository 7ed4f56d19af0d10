import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { FileJournalStore } from '../journal/file-journal-store.js';
import { rollbackRun, rollbackTargets } from '../journal/rollback-run.js';
import { RunRecorder } from '../journal/run-recorder.js';
import type { RunState } from '../journal/run-state.js';
import { foldRun } from '../journal/run-state.js';
import { RuntimeContext } from '../runtime/runtime-context.js';
import { ScriptedStep } from '../test-support/test-steps.js';
import { BaseStep } from './base-step.js';
import { Orchestrator } from './orchestrator.js';
import { BaseStepContext } from './step-context.js';
import { StepRegistry } from './step-registry.js';
import type { StepResult } from './step-result.js';
import { stepSuccess } from './step-result.js';

/** A step with nothing to undo (a training job whose output stays): resume reuses it. */
class TrainStep extends BaseStep {
  public readonly name = 'train';
  public readonly progressWeight = 1;
  public executions = 0;
  public execute(): StepResult {
    this.executions++;
    return stepSuccess({ model: `s3://models/${this.executions}` });
  }
}

describe('Orchestrator with a journal', () => {
  let dir: string;
  let store: FileJournalStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-orchestrator-journal-'));
    store = new FileJournalStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(
    steps: BaseStep[],
    options: { mode?: 'run' | 'resume'; resumeFrom?: RunState } = {},
  ) {
    const recorder = await RunRecorder.start(store, 'r', {
      mode: options.mode ?? 'run',
      meta: {},
      steps: steps.map((step) => ({ name: step.name, resumable: step.resumable === true })),
      resumeFrom: options.resumeFrom,
    });
    const runtime = RuntimeContext.create({ journal: recorder });
    const events: string[] = [];
    runtime.events.on('step:reuse', (e) => events.push(`reuse:${e.step}`));
    const registry = new StepRegistry();
    for (const step of steps) registry.register(step);
    const context = new BaseStepContext(runtime);
    let error: unknown;
    try {
      await new Orchestrator(registry, context).execute();
      await recorder.end('succeeded');
    } catch (caught) {
      error = caught;
      await recorder.end('failed', String(caught));
    }
    return { context, events, error };
  }

  async function state(): Promise<RunState> {
    return foldRun((await store.readRun('r'))!)!;
  }

  it('records every step boundary and rollback, in order', async () => {
    const log: string[] = [];
    await run([new ScriptedStep('a', log), new ScriptedStep('b', log, { attempts: ['throw'] })]);
    const record = await store.readRun('r');
    expect(
      record!.entries.map((entry) => `${entry.type}${'step' in entry ? `:${entry.step}` : ''}`),
    ).toEqual([
      'session',
      'step:start:a',
      'step:end:a',
      'step:start:b',
      'step:end:b',
      'rollback:start:b',
      'rollback:end:b',
      'rollback:start:a',
      'rollback:end:a',
      'end',
    ]);
    expect((await state()).steps.map((step) => step.status)).toEqual([
      'rolled-back',
      'rolled-back',
    ]);
  });

  it('does not re-run on resume a step that succeeded and had nothing to undo', async () => {
    const log: string[] = [];
    const train = new TrainStep();
    const first = await run([train, new ScriptedStep('deploy', log, { attempts: ['throw'] })]);
    expect(first.error).toBeDefined();

    const again = new TrainStep();
    const resumed = await run([again, new ScriptedStep('deploy', log)], {
      mode: 'resume',
      resumeFrom: await state(),
    });

    expect(resumed.error).toBeUndefined();
    expect([train.executions, again.executions]).toEqual([1, 0]);
    expect(resumed.context.resultOf('train')?.data).toEqual({ model: 's3://models/1' });
    expect(resumed.events).toEqual(['reuse:train']);
    expect(log.filter((line) => line.startsWith('execute:deploy'))).toHaveLength(2);
    const after = await state();
    expect(after.status).toBe('succeeded');
    expect(after.steps.map((step) => [step.name, step.status, step.reused])).toEqual([
      ['train', 'succeeded', true],
      ['deploy', 'succeeded', false],
    ]);
  });

  it('rolls back a killed run from another process with what its steps wrote ahead', async () => {
    const recorder = await RunRecorder.start(store, 'r', {
      mode: 'run',
      meta: {},
      steps: [{ name: 'deploy', resumable: true }],
    });
    await recorder.stepStarted('deploy', 0, 1);
    await recorder.writeAhead('deploy', 'test/put', { previous: 'v1' });
    await recorder.close(); // killed: no end

    const given: StepResult[] = [];
    const log: string[] = [];
    const deploy = new ScriptedStep('deploy', log, { onRollback: (result) => given.push(result) });
    const rollback = await RunRecorder.start(store, 'r', { mode: 'rollback', meta: {}, steps: [] });
    const context = new BaseStepContext(RuntimeContext.create({ journal: rollback }));
    const report = await rollbackRun([deploy], context, await state(), rollback);
    await rollback.end(report.failures.length === 0 ? 'rolled-back' : 'failed');

    expect(report).toEqual({ undone: ['deploy'], passedOver: [], failures: [] });
    expect(rollbackTargets([deploy], await state())).toEqual([]);
    expect(given[0]).toMatchObject({ success: false, rollbackData: { previous: 'v1' } });
    expect((await state()).status).toBe('rolled-back');
  });

  it('fails a step whose boundary cannot be journaled, before the step runs', async () => {
    const recorder = await RunRecorder.start(store, 'r', { mode: 'run', meta: {}, steps: [] });
    await recorder.close();
    const log: string[] = [];
    const registry = new StepRegistry().register(new ScriptedStep('a', log));
    const context = new BaseStepContext(RuntimeContext.create({ journal: recorder }));
    await expect(new Orchestrator(registry, context).execute()).rejects.toThrow(
      /Step 'a' failed: the run's journal could not be written: the journal of run 'r' is closed/,
    );
    expect(log).toEqual([]);
  });

  it('names the steps a rollback would undo, newest first, leaving out those with nothing to undo', async () => {
    const log: string[] = [];
    const train = new TrainStep();
    const deploy = new ScriptedStep('deploy', log);
    const check = new ScriptedStep('check', log);
    const unjournaled = RuntimeContext.create();
    const recorder = await RunRecorder.start(store, 'r', {
      mode: 'run',
      meta: {},
      steps: [train, deploy].map((step) => ({ name: step.name, resumable: false })),
    });
    // A runner validates params with the context, then takes the run and hands it over.
    unjournaled.attachJournal(recorder);
    expect(() => unjournaled.attachJournal(recorder)).toThrow(/already has a journal \(run 'r'\)/);
    const registry = new StepRegistry().register(train).register(deploy);
    await new Orchestrator(registry, new BaseStepContext(unjournaled)).execute();
    await recorder.close(); // killed before its end
    expect(rollbackTargets([train, deploy, check], await state())).toEqual(['deploy']);
  });
});
