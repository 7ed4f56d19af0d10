import type { RunRecorder } from '@synapse-sdk/core';

import type { DeployChange } from '../deploy/deploy-change.js';
import type { PackageFile } from '../packaging/package-working-dir.js';
import { packageUris } from './package-uris.js';

/** The kinds of write-ahead entries a deploy journals. */
export const DEPLOY_WRITE_AHEAD = {
  /** A package is about to be uploaded; its bytes are kept under its URI. */
  UPLOAD: 'ray-serve/upload',
  /** A Serve config PUT is about to be sent; the entry's rollback data is the DeployChange. */
  PUT: 'ray-serve/put',
} as const;

/**
 * Keeps the package's bytes in the journal's store under its URI (once: a package already
 * kept is not copied again), so that a later rollback to the config that runs from it can
 * upload it again after Ray dropped it. Resolves with its SHA-256.
 */
export async function keepPackage(
  journal: RunRecorder,
  pkg: { uri: string; zip: PackageFile },
): Promise<string> {
  const kept = await journal.store.findBlob(pkg.uri);
  if (kept && kept.bytes === pkg.zip.byteLength) return kept.sha256;
  return (await journal.keepBlob({ path: pkg.zip.path }, pkg.uri)).sha256;
}

/** Journals, before the upload, that the package is about to be sent (its bytes kept first). */
export async function writeAheadUpload(
  journal: RunRecorder,
  step: string,
  change: DeployChange,
  pkg: { uri: string; zip: PackageFile },
  address: string,
): Promise<void> {
  const sha256 = await keepPackage(journal, pkg);
  await journal.writeAhead(
    step,
    DEPLOY_WRITE_AHEAD.UPLOAD,
    { ...change },
    {
      address,
      uri: pkg.uri,
      sha256,
      bytes: pkg.zip.byteLength,
    },
  );
}

/**
 * Journals, right before the PUT, what the cluster holds before it and what is about to be
 * sent — the rollback data a process killed during the PUT or the wait leaves — with the
 * packages both configs run from and where the journal keeps their bytes (null: not kept).
 */
export async function writeAheadPut(
  journal: RunRecorder,
  step: string,
  change: DeployChange,
  address: string,
): Promise<void> {
  const kept = async (config: unknown) =>
    Promise.all(
      packageUris(config).map(async (uri) => ({
        uri,
        sha256: (await journal.store.findBlob(uri))?.sha256 ?? null,
      })),
    );
  await journal.writeAhead(
    step,
    DEPLOY_WRITE_AHEAD.PUT,
    { ...change },
    {
      address,
      appliedPackages: await kept(change.appliedConfig),
      previousPackages: await kept(change.previousConfig),
    },
  );
}
