/** A writable text stream as the CLI uses it. */
export interface CliStream {
  write(chunk: string): unknown;
  /** True when the stream is a terminal. */
  isTTY?: boolean | undefined;
  /** Terminal width. */
  columns?: number | undefined;
}

/** Where a command reads its environment and writes its output; the process by default. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The {@link CliIo} of this process. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
