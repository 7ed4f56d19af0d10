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

/**
 * `version` is required (the Python SDK defaults it to 0.1.0): it names the Serve app
 * (`code@version`) and the release, so a forgotten one must not deploy as `code@0.1.0`. YAML
 * reads `1.0` as a number: the message says to quote it.
 */
const VersionSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "is required: the plugin's version, e.g. version: 1.0.0 (the app is named code@version)"
        : typeof issue.input === 'number'
          ? `must be text; YAML read ${String(issue.input)} as a number: quote it, e.g. version: '${String(issue.input)}'`
          : undefined,
  })
  .min(1, "must not be empty: the plugin's version, e.g. version: 1.0.0");

/** A Python requirement list: a list of specs, a requirements file, or `{packages: [...]}`. */
const PythonPackagesSchema = z.union(
  [z.array(z.string()), z.string(), z.looseObject({ packages: z.array(z.string()) })],
  { error: 'must be a list of requirements, a requirements file, or {packages: [...]}' },
);

/**
 * `runtime_env` as Ray takes it: the keys Ray checks at deploy time are checked here (a wrong
 * type would otherwise fail on the cluster, after the upload); others pass through to Ray.
 */
const RuntimeEnvSchema = z.looseObject({
  pip: PythonPackagesSchema.optional(),
  uv: PythonPackagesSchema.optional(),
  conda: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  env_vars: z
    .record(z.string(), z.string({ error: 'must be text: env_vars map names to text values' }), {
      error: 'must map names to text values',
    })
    .optional(),
  excludes: z.array(z.string()).optional(),
  py_modules: z.array(z.string()).optional(),
});

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
    version: VersionSchema,
    category: z.enum(PLUGIN_CATEGORIES).default('custom'),
    description: z.string().default(''),
    readme: z.string().default('README.md'),
    package_manager: z.enum(['pip', 'uv']).default('pip'),
    package_manager_options: z.array(z.string()).default([]),
    wheels_dir: z.string().default('wheels'),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    runtime_env: RuntimeEnvSchema.default({}),
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
