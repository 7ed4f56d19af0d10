import { Option } from 'commander';

/** The variable that gives `--timeout` when the flag is not on the command line. */
export const TIMEOUT_VARIABLE = 'SYNAPSE_TIMEOUT';

/**
 * Commander's `--timeout <duration>` for a command that waits; `timeoutMsOf` reads its value
 * (kept apart, so that `--help` loads no SDK package).
 */
export function timeoutOption(what: string): Option {
  return new Option(
    '--timeout <duration>',
    `give up after this long (seconds, or 90s, 10m, 1h30m; env ${TIMEOUT_VARIABLE}): ${what}; exit 124`,
  );
}

/**
 * `SYNAPSE_TIMEOUT` for the run's environment when `--timeout` is given, so that the steps'
 * own waits (a deploy waiting for RUNNING) last as long as the run may.
 */
export function timeoutFlagEnv(options: Readonly<Record<string, unknown>>): Record<string, string> {
  const flag = options['timeout'];
  return typeof flag === 'string' ? { [TIMEOUT_VARIABLE]: flag } : {};
}
