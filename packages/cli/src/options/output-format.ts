import { Option } from 'commander';

import { UsageError } from '../usage-error.js';

/**
 * How a command prints its result: `text` for people, `json` (one object), `yaml` (the same
 * object), `ndjson` (one JSON event per line as the run goes, the result last; `plugin run`).
 */
export type OutputFormat = 'text' | 'json' | 'yaml' | 'ndjson';

/** The formats for machines: stdout then holds only what the format says. */
export type MachineFormat = Exclude<OutputFormat, 'text'>;

/**
 * Commander's `-o, --output <format>` option, limited to the formats a command supports;
 * `described` says what the machine formats print.
 */
export function outputOption(formats: readonly OutputFormat[], described: string): Option {
  return new Option('-o, --output <format>', `output format; ${described}`)
    .choices([...formats])
    .default('text');
}

/** `--json`, kept as the short spelling of `-o json`. */
export function jsonOption(): Option {
  return new Option('--json', 'same as -o json');
}

/**
 * The format of a command from its parsed options: `--json` is `-o json`.
 * @throws UsageError when `--json` and another `-o` are both given
 */
export function outputFormatOf(options: Readonly<Record<string, unknown>>): OutputFormat {
  const output = (options['output'] ?? 'text') as OutputFormat;
  if (options['json'] !== true) return output;
  if (output !== 'text' && output !== 'json') {
    throw new UsageError(`--json and -o ${output} ask for two formats`, {
      hint: 'pass one of them',
    });
  }
  return 'json';
}

/**
 * The machine format the arguments ask for, read before commander has parsed them, so that a
 * usage error can still be printed in that format; undefined for text.
 */
export function machineFormatInArgv(argv: readonly string[]): MachineFormat | undefined {
  let format: string | undefined;
  argv.forEach((arg, index) => {
    if (arg === '--json') format ??= 'json';
    else if (arg === '-o' || arg === '--output') format = argv[index + 1];
    else if (arg.startsWith('--output=')) format = arg.slice('--output='.length);
    else if (/^-o[a-z]/.test(arg)) format = arg.slice(2);
  });
  return format === 'json' || format === 'yaml' || format === 'ndjson' ? format : undefined;
}
