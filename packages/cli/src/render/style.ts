import { styleText } from 'node:util';

/** The text styles the CLI uses. */
export type StyleFormat = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

/** Styles text for one output stream: colours, or the text unchanged. */
export type Styler = (format: StyleFormat, text: string) => string;

/**
 * The {@link Styler} of `stream`. Node's `util.styleText` decides for a Node stream: colours
 * only in a terminal that supports them, never with `NO_COLOR`, `NODE_DISABLE_COLORS` or
 * `TERM=dumb`, always with `FORCE_COLOR` (1–3; `0` turns them off). Anything else — a pipe, a
 * file, a test's sink — gets plain text, unless `force` turns colours on (`false` turns them
 * off whatever the stream).
 */
export function stylerFor(stream: unknown, force?: boolean): Styler {
  if (force === false) return plain;
  if (force === true) return (format, text) => styleText(format, text, { validateStream: false });
  if (!isNodeStream(stream)) return plain;
  // One format per call: Node 20's styleText skips the terminal check for a list of formats.
  return (format, text) => styleText(format, text, { stream });
}

const plain: Styler = (_format, text) => text;

function isNodeStream(stream: unknown): stream is NodeJS.WritableStream {
  return (
    typeof stream === 'object' &&
    stream !== null &&
    typeof (stream as { write?: unknown }).write === 'function' &&
    typeof (stream as { on?: unknown }).on === 'function'
  );
}
