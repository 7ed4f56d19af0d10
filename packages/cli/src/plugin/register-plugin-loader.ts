import { register as registerHooks } from 'node:module';

import type { SharedDepsHookData } from './shared-deps-hook.js';

/**
 * Packages a plugin imports from the CLI's own dependencies, whatever its directory holds.
 * Keep in sync with the README's "Plugin directories" section.
 */
export const SHARED_PACKAGES: readonly string[] = [
  '@synapse-sdk/core',
  '@synapse-sdk/clients',
  '@synapse-sdk/steps',
  '@synapse-sdk/devserver',
  'zod',
  'inversify',
  'reflect-metadata',
];

let registeredTsconfig: string | undefined;

/**
 * Lets `import()` load a plugin's TypeScript modules in this process: tsx compiles them (with
 * `tsconfig` — its `experimentalDecorators` setting matters for inversify decorators), and a
 * resolve hook that runs before tsx maps the {@link SHARED_PACKAGES} to the CLI's copies.
 * Registers once per process; later calls must pass the same tsconfig.
 */
export async function registerPluginLoader(tsconfig: string): Promise<void> {
  if (registeredTsconfig !== undefined) {
    if (registeredTsconfig !== tsconfig) {
      throw new Error(
        `the plugin loader is already registered with ${registeredTsconfig}; one plugin per process`,
      );
    }
    return;
  }
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx({ tsconfig });
  // Hooks registered later run first: ours sees every specifier before tsx does.
  const data: SharedDepsHookData = {
    anchorUrl: import.meta.url,
    sharedPackages: [...SHARED_PACKAGES],
  };
  registerHooks(new URL('./shared-deps-hook.js', import.meta.url), {
    parentURL: import.meta.url,
    data,
  });
  registeredTsconfig = tsconfig;
}
