import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError } from '@synapse-sdk/core/base';
import type { ActionConfig, PluginConfig } from '@synapse-sdk/core/plugin-config';
import { loadPluginConfig } from '@synapse-sdk/core/plugin-config';

import { UsageError } from '../usage-error.js';
import type { Entrypoint } from './parse-entrypoint.js';
import { parseEntrypoint } from './parse-entrypoint.js';

/** A plugin action as config.yaml declares it, its module found; its TypeScript not loaded. */
export interface FoundPluginAction {
  /** Absolute plugin directory. */
  dir: string;
  /** Absolute path of its config.yaml. */
  configFile: string;
  config: PluginConfig;
  actionName: string;
  actionConfig: ActionConfig;
  /** Absolute path of the action's module. */
  modulePath: string;
  /** The entrypoint, split into its module path and export name. */
  entry: Entrypoint;
  /** The tsconfig to compile the module with. */
  tsconfig: string;
}

/** The tsconfig used for plugins that have none: enables `experimentalDecorators`. */
export const DEFAULT_PLUGIN_TSCONFIG = fileURLToPath(
  new URL('../../plugin-tsconfig.json', import.meta.url),
);

/**
 * Finds `actions.<actionName>` of the plugin at `dir`: reads and validates config.yaml, parses
 * the action's entrypoint and finds its module, without loading any TypeScript (so a command can
 * reject a wrong action or config.yaml, and start talking to the cluster, before it pays for that).
 *
 * @throws ConfigError for a missing or invalid config.yaml or entrypoint (naming file and field)
 * @throws UsageError for an unknown action
 */
export async function findPluginAction(
  dir: string,
  actionName: string,
): Promise<FoundPluginAction> {
  const loaded = await loadPluginConfig(dir);
  const { config, file } = loaded;
  const actionConfig = Object.hasOwn(config.actions, actionName)
    ? config.actions[actionName]
    : undefined;
  if (!actionConfig) {
    const available = Object.keys(config.actions);
    throw new UsageError(
      `unknown action '${actionName}' in ${file}; available: ${available.length > 0 ? available.join(', ') : 'none (add one under actions:)'}`,
    );
  }
  const field = `actions.${actionName}.entrypoint`;
  const entry = parseEntrypoint(actionConfig.entrypoint, file, field);
  const modulePath = findModule(loaded.dir, entry.modulePath);
  if (!modulePath) {
    throw new ConfigError(
      file,
      `${field}: module ${entry.modulePath} not found in ${loaded.dir}; fix the path (relative to the plugin directory)`,
      [{ path: field, message: `module ${entry.modulePath} not found` }],
    );
  }
  // The plugin directory is what is deployed and checked: code from elsewhere (`../`, an
  // absolute path, a symlink that leads out) is refused before it is compiled or run.
  const realModule = realpathSync(modulePath);
  const realDir = realpathSync(loaded.dir);
  const inside = relative(realDir, realModule);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new ConfigError(
      file,
      `${field}: ${entry.modulePath} is ${realModule}, outside the plugin directory ${realDir}; move the module into the plugin directory and name it relative to it`,
      [{ path: field, message: 'outside the plugin directory' }],
    );
  }
  const pluginTsconfig = join(loaded.dir, 'tsconfig.json');
  return {
    dir: loaded.dir,
    configFile: file,
    config,
    actionName,
    actionConfig,
    modulePath,
    entry,
    tsconfig: existsSync(pluginTsconfig) ? pluginTsconfig : DEFAULT_PLUGIN_TSCONFIG,
  };
}

/**
 * The file an entrypoint's module path names in `dir`: as written, with `.ts`, a directory's
 * `index.ts`, or the `.ts` file of a `.js` path; undefined when there is none.
 */
export function findModule(dir: string, relative: string): string | undefined {
  const base = resolve(dir, relative);
  const candidates = [base, `${base}.ts`, join(base, 'index.ts')];
  if (base.endsWith('.js')) candidates.push(`${base.slice(0, -3)}.ts`);
  return candidates.find(isFile);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
