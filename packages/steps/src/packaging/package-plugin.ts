import type { FileBody } from '@synapse-sdk/clients';

import type { PackageCompression } from './compression.js';
import type { WorkingDirPackage } from './package-working-dir.js';
import { packageWorkingDir } from './package-working-dir.js';
import { BUILDER_MODULE, BUILDER_SOURCE } from './serve-builder.js';

/**
 * Packages a plugin directory the one way both a deploy and a Ray job use it: its files (minus
 * `runtime_env.excludes`, .gitignore'd files and the usual clutter) plus the generated serve
 * builder, so that a job and the deploy after it share one `gcs://` package (the name depends on
 * the content only, not on the compression). Call `remove()` on the result once it is uploaded.
 */
export async function packagePlugin(
  pluginDir: string,
  runtimeEnv: Readonly<Record<string, unknown>>,
  compression?: PackageCompression,
): Promise<WorkingDirPackage> {
  const excludes = runtimeEnv['excludes'];
  return await packageWorkingDir(pluginDir, {
    excludes: Array.isArray(excludes) ? excludes.map(String) : [],
    extraFiles: { [`${BUILDER_MODULE}.py`]: BUILDER_SOURCE },
    ...(compression ? { compression } : {}),
  });
}

/** The package store of a Ray dashboard (both the Serve and the Jobs client have one). */
export interface PackageStoreClient {
  hasPackage(uri: string, signal?: AbortSignal): Promise<boolean>;
  uploadPackage(uri: string, zip: Uint8Array | FileBody, signal?: AbortSignal): Promise<void>;
}

/**
 * What a caller does around {@link ensurePackage}'s upload: a journaled deploy keeps the
 * package's bytes when the cluster has it, and writes ahead before it sends it.
 */
export interface EnsurePackageHooks {
  /** Called when the cluster has the package already (nothing is uploaded). */
  present?: (() => Promise<void>) | undefined;
  /** Awaited before the upload; when it throws, nothing is sent. */
  beforeUpload?: (() => Promise<void>) | undefined;
}

/**
 * Uploads `pkg` unless the cluster has it already, and logs which (`package_present` or
 * `package_uploaded`).
 */
export async function ensurePackage(
  client: PackageStoreClient,
  pkg: WorkingDirPackage,
  log: (event: string, data: Record<string, unknown>) => void,
  signal: AbortSignal,
  hooks: EnsurePackageHooks = {},
): Promise<void> {
  if (await client.hasPackage(pkg.uri, signal)) {
    log('package_present', { uri: pkg.uri });
    await hooks.present?.();
    return;
  }
  await hooks.beforeUpload?.();
  await client.uploadPackage(pkg.uri, pkg.zip, signal);
  log('package_uploaded', { uri: pkg.uri, bytes: pkg.zip.byteLength, files: pkg.files.length });
}
