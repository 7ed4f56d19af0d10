import { open } from 'node:fs/promises';

/**
 * Flushes a directory's entries (a file created or renamed in it) to stable storage. Where a
 * directory cannot be opened for that (Windows), the rename or create is already durable
 * enough for the platform, so the failure is ignored.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // EINVAL/EPERM on filesystems that cannot sync a directory: nothing more can be done.
  } finally {
    await handle.close();
  }
}
