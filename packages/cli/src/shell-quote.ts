/** `value` as one POSIX shell word: unchanged when safe, else in single quotes. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command line to copy into a POSIX shell: `NAME=value … program arg …`, every word quoted as
 * needed.
 */
export function shellCommand(
  program: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): string {
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`);
  return [...assignments, program, ...args.map(shellQuote)].join(' ');
}
