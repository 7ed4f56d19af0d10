import { describe, expect, it } from '@jest/globals';
import { failure, ManualClock } from '@synapse-sdk/test-kit';

import { CancelledError, StepFailedError, StepTimeoutError } from '../errors/errors.js';
import { RuntimeContext } from '../runtime/runtime-context.js';
import { ScriptedStep } from '../test-support/test-steps.js';
import type { StepAttempt } from './base-step.js';
import { BaseStep } from './base-step.js';
import type { OrchestratorOptions } from './orchestrator.js';
import { Orchestrator } from './orchestrator.js';
import { BaseStepContext } from './step-context.js';
import { StepRegistry } from './step-registry.js';
import type { StepResult } from './step-result.js';
import { stepFailure, stepSuccess } from './step-result.js';

function setup(steps: (journal: string[]) => BaseStep[], options: { signal?: AbortSignal } = {}) {
  const journal: string[] = [];
  const registry = new StepRegistry();
  for (const step of steps(journal)) registry.register(step);
  const runtime = RuntimeContext.create({ signal: options.signal });
  const context = new BaseStepContext(runtime);
  const progress: Array<[number, number]> = [];
  const clock = new ManualClock({ autoAdvance: true });
  const run = (extra: OrchestratorOptions = {}) =>
    new Orchestrator(registry, context, {
      onProgress: (current, total) => progress.push([current, total]),
      clock,
      random: () => 0.5,
      ...extra,
    }).execute();
  return { journal, registry, runtime, context, progress, clock, run };
}

describe('Orchestrator', () => {
  describe('progress', () => {
    it('reports floor(done/total*100) at each boundary, counting a skipped step as done', async () => {
      const { progress, run } = setup((j) => [
        new ScriptedStep('a', j, { weight: 0.1 }),
        new ScriptedStep('b', j, { weight: 0.6, skip: true }),
        new ScriptedStep('c', j, { weight: 0.3 }),
      ]);
      await run();
      expect(progress).toEqual([
        [10, 100],
        [70, 100],
        [100, 100],
      ]);
    });

    it('floors rather than rounds, so it can read 99 before the last step', async () => {
      const { progress, run } = setup((j) => [
        new ScriptedStep('a', j, { weight: 0.995 }),
        new ScriptedStep('b', j, { weight: 0.005 }),
      ]);
      await run();
      expect(progress).toEqual([
        [99, 100],
        [100, 100],
      ]);
    });

    it('reports nothing when the total weight is zero', async () => {
      const { progress, run } = setup((j) => [new ScriptedStep('a', j, { weight: 0 })]);
      await run();
      expect(progress).toEqual([]);
    });

    it('reports nothing for the step that failed', async () => {
      const { progress, run } = setup((j) => [
        new ScriptedStep('a', j, { weight: 1 }),
        new ScriptedStep('b', j, { weight: 1, attempts: ['throw'] }),
      ]);
      await failure(run());
      expect(progress).toEqual([[50, 100]]);
    });
  });

  describe('results', () => {
    it('returns executed and total counts, skipped steps counted only in the total', async () => {
      const { run } = setup((j) => [
        new ScriptedStep('a', j),
        new ScriptedStep('b', j, { skip: true }),
        new ScriptedStep('c', j),
      ]);
      await expect(run()).resolves.toEqual({ success: true, stepsExecuted: 2, stepsTotal: 3 });
    });

    it('records every result in order, skipped ones as success + skipped', async () => {
      const { context, run } = setup((j) => [
        new ScriptedStep('a', j),
        new ScriptedStep('b', j, { skip: true }),
      ]);
      await run();
      expect(context.stepResults.map((r) => [r.success, r.skipped, r.data])).toEqual([
        [true, false, { by: 'a' }],
        [true, true, {}],
      ]);
    });

    it('lets a later step read an earlier one by name through resultOf()', async () => {
      const seen: unknown[] = [];
      class Reader extends BaseStep {
        public readonly name = 'reader';
        public readonly progressWeight = 1;
        public execute(ctx: BaseStepContext): StepResult {
          seen.push(ctx.resultOf('a')?.data, ctx.resultOf('reader'), ctx.resultOf('missing'));
          return stepSuccess();
        }
      }
      const { context, run } = setup((j) => [new ScriptedStep('a', j), new Reader()]);
      await run();
      expect([seen, context.resultOf('reader')?.success]).toEqual([
        [{ by: 'a' }, undefined, undefined],
        true,
      ]);
    });

    it("hands each step's result on by name, and records which steps were rolled back", async () => {
      let seenByB: unknown;
      const { context, run } = setup((j) => [
        new ScriptedStep('a', j),
        new ScriptedStep('b', j, {
          attempts: [
            () => {
              seenByB = context.resultOf('a')?.data;
              throw new Error('b broke');
            },
          ],
        }),
      ]);
      await failure(run());
      expect([
        seenByB,
        context.resultOf('b')?.error,
        context.resultOf('nope'),
        context.wasRolledBack('a'),
        context.wasRolledBack('b'),
      ]).toEqual([{ by: 'a' }, 'b broke', undefined, true, true]);
    });

    it('sets currentStep while a step runs and clears it afterwards', async () => {
      const seen: Array<string | null> = [];
      class Probe extends BaseStep {
        public readonly name = 'probe';
        public readonly progressWeight = 1;
        public execute(ctx: BaseStepContext): StepResult {
          seen.push(ctx.currentStep);
          return stepSuccess();
        }
      }
      const { context, run } = setup(() => [new Probe()]);
      await run();
      expect([seen, context.currentStep]).toEqual([['probe'], null]);
    });

    it('awaits asynchronous steps in order', async () => {
      const order: string[] = [];
      class Slow extends BaseStep {
        public readonly progressWeight = 1;
        public constructor(
          public readonly name: string,
          private readonly ms: number,
        ) {
          super();
        }
        public async execute(): Promise<StepResult> {
          await new Promise((r) => setTimeout(r, this.ms));
          order.push(this.name);
          return stepSuccess();
        }
      }
      const { run } = setup(() => [new Slow('first', 20), new Slow('second', 1)]);
      await run();
      expect(order).toEqual(['first', 'second']);
    });
  });

  describe('failure and rollback', () => {
    it('rolls back in reverse, the failed step first, skipping skipped steps', async () => {
      const { journal, run } = setup((j) => [
        new ScriptedStep('a', j),
        new ScriptedStep('b', j, { skip: true }),
        new ScriptedStep('c', j),
        new ScriptedStep('d', j, { attempts: ['throw'] }),
        new ScriptedStep('e', j),
      ]);
      await failure(run());
      expect(journal).toEqual([
        'execute:a:1',
        'execute:c:1',
        'execute:d:1',
        'rollback:d:failed',
        'rollback:c:ok',
        'rollback:a:ok',
      ]);
    });

    it("throws Step '<name>' failed: <error> with the step's error as cause", async () => {
      const { run } = setup((j) => [new ScriptedStep('deploy', j, { attempts: ['throw'] })]);
      const error = await failure(run());
      expect([
        error instanceof StepFailedError,
        error.message,
        (error.cause as Error).message,
      ]).toEqual([true, "Step 'deploy' failed: deploy exploded", 'deploy exploded']);
    });

    it('treats a returned failure like a throw and hands its rollbackData to rollback', async () => {
      const received: StepResult[] = [];
      class Partial extends ScriptedStep {
        public override rollback(ctx: BaseStepContext, result: StepResult): void {
          received.push(result);
        }
      }
      const { run } = setup((j) => [new Partial('p', j, { attempts: ['fail'] })]);
      const error = await failure(run());
      expect([error.message, received[0]?.rollbackData]).toEqual([
        "Step 'p' failed: p said no",
        { partial: 'p' },
      ]);
    });

    it('keeps going when a rollback throws, keeping each rollback error message', async () => {
      const { journal, context, run } = setup((j) => [
        new ScriptedStep('a', j),
        new ScriptedStep('b', j, { rollbackThrows: 'disk gone' }),
        new ScriptedStep('c', j, { attempts: ['throw'], rollbackThrows: 'no undo' }),
      ]);
      const error = (await failure(run())) as StepFailedError;
      expect({
        journal: journal.filter((l) => l.startsWith('rollback')),
        errors: context.errors,
        rollbackErrors: error.rollbackErrors,
      }).toEqual({
        journal: ['rollback:c:failed', 'rollback:b:ok', 'rollback:a:ok'],
        errors: [
          "Rollback failed for step 'c': no undo",
          "Rollback failed for step 'b': disk gone",
        ],
        rollbackErrors: [
          "Rollback failed for step 'c': no undo",
          "Rollback failed for step 'b': disk gone",
        ],
      });
    });

    it('rolls back what ran when canSkip throws, without running or rolling back that step', async () => {
      const { journal, run } = setup((j) => [
        new ScriptedStep('a', j),
        new ScriptedStep('b', j, {
          skip: () => {
            throw new Error('cannot tell');
          },
        }),
      ]);
      const error = await failure(run());
      expect([error.message, journal]).toEqual([
        "Step 'b' failed: canSkip failed: cannot tell",
        ['execute:a:1', 'rollback:a:ok'],
      ]);
    });

    it('rolls back when a step returns a malformed result', async () => {
      const { journal, run } = setup((j) => [
        new ScriptedStep('a', j),
        new ScriptedStep('b', j, { attempts: [() => ({ ok: true })] }),
      ]);
      const error = await failure(run());
      expect([error.message, journal.slice(-2)]).toEqual([
        "Step 'b' failed: returned a malformed StepResult: `success` must be a boolean",
        ['rollback:b:failed', 'rollback:a:ok'],
      ]);
    });

    it('rolls back when a step returns undefined', async () => {
      const { run } = setup((j) => [new ScriptedStep('a', j, { attempts: [() => undefined] })]);
      await expect(run()).rejects.toThrow(
        "Step 'a' failed: returned undefined instead of a StepResult",
      );
    });

    it('rolls back every executed step when a progress listener throws', async () => {
      const { journal, run } = setup((j) => [new ScriptedStep('a', j), new ScriptedStep('b', j)]);
      let calls = 0;
      const error = await failure(
        run({
          onProgress: () => {
            if (++calls === 2) throw new Error('listener broke');
          },
        }),
      );
      expect([error.message, journal.slice(-2)]).toEqual([
        "Step 'b' failed: progress or event listener failed: listener broke",
        ['rollback:b:ok', 'rollback:a:ok'],
      ]);
    });

    it('does not run later steps after a failure', async () => {
      const { journal, run } = setup((j) => [
        new ScriptedStep('a', j, { attempts: ['throw'] }),
        new ScriptedStep('b', j),
      ]);
      await failure(run());
      expect(journal.some((l) => l.startsWith('execute:b'))).toBe(false);
    });
  });

  describe('retries', () => {
    it('retries a throwing step up to its attempts, with exponential backoff and jitter', async () => {
      const { journal, clock, run } = setup((j) => [
        new ScriptedStep('flaky', j, {
          attempts: ['throw', 'throw', 'ok'],
          retry: { attempts: 5, initialDelayMs: 100, factor: 2, jitter: 0.5 },
        }),
      ]);
      await run();
      // random() = 0.5 and jitter 0.5 take a quarter off each delay: 100 → 75, 200 → 150.
      expect([journal, clock.sleeps]).toEqual([
        ['execute:flaky:1', 'execute:flaky:2', 'execute:flaky:3'],
        [75, 150],
      ]);
    });

    it('gives up after the configured attempts and fails with the last error', async () => {
      const { journal, clock, run } = setup((j) => [
        new ScriptedStep('flaky', j, {
          attempts: ['throw', 'throw', 'throw', 'ok'],
          retry: { attempts: 3, initialDelayMs: 10, jitter: 0, maxDelayMs: 15 },
        }),
      ]);
      const error = await failure(run());
      expect([
        error.message,
        journal.filter((l) => l.startsWith('execute')).length,
        clock.sleeps,
      ]).toEqual(["Step 'flaky' failed: flaky exploded", 3, [10, 15]]);
    });

    it('retries a returned failure too', async () => {
      const { journal, run } = setup((j) => [
        new ScriptedStep('s', j, { attempts: ['fail', 'ok'], retry: { attempts: 2, jitter: 0 } }),
      ]);
      await run();
      expect(journal).toEqual(['execute:s:1', 'execute:s:2']);
    });

    it('does not retry errors that retryOn rejects', async () => {
      const { journal, run } = setup((j) => [
        new ScriptedStep('s', j, {
          attempts: ['throw', 'ok'],
          retry: {
            attempts: 3,
            retryOn: (e) => !(e instanceof Error && e.message.includes('exploded')),
          },
        }),
      ]);
      await failure(run());
      expect(journal).toEqual(['execute:s:1', 'rollback:s:failed']);
    });

    it('emits step:retry with the failed attempt and the delay', async () => {
      const { runtime, run } = setup((j) => [
        new ScriptedStep('s', j, {
          attempts: ['throw', 'ok'],
          retry: { attempts: 2, initialDelayMs: 40, jitter: 0 },
        }),
      ]);
      const retries: unknown[] = [];
      runtime.events.on('step:retry', (e) => retries.push(e));
      await run();
      expect(retries).toEqual([{ step: 's', attempt: 1, delayMs: 40, error: 's exploded' }]);
    });
  });

  describe('runs nothing can cancel', () => {
    it("hands each attempt the context's signal, which never aborts, and runs plain and async steps in order", async () => {
      const signals: AbortSignal[] = [];
      const { journal, runtime, run } = setup((j) => [
        new ScriptedStep('plain', j, {
          attempts: [
            (attempt: StepAttempt) => {
              signals.push(attempt.signal);
              return stepSuccess();
            },
          ],
        }),
        new ScriptedStep('async', j, {
          attempts: [
            async (attempt: StepAttempt) => {
              signals.push(attempt.signal);
              await Promise.resolve();
              return stepSuccess();
            },
          ],
        }),
        new ScriptedStep('last', j),
      ]);
      await run();
      expect([
        journal,
        signals.map((s) => s === runtime.signal && !s.aborted),
        runtime.givenSignal,
      ]).toEqual([
        ['execute:plain:1', 'execute:async:1', 'execute:last:1'],
        [true, true],
        undefined,
      ]);
    });
  });

  describe('timeouts', () => {
    it('fails an attempt that runs past timeoutMs and aborts its signal', async () => {
      let aborted: unknown;
      const { run } = setup((j) => [
        new ScriptedStep('hang', j, {
          timeoutMs: 20,
          attempts: [
            (attempt: StepAttempt) =>
              new Promise(() => {
                attempt.signal.addEventListener('abort', () => (aborted = attempt.signal.reason));
              }),
          ],
        }),
      ]);
      const error = await failure(run());
      expect([
        error.message,
        error.cause instanceof StepTimeoutError,
        aborted instanceof StepTimeoutError,
      ]).toEqual(["Step 'hang' failed: Step 'hang' timed out after 20 ms", true, true]);
    });

    it('retries a timed-out attempt when a retry policy allows it', async () => {
      const { journal, run } = setup((j) => [
        new ScriptedStep('slow', j, {
          timeoutMs: 20,
          retry: { attempts: 2, jitter: 0, initialDelayMs: 1 },
          attempts: [() => new Promise(() => undefined), 'ok'],
        }),
      ]);
      await run();
      expect(journal).toEqual(['execute:slow:1', 'execute:slow:2']);
    });
  });

  describe('cancellation', () => {
    it('stops at the current step, rolls back what ran and reports cancelled', async () => {
      const controller = new AbortController();
      const { journal, run } = setup(
        (j) => [
          new ScriptedStep('a', j),
          new ScriptedStep('wait', j, {
            attempts: [
              (attempt: StepAttempt) =>
                new Promise((_resolve, reject) => {
                  attempt.signal.addEventListener('abort', () => reject(new Error('aborted wait')));
                  setTimeout(() => controller.abort(), 5);
                }),
            ],
          }),
          new ScriptedStep('c', j),
        ],
        { signal: controller.signal },
      );
      const error = await failure(run());
      expect([error instanceof CancelledError, error.message, journal]).toEqual([
        true,
        "Cancelled during step 'wait'; rolled back 2 steps",
        ['execute:a:1', 'execute:wait:1', 'rollback:wait:failed', 'rollback:a:ok'],
      ]);
    });

    it('does not wait for a step that ignores the signal', async () => {
      const controller = new AbortController();
      const { journal, run } = setup(
        (j) => [
          new ScriptedStep('deaf', j, {
            attempts: [
              () => {
                setTimeout(() => controller.abort(), 5);
                return new Promise(() => undefined);
              },
            ],
          }),
        ],
        { signal: controller.signal },
      );
      await expect(run()).rejects.toBeInstanceOf(CancelledError);
      expect(journal).toEqual(['execute:deaf:1', 'rollback:deaf:failed']);
    });

    it('waits for a step that settles on abort, and hands what it changed to its rollback', async () => {
      const controller = new AbortController();
      const rolledBackWith: unknown[] = [];
      const { journal, run } = setup(
        (j) => [
          new ScriptedStep('put', j, {
            settlesOnAbort: true,
            onRollback: (result) => rolledBackWith.push(result.rollbackData),
            attempts: [
              (attempt: StepAttempt) =>
                new Promise((resolve) => {
                  // It finishes what it started (as a PUT in flight must), then reports it.
                  attempt.signal.addEventListener('abort', () =>
                    setTimeout(() => {
                      journal.push('put:settled');
                      resolve(stepFailure('Cancelled', { sent: 'config v2' }));
                    }, 5),
                  );
                  setTimeout(() => controller.abort(), 5);
                }),
            ],
          }),
        ],
        { signal: controller.signal },
      );
      const error = await failure(run());
      expect([error instanceof CancelledError, journal, rolledBackWith]).toEqual([
        true,
        ['execute:put:1', 'put:settled', 'rollback:put:failed'],
        [{ sent: 'config v2' }],
      ]);
    });

    it('hands the rollbackData of a timed-out step that settles to its rollback', async () => {
      const rolledBackWith: unknown[] = [];
      const { run } = setup((j) => [
        new ScriptedStep('slow', j, {
          timeoutMs: 10,
          settlesOnAbort: true,
          onRollback: (result) => rolledBackWith.push([result.error, result.rollbackData]),
          attempts: [
            (attempt: StepAttempt) =>
              new Promise((resolve) => {
                attempt.signal.addEventListener('abort', () =>
                  resolve(stepFailure('stopped', { uploaded: true })),
                );
              }),
          ],
        }),
      ]);
      const error = await failure(run());
      expect([error.message, rolledBackWith]).toEqual([
        "Step 'slow' failed: Step 'slow' timed out after 10 ms",
        [["Step 'slow' timed out after 10 ms", { uploaded: true }]],
      ]);
    });

    it('runs nothing when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const { journal, run } = setup((j) => [new ScriptedStep('a', j)], {
        signal: controller.signal,
      });
      const error = await failure(run());
      expect([error.message, journal]).toEqual([
        "Cancelled before step 'a'; rolled back 0 steps",
        [],
      ]);
    });

    it('cancels during a retry backoff without another attempt', async () => {
      const controller = new AbortController();
      const { journal, run } = setup(
        (j) => [
          new ScriptedStep('s', j, {
            attempts: [
              () => {
                controller.abort();
                throw new Error('first try failed');
              },
              'ok',
            ],
            retry: { attempts: 3 },
          }),
        ],
        { signal: controller.signal },
      );
      await expect(run()).rejects.toBeInstanceOf(CancelledError);
      expect(journal).toEqual(['execute:s:1', 'rollback:s:failed']);
    });
  });

  describe('events', () => {
    it('emits start, skip, end and rollback events in order', async () => {
      const { runtime, run } = setup((j) => [
        new ScriptedStep('a', j),
        new ScriptedStep('b', j, { skip: true }),
        new ScriptedStep('c', j, { attempts: ['throw'] }),
      ]);
      const seen: string[] = [];
      runtime.events.on('step:start', (e) => seen.push(`start:${e.step}:${e.attempt}`));
      runtime.events.on('step:skip', (e) => seen.push(`skip:${e.step}`));
      runtime.events.on('step:end', (e) => seen.push(`end:${e.step}:${e.result.success}`));
      runtime.events.on('step:rollback', (e) => seen.push(`rollback:${e.step}:${e.success}`));
      await failure(run());
      expect(seen).toEqual([
        'start:a:1',
        'end:a:true',
        'skip:b',
        'start:c:1',
        'end:c:false',
        'rollback:c:true',
        'rollback:a:true',
      ]);
    });
  });
});

describe('Orchestrator with a failure result carrying its error', () => {
  it('chains the error given to stepFailure as the cause', async () => {
    const { stepFailure } = await import('./step-result.js');
    const original = new RangeError('bad range');
    const registry = new StepRegistry().register(
      new (class extends BaseStep {
        public readonly name = 'carrier';
        public readonly progressWeight = 1;
        public execute(): StepResult {
          return stepFailure(original, { touched: true });
        }
      })(),
    );
    const context = new BaseStepContext(RuntimeContext.create());
    const error = await failure(new Orchestrator(registry, context).execute());
    expect([error.message, error.cause === original, context.stepResults[0]?.rollbackData]).toEqual(
      ["Step 'carrier' failed: bad range", true, { touched: true }],
    );
  });
});

describe('Orchestrator rollback bookkeeping', () => {
  class NoRollback extends BaseStep {
    public readonly progressWeight = 1;
    public constructor(public readonly name: string) {
      super();
    }
    public execute(): StepResult {
      return stepSuccess();
    }
  }

  it('passes over steps that have nothing to undo: no call, no event', async () => {
    const journal: string[] = [];
    const registry = new StepRegistry()
      .register(new NoRollback('connect'))
      .register(new ScriptedStep('apply', journal, { attempts: ['throw'] }));
    const runtime = RuntimeContext.create();
    const rolledBack: string[] = [];
    runtime.events.on('step:rollback', (e) => rolledBack.push(e.step));
    await failure(new Orchestrator(registry, new BaseStepContext(runtime)).execute());
    expect(rolledBack).toEqual(['apply']);
  });

  it('says which rollback failed when a cancelled run could not be fully undone', async () => {
    const controller = new AbortController();
    const registry = new StepRegistry()
      .register(new ScriptedStep('apply', [], { rollbackThrows: 'restore timed out' }))
      .register(
        new ScriptedStep('wait', [], {
          attempts: [
            () => {
              controller.abort();
              return new Promise(() => undefined);
            },
          ],
        }),
      );
    const runtime = RuntimeContext.create({ signal: controller.signal });
    const error = (await failure(
      new Orchestrator(registry, new BaseStepContext(runtime)).execute(),
    )) as CancelledError;
    expect([error.message, error.rollbackErrors]).toEqual([
      "Cancelled during step 'wait'; rolled back 1 step; Rollback failed for step 'apply': restore timed out",
      ["Rollback failed for step 'apply': restore timed out"],
    ]);
  });
});
