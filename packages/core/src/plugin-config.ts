/**
 * `@synapse-sdk/core/plugin-config`: reading and validating a plugin's config.yaml, with yaml and
 * zod but without the engine, inversify or reflect-metadata. `@synapse-sdk/core` exports all of
 * it too; the CLI imports it from here to check a plugin's config.yaml (and start talking to the
 * cluster) before it loads the engine and the plugin's TypeScript.
 *
 * @packageDocumentation
 */

export type { LoadedPluginConfig } from './plugin/load-plugin-config.js';
export {
  loadPluginConfig,
  parsePluginConfig,
  yamlErrorReason,
} from './plugin/load-plugin-config.js';
export type { ActionConfig, PluginConfig } from './plugin/plugin-config.js';
export { ActionConfigSchema, PluginConfigSchema } from './plugin/plugin-config.js';
