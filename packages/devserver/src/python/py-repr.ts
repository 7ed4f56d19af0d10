/** A Python tuple, so that {@link pyRepr} prints `('a', 0)` rather than a list. */
export class PyTuple {
  public constructor(public readonly items: readonly unknown[]) {}
}

/** A raw Python expression printed verbatim by {@link pyRepr} (e.g. `<ProxyLocation.Disabled: 'Disabled'>`). */
export class PyRaw {
  public constructor(public readonly text: string) {}
}

/**
 * Formats a JSON-like value the way Python's `repr()` does: `None`, `True`, quoted strings with
 * Python's quote choice and escapes, tuples, lists and dicts. Used to imitate Ray's error texts.
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyStr(value);
  if (value instanceof PyRaw) return value.text;
  if (value instanceof PyTuple) {
    const inner = value.items.map(pyRepr);
    return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return pyStr(String(value));
}

/** Python's `str()` of a value: strings as-is, everything else as {@link pyRepr}. */
export function pyStrOf(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** Python's repr of a str: single quotes unless the text has `'` and no `"`. */
export function pyStr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f')
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
