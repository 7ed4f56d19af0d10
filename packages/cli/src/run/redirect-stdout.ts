import type { CliIo, CliStream } from '../cli-io.js';

/** Plugin output moved off stdout; see {@link redirectStdout}. */
export interface StdoutRedirect {
  /** The command's own stdout, for the one JSON object it prints. */
  stdout: CliStream;
  /** Puts `process.stdout.write` back. */
  restore(): void;
}

type WriteCallback = (error?: Error | null) => void;

/**
 * With `--json`, stdout carries exactly one JSON object: until `restore()`, whatever plugin code
 * writes to `process.stdout` (console.log at module load, in setupSteps, in steps) goes to
 * `io.stderr` instead. The returned `stdout` still writes to the real one.
 */
export function redirectStdout(io: CliIo): StdoutRedirect {
  const target = process.stdout;
  const original = Object.hasOwn(target, 'write') ? target.write : undefined;
  const realWrite = target.write.bind(target);
  const divert = (
    chunk: string | Uint8Array,
    encodingOrCallback?: string | WriteCallback,
    callback?: WriteCallback,
  ): boolean => {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    io.stderr.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    if (done) process.nextTick(done, null);
    return true;
  };
  target.write = divert as typeof target.write;
  const stdout: CliStream =
    io.stdout === target
      ? { write: (chunk: string) => realWrite(chunk), isTTY: target.isTTY, columns: target.columns }
      : io.stdout;
  return {
    stdout,
    restore: () => {
      if (original === undefined) delete (target as { write?: unknown }).write;
      else target.write = original;
    },
  };
}
