import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level (Python's `json.dumps(..., sort_keys=True)`). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}: ${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hex SHA-256 of a string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Ray's `get_app_code_version`: a hash of `import_path`, the app `runtime_env` and `args`.
 * A change means a full rebuild; anything else is applied in place.
 */
export function appCodeVersion(app: {
  import_path: string;
  runtime_env?: unknown;
  args?: unknown;
}): string {
  return sha256Hex(
    canonicalJson({
      import_path: app.import_path,
      runtime_env: app.runtime_env ?? {},
      args: app.args ?? {},
    }),
  );
}
