import { z } from 'zod';

// A param of the wrong type is the plugin's own business (its schema allowed it): the SDK then
// reads it as absent, as the Python SDK ignores what it cannot use.
const number = () => z.number().optional().catch(undefined);

/** The params the SDK itself reads; any other param belongs to the plugin. */
const DeploymentParamsSchema = z.object({
  num_cpus: number(),
  num_gpus: number(),
  memory: number(),
  num_replicas: number(),
  model_id: number(),
});

/** What the SDK reads from an action's params: resources per replica, replicas, the model. */
export type DeploymentParams = z.output<typeof DeploymentParamsSchema>;

/** Reads the params the SDK understands from an action's validated params (any shape). */
export function deploymentParams(params: unknown): DeploymentParams {
  const parsed = DeploymentParamsSchema.safeParse(
    typeof params === 'object' && params !== null ? params : {},
  );
  return parsed.success ? parsed.data : {};
}

/**
 * The deployment's `ray_actor_options`: `num_cpus`, `num_gpus` and `memory` when given (an
 * explicit 0 is kept, unlike the Python SDK, so `num_gpus: 0` really means no GPU).
 */
export function actorOptions(params: DeploymentParams): Record<string, number> {
  const options: Record<string, number> = {};
  if (params.num_cpus !== undefined) options['num_cpus'] = params.num_cpus;
  if (params.num_gpus !== undefined) options['num_gpus'] = params.num_gpus;
  if (params.memory !== undefined) options['memory'] = params.memory;
  return options;
}
