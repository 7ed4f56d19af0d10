import type { Container, Newable } from 'inversify';

import { dependencyError } from '../di/dependency-error.js';
import { StepRegistryError } from '../errors/errors.js';
import { SynapseError } from '../errors/synapse-error.js';
import type { BaseStep } from './base-step.js';
import type { BaseStepContext } from './step-context.js';

/** A step instance, or an injectable step class that the registry resolves from its container. */
export type StepLike<C extends BaseStepContext> = BaseStep<C> | Newable<BaseStep<C>>;

/**
 * The ordered list of steps of a pipeline. Order is registration order, adjusted by
 * `insertBefore`/`insertAfter`. Names are unique: registering a second step with a name already
 * present throws, so that insertion anchors are never ambiguous.
 */
export class StepRegistry<C extends BaseStepContext = BaseStepContext> {
  private readonly steps: BaseStep<C>[] = [];
  private readonly container: Container | undefined;

  /** @param container resolves step classes, injecting their dependencies. */
  public constructor(container?: Container) {
    this.container = container;
  }

  /** Appends a step. */
  public register(step: StepLike<C>): this {
    this.steps.push(this.admit(step));
    return this;
  }

  /** Inserts `step` right before the step named `name`. */
  public insertBefore(name: string, step: StepLike<C>): this {
    const instance = this.admit(step);
    this.steps.splice(this.indexOf(name), 0, instance);
    return this;
  }

  /** Inserts `step` right after the step named `name`. */
  public insertAfter(name: string, step: StepLike<C>): this {
    const instance = this.admit(step);
    this.steps.splice(this.indexOf(name) + 1, 0, instance);
    return this;
  }

  /** Removes the step named `name`; returns whether one was removed. */
  public unregister(name: string): boolean {
    const index = this.steps.findIndex((s) => s.name === name);
    if (index < 0) return false;
    this.steps.splice(index, 1);
    return true;
  }

  /** True when a step named `name` is registered. */
  public has(name: string): boolean {
    return this.steps.some((s) => s.name === name);
  }

  /** A copy of the steps, in run order. */
  public getSteps(): BaseStep<C>[] {
    return [...this.steps];
  }

  /** Sum of the steps' progress weights. */
  public get totalWeight(): number {
    let total = 0;
    for (const step of this.steps) total += step.progressWeight;
    return total;
  }

  /** Number of registered steps. */
  public get size(): number {
    return this.steps.length;
  }

  private indexOf(name: string): number {
    const index = this.steps.findIndex((s) => s.name === name);
    if (index < 0) {
      const known = this.steps.map((s) => s.name).join(', ') || 'none';
      throw new StepRegistryError(`Step '${name}' not found (registered: ${known})`);
    }
    return index;
  }

  private admit(step: StepLike<C>): BaseStep<C> {
    const instance = typeof step === 'function' ? this.resolve(step) : step;
    if (typeof instance.name !== 'string' || instance.name.length === 0) {
      throw new StepRegistryError('A step must have a non-empty name');
    }
    if (!Number.isFinite(instance.progressWeight) || instance.progressWeight < 0) {
      throw new StepRegistryError(
        `Step '${instance.name}' has progressWeight ${String(instance.progressWeight)}; use a finite number >= 0`,
      );
    }
    if (this.has(instance.name)) {
      throw new StepRegistryError(
        `A step named '${instance.name}' is already registered; step names must be unique (unregister it first to replace it)`,
      );
    }
    return instance;
  }

  private resolve(stepClass: Newable<BaseStep<C>>): BaseStep<C> {
    if (!this.container) {
      throw new StepRegistryError(
        `Cannot register step class ${stepClass.name} without a DI container; pass one to new StepRegistry(container) or register an instance`,
      );
    }
    try {
      return this.container.get(stepClass, { autobind: true });
    } catch (error) {
      // The step's own errors pass as they are; the container's become one line.
      if (SynapseError.is(error)) throw error;
      throw dependencyError(this.container, stepClass, error);
    }
  }
}
