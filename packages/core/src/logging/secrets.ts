/**
 * Process-wide registry of secret values (tokens, passwords). Every logger, error message and
 * event payload that leaves the SDK passes through {@link redactSecrets}, so a registered value
 * never reaches a user's terminal or log store.
 */
const secrets = new Set<string>();

/** Replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]';

// Values shorter than this are too likely to match ordinary text to be masked safely.
const MIN_SECRET_LENGTH = 4;

// `Authorization: Bearer abc` keeps its scheme; `token=abc` and `"password": "abc"` keep their key.
const SCHEME_CREDENTIAL = /\b(Bearer|Token)\s+[A-Za-z0-9._~+/=-]{4,}/g;
const KEYED_CREDENTIAL =
  /("?(?:authorization|x-ray-authorization|synapse-access-token|synapse-agent|synapse-user|synapse-tenant|access_token|token|password)"?\s*[:=]\s*"?)(?!(?:Bearer|Token)\s)([^"\s,}&]+)/gi;
const SENSITIVE_KEY =
  /^(?:authorization|x-ray-authorization|cookie|set-cookie|synapse-access-token|synapse-agent|synapse-user|synapse-tenant|.*token|.*password|.*secret)$/i;

/** Registers a secret so that later output masks it. Empty or very short values are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

/** Masks every registered secret and every credential-looking header or field in `text`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  out = out.replace(KEYED_CREDENTIAL, (_m, prefix: string) => `${prefix}${REDACTED}`);
  out = out.replace(SCHEME_CREDENTIAL, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  return out;
}

/**
 * Deep-copies `value`, masking secrets in every string it holds and the whole string value of
 * credential-named keys (`authorization`, `*token`, `*password`, …). Safe on cycles.
 */
export function redactValue<T>(value: T, seen = new WeakMap<object, unknown>()): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value) as T;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, seen));
    return copy as T;
  }
  if (value instanceof Error) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    copy[key] =
      typeof item === 'string' && SENSITIVE_KEY.test(key) ? REDACTED : redactValue(item, seen);
  }
  return copy as T;
}
