import { ConfigError } from '@synapse-sdk/core/base';

const PACKAGE_URI = /^gcs:\/\/([A-Za-z0-9_][A-Za-z0-9._-]*\.(?:zip|whl))$/;
const PACKAGE_PATH = /^\/?api\/packages\/gcs\/([A-Za-z0-9_][A-Za-z0-9._-]*\.(?:zip|whl))$/;

/**
 * runtime_env URI schemes Ray accepts in a Serve config. `http` is accepted from Ray 2.58 on
 * (checked on a real 2.58 head); older Ray answers 400 for it, which is shown as it is.
 */
export const REMOTE_URI_SCHEMES: readonly string[] = [
  'gcs',
  'conda',
  'pip',
  'uv',
  'http',
  'https',
  's3',
  'gs',
  'azure',
  'abfss',
  'file',
];

/** Largest package body the dashboard accepts (its 100 MiB request cap); bigger ones fail with 500. */
export const MAX_PACKAGE_BYTES = 100 * 1024 * 1024;

/**
 * The dashboard path of a package URI:
 * `gcs://_ray_pkg_<hex>.zip` → `/api/packages/gcs/_ray_pkg_<hex>.zip` (the suffix is kept).
 * @throws ConfigError when `uri` is not a `gcs://<name>.zip|.whl` URI.
 */
export function packageUriToPath(uri: string): string {
  const match = PACKAGE_URI.exec(uri);
  if (!match) {
    throw new ConfigError(
      'package URI',
      `"${uri}" is not a Ray package URI; expected gcs://_ray_pkg_<hash>.zip`,
    );
  }
  return `/api/packages/gcs/${match[1] ?? ''}`;
}

/**
 * The package URI of a dashboard path: `/api/packages/gcs/<name>` → `gcs://<name>`.
 * @throws ConfigError when `path` is not a package path.
 */
export function packagePathToUri(path: string): string {
  const match = PACKAGE_PATH.exec(path);
  if (!match) {
    throw new ConfigError(
      'package path',
      `"${path}" is not a Ray package path; expected /api/packages/gcs/_ray_pkg_<hash>.zip`,
    );
  }
  return `gcs://${match[1] ?? ''}`;
}
