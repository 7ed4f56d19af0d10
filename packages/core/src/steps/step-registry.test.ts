import { describe, expect, it } from '@jest/globals';
import type { ServiceIdentifier } from 'inversify';
import { ContainerModule, inject, injectable } from 'inversify';

import { createContainer } from '../di/create-container.js';
import { describeDependency } from '../di/dependency-hints.js';
import { DependencyMissingError, StepRegistryError } from '../errors/errors.js';
import { ScriptedStep } from '../test-support/test-steps.js';
import { BaseStep } from './base-step.js';
import { StepRegistry } from './step-registry.js';
import type { StepResult } from './step-result.js';
import { stepSuccess } from './step-result.js';

const names = (registry: StepRegistry) => registry.getSteps().map((s) => s.name);
const step = (name: string, weight = 1) => new ScriptedStep(name, [], { weight });

describe('StepRegistry', () => {
  it('keeps registration order', () => {
    const registry = new StepRegistry().register(step('a')).register(step('b'));
    expect(names(registry)).toEqual(['a', 'b']);
  });

  it('inserts before and after a named step', () => {
    const registry = new StepRegistry().register(step('a')).register(step('c'));
    registry.insertBefore('c', step('b')).insertAfter('c', step('d')).insertBefore('a', step('0'));
    expect(names(registry)).toEqual(['0', 'a', 'b', 'c', 'd']);
  });

  it('throws naming the missing anchor and the registered steps', () => {
    const registry = new StepRegistry().register(step('a'));
    expect(() => registry.insertAfter('nope', step('x'))).toThrow(
      new StepRegistryError("Step 'nope' not found (registered: a)"),
    );
  });

  it('refuses a duplicate name', () => {
    const registry = new StepRegistry().register(step('a'));
    expect(() => registry.register(step('a'))).toThrow(/A step named 'a' is already registered/);
  });

  it('refuses a negative or non-finite weight', () => {
    expect(() => new StepRegistry().register(step('a', -1))).toThrow(/progressWeight -1/);
  });

  it('unregisters by name and reports whether it removed one', () => {
    const registry = new StepRegistry().register(step('a')).register(step('b'));
    expect([registry.unregister('a'), registry.unregister('zzz'), names(registry)]).toEqual([
      true,
      false,
      ['b'],
    ]);
  });

  it('sums weights and counts steps', () => {
    const registry = new StepRegistry().register(step('a', 0.25)).register(step('b', 0.5));
    expect([registry.totalWeight, registry.size]).toEqual([0.75, 2]);
  });

  it('returns a copy of its steps', () => {
    const registry = new StepRegistry().register(step('a'));
    registry.getSteps().pop();
    expect(registry.size).toBe(1);
  });

  describe('step classes resolved from the DI container', () => {
    interface Greeter {
      greet(): string;
    }
    interface Counter {
      next(): number;
    }
    const GREETER: ServiceIdentifier<Greeter> = Symbol.for('test/Greeter');
    const COUNTER: ServiceIdentifier<Counter> = Symbol.for('test/Counter');

    @injectable()
    class UsesTwoClients extends BaseStep {
      public readonly name = 'uses-two';
      public readonly progressWeight = 1;
      public constructor(
        @inject(GREETER) public readonly greeter: Greeter,
        @inject(COUNTER) public readonly counter: Counter,
      ) {
        super();
      }
      public execute(): StepResult {
        return stepSuccess({ text: `${this.greeter.greet()} ${this.counter.next()}` });
      }
    }

    it('injects both clients into the step', async () => {
      let n = 0;
      const plugin = new ContainerModule(({ bind }) => {
        bind(GREETER).toConstantValue({ greet: () => 'hi' });
        bind(COUNTER).toConstantValue({ next: () => ++n });
      });
      const registry = new StepRegistry(createContainer({ modules: [plugin] }));
      registry.register(UsesTwoClients);
      const resolved = registry.getSteps()[0] as UsesTwoClients;
      const result = resolved.execute() as StepResult;
      expect([resolved instanceof UsesTwoClients, result.data]).toEqual([true, { text: 'hi 1' }]);
    });

    it('lets a later module swap a client binding', () => {
      const base = new ContainerModule(({ bind }) => {
        bind(GREETER).toConstantValue({ greet: () => 'hi' });
        bind(COUNTER).toConstantValue({ next: () => 1 });
      });
      const swap = new ContainerModule(({ rebind }) => {
        rebind(GREETER).toConstantValue({ greet: () => 'swapped' });
      });
      const container = createContainer({ modules: [base, swap] });
      const registry = new StepRegistry(container).register(UsesTwoClients);
      expect((registry.getSteps()[0] as UsesTwoClients).greeter.greet()).toBe('swapped');
    });

    it('names the missing binding and what to configure when the container lacks it', () => {
      const container = createContainer({
        modules: [
          new ContainerModule(({ bind }) => {
            bind(GREETER).toConstantValue({ greet: () => 'hi' });
          }),
        ],
      });
      describeDependency(COUNTER, 'set COUNTER_URL, or bind test/Counter');
      const error = (() => {
        try {
          new StepRegistry(container).register(UsesTwoClients);
        } catch (e) {
          return e as DependencyMissingError;
        }
        throw new Error('expected register to fail');
      })();
      expect([
        error instanceof DependencyMissingError,
        error.code,
        error.message,
        error.hint,
      ]).toEqual([
        true,
        'DEPENDENCY_MISSING',
        'Step class UsesTwoClients needs test/Counter, which nothing in the DI container provides',
        'set COUNTER_URL, or bind test/Counter',
      ]);
    });

    it('explains that a class needs a container', () => {
      expect(() => new StepRegistry().register(UsesTwoClients)).toThrow(
        /Cannot register step class UsesTwoClients without a DI container/,
      );
    });
  });
});
