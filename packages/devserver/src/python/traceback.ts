/** One frame of a simulated Python traceback. */
export interface PyFrame {
  file: string;
  line: number;
  func: string;
  code: string;
}

const SITE = '/home/ray/anaconda3/lib/python3.11/site-packages';

/** Frames of the dashboard's exception wrapper (`optional_utils.init_ray_and_catch_exceptions`). */
export const DASHBOARD_WRAPPER_FRAME: PyFrame = {
  file: `${SITE}/ray/dashboard/optional_utils.py`,
  line: 94,
  func: '_handler_route',
  code: 'return await handler(bind_info.instance, req)',
};

/** Builds a frame under Ray's site-packages directory. */
export function rayFrame(relPath: string, line: number, func: string, code: string): PyFrame {
  return { file: `${SITE}/${relPath}`, line, func, code };
}

/**
 * Formats a Python-looking traceback: `Traceback (most recent call last):`, the frames, then
 * `<exceptionType>: <message>`. The texts imitate what Ray sends; line numbers are illustrative.
 */
export function formatTraceback(
  frames: readonly PyFrame[],
  exceptionType: string,
  message: string,
): string {
  const lines = ['Traceback (most recent call last):'];
  for (const f of frames) {
    lines.push(`  File "${f.file}", line ${f.line}, in ${f.func}`);
    if (f.code !== '') lines.push(`    ${f.code}`);
  }
  lines.push(message === '' ? exceptionType : `${exceptionType}: ${message}`);
  return lines.join('\n');
}
