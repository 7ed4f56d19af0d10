import { StepTimeoutError } from '../errors/errors.js';
import { cancellation } from '../wait/clock.js';
import type { BaseStep, StepAttempt } from './base-step.js';
import type { BaseStepContext } from './step-context.js';

/**
 * Runs one attempt of `step`, stopping the wait when the run is cancelled or the attempt times
 * out. The step gets a signal that aborts in both cases; a step that ignores it keeps running in
 * the background, but the orchestrator moves on to rollback instead of hanging — unless the
 * step declares `settlesOnAbort`, in which case its result is awaited for its rollback data.
 *
 * Without a run signal (nothing can cancel the run) only the timeout is watched.
 *
 * A synchronous result is returned as is: the orchestrator loop is hot, and most of its cost
 * would otherwise be promise and listener bookkeeping.
 */
export function runAttempt<C extends BaseStepContext>(
  step: BaseStep<C>,
  context: C,
  attempt: number,
  runSignal: AbortSignal | undefined,
): unknown {
  if (runSignal?.aborted) throw cancellation(runSignal);
  if (step.timeoutMs === undefined) {
    if (runSignal === undefined)
      return step.execute(context, new UncancellableAttempt(context, attempt));
    const value = step.execute(context, { signal: runSignal, number: attempt });
    return isPromiseLike(value)
      ? interruptible(value, runSignal, undefined, step.settlesOnAbort === true)
      : value;
  }
  const controller = new AbortController();
  const forwardAbort = (): void => {
    if (runSignal) controller.abort(cancellation(runSignal));
  };
  runSignal?.addEventListener('abort', forwardAbort, { once: true });
  const timeout = new StepTimeoutError(step.name, step.timeoutMs);
  const timer = setTimeout(() => controller.abort(timeout), step.timeoutMs);
  const cleanup = (): void => {
    clearTimeout(timer);
    runSignal?.removeEventListener('abort', forwardAbort);
  };
  try {
    const value = step.execute(context, { signal: controller.signal, number: attempt });
    if (!isPromiseLike(value)) {
      cleanup();
      return value;
    }
    return interruptible(value, controller.signal, cleanup, step.settlesOnAbort === true);
  } catch (error) {
    cleanup();
    throw error;
  }
}

/**
 * The attempt of a run that nothing can cancel: its signal (the context's, which never aborts)
 * is only made if the step reads it.
 */
class UncancellableAttempt implements StepAttempt {
  public constructor(
    private readonly context: BaseStepContext,
    public readonly number: number,
  ) {}

  public get signal(): AbortSignal {
    return this.context.runtimeCtx.signal;
  }
}

/**
 * How an attempt of a step with `settlesOnAbort` ended when its signal aborted: the abort's
 * reason, and what the step returned (or undefined when it threw) once it stopped.
 */
export class AbortedAttempt extends Error {
  public constructor(
    public readonly reason: Error,
    public readonly settled: unknown,
  ) {
    super(reason.message);
    this.name = 'AbortedAttempt';
  }
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as `signal` aborts; with
 * `settle`, waits for `work` to end first and rejects with an {@link AbortedAttempt}.
 */
function interruptible(
  work: PromiseLike<unknown>,
  signal: AbortSignal,
  cleanup: (() => void) | undefined,
  settle: boolean,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const reason = (): Error =>
      signal.reason instanceof Error ? signal.reason : cancellation(signal);
    const onAbort = (): void => {
      if (settle) return;
      cleanup?.();
      reject(reason());
    };
    if (signal.aborted && !settle) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const end = (settled: unknown, error: unknown, failed: boolean): void => {
      signal.removeEventListener('abort', onAbort);
      cleanup?.();
      if (signal.aborted && settle) reject(new AbortedAttempt(reason(), settled));
      // What the step threw, as it threw it: the orchestrator records it as the cause.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      else if (failed) reject(error);
      else resolve(settled);
    };
    work.then(
      (value) => end(value, undefined, false),
      (error: unknown) => end(undefined, error, true),
    );
  });
}

/** True for a promise or any other thenable. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
