import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A plugin directory written for a test; `remove()` deletes it. */
export interface PluginDir {
  dir: string;
  remove(): Promise<void>;
}

/**
 * Writes `files` (relative path → content; `null` leaves a file out) to a new directory under
 * the OS temp folder, outside the repository and its node_modules.
 */
export async function writePluginDir(
  files: Readonly<Record<string, string | null>>,
  prefix = 'synapse-plugin-',
): Promise<PluginDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    if (content === null) continue;
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
