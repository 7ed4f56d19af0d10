import { StepTimeoutError } from '../errors/errors.js';
import { cancellation } from '../wait/clock.js';
import type { BaseStep } from './base-step.js';
import type { BaseStepContext } from './step-context.js';

/**
 * Runs one attempt of `step`, stopping the wait when the run is cancelled or the attempt times
 * out. The step gets a signal that aborts in both cases; a step that ignores it keeps running in
 * the background, but the orchestrator moves on to rollback instead of hanging.
 *
 * A synchronous result is returned as is: the orchestrator loop is hot, and most of its cost
 * would otherwise be promise and listener bookkeeping.
 */
export function runAttempt<C extends BaseStepContext>(
  step: BaseStep<C>,
  context: C,
  attempt: number,
  runSignal: AbortSignal,
): unknown {
  if (runSignal.aborted) throw cancellation(runSignal);
  if (step.timeoutMs === undefined) {
    const value = step.execute(context, { signal: runSignal, number: attempt });
    return isPromiseLike(value) ? interruptible(value, runSignal, undefined) : value;
  }
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(cancellation(runSignal));
  runSignal.addEventListener('abort', forwardAbort, { once: true });
  const timeout = new StepTimeoutError(step.name, step.timeoutMs);
  const timer = setTimeout(() => controller.abort(timeout), step.timeoutMs);
  const cleanup = (): void => {
    clearTimeout(timer);
    runSignal.removeEventListener('abort', forwardAbort);
  };
  try {
    const value = step.execute(context, { signal: controller.signal, number: attempt });
    if (!isPromiseLike(value)) {
      cleanup();
      return value;
    }
    return interruptible(value, controller.signal, cleanup);
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Settles with `work`, or rejects with the signal's reason as soon as `signal` aborts. */
function interruptible(
  work: PromiseLike<unknown>,
  signal: AbortSignal,
  cleanup: (() => void) | undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      cleanup?.();
      reject(signal.reason instanceof Error ? signal.reason : cancellation(signal));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        cleanup?.();
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        cleanup?.();
        reject(error);
      },
    );
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
