import type { Dirent } from 'node:fs';
import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';

import type { Ignore } from 'ignore';
import ignore from 'ignore';

import { PackageError } from './package-error.js';
import { TimeSlicer } from './time-slicer.js';

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

/**
 * Left out by default, as if the root `.gitignore` began with these lines: the plugin's own
 * TypeScript (actions, steps) runs in the CLI and never on Ray, so editing it must not make the
 * next deploy a code change. A `!path` rule in a `.gitignore` puts a file back.
 */
export const DEFAULT_IGNORES: readonly string[] = ['*.ts', '*.tsx', '*.mts', '*.cts'];

/** The files to package: their paths relative to the root, POSIX form, sorted. */
export interface CollectedFiles {
  /** The root, symlinks resolved: each file is at `${root}/${path}`. */
  root: string;
  paths: string[];
}

interface Scope {
  /** Directory of the .gitignore relative to the root, POSIX form, '' for the root. */
  base: string;
  rules: Ignore;
}

/**
 * Lists the files of `root` to package, sorted by path: nested `.gitignore` files and the
 * user's `excludes` (gitignore syntax, relative to the root) are honoured, the plugin's
 * TypeScript ({@link DEFAULT_IGNORES}), version control, caches and virtualenvs are left out,
 * and a symlink that points outside `root` is refused.
 */
export async function collectFiles(
  root: string,
  excludes: readonly string[] = [],
): Promise<CollectedFiles> {
  const realRoot = realpathSync(root);
  const walker: Walker = {
    realRoot,
    paths: [],
    excludes: excludes.length > 0 ? ignore().add([...excludes]) : undefined,
    slicer: new TimeSlicer(),
  };
  await walk(walker, realRoot, '', []);
  return { root: realRoot, paths: walker.paths.sort() };
}

interface Walker {
  realRoot: string;
  paths: string[];
  /** The user's excludes: they always exclude, whatever a .gitignore says. */
  excludes: Ignore | undefined;
  slicer: TimeSlicer;
}

async function walk(
  walker: Walker,
  absDir: string,
  relDir: string,
  scopes: readonly Scope[],
): Promise<void> {
  await walker.slicer.pause();
  let entries: Dirent[];
  try {
    entries = readdirSync(absDir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PackageError(
      `cannot read the folder ${relDir || '.'} of the plugin (${absDir}: ${code}); make it readable, or exclude it in .gitignore or runtime_env.excludes`,
    );
  }
  if (relDir !== '' && entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile())) return;
  const gitignore = entries.find((e) => e.name === '.gitignore' && e.isFile());
  const localScopes = gitignore
    ? [
        ...scopes,
        { base: relDir, rules: ignore().add(readFileSync(`${absDir}/.gitignore`, 'utf8')) },
      ]
    : scopes;

  for (const entry of entries) {
    const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
    const absPath = `${absDir}/${entry.name}`;
    const kind = entry.isSymbolicLink() ? linkKind(walker.realRoot, absPath) : direntKind(entry);
    if (kind === undefined) continue;
    const isDir = kind === 'dir';
    if (isDir && ALWAYS_EXCLUDED_DIRS.has(entry.name)) continue;
    if (walker.excludes?.ignores(isDir ? `${relPath}/` : relPath)) continue;
    if (isIgnored(localScopes, relPath, isDir, !isDir && isTypeScript(entry.name))) continue;
    // A broken link that is not excluded: packaging without it would deploy something else
    // than the folder holds, so it is refused (it is found only once it is known to count).
    if (kind === 'broken') throw brokenLink(relPath, absPath);
    if (isDir) await walk(walker, absPath, relPath, localScopes);
    else walker.paths.push(relPath);
  }
}

function isTypeScript(name: string): boolean {
  return DEFAULT_IGNORE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

const DEFAULT_IGNORE_EXTENSIONS = DEFAULT_IGNORES.map((pattern) => pattern.slice(1));

/** `broken`: a symlink that leads nowhere (dangling, or a loop). */
type EntryKind = 'file' | 'dir' | 'broken' | undefined;

function direntKind(entry: Dirent): EntryKind {
  return entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : undefined;
}

/**
 * A link to a file inside the root is packaged as that file; a linked directory inside the
 * root is packaged at its real location already; a dangling link or a loop is `broken`.
 */
function linkKind(realRoot: string, absPath: string): EntryKind {
  let target: string;
  try {
    target = realpathSync(absPath);
  } catch {
    return 'broken';
  }
  if (target !== realRoot && !target.startsWith(realRoot + sep)) {
    throw new PackageError(
      `${absPath} is a symlink to ${target}, outside the plugin directory; copy the file into the plugin or exclude the link`,
    );
  }
  return statSync(target).isFile() ? 'file' : undefined;
}

/**
 * Git semantics: the deepest .gitignore with a rule about the path decides, so a nested `!x`
 * re-includes what a parent ignored or what is left out by default. Every scope is an
 * ancestor of the path, so its local path is a plain suffix.
 */
function isIgnored(
  scopes: readonly Scope[],
  relPath: string,
  isDir: boolean,
  ignoredByDefault: boolean,
): boolean {
  let ignored = ignoredByDefault;
  for (const scope of scopes) {
    const local = scope.base ? relPath.slice(scope.base.length + 1) : relPath;
    const verdict = scope.rules.test(isDir ? `${local}/` : local);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

function brokenLink(relPath: string, absPath: string): PackageError {
  let why = 'leads nowhere';
  try {
    realpathSync(absPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    why =
      code === 'ELOOP'
        ? 'is a loop of symlinks'
        : `points to ${readlinkSync(absPath)}, which does not exist`;
  }
  return new PackageError(
    `${relPath} in the plugin is a symlink that ${why}; remove it, or exclude it in .gitignore or runtime_env.excludes`,
  );
}
