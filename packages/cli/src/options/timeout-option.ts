import { Option } from 'commander';

import { UsageError } from '../usage-error.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Commander's `--timeout <duration>` for a command that waits. */
export function timeoutOption(what: string): Option {
  return new Option(
    '--timeout <duration>',
    `give up after this long (seconds, or 90s, 10m, 1h30m): ${what}; exit 124`,
  );
}

/**
 * The `--timeout` value in milliseconds: plain seconds (`90`, `2.5`) or a duration made of
 * numbers with units `ms`, `s`, `m`, `h` (`90s`, `10m`, `1h30m`); undefined when not given.
 * @throws UsageError when the value is not a duration greater than zero
 */
export function timeoutMsOf(options: Readonly<Record<string, unknown>>): number | undefined {
  const value = options['timeout'];
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : durationMs(text);
  if (ms === undefined || !(ms > 0) || !Number.isFinite(ms)) {
    throw new UsageError(`--timeout '${text}' is not a duration`, {
      hint: 'give seconds (90) or a duration such as 90s, 10m or 1h30m',
    });
  }
  return Math.round(ms);
}

function durationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) return undefined;
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit!]!, 0);
}
