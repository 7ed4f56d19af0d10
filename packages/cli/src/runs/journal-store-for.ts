import type { JournalStore } from '@synapse-sdk/core';
import { defaultStateDir, FileJournalStore } from '@synapse-sdk/core';

/**
 * The journal store of the CLI: the embedded one under the state directory
 * (`SYNAPSE_STATE_DIR`, else the platform's convention; see `defaultStateDir`).
 */
export function journalStoreFor(env: Readonly<Record<string, string | undefined>>): JournalStore {
  return new FileJournalStore(defaultStateDir({ env }));
}
