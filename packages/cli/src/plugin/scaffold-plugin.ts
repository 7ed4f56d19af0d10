import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { UsageError } from '../usage-error.js';

/** The files `synapse plugin init` writes, as they ship in the CLI package. */
export const PLUGIN_TEMPLATE_DIR = fileURLToPath(
  new URL('../../templates/plugin/', import.meta.url),
);

// npm leaves `.gitignore` files out of a package, so the template's is stored without the dot.
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/** What {@link scaffoldPlugin} wrote. */
export interface ScaffoldedPlugin {
  /** Absolute plugin directory. */
  dir: string;
  /** The plugin's `code` (and `name`) in config.yaml, from the directory's name. */
  code: string;
  /** The files written, relative to `dir`, sorted. */
  files: string[];
}

/**
 * Writes a new plugin to `dir`: config.yaml (named after the directory), a step-mode
 * deployment action, the Python serve class it deploys, requirements.txt, tsconfig.json and
 * .gitignore. The directory may exist but must hold none of these files: nothing is
 * overwritten, and nothing is written when one is in the way.
 *
 * @throws UsageError when `dir` is a file, already holds one of the files, or its name gives
 * no valid plugin code
 */
export async function scaffoldPlugin(dir: string): Promise<ScaffoldedPlugin> {
  const target = resolve(dir);
  const code = pluginCode(basename(target));
  if (code === undefined) {
    throw new UsageError(
      `cannot name a plugin after the directory ${target}: its code must start with a letter or digit`,
      { hint: 'pass a directory named like my-model' },
    );
  }
  const info = await stat(target).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new UsageError(`${target} is a file, not a directory`, {
      hint: 'pass the path of a new or empty directory',
    });
  }
  const templates = await listFiles(PLUGIN_TEMPLATE_DIR);
  const files = templates.map((file) => RENAMED[file] ?? file).sort();
  const present = info ? await existing(target, files) : [];
  if (present.length > 0) {
    throw new UsageError(`${target} already has ${present.join(', ')}; nothing was written`, {
      hint: 'pass a new or empty directory, or check this plugin with synapse plugin check',
    });
  }
  for (const template of templates) {
    const file = join(target, RENAMED[template] ?? template);
    const text = await readFile(join(PLUGIN_TEMPLATE_DIR, template), 'utf8');
    await mkdir(dirname(file), { recursive: true });
    // `wx`: never replace a file that appeared since the check.
    await writeFile(file, text.replaceAll('__NAME__', code).replaceAll('__CODE__', code), {
      flag: 'wx',
    });
  }
  return { dir: target, code, files };
}

/** A config.yaml `code` from a directory name: lower case, other characters as `-`. */
function pluginCode(name: string): string | undefined {
  const code = name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');
  return code === '' ? undefined : code;
}

async function listFiles(root: string, sub = ''): Promise<string[]> {
  const entries = await readdir(join(root, sub), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else files.push(path);
  }
  return files;
}

async function existing(dir: string, files: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) {
    if (
      await stat(join(dir, file)).then(
        () => true,
        () => false,
      )
    ) {
      found.push(file);
    }
  }
  return found;
}
