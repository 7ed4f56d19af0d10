import { ConfigError } from '@synapse-sdk/core/base';

/** A TypeScript action entrypoint, `path/to/module.ts:ExportName`. */
export interface Entrypoint {
  /** Module path relative to the plugin directory. */
  modulePath: string;
  exportName: string;
}

/**
 * Splits `path/to/module.ts:ExportName` at its last colon.
 * @throws ConfigError naming `file` and `field` when the value has no module or no export.
 */
export function parseEntrypoint(value: string, file: string, field: string): Entrypoint {
  const colon = value.lastIndexOf(':');
  const modulePath = colon > 0 ? value.slice(0, colon).trim() : '';
  const exportName = colon > 0 ? value.slice(colon + 1).trim() : '';
  if (!modulePath || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new ConfigError(
      file,
      `${field}: "${value}" is not <module>:<Export>; write it like actions/deploy.ts:DeployAction`,
      [{ path: field, message: 'must be <module>:<Export>' }],
    );
  }
  return { modulePath, exportName };
}
