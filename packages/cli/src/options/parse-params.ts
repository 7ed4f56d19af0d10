import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';

import { UsageError } from '../usage-error.js';

/**
 * Reads the `--params` option: inline JSON, or `@file.json` / `@file.yaml` / `@file.yml`
 * (relative to `cwd`). No option means `{}`.
 * @throws UsageError naming the file or the JSON position when the value cannot be parsed.
 */
export async function parseParamsOption(value: string | undefined, cwd: string): Promise<unknown> {
  if (value === undefined) return {};
  if (!value.startsWith('@')) return parseJson(value, '--params');
  const file = resolve(cwd, value.slice(1));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--params ${value}: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`,
      { hint: 'pass inline JSON or @path/to/params.json|yaml', cause: error },
    );
  }
  const extension = extname(file).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return await parseYaml(text, file);
  return parseJson(text, file);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // V8 quotes the text, newlines included: keep the reason on one line.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    // Only an inline value went through the shell; a file's content is the user's to fix.
    const hint =
      source === '--params'
        ? `quote it for the shell, e.g. --params '{"key": "value"}', or pass @params.json`
        : 'fix the JSON in the file, or pass the params inline';
    throw new UsageError(`${source} is not valid JSON: ${reason}`, { hint, cause: error });
  }
}

async function parseYaml(text: string, file: string): Promise<unknown> {
  const { parse, YAMLParseError } = await import('yaml');
  try {
    return (parse(text) as unknown) ?? {};
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : '';
    throw new UsageError(`${file} is not valid YAML${where}`, {
      hint: 'fix the file or pass the params as inline JSON',
      cause: error,
    });
  }
}
