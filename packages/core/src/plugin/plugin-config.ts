import { z } from 'zod';

/** Says "is required" for a missing value and leaves other messages to zod. */
function required(message = 'is required') {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? message : undefined),
  };
}

/** Plugin categories of the Synapse platform. */
export const PLUGIN_CATEGORIES = [
  'neural_net',
  'export',
  'upload',
  'smart_tool',
  'post_annotation',
  'pre_annotation',
  'data_validation',
  'custom',
] as const;

/** How an action is run by the platform. */
export const RUN_METHODS = ['job', 'task', 'serve'] as const;

/** One action of a plugin, as declared under `actions:` in config.yaml. */
export const ActionConfigSchema = z.object({
  description: z.string().default(''),
  /** `path/to/module:Export` (TypeScript actions) or `module.path:Class` (Python). */
  entrypoint: z
    .string(
      required(
        'is required: the module and export of the action, e.g. actions/deploy.ts:DeployAction',
      ),
    )
    .min(
      1,
      'must not be empty: the module and export of the action, e.g. actions/deploy.ts:DeployAction',
    ),
  method: z.enum(RUN_METHODS).default('task'),
  input_type: z.string().optional(),
  output_type: z.string().optional(),
});

/** config.yaml of a plugin (the Python SDK's `PluginConfig`). */
export const PluginConfigSchema = z
  .object({
    name: z.string(required()).min(1, 'must not be empty'),
    code: z
      .string(required())
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, "_", "." or "-"'),
    version: z.string().min(1).default('0.1.0'),
    category: z.enum(PLUGIN_CATEGORIES).default('custom'),
    description: z.string().default(''),
    readme: z.string().default('README.md'),
    package_manager: z.enum(['pip', 'uv']).default('pip'),
    package_manager_options: z.array(z.string()).default([]),
    wheels_dir: z.string().default('wheels'),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    runtime_env: z.record(z.string(), z.unknown()).default({}),
    data_type: z.enum(['image', 'text', 'video', 'pcd', 'audio']).optional(),
    tasks: z.array(z.string()).default([]),
    supported_data_type: z.array(z.string()).default([]),
    annotation_category: z.string().optional(),
    annotation_type: z.string().optional(),
    smart_tool: z.string().optional(),
    actions: z.record(z.string(), ActionConfigSchema).default({}),
  })
  .refine((config) => !(config.category === 'neural_net' && config.data_type === undefined), {
    path: ['data_type'],
    message: "is required for neural_net plugins; add e.g. 'data_type: image'",
    // Report this with the other field errors instead of only once they are fixed.
    when: (payload) => {
      const value = payload.value as { category?: unknown } | undefined;
      return typeof value === 'object' && value !== null && value.category === 'neural_net';
    },
  });

/** A validated config.yaml. */
export type PluginConfig = z.output<typeof PluginConfigSchema>;

/** One validated action entry of config.yaml. */
export type ActionConfig = z.output<typeof ActionConfigSchema>;
