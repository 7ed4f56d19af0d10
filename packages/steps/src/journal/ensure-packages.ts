import type { RayServeClient } from '@synapse-sdk/clients';
import type { JournalStore, Logger } from '@synapse-sdk/core';

import { StepsError } from '../errors.js';
import { packageUris } from './package-uris.js';

/**
 * Makes sure every package `config` runs from is on the cluster before the config is put
 * back: Ray drops a package once nothing references it (after a few minutes), so the config a
 * rollback restores may point at one that is gone. A missing package is uploaded again from
 * the bytes the journal kept when a run of this SDK uploaded it. Returns the URIs uploaded.
 * @throws StepsError `PACKAGE_GONE` when one is missing and no journal holds its bytes
 */
export async function ensurePackages(
  client: RayServeClient,
  config: unknown,
  store: JournalStore | undefined,
  logger?: Logger | undefined,
): Promise<string[]> {
  const uploaded: string[] = [];
  for (const uri of packageUris(config)) {
    if (await client.hasPackage(uri)) continue;
    const ref = await store?.findBlob(uri);
    const bytes = ref && (await store?.readBlob(ref.sha256));
    if (!bytes) {
      throw new StepsError(
        'PACKAGE_GONE',
        `package ${uri} of the config to put back is no longer on the cluster at ${client.address}, and no journal${store ? ` in ${store.location}` : ''} kept its bytes`,
        {
          hint: 'deploy that version again from its plugin directory (synapse plugin run), which uploads its package',
        },
      );
    }
    await client.uploadPackage(uri, bytes);
    logger?.info(`Uploaded ${uri} again from the journal: Ray had dropped it`, {
      bytes: bytes.byteLength,
    });
    uploaded.push(uri);
  }
  return uploaded;
}
