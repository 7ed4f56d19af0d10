import { isAbsolute, relative } from 'node:path';

/** One thing `synapse plugin check` found wrong, where it is and what to do about it. */
export interface PluginProblem {
  /** Absolute path of the file. */
  file: string;
  /** 1-based line; 0 when the problem is the file as a whole (e.g. it is missing). */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** What is wrong and what to fix, on one line. */
  message: string;
}

/**
 * `path:line:column: message`, the path relative to `cwd` when it is below it: the form
 * editors and terminals turn into links.
 */
export function formatProblem(problem: PluginProblem, cwd: string): string {
  const fromCwd = relative(cwd, problem.file);
  const path = fromCwd.startsWith('..') || isAbsolute(fromCwd) ? problem.file : fromCwd;
  const where =
    problem.line === 0
      ? path
      : `${path}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return `${where}: ${problem.message}`;
}
