import { createHash } from 'node:crypto';

import type { PluginConfig, PluginEnvironment } from '@synapse-sdk/core';
import { ContextMissingError } from '@synapse-sdk/core';

/**
 * The Serve application name: `SYNAPSE_PLUGIN_RELEASE_CODE` when set, else `code@version` of the
 * plugin's config.yaml.
 */
export function resolveServeAppName(
  env: PluginEnvironment,
  config: PluginConfig | undefined,
  configFile: string,
): string {
  const fromEnv = env.getStr('SYNAPSE_PLUGIN_RELEASE_CODE');
  if (fromEnv) return fromEnv;
  if (config) return `${config.code}@${config.version}`;
  throw new ContextMissingError(
    `Cannot determine the serve app name: SYNAPSE_PLUGIN_RELEASE_CODE is not set and ${configFile} does not exist`,
    { hint: 'set SYNAPSE_PLUGIN_RELEASE_CODE or run from the plugin directory (--path DIR)' },
  );
}

/**
 * The route prefix: `/` + `SYNAPSE_PLUGIN_RELEASE_CHECKSUM` when set, else `/` + the md5 of the
 * app name (as the Python SDK does, so both agree on the URL of a release).
 */
export function resolveRoutePrefix(env: PluginEnvironment, appName: string): string {
  const checksum = env.getStr('SYNAPSE_PLUGIN_RELEASE_CHECKSUM');
  if (checksum) return `/${checksum}`;
  return `/${createHash('md5').update(appName, 'utf8').digest('hex')}`;
}
