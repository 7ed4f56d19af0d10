import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { parse, YAMLParseError } from 'yaml';

import { ConfigError, formatIssues } from '../errors/errors.js';
import { zodIssues } from '../errors/zod-issues.js';
import type { PluginConfig } from './plugin-config.js';
import { PluginConfigSchema } from './plugin-config.js';

/** A plugin directory with its validated config.yaml. */
export interface LoadedPluginConfig {
  /** Absolute path of the plugin directory. */
  dir: string;
  /** Absolute path of its config.yaml. */
  file: string;
  config: PluginConfig;
}

/**
 * Reads and validates `<dir>/config.yaml`. Every error is a {@link ConfigError} naming the file,
 * and for invalid fields each field's path.
 */
export async function loadPluginConfig(dir: string): Promise<LoadedPluginConfig> {
  const absoluteDir = resolve(dir);
  const file = join(absoluteDir, 'config.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'not found; run from a plugin directory or pass --path DIR'
        : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError(file, reason, [], { cause: error });
  }
  return { dir: absoluteDir, file, config: parsePluginConfig(text, file) };
}

/** Validates config.yaml text; `file` is used in error messages. */
export function parsePluginConfig(text: string, file = 'config.yaml'): PluginConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw yamlError(file, error);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, 'must be a YAML mapping with at least `name` and `code`');
  }
  const parsed = PluginConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    const label = issues.length === 1 ? 'invalid field' : 'invalid fields';
    throw new ConfigError(file, `${label}: ${formatIssues(issues)}`, issues);
  }
  return parsed.data;
}

/** A config.yaml syntax error: where it is, and the parser's reason as what to fix. */
function yamlError(file: string, error: unknown): ConfigError {
  if (!(error instanceof YAMLParseError)) {
    return new ConfigError(file, 'is not valid YAML', [], { cause: error });
  }
  const where = error.linePos
    ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
    : '';
  const reason = yamlErrorReason(error);
  return new ConfigError(file, `is not valid YAML${where}`, [], {
    cause: error,
    hint: `fix the YAML syntax there${reason ? ` (${reason})` : ''}: check indentation, colons and quotes`,
  });
}

/**
 * What a YAML parser error says is wrong, without its position and code excerpt (`yaml` puts
 * the reason on its first line), for messages that give the position their own way.
 */
export function yamlErrorReason(error: Error): string {
  return (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}
