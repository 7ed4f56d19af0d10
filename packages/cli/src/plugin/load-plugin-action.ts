import { pathToFileURL } from 'node:url';

import type { ActionClass } from '@synapse-sdk/core';
import { BaseAction, ConfigError } from '@synapse-sdk/core';
import type { ContainerModule } from 'inversify';

import { UsageError } from '../usage-error.js';
import type { FoundPluginAction } from './find-plugin-action.js';
import { findPluginAction } from './find-plugin-action.js';
import { registerPluginLoader, SHARED_PACKAGES } from './register-plugin-loader.js';

/** A plugin action, loaded and checked, ready to instantiate. */
export interface LoadedPluginAction extends FoundPluginAction {
  ActionClass: ActionClass;
  /** The module's `containerModules` export, then the class's static `containerModules`. */
  containerModules: ContainerModule[];
}

/**
 * Loads `actions.<actionName>` of the plugin at `dir`: {@link findPluginAction}, then
 * {@link importPluginAction}.
 *
 * @throws ConfigError for a missing or invalid config.yaml or entrypoint (naming file and field)
 * @throws UsageError for an unknown action, a module that fails to load, or an export that is
 * not an action
 */
export async function loadPluginAction(
  dir: string,
  actionName: string,
): Promise<LoadedPluginAction> {
  return await importPluginAction(await findPluginAction(dir, actionName));
}

/**
 * Imports a found action's TypeScript module (no build step; see {@link registerPluginLoader}),
 * checks that the export is a {@link BaseAction} subclass and fills its `actionName` and
 * `category` when unset.
 *
 * @throws ConfigError for an export that is missing
 * @throws UsageError for a module that fails to load, or an export that is not an action
 */
export async function importPluginAction(found: FoundPluginAction): Promise<LoadedPluginAction> {
  const { config, configFile: file, actionName, modulePath, entry, tsconfig } = found;
  const field = `actions.${actionName}.entrypoint`;
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
  return { ...found, ActionClass: exported, containerModules };
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
