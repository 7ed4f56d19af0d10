import type { BaseAction, RuntimeContext } from '@synapse-sdk/core';
import { StepRegistry } from '@synapse-sdk/core';

/**
 * The names of the steps `action.setupSteps` registers, to show them as pending before the run
 * (it calls `setupSteps` on a throwaway registry); empty in `execute()` mode or when it throws.
 */
export function previewSteps(action: BaseAction, ctx: RuntimeContext): string[] {
  try {
    const registry = new StepRegistry(ctx.container);
    action.setupSteps(registry);
    return registry.getSteps().map((step) => step.name);
  } catch {
    return [];
  }
}
