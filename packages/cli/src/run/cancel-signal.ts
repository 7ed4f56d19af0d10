import { CancelledError } from '@synapse-sdk/core/base';

import { formatDuration } from '../render/format-time.js';

/** A run's AbortSignal wired to SIGINT and SIGTERM, and to `--timeout` when one is given. */
export interface CancelSignal {
  signal: AbortSignal;
  /** True when `--timeout` elapsed (rather than a signal) and aborted the run. */
  readonly timedOut: boolean;
  /** Removes the signal handlers and the timer. */
  dispose(): void;
}

/** What aborts the run besides SIGINT and SIGTERM. */
export interface CancelSignalOptions {
  /** `--timeout` in milliseconds: the run is cancelled (and rolled back) once it elapses. */
  timeoutMs?: number | undefined;
  /** Where the timeout came from, for the notice. @default '--timeout' */
  timeoutSource?: '--timeout' | 'SYNAPSE_TIMEOUT' | undefined;
  /**
   * False for a command with nothing to undo (a read, a job stop): the notice says it stops,
   * not that it rolls back. Default true.
   */
  rollsBack?: boolean | undefined;
  /** How a second signal exits (tests replace it). */
  exit?: (code: number) => void;
  /** What a second signal would leave undone, or undefined when nothing is (exit 130, not 4). */
  leftBehind?: (() => string | undefined) | undefined;
}

/**
 * Aborts the returned signal on the first SIGINT/SIGTERM or when the timeout elapses (the run
 * then stops its step and rolls back); a second signal exits at once: with 130 when
 * `leftBehind` says nothing is left to undo, else with 4 and one `error:` line saying what is
 * left, since the rollback did not finish.
 */
export function createCancelSignal(
  notify: (message: string) => void,
  options: CancelSignalOptions = {},
): CancelSignal {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const leftBehind = options.leftBehind ?? (() => undefined);
  const controller = new AbortController();
  let timedOut = false;
  const then = options.rollsBack === false ? 'stopping' : 'cancelling; rolling back what ran';
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      const left = leftBehind();
      if (left === undefined) {
        notify(`${name} again: exiting without waiting for rollback`);
        exit(130);
        return;
      }
      notify(
        `error: ${name} again stopped the rollback: ${left}. Check it with 'synapse serve status' and run the deploy again`,
      );
      exit(4);
      return;
    }
    notify(`${name}: ${then} (press Ctrl-C again to exit at once)`);
    controller.abort(new CancelledError(`Cancelled by ${name}`));
  };
  const timeoutMs = options.timeoutMs;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          if (controller.signal.aborted) return;
          timedOut = true;
          const after = `${options.timeoutSource ?? '--timeout'} ${formatDuration(timeoutMs)} elapsed`;
          notify(`${after}: ${then}`);
          controller.abort(new CancelledError(`Timed out: ${after}`));
        }, timeoutMs);
  // The timer alone must not keep a finished command alive.
  timer?.unref();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose: () => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
