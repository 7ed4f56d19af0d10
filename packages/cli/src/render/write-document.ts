import { createRequire } from 'node:module';

import type { stringify } from 'yaml';

import type { CliStream } from '../cli-io.js';
import type { MachineFormat } from '../options/output-format.js';
import { toJson } from './to-json.js';

// yaml (dozens of modules) is loaded the first time a document is written as YAML: most runs
// of most commands never do, and every command's start-up would pay for it.
const load = createRequire(import.meta.url);
function yamlStringify(value: unknown): string {
  return (load('yaml') as { stringify: typeof stringify }).stringify(value);
}

/** What a command prints last in a machine format: its result, or its error. */
export type Envelope =
  | { ok: true; result: unknown }
  | { ok: false; error: Record<string, unknown> };

/**
 * Writes `value` as JSON (one line, or indented by `indent` spaces) or as one YAML document,
 * secrets masked as {@link toJson} does.
 */
export function writeDocument(
  stream: CliStream,
  format: 'json' | 'yaml',
  value: unknown,
  indent?: number,
): void {
  if (format === 'json') stream.write(`${toJson(value, indent)}\n`);
  else stream.write(yamlStringify(JSON.parse(toJson(value)) as unknown));
}

/**
 * Writes a command's final {@link Envelope}: a JSON line, a YAML document, or with `ndjson` the
 * stream's last event, `{"type": "result", "ok": …}`.
 */
export function writeEnvelope(stream: CliStream, format: MachineFormat, envelope: Envelope): void {
  if (format === 'ndjson') stream.write(`${toJson({ type: 'result', ...envelope })}\n`);
  else writeDocument(stream, format, envelope);
}
