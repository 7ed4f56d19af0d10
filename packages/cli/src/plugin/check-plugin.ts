import { resolve } from 'node:path';

import { checkPluginConfig } from './check-config.js';
import { checkPluginTypes } from './check-types.js';
import type { PluginProblem } from './plugin-problem.js';

/** The outcome of {@link checkPlugin}. */
export interface PluginCheck {
  /** Absolute plugin directory. */
  dir: string;
  /** Absolute path of its config.yaml. */
  configFile: string;
  /** The actions config.yaml declares. */
  actions: string[];
  /** The plugin's TypeScript files that were type-checked. */
  files: string[];
  /** The tsconfig they were checked with; undefined when config.yaml stopped the check. */
  tsconfig: string | undefined;
  /** Empty when the plugin is fine. */
  problems: PluginProblem[];
}

/**
 * `synapse plugin check`: config.yaml first (syntax, fields, entrypoints and their modules),
 * then — when it names modules — their TypeScript against the SDK's types, and the exports
 * and serve entrypoints they must provide. Reads only; runs none of the plugin's code.
 */
export async function checkPlugin(pluginDir: string): Promise<PluginCheck> {
  const dir = resolve(pluginDir);
  const config = await checkPluginConfig(dir);
  const result: PluginCheck = {
    dir,
    configFile: config.file,
    actions: config.actions,
    files: [],
    tsconfig: undefined,
    problems: config.problems,
  };
  if (config.modules.length === 0) return result;
  const types = await checkPluginTypes(dir, config.file, config.modules);
  return {
    ...result,
    files: types.files,
    tsconfig: types.tsconfig,
    problems: [...config.problems, ...types.problems],
  };
}
