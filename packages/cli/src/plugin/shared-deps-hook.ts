/**
 * Module resolve hook, registered by {@link registerPluginLoader} with `module.register()` (it
 * runs on Node's loader thread). It does two things for plugin code, i.e. files outside any
 * `node_modules`:
 *
 * - bare imports of the shared packages (`@synapse-sdk/*`, `zod`, `inversify`, …) resolve as if
 *   imported from the CLI package, so a plugin directory needs no `node_modules` of its own and
 *   gets the very module instances the CLI uses (`instanceof BaseAction` holds);
 * - `.ts`/`.tsx` files load as ES modules even without a `package.json` saying `"type": "module"`.
 */
import type { InitializeHook, ResolveHook } from 'node:module';

/** What {@link registerPluginLoader} passes to the hook. */
export interface SharedDepsHookData {
  /** A `file:` URL inside the CLI package: shared packages are resolved from here. */
  anchorUrl: string;
  /** Package names served from the CLI's own dependencies. */
  sharedPackages: string[];
}

let anchorUrl = '';
let shared: ReadonlySet<string> = new Set();

/** Receives {@link SharedDepsHookData}. */
export const initialize: InitializeHook<SharedDepsHookData> = (data) => {
  anchorUrl = data.anchorUrl;
  shared = new Set(data.sharedPackages);
};

/** See the module comment. */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const parent = context.parentURL;
  if (parent !== undefined && isPluginUrl(parent)) {
    const name = packageName(specifier);
    if (name !== undefined && shared.has(name)) {
      return nextResolve(specifier, { ...context, parentURL: anchorUrl });
    }
  }
  const resolved = await nextResolve(specifier, context);
  if (isPluginUrl(resolved.url) && /\.(ts|tsx|mts)$/.test(new URL(resolved.url).pathname)) {
    return { ...resolved, format: 'module' };
  }
  return resolved;
};

function isPluginUrl(url: string): boolean {
  return url.startsWith('file:') && !url.includes('/node_modules/');
}

/** `@scope/name` or `name` of a bare specifier; undefined for relative, absolute and URL ones. */
export function packageName(specifier: string): string | undefined {
  if (/^[./]/.test(specifier) || /^[a-zA-Z][a-zA-Z\d+.-]*:/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
