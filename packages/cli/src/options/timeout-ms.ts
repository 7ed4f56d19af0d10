import { parseDuration } from '@synapse-sdk/core/base';

import { UsageError } from '../usage-error.js';
import { TIMEOUT_VARIABLE } from './timeout-option.js';

/**
 * The `--timeout` value in milliseconds: plain seconds (`90`, `2.5`) or a duration made of
 * numbers with units `ms`, `s`, `m`, `h` (`90s`, `10m`, `1h30m`); without the flag,
 * `SYNAPSE_TIMEOUT` from `env` when given; undefined when neither is.
 * @throws UsageError when the value is not a duration greater than zero, naming where it came from
 */
export function timeoutMsOf(
  options: Readonly<Record<string, unknown>>,
  env?: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const flag = options['timeout'];
  const value = flag ?? env?.[TIMEOUT_VARIABLE];
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const ms = parseDuration(text);
  if (ms === undefined) {
    const source = flag === undefined ? TIMEOUT_VARIABLE : '--timeout';
    throw new UsageError(`${source} '${text}' is not a duration`, {
      hint: 'give seconds (90) or a duration such as 90s, 10m or 1h30m, at most 24h',
    });
  }
  return ms;
}
