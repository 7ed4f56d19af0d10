import { StepsError } from '../errors.js';

/** The line that opens a job's result block, as the Python SDK's Jobs entrypoint prints it. */
export const RESULT_START = '__SYNAPSE_RESULT_START__';
/** The line that closes it. */
export const RESULT_END = '__SYNAPSE_RESULT_END__';

/**
 * The result a job printed: the JSON object between the last {@link RESULT_START} and
 * {@link RESULT_END} lines, or undefined when it printed none.
 * @throws StepsError (JOB_RESULT_INVALID) when the block is not a JSON object.
 */
export function parseJobResult(
  logs: string,
  submissionId: string,
): Record<string, unknown> | undefined {
  const lines = logs.split(/\r?\n/);
  const start = lines.lastIndexOf(RESULT_START);
  if (start < 0) return undefined;
  const end = lines.indexOf(RESULT_END, start + 1);
  const text = lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    value = error;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Error
  ) {
    throw new StepsError(
      'JOB_RESULT_INVALID',
      `Ray job '${submissionId}' printed a result block that is not a JSON object: ${text.slice(0, 200)}`,
      {
        hint: `print one JSON object between ${RESULT_START} and ${RESULT_END}, e.g. print(json.dumps(result))`,
      },
    );
  }
  return value as Record<string, unknown>;
}

/** The last `count` non-empty lines of a log. */
export function lastLines(logs: string, count: number): string[] {
  return logs
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-count);
}

/** Cuts a stream of text chunks into whole lines. */
export class LineSplitter {
  private partial = '';

  public constructor(private readonly onLine: (line: string) => void) {}

  /** Feeds a chunk; complete lines go to `onLine`. */
  public push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.onLine(line);
  }

  /** Emits what is left of an unterminated last line. */
  public flush(): void {
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}
