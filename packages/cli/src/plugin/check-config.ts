import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { ConfigError, PluginConfigSchema, yamlErrorReason } from '@synapse-sdk/core';
import type { Document } from 'yaml';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';

import { findModule } from './find-plugin-action.js';
import { parseEntrypoint } from './parse-entrypoint.js';
import type { PluginProblem } from './plugin-problem.js';

/** An action of config.yaml whose entrypoint module exists. */
export interface EntrypointModule {
  action: string;
  /** Absolute path of the module. */
  modulePath: string;
  exportName: string;
  /** Where config.yaml names it, for problems with the export. */
  line: number;
  column: number;
}

/** What {@link checkPluginConfig} found. */
export interface ConfigCheck {
  /** Absolute path of config.yaml. */
  file: string;
  problems: PluginProblem[];
  /** The actions whose module was found; their TypeScript is checked next. */
  modules: EntrypointModule[];
  /** Names of every action declared. */
  actions: string[];
}

/**
 * Checks `<dir>/config.yaml` as `synapse plugin run` reads it — YAML syntax, every field of the
 * schema, each action's `module:Export` entrypoint and that its module exists — and reports
 * each problem at its line.
 */
export async function checkPluginConfig(dir: string): Promise<ConfigCheck> {
  const file = join(resolve(dir), 'config.yaml');
  const check: ConfigCheck = { file, problems: [], modules: [], actions: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    check.problems.push({
      file,
      line: 0,
      message:
        code === 'ENOENT'
          ? "not found; pass --path with a plugin directory, or create one with 'synapse plugin init DIR'"
          : `cannot be read (${code ?? String(error)})`,
    });
    return check;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const at = lines.linePos(error.pos[0]);
      const reason = yamlErrorReason(error);
      check.problems.push({
        file,
        line: at.line,
        column: at.col,
        message: `YAML syntax: ${reason}; check the indentation, colons and quotes`,
      });
    }
    return check;
  }
  const raw: unknown = doc.toJS();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    check.problems.push({
      file,
      line: 1,
      column: 1,
      message: 'must be a YAML mapping with at least `name`, `code` and `actions`',
    });
    return check;
  }
  const parsed = PluginConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      check.problems.push({
        file,
        ...locate(doc, lines, path),
        message: `${path.join('.') || 'config.yaml'}: ${issue.message}`,
      });
    }
    return check;
  }
  check.actions = Object.keys(parsed.data.actions);
  if (check.actions.length === 0) {
    check.problems.push({
      file,
      ...locate(doc, lines, ['actions']),
      message:
        'actions: none declared; add one, e.g. deployment: { entrypoint: actions/deploy.ts:DeployAction }',
    });
  }
  for (const [action, config] of Object.entries(parsed.data.actions)) {
    const field = `actions.${action}.entrypoint`;
    const at = locate(doc, lines, ['actions', action, 'entrypoint']);
    try {
      const entry = parseEntrypoint(config.entrypoint, file, field);
      const modulePath = findModule(resolve(dir), entry.modulePath);
      if (modulePath === undefined) {
        check.problems.push({
          file,
          ...at,
          message: `${field}: module ${entry.modulePath} not found; fix the path (relative to the plugin directory)`,
        });
      } else {
        check.modules.push({ action, modulePath, exportName: entry.exportName, ...at });
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      check.problems.push({ file, ...at, message: error.message.slice(`${file}: `.length) });
    }
  }
  return check;
}

/**
 * Where `path` is written: its value when present, else the deepest key above it that is
 * (a missing field is reported where it belongs), else the top of the file.
 */
function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly string[],
): { line: number; column: number } {
  const value = path.length > 0 ? doc.getIn(path, true) : undefined;
  const node = isScalar(value) ? value : undefined;
  const range = node?.range ?? keyRange(doc, path) ?? parentKeyRange(doc, path);
  if (!range) return { line: 1, column: 1 };
  const { line, col } = lines.linePos(range[0]!);
  return { line, column: col };
}

function parentKeyRange(doc: Document, path: readonly string[]): readonly number[] | undefined {
  for (let length = path.length - 1; length > 0; length--) {
    const range = keyRange(doc, path.slice(0, length));
    if (range) return range;
  }
  return undefined;
}

/** The range of the key that holds `path`'s last segment. */
function keyRange(doc: Document, path: readonly string[]): readonly number[] | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find(
    (item) => isScalar(item.key) && String(item.key.value) === path.at(-1),
  );
  return isScalar(pair?.key) ? (pair.key.range ?? undefined) : undefined;
}
