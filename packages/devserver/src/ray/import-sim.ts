import { unzipSync } from 'fflate';

import { pyRepr } from '../python/py-repr.js';
import { formatTraceback, rayFrame } from '../python/traceback.js';
import type { PackageStore } from './package-store.js';

/** Outcome of simulating the runtime_env setup and the import of an app. */
export type ImportOutcome = { ok: true } | { ok: false; message: string };

interface ZipIndex {
  files: Set<string>;
  dirs: Set<string>;
}

/** Lists a zip's files and directories (implied parents included) without inflating it. */
export function indexZip(bytes: Uint8Array): ZipIndex {
  const files = new Set<string>();
  const dirs = new Set<string>();
  unzipSync(bytes, {
    filter: (file) => {
      const name = file.name.replace(/\\/g, '/');
      if (name.endsWith('/')) dirs.add(name.slice(0, -1));
      else files.add(name);
      const parts = name.split('/').filter((p) => p !== '');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
      return false;
    },
  });
  return { files, dirs };
}

/** The module part of an import path: `a.b:c` → `a.b`, `a.b.c` → `a.b`. */
export function importPathModule(importPath: string): string {
  if (importPath.includes(':')) return importPath.slice(0, importPath.indexOf(':'));
  return importPath.slice(0, importPath.lastIndexOf('.'));
}

/** The attribute part of an import path: `a.b:c` → `c`, `a.b.c` → `c`. */
export function importPathAttr(importPath: string): string {
  if (importPath.includes(':')) return importPath.slice(importPath.indexOf(':') + 1);
  return importPath.slice(importPath.lastIndexOf('.') + 1);
}

/** Python's import of `module` against the zips on sys.path: undefined, or the ModuleNotFoundError text. */
export function findModuleError(module: string, roots: readonly ZipIndex[]): string | undefined {
  const parts = module.split('.');
  for (let i = 1; i <= parts.length; i++) {
    const dotted = parts.slice(0, i).join('.');
    const path = parts.slice(0, i).join('/');
    const isDir = roots.some((r) => r.dirs.has(path));
    const isFile = roots.some((r) => r.files.has(`${path}.py`));
    if (i < parts.length) {
      if (isDir) continue;
      if (isFile)
        return `No module named ${pyRepr(parts.slice(0, i + 1).join('.'))}; ${pyRepr(dotted)} is not a package`;
      return `No module named ${pyRepr(dotted)}`;
    }
    if (!isDir && !isFile) return `No module named ${pyRepr(dotted)}`;
  }
  return undefined;
}

function gcsName(uri: unknown): string | undefined {
  return typeof uri === 'string' && uri.startsWith('gcs://')
    ? uri.slice('gcs://'.length)
    : undefined;
}

/** The Ray traceback of a failed runtime_env setup, as the app message shows it. */
export function runtimeEnvFailure(appName: string, detail: string): string {
  return (
    `Runtime env setup for app '${appName}' failed:\n` +
    formatTraceback(
      [
        rayFrame(
          'ray/serve/_private/application_state.py',
          1256,
          '_reconcile_build_app_task',
          'args, err = ray.get(self._build_app_task_info.obj_ref)',
        ),
        rayFrame(
          'ray/_private/worker.py',
          2782,
          'get',
          'values, debugger_breakpoint = worker.get_objects(object_refs, timeout=timeout)',
        ),
      ],
      'ray.exceptions.RuntimeEnvSetupError',
      `Failed to set up runtime environment.\n${detail}`,
    )
  );
}

/** The Ray message of an exception raised while building (importing) an app. */
export function buildFailure(
  appName: string,
  frames: 'import' | 'builder',
  exceptionLine: string,
): string {
  const base = [
    rayFrame(
      'ray/serve/_private/api.py',
      585,
      'build_serve_application',
      'app = call_user_app_builder_with_args_if_necessary(import_attr(import_path), args)',
    ),
  ];
  const importFrames = [
    rayFrame(
      'ray/_common/utils.py',
      134,
      'import_attr',
      'module = importlib.import_module(module_name)',
    ),
    {
      file: '/home/ray/anaconda3/lib/python3.11/importlib/__init__.py',
      line: 126,
      func: 'import_module',
      code: 'return _bootstrap._gcd_import(name[level:], package, level)',
    },
    { file: '<frozen importlib._bootstrap>', line: 1204, func: '_gcd_import', code: '' },
    { file: '<frozen importlib._bootstrap>', line: 1176, func: '_find_and_load', code: '' },
    {
      file: '<frozen importlib._bootstrap>',
      line: 1140,
      func: '_find_and_load_unlocked',
      code: '',
    },
  ];
  const frames_ =
    frames === 'import'
      ? [...base, ...importFrames]
      : [
          ...base,
          rayFrame(
            'ray/serve/_private/api.py',
            489,
            'call_user_app_builder_with_args_if_necessary',
            'app = builder(args)',
          ),
        ];
  const colon = exceptionLine.indexOf(': ');
  const type = colon === -1 ? exceptionLine : exceptionLine.slice(0, colon);
  const message = colon === -1 ? '' : exceptionLine.slice(colon + 2);
  return `Deploying app '${appName}' failed with exception:\n${formatTraceback(frames_, type, message)}`;
}

/**
 * Simulates runtime_env setup and import for an app: every `gcs://` URI in `working_dir` and
 * `py_modules` must have been uploaded, and when at least one zip is known the `import_path`
 * module (and a string `args.entrypoint` module, `module:Class`) must exist in it.
 * Apps without `gcs://` packages are assumed importable (nothing to check).
 */
export function simulateImport(
  app: {
    name: string;
    import_path: string;
    runtime_env?: Record<string, unknown>;
    args?: Record<string, unknown>;
  },
  packages: PackageStore,
): ImportOutcome {
  const env = app.runtime_env ?? {};
  const uris: unknown[] = [];
  if (Object.hasOwn(env, 'working_dir')) uris.push(env['working_dir']);
  if (Array.isArray(env['py_modules'])) uris.push(...(env['py_modules'] as unknown[]));
  const roots: ZipIndex[] = [];
  for (const uri of uris) {
    const name = gcsName(uri);
    if (name === undefined) continue;
    const bytes = packages.get(name);
    if (bytes === undefined) {
      return {
        ok: false,
        message: runtimeEnvFailure(
          app.name,
          `Failed to download package gcs://${name}: Package gcs://${name} does not exist`,
        ),
      };
    }
    try {
      roots.push(indexZip(bytes));
    } catch {
      return {
        ok: false,
        message: runtimeEnvFailure(
          app.name,
          `Failed to unpack package gcs://${name}: zipfile.BadZipFile: File is not a zip file`,
        ),
      };
    }
  }
  if (roots.length === 0) return { ok: true };

  const importError = findModuleError(importPathModule(app.import_path), roots);
  if (importError !== undefined)
    return {
      ok: false,
      message: buildFailure(app.name, 'import', `ModuleNotFoundError: ${importError}`),
    };

  const entrypoint = app.args?.['entrypoint'];
  if (typeof entrypoint === 'string' && entrypoint.includes(':')) {
    const entryError = findModuleError(importPathModule(entrypoint), roots);
    if (entryError !== undefined)
      return {
        ok: false,
        message: buildFailure(app.name, 'builder', `ModuleNotFoundError: ${entryError}`),
      };
  }
  return { ok: true };
}
