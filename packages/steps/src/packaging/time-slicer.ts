import { setImmediate } from 'node:timers/promises';

const SLICE_MS = 15;

/**
 * Packaging runs synchronous file system calls, which are several times faster than their
 * promise versions for thousands of small files; between slices of about 15 ms it lets the
 * event loop run, so a live progress line keeps moving and Ctrl-C is handled.
 */
export class TimeSlicer {
  private sliceStart = performance.now();

  /** Yields to the event loop when the current slice is used up. */
  public async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < SLICE_MS) return;
    await setImmediate();
    this.sliceStart = performance.now();
  }
}
