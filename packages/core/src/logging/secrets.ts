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

const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\b(Bearer|Token)\s+[A-Za-z0-9._~+/=-]{4,}/g,
  /("?(?:authorization|x-ray-authorization|synapse-access-token|synapse-agent|synapse-user|synapse-tenant|access_token|token|password)"?\s*[:=]\s*"?)([^"\s,}]+)/gi,
];

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
  out = out.replace(CREDENTIAL_PATTERNS[0]!, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(CREDENTIAL_PATTERNS[1]!, (_m, prefix: string) => `${prefix}${REDACTED}`);
  return out;
}

/** Deep-copies `value`, masking secrets in every string it holds. Safe on cycles. */
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
  for (const [key, item] of Object.entries(value)) copy[key] = redactValue(item, seen);
  return copy as T;
}
