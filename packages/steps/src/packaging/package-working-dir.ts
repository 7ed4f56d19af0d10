import { createHash } from 'node:crypto';

import { zipSync, type Zippable } from 'fflate';

import { collectFiles, type CollectedFile } from './collect-files.js';
import { PackageError } from './package-error.js';

/** Ray's dashboard refuses request bodies above 100 MiB. */
export const MAX_PACKAGE_BYTES = 100 * 1024 * 1024;

// Fixed timestamps keep the archive bytes identical for identical content.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** A packaged working_dir, ready to upload. */
export interface WorkingDirPackage {
  /** `gcs://_ray_pkg_<hex>.zip`: what runtime_env.working_dir points at. */
  uri: string;
  /** The zip archive. */
  bytes: Uint8Array;
  /** Packaged paths, sorted. */
  files: string[];
}

/** Options of {@link packageWorkingDir}. */
export interface PackageOptions {
  /** gitignore-style patterns relative to the directory (runtime_env `excludes`). */
  excludes?: readonly string[];
  /** Files added at the archive root, e.g. a generated builder module. */
  extraFiles?: Readonly<Record<string, string>>;
  /** @default MAX_PACKAGE_BYTES */
  maxBytes?: number;
}

/**
 * Zips `dir` deterministically (sorted entries, fixed timestamps) and names the archive after a
 * hash of its paths and contents, so an unchanged plugin maps to the same `gcs://` URI and is
 * neither uploaded again nor redeployed.
 */
export async function packageWorkingDir(
  dir: string,
  options: PackageOptions = {},
): Promise<WorkingDirPackage> {
  const maxBytes = options.maxBytes ?? MAX_PACKAGE_BYTES;
  const files = await collectFiles(dir, options.excludes);
  for (const [path, text] of Object.entries(options.extraFiles ?? {})) {
    const index = files.findIndex((f) => f.path === path);
    const file = { path, content: new TextEncoder().encode(text) };
    if (index >= 0) files[index] = file;
    else files.push(file);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const total = files.reduce((sum, f) => sum + f.content.byteLength, 0);
  if (total > maxBytes) throw tooLarge(dir, total, maxBytes, files);

  const entries: Zippable = {};
  for (const file of files) entries[file.path] = [file.content, { mtime: FIXED_MTIME, level: 6 }];
  const bytes = zipSync(entries);
  if (bytes.byteLength > maxBytes) throw tooLarge(dir, bytes.byteLength, maxBytes, files);

  return {
    uri: `gcs://_ray_pkg_${contentHash(files)}.zip`,
    bytes,
    files: files.map((f) => f.path),
  };
}

function contentHash(files: readonly CollectedFile[]): string {
  const hash = createHash('sha1');
  for (const file of files) {
    hash.update(file.path, 'utf8');
    hash.update('\0');
    hash.update(createHash('sha1').update(file.content).digest());
  }
  return hash.digest('hex').slice(0, 16);
}

function tooLarge(
  dir: string,
  size: number,
  limit: number,
  files: readonly CollectedFile[],
): PackageError {
  const largest = [...files]
    .sort((a, b) => b.content.byteLength - a.content.byteLength)
    .slice(0, 3)
    .map((f) => `${f.path} (${mib(f.content.byteLength)})`)
    .join(', ');
  return new PackageError(
    `${dir} packs to ${mib(size)}, above Ray's ${mib(limit)} upload limit; largest files: ${largest}. ` +
      'Exclude data and model files with .gitignore or runtime_env.excludes in config.yaml, and load models at runtime',
  );
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
