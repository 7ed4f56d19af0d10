import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { ActionClass, ActionConfig, PluginConfig } from '@synapse-sdk/core';
import { BaseAction, ConfigError, loadPluginConfig } from '@synapse-sdk/core';
import type { ContainerModule } from 'inversify';

import { UsageError } from '../usage-error.js';
import { parseEntrypoint } from './parse-entrypoint.js';
import { registerPluginLoader, SHARED_PACKAGES } from './register-plugin-loader.js';

/** A plugin action, loaded and checked, ready to instantiate. */
export interface LoadedPluginAction {
  /** Absolute plugin directory. */
  dir: string;
  /** Absolute path of its config.yaml. */
  configFile: string;
  config: PluginConfig;
  actionName: string;
  actionConfig: ActionConfig;
  /** Absolute path of the action's module. */
  modulePath: string;
  ActionClass: ActionClass;
  /** The module's `containerModules` export, then the class's static `containerModules`. */
  containerModules: ContainerModule[];
  /** The tsconfig the module was compiled with. */
  tsconfig: string;
}

/** The tsconfig used for plugins that have none: enables `experimentalDecorators`. */
export const DEFAULT_PLUGIN_TSCONFIG = fileURLToPath(
  new URL('../../plugin-tsconfig.json', import.meta.url),
);

/**
 * Loads `actions.<actionName>` of the plugin at `dir`: reads config.yaml, imports the action's
 * TypeScript module (no build step; see {@link registerPluginLoader}), checks that the export
 * is a {@link BaseAction} subclass and fills its `actionName` and `category` when unset.
 *
 * @throws ConfigError for a missing or invalid config.yaml or entrypoint (naming file and field)
 * @throws UsageError for an unknown action, a module that fails to load, or an export that is
 * not an action
 */
export async function loadPluginAction(
  dir: string,
  actionName: string,
): Promise<LoadedPluginAction> {
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
  const tsconfig = existsSync(pluginTsconfig) ? pluginTsconfig : DEFAULT_PLUGIN_TSCONFIG;
  await registerPluginLoader(tsconfig);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`cannot load ${modulePath}: ${loadFailure(error)}`, {
      hint: loadFailureHint(error),
      cause: error,
    });
  }

  const exported = namespace[entry.exportName];
  if (exported === undefined) {
    const names = Object.keys(namespace).filter((name) => name !== 'default');
    throw new ConfigError(
      file,
      `${field}: ${entry.modulePath} has no export named ${entry.exportName} (exports: ${names.join(', ') || 'none'})`,
      [{ path: field, message: `no export ${entry.exportName}` }],
    );
  }
  if (!isActionClass(exported)) {
    throw new UsageError(
      `${entry.modulePath}:${entry.exportName} is not an action class (got ${describe(exported)}); export a class that extends BaseAction or BaseDeploymentAction`,
    );
  }
  fillStatic(exported, 'actionName', actionName);
  fillStatic(exported, 'category', config.category);

  const containerModules = [
    ...readModules(namespace['containerModules'], `${entry.modulePath} export containerModules`),
    ...readModules(
      (exported as unknown as { containerModules?: unknown }).containerModules,
      `${entry.exportName}.containerModules`,
    ),
  ];
  return {
    dir: loaded.dir,
    configFile: file,
    config,
    actionName,
    actionConfig,
    modulePath,
    ActionClass: exported,
    containerModules,
    tsconfig,
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

/** The useful line of a load error: esbuild puts the location and reason on a later line. */
function loadFailure(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n');
  const compileError = lines.find((line) => line.includes('ERROR:'));
  return (compileError ?? lines[0] ?? '').trim();
}

/** Installing a package helps only when a bare import was not found; else the code is at fault. */
function loadFailureHint(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const missing = /Cannot find package '([^']+)'/.exec(error instanceof Error ? error.message : '');
  if (code !== 'ERR_MODULE_NOT_FOUND' || !missing) return 'fix the plugin code';
  return `install ${missing[1]} in the plugin's own node_modules (only ${SHARED_PACKAGES.join(', ')} come from the CLI)`;
}

function isActionClass(value: unknown): value is ActionClass {
  return typeof value === 'function' && value.prototype instanceof BaseAction;
}

function fillStatic(target: ActionClass, key: 'actionName' | 'category', value: string): void {
  if (target[key]) return;
  Object.defineProperty(target, key, { value, configurable: true, enumerable: true });
}

function readModules(value: unknown, source: string): ContainerModule[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((item, index) => {
    if (
      typeof item !== 'object' ||
      item === null ||
      typeof (item as { load?: unknown }).load !== 'function'
    ) {
      throw new UsageError(
        `${source}[${index}] is not an inversify ContainerModule (got ${describe(item)}); export new ContainerModule((options) => { … })`,
      );
    }
    return item as ContainerModule;
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
