const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration read: a day. A longer one is a typo rather than a plan, and a timer of
 * more than 24.8 days would fire at once (Node clamps it to 1 ms).
 */
export const MAX_DURATION_MS = 24 * 3_600_000;

/**
 * Reads a duration in milliseconds: plain seconds (`90`, `2.5`) or numbers with units `ms`,
 * `s`, `m`, `h` (`90s`, `10m`, `1h30m`). Undefined when the text is not a duration above zero
 * and up to {@link MAX_DURATION_MS}.
 * `plugin run --timeout` and `SYNAPSE_TIMEOUT` are read with it.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : withUnits(trimmed);
  return ms !== undefined && ms > 0 && ms <= MAX_DURATION_MS ? Math.round(ms) : undefined;
}

function withUnits(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) return undefined;
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit!]!, 0);
}
