import type { RayServeClient } from '@synapse-sdk/clients';
import type { JournalStore, Logger } from '@synapse-sdk/core';

import { StepsError } from '../errors.js';
import { packageUris } from './package-uris.js';

/**
 * Uploads again, from the bytes the journal kept when a run of this SDK uploaded them, the
 * packages `config` runs from that the cluster no longer holds: Ray drops a package once
 * nothing references it (after a few minutes), and a head restart drops them all, so the
 * config a rollback restores may point at one that is gone. Returns the URIs uploaded, and
 * those still missing because no journal kept their bytes.
 */
export async function reuploadPackages(
  client: RayServeClient,
  config: unknown,
  store: JournalStore | undefined,
  logger?: Logger | undefined,
): Promise<{ uploaded: string[]; missing: string[] }> {
  const uploaded: string[] = [];
  const missing: string[] = [];
  for (const uri of packageUris(config)) {
    if (await client.hasPackage(uri)) continue;
    const ref = await store?.findBlob(uri);
    const bytes = ref && (await store?.readBlob(ref.sha256));
    if (!bytes) {
      missing.push(uri);
      continue;
    }
    await client.uploadPackage(uri, bytes);
    logger?.info(`Uploaded ${uri} again from the journal: Ray had dropped it`, {
      bytes: bytes.byteLength,
    });
    uploaded.push(uri);
  }
  return { uploaded, missing };
}

/**
 * {@link reuploadPackages}, refusing when a package cannot be put back: for a config the user
 * asked for (`serve rollback --to`), which is better not applied at all than applied broken.
 * @throws StepsError `PACKAGE_GONE` when one is missing and no journal holds its bytes
 */
export async function ensurePackages(
  client: RayServeClient,
  config: unknown,
  store: JournalStore | undefined,
  logger?: Logger | undefined,
): Promise<string[]> {
  const { uploaded, missing } = await reuploadPackages(client, config, store, logger);
  if (missing.length > 0) {
    throw new StepsError(
      'PACKAGE_GONE',
      `package ${missing.join(', ')} of the config to put back is no longer on the cluster at ${client.address}, and no journal${store ? ` in ${store.location}` : ''} kept its bytes`,
      {
        hint: 'deploy that version again from its plugin directory (synapse plugin run), which uploads its package',
      },
    );
  }
  return uploaded;
}
