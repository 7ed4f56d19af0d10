import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { ConfigError, ParamsValidationError } from '../errors/errors.js';
import { RuntimeContext } from '../runtime/runtime-context.js';
import type { ProgressEvent } from '../runtime/runtime-events.js';
import type { StepRegistry } from '../steps/step-registry.js';
import { ScriptedStep } from '../test-support/test-steps.js';
import { BaseAction } from './base-action.js';

const Params = z.object({
  name: z.string().min(1),
  replicas: z.number().int().positive(),
  gpu: z.object({ count: z.number().int().nonnegative() }),
});

class Simple extends BaseAction<typeof Params> {
  public static override readonly paramsSchema = Params;
  public override execute() {
    this.setProgress(1, 2, 'first');
    this.setProgress(2, 2, 'second');
    return { greeting: `hello ${this.params.name} x${this.params.replicas}` };
  }
}

class Stepped extends Simple {
  public readonly journal: string[] = [];
  public override setupSteps(registry: StepRegistry): void {
    registry.register(new ScriptedStep('one', this.journal, { weight: 1 }));
    registry.register(new ScriptedStep('two', this.journal, { weight: 3 }));
  }
}

const valid = { name: 'm', replicas: 2, gpu: { count: 0 } };

describe('BaseAction', () => {
  it('validates params and lists every bad field by path', () => {
    const ctx = RuntimeContext.create();
    let error: unknown;
    try {
      new Simple({ name: '', replicas: 1.5, gpu: { count: -1 } }, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsValidationError);
    expect((error as ParamsValidationError).issues.map((i) => i.path)).toEqual([
      'name',
      'replicas',
      'gpu.count',
    ]);
    expect((error as Error).message).toMatch(
      /^Invalid params: name: .+; replicas: .+; gpu\.count: .+$/,
    );
  });

  it('passes params through when there is no schema', () => {
    class Loose extends BaseAction {
      public override execute() {
        return this.params;
      }
    }
    expect(new Loose({ anything: 1 }, RuntimeContext.create()).params).toEqual({ anything: 1 });
  });

  it('refuses a paramsSchema that is not a zod schema, naming it', () => {
    class Odd extends BaseAction {
      public static override readonly paramsSchema = { num_cpus: 'number' } as unknown as z.ZodType;
    }
    expect(() => new Odd({}, RuntimeContext.create())).toThrow(
      'Odd.paramsSchema: is not a zod schema (got object); set it to one, e.g. z.object({ num_cpus: z.number() })',
    );
  });

  it('reports a setupSteps that throws as a mistake in the action, naming setupSteps', async () => {
    class Broken extends Simple {
      public override setupSteps(): void {
        throw new Error('no steps today');
      }
    }
    const error = await new Broken(valid, RuntimeContext.create()).run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "Broken.setupSteps: threw before any step ran: no steps today; fix the action's setupSteps",
    );
  });

  it('runs execute() when no step is registered', async () => {
    const ctx = RuntimeContext.create();
    const progress: ProgressEvent[] = [];
    ctx.events.on('progress', (e) => progress.push(e));
    const result = await new Simple(valid, ctx).run();
    expect([result, progress.map((p) => [p.percent, p.category])]).toEqual([
      { greeting: 'hello m x2' },
      [
        [50, 'first'],
        [100, 'second'],
      ],
    ]);
  });

  it('runs the steps instead of execute() when any is registered', async () => {
    const ctx = RuntimeContext.create();
    const progress: number[] = [];
    ctx.events.on('progress', (e) => progress.push(e.percent));
    const action = new Stepped(valid, ctx);
    const result = await action.run();
    expect([result, action.journal, progress]).toEqual([
      { success: true, stepsExecuted: 2, stepsTotal: 2 },
      ['execute:one:1', 'execute:two:1'],
      [25, 100],
    ]);
  });

  it('says what to do when neither execute() nor steps exist', async () => {
    class Empty extends BaseAction {}
    await expect(new Empty({}, RuntimeContext.create()).run()).rejects.toThrow(
      'Empty has nothing to run: override execute() or register steps in setupSteps()',
    );
  });

  it('emits log events with secrets masked', () => {
    const ctx = RuntimeContext.create();
    const logs: unknown[] = [];
    ctx.events.on('log', (e) => logs.push(e.data));
    new Simple(valid, ctx).log('connect', { authorization: 'Bearer abc123secret', host: 'h' });
    expect(logs).toEqual([{ authorization: '[REDACTED]', host: 'h' }]);
  });
});
