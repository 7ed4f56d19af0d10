import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

import ignore, { type Ignore } from 'ignore';

import { PackageError } from './package-error.js';

/** Directory names never packaged: version control, caches, virtualenvs and Node modules. */
const ALWAYS_EXCLUDED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  'node_modules',
  '.mypy_cache',
  '.pytest_cache',
]);

/** One file to package, with its path relative to the root in POSIX form. */
export interface CollectedFile {
  path: string;
  content: Uint8Array;
}

interface Scope {
  /** Directory of the .gitignore, relative to the root, POSIX form, '' for the root. */
  base: string;
  rules: Ignore;
}

/**
 * Lists the files of `root` to package, sorted by path: nested `.gitignore` files and the
 * user's `excludes` (gitignore syntax, relative to the root) are honoured, version control,
 * caches and virtualenvs are left out, and a symlink that points outside `root` is refused.
 */
export async function collectFiles(
  root: string,
  excludes: readonly string[] = [],
): Promise<CollectedFile[]> {
  const realRoot = await realpath(root);
  const files: CollectedFile[] = [];
  const userRules: Scope = { base: '', rules: ignore().add([...excludes]) };
  await walk(realRoot, '', [userRules], files, realRoot);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

async function walk(
  absDir: string,
  relDir: string,
  scopes: readonly Scope[],
  files: CollectedFile[],
  realRoot: string,
): Promise<void> {
  const entries = await readdir(absDir, { withFileTypes: true });
  if (entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile()) && relDir !== '') return;
  const gitignore = entries.find((e) => e.name === '.gitignore' && e.isFile());
  const localScopes = gitignore
    ? [
        ...scopes,
        { base: relDir, rules: ignore().add(await readFile(join(absDir, '.gitignore'), 'utf8')) },
      ]
    : scopes;

  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
    const absPath = join(absDir, entry.name);
    const info = await lstat(absPath);
    let isDir = info.isDirectory();
    let isFile = info.isFile();
    if (info.isSymbolicLink()) {
      const target = await realpath(absPath).catch(() => undefined);
      if (target === undefined) continue; // a dangling link has nothing to package
      if (target !== realRoot && !target.startsWith(realRoot + sep)) {
        throw new PackageError(
          `${absPath} is a symlink to ${target}, outside the plugin directory; copy the file into the plugin or exclude the link`,
        );
      }
      const targetInfo = await stat(target);
      // A linked directory inside the root is packaged at its real location already.
      if (targetInfo.isDirectory()) continue;
      isDir = false;
      isFile = targetInfo.isFile();
    }
    if (isDir && ALWAYS_EXCLUDED_DIRS.has(entry.name)) continue;
    if (isIgnored(localScopes, relPath, isDir)) continue;
    if (isDir) {
      await walk(absPath, relPath, localScopes, files, realRoot);
    } else if (isFile) {
      files.push({ path: relPath, content: await readFile(absPath) });
    }
  }
}

/**
 * Git semantics: the deepest .gitignore with a rule about the path decides, so a nested `!x`
 * re-includes what a parent ignored. The user's excludes (the first scope) always exclude.
 */
function isIgnored(scopes: readonly Scope[], relPath: string, isDir: boolean): boolean {
  let ignored = false;
  scopes.forEach((scope, index) => {
    const local = scope.base ? relative(scope.base, relPath).split(sep).join('/') : relPath;
    if (local.startsWith('..')) return;
    const verdict = scope.rules.test(isDir ? `${local}/` : local);
    if (index === 0) {
      if (verdict.ignored) ignored = true;
    } else if (verdict.ignored) {
      ignored = true;
    } else if (verdict.unignored && !scopes[0]!.rules.ignores(isDir ? `${relPath}/` : relPath)) {
      ignored = false;
    }
  });
  return ignored;
}
